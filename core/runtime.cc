#include "core/runtime.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/container/inlined_vector.h"
#include "core/call.h"
#include "core/code_cache.h"
#include "core/array_buffer_allocator.h"
#include "core/core_ops.h"
#include "core/commonjs.h"
#include "core/file_util.h"
#include "core/module_loader.h"
#include "core/v8_platform.h"
#include "core/v8_util.h"
#include "core/watchdog.h"
#include "core/version.h"
#include "js/embedded_js.h"

namespace v8::internal {
// libnode exports these; a module namespace object in a snapshot refers to them, so they
// must be among the external references (V8 declares them in an internal header).
class Accessors {
 public:
  static void ModuleNamespaceEntryGetter(v8::Local<v8::Name> name,
                                         const v8::PropertyCallbackInfo<v8::Value>& info);
  static void ModuleNamespaceEntrySetter(v8::Local<v8::Name> name, v8::Local<v8::Value> value,
                                         const v8::PropertyCallbackInfo<v8::Boolean>& info);
};
}  // namespace v8::internal

namespace kiln {
namespace {

// Isolate data slot holding the owning Runtime*.
constexpr uint32_t kRuntimeSlot = 0;
// Context embedder data slot holding `internals`, the object kiln's JavaScript shares with
// the runtime (ext:core/internals). Context data is part of a snapshot.
constexpr int kContextSlotInternals = 3;

constexpr char kSnapshotMagic[] = "kiln-snapshot 1\n";

// Enters a runtime's isolate and context for the length of a public call.
class RuntimeScope {
 public:
  explicit RuntimeScope(const Runtime* runtime)
      : call_scope_(runtime),
        isolate_scope_(runtime->isolate()),
        handle_scope_(runtime->isolate()),
        context_(runtime->context()),
        context_scope_(context_) {}
  v8::Local<v8::Context> context() const { return context_; }

 private:
  // First in, last out: a termination is cancelled after every V8 scope has closed.
  Runtime::CallScope call_scope_;
  v8::Isolate::Scope isolate_scope_;
  v8::HandleScope handle_scope_;
  v8::Local<v8::Context> context_;
  v8::Context::Scope context_scope_;
};

JsError ErrorFromTryCatch(v8::Isolate* isolate, v8::Local<v8::Context> context,
                          const v8::TryCatch& try_catch) {
  if (try_catch.HasTerminated() || isolate->IsExecutionTerminating()) {
    Runtime* runtime = Runtime::From(isolate);
    if (runtime != nullptr) return runtime->TerminationError();
    return HostError("Terminated", "execution terminated");
  }
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

v8::Local<v8::Object> InternalsOf(v8::Local<v8::Context> context) {
  return context->GetEmbedderData(kContextSlotInternals).As<v8::Object>();
}

v8::Local<v8::Value> Property(v8::Local<v8::Context> context, v8::Local<v8::Object> object,
                              const char* name) {
  v8::Local<v8::Value> value;
  if (!object->Get(context, OneByteString(context->GetIsolate(), name)).ToLocal(&value)) {
    return v8::Undefined(context->GetIsolate());
  }
  return value;
}

// ext:core/internals exports `internals`; ext:core/ops exports every installed op.
v8::MaybeLocal<v8::Value> InternalsModuleSteps(v8::Local<v8::Context> context,
                                               v8::Local<v8::Module> module) {
  v8::Isolate* isolate = context->GetIsolate();
  if (module->SetSyntheticModuleExport(isolate, OneByteString(isolate, "internals"),
                                       InternalsOf(context))
          .IsNothing()) {
    return {};
  }
  return v8::Undefined(isolate);
}

v8::MaybeLocal<v8::Value> OpsModuleSteps(v8::Local<v8::Context> context,
                                         v8::Local<v8::Module> module) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::Local<v8::Object> ops = Property(context, InternalsOf(context), "ops").As<v8::Object>();
  v8::Local<v8::Array> names;
  if (!ops->GetOwnPropertyNames(context).ToLocal(&names)) return {};
  for (uint32_t i = 0; i < names->Length(); ++i) {
    v8::Local<v8::Value> name = names->Get(context, i).ToLocalChecked();
    v8::Local<v8::Value> op = ops->Get(context, name).ToLocalChecked();
    if (module->SetSyntheticModuleExport(isolate, name.As<v8::String>(), op).IsNothing()) {
      return {};
    }
  }
  return v8::Undefined(isolate);
}

v8::MaybeLocal<v8::Module> NoImports(v8::Local<v8::Context> context,
                                     v8::Local<v8::String> specifier,
                                     v8::Local<v8::FixedArray> assertions,
                                     v8::Local<v8::Module> referrer) {
  return {};
}

// The slow callback of an op whose calls are counted (RuntimeOptions::op_metrics).
void CountedSlowCallback(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* counted =
      static_cast<std::pair<const OpDescriptor*, OpCallCounts*>*>(info.Data().As<v8::External>()->Value());
  ++counted->second->slow_calls;
  counted->first->slow(info);
}

// The runtime's own natives that V8 may find in a snapshot, before the op tables'.
void AppendCoreReferences(std::vector<intptr_t>* references) {
  references->push_back(reinterpret_cast<intptr_t>(&InternalsModuleSteps));
  references->push_back(reinterpret_cast<intptr_t>(&OpsModuleSteps));
  references->push_back(
      reinterpret_cast<intptr_t>(&v8::internal::Accessors::ModuleNamespaceEntryGetter));
  references->push_back(
      reinterpret_cast<intptr_t>(&v8::internal::Accessors::ModuleNamespaceEntrySetter));
  ModuleMap::AppendExternalReferences(references);
}

constexpr uint64_t kFnvOffset = 1469598103934665603ull;

// FNV-1a of `text` and a separator, continuing from `hash`.
uint64_t MixHash(uint64_t hash, absl::string_view text) {
  for (char c : text) hash = (hash ^ static_cast<uint8_t>(c)) * 1099511628211ull;
  return (hash ^ 0xff) * 1099511628211ull;
}

// What an op table adds to the fingerprint: its header, its ops' names, tiers and arities,
// and its generated JS glue. Op tables are the generated constants of the binary, so the
// hash is computed once per table and process (the glue alone is tens of KiB).
uint64_t OpTableHash(const OpTable* table) {
  static std::mutex mutex;
  static absl::flat_hash_map<const OpTable*, uint64_t>* hashes =
      new absl::flat_hash_map<const OpTable*, uint64_t>();
  std::lock_guard<std::mutex> lock(mutex);
  auto [entry, inserted] = hashes->emplace(table, 0);
  if (inserted) {
    uint64_t hash = MixHash(kFnvOffset, table->header);
    for (size_t i = 0; i < table->op_count; ++i) {
      const OpDescriptor& op = table->ops[i];
      hash = MixHash(hash, absl::StrCat(op.name, op.fast != nullptr ? " fast" : " slow", op.arity));
    }
    entry->second = MixHash(hash, table->js_glue);
  }
  return entry->second;
}

// The external references of a snapshot holding `extensions`, terminated by 0, and a
// fingerprint of what they are (op names and kinds in order: addresses change between
// processes, the order must not).
std::vector<intptr_t> ExternalReferences(const std::vector<const Extension*>& extensions,
                                         uint64_t* fingerprint) {
  std::vector<intptr_t> references;
  AppendCoreReferences(&references);
  uint64_t hash = MixHash(kFnvOffset, absl::StrCat("core references ", references.size()));
  for (const Extension* extension : extensions) {
    hash = MixHash(hash, extension->name);
    for (const OpTable* table : extension->op_tables) {
      hash = MixHash(hash, absl::StrCat(OpTableHash(table)));
      for (const intptr_t* ref = table->external_references; *ref != 0; ++ref) {
        references.push_back(*ref);
      }
    }
  }
  references.push_back(0);
  *fingerprint = hash;
  return references;
}

// `requested` plus the core extension, in load order: each after its dependencies, and
// otherwise in the order given.
absl::StatusOr<std::vector<const Extension*>> OrderExtensions(
    const std::vector<const Extension*>& requested) {
  std::vector<const Extension*> all = {&CoreExtension()};
  for (const Extension* extension : requested) {
    if (extension != &CoreExtension()) all.push_back(extension);
  }
  absl::flat_hash_map<std::string, const Extension*> by_name;
  for (const Extension* extension : all) {
    auto [existing, inserted] = by_name.emplace(extension->name, extension);
    if (!inserted) {
      return absl::AlreadyExistsError(
          existing->second == extension
              ? absl::StrCat("extension '", extension->name, "' is installed twice")
              : absl::StrCat("two different extensions are named '", extension->name, "'"));
    }
  }
  for (const Extension* extension : all) {
    for (const std::string& dep : extension->deps) {
      if (!by_name.contains(dep)) {
        return absl::FailedPreconditionError(absl::StrCat(
            "extension '", extension->name, "' depends on extension '", dep,
            "', which is not installed (add it to RuntimeOptions::extensions)"));
      }
    }
  }
  std::vector<const Extension*> ordered;
  absl::flat_hash_map<const Extension*, int> state;  // 1 visiting, 2 done
  std::vector<std::string> path;
  std::function<absl::Status(const Extension*)> visit = [&](const Extension* extension) {
    int& mark = state[extension];
    if (mark == 2) return absl::OkStatus();
    if (mark == 1) {
      return absl::FailedPreconditionError(
          absl::StrCat("extensions depend on each other in a cycle: ", absl::StrJoin(path, " -> "),
                       " -> ", extension->name));
    }
    mark = 1;
    path.push_back(extension->name);
    for (const std::string& dep : extension->deps) {
      absl::Status status = visit(by_name[dep]);
      if (!status.ok()) return status;
    }
    path.pop_back();
    state[extension] = 2;
    ordered.push_back(extension);
    return absl::OkStatus();
  };
  for (const Extension* extension : all) {
    absl::Status status = visit(extension);
    if (!status.ok()) return status;
  }
  return ordered;
}

// V8 shares one read-only heap among all isolates alive in a process, made from the blob
// of the first of them; an isolate deserialised from another blob while it lives gets a
// broken context. So a runtime uses a snapshot only when no runtime is alive or the live
// ones came from the same blob (from-source runtimes may join any).
class SharedHeapRegistry {
 public:
  // Whether a new runtime may use `blob` (nullptr: from source); if so, registers it.
  static bool Join(const void* blob) {
    std::lock_guard<std::mutex> lock(mutex());
    State& state = Get();
    if (blob != nullptr && state.live > 0 && state.blob != blob) return false;
    if (state.live == 0) state.blob = blob;
    ++state.live;
    return true;
  }
  static void Leave() {
    std::lock_guard<std::mutex> lock(mutex());
    --Get().live;
  }

 private:
  struct State {
    const void* blob = nullptr;
    int live = 0;
  };
  static State& Get() {
    static State state;
    return state;
  }
  static std::mutex& mutex() {
    static std::mutex mutex;
    return mutex;
  }
};

struct SnapshotHeader {
  uint64_t fingerprint = 0;
  std::vector<std::string> extensions;
  // A snapshot of an embedder's setup: "module <data index> js|json <C-escaped URL>" per
  // module, "main <C-escaped URL>".
  struct Module {
    size_t data_index = 0;
    bool json = false;
    std::string url;
  };
  std::vector<Module> modules;
  std::string main_url;
  const char* blob = nullptr;
  size_t blob_size = 0;
  // "blob_size <bytes>" and "code_cache <bytes> <C-escaped specifier>" per entry: V8's blob
  // is followed by the code caches of the extension modules the snapshot does not hold, in
  // the order of their lines (MakeBuiltinCodeCaches).
  std::vector<std::pair<std::string, std::string_view>> code_caches;
};

absl::StatusOr<SnapshotHeader> ParseSnapshot(const Snapshot& snapshot) {
  absl::string_view bytes(snapshot.data, snapshot.size);
  if (!absl::StartsWith(bytes, kSnapshotMagic)) {
    return absl::InvalidArgumentError("not a kiln snapshot (or of another format version)");
  }
  bytes.remove_prefix(sizeof(kSnapshotMagic) - 1);
  SnapshotHeader header;
  size_t blob_size = 0;
  std::vector<std::pair<std::string, size_t>> code_cache_sizes;
  size_t end = bytes.find("\n\n");
  if (end == absl::string_view::npos) return absl::InvalidArgumentError("truncated snapshot");
  for (absl::string_view line : absl::StrSplit(bytes.substr(0, end), '\n')) {
    if (absl::ConsumePrefix(&line, "fingerprint ")) {
      if (!absl::SimpleHexAtoi(line, &header.fingerprint)) {
        return absl::InvalidArgumentError("bad snapshot fingerprint");
      }
    } else if (absl::ConsumePrefix(&line, "extensions ")) {
      header.extensions = absl::StrSplit(line, ' ', absl::SkipEmpty());
    } else if (absl::ConsumePrefix(&line, "module ")) {
      std::vector<absl::string_view> fields = absl::StrSplit(line, absl::MaxSplits(' ', 2));
      SnapshotHeader::Module module;
      if (fields.size() != 3 || !absl::SimpleAtoi(fields[0], &module.data_index) ||
          (fields[1] != "js" && fields[1] != "json") ||
          !absl::CUnescape(fields[2], &module.url)) {
        return absl::InvalidArgumentError("bad snapshot module line");
      }
      module.json = fields[1] == "json";
      header.modules.push_back(std::move(module));
    } else if (absl::ConsumePrefix(&line, "main ")) {
      if (!absl::CUnescape(line, &header.main_url)) {
        return absl::InvalidArgumentError("bad snapshot main module line");
      }
    } else if (absl::ConsumePrefix(&line, "blob_size ")) {
      if (!absl::SimpleAtoi(line, &blob_size)) return absl::InvalidArgumentError("bad snapshot blob size");
    } else if (absl::ConsumePrefix(&line, "code_cache ")) {
      std::vector<absl::string_view> fields = absl::StrSplit(line, absl::MaxSplits(' ', 1));
      size_t size = 0;
      std::string specifier;
      if (fields.size() != 2 || !absl::SimpleAtoi(fields[0], &size) ||
          !absl::CUnescape(fields[1], &specifier)) {
        return absl::InvalidArgumentError("bad snapshot code cache line");
      }
      code_cache_sizes.emplace_back(std::move(specifier), size);
    }
  }
  header.blob = bytes.data() + end + 2;
  size_t rest = bytes.size() - end - 2;
  header.blob_size = blob_size != 0 ? blob_size : rest;
  if (header.blob_size > rest) return absl::InvalidArgumentError("truncated snapshot");
  size_t offset = header.blob_size;
  for (auto& [specifier, size] : code_cache_sizes) {
    if (size > rest - offset) return absl::InvalidArgumentError("truncated snapshot code cache");
    header.code_caches.emplace_back(std::move(specifier),
                                    std::string_view(header.blob + offset, size));
    offset += size;
  }
  return header;
}

// V8 code caches of `sources` (extension modules: specifier, source), compiled in an
// isolate of their own on V8's built-in snapshot (as a from-source runtime, which may live
// beside any other) with this process's V8 flags. A runtime from the snapshot compiles
// such a module from its cache instead of parsing it; V8 refuses a cache made with other
// flags or another V8, and the module is then compiled as usual.
std::vector<std::pair<std::string, std::string>> MakeBuiltinCodeCaches(
    const std::vector<std::pair<std::string, std::string_view>>& sources) {
  std::vector<std::pair<std::string, std::string>> caches;
  if (sources.empty()) return caches;
  uv_loop_t loop;
  uv_loop_init(&loop);
  {
    PlainIsolate isolate(&loop);
    v8::Isolate::Scope isolate_scope(isolate.get());
    v8::HandleScope handle_scope(isolate.get());
    v8::Local<v8::Context> context = v8::Context::New(isolate.get());
    v8::Context::Scope context_scope(context);
    for (const auto& [specifier, source] : sources) {
      std::string cache = ModuleMap::CodeCacheForBuiltin(isolate.get(), specifier, source);
      if (!cache.empty()) caches.emplace_back(specifier, std::move(cache));
    }
  }
  uv_loop_close(&loop);
  return caches;
}

// Once V8 reaches the heap limit, the script is terminated, but the builtin running
// (JSON.parse of a huge text) only stops when it is done: the limit doubles (by 32 MiB at
// least) each time V8 reaches it again, up to 4 times (16 times the limit), so the
// builtin can finish and the stack unwind rather than V8 aborting the process. A builtin
// needing more (filling an array of 10^8 elements) ends in V8's out-of-memory error:
// OnOutOfMemory.
constexpr size_t kHeapLimitSlackBytes = size_t{32} << 20;
constexpr int kMaxHeapLimitRaises = 4;

// How often the loop looks again whether V8's background work is done, while only that
// keeps it alive (the foreground task such work posts wakes the loop at once).
constexpr uint64_t kBackgroundPollMs = 5;

}  // namespace

Runtime::Runtime(RuntimeOptions options) : options_(std::move(options)) {}

Runtime* Runtime::From(v8::Isolate* isolate) {
  return static_cast<Runtime*>(isolate->GetData(kRuntimeSlot));
}

v8::Local<v8::Context> Runtime::context() const { return context_.Get(isolate_); }

v8::Local<v8::Object> Runtime::internals() const { return InternalsOf(context()); }

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Create(RuntimeOptions options) {
  std::unique_ptr<Runtime> runtime(new Runtime(std::move(options)));
  absl::Status status = runtime->Initialize(/*for_snapshot=*/false);
  if (!status.ok()) return status;
  return runtime;
}

// Whether `snapshot` can serve this runtime: it must hold only installed extensions, have
// been made with the same op tables (V8 matches external references by position) and
// share its blob with the process's live runtimes. If so, sets up the runtime to
// deserialise it (`*blob`, the external references, the extensions it holds first) and
// returns ""; otherwise returns why not.
absl::StatusOr<std::vector<std::string>> SnapshotExtensions(const Snapshot& snapshot) {
  absl::StatusOr<SnapshotHeader> header = ParseSnapshot(snapshot);
  if (!header.ok()) return header.status();
  return header->extensions;
}

std::string Runtime::UseSnapshot(const Snapshot& snapshot, v8::StartupData* blob) {
  absl::StatusOr<SnapshotHeader> header = ParseSnapshot(snapshot);
  if (!header.ok()) return std::string(header.status().message());
  std::vector<const Extension*> in_snapshot;
  for (const std::string& name : header->extensions) {
    auto it = std::find_if(extensions_.begin(), extensions_.end(),
                           [&](const Extension* e) { return e->name == name; });
    if (it == extensions_.end()) {
      return absl::StrCat("it holds extension '", name, "', which is not installed");
    }
    in_snapshot.push_back(*it);
  }
  uint64_t fingerprint = 0;
  std::vector<intptr_t> references = ExternalReferences(in_snapshot, &fingerprint);
  if (fingerprint != header->fingerprint) {
    return "it was made with other op tables than this binary links";
  }
  if (!SharedHeapRegistry::Join(snapshot.data)) {
    return "another runtime of this process was made from another snapshot or from source, "
           "and V8 shares one read-only heap among live isolates";
  }
  joined_shared_heap_ = true;
  std::vector<const Extension*> reordered = in_snapshot;
  for (const Extension* extension : extensions_) {
    if (std::find(in_snapshot.begin(), in_snapshot.end(), extension) == in_snapshot.end()) {
      reordered.push_back(extension);
    }
  }
  extensions_ = std::move(reordered);
  snapshot_extension_count_ = in_snapshot.size();
  for (const SnapshotHeader::Module& module : header->modules) {
    snapshot_loader_modules_.push_back({module.data_index, module.json, module.url});
  }
  snapshot_main_url_ = header->main_url;
  for (const auto& [specifier, cache] : header->code_caches) builtin_code_caches_[specifier] = cache;
  external_references_ = std::move(references);
  *blob = {header->blob, static_cast<int>(header->blob_size)};
  from_snapshot_ = true;
  return "";
}

absl::Status Runtime::Initialize(bool for_snapshot) {
  InitializeV8();
  absl::StatusOr<std::vector<const Extension*>> ordered = OrderExtensions(options_.extensions);
  if (!ordered.ok()) return ordered.status();
  extensions_ = std::move(*ordered);

  v8::StartupData startup_data{nullptr, 0};
  // A snapshot creator may start from a snapshot too (CreateSnapshot with a setup).
  if (options_.snapshot != nullptr && !options_.op_metrics) {
    std::string problem = UseSnapshot(*options_.snapshot, &startup_data);
    if (!problem.empty()) {
      std::string note =
          absl::StrCat("kiln: not using the startup snapshot (", problem, "); loading from source\n");
      WriteAll(2, note.data(), note.size());
    }
  }
  if (for_snapshot) {
    external_references_ = ExternalReferences(extensions_, &snapshot_fingerprint_);
  }
  if (!joined_shared_heap_) {
    SharedHeapRegistry::Join(nullptr);
    joined_shared_heap_ = true;
  }

  if (options_.loop != nullptr) {
    loop_ = options_.loop;
  } else {
    int rc = uv_loop_init(&owned_loop_);
    if (rc != 0) return absl::InternalError(absl::StrCat("uv_loop_init: ", uv_strerror(rc)));
    loop_ = &owned_loop_;
  }
  size_t heap_limit_bytes = options_.max_heap_size_mb << 20;
  allocator_ = NewCountingAllocator(heap_limit_bytes, [this] { HeapLimitReached(); });
  isolate_ = v8::Isolate::Allocate();
  // Registering before Initialize lets V8 post tasks from the start; they run on loop_.
  Platform()->RegisterIsolate(isolate_, loop_);
  if (for_snapshot) {
    snapshot_creator_base_ = startup_data;
    snapshot_creator_ = std::make_unique<v8::SnapshotCreator>(
        isolate_, external_references_.data(), from_snapshot_ ? &snapshot_creator_base_ : nullptr);
  } else {
    v8::Isolate::CreateParams params;
    params.array_buffer_allocator = allocator_.get();
    if (heap_limit_bytes != 0) params.constraints.ConfigureDefaultsFromHeapSize(0, heap_limit_bytes);
    if (from_snapshot_) {
      params.snapshot_blob = &startup_data;
      params.external_references = external_references_.data();
    }
    v8::Isolate::Initialize(isolate_, params);
    if (heap_limit_bytes != 0) {
      isolate_->AddNearHeapLimitCallback(&Runtime::OnNearHeapLimit, this);
      isolate_->AddGCEpilogueCallback(&Runtime::CheckExternalMemory, this);
      isolate_->SetOOMErrorHandler(&Runtime::OnOutOfMemory);
    }
  }
  isolate_->SetData(kRuntimeSlot, this);
  isolate_->SetData(kIsolateSlotPropertyKeys, &property_keys_);
  isolate_->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
  isolate_->SetPromiseRejectCallback(&Runtime::OnPromiseReject);
  isolate_->AddMessageListenerWithErrorLevel(&Runtime::OnUncaughtMessage,
                                             v8::Isolate::kMessageError);
  ModuleMap::InstallIsolateCallbacks(isolate_);
  // Before the context exists: V8 adds WebAssembly.compileStreaming and
  // instantiateStreaming to a new context only when the isolate has this callback.
  isolate_->SetWasmStreamingCallback(&Runtime::OnWasmStreaming);
  async_ops_ = std::make_unique<AsyncOps>(isolate_, loop_);
  op_state_ = std::make_unique<RuntimeOpState>(isolate_, loop_, static_cast<OpHost*>(this),
                                               async_ops_.get());
  modules_ = std::make_unique<ModuleMap>(isolate_, options_.module_loader, options_.code_cache,
                                         op_state_.get());
  if (!builtin_code_caches_.empty()) modules_->SetBuiltinCodeCaches(&builtin_code_caches_);
  handles_ = std::make_shared<HandleRegistry>(isolate_);
  isolate_->SetData(kIsolateSlotOpState, op_state_.get());
  if (options_.op_metrics) {
    op_metrics_ = std::make_unique<OpMetrics>();
    async_ops_->AddObserver(op_metrics_.get());
    isolate_->SetData(kIsolateSlotOpMetrics, op_metrics_.get());
  }

  uv_check_init(loop_, &turn_end_);
  turn_end_.data = this;
  uv_check_start(&turn_end_, &Runtime::OnTurnEnd);
  uv_unref(reinterpret_cast<uv_handle_t*>(&turn_end_));
  uv_timer_init(loop_, &background_keep_alive_);
  background_keep_alive_.data = this;
  // Terminate() wakes a loop waiting for timers or I/O; it never keeps the loop alive.
  uv_async_init(loop_, &termination_->wakeup, &Runtime::OnTerminationWakeup);
  termination_->wakeup.data = this;
  uv_unref(reinterpret_cast<uv_handle_t*>(&termination_->wakeup));
  {
    std::lock_guard<std::mutex> lock(termination_->mutex);
    termination_->isolate = isolate_;
  }

  // Extension state exists before any JavaScript (an entry module may call its ops).
  for (const Extension* extension : extensions_) {
    for (const ExtensionStateType& type : extension->state) {
      op_state_->AddExtensionState(type.slot(), type.create(*op_state_), type.destroy);
    }
  }

  v8::Isolate::Scope isolate_scope(isolate_);
  v8::HandleScope handle_scope(isolate_);
  context_.Reset(isolate_, v8::Context::New(isolate_));
  absl::Status booted = from_snapshot_ ? AttachToSnapshot() : Bootstrap(extensions_);
  if (booted.ok() && from_snapshot_) booted = AttachSnapshotLoaderModules();
  if (!booted.ok() || for_snapshot) return booted;
  return AttachRuntime();
}

// Loads the extensions from source: the internals and async modules, the ops, then each
// extension's entry module in load order.
absl::Status Runtime::Bootstrap(const std::vector<const Extension*>& extensions) {
  RuntimeScope scope(this);
  v8::Local<v8::Context> context = scope.context();
  v8::Local<v8::Object> internals = v8::Object::New(isolate_);
  internals->SetPrototype(context, v8::Null(isolate_)).Check();
  context->SetEmbedderData(kContextSlotInternals, internals);
  for (auto [name, callback] : {std::pair{"importLazy", &ModuleMap::ImportLazy},
                                std::pair{"defineLazy", &ModuleMap::DefineLazy}}) {
    v8::Local<v8::Function> function =
        v8::Function::New(context, callback, {}, 0, v8::ConstructorBehavior::kThrow)
            .ToLocalChecked();
    internals->Set(context, OneByteString(isolate_, name), function).Check();
  }

  std::vector<v8::Local<v8::String>> exports = {OneByteString(isolate_, "internals")};
  v8::Local<v8::Module> internals_module = v8::Module::CreateSyntheticModule(
      isolate_, OneByteString(isolate_, "ext:core/internals"), exports, InternalsModuleSteps);
  modules_->AddBuiltinModule("ext:core/internals", internals_module);
  RegisterModules(extensions);
  // The promise ring comes first: the glue of async ops is built around it.
  absl::Status status = EvaluateExtensionModule("ext:core/async.js");
  if (status.ok()) status = LoadExtensions(extensions);
  if (!status.ok()) return status;
  v8::Local<v8::Value> error_classes = Property(context, internals, "errorClasses");
  if (error_classes->IsObject()) context->SetEmbedderData(kContextSlotErrorClasses, error_classes);
  return absl::OkStatus();
}

// A runtime from a snapshot: finds the snapshot's modules, then loads the extensions the
// snapshot does not hold on top of it.
absl::Status Runtime::AttachToSnapshot() {
  RuntimeScope scope(this);
  v8::Local<v8::Context> context = scope.context();
  v8::Local<v8::Object> internals = this->internals();
  v8::Local<v8::Value> specifiers = Property(context, internals, "snapshotModules");
  if (!specifiers->IsArray()) return absl::InternalError("snapshot: no module list");
  v8::Local<v8::Array> list = specifiers.As<v8::Array>();
  for (uint32_t i = 0; i < list->Length(); ++i) {
    v8::Local<v8::Module> module;
    if (!context->GetDataFromSnapshotOnce<v8::Module>(i).ToLocal(&module)) {
      return absl::InternalError("snapshot: a module is missing");
    }
    modules_->AddBuiltinModule(ToStdString(isolate_, list->Get(context, i).ToLocalChecked()),
                               module);
  }
  RegisterModules(extensions_);
  std::vector<const Extension*> late(extensions_.begin() + snapshot_extension_count_,
                                     extensions_.end());
  if (late.empty()) return absl::OkStatus();
  return LoadExtensions(late);
}

// Makes the extensions' module sources and published names known to the module loader
// (modules already compiled, from a snapshot, are kept).
void Runtime::RegisterModules(const std::vector<const Extension*>& extensions) {
  for (const Extension* extension : extensions) {
    for (const js::EmbeddedFile& file : extension->esm) {
      if (!modules_->HasBuiltin(file.name)) {
        modules_->AddBuiltinSource(file.name, file.source, file.size);
      }
    }
    for (const PublishedModule& published : extension->published) {
      modules_->Publish(published.specifier, published.module);
    }
  }
}

// Installs the extensions' ops, (re)makes ext:core/ops, and evaluates their entry modules
// in load order.
absl::Status Runtime::LoadExtensions(const std::vector<const Extension*>& extensions) {
  absl::Status status = InstallOps(extensions);
  if (status.ok()) status = MakeOpsModule();
  for (const Extension* extension : extensions) {
    if (!status.ok()) break;
    if (!extension->esm.empty()) status = EvaluateExtensionModule(extension->esm[0].name);
  }
  return status;
}

// Points the C++ side of ops at their JavaScript side: the fast-call outcome the glue
// reads, and the function that settles async ops. Once ops exist (an entry module may
// call them) and again on a runtime from a snapshot.
absl::Status Runtime::BindOpSupport() {
  v8::Local<v8::Context> context = isolate_->GetCurrentContext();
  v8::Local<v8::Object> internals = this->internals();
  v8::Local<v8::Value> settle = Property(context, internals, "settleAsyncOps");
  v8::Local<v8::Value> outcome = Property(context, internals, "fastCallOutcome");
  if (!settle->IsFunction() || !outcome->IsInt32Array()) {
    return absl::InternalError("bootstrap: the core extension did not set up internals");
  }
  async_ops_->SetJsSide(settle.As<v8::Function>());
  fast_call_outcome_store_ = outcome.As<v8::Int32Array>()->Buffer()->GetBackingStore();
  op_state_->BindFastCallOutcome(static_cast<int32_t*>(fast_call_outcome_store_->Data()));
  return absl::OkStatus();
}

// The per-runtime facts, on a runtime made from source or from a snapshot alike.
absl::Status Runtime::AttachRuntime() {
  RuntimeScope scope(this);
  v8::Local<v8::Context> context = scope.context();
  v8::Local<v8::Object> internals = this->internals();
  v8::Local<v8::Value> attach = Property(context, internals, "attachRuntime");
  absl::Status bound = BindOpSupport();
  if (!bound.ok()) return bound;
  if (!attach->IsFunction()) {
    return absl::InternalError("bootstrap: the core extension did not set internals.attachRuntime");
  }

  std::vector<v8::Local<v8::Value>> args;
  for (const std::string& arg : options_.args) args.push_back(Utf8String(isolate_, arg));
  v8::Local<v8::Value> argv[] = {
      v8::Array::New(isolate_, args.data(), args.size()),
      options_.expose_ops ? Property(context, internals, "ops")
                          : v8::Local<v8::Value>(v8::Undefined(isolate_))};
  v8::TryCatch try_catch(isolate_);
  if (attach.As<v8::Function>()->Call(context, v8::Undefined(isolate_), 2, argv).IsEmpty()) {
    return absl::InternalError(absl::StrCat(
        "bootstrap: ", ErrorFromTryCatch(isolate_, context, try_catch).Report()));
  }
  isolate_->PerformMicrotaskCheckpoint();
  return absl::OkStatus();
}

// Loads, links and evaluates an extension module; its top-level await must settle now.
absl::Status Runtime::EvaluateExtensionModule(const std::string& specifier) {
  v8::Local<v8::Context> context = isolate_->GetCurrentContext();
  v8::TryCatch try_catch(isolate_);
  v8::Local<v8::Module> module;
  v8::Local<v8::Value> evaluation;
  if (!modules_->LoadBuiltinAndLink(context, specifier).ToLocal(&module) ||
      !module->Evaluate(context).ToLocal(&evaluation)) {
    return absl::InternalError(absl::StrCat(
        "bootstrap: ", specifier, " failed: ",
        ErrorFromTryCatch(isolate_, context, try_catch).Report()));
  }
  isolate_->PerformMicrotaskCheckpoint();
  v8::Local<v8::Promise> promise = evaluation.As<v8::Promise>();
  if (promise->State() == v8::Promise::kRejected) {
    v8::Local<v8::Value> reason = promise->Result();
    return absl::InternalError(absl::StrCat(
        "bootstrap: ", specifier, " failed: ",
        JsErrorFromException(isolate_, context, reason,
                             v8::Exception::CreateMessage(isolate_, reason))
            .Report()));
  }
  if (promise->State() == v8::Promise::kPending) {
    return absl::InternalError(
        absl::StrCat("bootstrap: ", specifier, ": its top-level await did not settle"));
  }
  ForgetUnhandledRejection(promise);
  // A promise the module rejected and left unhandled is a bug in the extension: said at
  // Runtime::Create, not reported later as if user code had made it.
  if (!unhandled_rejections_.empty()) {
    v8::Local<v8::Value> reason = unhandled_rejections_.front().second.Get(isolate_);
    unhandled_rejections_.clear();
    return absl::InternalError(absl::StrCat(
        "bootstrap: ", specifier, " left a promise rejected with no handler: ",
        JsErrorFromException(isolate_, context, reason,
                             v8::Exception::CreateMessage(isolate_, reason))
            .Report()));
  }
  return absl::OkStatus();
}

// Adds the ops of `extensions` to internals.ops: each table's natives, turned into the
// functions JavaScript calls by the table's generated glue (codegen/README.md).
absl::Status Runtime::InstallOps(const std::vector<const Extension*>& extensions) {
  v8::Local<v8::Context> context = isolate_->GetCurrentContext();
  v8::Local<v8::Object> internals = this->internals();
  // The fast-call outcome (FastCallOutcome), the glue's `signal`.
  v8::Local<v8::Value> outcome = Property(context, internals, "fastCallOutcome");
  if (!outcome->IsInt32Array()) {
    outcome = v8::Int32Array::New(v8::ArrayBuffer::New(isolate_, sizeof(int32_t)), 0, 1);
    internals->Set(context, OneByteString(isolate_, "fastCallOutcome"), outcome).Check();
  }
  v8::Local<v8::Value> ops = Property(context, internals, "ops");
  if (!ops->IsObject()) {
    v8::Local<v8::Object> object = v8::Object::New(isolate_);
    object->SetPrototype(context, v8::Null(isolate_)).Check();
    internals->Set(context, OneByteString(isolate_, "ops"), object).Check();
    ops = object;
  }
  v8::Local<v8::Value> async_support = Property(context, internals, "async");

  // Op names are unique across every installed extension.
  absl::flat_hash_map<std::string, std::string> owner_of;
  for (const Extension* extension : extensions_) {
    for (const OpTable* table : extension->op_tables) {
      for (size_t i = 0; i < table->op_count; ++i) {
        auto [existing, inserted] = owner_of.emplace(table->ops[i].name, extension->name);
        if (!inserted) {
          return absl::AlreadyExistsError(absl::StrCat(
              "op '", table->ops[i].name, "' is defined by both extension '", existing->second,
              "' and extension '", extension->name, "'"));
        }
      }
    }
  }

  for (const Extension* extension : extensions) {
    for (const OpTable* table : extension->op_tables) {
      v8::Local<v8::Object> native = v8::Object::New(isolate_);
      v8::Local<v8::Object> slow_only = v8::Object::New(isolate_);
      for (size_t i = 0; i < table->op_count; ++i) {
        const OpDescriptor& op = table->ops[i];
        v8::Local<v8::String> name = OneByteString(isolate_, op.name);
        v8::FunctionCallback slow = op.slow;
        v8::Local<v8::Value> data;
        const v8::CFunction* fast = op.fast;
        if (op_metrics_) {
          counted_ops_.emplace_back(&op, &op_metrics_->Of(op.name));
          slow = &CountedSlowCallback;
          data = v8::External::New(isolate_, &counted_ops_.back());
          fast = op.fast_counted;
        }
        // The op's native function; `with_fast` false for the slow-only copy glue needs.
        auto make_binding = [&](bool with_fast) {
          v8::Local<v8::Function> binding =
              v8::FunctionTemplate::New(isolate_, slow, data, {}, op.arity,
                                        v8::ConstructorBehavior::kThrow,
                                        v8::SideEffectType::kHasSideEffect,
                                        with_fast ? fast : nullptr)
                  ->GetFunction(context)
                  .ToLocalChecked();
          binding->SetName(name);
          return binding;
        };
        native->Set(context, name, make_binding(true)).Check();
        if (op.fast != nullptr && (op.is_async || op.fast_may_fail)) {
          slow_only->Set(context, name, make_binding(false)).Check();
        }
      }
      v8::TryCatch try_catch(isolate_);
      v8::ScriptOrigin origin(isolate_,
                              Utf8String(isolate_, absl::StrCat("ext:core/ops/", table->header)));
      v8::Local<v8::Script> script;
      v8::Local<v8::Value> glue;
      v8::Local<v8::Value> functions;
      v8::Local<v8::Value> argv[] = {native, slow_only, outcome, async_support};
      v8::Local<v8::Array> names;
      if (!v8::Script::Compile(context, OneByteString(isolate_, table->js_glue), &origin)
               .ToLocal(&script) ||
          !script->Run(context).ToLocal(&glue) || !glue->IsFunction() ||
          !glue.As<v8::Function>()->Call(context, v8::Undefined(isolate_), 4, argv)
               .ToLocal(&functions) ||
          !functions->IsObject() ||
          !functions.As<v8::Object>()->GetOwnPropertyNames(context).ToLocal(&names)) {
        return absl::InternalError(
            absl::StrCat("the op glue of ", table->header, " failed: ",
                         ErrorFromTryCatch(isolate_, context, try_catch).Report()));
      }
      for (uint32_t i = 0; i < names->Length(); ++i) {
        v8::Local<v8::Value> name = names->Get(context, i).ToLocalChecked();
        ops.As<v8::Object>()
            ->DefineOwnProperty(context, name.As<v8::String>(),
                                functions.As<v8::Object>()->Get(context, name).ToLocalChecked(),
                                v8::ReadOnly)
            .Check();
      }
    }
  }
  return BindOpSupport();
}

// ext:core/ops: a synthetic module exporting every op in internals.ops. Made again when
// extensions are loaded on top of a snapshot (later imports see the new one).
absl::Status Runtime::MakeOpsModule() {
  v8::Local<v8::Context> context = isolate_->GetCurrentContext();
  v8::Local<v8::Object> ops = Property(context, internals(), "ops").As<v8::Object>();
  v8::Local<v8::Array> names = ops->GetOwnPropertyNames(context).ToLocalChecked();
  std::vector<v8::Local<v8::String>> exports;
  for (uint32_t i = 0; i < names->Length(); ++i) {
    exports.push_back(names->Get(context, i).ToLocalChecked().As<v8::String>());
  }
  v8::Local<v8::Module> module = v8::Module::CreateSyntheticModule(
      isolate_, OneByteString(isolate_, "ext:core/ops"), exports, OpsModuleSteps);
  v8::TryCatch try_catch(isolate_);
  if (!module->InstantiateModule(context, NoImports).FromMaybe(false) ||
      module->Evaluate(context).IsEmpty()) {
    return absl::InternalError(absl::StrCat(
        "ext:core/ops: ", ErrorFromTryCatch(isolate_, context, try_catch).Report()));
  }
  modules_->AddBuiltinModule("ext:core/ops", module);
  return absl::OkStatus();
}

const OpCallCounts* Runtime::op_metrics(std::string_view name) const {
  return op_metrics_ ? op_metrics_->Find(name) : nullptr;
}

Runtime::~Runtime() { Shutdown().IgnoreError(); }

absl::Status Runtime::Shutdown() {
  if (shut_down_ || isolate_ == nullptr) {
    if (isolate_ == nullptr && joined_shared_heap_) {
      SharedHeapRegistry::Leave();
      joined_shared_heap_ = false;
    }
    return absl::OkStatus();
  }
  shut_down_ = true;
  {
    v8::Isolate::Scope isolate_scope(isolate_);
    ReleaseHandles();
  }
  return CloseLoopAndIsolate();
}

// Drops everything that holds V8 handles, while the isolate is alive (before Dispose, or
// before a snapshot is made).
void Runtime::ReleaseHandles() {
  v8::HandleScope handle_scope(isolate_);
  handles_->Close();
  modules_->Clear();
  // Resources and extension state may hold V8 handles: close them while the isolate is
  // alive. Closing them may complete pending ops; then nothing more is delivered.
  op_state_.reset();
  async_ops_->Close();
  unhandled_rejections_.clear();
  module_evaluations_.clear();
  main_module_evaluation_.Reset();
  property_keys_.Clear();
  fast_call_outcome_store_.reset();
  context_.Reset();
}

absl::Status Runtime::CloseLoopAndIsolate() {
  uv_close(reinterpret_cast<uv_handle_t*>(&turn_end_), nullptr);
  {
    // Terminate() does nothing from now on.
    std::lock_guard<std::mutex> lock(termination_->mutex);
    termination_->isolate = nullptr;
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&termination_->wakeup), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&background_keep_alive_), nullptr);

  // The platform closes its per-isolate uv_async on unregistering; wait until that close
  // has run, so no handle of ours is left on the loop.
  bool platform_finished = false;
  Platform()->AddIsolateFinishedCallback(
      isolate_, [](void* finished) { *static_cast<bool*>(finished) = true; },
      &platform_finished);
  // A snapshot creator owns its isolate and disposes it first.
  if (snapshot_creator_ != nullptr) {
    snapshot_creator_.reset();
  } else {
    isolate_->Dispose();
  }
  Platform()->UnregisterIsolate(isolate_);
  isolate_ = nullptr;
  if (joined_shared_heap_) SharedHeapRegistry::Leave();
  joined_shared_heap_ = false;
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
  if (heap_limit_exceeded()) return TerminationError();
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
  if (heap_limit_exceeded()) return TerminationError();
  RuntimeScope scope(this);
  v8::Local<v8::Context> context = scope.context();
  v8::TryCatch try_catch(isolate_);
  v8::Local<v8::Module> module;
  v8::Local<v8::Value> evaluation;
  std::string specifier = AbsolutePath(path);
  JsError load_error;
  if (!LoadGraph(
          context, [&] { return modules_->FetchEntry(context, specifier); }, specifier, &module,
          &load_error)) {
    return load_error;
  }
  if (!module->Evaluate(context).ToLocal(&evaluation)) {
    return ErrorFromTryCatch(isolate_, context, try_catch);
  }
  modules_->ProduceCodeCache();
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

Result<void> Runtime::ExecuteCommonJsFile(const std::string& path) {
  if (heap_limit_exceeded()) return TerminationError();
  RuntimeScope scope(this);
  v8::Local<v8::Context> context = scope.context();
  v8::TryCatch try_catch(isolate_);
  if (modules_->commonjs().RunMain(context, PathToFileUrl(AbsolutePath(path))).IsEmpty()) {
    JsError error = ErrorFromTryCatch(isolate_, context, try_catch);
    try_catch.Reset();
    PerformMicrotaskCheckpoint();
    pending_error_.reset();
    return error;
  }
  PerformMicrotaskCheckpoint();
  if (pending_error_) return TakePendingError();
  return {};
}

Result<void> Runtime::RunMainFile(const std::string& path, ScriptKind kind) {
  if (kind == ScriptKind::kByExtension && absl::EndsWith(path, ".cjs")) {
    kind = ScriptKind::kCommonJs;
  }
  bool as_module = kind == ScriptKind::kModule ||
                   (kind == ScriptKind::kByExtension && absl::EndsWith(path, ".mjs"));
  Result<void> executed = as_module                        ? ExecuteModuleFile(path)
                          : kind == ScriptKind::kCommonJs ? ExecuteCommonJsFile(path)
                                                           : ExecuteScriptFile(path);
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
  if (heap_limit_exceeded()) return TerminationError();
  // Platform tasks (run from inside uv_run and FlushPlatformTasks) expect the isolate entered.
  RuntimeScope scope(this);
  while (true) {
    uv_run(loop_, UV_RUN_DEFAULT);
    if (pending_error_) break;
    // Foreground tasks V8 queued while nothing kept the loop running (a
    // FinalizationRegistry cleanup after a collection): the platform's uv_async is
    // unref'd, so uv_run returned without running them.
    FlushPlatformTasks();
    // Completions of unref'd ops: queued, but nothing ref'd woke the loop for them.
    DeliverAsyncCompletions();
    PerformMicrotaskCheckpoint();
    if (pending_error_) break;
    // V8's own background work that will settle a promise (a WebAssembly compile) keeps
    // the loop alive; work no script can observe (TurboFan jobs, GC) does not.
    KeepAliveForBackgroundWork();
    if (!HasPendingWork()) break;
  }
  return TakePendingError();
}

Result<bool> Runtime::RunEventLoopOnce(bool wait) {
  if (pending_error_) return TakePendingError().error();
  if (heap_limit_exceeded()) return TerminationError();
  RuntimeScope scope(this);
  KeepAliveForBackgroundWork();
  uv_run(loop_, wait ? UV_RUN_ONCE : UV_RUN_NOWAIT);
  FlushPlatformTasks();
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
  if (isolate_ == nullptr) return false;  // shut down
  return uv_loop_alive(loop_) != 0 || async_ops_->has_queued_completions() ||
         isolate_->HasPendingBackgroundTasks();
}

void Runtime::FlushPlatformTasks() {
  if (TerminationRequested()) return;
  while (Platform()->FlushForegroundTasks(isolate_)) {
  }
}

// While V8 has background work that will post a foreground task (HasPendingBackgroundTasks:
// a WebAssembly compile under way), a ref'd timer keeps uv_run waiting: the task's
// uv_async wakes the loop, and the timer stops itself once the work is done.
void Runtime::KeepAliveForBackgroundWork() {
  if (uv_is_active(reinterpret_cast<uv_handle_t*>(&background_keep_alive_))) return;
  if (!isolate_->HasPendingBackgroundTasks()) return;
  uv_timer_start(&background_keep_alive_, &Runtime::OnBackgroundKeepAlive,
                 kBackgroundPollMs, kBackgroundPollMs);
}

void Runtime::OnBackgroundKeepAlive(uv_timer_t* handle) {
  auto* runtime = static_cast<Runtime*>(handle->data);
  if (!runtime->isolate_->HasPendingBackgroundTasks()) uv_timer_stop(handle);
}

void Runtime::SetNextAsyncOpIdForTesting(uint32_t id) {
  RuntimeScope scope(this);
  v8::Local<v8::Context> context = scope.context();
  Property(context, internals(), "async")
      .As<v8::Object>()
      ->Set(context, OneByteString(isolate_, "nextId"), v8::Integer::NewFromUnsigned(isolate_, id))
      .Check();
}

Runtime::AsyncOpCounts Runtime::CountAsyncOpsForTesting() {
  RuntimeScope scope(this);
  v8::Local<v8::Context> context = scope.context();
  v8::Local<v8::Object> async_support = Property(context, internals(), "async").As<v8::Object>();
  v8::Local<v8::Object> js_counts = Property(context, async_support, "counts")
                                        .As<v8::Function>()
                                        ->Call(context, async_support, 0, nullptr)
                                        .ToLocalChecked()
                                        .As<v8::Object>();
  AsyncOpCounts counts;
  counts.native = async_ops_->pending_count();
  counts.ring = Property(context, js_counts, "ring")->Uint32Value(context).FromJust();
  counts.overflow = Property(context, js_counts, "overflow")->Uint32Value(context).FromJust();
  return counts;
}

bool Runtime::RunMicrotasks() {
  PerformMicrotaskCheckpoint();
  return !pending_error_.has_value();
}

void Runtime::ReportUncaughtError(v8::Local<v8::Value> exception) {
  v8::HandleScope scope(isolate_);
  v8::Local<v8::Context> context = this->context();
  UncaughtException(context, exception, v8::Exception::CreateMessage(isolate_, exception));
}

void Runtime::UncaughtException(v8::Local<v8::Context> context, v8::Local<v8::Value> exception,
                                v8::Local<v8::Message> message) {
  if (pending_error_ || HandledByErrorEvent(context, exception, message)) return;
  RecordUncaughtError(JsErrorFromException(isolate_, context, exception, message));
}

bool Runtime::HandledByErrorEvent(v8::Local<v8::Context> context,
                                  v8::Local<v8::Value> exception,
                                  v8::Local<v8::Message> message) {
  v8::Local<v8::Value> argv[5] = {exception, v8::Undefined(isolate_), v8::Undefined(isolate_),
                                  v8::Undefined(isolate_), v8::Undefined(isolate_)};
  if (!message.IsEmpty()) {
    argv[1] = message->Get();
    argv[2] = message->GetScriptResourceName();
    argv[3] = v8::Integer::New(isolate_, message->GetLineNumber(context).FromMaybe(0));
    argv[4] = v8::Integer::New(isolate_, message->GetStartColumn(context).FromMaybe(-1) + 1);
  }
  return CallErrorHook(context, "onUncaughtError", 5, argv);
}

bool Runtime::HandledByRejectionEvent(v8::Local<v8::Context> context,
                                      v8::Local<v8::Promise> promise,
                                      v8::Local<v8::Value> reason) {
  v8::Local<v8::Value> argv[2] = {promise, reason};
  return CallErrorHook(context, "onUnhandledRejection", 2, argv);
}

bool Runtime::CallErrorHook(v8::Local<v8::Context> context, const char* name, int argc,
                            v8::Local<v8::Value>* argv) {
  // An error inside the hook's own dispatch (a throwing `error` listener) is reported
  // plainly: the event is not dispatched again for it.
  if (in_error_hook_) return false;
  v8::Local<v8::Value> hook;
  if (!InternalsOf(context)->Get(context, OneByteString(isolate_, name)).ToLocal(&hook) ||
      !hook->IsFunction()) {
    return false;
  }
  in_error_hook_ = true;
  v8::TryCatch try_catch(isolate_);
  v8::Local<v8::Value> handled;
  bool ok = hook.As<v8::Function>()->Call(context, v8::Undefined(isolate_), argc, argv)
                .ToLocal(&handled);
  in_error_hook_ = false;
  if (!ok) {
    if (try_catch.HasCaught() && !try_catch.HasTerminated()) {
      RecordUncaughtError(ErrorFromTryCatch(isolate_, context, try_catch));
    }
    return false;
  }
  return handled->IsTrue();
}

void Runtime::OnWasmStreaming(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  Runtime* runtime = Runtime::From(isolate);
  std::shared_ptr<v8::WasmStreaming> streaming = v8::WasmStreaming::Unpack(isolate, info.Data());
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::Value> hook;
  if (!runtime->GetInternal("wasmStreaming").ToLocal(&hook) || !hook->IsFunction()) {
    streaming->Abort(v8::Exception::TypeError(OneByteString(
        isolate, "WebAssembly streaming compilation needs a Response, and this runtime has no "
                 "fetch extension")));
    return;
  }
  ResourceTable& resources = runtime->op_state().resources();
  ResourceId rid = resources.Add(std::make_unique<WasmStreamingResource>(streaming));
  v8::Local<v8::Value> argv[] = {info[0], v8::Integer::NewFromUnsigned(isolate, rid.value)};
  v8::TryCatch try_catch(isolate);
  if (hook.As<v8::Function>()->Call(context, v8::Undefined(isolate), 2, argv).IsEmpty() &&
      try_catch.CanContinue()) {
    // The hook (an async function) threw before its first await: reject with that.
    absl::StatusOr<std::unique_ptr<WasmStreamingResource>> open =
        resources.Take<WasmStreamingResource>(rid);
    if (open.ok()) (*open)->streaming().Abort(try_catch.Exception());
  }
}

v8::MaybeLocal<v8::Value> Runtime::GetInternal(std::string_view name) {
  v8::EscapableHandleScope scope(isolate_);
  v8::Local<v8::Context> context = this->context();
  v8::Local<v8::Value> value;
  if (!internals()->Get(context, Utf8String(isolate_, name)).ToLocal(&value) ||
      value->IsUndefined()) {
    return {};
  }
  return scope.Escape(value);
}

// Records the snapshot's modules (V8 gives them back by index) and drops every handle
// the runtime holds, as SnapshotCreator requires; the context becomes the default one.
absl::Status Runtime::SerializeInto(v8::SnapshotCreator* creator) {
  v8::HandleScope handle_scope(isolate_);
  v8::Local<v8::Context> context = this->context();
  v8::Context::Scope context_scope(context);
  std::vector<std::pair<std::string, v8::Local<v8::Module>>> modules = modules_->BuiltinModules();
  std::vector<v8::Local<v8::Value>> specifiers;
  for (size_t i = 0; i < modules.size(); ++i) {
    specifiers.push_back(Utf8String(isolate_, modules[i].first));
    if (creator->AddData(context, modules[i].second) != i) {
      return absl::InternalError("snapshot: unexpected data index");
    }
  }
  internals()
      ->Set(context, OneByteString(isolate_, "snapshotModules"),
            v8::Array::New(isolate_, specifiers.data(), specifiers.size()))
      .Check();
  if (!unhandled_rejections_.empty() || pending_error_) {
    return absl::InternalError("snapshot: the extensions left an error behind");
  }
  if (async_ops_->pending_count() != 0 || uv_loop_alive(loop_)) {
    return absl::InternalError(
        "snapshot: the extensions left work pending (an async op, a timer or a handle): "
        "their modules must not start work while they are evaluated");
  }
  // The message listener lives in the heap; every runtime adds its own.
  isolate_->RemoveMessageListeners(&Runtime::OnUncaughtMessage);
  ReleaseHandles();
  creator->SetDefaultContext(context);
  return absl::OkStatus();
}

absl::StatusOr<std::string> CreateSnapshot(std::vector<const Extension*> extensions) {
  RuntimeOptions options;
  options.extensions = std::move(extensions);
  return Runtime::MakeSnapshot(std::move(options), nullptr);
}

// --- Snapshots of an embedder's setup ---

// What the setup left that a snapshot cannot hold, as a clear error; OK when nothing.
absl::Status Runtime::CheckSetupCanBeSnapshotted() {
  RuntimeScope scope(this);
  v8::Local<v8::Context> context = scope.context();
  // A rejection the setup left unhandled becomes the pending error here.
  PerformMicrotaskCheckpoint();
  if (pending_error_) {
    JsError error = *pending_error_;
    pending_error_.reset();
    return absl::FailedPreconditionError(
        absl::StrCat("snapshot: the setup left an uncaught error: ", error.Report()));
  }
  for (const ModuleMap::LoadedModule& loaded : modules_->EvaluatedLoaderModules()) {
    if (loaded.type != ModuleType::kJavaScript ||
        loaded.module->GetStatus() != v8::Module::kEvaluated) {
      continue;
    }
    // Evaluating an evaluated module runs nothing: it gives the (cycle root's) evaluation
    // promise, pending while its top-level await is.
    v8::TryCatch try_catch(isolate_);
    v8::Local<v8::Value> evaluation;
    if (loaded.module->Evaluate(context).ToLocal(&evaluation) && evaluation->IsPromise()) {
      v8::Local<v8::Promise> promise = evaluation.As<v8::Promise>();
      promise->MarkAsHandled();
      if (promise->State() == v8::Promise::kPending) {
        return absl::FailedPreconditionError(absl::StrCat(
            "snapshot: the top-level await of ", loaded.url,
            " has not settled when the setup returned (Runtime::LoadModule waits for it)"));
      }
    }
  }
  if (size_t pending = async_ops_->pending_count(); pending != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "snapshot: the setup left ", pending, " async op", pending == 1 ? "" : "s",
        " pending (a promise of an op nothing awaited): a snapshot cannot hold work in flight; "
        "await it in the setup"));
  }
  // Active handles on the loop besides the runtime's own (the async handles of the
  // runtime, its ops and the platform are always there and hold nothing of the setup).
  struct Walk {
    Runtime* runtime;
    std::vector<std::string> names;
  } walk{this, {}};
  uv_walk(
      loop_,
      [](uv_handle_t* handle, void* data) {
        auto* walk = static_cast<Walk*>(data);
        Runtime* runtime = walk->runtime;
        if (!uv_is_active(handle) || uv_is_closing(handle) || handle->type == UV_ASYNC ||
            handle == reinterpret_cast<uv_handle_t*>(&runtime->turn_end_) ||
            handle == reinterpret_cast<uv_handle_t*>(&runtime->background_keep_alive_)) {
          return;
        }
        walk->names.push_back(HandleTypeName(handle));
      },
      &walk);
  if (!walk.names.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "snapshot: the setup left work on the event loop (", absl::StrJoin(walk.names, ", "),
        "; a timer is a setTimeout or setInterval not cleared): a snapshot cannot hold it"));
  }
  std::vector<std::pair<ResourceId, std::string>> open = op_state_->resources().List();
  if (!open.empty()) {
    std::vector<std::string> names;
    for (const auto& [id, name] : open) names.push_back(absl::StrCat(name, " (", id.value, ")"));
    return absl::FailedPreconditionError(absl::StrCat(
        "snapshot: the setup left ", open.size(), " resource", open.size() == 1 ? "" : "s",
        " open: ", absl::StrJoin(names, ", "),
        ": native state cannot go into a snapshot; close them in the setup"));
  }
  handles_->ReleaseQueued();
  if (size_t live = handles_->live_count(); live != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "snapshot: ", live, " host handle", live == 1 ? " is" : "s are",
        " still held (a JsValue, JsFunction or JsModule kept past the setup): a snapshot "
        "cannot hold host handles; let them go before the setup returns"));
  }
  return absl::OkStatus();
}

// A runtime from a snapshot of an embedder's setup: its modules go back into the map, by
// URL, with their types.
absl::Status Runtime::AttachSnapshotLoaderModules() {
  if (snapshot_loader_modules_.empty() && snapshot_main_url_.empty()) return absl::OkStatus();
  RuntimeScope scope(this);
  v8::Local<v8::Context> context = scope.context();
  for (const SnapshotLoaderModule& entry : snapshot_loader_modules_) {
    v8::Local<v8::Module> module;
    if (!context->GetDataFromSnapshotOnce<v8::Module>(entry.data_index).ToLocal(&module)) {
      return absl::InternalError(absl::StrCat("snapshot: the module ", entry.url, " is missing"));
    }
    modules_->AddSnapshotModule(entry.url, entry.json ? ModuleType::kJson : ModuleType::kJavaScript,
                                module);
  }
  snapshot_loader_modules_.clear();
  if (!snapshot_main_url_.empty()) modules_->set_entry_url(snapshot_main_url_);
  return absl::OkStatus();
}

absl::StatusOr<std::string> CreateSnapshot(RuntimeOptions options,
                                           const std::function<Result<void>(Runtime&)>& setup) {
  if (options.loop != nullptr) {
    return absl::InvalidArgumentError(
        "CreateSnapshot: RuntimeOptions::loop must be null (the runtime that is snapshotted "
        "runs on a loop of its own)");
  }
  if (options.op_metrics) {
    return absl::InvalidArgumentError(
        "CreateSnapshot: a runtime with op_metrics cannot be snapshotted (its op bindings "
        "count calls through per-runtime data)");
  }
  return Runtime::MakeSnapshot(std::move(options), &setup);
}

// Both CreateSnapshot()s: the extensions evaluated (and, with a setup, the runtime
// attached, the setup run and checked), then the blob with its header (core/snapshot.h).
absl::StatusOr<std::string> Runtime::MakeSnapshot(RuntimeOptions options,
                                                  const SnapshotSetup* setup) {
  std::unique_ptr<Runtime> runtime(new Runtime(std::move(options)));
  absl::Status status = runtime->Initialize(/*for_snapshot=*/true);
  if (setup != nullptr) {
    // The setup runs in a runtime like any other: per-runtime facts attached.
    if (status.ok()) status = runtime->AttachRuntime();
    if (status.ok() && *setup) {
      Result<void> set_up = (*setup)(*runtime);
      if (!set_up.ok()) {
        status = absl::FailedPreconditionError(
            absl::StrCat("snapshot: the setup failed: ", set_up.error().Report()));
      }
    }
    if (status.ok()) status = runtime->CheckSetupCanBeSnapshotted();
  }
  std::vector<SnapshotHeader::Module> modules;
  std::string main_url;
  std::vector<std::pair<std::string, std::string_view>> uncompiled;  // the lazy modules
  v8::StartupData blob{nullptr, 0};
  if (status.ok()) {
    v8::Isolate::Scope isolate_scope(runtime->isolate_);
    v8::HandleScope handle_scope(runtime->isolate_);
    v8::Local<v8::Context> context = runtime->context();
    std::vector<ModuleMap::LoadedModule> loaded = runtime->modules_->EvaluatedLoaderModules();
    uncompiled = runtime->modules_->UncompiledBuiltinSources();
    main_url = runtime->modules_->entry_url();
    // The extension modules first (SerializeInto, which also drops every handle), then the
    // setup's, by data index.
    status = runtime->SerializeInto(runtime->snapshot_creator_.get());
    if (status.ok()) {
      for (const ModuleMap::LoadedModule& module : loaded) {
        SnapshotHeader::Module entry;
        entry.data_index = runtime->snapshot_creator_->AddData(context, module.module);
        entry.json = module.type == ModuleType::kJson;
        entry.url = module.url;
        modules.push_back(std::move(entry));
      }
    }
  }
  if (status.ok()) {
    blob = runtime->snapshot_creator_->CreateBlob(v8::SnapshotCreator::FunctionCodeHandling::kKeep);
  } else if (runtime->isolate_ != nullptr && !runtime->context_.IsEmpty()) {
    v8::Isolate::Scope isolate_scope(runtime->isolate_);
    runtime->ReleaseHandles();
  }
  // An error before the isolate existed (an extension's missing dependency) leaves nothing
  // to close.
  runtime->shut_down_ = true;
  absl::Status closed = runtime->isolate_ != nullptr ? runtime->CloseLoopAndIsolate()
                                                     : absl::OkStatus();
  if (!status.ok()) return status;
  if (!closed.ok()) return closed;
  if (blob.data == nullptr) return absl::InternalError("snapshot: V8 made no blob");
  std::string names;
  for (const Extension* extension : runtime->extensions_) {
    absl::StrAppend(&names, names.empty() ? "" : " ", extension->name);
  }
  std::string header = absl::StrCat(kSnapshotMagic, "fingerprint ",
                                    absl::Hex(runtime->snapshot_fingerprint_), "\nextensions ",
                                    names, "\n");
  for (const SnapshotHeader::Module& module : modules) {
    absl::StrAppend(&header, "module ", module.data_index, module.json ? " json " : " js ",
                    absl::CEscape(module.url), "\n");
  }
  if (!main_url.empty()) absl::StrAppend(&header, "main ", absl::CEscape(main_url), "\n");
  std::vector<std::pair<std::string, std::string>> caches = MakeBuiltinCodeCaches(uncompiled);
  absl::StrAppend(&header, "blob_size ", blob.raw_size, "\n");
  for (const auto& [specifier, cache] : caches) {
    absl::StrAppend(&header, "code_cache ", cache.size(), " ", absl::CEscape(specifier), "\n");
  }
  std::string bytes = absl::StrCat(header, "\n", absl::string_view(blob.data, blob.raw_size));
  delete[] blob.data;
  for (const auto& [specifier, cache] : caches) bytes += cache;
  return bytes;
}

bool Runtime::CallMacrotask(v8::Local<v8::Function> function, int argc,
                            v8::Local<v8::Value>* argv, v8::Local<v8::Value>* result) {
  if (pending_error_ || TerminationRequested()) return false;
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
      v8::Local<v8::Value> exception = try_catch.Exception();
      v8::Local<v8::Message> message = try_catch.Message();
      try_catch.Reset();
      UncaughtException(context, exception, message);
    }
  }
  PerformMicrotaskCheckpoint();
  if (ok && result != nullptr) *result = handle_scope.Escape(value);
  return ok && !pending_error_;
}

void Runtime::DeliverAsyncCompletions() {
  // The loop is stopping: no further callbacks run.
  if (pending_error_ || TerminationRequested()) return;
  RuntimeScope scope(this);
  v8::Local<v8::Context> context = scope.context();
  v8::TryCatch try_catch(isolate_);
  if (!async_ops_->Deliver(context) && try_catch.HasCaught() && !try_catch.HasTerminated()) {
    v8::Local<v8::Value> exception = try_catch.Exception();
    v8::Local<v8::Message> message = try_catch.Message();
    try_catch.Reset();
    UncaughtException(context, exception, message);
  }
}

void Runtime::PerformMicrotaskCheckpoint() {
  if (TerminationRequested()) return RecordTermination();
  // Most checkpoints (one after every timer callback) find nothing to report: they skip
  // the call, context and handle scopes the reporting below needs. A module whose
  // top-level await is pending (a script's main module, for the whole run) is looked at
  // under a handle scope alone.
  v8::Isolate::Scope isolate_scope(isolate_);
  isolate_->PerformMicrotaskCheckpoint();
  if (TerminationRequested()) return RecordTermination();
  if (unhandled_rejections_.empty() && handled_after_report_.empty() &&
      !AnyModuleEvaluationSettled()) {
    return;
  }
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
      UncaughtException(context, reason, v8::Exception::CreateMessage(isolate_, reason));
    }
    it = module_evaluations_.erase(it);
  }

  // Promises whose `unhandledrejection` event a listener handled and that got a handler
  // since: a `rejectionhandled` event each (HTML; the hook checks the first).
  while (!handled_after_report_.empty() && !pending_error_) {
    std::vector<v8::Global<v8::Promise>> handled;
    handled.swap(handled_after_report_);
    for (v8::Global<v8::Promise>& promise_handle : handled) {
      if (pending_error_) break;
      v8::Local<v8::Promise> promise = promise_handle.Get(isolate_);
      v8::Local<v8::Value> argv[2] = {promise, promise->Result()};
      CallErrorHook(context, "onRejectionHandled", 2, argv);
    }
    isolate_->PerformMicrotaskCheckpoint();
  }
  handled_after_report_.clear();

  // Each unhandled rejection, in order, gets its `unhandledrejection` event; the first
  // that no listener handles becomes the uncaught error. Promises the listeners reject
  // (and leave unhandled once their microtasks ran) get theirs in the next round.
  while (!unhandled_rejections_.empty() && !pending_error_) {
    std::vector<std::pair<v8::Global<v8::Promise>, v8::Global<v8::Value>>> rejections;
    rejections.swap(unhandled_rejections_);
    for (auto& [promise_handle, reason_handle] : rejections) {
      if (pending_error_) break;
      v8::Local<v8::Promise> promise = promise_handle.Get(isolate_);
      v8::Local<v8::Value> reason = reason_handle.Get(isolate_);
      if (HandledByRejectionEvent(context, promise, reason)) continue;
      JsError error = JsErrorFromException(isolate_, context, reason,
                                           v8::Exception::CreateMessage(isolate_, reason));
      error.from_rejection = true;
      RecordUncaughtError(std::move(error));
    }
    isolate_->PerformMicrotaskCheckpoint();
  }
  unhandled_rejections_.clear();
}

bool Runtime::AnyModuleEvaluationSettled() {
  if (module_evaluations_.empty()) return false;
  v8::HandleScope handle_scope(isolate_);
  for (const v8::Global<v8::Promise>& evaluation : module_evaluations_) {
    if (evaluation.Get(isolate_)->State() != v8::Promise::kPending) return true;
  }
  return false;
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

bool Runtime::ForgetUnhandledRejection(v8::Local<v8::Promise> promise) {
  for (auto it = unhandled_rejections_.begin(); it != unhandled_rejections_.end(); ++it) {
    if (it->first == promise) {
      unhandled_rejections_.erase(it);
      return true;
    }
  }
  return false;
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
      if (!runtime->ForgetUnhandledRejection(promise)) {
        runtime->handled_after_report_.emplace_back(isolate, promise);
      }
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
  runtime->UncaughtException(isolate->GetCurrentContext(), exception, message);
}

JsError Runtime::TerminationError() const {
  if (heap_limit_exceeded()) {
    return HostError("HeapLimitError", absl::StrCat("JavaScript heap limit of ",
                                                    options_.max_heap_size_mb, " MiB exceeded"));
  }
  return HostError("Terminated", "execution terminated");
}

void Runtime::Terminate() {
  std::lock_guard<std::mutex> lock(termination_->mutex);
  if (termination_->isolate == nullptr || termination_->active_calls == 0) return;
  termination_->requested = true;
  termination_->isolate->TerminateExecution();
  uv_async_send(&termination_->wakeup);
}

// From the isolate's thread (the heap callback) or any thread (the allocator's count).
void Runtime::HeapLimitReached() {
  heap_limit_exceeded_ = true;
  std::lock_guard<std::mutex> lock(termination_->mutex);
  if (termination_->isolate == nullptr) return;
  termination_->requested = true;
  termination_->isolate->TerminateExecution();
  uv_async_send(&termination_->wakeup);
}

Runtime::CallScope::CallScope(const Runtime* runtime) : runtime_(runtime) {
  std::lock_guard<std::mutex> lock(runtime_->termination_->mutex);
  ++runtime_->termination_->active_calls;
}

Runtime::CallScope::~CallScope() {
  Termination& termination = *runtime_->termination_;
  std::lock_guard<std::mutex> lock(termination.mutex);
  if (--termination.active_calls > 0 || !termination.requested) return;
  // A runtime past its heap limit stays terminating: no JavaScript runs in it again.
  if (runtime_->heap_limit_exceeded()) return;
  termination.requested = false;
  if (termination.isolate != nullptr) termination.isolate->CancelTerminateExecution();
}

// The call in progress ends with the termination error and the loop stops.
void Runtime::RecordTermination() {
  pending_error_ = TerminationError();
  uv_stop(loop_);
}

void Runtime::OnTerminationWakeup(uv_async_t* handle) {
  auto* runtime = static_cast<Runtime*>(handle->data);
  if (runtime->TerminationRequested()) runtime->RecordTermination();
}

// V8 is about to run out of heap: stop the script and give the collection under way
// (and the builtin that allocates) room to finish, rather than letting V8 abort the
// process.
size_t Runtime::OnNearHeapLimit(void* data, size_t current_heap_limit, size_t initial_heap_limit) {
  auto* runtime = static_cast<Runtime*>(data);
  runtime->HeapLimitReached();
  if (runtime->heap_limit_raises_ >= kMaxHeapLimitRaises) return current_heap_limit;
  ++runtime->heap_limit_raises_;
  return current_heap_limit + std::max(kHeapLimitSlackBytes, current_heap_limit);
}

// V8 ran out of memory past the raised heap limit; it cannot go on (the process ends when
// this returns). Says which limit in one line and exits with status 1 instead of V8's
// abort.
void Runtime::OnOutOfMemory(const char* location, bool is_heap_oom) {
  Runtime* runtime = From(v8::Isolate::GetCurrent());
  std::string line =
      runtime != nullptr && runtime->options_.max_heap_size_mb != 0
          ? absl::StrCat("HeapLimitError: JavaScript heap limit of ",
                         runtime->options_.max_heap_size_mb, " MiB exceeded (", location, ")\n")
          : absl::StrCat("kiln: out of memory (", location, ")\n");
  WriteAll(2, line.data(), line.size());
  _exit(1);
}

// Memory outside V8's heap that V8 knows of (ArrayBuffers whatever made them, such as an
// op adopting malloc'd bytes; external strings; what the embedder reports) counts against
// the same limit. V8 collects garbage as that memory grows, so it is checked after each
// collection.
void Runtime::CheckExternalMemory(v8::Isolate* isolate, v8::GCType type,
                                  v8::GCCallbackFlags flags, void* data) {
  auto* runtime = static_cast<Runtime*>(data);
  if (runtime->heap_limit_exceeded()) return;
  v8::HeapStatistics statistics;
  isolate->GetHeapStatistics(&statistics);
  if (statistics.external_memory() > (runtime->options_.max_heap_size_mb << 20)) {
    runtime->HeapLimitReached();
  }
}

void Runtime::OnTurnEnd(uv_check_t* handle) {
  auto* runtime = static_cast<Runtime*>(handle->data);
  if (uv_is_closing(reinterpret_cast<uv_handle_t*>(handle))) return;
  runtime->DeliverAsyncCompletions();
  runtime->PerformMicrotaskCheckpoint();
}

// --- Modules and calls for embedders ---

JsValue Runtime::Hold(v8::Local<v8::Value> value) { return JsValue(handles_, value); }

Result<JsModule> Runtime::LoadModule(std::string_view specifier) {
  if (pending_error_) return TakePendingError().error();
  if (heap_limit_exceeded()) return TerminationError();
  RuntimeScope scope(this);
  v8::Local<v8::Context> context = scope.context();
  handles_->ReleaseQueued();
  std::string entry(specifier);
  v8::Local<v8::Module> module;
  JsError error;
  if (!LoadGraph(
          context, [&] { return modules_->FetchEntry(context, entry); }, entry, &module, &error)) {
    return error;
  }
  return EvaluateForHost(context, module);
}

Result<JsModule> Runtime::LoadModuleFromSource(std::string_view url, std::string_view source) {
  if (pending_error_) return TakePendingError().error();
  if (heap_limit_exceeded()) return TerminationError();
  RuntimeScope scope(this);
  v8::Local<v8::Context> context = scope.context();
  handles_->ReleaseQueued();
  std::string resolved(url);
  if (url.find(':') == std::string_view::npos || resolved.rfind("./", 0) == 0 ||
      resolved.rfind("../", 0) == 0 || resolved.rfind("/", 0) == 0) {
    std::string error;
    resolved = modules_->ResolveUrl(std::string(url), "", &error);
    if (resolved.empty()) return HostError("Error", error);
  }
  if (!modules_->Find(resolved).IsEmpty()) {
    return HostError("Error", absl::StrCat("a module is already loaded from ", resolved));
  }
  v8::Local<v8::Module> module;
  JsError error;
  if (!LoadGraph(
          context, [&] { return modules_->CompileSource(context, resolved, source); }, resolved,
          &module, &error)) {
    return error;
  }
  return EvaluateForHost(context, module);
}

bool Runtime::LoadGraph(v8::Local<v8::Context> context,
                        const std::function<v8::MaybeLocal<v8::Module>()>& fetch_root,
                        std::string_view what, v8::Local<v8::Module>* module, JsError* error) {
  for (bool first = true;; first = false) {
    {
      v8::TryCatch try_catch(isolate_);
      modules_->BeginFetch();
      bool fetched = fetch_root().ToLocal(module);
      bool pending = false;
      if (!try_catch.HasCaught()) {
        // The first pass loads everything a synchronous loader has; later passes (after
        // asynchronous loads settled) look for what is still missing.
        pending = !fetched || modules_->hit_pending() ||
                  (!first && modules_->GraphPending(context, *module));
      }
      if (try_catch.HasCaught()) {
        *error = ErrorFromTryCatch(isolate_, context, try_catch);
        return false;
      }
      if (!pending) {
        if (modules_->Link(context, *module).IsEmpty()) {
          *error = ErrorFromTryCatch(isolate_, context, try_catch);
          return false;
        }
        return true;
      }
    }
    if (TerminationRequested()) {
      *error = TerminationError();
      return false;
    }
    if (!HasPendingWork()) {
      *error = HostError("Error", absl::StrCat("the module loads of ", std::string(what),
                                               " never completed"));
      return false;
    }
    Result<bool> turn = RunEventLoopOnce(/*wait=*/true);
    if (!turn.ok()) {
      *error = turn.error();
      return false;
    }
  }
}

Result<JsModule> Runtime::EvaluateForHost(v8::Local<v8::Context> context,
                                          v8::Local<v8::Module> module) {
  std::string url = modules_->UrlOf(module);
  v8::Local<v8::Value> evaluation;
  {
    v8::TryCatch try_catch(isolate_);
    if (!module->Evaluate(context).ToLocal(&evaluation)) {
      return ErrorFromTryCatch(isolate_, context, try_catch);
    }
  }
  // The evaluation promise is this call's: its rejection is reported here, once.
  v8::Local<v8::Promise> promise = evaluation.As<v8::Promise>();
  promise->MarkAsHandled();
  ForgetUnhandledRejection(promise);
  PerformMicrotaskCheckpoint();
  if (pending_error_) return TakePendingError().error();
  if (promise->State() == v8::Promise::kPending) {
    Result<void> settled =
        DriveUntilSettled(promise, absl::StrCat("the top-level await of ", url));
    if (!settled.ok()) return settled.error();
  }
  if (promise->State() == v8::Promise::kRejected) {
    v8::Local<v8::Value> reason = promise->Result();
    return JsErrorFromException(isolate_, context, reason,
                                v8::Exception::CreateMessage(isolate_, reason));
  }
  modules_->ProduceCodeCache();
  return JsModule(Hold(module->GetModuleNamespace()), url);
}

Result<JsValue> Runtime::GetExport(const JsModule& module, std::string_view name) {
  if (!module.module_namespace().BelongsTo(handles_.get()) || !module.alive()) {
    return HostError("TypeError", "GetExport: the module handle is empty or of another runtime");
  }
  RuntimeScope scope(this);
  v8::Local<v8::Context> context = scope.context();
  handles_->ReleaseQueued();
  v8::Local<v8::Object> ns = module.module_namespace().Get(isolate_).As<v8::Object>();
  v8::Local<v8::String> key = Utf8String(isolate_, name);
  v8::TryCatch try_catch(isolate_);
  v8::Local<v8::Value> value;
  if (!ns->HasOwnProperty(context, key).FromMaybe(false)) {
    if (try_catch.HasCaught()) return ErrorFromTryCatch(isolate_, context, try_catch);
    return HostError("TypeError", absl::StrCat("The requested module '", module.url(),
                                               "' does not provide an export named '",
                                               std::string(name), "'"));
  }
  if (!ns->Get(context, key).ToLocal(&value)) {
    return ErrorFromTryCatch(isolate_, context, try_catch);
  }
  return Hold(value);
}

Result<void> Runtime::DriveUntilSettled(v8::Local<v8::Promise> promise, std::string_view what) {
  while (promise->State() == v8::Promise::kPending) {
    if (TerminationRequested()) return TerminationError();
    if (!HasPendingWork()) return HostError("Error", absl::StrCat(std::string(what), " never settled"));
    Result<bool> turn = RunEventLoopOnce(/*wait=*/true);
    if (!turn.ok()) return turn.error();
  }
  return {};
}

Result<void> Runtime::CallWith(const internal::CallTarget& target,
                               internal::CallArguments& arguments, internal::CallResult& result,
                               const CallOptions& options) {
  if (pending_error_) return TakePendingError();
  if (heap_limit_exceeded()) return TerminationError();
  if (target.value == nullptr || !target.value->BelongsTo(handles_.get()) ||
      !target.value->alive()) {
    return HostError("TypeError", target.value == nullptr || target.value->empty()
                                      ? "Call: the function handle is empty"
                                      : "Call: the handle belongs to another runtime");
  }
  RuntimeScope scope(this);
  handles_->ReleaseQueued();
  std::string what;
  Result<void> outcome;
  bool timed_out = false;
  {
    // Made inside the call's scope (Terminate acts on calls in progress), gone before it.
    std::optional<Watchdog> watchdog;
    if (options.timeout.has_value()) watchdog.emplace(*this, *options.timeout);
    outcome = CallInScope(scope.context(), target, arguments, result, &what);
    timed_out = watchdog.has_value() && watchdog->fired();
  }
  if (!outcome.ok() && timed_out && outcome.error().class_name == "Terminated") {
    return HostError("TimeoutError",
                     absl::StrCat(what, " timed out after ",
                                  absl::ToInt64Milliseconds(*options.timeout), " ms"));
  }
  return outcome;
}

Result<void> Runtime::CallInScope(v8::Local<v8::Context> context,
                                  const internal::CallTarget& target,
                                  internal::CallArguments& arguments,
                                  internal::CallResult& result, std::string* what) {
  v8::Local<v8::Value> callee = target.value->Get(isolate_);
  if (!target.export_name.empty()) {
    std::string export_name(target.export_name);
    std::string module_url(target.module_url);
    *what = absl::StrCat("export '", export_name, "' of ", module_url);
    v8::Local<v8::String> key = Utf8String(isolate_, target.export_name);
    v8::Local<v8::Object> ns = callee.As<v8::Object>();
    v8::TryCatch try_catch(isolate_);
    if (!ns->HasOwnProperty(context, key).FromMaybe(false)) {
      if (try_catch.HasCaught()) return ErrorFromTryCatch(isolate_, context, try_catch);
      return HostError("TypeError", absl::StrCat("The requested module '", module_url,
                                                 "' does not provide an export named '",
                                                 export_name, "'"));
    }
    if (!ns->Get(context, key).ToLocal(&callee)) {
      return ErrorFromTryCatch(isolate_, context, try_catch);
    }
  } else {
    *what = target.function_name.empty() ? std::string("the function")
                                         : std::string(target.function_name);
  }
  if (!callee->IsFunction()) {
    return HostError("TypeError",
                     absl::StrCat(*what, " is not a function (it is ", DescribeType(callee), ")"));
  }

  absl::InlinedVector<v8::Local<v8::Value>, 8> argv(arguments.count());
  v8::Local<v8::Value> value;
  {
    v8::TryCatch try_catch(isolate_);
    if (!arguments.Make(isolate_, argv.data())) {
      if (try_catch.HasCaught()) return ErrorFromTryCatch(isolate_, context, try_catch);
      return HostError("TypeError", absl::StrCat(*what, ": an argument could not be converted"));
    }
    if (!callee.As<v8::Function>()
             ->Call(context, v8::Undefined(isolate_), static_cast<int>(argv.size()), argv.data())
             .ToLocal(&value)) {
      if (!try_catch.HasCaught() || try_catch.HasTerminated() || TerminationRequested()) {
        return TerminationError();
      }
      JsError error = ErrorFromTryCatch(isolate_, context, try_catch);
      try_catch.Reset();
      // Microtasks the function queued before it threw still run; what they leave
      // unhandled is not this call's error.
      PerformMicrotaskCheckpoint();
      if (TerminationRequested()) return TerminationError();
      pending_error_.reset();
      return error;
    }
  }
  if (value->IsPromise()) {
    v8::Local<v8::Promise> promise = value.As<v8::Promise>();
    // The promise is this call's: its rejection is the call's error, not an unhandled one.
    promise->MarkAsHandled();
    ForgetUnhandledRejection(promise);
    PerformMicrotaskCheckpoint();
    if (pending_error_) return TakePendingError();
    if (promise->State() == v8::Promise::kPending) {
      Result<void> settled =
          DriveUntilSettled(promise, absl::StrCat("the promise returned by ", *what));
      if (!settled.ok()) return settled;
    }
    if (promise->State() == v8::Promise::kRejected) {
      v8::Local<v8::Value> reason = promise->Result();
      JsError error = JsErrorFromException(isolate_, context, reason,
                                           v8::Exception::CreateMessage(isolate_, reason));
      error.from_rejection = true;
      return error;
    }
    value = promise->Result();
  } else {
    PerformMicrotaskCheckpoint();
    if (pending_error_) return TakePendingError();
  }
  return result.Take(isolate_, value, *what);
}

}  // namespace kiln
