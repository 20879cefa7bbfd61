#ifndef KILN_EXAMPLES_COUNTER_COUNTER_STATE_H_
#define KILN_EXAMPLES_COUNTER_COUNTER_STATE_H_

#include "ops/op_state.h"

namespace counter {

// The extension's per-runtime state: made when a runtime is created, destroyed with it.
struct CounterState {
  explicit CounterState(kiln::OpState& state) {}
  double count = 0;
};

}  // namespace counter

#endif  // KILN_EXAMPLES_COUNTER_COUNTER_STATE_H_
