#include "ext/crypto/crypto_ops.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ext/crypto/openssl_util.h"
#include "ops/blocking_pool.h"
#include "ops/errors.h"

namespace kiln::crypto {
namespace {

using Bytes = std::vector<uint8_t>;

absl::Status FillRandom(uint8_t* data, size_t size) {
  while (size > 0) {
    int chunk = size > static_cast<size_t>(INT_MAX) ? INT_MAX : static_cast<int>(size);
    if (RAND_bytes(data, chunk) != 1) {
      return absl::InternalError(
          absl::StrCat("the random number generator failed: ", OpenSslError()));
    }
    data += chunk;
    size -= static_cast<size_t>(chunk);
  }
  return absl::OkStatus();
}

// The AES cipher of `mode` for a key of `key_size` bytes, or null.
const EVP_CIPHER* AesCipher(const std::string& mode, size_t key_size) {
  if (mode == "AES-GCM") {
    if (key_size == 16) return EVP_aes_128_gcm();
    if (key_size == 24) return EVP_aes_192_gcm();
    if (key_size == 32) return EVP_aes_256_gcm();
  } else if (mode == "AES-CBC") {
    if (key_size == 16) return EVP_aes_128_cbc();
    if (key_size == 24) return EVP_aes_192_cbc();
    if (key_size == 32) return EVP_aes_256_cbc();
  } else if (mode == "AES-CTR") {
    if (key_size == 16) return EVP_aes_128_ctr();
    if (key_size == 24) return EVP_aes_192_ctr();
    if (key_size == 32) return EVP_aes_256_ctr();
  }
  return nullptr;
}

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, OpenSslFree<EVP_CIPHER_CTX_free>>;

// Runs `input` through an initialised context, appending to `out` from `*written`.
bool CipherUpdate(EVP_CIPHER_CTX* context, const uint8_t* input, size_t size, Bytes& out,
                  size_t* written) {
  while (size > 0) {
    int chunk = size > (1u << 30) ? (1 << 30) : static_cast<int>(size);
    int produced = 0;
    if (EVP_CipherUpdate(context, out.data() + *written, &produced, input, chunk) != 1) {
      return false;
    }
    *written += static_cast<size_t>(produced);
    input += chunk;
    size -= static_cast<size_t>(chunk);
  }
  return true;
}

absl::StatusOr<ByteBuffer> AesGcm(const AesOperation& op, const EVP_CIPHER* cipher) {
  const size_t tag_size = op.tag_length / 8;
  const uint8_t* input = BytesOf(op.data);
  size_t input_size = op.data.size();
  if (!op.encrypt) {
    if (input_size < tag_size) return OperationError("The data is shorter than the tag.");
    input_size -= tag_size;
  }
  CipherContext context(EVP_CIPHER_CTX_new());
  if (context == nullptr ||
      EVP_CipherInit_ex(context.get(), cipher, nullptr, nullptr, nullptr, op.encrypt) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(op.iv.size()),
                          nullptr) != 1 ||
      EVP_CipherInit_ex(context.get(), nullptr, nullptr, BytesOf(op.key), BytesOf(op.iv),
                        op.encrypt) != 1) {
    return OperationError(absl::StrCat("AES-GCM setup failed: ", OpenSslError()));
  }
  int ignored = 0;
  const uint8_t* aad = BytesOf(op.additional_data);
  for (size_t left = op.additional_data.size(); left > 0;) {
    int chunk = left > (1u << 30) ? (1 << 30) : static_cast<int>(left);
    if (EVP_CipherUpdate(context.get(), nullptr, &ignored, aad, chunk) != 1) {
      return OperationError(absl::StrCat("AES-GCM failed: ", OpenSslError()));
    }
    aad += chunk;
    left -= static_cast<size_t>(chunk);
  }
  Bytes out(input_size + (op.encrypt ? tag_size : 0));
  size_t written = 0;
  if (!CipherUpdate(context.get(), input, input_size, out, &written)) {
    return OperationError(absl::StrCat("AES-GCM failed: ", OpenSslError()));
  }
  if (!op.encrypt) {
    // EVP_CTRL_GCM_SET_TAG takes a non-const pointer but only reads the tag.
    if (EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_size),
                            const_cast<uint8_t*>(input + input_size)) != 1) {
      return OperationError(absl::StrCat("AES-GCM failed: ", OpenSslError()));
    }
  }
  int final_size = 0;
  if (EVP_CipherFinal_ex(context.get(), out.data() + written, &final_size) != 1) {
    ERR_clear_error();
    return OperationError(op.encrypt ? "AES-GCM encryption failed."
                                     : "The operation failed for an operation-specific reason");
  }
  written += static_cast<size_t>(final_size);
  if (op.encrypt) {
    if (EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_size),
                            out.data() + written) != 1) {
      return OperationError(absl::StrCat("AES-GCM failed: ", OpenSslError()));
    }
    written += tag_size;
  }
  out.resize(written);
  return ByteBuffer(std::move(out));
}

absl::StatusOr<ByteBuffer> AesCbc(const AesOperation& op, const EVP_CIPHER* cipher) {
  CipherContext context(EVP_CIPHER_CTX_new());
  if (context == nullptr || EVP_CipherInit_ex(context.get(), cipher, nullptr, BytesOf(op.key),
                                              BytesOf(op.iv), op.encrypt) != 1) {
    return OperationError(absl::StrCat("AES-CBC setup failed: ", OpenSslError()));
  }
  Bytes out(op.data.size() + 16);
  size_t written = 0;
  int final_size = 0;
  if (!CipherUpdate(context.get(), BytesOf(op.data), op.data.size(), out, &written) ||
      EVP_CipherFinal_ex(context.get(), out.data() + written, &final_size) != 1) {
    ERR_clear_error();
    return OperationError(op.encrypt ? "AES-CBC encryption failed."
                                     : "The operation failed for an operation-specific reason");
  }
  out.resize(written + static_cast<size_t>(final_size));
  return ByteBuffer(std::move(out));
}

// AES-CTR whose counter is the rightmost `counter_length` bits of the counter block: OpenSSL
// increments all 128 bits, so the data is split where those bits wrap to zero and the
// second part starts from the block with them cleared.
absl::StatusOr<ByteBuffer> AesCtr(const AesOperation& op, const EVP_CIPHER* cipher) {
  using uint128 = unsigned __int128;
  uint128 counter = 0;
  for (size_t i = 0; i < 16; ++i) counter = (counter << 8) | BytesOf(op.iv)[i];
  const uint32_t bits = op.counter_length;
  const uint128 mask =
      bits >= 128 ? ~static_cast<uint128>(0) : ((static_cast<uint128>(1) << bits) - 1);
  const uint128 blocks = (static_cast<uint128>(op.data.size()) + 15) / 16;
  if (bits < 128 && blocks > mask + 1) {
    return OperationError("The data is longer than the counter allows (2^length blocks).");
  }
  // Blocks before the counter bits wrap (0 stands for 2^128: never).
  const uint128 until_wrap = (mask - (counter & mask)) + 1;
  size_t first_size = op.data.size();
  if (until_wrap != 0 && blocks > until_wrap) first_size = static_cast<size_t>(until_wrap) * 16;
  Bytes out(op.data.size());
  size_t written = 0;
  uint128 block = counter;
  size_t offset = 0;
  while (offset < op.data.size() || (op.data.size() == 0 && offset == 0)) {
    size_t part = offset == 0 ? first_size : op.data.size() - offset;
    uint8_t iv[16];
    for (int i = 15; i >= 0; --i) {
      iv[i] = static_cast<uint8_t>(block);
      block >>= 8;
    }
    CipherContext context(EVP_CIPHER_CTX_new());
    int final_size = 0;
    if (context == nullptr ||
        EVP_CipherInit_ex(context.get(), cipher, nullptr, BytesOf(op.key), iv, op.encrypt) != 1 ||
        !CipherUpdate(context.get(), BytesOf(op.data) + offset, part, out, &written) ||
        EVP_CipherFinal_ex(context.get(), out.data() + written, &final_size) != 1) {
      return OperationError(absl::StrCat("AES-CTR failed: ", OpenSslError()));
    }
    written += static_cast<size_t>(final_size);
    offset += part;
    if (part == 0) break;
    block = counter & ~mask;  // the second part starts where the counter bits wrapped
  }
  out.resize(written);
  return ByteBuffer(std::move(out));
}

// HMAC-`hash` of `data` with `key`: EVP_Q_mac's HMAC. The key is never empty (WebCrypto
// has no empty HMAC key; HKDF passes a hash-sized salt).
absl::StatusOr<ByteBuffer> HmacWithRawKey(const std::string& hash, const uint8_t* key,
                                          size_t key_size, const uint8_t* data, size_t size) {
  const EVP_MD* digest = DigestNamed(hash);
  if (digest == nullptr) return absl::InvalidArgumentError(absl::StrCat("unsupported hash ", hash));
  ByteBuffer out(static_cast<size_t>(EVP_MD_get_size(digest)));
  size_t written = 0;
  static const uint8_t kZero[1] = {0};
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, EVP_MD_get0_name(digest), nullptr,
                key_size == 0 ? kZero : key, key_size, data == nullptr ? kZero : data, size,
                out.data(), out.size(), &written) == nullptr ||
      written != out.size()) {
    return OperationError(absl::StrCat("HMAC failed: ", OpenSslError()));
  }
  return out;
}

// OpenSSL without its exit-time cleanup, set up before main() and before anything else
// initialises the library (libcurl, on a runtime's first fetch): a blocking-pool thread
// may still be generating a key or signing while the process exits (an uncaught error
// ends a run with tasks in flight), and OPENSSL_cleanup, run by exit(), would free the
// tables it uses under it. The memory stays reachable from OpenSSL's globals, so leak
// checkers do not count it.
const bool kOpenSslWithoutExitCleanup =
    OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr) == 1;

}  // namespace

absl::Status op_crypto_fill_random(ByteView bytes) { return FillRandom(bytes.data, bytes.size); }

absl::StatusOr<std::string> op_crypto_random_uuid() {
  uint8_t bytes[16];
  absl::Status filled = FillRandom(bytes, sizeof(bytes));
  if (!filled.ok()) return filled;
  bytes[6] = (bytes[6] & 0x0f) | 0x40;  // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80;  // variant 10xx (RFC 4122)
  static constexpr char kHex[] = "0123456789abcdef";
  std::string uuid(36, '-');
  size_t out = 0;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++out;  // keep the '-'
    uuid[out++] = kHex[bytes[i] >> 4];
    uuid[out++] = kHex[bytes[i] & 0x0f];
  }
  return uuid;
}

Future<ByteBuffer> op_crypto_digest(OpState& state, std::string algorithm, SharedBytes data) {
  const EVP_MD* digest = DigestNamed(algorithm);
  if (digest == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("unsupported digest ", algorithm));
  }
  auto hash = [digest, algorithm](const uint8_t* input, size_t size) -> absl::StatusOr<ByteBuffer> {
    ByteBuffer result(static_cast<size_t>(EVP_MD_get_size(digest)));
    unsigned int written = 0;
    static const uint8_t kEmpty = 0;
    if (EVP_Digest(size == 0 ? &kEmpty : input, size, result.data(), &written, digest,
                   nullptr) != 1 ||
        written != result.size()) {
      return absl::InternalError(absl::StrCat(algorithm, " failed: ", OpenSslError()));
    }
    return result;
  };
  if (data.size() < kBlockingDigestBytes) {
    return hash(BytesOf(data), data.size());
  }
  // The spec's copy of the bytes, taken now: the script may change its buffer meanwhile.
  std::vector<uint8_t> input(BytesOf(data), BytesOf(data) + data.size());
  return RunBlocking<ByteBuffer>(state, [hash, input = std::move(input)]() {
    return hash(input.data(), input.size());
  });
}

absl::StatusOr<ByteBuffer> op_crypto_hmac_sign(std::string hash, SharedBytes key,
                                               SharedBytes data) {
  return HmacWithRawKey(hash, BytesOf(key), key.size(), BytesOf(data), data.size());
}

absl::StatusOr<bool> op_crypto_hmac_verify(std::string hash, SharedBytes key, SharedBytes data,
                                           SharedBytes signature) {
  absl::StatusOr<ByteBuffer> expected =
      HmacWithRawKey(hash, BytesOf(key), key.size(), BytesOf(data), data.size());
  if (!expected.ok()) return expected.status();
  return signature.size() == expected->size() &&
         CRYPTO_memcmp(BytesOf(signature), expected->data(), expected->size()) == 0;
}

absl::StatusOr<ByteBuffer> op_crypto_aes(AesOperation operation) {
  const EVP_CIPHER* cipher = AesCipher(operation.mode, operation.key.size());
  if (cipher == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("unsupported AES mode ", operation.mode,
                                                   " or key size ", operation.key.size()));
  }
  if (operation.mode == "AES-GCM") {
    if (operation.iv.size() == 0 || operation.tag_length % 8 != 0 || operation.tag_length < 32 ||
        operation.tag_length > 128) {
      return OperationError("Invalid AES-GCM IV or tag length.");
    }
    return AesGcm(operation, cipher);
  }
  if (operation.iv.size() != 16) return OperationError("The IV or counter must be 16 bytes.");
  if (operation.mode == "AES-CBC") return AesCbc(operation, cipher);
  if (operation.counter_length == 0 || operation.counter_length > 128) {
    return OperationError("The counter length must be between 1 and 128.");
  }
  return AesCtr(operation, cipher);
}

absl::StatusOr<ByteBuffer> op_crypto_aes_kw(bool wrap, SharedBytes key, SharedBytes data) {
  const EVP_CIPHER* cipher = key.size() == 16   ? EVP_aes_128_wrap()
                             : key.size() == 24 ? EVP_aes_192_wrap()
                             : key.size() == 32 ? EVP_aes_256_wrap()
                                                : nullptr;
  if (cipher == nullptr) return absl::InvalidArgumentError("AES-KW keys are 16, 24 or 32 bytes");
  if (data.size() % 8 != 0 || data.size() < (wrap ? 16u : 24u)) {
    return OperationError(wrap ? "AES-KW wraps a multiple of 8 bytes, at least 16."
                               : "AES-KW unwraps a multiple of 8 bytes, at least 24.");
  }
  CipherContext context(EVP_CIPHER_CTX_new());
  if (context == nullptr) return OperationError("AES-KW failed: out of memory");
  EVP_CIPHER_CTX_set_flags(context.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
  Bytes out(data.size() + 8);
  size_t written = 0;
  int final_size = 0;
  if (EVP_CipherInit_ex(context.get(), cipher, nullptr, key.data(), nullptr, wrap) != 1 ||
      !CipherUpdate(context.get(), data.data(), data.size(), out, &written) ||
      EVP_CipherFinal_ex(context.get(), out.data() + written, &final_size) != 1) {
    ERR_clear_error();
    return OperationError(wrap ? "AES-KW wrapping failed."
                               : "The operation failed for an operation-specific reason");
  }
  out.resize(written + static_cast<size_t>(final_size));
  return ByteBuffer(std::move(out));
}

Future<ByteBuffer> op_crypto_pbkdf2(OpState& state, std::string hash, SharedBytes password,
                                    SharedBytes salt, uint32_t iterations, uint32_t length) {
  const EVP_MD* digest = DigestNamed(hash);
  if (digest == nullptr) return absl::InvalidArgumentError(absl::StrCat("unsupported hash ", hash));
  if (iterations == 0 || iterations > INT_MAX) return OperationError("Invalid iteration count.");
  if (password.size() > INT_MAX || salt.size() > INT_MAX || length > INT_MAX) {
    return OperationError("PBKDF2 input too large.");
  }
  auto derive = [digest, iterations, length,
                 password = std::vector<uint8_t>(BytesOf(password), BytesOf(password) + password.size()),
                 salt = std::vector<uint8_t>(BytesOf(salt), BytesOf(salt) + salt.size())]()
      -> absl::StatusOr<ByteBuffer> {
    ByteBuffer out(length);
    static const uint8_t kEmpty[1] = {0};
    if (length > 0 &&
        PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(password.empty() ? kEmpty : password.data()),
                          static_cast<int>(password.size()), salt.empty() ? kEmpty : salt.data(),
                          static_cast<int>(salt.size()), static_cast<int>(iterations), digest,
                          static_cast<int>(length), out.data()) != 1) {
      return OperationError(absl::StrCat("PBKDF2 failed: ", OpenSslError()));
    }
    return out;
  };
  if (iterations < kBlockingPbkdf2Iterations) {
    return derive();
  }
  return RunBlocking<ByteBuffer>(state, std::move(derive));
}

absl::StatusOr<ByteBuffer> op_crypto_hkdf(std::string hash, SharedBytes key, SharedBytes salt,
                                          SharedBytes info, uint32_t length) {
  const EVP_MD* digest = DigestNamed(hash);
  if (digest == nullptr) return absl::InvalidArgumentError(absl::StrCat("unsupported hash ", hash));
  const size_t hash_size = static_cast<size_t>(EVP_MD_get_size(digest));
  if (length > 255 * hash_size) {
    return OperationError(
        absl::StrCat("HKDF with ", hash, " derives at most ", 255 * hash_size * 8, " bits."));
  }
  // Extract: PRK = HMAC(salt, IKM), where an empty salt is hash_size zeros (RFC 5869 2.2).
  std::vector<uint8_t> zeros(hash_size);
  absl::StatusOr<ByteBuffer> prk;
  if (salt.size() == 0) {
    prk = HmacWithRawKey(hash, zeros.data(), zeros.size(), BytesOf(key), key.size());
  } else {
    prk = HmacWithRawKey(hash, salt.data(), salt.size(), BytesOf(key), key.size());
  }
  if (!prk.ok()) return prk.status();
  // Expand: T(1) | T(2) | ..., T(i) = HMAC(PRK, T(i-1) | info | i).
  ByteBuffer out(length);
  std::vector<uint8_t> block;
  std::vector<uint8_t> previous;
  size_t written = 0;
  for (uint32_t counter = 1; written < length; ++counter) {
    block.assign(previous.begin(), previous.end());
    block.insert(block.end(), BytesOf(info), BytesOf(info) + info.size());
    block.push_back(static_cast<uint8_t>(counter));
    absl::StatusOr<ByteBuffer> t =
        HmacWithRawKey(hash, prk->data(), prk->size(), block.data(), block.size());
    if (!t.ok()) return t.status();
    size_t take = std::min(t->size(), static_cast<size_t>(length) - written);
    std::memcpy(out.data() + written, t->data(), take);
    written += take;
    previous.assign(t->data(), t->data() + t->size());
  }
  OPENSSL_cleanse(previous.data(), previous.size());
  OPENSSL_cleanse(prk->data(), prk->size());
  return out;
}

}  // namespace kiln::crypto
