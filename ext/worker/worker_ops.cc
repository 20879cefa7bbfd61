#include "ext/worker/worker_ops.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/file_util.h"
#include "core/runtime.h"
#include "core/v8_util.h"
#include "ext/web/structured_clone_v8.h"
#include "ext/worker/worker_link.h"

namespace kiln::worker {
namespace {

absl::StatusOr<WorkerLink*> LinkOf(OpState& state) {
  WorkerScopeState* scope = state.extension_state<WorkerScopeState>();
  if (scope == nullptr || scope->link == nullptr) {
    return absl::FailedPreconditionError("not in a worker");
  }
  return scope->link.get();
}

// The link of the Worker whose resource is `rid`, in the runtime that made it.
absl::StatusOr<WorkerLink*> LinkOf(OpState& state, ResourceId rid) {
  absl::StatusOr<WorkerHandle*> handle = state.resources().Get<WorkerHandle>(rid);
  if (!handle.ok()) return handle.status();
  return &(*handle)->link();
}

// Serializes `message` for another runtime and pushes it onto `queue`.
absl::StatusOr<v8::Local<v8::Value>> Post(v8::Isolate* isolate, EventQueue& queue,
                                          v8::Local<v8::Value> message,
                                          v8::Local<v8::Value> transfer,
                                          v8::Local<v8::Value> dom_exception) {
  std::optional<web::Message> serialized =
      web::SerializeMessage(isolate, message, transfer, dom_exception);
  if (!serialized.has_value()) return v8::Local<v8::Value>();  // the exception is pending
  queue.PushMessage(std::move(*serialized));  // dropped when the other side is gone (HTML)
  return v8::Undefined(isolate).As<v8::Value>();
}

// The value of the kMessage event `event`, which `queue` delivered.
v8::Local<v8::Value> ReadMessage(v8::Isolate* isolate, EventQueue& queue, ByteView event,
                                 v8::Local<v8::Value> dom_exception) {
  constexpr size_t kHeader = 1 + sizeof(uint64_t);
  if (event.size < kHeader || event.data[0] != static_cast<uint8_t>(EventKind::kMessage)) {
    isolate->ThrowException(v8::Exception::TypeError(
        Utf8String(isolate, "reading a worker's message: the event is not a message")));
    return {};
  }
  Buffers buffers = queue.TakeParcel(event.data, event.size);
  v8::Local<v8::Value> value;
  if (!web::DeserializeMessage(isolate, event.data + kHeader, event.size - kHeader, buffers,
                               dom_exception)
           .ToLocal(&value)) {
    return {};
  }
  return value;
}

}  // namespace

ResourceId op_worker_create(OpState& state) {
  return state.resources().Add(std::make_unique<WorkerHandle>());
}

absl::Status op_worker_start(OpState& state, ResourceId rid, std::string url, std::string source,
                             bool fetched, bool module, std::string name) {
  absl::StatusOr<WorkerHandle*> handle = state.resources().Get<WorkerHandle>(rid);
  if (!handle.ok()) return handle.status();
  Runtime* runtime = Runtime::From(state.isolate());
  if (runtime == nullptr) return absl::FailedPreconditionError("no runtime");
  WorkerStart start;
  start.options = runtime->options();
  if (!fetched && absl::StartsWith(url, "file:")) start.path = FileUrlToPath(url);
  if (!fetched && start.path.empty() && !module) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a classic worker's script comes from a file or a fetchable URL, not ", url));
  }
  start.url = std::move(url);
  start.fetched = fetched;
  start.source = std::move(source);
  start.module = module;
  start.name = std::move(name);
  return (*handle)->Start(std::move(start));
}

absl::StatusOr<v8::Local<v8::Value>> op_worker_post(OpState& state, v8::Isolate* isolate,
                                                    ResourceId rid, v8::Local<v8::Value> message,
                                                    v8::Local<v8::Value> transfer,
                                                    v8::Local<v8::Value> dom_exception) {
  absl::StatusOr<WorkerLink*> link = LinkOf(state, rid);
  if (!link.ok()) return link.status();
  return Post(isolate, (*link)->to_worker, message, transfer, dom_exception);
}

Future<ByteBuffer> op_worker_receive(OpState& state, ResourceId rid) {
  absl::StatusOr<WorkerLink*> link = LinkOf(state, rid);
  if (!link.ok()) return link.status();
  return (*link)->to_parent.Receive(state);
}

absl::Status op_worker_terminate(OpState& state, ResourceId rid) {
  absl::StatusOr<WorkerLink*> link = LinkOf(state, rid);
  if (!link.ok()) return link.status();
  (*link)->Terminate();
  (*link)->to_worker.Close();
  return absl::OkStatus();
}

absl::StatusOr<v8::Local<v8::Value>> op_worker_read_message(OpState& state, v8::Isolate* isolate,
                                                            ResourceId rid, ByteView event,
                                                            v8::Local<v8::Value> dom_exception) {
  absl::StatusOr<WorkerLink*> link = LinkOf(state, rid);
  if (!link.ok()) return link.status();
  return ReadMessage(isolate, (*link)->to_parent, event, dom_exception);
}

std::string op_worker_base_url() {
  std::string url = PathToFileUrl(AbsolutePath("."));
  if (url.empty() || url.back() != '/') url.push_back('/');
  return url;
}

absl::StatusOr<v8::Local<v8::Value>> op_worker_scope_post(OpState& state, v8::Isolate* isolate,
                                                          v8::Local<v8::Value> message,
                                                          v8::Local<v8::Value> transfer,
                                                          v8::Local<v8::Value> dom_exception) {
  absl::StatusOr<WorkerLink*> link = LinkOf(state);
  if (!link.ok()) return link.status();
  return Post(isolate, (*link)->to_parent, message, transfer, dom_exception);
}

Future<ByteBuffer> op_worker_scope_receive(OpState& state) {
  absl::StatusOr<WorkerLink*> link = LinkOf(state);
  if (!link.ok()) return link.status();
  return (*link)->to_worker.Receive(state);
}

absl::StatusOr<v8::Local<v8::Value>> op_worker_scope_read_message(
    OpState& state, v8::Isolate* isolate, ByteView event, v8::Local<v8::Value> dom_exception) {
  absl::StatusOr<WorkerLink*> link = LinkOf(state);
  if (!link.ok()) return link.status();
  return ReadMessage(isolate, (*link)->to_worker, event, dom_exception);
}

absl::Status op_worker_scope_close(OpState& state) {
  absl::StatusOr<WorkerLink*> link = LinkOf(state);
  if (!link.ok()) return link.status();
  (*link)->to_worker.Close();
  return absl::OkStatus();
}

absl::Status op_worker_scope_end(OpState& state) {
  absl::StatusOr<WorkerLink*> link = LinkOf(state);
  if (!link.ok()) return link.status();
  (*link)->Terminate();
  return absl::OkStatus();
}

}  // namespace kiln::worker
