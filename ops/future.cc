#include "ops/future.h"

namespace kiln {

void CompletionBatch::Send() {
  if (sink_ != nullptr && !queued_.empty()) sink_->PushAll(&queued_);
  queued_.clear();
  sink_.reset();
}

}  // namespace kiln
