// The native half of the crypto extension (crypto.js): OpenSSL's random generator and
// message digests.
#ifndef KILN_EXT_CRYPTO_CRYPTO_OPS_H_
#define KILN_EXT_CRYPTO_CRYPTO_OPS_H_

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
// crypto.subtle.digest(): `algorithm` is a normalised name ("SHA-1", "SHA-256", "SHA-384",
// "SHA-512"); the digest of `data` as a Uint8Array over a buffer of its own. The hash runs
// during the call (kiln has no worker pool for ops), so the bytes are read at call time.
KILN_OP() kiln::Future<kiln::ByteBuffer> op_crypto_digest(std::string algorithm,
                                                          kiln::SharedBytes data);

}  // namespace kiln::crypto

#endif  // KILN_EXT_CRYPTO_CRYPTO_OPS_H_
