// The native half of kiln's timers (the JS half is timers.js): one libuv timer per
// runtime, armed for the earliest JS timer; a fresh monotonic clock.
#ifndef KILN_EXT_TIMERS_TIMERS_OPS_H_
#define KILN_EXT_TIMERS_TIMERS_OPS_H_

#include "ops/op.h"

namespace kiln::timers {

// The monotonic clock in milliseconds, read fresh (not libuv's cached loop time): the
// clock of every deadline. Needs no state, so a fast call costs little more than the read.
KILN_OP(fast) double op_timers_clock();
// Arms the runtime's timer to call `internals.timersFire(now_ms)` (timers.js) at
// `deadline_ms` (op_timers_clock); a negative deadline stops it. `refed`: whether the
// armed timer keeps the loop alive.
KILN_OP() void op_timers_arm(kiln::OpState& state, double deadline_ms, bool refed);
// A microtask checkpoint between two timer callbacks of one batch (with the runtime's
// unhandled-rejection check). False when the runtime now has an uncaught error: no more
// callbacks may run.
KILN_OP(nofast) bool op_timers_run_microtasks(kiln::OpState& state);

}  // namespace kiln::timers

#endif  // KILN_EXT_TIMERS_TIMERS_OPS_H_
