#ifndef KILN_TESTS_EXTENSIONS_GREETER_STATE_H_
#define KILN_TESTS_EXTENSIONS_GREETER_STATE_H_

#include <string>
#include <vector>

#include "ops/op_state.h"

namespace kiln::testing {

// The greeter extension's per-runtime state. Records its construction and destruction in
// a process-wide log, so tests can see the order and the lifetime.
class GreeterState {
 public:
  explicit GreeterState(OpState& state);
  ~GreeterState();

  std::string greeting = "Hello";
  int greeted = 0;

  static std::vector<std::string>& Log();
};

// The second extension's state (destroyed before GreeterState: made after it).
class LoudState {
 public:
  explicit LoudState(OpState& state);
  ~LoudState();
};

}  // namespace kiln::testing

#endif  // KILN_TESTS_EXTENSIONS_GREETER_STATE_H_
