#ifndef KILN_CORE_COMPLETION_CHANNEL_H_
#define KILN_CORE_COMPLETION_CHANNEL_H_

#include <mutex>
#include <vector>

#include "ops/future.h"
#include "uv.h"

namespace kiln {

// The thread-safe queue completers push into (ops/future.h, CompletionSink): one per
// runtime, owned by its AsyncOps (core/async_ops.h) and shared with every Completer.
// A push wakes the runtime's loop through `wake` (uv_async_send coalesces: many pushes
// before the loop wakes are one wake-up). After Close (the runtime going away) pushes are
// dropped.
class CompletionChannel final : public CompletionSink {
 public:
  // `wake` must stay valid until Close.
  explicit CompletionChannel(uv_async_t* wake) : wake_(wake) {}

  // Any thread.
  bool Push(Completion completion) override;
  bool PushAll(std::vector<Completion>* completions) override;

  // The runtime's thread. Swaps everything queued so far into `*taken`. Pass an empty
  // vector with the capacity you want the queue to have next (it is swapped in).
  void Drain(std::vector<Completion>* taken);
  bool HasQueued();
  // No more pushes reach the runtime; what is queued is dropped.
  void Close();

 private:
  std::mutex mutex_;
  std::vector<Completion> queue_;
  uv_async_t* wake_;  // null once closed
};

}  // namespace kiln

#endif  // KILN_CORE_COMPLETION_CHANNEL_H_
