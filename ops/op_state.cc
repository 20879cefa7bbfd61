#include "ops/op_state.h"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>

#include "absl/strings/str_cat.h"

namespace kiln {

absl::Status OpState::MissingType(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  return absl::FailedPreconditionError(
      absl::StrCat("OpState has no value of type ", status == 0 ? demangled.get() : type.name()));
}

}  // namespace kiln
