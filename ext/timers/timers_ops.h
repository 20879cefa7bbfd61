// The native half of kiln's timers (the JS half is timers.js): one libuv timer per
// runtime, armed for the earliest JS timer; a fresh monotonic clock.
#ifndef KILN_EXT_TIMERS_TIMERS_OPS_H_
#define KILN_EXT_TIMERS_TIMERS_OPS_H_

#include "ops/op.h"
#include "v8.h"

namespace kiln::timers {

// The monotonic clock in milliseconds, read fresh (not libuv's cached loop time): the
// clock of every deadline. Needs no state, so a fast call costs little more than the read.
KILN_OP(fast) double op_timers_clock();
// The runtime's time origin on op_timers_clock's clock: performance.now() is the clock
// minus this.
KILN_OP() double op_timers_clock_origin(kiln::OpState& state);
// The time origin as wall-clock milliseconds since the epoch. performance.timeOrigin.
KILN_OP() double op_timers_time_origin(kiln::OpState& state);
// Arms the runtime's timer to call the handler at `deadline_ms` (op_timers_clock);
// a negative deadline stops it. `refed`: whether the armed timer keeps the loop alive.
KILN_OP() void op_timers_arm(kiln::OpState& state, double deadline_ms, bool refed);
// The JS function the timer calls, as fire(now_ms) (op_timers_clock): it runs the timers due at now_ms, with
// a microtask checkpoint (op_timers_run_microtasks) after each.
KILN_OP(nofast) absl::Status op_timers_set_handler(kiln::OpState& state, v8::Isolate* isolate,
                                                   v8::Local<v8::Value> fire);
// A microtask checkpoint between two timer callbacks of one batch (with the runtime's
// unhandled-rejection check). False when the runtime now has an uncaught error: no more
// callbacks may run.
KILN_OP(nofast) bool op_timers_run_microtasks(v8::Isolate* isolate);
// queueMicrotask(callback), for a callback timers.js has checked is a function. Not fast:
// enqueueing allocates on the JS heap, which a fast call must not do.
KILN_OP(nofast) void op_timers_queue_microtask(v8::Isolate* isolate, v8::Local<v8::Value> callback);

}  // namespace kiln::timers

#endif  // KILN_EXT_TIMERS_TIMERS_OPS_H_
