#include "tests/extensions/greeter_ops.h"

#include "absl/strings/str_cat.h"
#include "tests/extensions/greeter_state.h"

namespace kiln::testing {

std::vector<std::string>& GreeterState::Log() {
  static auto* log = new std::vector<std::string>;
  return *log;
}

GreeterState::GreeterState(OpState& state) { Log().push_back("greeter made"); }
GreeterState::~GreeterState() { Log().push_back("greeter destroyed"); }

LoudState::LoudState(OpState& state) { GreeterState::Log().push_back("loud made"); }
LoudState::~LoudState() { GreeterState::Log().push_back("loud destroyed"); }

std::string op_greet(OpState& state, std::string name) {
  GreeterState* greeter = state.extension_state<GreeterState>();
  ++greeter->greeted;
  return absl::StrCat(greeter->greeting, ", ", name, "!");
}

Future<std::string> op_greet_soon(OpState& state, std::string name) {
  auto [future, completer] = MakeFuture<std::string>(state);
  completer.Complete(op_greet(state, name));
  return std::move(future);
}

int32_t op_greet_count(OpState& state) { return state.extension_state<GreeterState>()->greeted; }

}  // namespace kiln::testing
