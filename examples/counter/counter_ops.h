// The ops of the counter example extension (README.md at the top of the repository walks
// through this directory).
#ifndef KILN_EXAMPLES_COUNTER_COUNTER_OPS_H_
#define KILN_EXAMPLES_COUNTER_COUNTER_OPS_H_

#include "ops/op.h"

namespace counter {

// Adds `by` to the runtime's count and returns the new count.
KILN_OP() double op_counter_add(kiln::OpState& state, double by);

// Resolves with the count after `ms` milliseconds, from a libuv timer.
KILN_OP() kiln::Future<double> op_counter_later(kiln::OpState& state, double ms);

}  // namespace counter

#endif  // KILN_EXAMPLES_COUNTER_COUNTER_OPS_H_
