// Async ops for //tests/async: every way an async op can answer.
#ifndef KILN_TESTS_ASYNC_ASYNC_TEST_OPS_H_
#define KILN_TESTS_ASYNC_ASYNC_TEST_OPS_H_

#include <cstdint>
#include <string>

#include "ops/op.h"

namespace kiln::async_test {

// Ready now: `value`, or a RangeError for a negative value. The argument is range-checked
// (EnforceRange), so the fast function can also reject it.
KILN_OP() kiln::Future<int32_t> op_ready(kiln::EnforceRange<int32_t> value);
// Pending: 2 * value on a later loop iteration (a RangeError there if value < 0).
KILN_OP() kiln::Future<int32_t> op_next_turn(kiln::OpState& state,
                                             kiln::EnforceRange<int32_t> value);
// Pending: `text` back, completed from a thread of its own.
KILN_OP() kiln::Future<std::string> op_from_thread(kiln::OpState& state, std::string text);
// On the shared blocking pool (ops/blocking_pool.h): the sum of 0..n-1 after `sleep_ms`
// milliseconds, or a RangeError for a negative n (returned as absl::StatusOr).
KILN_OP() kiln::Future<double> op_blocking_sum(kiln::OpState& state, int32_t n,
                                               int32_t sleep_ms);
// On the shared blocking pool: the name of the thread it ran on is not the caller's.
KILN_OP() kiln::Future<bool> op_blocking_off_thread(kiln::OpState& state);
// Pending until the test completes it from C++ (ParkedCompleters below).
KILN_OP() kiln::Future<int32_t> op_park(kiln::OpState& state);
// Goes pending and drops its completer at once.
KILN_OP() kiln::Future<void> op_dropped(kiln::OpState& state);
// Makes a pending Future and parks its Completer, but returns `value` ready (or, when
// `value` < 0, a RangeError): the result still goes through the ring.
KILN_OP() kiln::Future<int32_t> op_made_then_ready(kiln::OpState& state, int32_t value);
// A resource whose pending waits are canceled when it is closed.
KILN_OP() kiln::ResourceId op_waiter_open(kiln::OpState& state);
KILN_OP() kiln::Future<void> op_waiter_wait(kiln::OpState& state, kiln::ResourceId rid);

}  // namespace kiln::async_test

#endif  // KILN_TESTS_ASYNC_ASYNC_TEST_OPS_H_
