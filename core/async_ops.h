#ifndef KILN_CORE_ASYNC_OPS_H_
#define KILN_CORE_ASYNC_OPS_H_

// The C++ half of async ops (ops/future.h; the JS half is js/async.js). One per runtime.
//
//   JS stub: id = async.nextId; r = binding(id, ...args)   (a throw -> rejected promise)
//   binding (fast or slow): BeginCall(id, op, converter) -> op body -> Future<T>
//     ready:   returns the value (the stub makes a resolved promise; no bookkeeping)
//     failed:  throws, or on the fast path stores the error and sets the fast-call
//              outcome to kFailed (the stub calls the slow-only binding, which throws it)
//     pending: MakeFuture registered the call (BeginPending); the binding sets the
//              outcome to kPending and the stub puts a promise in the ring under `id`
//   Completer<T> (any thread) -> CompletionChannel (core/completion_channel.h) ->
//     uv_async wakes the loop
//   end of the loop turn: Deliver() drains the channel, writes every result into typed
//     arrays (numbers, booleans and undefined need no JS allocation) and calls
//     internals.settleAsyncOps(count, ids, kinds, numbers, objects) once
//
// The outcome is the runtime's FastCallOutcome int32 (core/op_support.h), the Int32Array
// the op glue reads: 0 = a value, 1 = a fast call failed, 2 = pending.
//
// Pending ops keep the loop alive: the uv_async handle is ref'd while any ref'd op is
// pending (Unref exempts one). Every registered op gets exactly one completion (a
// Completer completes, fails or drops once), so pending ops are counted, not stored.
// Everything here runs on the runtime's thread; completers push from any thread.

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "core/completion_channel.h"
#include "ops/future.h"
#include "uv.h"
#include "v8.h"

namespace kiln {

// Told when an async op call goes pending and when its result reaches JavaScript: what op
// metrics (latency, completions, errors) and the test runner's leak checks build on.
// Observers are only called while some are added, so a runtime without any pays one
// emptiness check per registration and per delivered completion. Runtime's thread only.
class AsyncOpObserver {
 public:
  // A call of `op_name` registered pending op `id` (its promise is in the ring).
  virtual void AsyncOpStarted(uint32_t id, const char* op_name) = 0;
  // Op `id`'s completion of `kind` is about to settle its promise.
  virtual void AsyncOpDelivered(uint32_t id, const char* op_name, Completion::Kind kind) = 0;

 protected:
  ~AsyncOpObserver() = default;
};

class AsyncOps final : public PendingRegistrar {
 public:
  AsyncOps(v8::Isolate* isolate, uv_loop_t* loop);
  ~AsyncOps();
  AsyncOps(const AsyncOps&) = delete;
  AsyncOps& operator=(const AsyncOps&) = delete;

  // The JS function that settles a turn's completions (js/async.js).
  void SetJsSide(v8::Local<v8::Function> settle);

  // Around one async op call (generated code): the id the stub assigned, the op's name
  // for errors and how to convert its result type.
  void BeginCall(uint32_t id, const char* op_name, CompletionConverter convert) {
    in_call_ = true;
    call_registered_ = false;
    call_id_ = id;
    call_op_name_ = op_name;
    call_convert_ = convert;
  }
  void EndCall() { in_call_ = false; }
  // MakeFuture inside the op body (through OpState): registers the call as pending.
  PendingRegistration BeginPending() override;
  // MakeFuture registered the call in progress.
  bool call_registered() const { return call_registered_; }
  // The op made a Future pending (MakeFuture) but returned another result: that result
  // is delivered through the ring like a completion, and the made Completer's own
  // completion is dropped when it arrives (it no longer keeps the loop alive either).
  // Registers the result.
  PendingRegistration RegisterReadyResult();

  // Delivers every completion queued so far in one call into JS. Returns false if that
  // call threw (the exception is left in `try_catch` of the caller).
  bool Deliver(v8::Local<v8::Context> context);

  // The pending op `id` no longer keeps the loop alive (or again does). js/async.js only
  // passes ids it holds as pending.
  void Unref(uint32_t id);
  void Ref(uint32_t id);

  // Ops registered and not yet delivered.
  size_t pending_count() const { return pending_count_; }
  bool has_refed_pending() const {
    return pending_count_ > unrefed_.size() + orphaned_.size();
  }
  // Completions are queued (a Deliver would do something).
  bool has_queued_completions();

  // Observers (not owned) are told about every pending op from now on, until removed.
  void AddObserver(AsyncOpObserver* observer);
  void RemoveObserver(AsyncOpObserver* observer);

  // No more completions are accepted; pending ops are forgotten (their promises never
  // settle: the runtime is going away). Closes the uv handle; the loop must run once
  // more for the close to finish.
  void Close();

 private:
  // Typed arrays over one buffer that Deliver writes a batch into: ids (Uint32Array),
  // kinds (Uint8Array, Completion::Kind), numbers (Float64Array: the value, or for
  // kConverted / kError / kDropped the index into the batch's `objects` array).
  struct Batch {
    std::shared_ptr<v8::BackingStore> store;
    size_t capacity = 0;
    uint32_t* ids = nullptr;
    uint8_t* kinds = nullptr;
    double* numbers = nullptr;
    v8::Global<v8::Uint32Array> ids_view;
    v8::Global<v8::Uint8Array> kinds_view;
    v8::Global<v8::Float64Array> numbers_view;
  };
  PendingRegistration Register();
  void EnsureBatchCapacity(size_t count);
  v8::Local<v8::Value> ConvertToJs(Completion& completion);
  void UpdateLoopRef();

  v8::Isolate* isolate_;
  uv_async_t wake_;
  bool closed_ = false;
  bool loop_refed_ = false;
  std::shared_ptr<CompletionChannel> channel_;
  std::vector<Completion> draining_;  // reused between turns (keeps its capacity)
  Batch batch_;
  size_t pending_count_ = 0;
  absl::flat_hash_set<uint32_t> unrefed_;  // pending ops that do not keep the loop alive
  // Ids whose made Completer was superseded by a ready result (RegisterReadyResult).
  absl::flat_hash_set<uint32_t> orphaned_;
  // The call in progress (BeginCall..EndCall).
  bool in_call_ = false;
  bool call_registered_ = false;
  uint32_t call_id_ = 0;
  const char* call_op_name_ = "";
  CompletionConverter call_convert_ = nullptr;
  v8::Global<v8::Function> settle_;
  std::vector<AsyncOpObserver*> observers_;
};

}  // namespace kiln

#endif  // KILN_CORE_ASYNC_OPS_H_
