#ifndef KILN_CORE_RUNTIME_H_
#define KILN_CORE_RUNTIME_H_

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/extension.h"
#include "core/js_error.h"
#include "core/op_support.h"
#include "ops/op_state.h"
#include "uv.h"
#include "v8.h"

namespace kiln {

class ModuleLoader;

struct RuntimeOptions {
  // Script arguments, visible to JavaScript as `kiln.args`.
  std::vector<std::string> args;
  // An event loop owned by the embedder. When null the runtime creates and owns one. An
  // embedder's loop must outlive the runtime and is never closed by it.
  uv_loop_t* loop = nullptr;
  // Extensions whose ops appear on `kiln.ops`, after kiln's built-in ones. Not owned;
  // they must outlive the runtime (typically static).
  std::vector<const Extension*> extensions;
};

// One JavaScript world: an isolate, a context with kiln's globals (console, kiln, self)
// and a libuv loop. Not thread-safe: use a runtime from one thread at a time. Any number
// of runtimes may exist at once on one thread; every public method enters its own
// isolate, so callers need no V8 scopes of their own.
//
// Errors never escape as C++ exceptions: JavaScript exceptions (and host failures such as
// a missing file) come back as JsError values, and the runtime stays usable.
class Runtime {
 public:
  // Fails only if the bootstrap JavaScript fails, which is a bug in kiln.
  static absl::StatusOr<std::unique_ptr<Runtime>> Create(RuntimeOptions options = {});
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // The runtime that owns `isolate`, for callbacks that only receive the isolate.
  static Runtime* From(v8::Isolate* isolate);

  v8::Isolate* isolate() const { return isolate_; }
  v8::Local<v8::Context> context() const;
  uv_loop_t* loop() const { return loop_; }
  const std::vector<std::string>& args() const { return options_.args; }

  enum class ScriptKind { kByExtension, kClassic, kModule };

  // What `kiln run` does: runs `path` (.mjs as an ES module, .js/.cjs as a classic script
  // unless `kind` says otherwise), then the event loop until no work is left. Fails when
  // the script throws, a rejection goes unhandled, or a top-level await never settles.
  Result<void> RunMainFile(const std::string& path, ScriptKind kind = ScriptKind::kByExtension);

  // Evaluates a classic script file or an ES module file (and its imports) without
  // running the event loop. A module's top-level await may still be pending afterwards.
  Result<void> ExecuteScriptFile(const std::string& path);
  Result<void> ExecuteModuleFile(const std::string& path);

  // Evaluates `source` as a classic script named `name` and returns its completion value.
  Result<v8::Global<v8::Value>> Eval(std::string_view source, std::string_view name = "[eval]");
  // Eval, then formats the value like console.log would ("1", "'text'", "{ a: 1 }").
  Result<std::string> EvalToString(std::string_view source, std::string_view name = "[eval]");

  // Runs the uv loop and V8's platform tasks until nothing is left to do, with a
  // microtask checkpoint and an unhandled-rejection check at the end of every turn. Stops
  // at the first uncaught error or unhandled rejection and returns it.
  Result<void> RunEventLoop();

  // For embedders that drive the loop themselves: one libuv iteration (blocking for I/O
  // and timers when `wait` and something is pending, like UV_RUN_ONCE; never blocking
  // otherwise), then the end-of-turn work (async op completions, microtasks, unhandled
  // rejections). Returns whether work remains (HasPendingWork), or the first uncaught
  // error.
  Result<bool> RunEventLoopOnce(bool wait = true);
  // Something would still happen: a ref'd handle or timer, a pending ref'd async op, or
  // completions waiting to be delivered.
  bool HasPendingWork();

  // Formats a value like console.log would.
  std::string Inspect(v8::Local<v8::Value> value);

  // Tears the runtime down: disposes the isolate and closes the loop (if owned). Returns an
  // error naming any uv handle that was still open. Called by the destructor if needed.
  absl::Status Shutdown();

  // --- for core/ and extensions ---

  // Runs microtasks, then turns the first still-unhandled rejection into the pending error.
  void PerformMicrotaskCheckpoint();
  // Calls `function` as one macrotask (a timer callback, an I/O event): an exception it
  // throws becomes the runtime's uncaught error (the loop stops), and a microtask
  // checkpoint follows. Returns false if it threw (or an error was already pending);
  // otherwise `*result` is what it returned.
  bool CallMacrotask(v8::Local<v8::Function> function, int argc, v8::Local<v8::Value>* argv,
                     v8::Local<v8::Value>* result);
  // Records the first uncaught error; the event loop stops at the end of the turn.
  void RecordUncaughtError(JsError error);
  bool has_pending_error() const { return pending_error_.has_value(); }
  ModuleLoader* module_loader() const { return modules_.get(); }
  OpState& op_state() { return *op_state_; }
  // The per-op data of an installed op (its fast/slow call counters), or nullptr.
  const OpContext* FindOp(std::string_view name) const;
  // The object the bootstrap JavaScript (js/) shares with the core.
  v8::Local<v8::Object> internals() const;
  AsyncOps& async_ops() { return *async_ops_; }

  // Tests: start async op ids at `id` (to cross 2^31 and 2^32 quickly), and how many ops
  // are pending in the JS ring, its overflow map, and C++.
  void SetNextAsyncOpIdForTesting(uint32_t id);
  struct AsyncOpCounts {
    uint32_t ring = 0;
    uint32_t overflow = 0;
    size_t native = 0;
  };
  AsyncOpCounts CountAsyncOpsForTesting();

 private:
  explicit Runtime(RuntimeOptions options);
  absl::Status Initialize();
  absl::Status Bootstrap();
  absl::Status InstallOps(v8::Local<v8::Object> ops, v8::Local<v8::Object> async_support);
  absl::Status RunInternalScript(const js::EmbeddedFile& file);
  absl::StatusOr<v8::Local<v8::Function>> CompileOpWrapper(
      const OpDescriptor& op, const std::string& source, std::vector<v8::Local<v8::Value>> argv);
  absl::StatusOr<v8::Local<v8::Function>> WrapAsyncOp(const OpDescriptor& op,
                                                      v8::Local<v8::Function> binding,
                                                      v8::Local<v8::Function> slow_only,
                                                      v8::Local<v8::Int32Array> signal,
                                                      v8::Local<v8::Object> async_support);
  void DeliverAsyncCompletions();
  absl::StatusOr<v8::Local<v8::Function>> WrapFastOp(const OpDescriptor& op,
                                                     v8::Local<v8::Function> fast_binding,
                                                     v8::Local<v8::Function> slow_only,
                                                     v8::Local<v8::Int32Array> failed);
  Result<void> TakePendingError();
  void ForgetUnhandledRejection(v8::Local<v8::Promise> promise);
  static void OnPromiseReject(v8::PromiseRejectMessage message);
  static void OnUncaughtMessage(v8::Local<v8::Message> message, v8::Local<v8::Value> exception);
  static void OnTurnEnd(uv_check_t* handle);

  RuntimeOptions options_;
  std::unique_ptr<v8::ArrayBuffer::Allocator> allocator_;
  v8::Isolate* isolate_ = nullptr;
  v8::Global<v8::Context> context_;
  v8::Global<v8::Object> internals_;
  std::unique_ptr<ModuleLoader> modules_;
  std::unique_ptr<OpState> op_state_;
  std::unique_ptr<AsyncOps> async_ops_;
  // Stable addresses: each op's FunctionTemplate data points at its OpContext.
  std::deque<OpContext> op_contexts_;
  std::shared_ptr<v8::BackingStore> fast_call_failure_flag_;
  PropertyKeyCache property_keys_;  // isolate data slot kIsolateSlotPropertyKeys

  uv_loop_t owned_loop_;
  uv_loop_t* loop_ = nullptr;
  // Runs at the end of every loop iteration: microtask checkpoint, rejection check.
  uv_check_t turn_end_;
  bool shut_down_ = false;

  // Rejected promises without a handler, in rejection order, until the next check.
  std::vector<std::pair<v8::Global<v8::Promise>, v8::Global<v8::Value>>> unhandled_rejections_;
  // Evaluation promises of modules whose top-level await has not settled yet.
  std::vector<v8::Global<v8::Promise>> module_evaluations_;
  // The last module run by ExecuteModuleFile: RunMainFile reports it if still pending.
  v8::Global<v8::Promise> main_module_evaluation_;
  std::optional<JsError> pending_error_;
};

}  // namespace kiln

#endif  // KILN_CORE_RUNTIME_H_
