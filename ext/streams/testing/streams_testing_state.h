#ifndef KILN_EXT_STREAMS_TESTING_STREAMS_TESTING_STATE_H_
#define KILN_EXT_STREAMS_TESTING_STREAMS_TESTING_STATE_H_

#include "ext/streams/testing/streams_testing_ops.h"
#include "ops/op.h"

namespace kiln::streams::testing {

// Per-runtime counters of the test sources and sinks (they outlive the resources).
struct StreamsTestingState {
  explicit StreamsTestingState(kiln::OpState& state) {}
  TestStats stats;
};

}  // namespace kiln::streams::testing

#endif  // KILN_EXT_STREAMS_TESTING_STREAMS_TESTING_STATE_H_
