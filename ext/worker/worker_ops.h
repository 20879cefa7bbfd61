// The ops of dedicated workers (worker.js; README.md). "Parent" ops work on a Worker's
// resource in the runtime that made it; "scope" ops are the worker's own, in its runtime.
#ifndef KILN_EXT_WORKER_WORKER_OPS_H_
#define KILN_EXT_WORKER_WORKER_OPS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ops/bytes.h"
#include "ops/future.h"
#include "ops/op.h"
#include "ops/op_state.h"
#include "ops/resource.h"

namespace kiln::worker {

// new Worker(): the worker's resource, its queues ready (messages posted before it starts
// wait), its thread not started.
KILN_OP() kiln::ResourceId op_worker_create(kiln::OpState& state);

// Starts the worker's thread with a runtime made like this one (the same extensions,
// snapshot, module loader and heap limit). Its script, named `url`: `source` when
// `fetched` (the parent fetched it), else the file of a file: URL, else (a module only)
// what the module loader gives for `url`. A module when `module`.
KILN_OP() absl::Status op_worker_start(kiln::OpState& state, kiln::ResourceId rid,
                                       std::string url, std::string source, bool fetched,
                                       bool module, std::string name);

// worker.postMessage(message, transfer): the message serialized now (a DataCloneError is
// thrown here, made with `dom_exception`) and queued for the worker. Returns undefined, or
// an empty handle with the exception pending.
KILN_OP(nofast) absl::StatusOr<v8::Local<v8::Value>> op_worker_post(
    kiln::OpState& state, v8::Isolate* isolate, kiln::ResourceId rid,
    v8::Local<v8::Value> message, v8::Local<v8::Value> transfer,
    v8::Local<v8::Value> dom_exception);

// The worker's next events for its Worker object, in a batch (worker_link.h: EventKind,
// EventQueue::Receive).
KILN_OP() kiln::Future<kiln::ByteBuffer> op_worker_receive(kiln::OpState& state,
                                                          kiln::ResourceId rid);

// worker.terminate(): stops the worker's JavaScript now. Its events end with kClosed once
// its thread is done.
KILN_OP() absl::Status op_worker_terminate(kiln::OpState& state, kiln::ResourceId rid);

// The value of a kMessage event the Worker received (`event`: the whole event, kind byte
// first), or an empty handle with the exception pending (worker.js fires `messageerror`).
KILN_OP(nofast) absl::StatusOr<v8::Local<v8::Value>> op_worker_read_message(
    kiln::OpState& state, v8::Isolate* isolate, kiln::ResourceId rid, kiln::ByteView event,
    v8::Local<v8::Value> dom_exception);

// The URL relative worker script URLs resolve against: the current directory, as a
// file: URL ending in "/" (as Node's Worker resolves relative paths).
KILN_OP() std::string op_worker_base_url();

// In a worker's runtime: postMessage() to the parent.
KILN_OP(nofast) absl::StatusOr<v8::Local<v8::Value>> op_worker_scope_post(
    kiln::OpState& state, v8::Isolate* isolate, v8::Local<v8::Value> message,
    v8::Local<v8::Value> transfer, v8::Local<v8::Value> dom_exception);

// In a worker's runtime: the parent's next events for it (kMessage or kClosed), in a batch.
KILN_OP() kiln::Future<kiln::ByteBuffer> op_worker_scope_receive(kiln::OpState& state);

// In a worker's runtime: the value of a kMessage event from the parent, as
// op_worker_read_message.
KILN_OP(nofast) absl::StatusOr<v8::Local<v8::Value>> op_worker_scope_read_message(
    kiln::OpState& state, v8::Isolate* isolate, kiln::ByteView event,
    v8::Local<v8::Value> dom_exception);

// In a worker's runtime: close() takes no more messages from the parent...
KILN_OP() absl::Status op_worker_scope_close(kiln::OpState& state);
// ... and, a task later, ends the worker (its runtime is terminated).
KILN_OP() absl::Status op_worker_scope_end(kiln::OpState& state);

}  // namespace kiln::worker

#endif  // KILN_EXT_WORKER_WORKER_OPS_H_
