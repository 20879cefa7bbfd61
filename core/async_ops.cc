#include "core/async_ops.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/op_support.h"

namespace kiln {

namespace {
// Batch buffers start this big, and go back to it after a turn that needed far more.
constexpr size_t kInitialBatchCapacity = 1024;
constexpr size_t kRetainedBatchCapacity = 64 * 1024;
}  // namespace

AsyncOps::AsyncOps(v8::Isolate* isolate, uv_loop_t* loop)
    : isolate_(isolate), channel_(std::make_shared<CompletionChannel>(&wake_)) {
  // The wake-up itself does nothing: completions are delivered at the end of the turn
  // (the runtime's uv_check), which follows the poll phase this callback runs in.
  uv_async_init(loop, &wake_, [](uv_async_t*) {});
  uv_unref(reinterpret_cast<uv_handle_t*>(&wake_));
}

AsyncOps::~AsyncOps() { Close(); }

void AsyncOps::SetJsSide(v8::Local<v8::Function> settle) { settle_.Reset(isolate_, settle); }

PendingRegistration AsyncOps::BeginPending() {
  // Outside an async op's call there is no promise to settle; a second MakeFuture in one
  // call has none either.
  if (!in_call_ || call_registered_ || closed_) return {};
  call_registered_ = true;
  return Register();
}

PendingRegistration AsyncOps::Register() {
  ++pending_count_;
  UpdateLoopRef();
  if (!observers_.empty()) {
    for (AsyncOpObserver* observer : observers_) observer->AsyncOpStarted(call_id_, call_op_name_);
  }
  return {channel_, call_id_, call_op_name_, call_convert_};
}

PendingRegistration AsyncOps::RegisterReadyResult() {
  if (closed_) return {};
  orphaned_.insert(call_id_);
  PendingRegistration registration = Register();
  registration.ready_result = true;
  return registration;
}

bool AsyncOps::has_queued_completions() { return channel_->HasQueued(); }

void AsyncOps::EnsureBatchCapacity(size_t count) {
  size_t wanted = std::max(count, kInitialBatchCapacity);
  if (batch_.capacity >= wanted &&
      !(batch_.capacity > kRetainedBatchCapacity && count <= kInitialBatchCapacity)) {
    return;
  }
  if (count > batch_.capacity) wanted = std::max(wanted, batch_.capacity * 2);
  // Layout: numbers (8-byte aligned) first, then ids, then kinds.
  size_t bytes = wanted * (sizeof(double) + sizeof(uint32_t) + sizeof(uint8_t));
  batch_.store = v8::ArrayBuffer::NewBackingStore(isolate_, bytes);
  batch_.capacity = wanted;
  auto* base = static_cast<uint8_t*>(batch_.store->Data());
  batch_.numbers = reinterpret_cast<double*>(base);
  batch_.ids = reinterpret_cast<uint32_t*>(base + wanted * sizeof(double));
  batch_.kinds = base + wanted * (sizeof(double) + sizeof(uint32_t));
  v8::HandleScope scope(isolate_);
  v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate_, batch_.store);
  batch_.numbers_view.Reset(isolate_, v8::Float64Array::New(buffer, 0, wanted));
  batch_.ids_view.Reset(isolate_, v8::Uint32Array::New(buffer, wanted * sizeof(double), wanted));
  batch_.kinds_view.Reset(
      isolate_, v8::Uint8Array::New(buffer, wanted * (sizeof(double) + sizeof(uint32_t)), wanted));
}

// The JS value (or error) of a completion that is not a plain number, boolean or
// undefined. Turns a failed conversion into an error completion.
v8::Local<v8::Value> AsyncOps::ConvertToJs(Completion& completion) {
  switch (completion.kind) {
    case Completion::Kind::kConverted: {
      v8::TryCatch try_catch(isolate_);
      v8::Local<v8::Value> value;
      if (completion.convert != nullptr &&
          completion.convert(isolate_, completion).ToLocal(&value)) {
        return value;
      }
      completion.kind = Completion::Kind::kError;
      if (try_catch.HasCaught()) return try_catch.Exception();
      return CreateJsError(isolate_, "Error",
                           absl::StrCat(completion.op_name, ": result could not be converted"));
    }
    case Completion::Kind::kError:
      return CreateJsErrorFromStatus(isolate_, completion.error);
    case Completion::Kind::kDropped:
      return CreateJsError(isolate_, "Interrupted",
                           absl::StrCat(completion.op_name,
                                        ": operation dropped without a result"));
    default:
      return v8::Undefined(isolate_);
  }
}

bool AsyncOps::Deliver(v8::Local<v8::Context> context) {
  if (closed_) return true;
  channel_->Drain(&draining_);
  if (draining_.empty()) return true;
  v8::HandleScope scope(isolate_);
  const size_t count = draining_.size();
  EnsureBatchCapacity(count);
  std::vector<v8::Local<v8::Value>> objects;
  size_t delivered = 0;
  for (Completion& completion : draining_) {
    if (pending_count_ > 0) --pending_count_;
    if (!orphaned_.empty() && !completion.ready_result && orphaned_.erase(completion.id) > 0) {
      continue;  // superseded by the ready result the op returned
    }
    if (!unrefed_.empty()) unrefed_.erase(completion.id);
    const size_t i = delivered++;
    batch_.ids[i] = completion.id;
    switch (completion.kind) {
      case Completion::Kind::kNumber:
      case Completion::Kind::kBoolean:
      case Completion::Kind::kUndefined:
        batch_.numbers[i] = completion.number;
        break;
      default:
        objects.push_back(ConvertToJs(completion));
        batch_.numbers[i] = static_cast<double>(objects.size() - 1);
        break;
    }
    batch_.kinds[i] = static_cast<uint8_t>(completion.kind);
    if (!observers_.empty()) {
      for (AsyncOpObserver* observer : observers_) {
        observer->AsyncOpDelivered(completion.id, completion.op_name, completion.kind);
      }
    }
  }
  draining_.clear();  // frees boxed values; keeps the capacity for the next turn
  UpdateLoopRef();
  if (delivered == 0) return true;
  v8::Local<v8::Value> argv[] = {
      v8::Integer::NewFromUnsigned(isolate_, static_cast<uint32_t>(delivered)),
      batch_.ids_view.Get(isolate_),
      batch_.kinds_view.Get(isolate_),
      batch_.numbers_view.Get(isolate_),
      objects.empty() ? v8::Local<v8::Value>(v8::Undefined(isolate_))
                      : v8::Local<v8::Value>(v8::Array::New(isolate_, objects.data(),
                                                            objects.size())),
  };
  return !settle_.Get(isolate_)->Call(context, v8::Undefined(isolate_), 5, argv).IsEmpty();
}

void AsyncOps::Unref(uint32_t id) {
  unrefed_.insert(id);
  UpdateLoopRef();
}

void AsyncOps::Ref(uint32_t id) {
  unrefed_.erase(id);
  UpdateLoopRef();
}

void AsyncOps::UpdateLoopRef() {
  if (closed_) return;
  bool want = has_refed_pending();
  if (want == loop_refed_) return;
  loop_refed_ = want;
  auto* handle = reinterpret_cast<uv_handle_t*>(&wake_);
  if (want) {
    uv_ref(handle);
  } else {
    uv_unref(handle);
  }
}

void AsyncOps::AddObserver(AsyncOpObserver* observer) { observers_.push_back(observer); }

void AsyncOps::RemoveObserver(AsyncOpObserver* observer) {
  observers_.erase(std::remove(observers_.begin(), observers_.end(), observer), observers_.end());
}

void AsyncOps::Close() {
  if (closed_) return;
  closed_ = true;
  observers_.clear();
  channel_->Close();
  draining_.clear();
  pending_count_ = 0;
  unrefed_.clear();
  orphaned_.clear();
  settle_.Reset();
  batch_.ids_view.Reset();
  batch_.kinds_view.Reset();
  batch_.numbers_view.Reset();
  batch_.store.reset();
  uv_close(reinterpret_cast<uv_handle_t*>(&wake_), nullptr);
}

}  // namespace kiln
