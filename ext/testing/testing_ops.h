// The native half of kiln:test (test.js): the run's settings, outcome counts, leak
// snapshots (pending async ops, open resources) and deadline timers for test timeouts.
#ifndef KILN_EXT_TESTING_TESTING_OPS_H_
#define KILN_EXT_TESTING_TESTING_OPS_H_

#include <string>
#include <vector>

#include "ops/op.h"

namespace kiln::js_testing {

KILN_STRUCT() struct TestRunSettings {
  std::string file;
  std::string filter;
  std::string reporter;
  bool trace_leaks;
  bool leak_tracking;
  uint32_t first_tap_number;
};

// A pending async op or an open resource: its id, name and (with --trace-leaks) the
// JavaScript stack where it started.
KILN_STRUCT() struct StartedItem {
  uint32_t id;
  std::string name;
  std::string stack;
};

// The settings `kiln test` gave this file's run.
KILN_OP(nofast) TestRunSettings op_testing_settings(kiln::OpState& state);

// Counts one test's outcome: "passed", "failed", "skipped" or "todo".
KILN_OP(nofast) absl::Status op_testing_record(kiln::OpState& state, std::string outcome);

// The async ops pending now, oldest first, except the testing extension's own (its
// deadlines and turn waits belong to the harness, not to a test).
KILN_OP(nofast) std::vector<StartedItem> op_testing_pending_ops(kiln::OpState& state);

// The resources open now, in id order.
KILN_OP(nofast) std::vector<StartedItem> op_testing_open_resources(kiln::OpState& state);

// Resolves with true after `ms` milliseconds, or with false once canceled
// (op_testing_cancel_deadline with the same token). A new deadline of a token cancels
// the old one.
KILN_OP() kiln::Future<bool> op_testing_deadline(kiln::OpState& state, uint32_t token,
                                                 double ms);
KILN_OP() void op_testing_cancel_deadline(kiln::OpState& state, uint32_t token);

// Resolves at the end of the current event loop turn, after the completions already
// queued: lets ops that finished while a test ended settle before the leak check.
KILN_OP() kiln::Future<void> op_testing_next_turn(kiln::OpState& state);

// Arms (or disarms) the watchdog that stops JavaScript stuck in a synchronous loop for
// longer than `ms` milliseconds while test `token` runs. False when the runtime cannot
// be stopped from outside (no runner attached).
KILN_OP() bool op_testing_watch(kiln::OpState& state, uint32_t token, double ms);
KILN_OP() void op_testing_unwatch(kiln::OpState& state, uint32_t token);

}  // namespace kiln::js_testing

#endif  // KILN_EXT_TESTING_TESTING_OPS_H_
