// The native half of the crypto extension (crypto.js): OpenSSL's random generator,
// message digests and the secret-key algorithms of SubtleCrypto (HMAC, AES-GCM/CBC/CTR/KW,
// PBKDF2, HKDF). The asymmetric ones are in crypto_key_ops.h.
//
// web_crypto.js has validated every parameter the spec checks before an op runs (lengths,
// key sizes, tag lengths); what fails here is what only the computation can tell (a GCM
// tag that does not match, bad CBC padding), an error of class OperationError that
// web_crypto.js turns into a DOMException of that name.
#ifndef KILN_EXT_CRYPTO_CRYPTO_OPS_H_
#define KILN_EXT_CRYPTO_CRYPTO_OPS_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ops/op.h"

namespace kiln::crypto {

// crypto.getRandomValues(view): fills the view's bytes in place with RAND_bytes. crypto.js
// has checked the view's type and its 65,536-byte quota.
KILN_OP() absl::Status op_crypto_fill_random(kiln::ByteView bytes);
// crypto.randomUUID(): a version 4 UUID in lowercase hex, 8-4-4-4-12.
KILN_OP() absl::StatusOr<std::string> op_crypto_random_uuid();
// Inputs from this size on are hashed on the blocking pool (ops/blocking_pool.h); smaller
// ones in the call, where the hash costs less than the trip to another thread.
inline constexpr size_t kBlockingDigestBytes = size_t{256} << 10;
// crypto.subtle.digest(): `algorithm` is a normalised name ("SHA-1", "SHA-256", "SHA-384",
// "SHA-512"); the digest of `data` as a Uint8Array over a buffer of its own. The bytes
// are read (copied, for the pool) during the call.
KILN_OP() kiln::Future<kiln::ByteBuffer> op_crypto_digest(kiln::OpState& state,
                                                          std::string algorithm,
                                                          kiln::SharedBytes data);

// HMAC of `data` with `key` and the hash `hash` ("SHA-1", "SHA-256", "SHA-384",
// "SHA-512").
KILN_OP() absl::StatusOr<kiln::ByteBuffer> op_crypto_hmac_sign(std::string hash,
                                                              kiln::SharedBytes key,
                                                              kiln::SharedBytes data);
// Whether `signature` is the HMAC of `data` (compared in constant time).
KILN_OP() absl::StatusOr<bool> op_crypto_hmac_verify(std::string hash, kiln::SharedBytes key,
                                                     kiln::SharedBytes data,
                                                     kiln::SharedBytes signature);

// One AES encryption or decryption. `mode` is "AES-GCM", "AES-CBC" or "AES-CTR"; `key`
// holds 16, 24 or 32 bytes. `iv` is the GCM IV (1 byte or more), the CBC IV (16 bytes) or
// the CTR counter block (16 bytes). `additional_data` and `tag_length` (bits: 32, 64, 96,
// 104, 112, 120 or 128) are GCM's; the GCM ciphertext is followed by the tag.
// `counter_length` (1 to 128) is CTR's: the rightmost bits of the counter block that
// increment, wrapping around without carrying into the others.
KILN_STRUCT() struct AesOperation {
  std::string mode;
  bool encrypt = true;
  kiln::SharedBytes key;
  kiln::SharedBytes iv;
  kiln::SharedBytes additional_data;
  uint32_t tag_length = 128;
  uint32_t counter_length = 0;
  kiln::SharedBytes data;
};
KILN_OP() absl::StatusOr<kiln::ByteBuffer> op_crypto_aes(AesOperation operation);

// AES key wrap (RFC 3394) of `data` (a multiple of 8 bytes, at least 16) with `key`
// (16, 24 or 32 bytes), or its unwrap when `wrap` is false (an integrity failure is an
// OperationError).
KILN_OP() absl::StatusOr<kiln::ByteBuffer> op_crypto_aes_kw(bool wrap, kiln::SharedBytes key,
                                                           kiln::SharedBytes data);

// PBKDF2 runs on the blocking pool from this many iterations on (about a millisecond of
// SHA-256 here), in the call below.
inline constexpr uint32_t kBlockingPbkdf2Iterations = 1000;
// PBKDF2 with HMAC-`hash`: `length` bytes from `password`, `salt` and `iterations` (>= 1).
// The inputs are copied during the call.
KILN_OP() kiln::Future<kiln::ByteBuffer> op_crypto_pbkdf2(kiln::OpState& state, std::string hash,
                                                         kiln::SharedBytes password,
                                                         kiln::SharedBytes salt,
                                                         uint32_t iterations, uint32_t length);
// HKDF (RFC 5869) with HMAC-`hash`: `length` bytes (at most 255 times the hash's size)
// from the input keying material `key`, `salt` (empty: the hash's size of zeros) and
// `info`.
KILN_OP() absl::StatusOr<kiln::ByteBuffer> op_crypto_hkdf(std::string hash, kiln::SharedBytes key,
                                                         kiln::SharedBytes salt,
                                                         kiln::SharedBytes info, uint32_t length);

}  // namespace kiln::crypto

#endif  // KILN_EXT_CRYPTO_CRYPTO_OPS_H_
