#include "core/completion_channel.h"

#include <utility>

namespace kiln {

bool CompletionChannel::Push(Completion completion) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (wake_ != nullptr) {
      queue_.push_back(std::move(completion));
      uv_async_send(wake_);
      return true;
    }
  }
  return false;  // closed: `completion` (and its value) is destroyed outside the lock
}

bool CompletionChannel::PushAll(std::vector<Completion>* completions) {
  std::vector<Completion> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (wake_ != nullptr) {
      if (queue_.empty()) {
        queue_.swap(*completions);
      } else {
        for (Completion& completion : *completions) queue_.push_back(std::move(completion));
      }
      completions->clear();
      uv_async_send(wake_);
      return true;
    }
    dropped.swap(*completions);
  }
  return false;  // closed: the completions are destroyed outside the lock
}

void CompletionChannel::Drain(std::vector<Completion>* taken) {
  std::lock_guard<std::mutex> lock(mutex_);
  taken->swap(queue_);
}

bool CompletionChannel::HasQueued() {
  std::lock_guard<std::mutex> lock(mutex_);
  return !queue_.empty();
}

void CompletionChannel::Close() {
  std::vector<Completion> dropped;
  std::lock_guard<std::mutex> lock(mutex_);
  wake_ = nullptr;
  dropped.swap(queue_);
}

}  // namespace kiln
