#include "core/runtime.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/core_ops.h"
#include "core/file_util.h"
#include "core/internal_natives.h"
#include "core/module_loader.h"
#include "core/v8_platform.h"
#include "core/v8_util.h"
#include "core/version.h"
#include "js/embedded_js.h"

namespace kiln {
namespace {

// Isolate data slot holding the owning Runtime*.
constexpr uint32_t kRuntimeSlot = 0;

// Enters a runtime's isolate and context for the length of a public call.
class RuntimeScope {
 public:
  explicit RuntimeScope(const Runtime* runtime)
      : isolate_scope_(runtime->isolate()),
        handle_scope_(runtime->isolate()),
        context_(runtime->context()),
        context_scope_(context_) {}
  v8::Local<v8::Context> context() const { return context_; }

 private:
  v8::Isolate::Scope isolate_scope_;
  v8::HandleScope handle_scope_;
  v8::Local<v8::Context> context_;
  v8::Context::Scope context_scope_;
};

JsError ErrorFromTryCatch(v8::Isolate* isolate, v8::Local<v8::Context> context,
                          const v8::TryCatch& try_catch) {
  return JsErrorFromException(isolate, context, try_catch.Exception(), try_catch.Message());
}

// A file that cannot be read, in the words node and deno use.
JsError FileError(const std::string& path, const absl::Status& status) {
  if (absl::IsNotFound(status)) {
    return HostError("Error", absl::StrCat("Cannot find module '", path, "'"));
  }
  return HostError("Error", std::string(status.message()));
}

const char* HandleTypeName(uv_handle_t* handle) { return uv_handle_type_name(handle->type); }

}  // namespace

Runtime::Runtime(RuntimeOptions options) : options_(std::move(options)) {}

Runtime* Runtime::From(v8::Isolate* isolate) {
  return static_cast<Runtime*>(isolate->GetData(kRuntimeSlot));
}

v8::Local<v8::Context> Runtime::context() const { return context_.Get(isolate_); }

v8::Local<v8::Object> Runtime::internals() const { return internals_.Get(isolate_); }

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Create(RuntimeOptions options) {
  std::unique_ptr<Runtime> runtime(new Runtime(std::move(options)));
  absl::Status status = runtime->Initialize();
  if (!status.ok()) return status;
  return runtime;
}

absl::Status Runtime::Initialize() {
  InitializeV8();
  if (options_.loop != nullptr) {
    loop_ = options_.loop;
  } else {
    int rc = uv_loop_init(&owned_loop_);
    if (rc != 0) return absl::InternalError(absl::StrCat("uv_loop_init: ", uv_strerror(rc)));
    loop_ = &owned_loop_;
  }
  allocator_.reset(v8::ArrayBuffer::Allocator::NewDefaultAllocator());
  isolate_ = v8::Isolate::Allocate();
  // Registering before Initialize lets V8 post tasks from the start; they run on loop_.
  Platform()->RegisterIsolate(isolate_, loop_);
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator = allocator_.get();
  v8::Isolate::Initialize(isolate_, params);
  isolate_->SetData(kRuntimeSlot, this);
  isolate_->SetData(kIsolateSlotPropertyKeys, &property_keys_);
  isolate_->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
  isolate_->SetPromiseRejectCallback(&Runtime::OnPromiseReject);
  isolate_->AddMessageListenerWithErrorLevel(&Runtime::OnUncaughtMessage,
                                             v8::Isolate::kMessageError);
  ModuleLoader::InstallIsolateCallbacks(isolate_);
  modules_ = std::make_unique<ModuleLoader>(isolate_);
  op_state_ = std::make_unique<OpState>(isolate_);
  async_ops_ = std::make_unique<AsyncOps>(isolate_, loop_);
  op_state_->set_async_host(async_ops_.get());
  op_state_->set_loop(loop_);

  uv_check_init(loop_, &turn_end_);
  turn_end_.data = this;
  uv_check_start(&turn_end_, &Runtime::OnTurnEnd);
  uv_unref(reinterpret_cast<uv_handle_t*>(&turn_end_));

  v8::Isolate::Scope isolate_scope(isolate_);
  v8::HandleScope handle_scope(isolate_);
  context_.Reset(isolate_, v8::Context::New(isolate_));
  return Bootstrap();
}

absl::Status Runtime::Bootstrap() {
  RuntimeScope scope(this);
  v8::Local<v8::Context> context = scope.context();
  v8::Local<v8::Object> internals = v8::Object::New(isolate_);
  internals_.Reset(isolate_, internals);

  v8::Local<v8::Object> native = v8::Object::New(isolate_);
  InstallInternalNatives(isolate_, native);
  // setAsyncOpRef(id, refed): kiln.refOp / kiln.unrefOp (js/kiln.js).
  native
      ->Set(context, OneByteString(isolate_, "setAsyncOpRef"),
            v8::Function::New(context,
                              [](const v8::FunctionCallbackInfo<v8::Value>& info) {
                                Runtime* runtime = Runtime::From(info.GetIsolate());
                                v8::Local<v8::Context> context =
                                    info.GetIsolate()->GetCurrentContext();
                                uint32_t id = info[0]->Uint32Value(context).FromMaybe(0);
                                if (info[1]->IsTrue()) {
                                  runtime->async_ops_->Ref(id);
                                } else {
                                  runtime->async_ops_->Unref(id);
                                }
                                info.GetReturnValue().Set(true);
                              })
                .ToLocalChecked())
      .Check();
  internals->Set(context, OneByteString(isolate_, "native"), native).Check();

  std::vector<v8::Local<v8::Value>> args;
  for (const std::string& arg : options_.args) args.push_back(Utf8String(isolate_, arg));
  internals->Set(context, OneByteString(isolate_, "args"),
                 v8::Array::New(isolate_, args.data(), args.size()))
      .Check();
  v8::Local<v8::Object> versions = v8::Object::New(isolate_);
  versions->Set(context, OneByteString(isolate_, "kiln"), OneByteString(isolate_, kKilnVersion))
      .Check();
  versions->Set(context, OneByteString(isolate_, "v8"), OneByteString(isolate_, v8::V8::GetVersion()))
      .Check();
  internals->Set(context, OneByteString(isolate_, "versions"), versions).Check();

  // Filled after the bootstrap files ran: async op stubs need js/async.js.
  v8::Local<v8::Object> ops = v8::Object::New(isolate_);
  internals->Set(context, OneByteString(isolate_, "ops"), ops).Check();

  for (size_t i = 0; i < js::kBootstrapFileCount; ++i) {
    absl::Status ran = RunInternalScript(js::kBootstrapFiles[i]);
    if (!ran.ok()) return ran;
  }
  v8::Local<v8::Value> error_classes;
  if (internals->Get(context, OneByteString(isolate_, "errorClasses")).ToLocal(&error_classes) &&
      error_classes->IsObject()) {
    context->SetEmbedderData(kContextSlotErrorClasses, error_classes);
  }
  v8::Local<v8::Value> async_support;
  v8::Local<v8::Value> settle;
  if (!internals->Get(context, OneByteString(isolate_, "async")).ToLocal(&async_support) ||
      !async_support->IsObject() ||
      !internals->Get(context, OneByteString(isolate_, "settleAsyncOps")).ToLocal(&settle) ||
      !settle->IsFunction()) {
    return absl::InternalError("bootstrap: js/async.js did not set up internals.async");
  }
  async_ops_->SetJsSide(settle.As<v8::Function>());
  absl::Status installed = InstallOps(ops, async_support.As<v8::Object>());
  if (!installed.ok()) return installed;
  for (const Extension* extension : options_.extensions) {
    for (const js::EmbeddedFile& file : extension->js_files) {
      absl::Status ran = RunInternalScript(file);
      if (!ran.ok()) return ran;
    }
  }
  isolate_->PerformMicrotaskCheckpoint();
  return absl::OkStatus();
}

// Runs one of the runtime's or an extension's own JavaScript files: a function body with
// the parameter `internals`, named kiln:<file name> in stack traces.
absl::Status Runtime::RunInternalScript(const js::EmbeddedFile& file) {
  v8::Local<v8::Context> context = isolate_->GetCurrentContext();
  v8::Local<v8::String> parameter = OneByteString(isolate_, "internals");
  v8::TryCatch try_catch(isolate_);
  v8::ScriptOrigin origin(isolate_, Utf8String(isolate_, absl::StrCat("kiln:", file.name)));
  v8::ScriptCompiler::Source source(Utf8String(isolate_, {file.source, file.size}), origin);
  v8::Local<v8::Function> function;
  v8::Local<v8::Value> argv[] = {internals()};
  if (!v8::ScriptCompiler::CompileFunction(context, &source, 1, &parameter).ToLocal(&function) ||
      function->Call(context, v8::Undefined(isolate_), 1, argv).IsEmpty()) {
    return absl::InternalError(absl::StrCat("bootstrap ", file.name, " failed: ",
                                            ErrorFromTryCatch(isolate_, context, try_catch).Report()));
  }
  return absl::OkStatus();
}

// Compiles `source` (a function expression of the op's JS face, named by the op) and
// calls it with `argv`; the result is the op's function on kiln.ops.
absl::StatusOr<v8::Local<v8::Function>> Runtime::CompileOpWrapper(
    const OpDescriptor& op, const std::string& source, std::vector<v8::Local<v8::Value>> argv) {
  v8::Local<v8::Context> context = isolate_->GetCurrentContext();
  v8::TryCatch try_catch(isolate_);
  v8::ScriptOrigin origin(isolate_, Utf8String(isolate_, absl::StrCat("kiln:ops/", op.name)));
  v8::Local<v8::Script> script;
  v8::Local<v8::Value> factory;
  v8::Local<v8::Value> wrapper;
  if (!v8::Script::Compile(context, Utf8String(isolate_, source), &origin).ToLocal(&script) ||
      !script->Run(context).ToLocal(&factory) || !factory->IsFunction() ||
      !factory.As<v8::Function>()
           ->Call(context, v8::Undefined(isolate_), static_cast<int>(argv.size()), argv.data())
           .ToLocal(&wrapper) ||
      !wrapper->IsFunction()) {
    return absl::InternalError(absl::StrCat("op '", op.name, "': building its JS function failed: ",
                                            ErrorFromTryCatch(isolate_, context, try_catch).Report()));
  }
  return wrapper.As<v8::Function>();
}

namespace {
std::string WrapperParams(int arity) {
  std::vector<std::string> params;
  for (int i = 0; i < arity; ++i) params.push_back(absl::StrCat("a", i));
  return absl::StrJoin(params, ", ");
}
}  // namespace

// An async op's JS face: always returns a promise (js/async.js, core/async_ops.h). The
// binding takes the promise id first and reports through `signal` (0 = `result` is the
// value, 1 = its fast call failed, 2 = pending). A synchronous throw (an argument error, a
// ready failure) becomes a rejected promise. After a failed fast call the slow-only
// binding throws the failure (or, if the arguments convert after all, runs the op).
absl::StatusOr<v8::Local<v8::Function>> Runtime::WrapAsyncOp(const OpDescriptor& op,
                                                            v8::Local<v8::Function> binding,
                                                            v8::Local<v8::Function> slow_only,
                                                            v8::Local<v8::Int32Array> signal,
                                                            v8::Local<v8::Object> async_support) {
  std::string args = WrapperParams(op.arity);
  std::string id_and_args = op.arity == 0 ? "id" : absl::StrCat("id, ", args);
  // After a failed fast call (signal 1), the slow-only binding throws the failure.
  std::string after_fast_failure =
      op.fast == nullptr
          ? ""
          : absl::StrCat("    if (signal[0] === 1) {\n"
                         "      try {\n"
                         "        result = slowOnly(", id_and_args, ");\n",
                         "      } catch (error) {\n"
                         "        return async.reject(error);\n"
                         "      }\n"
                         "      if (signal[0] === 0) return async.resolve(result);\n"
                         "    }\n");
  std::string source = absl::StrCat(
      "(function (binding, slowOnly, signal, async) {\n"
      "  return { ", op.name, "(", args, ") {\n",
      "    const id = async.nextId;\n"
      "    let result;\n"
      "    try {\n"
      "      result = binding(", id_and_args, ");\n",
      "    } catch (error) {\n"
      "      return async.reject(error);\n"
      "    }\n"
      "    if (signal[0] === 0) return async.resolve(result);\n",
      after_fast_failure,
      "    signal[0] = 0;\n"
      "    return async.track(id);\n"
      "  } }.", op.name, ";\n"
      "})");
  return CompileOpWrapper(op, source, {binding, slow_only, signal, async_support});
}

// The JS face of an op whose fast function can fail (OpState::FastCallFailure): calls
// the fast binding, and after a failed fast call the slow-only copy, which throws. One
// function literal per op (its own source), so every wrapper has its own feedback and
// the call inside stays monomorphic.
absl::StatusOr<v8::Local<v8::Function>> Runtime::WrapFastOp(const OpDescriptor& op,
                                                           v8::Local<v8::Function> fast_binding,
                                                           v8::Local<v8::Function> slow_only,
                                                           v8::Local<v8::Int32Array> failed) {
  std::string args = WrapperParams(op.arity);
  std::string source = absl::StrCat(
      "(function (fastCall, slowCall, failed) {\n"
      "  return { ", op.name, "(", args, ") {\n",
      "    const result = fastCall(", args, ");\n",
      "    if (failed[0] !== 0) return slowCall(", args, ");\n",
      "    return result;\n"
      "  } }.", op.name, ";\n"
      "})");
  return CompileOpWrapper(op, source, {fast_binding, slow_only, failed});
}

absl::Status Runtime::InstallOps(v8::Local<v8::Object> ops,
                                 v8::Local<v8::Object> async_support) {
  v8::Local<v8::Context> context = isolate_->GetCurrentContext();
  // The fast-call failure flag every op wrapper reads (OpState::FastCallFailure).
  fast_call_failure_flag_ = v8::ArrayBuffer::NewBackingStore(isolate_, sizeof(int32_t));
  op_state_->fast_call_failure().flag = static_cast<int32_t*>(fast_call_failure_flag_->Data());
  *op_state_->fast_call_failure().flag = 0;
  isolate_->SetData(kIsolateSlotOpState, op_state_.get());
  v8::Local<v8::Int32Array> failed =
      v8::Int32Array::New(v8::ArrayBuffer::New(isolate_, fast_call_failure_flag_), 0, 1);
  std::vector<const Extension*> extensions = {&CoreExtension()};
  extensions.insert(extensions.end(), options_.extensions.begin(), options_.extensions.end());
  absl::flat_hash_map<std::string, std::string> owner_of;  // op name -> extension
  for (const Extension* extension : extensions) {
    for (const OpTable* table : extension->op_tables) {
      for (size_t i = 0; i < table->op_count; ++i) {
        const OpDescriptor& op = table->ops[i];
        auto [existing, inserted] = owner_of.emplace(op.name, extension->name);
        if (!inserted) {
          return absl::AlreadyExistsError(absl::StrCat("op '", op.name, "' is defined by both extension '",
                                                       existing->second, "' and extension '",
                                                       extension->name, "'"));
        }
        OpContext& op_context = op_contexts_.emplace_back();
        op_context.state = op_state_.get();
        op_context.op = &op;
        v8::Local<v8::External> data = v8::External::New(isolate_, &op_context);
        v8::Local<v8::String> name = OneByteString(isolate_, op.name);
        // The op's native function; `fast` null for the slow-only copy a wrapper needs.
        auto make_binding = [&](const v8::CFunction* fast) {
          v8::Local<v8::Function> binding =
              v8::FunctionTemplate::New(isolate_, op.slow, data, {}, op.arity,
                                        v8::ConstructorBehavior::kThrow,
                                        v8::SideEffectType::kHasSideEffect, fast)
                  ->GetFunction(context)
                  .ToLocalChecked();
          binding->SetName(name);
          return binding;
        };
        v8::Local<v8::Function> function = make_binding(op.fast);
        if (op.is_async) {
          absl::StatusOr<v8::Local<v8::Function>> stub =
              WrapAsyncOp(op, function, op.fast == nullptr ? function : make_binding(nullptr),
                          failed, async_support);
          if (!stub.ok()) return stub.status();
          function = *stub;
        } else if (op.fast != nullptr && op.fast_may_fail) {
          absl::StatusOr<v8::Local<v8::Function>> wrapper =
              WrapFastOp(op, function, make_binding(nullptr), failed);
          if (!wrapper.ok()) return wrapper.status();
          function = *wrapper;
        }
        ops->DefineOwnProperty(context, name, function, v8::ReadOnly).Check();
      }
    }
  }
  return absl::OkStatus();
}

const OpContext* Runtime::FindOp(std::string_view name) const {
  for (const OpContext& op_context : op_contexts_) {
    if (name == op_context.op->name) return &op_context;
  }
  return nullptr;
}

Runtime::~Runtime() { Shutdown().IgnoreError(); }

absl::Status Runtime::Shutdown() {
  if (shut_down_ || isolate_ == nullptr) return absl::OkStatus();
  shut_down_ = true;
  {
    v8::Isolate::Scope isolate_scope(isolate_);
    v8::HandleScope handle_scope(isolate_);
    modules_->Clear();
    // Resources may hold V8 handles: close them while the isolate is alive. Closing them
    // may complete pending ops; then nothing more is delivered.
    op_state_.reset();
    async_ops_->Close();
    unhandled_rejections_.clear();
    module_evaluations_.clear();
    main_module_evaluation_.Reset();
    internals_.Reset();
    context_.Reset();
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&turn_end_), nullptr);

  // The platform closes its per-isolate uv_async on unregistering; wait until that close
  // has run, so no handle of ours is left on the loop.
  bool platform_finished = false;
  Platform()->AddIsolateFinishedCallback(
      isolate_, [](void* finished) { *static_cast<bool*>(finished) = true; },
      &platform_finished);
  Platform()->UnregisterIsolate(isolate_);
  isolate_->Dispose();
  isolate_ = nullptr;
  while (!platform_finished) uv_run(loop_, UV_RUN_ONCE);
  uv_run(loop_, UV_RUN_NOWAIT);  // turn_end_'s close callback
  if (loop_ != &owned_loop_) return absl::OkStatus();

  if (uv_loop_close(loop_) == 0) return absl::OkStatus();
  // Something left a handle open: name it, close everything, and report it.
  std::vector<std::string> open_handles;
  uv_walk(
      loop_,
      [](uv_handle_t* handle, void* names) {
        static_cast<std::vector<std::string>*>(names)->push_back(HandleTypeName(handle));
        if (!uv_is_closing(handle)) uv_close(handle, nullptr);
      },
      &open_handles);
  uv_run(loop_, UV_RUN_DEFAULT);
  uv_loop_close(loop_);
  return absl::InternalError(absl::StrCat("the uv loop still had open handles at shutdown: ",
                                          absl::StrJoin(open_handles, ", ")));
}

Result<v8::Global<v8::Value>> Runtime::Eval(std::string_view source_text, std::string_view name) {
  RuntimeScope scope(this);
  v8::Local<v8::Context> context = scope.context();
  v8::TryCatch try_catch(isolate_);
  v8::ScriptOrigin origin(isolate_, Utf8String(isolate_, name));
  v8::ScriptCompiler::Source source(Utf8String(isolate_, source_text), origin);
  v8::Local<v8::Script> script;
  v8::Local<v8::Value> result;
  if (!v8::ScriptCompiler::Compile(context, &source).ToLocal(&script) ||
      !script->Run(context).ToLocal(&result)) {
    JsError error = ErrorFromTryCatch(isolate_, context, try_catch);
    try_catch.Reset();
    PerformMicrotaskCheckpoint();
    pending_error_.reset();
    return error;
  }
  v8::Global<v8::Value> value(isolate_, result);
  PerformMicrotaskCheckpoint();
  if (pending_error_) return TakePendingError().error();
  return value;
}

Result<std::string> Runtime::EvalToString(std::string_view source, std::string_view name) {
  Result<v8::Global<v8::Value>> result = Eval(source, name);
  if (!result.ok()) return result.error();
  RuntimeScope scope(this);
  return Inspect(result.value().Get(isolate_));
}

std::string Runtime::Inspect(v8::Local<v8::Value> value) {
  RuntimeScope scope(this);
  v8::Local<v8::Context> context = scope.context();
  v8::TryCatch try_catch(isolate_);
  v8::Local<v8::Value> inspect;
  v8::Local<v8::Value> formatted;
  if (internals()->Get(context, OneByteString(isolate_, "inspect")).ToLocal(&inspect) &&
      inspect->IsFunction() &&
      inspect.As<v8::Function>()->Call(context, v8::Undefined(isolate_), 1, &value)
          .ToLocal(&formatted)) {
    return ToStdString(isolate_, formatted);
  }
  return ToStdString(isolate_, value);
}

Result<void> Runtime::ExecuteScriptFile(const std::string& path) {
  std::string absolute = AbsolutePath(path);
  absl::StatusOr<std::string> source = ReadFile(absolute);
  if (!source.ok()) return FileError(absolute, source.status());
  Result<v8::Global<v8::Value>> result = Eval(*source, absolute);
  if (!result.ok()) return result.error();
  return {};
}

Result<void> Runtime::ExecuteModuleFile(const std::string& path) {
  RuntimeScope scope(this);
  v8::Local<v8::Context> context = scope.context();
  v8::TryCatch try_catch(isolate_);
  v8::Local<v8::Module> module;
  v8::Local<v8::Value> evaluation;
  if (!modules_->LoadAndLink(context, path).ToLocal(&module) ||
      !module->Evaluate(context).ToLocal(&evaluation)) {
    return ErrorFromTryCatch(isolate_, context, try_catch);
  }
  // With top-level await, evaluation is a promise; its rejection is reported here (once),
  // not also as an unhandled rejection.
  v8::Local<v8::Promise> promise = evaluation.As<v8::Promise>();
  promise->MarkAsHandled();
  ForgetUnhandledRejection(promise);
  main_module_evaluation_.Reset(isolate_, promise);
  module_evaluations_.emplace_back(isolate_, promise);
  PerformMicrotaskCheckpoint();
  if (pending_error_) return TakePendingError();
  return {};
}

Result<void> Runtime::RunMainFile(const std::string& path, ScriptKind kind) {
  bool as_module = kind == ScriptKind::kModule ||
                   (kind == ScriptKind::kByExtension && absl::EndsWith(path, ".mjs"));
  Result<void> executed = as_module ? ExecuteModuleFile(path) : ExecuteScriptFile(path);
  if (!executed.ok()) return executed;
  Result<void> loop = RunEventLoop();
  if (!loop.ok()) return loop;
  if (as_module) {
    RuntimeScope scope(this);
    if (!main_module_evaluation_.IsEmpty() &&
        main_module_evaluation_.Get(isolate_)->State() == v8::Promise::kPending) {
      JsError error = HostError("Error", "top-level await never settled");
      error.file = AbsolutePath(path);
      return error;
    }
  }
  return {};
}

Result<void> Runtime::RunEventLoop() {
  if (pending_error_) return TakePendingError();
  // Platform tasks (run from inside uv_run and DrainTasks) expect the isolate entered.
  RuntimeScope scope(this);
  while (true) {
    uv_run(loop_, UV_RUN_DEFAULT);
    if (pending_error_) break;
    // Waits for V8 worker tasks (for example a WebAssembly compile) and runs the
    // foreground tasks they post, which may settle promises and add loop work.
    Platform()->DrainTasks(isolate_);
    // Completions of unref'd ops: queued, but nothing ref'd woke the loop for them.
    DeliverAsyncCompletions();
    PerformMicrotaskCheckpoint();
    if (pending_error_ || !HasPendingWork()) break;
  }
  return TakePendingError();
}

Result<bool> Runtime::RunEventLoopOnce(bool wait) {
  if (pending_error_) return TakePendingError().error();
  RuntimeScope scope(this);
  uv_run(loop_, wait ? UV_RUN_ONCE : UV_RUN_NOWAIT);
  // uv_run's iteration ended with the turn-end check (completions, microtasks) unless
  // it had nothing to do; do that part anyway.
  DeliverAsyncCompletions();
  PerformMicrotaskCheckpoint();
  if (pending_error_) {
    Result<void> error = TakePendingError();
    return error.error();
  }
  return HasPendingWork();
}

bool Runtime::HasPendingWork() {
  return uv_loop_alive(loop_) != 0 || async_ops_->has_queued_completions();
}

namespace {
// A property of `object` that bootstrap JavaScript is known to have set.
v8::Local<v8::Value> KnownProperty(v8::Local<v8::Context> context, v8::Local<v8::Object> object,
                                   const char* name) {
  return object->Get(context, OneByteString(context->GetIsolate(), name)).ToLocalChecked();
}
}  // namespace

void Runtime::SetNextAsyncOpIdForTesting(uint32_t id) {
  RuntimeScope scope(this);
  v8::Local<v8::Context> context = scope.context();
  KnownProperty(context, internals(), "async")
      .As<v8::Object>()
      ->Set(context, OneByteString(isolate_, "nextId"), v8::Integer::NewFromUnsigned(isolate_, id))
      .Check();
}

Runtime::AsyncOpCounts Runtime::CountAsyncOpsForTesting() {
  RuntimeScope scope(this);
  v8::Local<v8::Context> context = scope.context();
  v8::Local<v8::Object> async_support = KnownProperty(context, internals(), "async").As<v8::Object>();
  v8::Local<v8::Object> js_counts = KnownProperty(context, async_support, "counts")
                                        .As<v8::Function>()
                                        ->Call(context, async_support, 0, nullptr)
                                        .ToLocalChecked()
                                        .As<v8::Object>();
  AsyncOpCounts counts;
  counts.native = async_ops_->pending_count();
  counts.ring = KnownProperty(context, js_counts, "ring")->Uint32Value(context).FromJust();
  counts.overflow = KnownProperty(context, js_counts, "overflow")->Uint32Value(context).FromJust();
  return counts;
}

bool Runtime::CallMacrotask(v8::Local<v8::Function> function, int argc,
                            v8::Local<v8::Value>* argv, v8::Local<v8::Value>* result) {
  if (pending_error_) return false;
  v8::Isolate::Scope isolate_scope(isolate_);
  v8::EscapableHandleScope handle_scope(isolate_);
  v8::Local<v8::Context> context = this->context();
  v8::Context::Scope context_scope(context);
  v8::Local<v8::Value> value;
  bool ok;
  {
    v8::TryCatch try_catch(isolate_);
    ok = function->Call(context, v8::Undefined(isolate_), argc, argv).ToLocal(&value);
    if (!ok && try_catch.HasCaught() && !try_catch.HasTerminated()) {
      RecordUncaughtError(ErrorFromTryCatch(isolate_, context, try_catch));
    }
  }
  PerformMicrotaskCheckpoint();
  if (ok) *result = handle_scope.Escape(value);
  return ok && !pending_error_;
}

void Runtime::DeliverAsyncCompletions() {
  if (pending_error_) return;  // the loop is stopping: no further callbacks run
  RuntimeScope scope(this);
  v8::Local<v8::Context> context = scope.context();
  v8::TryCatch try_catch(isolate_);
  if (!async_ops_->Deliver(context) && try_catch.HasCaught()) {
    RecordUncaughtError(ErrorFromTryCatch(isolate_, context, try_catch));
  }
}

void Runtime::PerformMicrotaskCheckpoint() {
  {
    // Most checkpoints (one after every timer callback) find nothing to report: they
    // skip the handle and context scopes the reporting below needs.
    v8::Isolate::Scope isolate_scope(isolate_);
    isolate_->PerformMicrotaskCheckpoint();
  }
  if (module_evaluations_.empty() && unhandled_rejections_.empty()) return;
  RuntimeScope scope(this);
  v8::Local<v8::Context> context = scope.context();

  // Modules whose top-level await settled since the last checkpoint.
  for (auto it = module_evaluations_.begin(); it != module_evaluations_.end();) {
    v8::Local<v8::Promise> promise = it->Get(isolate_);
    if (promise->State() == v8::Promise::kPending) {
      ++it;
      continue;
    }
    if (promise->State() == v8::Promise::kRejected) {
      v8::Local<v8::Value> reason = promise->Result();
      RecordUncaughtError(JsErrorFromException(isolate_, context, reason,
                                               v8::Exception::CreateMessage(isolate_, reason)));
    }
    it = module_evaluations_.erase(it);
  }

  if (!unhandled_rejections_.empty()) {
    v8::Local<v8::Value> reason = unhandled_rejections_.front().second.Get(isolate_);
    JsError error = JsErrorFromException(isolate_, context, reason,
                                         v8::Exception::CreateMessage(isolate_, reason));
    error.from_rejection = true;
    unhandled_rejections_.clear();
    RecordUncaughtError(std::move(error));
  }
}

void Runtime::RecordUncaughtError(JsError error) {
  if (!pending_error_) pending_error_ = std::move(error);
  uv_stop(loop_);
}

Result<void> Runtime::TakePendingError() {
  if (!pending_error_) return {};
  JsError error = std::move(*pending_error_);
  pending_error_.reset();
  return error;
}

void Runtime::ForgetUnhandledRejection(v8::Local<v8::Promise> promise) {
  for (auto it = unhandled_rejections_.begin(); it != unhandled_rejections_.end(); ++it) {
    if (it->first == promise) {
      unhandled_rejections_.erase(it);
      return;
    }
  }
}

void Runtime::OnPromiseReject(v8::PromiseRejectMessage message) {
  v8::Local<v8::Promise> promise = message.GetPromise();
  v8::Isolate* isolate = promise->GetIsolate();
  Runtime* runtime = From(isolate);
  if (runtime == nullptr) return;
  switch (message.GetEvent()) {
    case v8::kPromiseRejectWithNoHandler:
      runtime->unhandled_rejections_.emplace_back(
          v8::Global<v8::Promise>(isolate, promise),
          v8::Global<v8::Value>(isolate, message.GetValue()));
      break;
    case v8::kPromiseHandlerAddedAfterReject:
      runtime->ForgetUnhandledRejection(promise);
      break;
    default:
      // Resolving or rejecting an already settled promise: not an error in JavaScript.
      break;
  }
}

void Runtime::OnUncaughtMessage(v8::Local<v8::Message> message, v8::Local<v8::Value> exception) {
  v8::Isolate* isolate = message->GetIsolate();
  Runtime* runtime = From(isolate);
  if (runtime == nullptr) return;
  runtime->RecordUncaughtError(
      JsErrorFromException(isolate, isolate->GetCurrentContext(), exception, message));
}

void Runtime::OnTurnEnd(uv_check_t* handle) {
  auto* runtime = static_cast<Runtime*>(handle->data);
  if (uv_is_closing(reinterpret_cast<uv_handle_t*>(handle))) return;
  runtime->DeliverAsyncCompletions();
  runtime->PerformMicrotaskCheckpoint();
}

}  // namespace kiln
