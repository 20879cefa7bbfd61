#ifndef KILN_CORE_RUNTIME_H_
#define KILN_CORE_RUNTIME_H_

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/array_buffer_allocator.h"
#include "core/extension.h"
#include "core/js_error.h"
#include "core/js_value.h"
#include "core/op_support.h"
#include "core/snapshot.h"
#include "ops/op_host.h"
#include "ops/op_state.h"
#include "uv.h"
#include "v8.h"

namespace kiln {

class CodeCache;
class ModuleLoader;
class ModuleMap;
struct CallOptions;
namespace internal {
class CallArguments;
class CallResult;
struct CallTarget;
}  // namespace internal

struct RuntimeOptions {
  // Script arguments, visible to JavaScript as `kiln.args`.
  std::vector<std::string> args;
  // An event loop owned by the embedder. When null the runtime creates and owns one. An
  // embedder's loop must outlive the runtime and is never closed by it.
  uv_loop_t* loop = nullptr;
  // Extensions to install besides the core one (core/extension.h), in any order: they
  // are loaded in the order their dependencies give. Not owned; they must outlive the
  // runtime (typically static).
  std::vector<const Extension*> extensions;
  // A startup snapshot (kiln_snapshot() in //:defs.bzl) holding the core extension and
  // some of `extensions` already evaluated. Extensions it does not hold are loaded from
  // source on top of it. Not used (with a one-line note on stderr) when it cannot serve
  // these extensions: it was made with a different set of op tables, or it holds an
  // extension not listed here. Null: everything is loaded from source.
  const Snapshot* snapshot = nullptr;
  // Tests of an embedder's own ops: `kiln.ops` holds every installed op. Off by
  // default: user code cannot reach ops (they are imported from "ext:core/ops", which
  // only extension modules can import).
  bool expose_ops = false;
  // Counts the fast and slow calls of every op (Runtime::op_metrics). Bindings are then
  // counting copies; such a runtime loads everything from source.
  bool op_metrics = false;
  // Where ES modules come from (core/module_loader.h). Null: files (FileModuleLoader).
  // May be shared by runtimes; then it must be thread-safe.
  std::shared_ptr<ModuleLoader> module_loader;
  // V8 code cache for the modules the loader gives (core/code_cache.h); thread-safe, share
  // one between runtimes that load the same modules. Null: no code cache.
  std::shared_ptr<CodeCache> code_cache;
  // The JavaScript heap's limit in MiB (0: V8's default, which depends on the machine's
  // memory). Exceeding it stops the script with a HeapLimitError instead of V8's fatal
  // out-of-memory abort; the runtime is unusable afterwards (Runtime::heap_limit_exceeded)
  // and must be destroyed, the process goes on. ArrayBuffer contents count against it too.
  size_t max_heap_size_mb = 0;
};

// One JavaScript world: an isolate, a context with kiln's globals (console, kiln, self)
// and a libuv loop. Not thread-safe: use a runtime from one thread at a time. Any number
// of runtimes may exist at once on one thread; every public method enters its own
// isolate, so callers need no V8 scopes of their own.
//
// Errors never escape as C++ exceptions: JavaScript exceptions (and host failures such as
// a missing file) come back as JsError values, and the runtime stays usable.
class Runtime : private OpHost {
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
  // The options this runtime was made with (a worker's runtime is made like its parent's).
  const RuntimeOptions& options() const { return options_; }

  enum class ScriptKind { kByExtension, kClassic, kModule, kCommonJs };

  // What `kiln run` does: runs `path` (.mjs as an ES module, .cjs as a CommonJS module,
  // .js as a classic script, unless `kind` says otherwise), then the event loop until no
  // work is left. Fails when the script throws, a rejection goes unhandled, or a
  // top-level await never settles.
  Result<void> RunMainFile(const std::string& path, ScriptKind kind = ScriptKind::kByExtension);

  // Evaluates a classic script file or an ES module file (and its imports) without
  // running the event loop. A module's top-level await may still be pending afterwards.
  Result<void> ExecuteScriptFile(const std::string& path);
  Result<void> ExecuteModuleFile(const std::string& path);
  // Runs a CommonJS module file (core/commonjs.h) as the main module (require.main),
  // without running the event loop.
  Result<void> ExecuteCommonJsFile(const std::string& path);

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

  // Stops the JavaScript this runtime runs now: callable from any thread at any time.
  // The public call in progress (Eval, RunEventLoop, ...; also one waiting in the loop
  // for a timer or I/O) returns the JsError {class_name "Terminated", message "execution
  // terminated"} and runs no more JavaScript. Once that call has returned, the runtime is
  // usable again. With no call in progress (idle) or after Shutdown it does nothing.
  void Terminate();
  // Whether RuntimeOptions::max_heap_size_mb was exceeded. Every later call then returns
  // the HeapLimitError ("JavaScript heap limit of <N> MiB exceeded"); destroy the runtime.
  bool heap_limit_exceeded() const { return heap_limit_exceeded_.load(); }
  // The error a terminated call returns: the HeapLimitError once the heap limit was hit,
  // else Terminated.
  JsError TerminationError() const;

  // Marks a public call in progress, which Terminate() acts on; the outermost one cancels
  // a termination once the JavaScript stack has unwound. Every public method opens one;
  // code built on Runtime that runs JavaScript itself (entering the isolate on its own)
  // opens one around it and, when the JavaScript failed with TerminationRequested(),
  // returns TerminationError().
  class CallScope {
   public:
    explicit CallScope(const Runtime* runtime);
    ~CallScope();
    CallScope(const CallScope&) = delete;
    CallScope& operator=(const CallScope&) = delete;

   private:
    const Runtime* runtime_;
  };
  // Terminate() (or the heap limit) stopped the call in progress: no JavaScript may run
  // until it returns.
  bool TerminationRequested() const { return termination_->requested.load(); }

  // Formats a value like console.log would.
  std::string Inspect(v8::Local<v8::Value> value);

  // Tears the runtime down: disposes the isolate and closes the loop (if owned). Returns an
  // error naming any uv handle that was still open. Called by the destructor if needed.
  absl::Status Shutdown();

  // --- Modules and calls for embedders (core/call.h has the call templates) ---

  // Loads, links and evaluates the module `specifier` names (resolved by the module loader
  // from the top level: "./lib.js", "/abs/lib.js", a URL, a name the InMemoryModuleLoader
  // knows), drives the loop until its top-level await settles, and returns it. A module
  // already loaded is returned again without being evaluated again. A load, link or
  // evaluation error, or a rejected top-level await, is the JsError.
  Result<JsModule> LoadModule(std::string_view specifier);
  // The same for `source` as the module at `url` (an absolute URL, or a specifier resolved
  // like LoadModule's): its imports resolve against that URL.
  Result<JsModule> LoadModuleFromSource(std::string_view url, std::string_view source);
  // A module export (JsError "TypeError: The requested module '<url>' does not provide an
  // export named '<name>'" when it is missing).
  Result<JsValue> GetExport(const JsModule& module, std::string_view name);
  // Holds `value` for the host (runtime's thread, inside the runtime's scopes).
  JsValue Hold(v8::Local<v8::Value> value);
  // Typed calls (core/call.h): arguments and result through the ops' Converter traits.
  template <typename R = void, typename... Args>
  Result<R> Call(const JsFunction& function, Args&&... args);
  template <typename R = void, typename... Args>
  Result<R> Call(const CallOptions& options, const JsFunction& function, Args&&... args);
  template <typename R = void, typename... Args>
  Result<R> CallExport(const JsModule& module, std::string_view name, Args&&... args);
  template <typename R = void, typename... Args>
  Result<R> CallExport(const CallOptions& options, const JsModule& module,
                       std::string_view name, Args&&... args);
  // The untyped call the templates build on: calls the function `target` names with the
  // arguments `arguments` makes, drives the loop while the result is a pending promise,
  // and hands the settled value to `result`.
  Result<void> CallWith(const internal::CallTarget& target, internal::CallArguments& arguments,
                        internal::CallResult& result, const CallOptions& options);
  // The host-held values of this runtime (core/js_value.h).
  const std::shared_ptr<HandleRegistry>& handles() const { return handles_; }
  ModuleMap* module_map() const { return modules_.get(); }
  OpState& op_state() { return *op_state_; }
  // Whether this runtime was deserialised from RuntimeOptions::snapshot.
  bool from_snapshot() const { return from_snapshot_; }
  // How often op `name` ran on each tier (RuntimeOptions::op_metrics), or null.
  const OpCallCounts* op_metrics(std::string_view name) const;
  // Every op's counts (RuntimeOptions::op_metrics), or null.
  const OpMetrics* all_op_metrics() const { return op_metrics_.get(); }

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
  friend absl::StatusOr<std::string> CreateSnapshot(std::vector<const Extension*> extensions);
  friend absl::StatusOr<std::string> CreateSnapshot(
      RuntimeOptions options, const std::function<Result<void>(Runtime&)>& setup);
  friend class ModuleMap;  // a failed lazy module's rejection is not an unhandled one
  using SnapshotSetup = std::function<Result<void>(Runtime&)>;
  static absl::StatusOr<std::string> MakeSnapshot(RuntimeOptions options,
                                                  const SnapshotSetup* setup);

  explicit Runtime(RuntimeOptions options);
  absl::Status Initialize(bool for_snapshot);
  std::string UseSnapshot(const Snapshot& snapshot, v8::StartupData* blob);
  absl::Status CloseLoopAndIsolate();
  void ReleaseHandles();
  absl::Status Bootstrap(const std::vector<const Extension*>& extensions);
  absl::Status AttachToSnapshot();
  void RegisterModules(const std::vector<const Extension*>& extensions);
  absl::Status LoadExtensions(const std::vector<const Extension*>& extensions);
  absl::Status InstallOps(const std::vector<const Extension*>& extensions);
  absl::Status EvaluateExtensionModule(const std::string& specifier);
  absl::Status MakeOpsModule();
  absl::Status AttachRuntime();
  absl::Status BindOpSupport();
  absl::Status SerializeInto(v8::SnapshotCreator* creator);
  // Snapshots of an embedder's setup: what the setup left that a snapshot cannot hold
  // (an error, pending work, host handles, open resources, an unsettled top-level await),
  // and, on a runtime made from such a snapshot, its modules put back into the map.
  absl::Status CheckSetupCanBeSnapshotted();
  absl::Status AttachSnapshotLoaderModules();
  v8::Local<v8::Object> internals() const;
  void DeliverAsyncCompletions();
  void PerformMicrotaskCheckpoint();
  // Whether a module in module_evaluations_ has settled its top-level await.
  bool AnyModuleEvaluationSettled();
  void RecordUncaughtError(JsError error);
  // The web platform's last word on an uncaught exception or an unhandled rejection: calls
  // the hook an extension set on `internals` (`onUncaughtError(error, message, filename,
  // lineno, colno)` / `onUnhandledRejection(promise, reason)`, which dispatch `error` /
  // `unhandledrejection` on globalThis); true when a listener handled it.
  bool HandledByErrorEvent(v8::Local<v8::Context> context, v8::Local<v8::Value> exception,
                           v8::Local<v8::Message> message);
  bool HandledByRejectionEvent(v8::Local<v8::Context> context, v8::Local<v8::Promise> promise,
                               v8::Local<v8::Value> reason);
  bool CallErrorHook(v8::Local<v8::Context> context, const char* name, int argc,
                     v8::Local<v8::Value>* argv);
  // An uncaught exception: the error event, then (unhandled) the runtime's uncaught error.
  void UncaughtException(v8::Local<v8::Context> context, v8::Local<v8::Value> exception,
                         v8::Local<v8::Message> message);
  Result<void> TakePendingError();
  // Evaluates a linked module for LoadModule*: drives the loop until its top-level await
  // settles.
  Result<JsModule> EvaluateForHost(v8::Local<v8::Context> context, v8::Local<v8::Module> module);
  // Runs the loop until `promise` settles or the loop has nothing left that could settle
  // it ("<what> never settled"). A Terminate() (a call's timeout) ends it too.
  Result<void> DriveUntilSettled(v8::Local<v8::Promise> promise, std::string_view what);
  // Loads a module graph for a host call: `fetch_root` (ModuleMap::FetchEntry or
  // CompileSource) again and again while the loop runs, until every module of the graph
  // is loaded (asynchronous loaders), then links it. On failure returns false with
  // `*error` set.
  bool LoadGraph(v8::Local<v8::Context> context,
                 const std::function<v8::MaybeLocal<v8::Module>()>& fetch_root,
                 std::string_view what, v8::Local<v8::Module>* module, JsError* error);
  // CallWith inside the runtime's scopes.
  Result<void> CallInScope(v8::Local<v8::Context> context, const internal::CallTarget& target,
                           internal::CallArguments& arguments, internal::CallResult& result,
                           std::string* what);

  // OpHost
  bool CallMacrotask(v8::Local<v8::Function> function, int argc, v8::Local<v8::Value>* argv,
                     v8::Local<v8::Value>* result) override;
  bool RunMicrotasks() override;
  void ReportUncaughtError(v8::Local<v8::Value> exception) override;
  v8::MaybeLocal<v8::Value> GetInternal(std::string_view name) override;
  // Takes `promise` off unhandled_rejections_; false when it was not there (its
  // `unhandledrejection` event was dispatched already).
  bool ForgetUnhandledRejection(v8::Local<v8::Promise> promise);
  static void OnPromiseReject(v8::PromiseRejectMessage message);
  static void OnUncaughtMessage(v8::Local<v8::Message> message, v8::Local<v8::Value> exception);
  static void OnTurnEnd(uv_check_t* handle);
  // V8's WebAssembly streaming callback (compileStreaming, instantiateStreaming): hands
  // the argument and the compile job (a WasmStreamingResource) to internals.wasmStreaming.
  static void OnWasmStreaming(const v8::FunctionCallbackInfo<v8::Value>& info);
  // Termination and the heap limit.
  static void OnTerminationWakeup(uv_async_t* handle);
  static size_t OnNearHeapLimit(void* data, size_t current_heap_limit, size_t initial_heap_limit);
  static void OnOutOfMemory(const char* location, bool is_heap_oom);
  static void CheckExternalMemory(v8::Isolate* isolate, v8::GCType type,
                                  v8::GCCallbackFlags flags, void* data);
  void RecordTermination();
  // V8's foreground tasks and background work (the event loop).
  void FlushPlatformTasks();
  void KeepAliveForBackgroundWork();
  static void OnBackgroundKeepAlive(uv_timer_t* handle);
  void HeapLimitReached();

  // What Terminate() (any thread) shares with the runtime's own thread. The mutex guards
  // `isolate` (null once shut down) and the wakeup handle's life; `active_calls` counts
  // open CallScopes.
  struct Termination {
    std::mutex mutex;
    v8::Isolate* isolate = nullptr;
    uv_async_t wakeup;
    int active_calls = 0;
    std::atomic<bool> requested{false};
  };

  RuntimeOptions options_;
  std::unique_ptr<Termination> termination_ = std::make_unique<Termination>();
  std::atomic<bool> heap_limit_exceeded_{false};
  int heap_limit_raises_ = 0;  // OnNearHeapLimit
  CountingAllocatorPtr allocator_;
  v8::Isolate* isolate_ = nullptr;
  v8::Global<v8::Context> context_;
  std::unique_ptr<ModuleMap> modules_;
  std::shared_ptr<HandleRegistry> handles_;
  std::unique_ptr<AsyncOps> async_ops_;
  std::unique_ptr<RuntimeOpState> op_state_;
  // The fast-call outcome's buffer (FastCallOutcome; an Int32Array the op glue reads).
  std::shared_ptr<v8::BackingStore> fast_call_outcome_store_;
  PropertyKeyCache property_keys_;  // isolate data slot kIsolateSlotPropertyKeys
  // Installed extensions (core first) in load order, and which of them the snapshot held.
  std::vector<const Extension*> extensions_;
  size_t snapshot_extension_count_ = 0;
  bool from_snapshot_ = false;
  bool joined_shared_heap_ = false;  // counted among the process's live isolates
  std::unique_ptr<v8::SnapshotCreator> snapshot_creator_;  // CreateSnapshot only
  // The base a snapshot creator starts from (V8 keeps a pointer to it).
  v8::StartupData snapshot_creator_base_{nullptr, 0};
  // From a snapshot of an embedder's setup: its non-ext: modules (URL, type, the index of
  // their snapshot data) and main module, from the snapshot's header.
  struct SnapshotLoaderModule {
    size_t data_index = 0;
    bool json = false;
    std::string url;
  };
  std::vector<SnapshotLoaderModule> snapshot_loader_modules_;
  std::string snapshot_main_url_;
  // The snapshot's code caches of the extension modules it does not hold (its lazy
  // modules), by specifier; the bytes are the snapshot's.
  absl::flat_hash_map<std::string, std::string_view> builtin_code_caches_;
  uint64_t snapshot_fingerprint_ = 0;
  // V8 keeps a pointer to the external references for the isolate's lifetime.
  std::vector<intptr_t> external_references_;
  std::unique_ptr<OpMetrics> op_metrics_;
  // Counting bindings: (op, counts) pairs their function data points at.
  std::deque<std::pair<const OpDescriptor*, OpCallCounts*>> counted_ops_;

  uv_loop_t owned_loop_;
  uv_loop_t* loop_ = nullptr;
  // Runs at the end of every loop iteration: microtask checkpoint, rejection check.
  uv_check_t turn_end_;
  // Ref'd and running only while V8 has background work that will settle a promise.
  uv_timer_t background_keep_alive_;
  bool shut_down_ = false;

  // Rejected promises without a handler, in rejection order, until the next check.
  std::vector<std::pair<v8::Global<v8::Promise>, v8::Global<v8::Value>>> unhandled_rejections_;
  // Rejected promises that got a handler after their `unhandledrejection` event: each gets
  // a `rejectionhandled` event (internals.onRejectionHandled) at the next checkpoint's end.
  std::vector<v8::Global<v8::Promise>> handled_after_report_;
  // Evaluation promises of modules whose top-level await has not settled yet.
  std::vector<v8::Global<v8::Promise>> module_evaluations_;
  // The last module run by ExecuteModuleFile: RunMainFile reports it if still pending.
  v8::Global<v8::Promise> main_module_evaluation_;
  std::optional<JsError> pending_error_;
  bool in_error_hook_ = false;  // CallErrorHook is running a hook
};

// Makes a snapshot of an embedder's setup, at run time: a runtime made with `options`
// (from `options.snapshot` when it can serve them, else from source) runs `setup` (load a
// bundle through the options' module loader, define globals, ...), then its context is
// serialised with the modules the setup evaluated kept in its module map. A runtime made
// with the same extensions and module loader and `RuntimeOptions::snapshot` pointing at
// the bytes starts with those modules evaluated: LoadModule and imports of them find them
// without loading or evaluating again. Fails, naming what is wrong, when the setup fails or
// leaves what a snapshot cannot hold: an uncaught error, pending async ops, timers or other
// active handles, open resources, host handles (JsValue, JsFunction, JsModule) still held,
// a top-level await not settled. Needs `options.loop` null and `op_metrics` off.
// docs/embedding.md says what can and cannot go into such a snapshot.
absl::StatusOr<std::string> CreateSnapshot(RuntimeOptions options,
                                           const std::function<Result<void>(Runtime&)>& setup);

}  // namespace kiln

#endif  // KILN_CORE_RUNTIME_H_
