#include "core/op_support.h"

#include "absl/strings/str_cat.h"
#include "core/v8_util.h"
#include "ops/errors.h"

namespace kiln {

v8::Local<v8::Value> CreateJsError(v8::Isolate* isolate, std::string_view js_class,
                                   std::string_view message, std::string_view code) {
  v8::EscapableHandleScope scope(isolate);
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::String> text = Utf8String(isolate, message);
  v8::Local<v8::Value> error;
  if (js_class == "TypeError") {
    error = v8::Exception::TypeError(text);
  } else if (js_class == "RangeError") {
    error = v8::Exception::RangeError(text);
  } else if (js_class == "SyntaxError") {
    error = v8::Exception::SyntaxError(text);
  } else if (js_class == "ReferenceError") {
    error = v8::Exception::ReferenceError(text);
  } else if (js_class == "Error") {
    error = v8::Exception::Error(text);
  } else {
    // kiln's own classes (kiln.errors.NotFound, ...) are constructed as themselves.
    v8::Local<v8::Value> classes;
    v8::Local<v8::Value> constructor;
    if (context->GetNumberOfEmbedderDataFields() > kContextSlotErrorClasses &&
        (classes = context->GetEmbedderData(kContextSlotErrorClasses))->IsObject() &&
        classes.As<v8::Object>()->Get(context, Utf8String(isolate, js_class)).ToLocal(&constructor) &&
        constructor->IsFunction()) {
      v8::Local<v8::Value> argv[] = {text};
      v8::Local<v8::Object> instance;
      if (constructor.As<v8::Function>()->NewInstance(context, 1, argv).ToLocal(&instance)) {
        error = instance;
      }
    }
    if (error.IsEmpty()) {
      error = v8::Exception::Error(text);
      error.As<v8::Object>()
          ->DefineOwnProperty(context, OneByteString(isolate, "name"),
                              Utf8String(isolate, js_class), v8::DontEnum)
          .Check();
    }
  }
  if (!code.empty()) {
    error.As<v8::Object>()
        ->Set(context, OneByteString(isolate, "code"), Utf8String(isolate, code))
        .Check();
  }
  return scope.Escape(error);
}

v8::Local<v8::Value> CreateJsErrorFromStatus(v8::Isolate* isolate, const absl::Status& status) {
  absl::string_view message = status.message();
  return CreateJsError(isolate, JsClassOf(status), std::string_view(message.data(), message.size()),
                       JsCodeOf(status));
}

bool OpCall::RethrowFastCallFailure() {
  RuntimeOpState& state = this->state();
  if (state.fast_call_outcome() == FastCallOutcome::kOk) return false;
  state.set_fast_call_outcome(FastCallOutcome::kOk);
  if (state.fast_call_error().ok()) return false;
  absl::Status error = std::move(state.fast_call_error());
  state.fast_call_error() = absl::OkStatus();
  ThrowStatus(error);
  return true;
}

void CountFastCall(const char* op_name) {
  auto* metrics =
      static_cast<OpMetrics*>(v8::Isolate::GetCurrent()->GetData(kIsolateSlotOpMetrics));
  if (metrics != nullptr) ++metrics->Of(op_name).fast_calls;
}

void CountOpError(v8::Isolate* isolate, const char* op_name) {
  auto* metrics = static_cast<OpMetrics*>(isolate->GetData(kIsolateSlotOpMetrics));
  if (metrics != nullptr) ++metrics->Of(op_name).errors;
}

void LatencyHistogram::Record(uint64_t nanoseconds) {
  if (buckets_.empty()) buckets_.assign(64 * kSubBuckets, 0);
  size_t index;
  if (nanoseconds < kSubBuckets) {
    index = nanoseconds;
  } else {
    int power = 63 - __builtin_clzll(nanoseconds);  // >= 3
    uint64_t sub = (nanoseconds >> (power - 3)) & (kSubBuckets - 1);
    index = static_cast<size_t>(power - 2) * kSubBuckets + sub;
  }
  ++buckets_[index];
  ++count_;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  if (buckets_.empty()) buckets_.assign(64 * kSubBuckets, 0);
  for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
}

uint64_t LatencyHistogram::Percentile(double fraction) const {
  if (count_ == 0) return 0;
  uint64_t rank = static_cast<uint64_t>(fraction * static_cast<double>(count_));
  if (rank >= count_) rank = count_ - 1;
  uint64_t seen = 0;
  for (size_t index = 0; index < buckets_.size(); ++index) {
    seen += buckets_[index];
    if (seen > rank) {
      if (index < kSubBuckets) return index;
      int power = static_cast<int>(index / kSubBuckets) + 2;
      uint64_t sub = index % kSubBuckets;
      // Bucket [(8 + sub) << (power - 3), (9 + sub) << (power - 3)): its upper bound.
      return ((kSubBuckets + sub + 1) << (power - 3)) - 1;
    }
  }
  return 0;
}

void OpMetrics::AsyncOpStarted(uint32_t id, const char* op_name) {
  started_at_[id] = uv_hrtime();
}

void OpMetrics::AsyncOpDelivered(uint32_t id, const char* op_name, Completion::Kind kind) {
  OpCallCounts& counts = Of(op_name);
  ++counts.async_completed;
  if (kind == Completion::Kind::kError || kind == Completion::Kind::kDropped) ++counts.errors;
  auto started = started_at_.find(id);
  if (started == started_at_.end()) return;
  counts.async_latency.Record(uv_hrtime() - started->second);
  started_at_.erase(started);
}

absl::Status UnregisteredPendingError(const char* op_name) {
  return absl::InternalError(absl::StrCat(
      op_name, ": returned a pending kiln::Future that kiln::MakeFuture did not make for this "
               "call (an op that completes later takes kiln::OpState& and calls MakeFuture once)"));
}

void RecordFastCallFailure(absl::Status error) {
  RuntimeOpState& state = OpStateOf(v8::Isolate::GetCurrent());
  state.fast_call_error() = std::move(error);
  state.set_fast_call_outcome(FastCallOutcome::kFailed);
}

void OpCall::ThrowStatus(const absl::Status& status) {
  CountOpError(isolate(), op_name_);
  isolate()->ThrowException(CreateJsErrorFromStatus(isolate(), status));
}

void OpCall::ThrowArgumentError(int index, const char* name,
                                const ConversionContext& conversion) {
  CountOpError(isolate(), op_name_);
  if (conversion.exception_pending()) return;  // a getter threw: that is the error
  std::string message =
      absl::StrCat(op_name(), ": argument ", index + 1, " (", name, "): ", conversion.message());
  isolate()->ThrowException(CreateJsError(
      isolate(), conversion.kind() == ErrorKind::kRange ? "RangeError" : "TypeError", message));
}

}  // namespace kiln
