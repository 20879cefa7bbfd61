#include "tests/async/async_test_ops.h"

#include <chrono>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "ops/blocking_pool.h"
#include "tests/async/next_turn_queue.h"
#include "tests/async/parked_completers.h"

namespace kiln::async_test {
namespace {

// Holds the completers of pending waits; closing it rejects them.
class Waiter : public Resource {
 public:
  std::string name() const override { return "waiter"; }
  void OnClose() override {
    std::vector<Completer<void>> waiting = std::move(waiting_);
    for (Completer<void>& completer : waiting) {
      completer.Fail(absl::CancelledError("operation canceled"));
    }
  }
  std::vector<Completer<void>> waiting_;
};

}  // namespace

Future<int32_t> op_ready(EnforceRange<int32_t> value) {
  if (value < 0) return absl::OutOfRangeError("negative");
  return value.value;
}

Future<int32_t> op_next_turn(OpState& state, EnforceRange<int32_t> value) {
  auto [future, completer] = MakeFuture<int32_t>(state);
  testing::NextTurnQueue::Of(state).Add(std::move(completer), 2 * value, value < 0);
  return std::move(future);
}

Future<std::string> op_from_thread(OpState& state, std::string text) {
  auto [future, completer] = MakeFuture<std::string>(state);
  std::thread([completer = std::move(completer), text = std::move(text)]() mutable {
    completer.Complete(std::move(text));
  }).detach();
  return std::move(future);
}

Future<double> op_blocking_sum(OpState& state, int32_t n, int32_t sleep_ms) {
  return RunBlocking<double>(state, [n, sleep_ms]() -> absl::StatusOr<double> {
    if (sleep_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
    if (n < 0) return absl::OutOfRangeError("op_blocking_sum: n must not be negative");
    double sum = 0;
    for (int32_t i = 0; i < n; i++) sum += i;
    return sum;
  });
}

Future<bool> op_blocking_off_thread(OpState& state) {
  std::thread::id caller = std::this_thread::get_id();
  return RunBlocking<bool>(state, [caller]() { return std::this_thread::get_id() != caller; });
}

Future<int32_t> op_park(OpState& state) {
  auto [future, completer] = MakeFuture<int32_t>(state);
  ParkedCompleters::Of(state).Park(std::move(completer));
  return std::move(future);
}

Future<void> op_dropped(OpState& state) {
  auto [future, completer] = MakeFuture<void>(state);
  return std::move(future);  // `completer` goes out of scope uncompleted
}

Future<int32_t> op_made_then_ready(OpState& state, int32_t value) {
  auto [future, completer] = MakeFuture<int32_t>(state);
  ParkedCompleters::Of(state).Park(std::move(completer));
  if (value < 0) return absl::OutOfRangeError("negative");
  return value;
}

ResourceId op_waiter_open(OpState& state) {
  return state.resources().Add(std::make_unique<Waiter>());
}

Future<void> op_waiter_wait(OpState& state, ResourceId rid) {
  absl::StatusOr<Waiter*> waiter = state.resources().Get<Waiter>(rid);
  if (!waiter.ok()) return waiter.status();
  auto [future, completer] = MakeFuture<void>(state);
  (*waiter)->waiting_.push_back(std::move(completer));
  return std::move(future);
}

}  // namespace kiln::async_test
