#include "ops/future.h"

namespace kiln {

bool CompletionChannel::Push(Completion completion) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (waker_ != nullptr) {
      queue_.push_back(std::move(completion));
      // uv_async_send coalesces: many pushes before the loop wakes are one wake-up.
      waker_->Wake();
      return true;
    }
  }
  return false;  // closed: `completion` (and its value) is destroyed outside the lock
}

bool CompletionChannel::PushAll(std::vector<Completion>* completions) {
  std::vector<Completion> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (waker_ != nullptr) {
      if (queue_.empty()) {
        queue_.swap(*completions);
      } else {
        for (Completion& completion : *completions) queue_.push_back(std::move(completion));
      }
      completions->clear();
      waker_->Wake();
      return true;
    }
    dropped.swap(*completions);
  }
  return false;  // closed: the completions are destroyed outside the lock
}

void CompletionBatch::Send() {
  if (channel_ != nullptr && !queued_.empty()) channel_->PushAll(&queued_);
  queued_.clear();
  channel_.reset();
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
  waker_ = nullptr;
  dropped.swap(queue_);
}

}  // namespace kiln
