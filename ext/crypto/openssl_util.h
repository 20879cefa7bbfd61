// Helpers the crypto ops share: OpenSSL's error queue as text, the WebCrypto hash names,
// unique_ptr deleters for OpenSSL objects, and the OperationError/DataError statuses
// web_crypto.js turns into DOMExceptions.
#ifndef KILN_EXT_CRYPTO_OPENSSL_UTIL_H_
#define KILN_EXT_CRYPTO_OPENSSL_UTIL_H_

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "ops/bytes.h"

namespace kiln::crypto {

// The OpenSSL error queue's oldest entry as text (and the queue emptied).
std::string OpenSslError();

// The digest of a normalised WebCrypto hash name ("SHA-1", "SHA-256", "SHA-384",
// "SHA-512"), or null.
const EVP_MD* DigestNamed(const std::string& name);

// The first byte of `bytes`, or a pointer to a static zero byte when they are empty (OpenSSL
// rejects null pointers in places even for zero lengths).
const uint8_t* BytesOf(const SharedBytes& bytes);

// A unique_ptr deleter calling OpenSSL's free function for its type:
// `std::unique_ptr<EVP_PKEY, OpenSslFree<EVP_PKEY_free>>`.
template <auto Free>
struct OpenSslFree {
  template <typename T>
  void operator()(T* object) const {
    Free(object);
  }
};

// Errors of the DOMException names web_crypto.js rethrows as DOMExceptions.
absl::Status OperationError(std::string_view message);
absl::Status DataError(std::string_view message);

}  // namespace kiln::crypto

#endif  // KILN_EXT_CRYPTO_OPENSSL_UTIL_H_
