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
  std::vector<Waiting>& due = queue->due_;
  due.swap(queue->waiting_);  // both keep their capacity from turn to turn
  uv_idle_stop(handle);
  CompletionBatch batch;
  batch.Reserve(due.size());
  for (Waiting& waiting : due) {
    if (waiting.iteration >= queue->iteration_) ++queue->same_iteration_;
    if (waiting.fail) {
      batch.Fail(waiting.completer, absl::OutOfRangeError("next turn: asked to fail"));
    } else {
      batch.Complete(waiting.completer, waiting.value);
    }
    ++queue->completed_;
  }
  batch.Send();
  due.clear();
}

}  // namespace kiln::testing
