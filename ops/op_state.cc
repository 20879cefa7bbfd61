#include "ops/op_state.h"

#include <cxxabi.h>

#include <atomic>
#include <cstdlib>
#include <memory>

#include "absl/strings/str_cat.h"

namespace kiln {

namespace internal {
size_t NextExtensionStateSlot() {
  static std::atomic<size_t> next{0};
  return next.fetch_add(1);
}
}  // namespace internal

OpState::~OpState() {
  resources_.CloseAll();
  for (auto it = owned_states_.rbegin(); it != owned_states_.rend(); ++it) it->second(it->first);
}

void OpState::AddExtensionState(size_t slot, void* state, void (*destroy)(void*)) {
  if (extension_states_.size() <= slot) extension_states_.resize(slot + 1, nullptr);
  extension_states_[slot] = state;
  owned_states_.emplace_back(state, destroy);
}

absl::Status OpState::MissingType(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  return absl::FailedPreconditionError(
      absl::StrCat("OpState has no value of type ", status == 0 ? demangled.get() : type.name()));
}

}  // namespace kiln
