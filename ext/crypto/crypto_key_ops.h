// The native half of SubtleCrypto's asymmetric algorithms (web_crypto.js): ECDSA and ECDH
// on P-256, P-384 and P-521, Ed25519, X25519, RSASSA-PKCS1-v1_5, RSA-PSS and RSA-OAEP, on
// OpenSSL 3's EVP_PKEY.
//
// A key crosses into JavaScript as DER bytes: a public key as a SubjectPublicKeyInfo
// (SPKI), a private key as a PKCS #8 PrivateKeyInfo. web_crypto.js keeps those bytes in the
// CryptoKey's internal slots (what import and export work on). For the operations that use
// a key (sign, verify, RSA-OAEP, key agreement) it opens the parsed key once, as a
// resource ("cryptoKey", op_crypto_key_open), and closes it when the CryptoKey is
// collected (a FinalizationRegistry) or the runtime goes away (its resource table). `kind` names the key type: "EC", "Ed25519", "Ed448",
// "X25519", "X448" or "RSA"; `curve` is the NIST name ("P-256", "P-384", "P-521") for "EC", otherwise
// empty. Malformed or mismatched key data is a DataError; a failed computation an
// OperationError (openssl_util.h).
#ifndef KILN_EXT_CRYPTO_CRYPTO_KEY_OPS_H_
#define KILN_EXT_CRYPTO_CRYPTO_KEY_OPS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "ops/op.h"
#include "ops/op_state.h"
#include "ops/resource.h"

namespace kiln::crypto {

// A new key pair: the private key as PKCS #8, the public key as SPKI.
KILN_STRUCT() struct KeyPairDer {
  kiln::ByteBuffer private_key;
  kiln::ByteBuffer public_key;
};

// What an import found: the key as DER (PKCS #8 when `is_private`, otherwise SPKI) and,
// for RSA, its modulus length in bits and its public exponent (big-endian bytes).
KILN_STRUCT() struct ImportedKey {
  kiln::ByteBuffer der;
  bool is_private = false;
  uint32_t modulus_length = 0;
  kiln::ByteBuffer public_exponent;
};

// The members of a JSON Web Key that carry key material, base64url-decoded by
// web_crypto.js (RFC 7518 section 6): EC's x, y, d; OKP's x, d; RSA's n, e, d, p, q, dp,
// dq, qi.
KILN_STRUCT() struct JwkMaterial {
  std::optional<kiln::SharedBytes> x;
  std::optional<kiln::SharedBytes> y;
  std::optional<kiln::SharedBytes> d;
  std::optional<kiln::SharedBytes> n;
  std::optional<kiln::SharedBytes> e;
  std::optional<kiln::SharedBytes> p;
  std::optional<kiln::SharedBytes> q;
  std::optional<kiln::SharedBytes> dp;
  std::optional<kiln::SharedBytes> dq;
  std::optional<kiln::SharedBytes> qi;
};

// The same members, exported (every member the key has; the others null).
KILN_STRUCT() struct JwkExport {
  std::optional<kiln::ByteBuffer> x;
  std::optional<kiln::ByteBuffer> y;
  std::optional<kiln::ByteBuffer> d;
  std::optional<kiln::ByteBuffer> n;
  std::optional<kiln::ByteBuffer> e;
  std::optional<kiln::ByteBuffer> p;
  std::optional<kiln::ByteBuffer> q;
  std::optional<kiln::ByteBuffer> dp;
  std::optional<kiln::ByteBuffer> dq;
  std::optional<kiln::ByteBuffer> qi;
};

// A signature or its check. `padding` is RSA's: "pkcs1" or "pss" (with `salt_length`
// bytes of salt); `hash` is ECDSA's and RSA's (empty for Ed25519). ECDSA signatures are
// IEEE P1363's r || s, each as long as the curve's order.
KILN_STRUCT() struct SignOperation {
  std::string kind;
  std::string hash;
  std::string padding;
  uint32_t salt_length = 0;
  kiln::ResourceId key;
  kiln::SharedBytes data;
};

// Opens the key of `der` (PKCS #8 when `is_private`, otherwise SPKI, as the import ops
// made it) as a "cryptoKey" resource for the operations below; op_close releases it.
KILN_OP() absl::StatusOr<kiln::ResourceId> op_crypto_key_open(kiln::OpState& state,
                                                             kiln::SharedBytes der,
                                                             bool is_private);

// A new key pair of `kind` (and `curve`); RSA's with `modulus_length` bits and the
// big-endian `public_exponent` (others ignore both). RSA keys (a 2048-bit one takes a
// few hundred milliseconds) are generated on the blocking pool (ops/blocking_pool.h), the
// others (microseconds) in the call.
KILN_OP() kiln::Future<KeyPairDer> op_crypto_generate_key_pair(
    kiln::OpState& state, std::string kind, std::string curve, uint32_t modulus_length,
    kiln::SharedBytes public_exponent);

// Imports `data` in `format`: "spki", "pkcs8" or "raw" (a public key: EC's SEC1 point,
// compressed or not; the 32, 57 or 56 bytes of an Ed25519, Ed448, X25519 or X448 key). The
// DER is re-encoded (EC points uncompressed). DataError when the bytes
// do not parse, hold another kind of key or another curve, or the key fails its check.
KILN_OP() absl::StatusOr<ImportedKey> op_crypto_import_key(std::string kind, std::string curve,
                                                          std::string format,
                                                          kiln::SharedBytes data);
// Imports a JWK's material: a private key when `d` is present, otherwise a public key.
KILN_OP() absl::StatusOr<ImportedKey> op_crypto_import_jwk(std::string kind, std::string curve,
                                                          JwkMaterial jwk);

// The raw public key of `key` (SPKI DER): EC's uncompressed point, or the bytes of an
// Ed25519, Ed448, X25519 or X448 key.
KILN_OP() absl::StatusOr<kiln::ByteBuffer> op_crypto_export_raw(std::string kind,
                                                               kiln::SharedBytes key);
// The JWK material of `key` (PKCS #8 DER when `is_private`, otherwise SPKI DER).
KILN_OP() absl::StatusOr<JwkExport> op_crypto_export_jwk(std::string kind, bool is_private,
                                                        kiln::SharedBytes key);

// Signs `data` with the private key (an open key). RSA signatures (a millisecond or more)
// are made on the blocking pool, the others (microseconds) in the call; `data` must be the
// caller's own copy.
KILN_OP() kiln::Future<kiln::ByteBuffer> op_crypto_sign(kiln::OpState& state,
                                                       SignOperation operation);
// Whether `signature` is a valid signature of `data` by the public key (an open key). A
// signature of the wrong length is not valid (false, not an error).
KILN_OP() absl::StatusOr<bool> op_crypto_verify(kiln::OpState& state, SignOperation operation,
                                                kiln::SharedBytes signature);

// RSA-OAEP with `hash` (for OAEP and MGF1) and `label`: encrypts with the public key or
// decrypts with the private key (an open key).
KILN_OP() absl::StatusOr<kiln::ByteBuffer> op_crypto_rsa_oaep(kiln::OpState& state, bool encrypt,
                                                             std::string hash,
                                                             kiln::ResourceId key,
                                                             kiln::SharedBytes label,
                                                             kiln::SharedBytes data);

// ECDH, X25519 or X448: the shared secret of the private key and the peer's public key
// (both open keys). An all-zero X25519 or X448 secret (a small-order peer key) is an
// OperationError.
KILN_OP() absl::StatusOr<kiln::ByteBuffer> op_crypto_derive_shared_secret(
    kiln::OpState& state, std::string kind, kiln::ResourceId private_key,
    kiln::ResourceId public_key);

}  // namespace kiln::crypto

#endif  // KILN_EXT_CRYPTO_CRYPTO_KEY_OPS_H_
