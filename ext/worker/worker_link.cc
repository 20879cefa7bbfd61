#include "ext/worker/worker_link.h"

#include <cstring>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/v8_util.h"
#include "ops/op_host.h"

namespace kiln::worker {
namespace {

std::vector<uint8_t> ClosedEvent() { return {static_cast<uint8_t>(EventKind::kClosed)}; }

// Receive's batches: up to this many bytes of queued events go to JavaScript in one piece.
constexpr size_t kMaxBatchBytes = size_t{1} << 20;

// Appends `event` to `batch` as Receive hands events over: its size (uint32), then it.
void AppendToBatch(std::vector<uint8_t>& batch, const std::vector<uint8_t>& event) {
  uint32_t size = static_cast<uint32_t>(event.size());
  size_t at = batch.size();
  batch.resize(at + sizeof(size) + event.size());
  std::memcpy(batch.data() + at, &size, sizeof(size));
  std::memcpy(batch.data() + at + sizeof(size), event.data(), event.size());
}

ByteBuffer BatchOf(const std::vector<uint8_t>& event) {
  std::vector<uint8_t> batch;
  AppendToBatch(batch, event);
  return ByteBuffer(std::move(batch));
}

// The kError event of the worker's uncaught `error` (HTML's ErrorEvent fields, and the
// report `kiln run` would print, for the parent's own report of it).
std::vector<uint8_t> ErrorEvent(const JsError& error, const std::string& url) {
  std::string summary = error.Summary();
  if (!absl::StartsWith(summary, "Uncaught ")) summary = absl::StrCat("Uncaught ", summary);
  nlohmann::json fields = {
      {"message", summary},
      {"filename", error.file.empty() ? url : error.file},
      {"lineno", error.line},
      {"colno", error.column},
      {"report", error.Report()},
  };
  // ASCII (the rest escaped): worker.js reads the payload a byte a character.
  std::string text = fields.dump(-1, ' ', /*ensure_ascii=*/true,
                                 nlohmann::json::error_handler_t::replace);
  std::vector<uint8_t> event;
  event.reserve(text.size() + 1);
  event.push_back(static_cast<uint8_t>(EventKind::kError));
  event.insert(event.end(), text.begin(), text.end());
  return event;
}

// Sets up the worker's global scope (worker.js: name, postMessage, close, onmessage and
// the message pump). False with the runtime's uncaught error pending on failure.
bool StartScope(Runtime& runtime, const std::string& name) {
  v8::Isolate* isolate = runtime.isolate();
  Runtime::CallScope call(&runtime);
  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope handle_scope(isolate);
  v8::Context::Scope context_scope(runtime.context());
  OpHost& host = runtime.op_state().host();
  v8::Local<v8::Value> start;
  if (!host.GetInternal("workerScopeStart").ToLocal(&start) || !start->IsFunction()) {
    return false;
  }
  v8::Local<v8::Value> argv[] = {Utf8String(isolate, name)};
  return host.CallMacrotask(start.As<v8::Function>(), 1, argv, nullptr);
}

// The worker's script, then its event loop, until it ends: close(), terminate(), an
// uncaught error, or nothing left to do (a worker waits for messages until closed).
Result<void> RunScript(Runtime& runtime, const WorkerStart& start) {
  if (!StartScope(runtime, start.name)) {
    Result<void> pending = runtime.RunEventLoop();  // reports the pending error
    if (!pending.ok()) return pending;
    return HostError("Error", "the worker extension's JavaScript is missing from the runtime");
  }
  if (start.module) {
    if (!start.path.empty()) return runtime.RunMainFile(start.path, Runtime::ScriptKind::kModule);
    Result<JsModule> module = start.fetched ? runtime.LoadModuleFromSource(start.url, start.source)
                                            : runtime.LoadModule(start.url);
    if (!module.ok()) return module.error();
  } else if (!start.path.empty()) {
    Result<void> script = runtime.ExecuteScriptFile(start.path);
    if (!script.ok()) return script;
  } else {
    Result<v8::Global<v8::Value>> script = runtime.Eval(start.source, start.url);
    if (!script.ok()) return script.error();
  }
  return runtime.RunEventLoop();
}

// The worker's thread.
void RunWorker(std::shared_ptr<WorkerLink> link, WorkerStart start) {
  std::string url = start.url;
  absl::StatusOr<std::unique_ptr<Runtime>> created = Runtime::Create(std::move(start.options));
  if (!created.ok()) {
    link->to_parent.Push(ErrorEvent(HostError("Error", std::string(created.status().message())), url));
    link->to_parent.Close();
    return;
  }
  std::unique_ptr<Runtime> runtime = std::move(*created);
  WorkerScopeState* scope = runtime->op_state().extension_state<WorkerScopeState>();
  if (scope == nullptr) {
    link->to_parent.Push(ErrorEvent(
        HostError("Error", "the worker's runtime has no worker extension"), url));
    link->to_parent.Close();
    return;
  }
  scope->link = link;
  if (link->Attach(runtime.get())) {
    Result<void> result = RunScript(*runtime, start);
    link->Detach();
    if (!result.ok() && !link->terminated()) {
      link->to_parent.Push(ErrorEvent(result.error(), url));
    }
  }
  runtime.reset();
  link->to_parent.Close();
}

}  // namespace

bool EventQueue::Push(std::vector<uint8_t> event) {
  std::optional<Completer<ByteBuffer>> receiver;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return false;
    if (!waiting_.has_value()) {
      events_.push_back(std::move(event));
      return true;
    }
    receiver = std::move(waiting_);
    waiting_.reset();
  }
  receiver->Complete(BatchOf(event));
  return true;
}

bool EventQueue::PushMessage(web::Message message) {
  uint64_t parcel = 0;
  if (!message.buffers.empty()) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return false;
    parcel = next_parcel_++;
    parcels_[parcel] = std::move(message.buffers);
  }
  std::vector<uint8_t> event(1 + sizeof(parcel) + message.data.size());
  event[0] = static_cast<uint8_t>(EventKind::kMessage);
  std::memcpy(event.data() + 1, &parcel, sizeof(parcel));
  if (!message.data.empty()) {
    std::memcpy(event.data() + 1 + sizeof(parcel), message.data.data(), message.data.size());
  }
  return Push(std::move(event));
}

Buffers EventQueue::TakeParcel(const uint8_t* event, size_t size) {
  uint64_t parcel = 0;
  if (size < 1 + sizeof(parcel)) return {};
  std::memcpy(&parcel, event + 1, sizeof(parcel));
  if (parcel == 0) return {};
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = parcels_.find(parcel);
  if (it == parcels_.end()) return {};
  Buffers buffers = std::move(it->second);
  parcels_.erase(it);
  return buffers;
}

void EventQueue::Close() {
  std::optional<Completer<ByteBuffer>> receiver;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return;
    closed_ = true;
    receiver = std::move(waiting_);
    waiting_.reset();
  }
  if (receiver.has_value()) receiver->Complete(BatchOf(ClosedEvent()));
}

Future<ByteBuffer> EventQueue::Receive(OpState& state) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!events_.empty()) {
    std::vector<uint8_t> batch;
    while (!events_.empty() && (batch.empty() || batch.size() + events_.front().size() <=
                                                       kMaxBatchBytes)) {
      AppendToBatch(batch, events_.front());
      events_.pop_front();
    }
    // The end, too, when nothing more can come.
    if (events_.empty() && closed_) AppendToBatch(batch, ClosedEvent());
    return ByteBuffer(std::move(batch));
  }
  if (closed_) return BatchOf(ClosedEvent());
  if (waiting_.has_value()) {
    return absl::FailedPreconditionError("a receive of this worker's events is pending already");
  }
  auto [future, completer] = MakeFuture<ByteBuffer>(state);
  waiting_.emplace(std::move(completer));
  return std::move(future);
}

void WorkerLink::Terminate() {
  std::lock_guard<std::mutex> lock(mutex_);
  terminated_ = true;
  if (runtime_ != nullptr) runtime_->Terminate();
}

bool WorkerLink::terminated() {
  std::lock_guard<std::mutex> lock(mutex_);
  return terminated_;
}

bool WorkerLink::Attach(Runtime* runtime) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (terminated_) return false;
  runtime_ = runtime;
  return true;
}

void WorkerLink::Detach() {
  std::lock_guard<std::mutex> lock(mutex_);
  runtime_ = nullptr;
}

WorkerHandle::WorkerHandle() : link_(std::make_shared<WorkerLink>()) {}

WorkerHandle::~WorkerHandle() {
  link_->Terminate();
  link_->to_worker.Close();
  if (thread_.joinable()) thread_.join();
  link_->to_parent.Close();
}

absl::Status WorkerHandle::Start(WorkerStart start) {
  if (thread_.joinable()) return absl::FailedPreconditionError("the worker has started already");
  start.options.loop = nullptr;
  thread_ = std::thread(RunWorker, link_, std::move(start));
  return absl::OkStatus();
}

WorkerScopeState::~WorkerScopeState() {
  // The worker's runtime is going away: its pending receive settles (and is dropped) now.
  if (link != nullptr) link->to_worker.Close();
}

}  // namespace kiln::worker
