// Ops of the test extensions (extension_test.cc).
#ifndef KILN_TESTS_EXTENSIONS_GREETER_OPS_H_
#define KILN_TESTS_EXTENSIONS_GREETER_OPS_H_

#include <string>

#include "ops/op.h"

namespace kiln::testing {

// "<greeting>, <name>!" with the runtime's greeting (GreeterState).
KILN_OP() std::string op_greet(kiln::OpState& state, std::string name);
// op_greet's greeting, settled through the ring (a completion delivered at the end of the
// loop turn).
KILN_OP() kiln::Future<std::string> op_greet_soon(kiln::OpState& state, std::string name);
// How many times op_greet ran in this runtime.
KILN_OP() int32_t op_greet_count(kiln::OpState& state);

}  // namespace kiln::testing

#endif  // KILN_TESTS_EXTENSIONS_GREETER_OPS_H_
