#ifndef KILN_CORE_ASYNC_OPS_H_
#define KILN_CORE_ASYNC_OPS_H_

// The C++ half of async ops (ops/future.h; the JS half is js/async.js). One per runtime.
//
//   JS stub: id = async.nextId; r = binding(id, ...args)      (throw -> rejected promise)
//   binding: AsyncCallScope(id) -> op body -> Future<T>
//     ready:   returns the value (the stub makes a resolved promise; no bookkeeping)
//     failed:  throws (the stub makes a rejected promise)
//     pending: MakeFuture registered `id`; the binding records how to convert T and
//              returns async.pending; the stub puts a promise in the ring under `id`
//   Completer<T> (any thread) -> CompletionChannel -> uv_async wakes the loop
//   end of the loop turn: Deliver() drains the channel, converts every result and calls
//     internals.settleAsyncOps(ids, values) once
//
// Pending ops keep the loop alive: the uv_async handle is ref'd while any ref'd op is
// pending (Unref exempts one). Everything here runs on the runtime's thread except
// CompletionChannel::Push.

#include <cstdint>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "ops/future.h"
#include "uv.h"
#include "v8.h"

namespace kiln {

class AsyncOps : public AsyncOpHost, public LoopWaker {
 public:
  // Converts a completion's value to JS (generated per result type: ConvertCompletion<T>).
  using ValueConverter = v8::MaybeLocal<v8::Value> (*)(v8::Isolate*, Completion&);

  AsyncOps(v8::Isolate* isolate, uv_loop_t* loop);
  ~AsyncOps() override;
  AsyncOps(const AsyncOps&) = delete;
  AsyncOps& operator=(const AsyncOps&) = delete;

  // The JS side: the object a binding returns for "pending" and the settle function.
  void SetJsSide(v8::Local<v8::Value> pending_marker, v8::Local<v8::Function> settle);
  v8::Local<v8::Value> pending_marker() const;

  // Around one async op call (generated code): the id the stub assigned, and the op's
  // name for errors.
  void BeginCall(uint32_t id, const char* op_name);
  void EndCall();
  // MakeFuture inside the op body: registers the call's id as pending.
  uint32_t BeginPending() override;
  const std::shared_ptr<CompletionChannel>& channel() override { return channel_; }
  // After the op returned a pending Future<T>: how to convert its value.
  void SetConverter(uint32_t id, ValueConverter converter);

  // Delivers every completion queued so far in one call into JS. Returns false if that
  // call threw (the exception is left in `try_catch` of the caller).
  bool Deliver(v8::Local<v8::Context> context);

  // The op of `id` no longer keeps the loop alive (or again does). Unknown ids: false.
  bool Unref(uint32_t id);
  bool Ref(uint32_t id);

  size_t pending_count() const { return pending_.size(); }
  bool has_refed_pending() const { return refed_count_ > 0; }
  // Completions are queued (a Deliver would do something).
  bool has_queued_completions();

  // No more completions are accepted; pending ops are forgotten (their promises never
  // settle: the runtime is going away). Closes the uv handle; the loop must run once
  // more for the close to finish.
  void Close();

  // LoopWaker (any thread).
  void Wake() override;

 private:
  struct PendingOp {
    const char* op_name;
    ValueConverter converter = nullptr;
    bool refed = true;
  };
  void UpdateLoopRef();

  v8::Isolate* isolate_;
  uv_async_t wake_;
  bool closed_ = false;
  std::shared_ptr<CompletionChannel> channel_;
  absl::flat_hash_map<uint32_t, PendingOp> pending_;
  size_t refed_count_ = 0;
  // The call in progress (BeginCall..EndCall).
  bool in_call_ = false;
  uint32_t call_id_ = 0;
  const char* call_op_name_ = "";
  v8::Global<v8::Value> pending_marker_;
  v8::Global<v8::Function> settle_;
};

}  // namespace kiln

#endif  // KILN_CORE_ASYNC_OPS_H_
