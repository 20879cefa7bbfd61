#include "ext/crypto/crypto_key_ops.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ext/crypto/openssl_util.h"
#include "ops/blocking_pool.h"

namespace kiln::crypto {
namespace {

using Bytes = std::vector<uint8_t>;

using Pkey = std::unique_ptr<EVP_PKEY, OpenSslFree<EVP_PKEY_free>>;
using PkeyContext = std::unique_ptr<EVP_PKEY_CTX, OpenSslFree<EVP_PKEY_CTX_free>>;
using DigestContext = std::unique_ptr<EVP_MD_CTX, OpenSslFree<EVP_MD_CTX_free>>;
using Bignum = std::unique_ptr<BIGNUM, OpenSslFree<BN_clear_free>>;
using ParamBuild = std::unique_ptr<OSSL_PARAM_BLD, OpenSslFree<OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, OpenSslFree<OSSL_PARAM_free>>;
using Pkcs8 = std::unique_ptr<PKCS8_PRIV_KEY_INFO, OpenSslFree<PKCS8_PRIV_KEY_INFO_free>>;
using EcdsaSig = std::unique_ptr<ECDSA_SIG, OpenSslFree<ECDSA_SIG_free>>;

// OpenSSL's name of each kind ("EC", "ED25519", "X25519", "RSA"), or null.
const char* KeyTypeName(const std::string& kind) {
  if (kind == "EC") return "EC";
  if (kind == "Ed25519") return "ED25519";
  if (kind == "X25519") return "X25519";
  if (kind == "Ed448") return "ED448";
  if (kind == "X448") return "X448";
  if (kind == "RSA") return "RSA";
  return nullptr;
}

bool IsOctetKeyPair(const std::string& kind) {
  return kind == "Ed25519" || kind == "X25519" || kind == "Ed448" || kind == "X448";
}

// The EVP_PKEY type of an octet key pair kind, and the size of its raw keys.
int OctetKeyType(const std::string& kind) {
  if (kind == "Ed25519") return EVP_PKEY_ED25519;
  if (kind == "X25519") return EVP_PKEY_X25519;
  if (kind == "Ed448") return EVP_PKEY_ED448;
  return EVP_PKEY_X448;
}

size_t OctetKeySize(const std::string& kind) {
  if (kind == "Ed448") return 57;
  if (kind == "X448") return 56;
  return 32;
}

// The NID of a NIST curve name, or NID_undef.
int CurveNid(const std::string& curve) {
  if (curve == "P-256") return NID_X9_62_prime256v1;
  if (curve == "P-384") return NID_secp384r1;
  if (curve == "P-521") return NID_secp521r1;
  return NID_undef;
}

// Bytes of the field of an EC key's curve (32, 48, 66).
size_t EcFieldSize(EVP_PKEY* key) { return static_cast<size_t>((EVP_PKEY_get_bits(key) + 7) / 8); }

// Whether `key` is of `kind` (and on `curve`).
bool KeyMatches(EVP_PKEY* key, const std::string& kind, const std::string& curve) {
  const char* type = KeyTypeName(kind);
  if (type == nullptr || !EVP_PKEY_is_a(key, type)) return false;
  if (kind != "EC") return true;
  char group[64];
  size_t length = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                     &length) != 1) {
    ERR_clear_error();
    return false;
  }
  int nid = OBJ_sn2nid(group);
  if (nid == NID_undef) nid = EC_curve_nist2nid(group);
  return nid != NID_undef && nid == CurveNid(curve);
}

absl::StatusOr<ByteBuffer> SpkiOf(EVP_PKEY* key) {
  int length = i2d_PUBKEY(key, nullptr);
  if (length <= 0) return OperationError(absl::StrCat("SPKI encoding failed: ", OpenSslError()));
  Bytes out(static_cast<size_t>(length));
  unsigned char* cursor = out.data();
  if (i2d_PUBKEY(key, &cursor) != length) {
    return OperationError(absl::StrCat("SPKI encoding failed: ", OpenSslError()));
  }
  return ByteBuffer(std::move(out));
}

absl::StatusOr<ByteBuffer> Pkcs8Of(EVP_PKEY* key) {
  Pkcs8 info(EVP_PKEY2PKCS8(key));
  int length = info == nullptr ? 0 : i2d_PKCS8_PRIV_KEY_INFO(info.get(), nullptr);
  if (length <= 0) return OperationError(absl::StrCat("PKCS #8 encoding failed: ", OpenSslError()));
  Bytes out(static_cast<size_t>(length));
  unsigned char* cursor = out.data();
  if (i2d_PKCS8_PRIV_KEY_INFO(info.get(), &cursor) != length) {
    OPENSSL_cleanse(out.data(), out.size());
    return OperationError(absl::StrCat("PKCS #8 encoding failed: ", OpenSslError()));
  }
  ByteBuffer result(std::move(out));
  return result;
}

// A parsed key of a CryptoKey, for the operations that use it.
class OpenKey : public Resource {
 public:
  explicit OpenKey(Pkey key) : key_(std::move(key)) {}
  std::string name() const override { return "cryptoKey"; }
  EVP_PKEY* get() const { return key_.get(); }

 private:
  Pkey key_;
};

absl::StatusOr<EVP_PKEY*> OpenKeyOf(OpState& state, ResourceId id) {
  absl::StatusOr<OpenKey*> key = state.resources().Get<OpenKey>(id);
  if (!key.ok()) return key.status();
  return (*key)->get();
}

// Parses DER (all of it) as SPKI or PKCS #8.
Pkey ParseSpki(const SharedBytes& der) {
  const unsigned char* cursor = BytesOf(der);
  Pkey key(d2i_PUBKEY(nullptr, &cursor, static_cast<long>(der.size())));
  if (key == nullptr || cursor != BytesOf(der) + der.size()) {
    ERR_clear_error();
    return nullptr;
  }
  return key;
}

Pkey ParsePkcs8(const SharedBytes& der) {
  const unsigned char* cursor = BytesOf(der);
  Pkcs8 info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &cursor, static_cast<long>(der.size())));
  if (info == nullptr || cursor != BytesOf(der) + der.size()) {
    ERR_clear_error();
    return nullptr;
  }
  Pkey key(EVP_PKCS82PKEY(info.get()));
  if (key == nullptr) ERR_clear_error();
  return key;
}

// The key an op was given (DER web_crypto.js made): an internal error if it does not parse.
absl::StatusOr<Pkey> KeyFromDer(const SharedBytes& der, bool is_private) {
  Pkey key = is_private ? ParsePkcs8(der) : ParseSpki(der);
  if (key == nullptr) return absl::InvalidArgumentError("key data does not parse");
  return key;
}

// Whether a key's public half (and with `is_private` its private half) is consistent.
bool KeyChecks(EVP_PKEY* key, bool is_private) {
  PkeyContext context(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (context == nullptr) return false;
  int ok =
      is_private ? EVP_PKEY_pairwise_check(context.get()) : EVP_PKEY_public_check(context.get());
  ERR_clear_error();
  return ok == 1;
}

absl::StatusOr<ImportedKey> Imported(Pkey key, bool is_private) {
  ImportedKey imported;
  imported.is_private = is_private;
  // EC points are kept uncompressed, whatever form they came in (what export gives).
  if (EVP_PKEY_is_a(key.get(), "EC") &&
      EVP_PKEY_set_utf8_string_param(key.get(), OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                     OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_UNCOMPRESSED) != 1) {
    return OperationError(absl::StrCat("EC key import failed: ", OpenSslError()));
  }
  absl::StatusOr<ByteBuffer> der = is_private ? Pkcs8Of(key.get()) : SpkiOf(key.get());
  if (!der.ok()) return der.status();
  imported.der = std::move(*der);
  if (EVP_PKEY_is_a(key.get(), "RSA")) {
    imported.modulus_length = static_cast<uint32_t>(EVP_PKEY_get_bits(key.get()));
    BIGNUM* exponent = nullptr;
    if (EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, &exponent) != 1) {
      return OperationError(absl::StrCat("RSA key without exponent: ", OpenSslError()));
    }
    Bignum owned(exponent);
    Bytes bytes(static_cast<size_t>(BN_num_bytes(exponent)));
    BN_bn2bin(exponent, bytes.data());
    imported.public_exponent = ByteBuffer(std::move(bytes));
  }
  return imported;
}

Bignum BignumOf(const SharedBytes& bytes) {
  return Bignum(BN_bin2bn(BytesOf(bytes), static_cast<int>(bytes.size()), nullptr));
}

// A key made from OSSL_PARAMs (EVP_PKEY_fromdata).
Pkey KeyFromParams(const char* type, OSSL_PARAM_BLD* build, bool is_private) {
  Params params(OSSL_PARAM_BLD_to_param(build));
  PkeyContext context(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (params == nullptr || context == nullptr || EVP_PKEY_fromdata_init(context.get()) != 1 ||
      EVP_PKEY_fromdata(context.get(), &key, is_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                        params.get()) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  return Pkey(key);
}

absl::StatusOr<Pkey> EcPublicFromPoint(const std::string& curve, const uint8_t* point,
                                       size_t size) {
  ParamBuild build(OSSL_PARAM_BLD_new());
  const char* group = OBJ_nid2sn(CurveNid(curve));
  if (build == nullptr ||
      OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point, size) != 1) {
    return OperationError(absl::StrCat("EC key import failed: ", OpenSslError()));
  }
  Pkey key = KeyFromParams("EC", build.get(), false);
  if (key == nullptr || !KeyChecks(key.get(), false)) return DataError("Invalid EC public key.");
  return key;
}

absl::StatusOr<ImportedKey> ImportEcJwk(const std::string& curve, const JwkMaterial& jwk) {
  if (!jwk.x || !jwk.y) return DataError("The JWK's 'x' and 'y' members are required.");
  const size_t field = CurveNid(curve) == NID_secp521r1   ? 66
                       : CurveNid(curve) == NID_secp384r1 ? 48
                                                          : 32;
  if (jwk.x->size() != field || jwk.y->size() != field || (jwk.d && jwk.d->size() != field)) {
    return DataError(
        absl::StrCat("The JWK's coordinates must be ", field, " bytes for ", curve, "."));
  }
  Bytes point(1 + 2 * field);
  point[0] = 0x04;
  std::memcpy(point.data() + 1, jwk.x->data(), field);
  std::memcpy(point.data() + 1 + field, jwk.y->data(), field);
  ParamBuild build(OSSL_PARAM_BLD_new());
  const char* group = OBJ_nid2sn(CurveNid(curve));
  Bignum private_value = jwk.d ? BignumOf(*jwk.d) : nullptr;
  if (build == nullptr ||
      OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1 ||
      (jwk.d &&
       (private_value == nullptr ||
        OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_PRIV_KEY, private_value.get()) != 1))) {
    return OperationError(absl::StrCat("EC key import failed: ", OpenSslError()));
  }
  const bool is_private = jwk.d.has_value();
  Pkey key = KeyFromParams("EC", build.get(), is_private);
  if (key == nullptr || !KeyChecks(key.get(), false) ||
      (is_private && !KeyChecks(key.get(), true))) {
    return DataError("Invalid EC key in JWK.");
  }
  return Imported(std::move(key), is_private);
}

absl::StatusOr<ImportedKey> ImportOkpJwk(const std::string& kind, const JwkMaterial& jwk) {
  const int type = OctetKeyType(kind);
  const size_t size = OctetKeySize(kind);
  if (!jwk.x) return DataError("The JWK's 'x' member is required.");
  if (jwk.x->size() != size || (jwk.d && jwk.d->size() != size)) {
    return DataError(
        absl::StrCat("The JWK's 'x' and 'd' members must be ", size, " bytes for ", kind, "."));
  }
  if (!jwk.d) {
    Pkey key(EVP_PKEY_new_raw_public_key(type, nullptr, jwk.x->data(), size));
    if (key == nullptr) return DataError("Invalid public key in JWK.");
    return Imported(std::move(key), false);
  }
  Pkey key(EVP_PKEY_new_raw_private_key(type, nullptr, jwk.d->data(), size));
  Bytes public_key(size);
  size_t length = size;
  if (key == nullptr || EVP_PKEY_get_raw_public_key(key.get(), public_key.data(), &length) != 1 ||
      length != size || CRYPTO_memcmp(public_key.data(), jwk.x->data(), size) != 0) {
    ERR_clear_error();
    return DataError("The JWK's 'x' member does not match its private key.");
  }
  return Imported(std::move(key), true);
}

absl::StatusOr<ImportedKey> ImportRsaJwk(const JwkMaterial& jwk) {
  if (!jwk.n || !jwk.e) return DataError("The JWK's 'n' and 'e' members are required.");
  const bool is_private = jwk.d.has_value();
  if (is_private && (!jwk.p || !jwk.q || !jwk.dp || !jwk.dq || !jwk.qi)) {
    return DataError("A private RSA JWK needs 'p', 'q', 'dp', 'dq' and 'qi'.");
  }
  ParamBuild build(OSSL_PARAM_BLD_new());
  if (build == nullptr) return OperationError("out of memory");
  std::vector<Bignum> numbers;
  auto push = [&](const char* name, const SharedBytes& bytes) {
    numbers.push_back(BignumOf(bytes));
    return numbers.back() != nullptr &&
           OSSL_PARAM_BLD_push_BN(build.get(), name, numbers.back().get()) == 1;
  };
  bool pushed = push(OSSL_PKEY_PARAM_RSA_N, *jwk.n) && push(OSSL_PKEY_PARAM_RSA_E, *jwk.e);
  if (pushed && is_private) {
    pushed = push(OSSL_PKEY_PARAM_RSA_D, *jwk.d) && push(OSSL_PKEY_PARAM_RSA_FACTOR1, *jwk.p) &&
             push(OSSL_PKEY_PARAM_RSA_FACTOR2, *jwk.q) &&
             push(OSSL_PKEY_PARAM_RSA_EXPONENT1, *jwk.dp) &&
             push(OSSL_PKEY_PARAM_RSA_EXPONENT2, *jwk.dq) &&
             push(OSSL_PKEY_PARAM_RSA_COEFFICIENT1, *jwk.qi);
  }
  if (!pushed) return OperationError(absl::StrCat("RSA key import failed: ", OpenSslError()));
  Pkey key = KeyFromParams("RSA", build.get(), is_private);
  if (key == nullptr || EVP_PKEY_get_bits(key.get()) < 256 ||
      (is_private && !KeyChecks(key.get(), true))) {
    return DataError("Invalid RSA key in JWK.");
  }
  return Imported(std::move(key), is_private);
}

std::optional<ByteBuffer> BignumParam(EVP_PKEY* key, const char* name, size_t pad) {
  BIGNUM* number = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &number) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  Bignum owned(number);
  Bytes bytes(pad != 0 ? pad : static_cast<size_t>(BN_num_bytes(number)));
  if (BN_bn2binpad(number, bytes.data(), static_cast<int>(bytes.size())) < 0) return std::nullopt;
  return ByteBuffer(std::move(bytes));
}

// ECDSA's DER signature as P1363 r || s (each `size` bytes), and back.
absl::StatusOr<ByteBuffer> DerToP1363(const Bytes& der, size_t size) {
  const unsigned char* cursor = der.data();
  EcdsaSig signature(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
  if (signature == nullptr) return OperationError("ECDSA produced a malformed signature.");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(signature.get(), &r, &s);
  Bytes out(2 * size);
  if (BN_bn2binpad(r, out.data(), static_cast<int>(size)) < 0 ||
      BN_bn2binpad(s, out.data() + size, static_cast<int>(size)) < 0) {
    return OperationError("ECDSA produced a malformed signature.");
  }
  return ByteBuffer(std::move(out));
}

std::optional<Bytes> P1363ToDer(const uint8_t* signature, size_t size) {
  EcdsaSig sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(signature, static_cast<int>(size), nullptr);
  BIGNUM* s = BN_bin2bn(signature + size, static_cast<int>(size), nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  int length = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (length <= 0) return std::nullopt;
  Bytes der(static_cast<size_t>(length));
  unsigned char* cursor = der.data();
  i2d_ECDSA_SIG(sig.get(), &cursor);
  return der;
}

// A digest-sign/verify context over `key` for the operation (padding set for RSA).
absl::StatusOr<DigestContext> SignContext(const SignOperation& op, EVP_PKEY* key, bool sign) {
  const EVP_MD* digest = nullptr;
  if (op.kind == "EC" || op.kind == "RSA") {
    digest = DigestNamed(op.hash);
    if (digest == nullptr)
      return absl::InvalidArgumentError(absl::StrCat("unsupported hash ", op.hash));
  }
  DigestContext context(EVP_MD_CTX_new());
  EVP_PKEY_CTX* key_context = nullptr;
  int ok = context == nullptr ? 0
           : sign ? EVP_DigestSignInit(context.get(), &key_context, digest, nullptr, key)
                  : EVP_DigestVerifyInit(context.get(), &key_context, digest, nullptr, key);
  if (ok == 1 && op.kind == "RSA") {
    if (op.padding == "pss") {
      ok = EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PSS_PADDING) == 1 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(key_context, static_cast<int>(op.salt_length)) == 1 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md(key_context, digest) == 1;
    } else {
      ok = EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PADDING) == 1;
    }
  }
  if (ok != 1) return OperationError(absl::StrCat("signature setup failed: ", OpenSslError()));
  return context;
}

}  // namespace

namespace {

// A new key pair (op_crypto_generate_key_pair's work; runs on any thread).
absl::StatusOr<KeyPairDer> GenerateKeyPair(const std::string& kind, const std::string& curve,
                                           uint32_t modulus_length,
                                           const std::vector<uint8_t>& public_exponent) {
  const char* type = KeyTypeName(kind);
  if (type == nullptr)
    return absl::InvalidArgumentError(absl::StrCat("unsupported key kind ", kind));
  PkeyContext context(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (context == nullptr || EVP_PKEY_keygen_init(context.get()) != 1) {
    return OperationError(absl::StrCat("key generation failed: ", OpenSslError()));
  }
  if (kind == "EC") {
    if (CurveNid(curve) == NID_undef) return absl::InvalidArgumentError("unsupported curve");
    if (EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context.get(), CurveNid(curve)) != 1) {
      return OperationError(absl::StrCat("key generation failed: ", OpenSslError()));
    }
  } else if (kind == "RSA") {
    Bignum exponent(BN_bin2bn(public_exponent.data(), static_cast<int>(public_exponent.size()),
                              nullptr));
    if (exponent == nullptr ||
        EVP_PKEY_CTX_set_rsa_keygen_bits(context.get(), static_cast<int>(modulus_length)) != 1 ||
        EVP_PKEY_CTX_set1_rsa_keygen_pubexp(context.get(), exponent.get()) != 1) {
      return OperationError(absl::StrCat("RSA key generation failed: ", OpenSslError()));
    }
  }
  EVP_PKEY* generated = nullptr;
  if (EVP_PKEY_keygen(context.get(), &generated) != 1) {
    return OperationError(absl::StrCat("key generation failed: ", OpenSslError()));
  }
  Pkey key(generated);
  absl::StatusOr<ByteBuffer> private_der = Pkcs8Of(key.get());
  if (!private_der.ok()) return private_der.status();
  absl::StatusOr<ByteBuffer> public_der = SpkiOf(key.get());
  if (!public_der.ok()) return public_der.status();
  KeyPairDer pair;
  pair.private_key = std::move(*private_der);
  pair.public_key = std::move(*public_der);
  return pair;
}

}  // namespace

Future<KeyPairDer> op_crypto_generate_key_pair(OpState& state, std::string kind,
                                               std::string curve, uint32_t modulus_length,
                                               SharedBytes public_exponent) {
  std::vector<uint8_t> exponent(BytesOf(public_exponent),
                                BytesOf(public_exponent) + public_exponent.size());
  if (kind != "RSA") {  // EC and the octet-key curves take microseconds: here
    return GenerateKeyPair(kind, curve, modulus_length, exponent);
  }
  return RunBlocking<KeyPairDer>(
      state, [kind = std::move(kind), curve = std::move(curve), modulus_length,
              exponent = std::move(exponent)]() {
        return GenerateKeyPair(kind, curve, modulus_length, exponent);
      });
}

absl::StatusOr<ImportedKey> op_crypto_import_key(std::string kind, std::string curve,
                                                 std::string format, SharedBytes data) {
  if (KeyTypeName(kind) == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("unsupported key kind ", kind));
  }
  if (format == "raw") {
    if (kind == "EC") {
      absl::StatusOr<Pkey> key = EcPublicFromPoint(curve, BytesOf(data), data.size());
      if (!key.ok()) return key.status();
      return Imported(std::move(*key), false);
    }
    if (kind == "RSA") return absl::InvalidArgumentError("RSA keys have no raw format");
    const size_t size = OctetKeySize(kind);
    if (data.size() != size) {
      return DataError(absl::StrCat("A raw ", kind, " key is ", size, " bytes."));
    }
    Pkey key(EVP_PKEY_new_raw_public_key(OctetKeyType(kind), nullptr, data.data(), size));
    if (key == nullptr) return DataError("Invalid raw public key.");
    return Imported(std::move(key), false);
  }
  const bool is_private = format == "pkcs8";
  if (!is_private && format != "spki") {
    return absl::InvalidArgumentError(absl::StrCat("unsupported format ", format));
  }
  Pkey key = is_private ? ParsePkcs8(data) : ParseSpki(data);
  if (key == nullptr) {
    return DataError(is_private ? "Invalid PKCS #8 key data." : "Invalid SPKI key data.");
  }
  if (!KeyMatches(key.get(), kind, curve)) {
    return DataError(kind == "EC" ? absl::StrCat("The key is not an EC key on ", curve, ".")
                                  : absl::StrCat("The key is not an ", kind, " key."));
  }
  if (kind == "EC" && !KeyChecks(key.get(), is_private)) return DataError("Invalid EC key.");
  return Imported(std::move(key), is_private);
}

absl::StatusOr<ImportedKey> op_crypto_import_jwk(std::string kind, std::string curve,
                                                 JwkMaterial jwk) {
  if (kind == "EC") {
    if (CurveNid(curve) == NID_undef) return absl::InvalidArgumentError("unsupported curve");
    return ImportEcJwk(curve, jwk);
  }
  if (IsOctetKeyPair(kind)) return ImportOkpJwk(kind, jwk);
  if (kind == "RSA") return ImportRsaJwk(jwk);
  return absl::InvalidArgumentError(absl::StrCat("unsupported key kind ", kind));
}

absl::StatusOr<ByteBuffer> op_crypto_export_raw(std::string kind, SharedBytes der) {
  absl::StatusOr<Pkey> key = KeyFromDer(der, false);
  if (!key.ok()) return key.status();
  if (kind == "EC") {
    const size_t field = EcFieldSize(key->get());
    std::optional<ByteBuffer> x = BignumParam(key->get(), OSSL_PKEY_PARAM_EC_PUB_X, field);
    std::optional<ByteBuffer> y = BignumParam(key->get(), OSSL_PKEY_PARAM_EC_PUB_Y, field);
    if (!x || !y) return OperationError("The EC key has no public point.");
    Bytes point(1 + 2 * field);
    point[0] = 0x04;
    std::memcpy(point.data() + 1, x->data(), field);
    std::memcpy(point.data() + 1 + field, y->data(), field);
    return ByteBuffer(std::move(point));
  }
  Bytes raw(OctetKeySize(kind));
  size_t length = raw.size();
  if (EVP_PKEY_get_raw_public_key(key->get(), raw.data(), &length) != 1 || length != raw.size()) {
    return OperationError(absl::StrCat("raw export failed: ", OpenSslError()));
  }
  return ByteBuffer(std::move(raw));
}

absl::StatusOr<JwkExport> op_crypto_export_jwk(std::string kind, bool is_private, SharedBytes der) {
  absl::StatusOr<Pkey> key = KeyFromDer(der, is_private);
  if (!key.ok()) return key.status();
  EVP_PKEY* pkey = key->get();
  JwkExport jwk;
  if (kind == "EC") {
    const size_t field = EcFieldSize(pkey);
    jwk.x = BignumParam(pkey, OSSL_PKEY_PARAM_EC_PUB_X, field);
    jwk.y = BignumParam(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, field);
    if (is_private) jwk.d = BignumParam(pkey, OSSL_PKEY_PARAM_PRIV_KEY, field);
    if (!jwk.x || !jwk.y || (is_private && !jwk.d)) return OperationError("EC JWK export failed.");
  } else if (IsOctetKeyPair(kind)) {
    const size_t size = OctetKeySize(kind);
    Bytes x(size);
    size_t length = size;
    if (EVP_PKEY_get_raw_public_key(pkey, x.data(), &length) != 1 || length != size) {
      return OperationError(absl::StrCat("JWK export failed: ", OpenSslError()));
    }
    jwk.x = ByteBuffer(std::move(x));
    if (is_private) {
      Bytes d(size);
      length = size;
      if (EVP_PKEY_get_raw_private_key(pkey, d.data(), &length) != 1 || length != size) {
        return OperationError(absl::StrCat("JWK export failed: ", OpenSslError()));
      }
      jwk.d = ByteBuffer(std::move(d));
    }
  } else if (kind == "RSA") {
    jwk.n = BignumParam(pkey, OSSL_PKEY_PARAM_RSA_N, 0);
    jwk.e = BignumParam(pkey, OSSL_PKEY_PARAM_RSA_E, 0);
    if (is_private) {
      jwk.d = BignumParam(pkey, OSSL_PKEY_PARAM_RSA_D, 0);
      jwk.p = BignumParam(pkey, OSSL_PKEY_PARAM_RSA_FACTOR1, 0);
      jwk.q = BignumParam(pkey, OSSL_PKEY_PARAM_RSA_FACTOR2, 0);
      jwk.dp = BignumParam(pkey, OSSL_PKEY_PARAM_RSA_EXPONENT1, 0);
      jwk.dq = BignumParam(pkey, OSSL_PKEY_PARAM_RSA_EXPONENT2, 0);
      jwk.qi = BignumParam(pkey, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, 0);
    }
    if (!jwk.n || !jwk.e ||
        (is_private && (!jwk.d || !jwk.p || !jwk.q || !jwk.dp || !jwk.dq || !jwk.qi))) {
      return OperationError("RSA JWK export failed.");
    }
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unsupported key kind ", kind));
  }
  return jwk;
}

absl::StatusOr<ResourceId> op_crypto_key_open(OpState& state, SharedBytes der, bool is_private) {
  absl::StatusOr<Pkey> key = KeyFromDer(der, is_private);
  if (!key.ok()) return key.status();
  return state.resources().Add(std::make_unique<OpenKey>(std::move(*key)));
}

namespace {

// A signature of operation.data by `key` (op_crypto_sign's work; runs on any thread).
absl::StatusOr<ByteBuffer> Sign(const SignOperation& operation, EVP_PKEY* key) {
  absl::StatusOr<DigestContext> context = SignContext(operation, key, true);
  if (!context.ok()) return context.status();
  size_t length = 0;
  if (EVP_DigestSign(context->get(), nullptr, &length, BytesOf(operation.data),
                     operation.data.size()) != 1) {
    return OperationError(absl::StrCat("signing failed: ", OpenSslError()));
  }
  Bytes signature(length);
  if (EVP_DigestSign(context->get(), signature.data(), &length, BytesOf(operation.data),
                     operation.data.size()) != 1) {
    return OperationError(absl::StrCat("signing failed: ", OpenSslError()));
  }
  signature.resize(length);
  if (operation.kind == "EC") return DerToP1363(signature, EcFieldSize(key));
  return ByteBuffer(std::move(signature));
}

}  // namespace

Future<ByteBuffer> op_crypto_sign(OpState& state, SignOperation operation) {
  absl::StatusOr<EVP_PKEY*> key = OpenKeyOf(state, operation.key);
  if (!key.ok()) return key.status();
  if (operation.kind != "RSA") {  // EC and Edwards signatures take microseconds: here
    return Sign(operation, *key);
  }
  // The task holds its own reference to the key (the resource may close meanwhile) and
  // the bytes, which web_crypto.js copied from the caller's buffer.
  EVP_PKEY_up_ref(*key);
  return RunBlocking<ByteBuffer>(
      state, [operation = std::move(operation), owned = Pkey(*key)]() {
        return Sign(operation, owned.get());
      });
}

absl::StatusOr<bool> op_crypto_verify(OpState& state, SignOperation operation,
                                      SharedBytes signature) {
  absl::StatusOr<EVP_PKEY*> key = OpenKeyOf(state, operation.key);
  if (!key.ok()) return key.status();
  const uint8_t* bytes = BytesOf(signature);
  size_t size = signature.size();
  std::optional<Bytes> der;
  if (operation.kind == "EC") {
    const size_t field = EcFieldSize(*key);
    if (size != 2 * field) return false;
    der = P1363ToDer(bytes, field);
    if (!der) return false;
    bytes = der->data();
    size = der->size();
  }
  absl::StatusOr<DigestContext> context = SignContext(operation, *key, false);
  if (!context.ok()) return context.status();
  int result =
      EVP_DigestVerify(context->get(), bytes, size, BytesOf(operation.data), operation.data.size());
  ERR_clear_error();
  return result == 1;
}

absl::StatusOr<ByteBuffer> op_crypto_rsa_oaep(OpState& state, bool encrypt, std::string hash,
                                              ResourceId key_id, SharedBytes label,
                                              SharedBytes data) {
  const EVP_MD* digest = DigestNamed(hash);
  if (digest == nullptr) return absl::InvalidArgumentError(absl::StrCat("unsupported hash ", hash));
  absl::StatusOr<EVP_PKEY*> key = OpenKeyOf(state, key_id);
  if (!key.ok()) return key.status();
  PkeyContext context(EVP_PKEY_CTX_new_from_pkey(nullptr, *key, nullptr));
  bool ok = context != nullptr &&
            (encrypt ? EVP_PKEY_encrypt_init(context.get())
                     : EVP_PKEY_decrypt_init(context.get())) == 1 &&
            EVP_PKEY_CTX_set_rsa_padding(context.get(), RSA_PKCS1_OAEP_PADDING) == 1 &&
            EVP_PKEY_CTX_set_rsa_oaep_md(context.get(), digest) == 1 &&
            EVP_PKEY_CTX_set_rsa_mgf1_md(context.get(), digest) == 1;
  if (ok && label.size() > 0) {
    // set0 takes ownership of an OPENSSL_malloc'd copy.
    void* copy = OPENSSL_memdup(label.data(), label.size());
    ok = copy != nullptr &&
         EVP_PKEY_CTX_set0_rsa_oaep_label(context.get(), copy, static_cast<int>(label.size())) == 1;
    if (!ok) OPENSSL_free(copy);
  }
  if (!ok) return OperationError(absl::StrCat("RSA-OAEP setup failed: ", OpenSslError()));
  size_t length = 0;
  auto run = [&](uint8_t* out) {
    return encrypt ? EVP_PKEY_encrypt(context.get(), out, &length, BytesOf(data), data.size())
                   : EVP_PKEY_decrypt(context.get(), out, &length, BytesOf(data), data.size());
  };
  if (run(nullptr) != 1) {
    ERR_clear_error();
    return OperationError("The operation failed for an operation-specific reason");
  }
  Bytes out(length);
  if (run(out.data()) != 1) {
    ERR_clear_error();
    return OperationError("The operation failed for an operation-specific reason");
  }
  out.resize(length);
  return ByteBuffer(std::move(out));
}

absl::StatusOr<ByteBuffer> op_crypto_derive_shared_secret(OpState& state, std::string kind,
                                                          ResourceId private_id,
                                                          ResourceId public_id) {
  absl::StatusOr<EVP_PKEY*> private_key = OpenKeyOf(state, private_id);
  if (!private_key.ok()) return private_key.status();
  absl::StatusOr<EVP_PKEY*> public_key = OpenKeyOf(state, public_id);
  if (!public_key.ok()) return public_key.status();
  PkeyContext context(EVP_PKEY_CTX_new_from_pkey(nullptr, *private_key, nullptr));
  size_t length = 0;
  if (context == nullptr || EVP_PKEY_derive_init(context.get()) != 1 ||
      EVP_PKEY_derive_set_peer(context.get(), *public_key) != 1 ||
      EVP_PKEY_derive(context.get(), nullptr, &length) != 1) {
    return OperationError(absl::StrCat("key agreement failed: ", OpenSslError()));
  }
  Bytes secret(length);
  if (EVP_PKEY_derive(context.get(), secret.data(), &length) != 1) {
    return OperationError(absl::StrCat("key agreement failed: ", OpenSslError()));
  }
  secret.resize(length);
  if (kind == "X25519" || kind == "X448") {
    uint8_t any = 0;
    for (uint8_t byte : secret) any |= byte;
    if (any == 0)
      return OperationError(
          absl::StrCat("The ", kind, " shared secret is all zeros (a small-order public key)."));
  }
  return ByteBuffer(std::move(secret));
}

}  // namespace kiln::crypto
