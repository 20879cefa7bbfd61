#include "ext/crypto/crypto_ops.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <climits>
#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace kiln::crypto {
namespace {

// The OpenSSL error queue's oldest entry as text (and the queue emptied).
std::string OpenSslError() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

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

const EVP_MD* DigestNamed(const std::string& name) {
  if (name == "SHA-1") return EVP_sha1();
  if (name == "SHA-256") return EVP_sha256();
  if (name == "SHA-384") return EVP_sha384();
  if (name == "SHA-512") return EVP_sha512();
  return nullptr;
}

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

Future<ByteBuffer> op_crypto_digest(std::string algorithm, SharedBytes data) {
  const EVP_MD* digest = DigestNamed(algorithm);
  if (digest == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("unsupported digest ", algorithm));
  }
  ByteBuffer result(static_cast<size_t>(EVP_MD_get_size(digest)));
  unsigned int written = 0;
  static const uint8_t kEmpty = 0;
  const uint8_t* input = data.size() == 0 ? &kEmpty : data.data();
  if (EVP_Digest(input, data.size(), result.data(), &written, digest, nullptr) != 1 ||
      written != result.size()) {
    return absl::InternalError(absl::StrCat(algorithm, " failed: ", OpenSslError()));
  }
  return result;
}

}  // namespace kiln::crypto
