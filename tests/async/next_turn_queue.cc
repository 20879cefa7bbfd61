#include "tests/async/next_turn_queue.h"

#include <memory>

#include "absl/status/status.h"

namespace kiln::testing {

NextTurnQueue::NextTurnQueue(uv_loop_t* loop) : idle_(new uv_idle_t) {
  uv_idle_init(loop, idle_);
  idle_->data = this;
}

NextTurnQueue::~NextTurnQueue() {
  uv_close(reinterpret_cast<uv_handle_t*>(idle_),
           [](uv_handle_t* handle) { delete reinterpret_cast<uv_idle_t*>(handle); });
}

NextTurnQueue& NextTurnQueue::Of(OpState& state) {
  return *state.GetOrPut<std::unique_ptr<NextTurnQueue>>(
      [&] { return std::make_unique<NextTurnQueue>(state.loop()); });
}

void NextTurnQueue::Add(Completer<int32_t> completer, int32_t value, bool fail) {
  if (waiting_.empty()) uv_idle_start(idle_, &NextTurnQueue::OnIdle);
  waiting_.push_back({std::move(completer), value, fail, iteration_});
}

void NextTurnQueue::OnIdle(uv_idle_t* handle) {
  auto* queue = static_cast<NextTurnQueue*>(handle->data);
  ++queue->iteration_;
  std::vector<Waiting> due = std::move(queue->waiting_);
  queue->waiting_.clear();
  uv_idle_stop(handle);
  for (Waiting& waiting : due) {
    if (waiting.iteration >= queue->iteration_) ++queue->same_iteration_;
    if (waiting.fail) {
      waiting.completer.Fail(absl::OutOfRangeError("next turn: asked to fail"));
    } else {
      waiting.completer.Complete(waiting.value);
    }
    ++queue->completed_;
  }
}

}  // namespace kiln::testing
