#include "ext/crypto/openssl_util.h"

#include <openssl/err.h>

#include "ops/errors.h"

namespace kiln::crypto {

std::string OpenSslError() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

const EVP_MD* DigestNamed(const std::string& name) {
  if (name == "SHA-1") return EVP_sha1();
  if (name == "SHA-256") return EVP_sha256();
  if (name == "SHA-384") return EVP_sha384();
  if (name == "SHA-512") return EVP_sha512();
  return nullptr;
}

const uint8_t* BytesOf(const SharedBytes& bytes) {
  static const uint8_t kEmpty[1] = {0};
  return bytes.size() == 0 ? kEmpty : bytes.data();
}

absl::Status OperationError(std::string_view message) {
  ERR_clear_error();
  return ErrorOfClass("OperationError", message);
}

absl::Status DataError(std::string_view message) {
  ERR_clear_error();
  return ErrorOfClass("DataError", message);
}

}  // namespace kiln::crypto
