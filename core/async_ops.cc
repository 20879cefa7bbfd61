#include "core/async_ops.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/op_support.h"

namespace kiln {

AsyncOps::AsyncOps(v8::Isolate* isolate, uv_loop_t* loop)
    : isolate_(isolate), channel_(std::make_shared<CompletionChannel>(this)) {
  // The wake-up itself does nothing: completions are delivered at the end of the turn
  // (the runtime's uv_check), which follows the poll phase this callback runs in.
  uv_async_init(loop, &wake_, [](uv_async_t*) {});
  uv_unref(reinterpret_cast<uv_handle_t*>(&wake_));
}

AsyncOps::~AsyncOps() { Close(); }

void AsyncOps::SetJsSide(v8::Local<v8::Value> pending_marker, v8::Local<v8::Function> settle) {
  pending_marker_.Reset(isolate_, pending_marker);
  settle_.Reset(isolate_, settle);
}

v8::Local<v8::Value> AsyncOps::pending_marker() const { return pending_marker_.Get(isolate_); }

void AsyncOps::BeginCall(uint32_t id, const char* op_name) {
  in_call_ = true;
  call_id_ = id;
  call_op_name_ = op_name;
}

void AsyncOps::EndCall() { in_call_ = false; }

uint32_t AsyncOps::BeginPending() {
  // Outside an async op's call there is no promise to settle: the id is then unknown to
  // the ring and its completion is dropped.
  if (!in_call_ || closed_) return call_id_;
  auto [it, inserted] = pending_.try_emplace(call_id_, PendingOp{call_op_name_});
  if (inserted) {
    ++refed_count_;
    UpdateLoopRef();
  }
  return call_id_;
}

void AsyncOps::SetConverter(uint32_t id, ValueConverter converter) {
  auto it = pending_.find(id);
  if (it != pending_.end()) it->second.converter = converter;
}

bool AsyncOps::has_queued_completions() { return channel_->HasQueued(); }

bool AsyncOps::Deliver(v8::Local<v8::Context> context) {
  if (closed_) return true;
  std::vector<Completion> batch = channel_->Drain();
  if (batch.empty()) return true;
  v8::HandleScope scope(isolate_);
  std::vector<v8::Local<v8::Value>> ids;
  std::vector<v8::Local<v8::Value>> values;
  ids.reserve(batch.size());
  values.reserve(batch.size());
  for (Completion& completion : batch) {
    auto it = pending_.find(completion.id);
    if (it == pending_.end()) continue;  // canceled, or settled already
    PendingOp op = it->second;
    pending_.erase(it);
    if (op.refed) --refed_count_;
    v8::Local<v8::Value> value;
    bool ok = false;
    switch (completion.kind) {
      case Completion::Kind::kValue: {
        v8::TryCatch try_catch(isolate_);
        if (op.converter != nullptr && op.converter(isolate_, completion).ToLocal(&value)) {
          ok = true;
        } else if (try_catch.HasCaught()) {
          value = try_catch.Exception();
        } else {
          value = CreateJsError(isolate_, "Error",
                                absl::StrCat(op.op_name, ": result could not be converted"));
        }
        break;
      }
      case Completion::Kind::kError:
        value = CreateJsErrorFromStatus(isolate_, completion.error);
        break;
      case Completion::Kind::kDropped:
        value = CreateJsError(isolate_, "Interrupted",
                              absl::StrCat(op.op_name, ": operation dropped without a result"));
        break;
    }
    if (ok) {
      ids.push_back(v8::Integer::NewFromUnsigned(isolate_, completion.id));
    } else {
      ids.push_back(v8::Number::New(isolate_, -static_cast<double>(completion.id) - 1));
    }
    values.push_back(value);
  }
  UpdateLoopRef();
  if (ids.empty()) return true;
  v8::Local<v8::Value> argv[] = {v8::Array::New(isolate_, ids.data(), ids.size()),
                                 v8::Array::New(isolate_, values.data(), values.size())};
  return !settle_.Get(isolate_)->Call(context, v8::Undefined(isolate_), 2, argv).IsEmpty();
}

bool AsyncOps::Unref(uint32_t id) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return false;
  if (it->second.refed) {
    it->second.refed = false;
    --refed_count_;
    UpdateLoopRef();
  }
  return true;
}

bool AsyncOps::Ref(uint32_t id) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return false;
  if (!it->second.refed) {
    it->second.refed = true;
    ++refed_count_;
    UpdateLoopRef();
  }
  return true;
}

void AsyncOps::UpdateLoopRef() {
  if (closed_) return;
  auto* handle = reinterpret_cast<uv_handle_t*>(&wake_);
  if (refed_count_ > 0) {
    uv_ref(handle);
  } else {
    uv_unref(handle);
  }
}

void AsyncOps::Close() {
  if (closed_) return;
  closed_ = true;
  channel_->Close();
  pending_.clear();
  refed_count_ = 0;
  pending_marker_.Reset();
  settle_.Reset();
  uv_close(reinterpret_cast<uv_handle_t*>(&wake_), nullptr);
}

void AsyncOps::Wake() { uv_async_send(&wake_); }

}  // namespace kiln
