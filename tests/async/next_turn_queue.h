#ifndef KILN_TESTS_ASYNC_NEXT_TURN_QUEUE_H_
#define KILN_TESTS_ASYNC_NEXT_TURN_QUEUE_H_

// Completes int32 async ops on a later libuv iteration than the one that started them
// (a uv_idle handle, active only while something waits), for tests and bench/async_bench.
// Kept in OpState; every op it completes is checked to complete on a later iteration.

#include <cstdint>
#include <utility>
#include <vector>

#include "ops/future.h"
#include "ops/op_state.h"
#include "uv.h"

namespace kiln::testing {

class NextTurnQueue {
 public:
  explicit NextTurnQueue(uv_loop_t* loop);
  ~NextTurnQueue();
  NextTurnQueue(const NextTurnQueue&) = delete;
  NextTurnQueue& operator=(const NextTurnQueue&) = delete;

  // The queue of `state`, made on first use.
  static NextTurnQueue& Of(OpState& state);

  // Resolves with `value` (or rejects with RangeError when `fail`) on a later iteration.
  void Add(Completer<int32_t> completer, int32_t value, bool fail = false);

  uint64_t completed() const { return completed_; }
  // Completions that happened on the iteration that started them: must stay 0.
  uint64_t same_iteration_completions() const { return same_iteration_; }

 private:
  struct Waiting {
    Completer<int32_t> completer;
    int32_t value;
    bool fail;
    uint64_t iteration;  // iteration_ when added
  };
  static void OnIdle(uv_idle_t* handle);

  uv_idle_t* idle_;  // heap: freed by its close callback, after this object is gone
  std::vector<Waiting> waiting_;
  std::vector<Waiting> due_;  // being completed (OnIdle)
  uint64_t iteration_ = 0;  // idle callbacks run so far (one per loop iteration)
  uint64_t completed_ = 0;
  uint64_t same_iteration_ = 0;
};

}  // namespace kiln::testing

#endif  // KILN_TESTS_ASYNC_NEXT_TURN_QUEUE_H_
