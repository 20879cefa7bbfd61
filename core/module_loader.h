#ifndef KILN_CORE_MODULE_LOADER_H_
#define KILN_CORE_MODULE_LOADER_H_

// ES modules: where their source comes from (ModuleLoader, the embedder's interface) and
// the runtime's map of compiled modules (ModuleMap).
//
// Every module has a URL: "file:///abs/x.mjs" from the file loader, "memory:///x.js" from
// the in-memory loader, "data:text/javascript,..." for data: URLs, whatever a custom
// loader returns, and "ext:<extension>/<path>" for extension modules. One module instance
// per URL, so a module imported twice or through a cycle is evaluated once.
//
// Specifier rules, checked before the loader is asked:
//   - `ext:<extension>/<path>` (extension modules, from memory) resolves only when the
//     importing module is itself an `ext:` module; from anywhere else it fails as if the
//     module did not exist. `./` and `../` inside an ext: module stay inside it.
//   - `kiln:<name>` resolves to the extension module published under that name.
//   - `data:` URLs (text/javascript or application/json; base64 or percent-encoded) are
//     read by the map itself, whatever the loader.
// Everything else goes to the runtime's ModuleLoader: Resolve(specifier, referrer URL)
// gives the URL, Load(url) the source.
//
// Module types: JavaScript, JSON (`import data from "./a.json" assert { type: "json" }`:
// a module whose default export is the parsed value), or CommonJS (core/commonjs.h: run by
// require(), and imported as a module whose default export is its `module.exports`). The
// import's `type` assertion must match the module's type: a JSON module imported without
// it, a JavaScript module imported with it, or an unknown type fails with the TypeError
// Node 18 throws.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "core/code_cache.h"
#include "core/package_resolver.h"
#include "ops/future.h"
#include "ops/op_state.h"
#include "v8.h"

namespace kiln {

class CommonJs;

// kJavaScript is an ES module.
enum class ModuleType { kJavaScript, kJson, kCommonJs };

// What a loader returns for a URL.
struct ModuleSource {
  std::string source;
  ModuleType type = ModuleType::kJavaScript;
  // For kCommonJs: the format was not declared (a .js file whose package.json has no
  // "type"), so the source is an ES module after all if it has ES module syntax (import
  // or export statements, import.meta), as Node 22 detects it.
  bool detect_module_syntax = false;
};

// Where a runtime's modules come from (RuntimeOptions::module_loader). Called on the
// runtime's thread; a loader shared by runtimes on several threads must be thread-safe
// (the built-in ones are).
class ModuleLoader {
 public:
  virtual ~ModuleLoader() = default;

  // The URL of the module `specifier` names, imported from the module at URL `referrer`
  // (empty: the embedder's top level, as for Runtime::LoadModule or the kiln command's
  // main file). A failed status is thrown as an Error naming the specifier and the
  // referrer; NotFound becomes "Cannot find module '<specifier>' imported from <referrer>"
  // (code ERR_MODULE_NOT_FOUND).
  virtual absl::StatusOr<std::string> Resolve(std::string_view specifier,
                                              std::string_view referrer) = 0;

  // The source of the module at `url` (a URL Resolve returned). Return a ready Future to
  // load synchronously (a value, or a failed status: NotFound as above, anything else
  // thrown as "Cannot load module ..."), or a pending one made with MakeFuture(state) and
  // completed later from any thread: the import (static or dynamic) waits for it while
  // the runtime's loop runs.
  virtual Future<ModuleSource> Load(OpState& state, const std::string& url) = 0;

  // For require() (core/commonjs.h), which cannot wait: the URL of what `specifier`
  // names, required from the module at `referrer` (default: Resolve), and its source,
  // synchronously (default: FailedPrecondition, this loader does not serve require()).
  // NotFound is thrown as "Cannot find module ..." (code MODULE_NOT_FOUND).
  virtual absl::StatusOr<std::string> ResolveRequire(std::string_view specifier,
                                                     std::string_view referrer);
  virtual absl::StatusOr<ModuleSource> LoadForRequire(const std::string& url);
};

// The default loader: files. Specifiers "./x.mjs", "../x.mjs" (against the importer's
// directory, or the current directory at the top level), "/abs/x.mjs" and
// "file:///abs/x.mjs"; symlinks resolved, so one file is one module. Package specifiers
// ("hono", "@scope/pkg/sub", "#internal") are looked up in node_modules as Node.js does
// for ES modules (core/package_resolver.h: "exports", "imports", conditions). Missing
// files and packages are NotFound. Files ending in ".json" are JSON modules.
// CommonJS, as Node decides it: ".cjs" files; ".js" files whose package.json says
// "type": "commonjs"; and, inside node_modules, ".js" files whose package.json has no
// "type" and that have no ES module syntax. Any other ".js" file is an ES module, as in
// Deno. require() resolves as Node's require() does (PackageEntry::kRequire): the
// "require" condition, "main", extension and index probing.
class FileModuleLoader : public ModuleLoader {
 public:
  absl::StatusOr<std::string> Resolve(std::string_view specifier,
                                      std::string_view referrer) override;
  Future<ModuleSource> Load(OpState& state, const std::string& url) override;
  absl::StatusOr<std::string> ResolveRequire(std::string_view specifier,
                                             std::string_view referrer) override;
  absl::StatusOr<ModuleSource> LoadForRequire(const std::string& url) override;

 private:
  absl::StatusOr<std::string> ResolveAs(std::string_view specifier, std::string_view referrer,
                                        PackageEntry entry);
};

// Modules from memory: name -> source. Thread-safe (Add may run while runtimes load).
//   loader->Add("main.js", "import { f } from './lib/f.js'; ...");
//   loader->Add("lib/f.js", "...");
//   loader->Add("config.json", R"({"a": 1})");       // a JSON module (by its extension)
// A name is a path ("main.js" and "/main.js" are "memory:///main.js") or an absolute URL
// ("https://example.com/x.js" is kept as is). Imports resolve like URLs against the
// importer ("./", "../", "/"), absolute URLs stay themselves, and a bare specifier
// ("lodash") names the module added under that name. Unknown names are NotFound.
class InMemoryModuleLoader : public ModuleLoader {
 public:
  static constexpr std::string_view kBaseUrl = "memory:///";

  InMemoryModuleLoader() = default;
  // Adds (or replaces, for later loads) a module. `type` defaults to JSON for names
  // ending in ".json", CommonJS for ".cjs" and JavaScript otherwise. Returns its URL.
  std::string Add(std::string_view name, std::string source);
  std::string Add(std::string_view name, std::string source, ModuleType type);

  // The URL `name` gets ("memory:///main.js"); empty if it is not a valid URL.
  static std::string UrlOf(std::string_view name);

  absl::StatusOr<std::string> Resolve(std::string_view specifier,
                                      std::string_view referrer) override;
  Future<ModuleSource> Load(OpState& state, const std::string& url) override;
  absl::StatusOr<ModuleSource> LoadForRequire(const std::string& url) override;

 private:
  std::mutex mutex_;
  absl::flat_hash_map<std::string, std::shared_ptr<const ModuleSource>> modules_;
};

// A data: URL's module (text/javascript or application/json; base64 or percent-encoded),
// or InvalidArgument naming what is wrong.
absl::StatusOr<ModuleSource> ParseDataUrl(std::string_view url);

// The runtime's compiled modules, by URL, and the isolate callbacks that reach them
// (static linking, dynamic import(), import.meta). Static imports are all loaded and
// compiled before linking; dynamic import() goes through the same map.
class ModuleMap {
 public:
  ModuleMap(v8::Isolate* isolate, std::shared_ptr<ModuleLoader> loader,
            std::shared_ptr<CodeCache> code_cache, OpState* op_state);
  ~ModuleMap();

  // Installs the isolate-wide callbacks (dynamic import, import.meta).
  static void InstallIsolateCallbacks(v8::Isolate* isolate);

  // Loads and links the module `specifier` names, resolved from the top level, when
  // every load is synchronous (Runtime::LoadModule also waits for asynchronous ones). On
  // failure a JS exception is pending and the result is empty. The first module loaded
  // from the top level is the main module (import.meta.main).
  v8::MaybeLocal<v8::Module> LoadAndLink(v8::Local<v8::Context> context,
                                         const std::string& specifier);
  // After a module graph was evaluated: stores code cache for the modules compiled
  // without one (the cache then holds the functions the evaluation compiled).
  void ProduceCodeCache();

  // Asynchronous loads (a loader's pending Future). Loading a graph compiles what is
  // available and starts the loads that are not; a load that goes pending leaves its
  // importer's LoadSpecifier empty *without* an exception. The runtime then runs its loop
  // (the loads settle through the async op ring) and loads again, until the graph is
  // complete (GraphPending false) or a load failed (an exception).
  //   LoadModule / ExecuteModuleFile: Runtime::LoadGraph drives the loop.
  //   import(): waits in `waiting_imports_`, retried whenever a load settles.
  // Clears the "a load went pending" flag.
  void BeginFetch() { hit_pending_ = false; }
  // A load went pending since BeginFetch.
  bool hit_pending() const { return hit_pending_; }
  // Whether some module in the graph of `module` is still loading (starts loads of
  // imports not yet asked for). On failure an exception is pending.
  bool GraphPending(v8::Local<v8::Context> context, v8::Local<v8::Module> module);
  // The compiled module at `url`, or empty.
  v8::MaybeLocal<v8::Module> Find(const std::string& url) const;
  // Links `module` (once every module of its graph is loaded). On failure an exception is
  // pending.
  v8::MaybeLocal<v8::Module> Link(v8::Local<v8::Context> context, v8::Local<v8::Module> module);
  // Compiles `source` as the module at `url` and loads what it imports (some loads may go
  // pending). On failure an exception is pending.
  v8::MaybeLocal<v8::Module> CompileSource(v8::Local<v8::Context> context,
                                           const std::string& url, std::string_view source);
  // Loads the module `specifier` names from the top level (the first becomes the main
  // module). Empty without an exception: its load went pending.
  v8::MaybeLocal<v8::Module> FetchEntry(v8::Local<v8::Context> context,
                                        const std::string& specifier);

  // Registers an extension module's source, compiled when first imported.
  void AddBuiltinSource(std::string specifier, const char* source, size_t size);
  // The extension modules registered but not compiled (the lazy ones, in a snapshot
  // creator): specifier and source, in specifier order.
  std::vector<std::pair<std::string, std::string_view>> UncompiledBuiltinSources() const;
  // V8 code caches of extension modules by specifier (a snapshot's, made when it was
  // created: CodeCacheForBuiltin): the map must outlive the ModuleMap. An extension module
  // compiled later consumes its entry instead of being parsed; an entry V8 rejects (other
  // V8 flags) just means a normal compile.
  void SetBuiltinCodeCaches(const absl::flat_hash_map<std::string, std::string_view>* caches) {
    builtin_code_caches_ = caches;
  }
  // How those caches served this runtime so far.
  struct BuiltinCodeCacheStats {
    size_t available = 0;  // entries
    size_t consumed = 0;   // modules compiled from their entry
    size_t rejected = 0;   // entries V8 refused (the module was compiled from source)
  };
  BuiltinCodeCacheStats builtin_code_cache_stats() const {
    BuiltinCodeCacheStats stats = builtin_code_cache_stats_;
    stats.available = builtin_code_caches_ == nullptr ? 0 : builtin_code_caches_->size();
    return stats;
  }
  // Compiles the extension module `specifier` in `isolate` (entered, with a context) as a
  // ModuleMap would and returns V8's code cache of it ("" if V8 made none, or the source
  // does not compile).
  static std::string CodeCacheForBuiltin(v8::Isolate* isolate, const std::string& specifier,
                                         std::string_view source);
  // Registers a compiled extension module (a synthetic one, or one from a snapshot),
  // replacing any earlier module of that specifier for later imports.
  void AddBuiltinModule(const std::string& specifier, v8::Local<v8::Module> module);
  // `import "kiln:<name>"` loads `module` (an ext: specifier).
  void Publish(const std::string& specifier, const std::string& module);
  bool HasBuiltin(const std::string& specifier) const;
  // Loads and links the extension module `specifier`. On failure a JS exception is pending.
  v8::MaybeLocal<v8::Module> LoadBuiltinAndLink(v8::Local<v8::Context> context,
                                                const std::string& specifier);
  // Loads, links and evaluates the extension module `specifier` now, from inside running
  // JavaScript (a lazy module: see "Lazy modules" in core/README.md), and returns its
  // namespace. The module graph must not use top-level await. On failure a JS exception is
  // pending.
  v8::MaybeLocal<v8::Object> EvaluateLazyModule(v8::Local<v8::Context> context,
                                                const std::string& specifier);
  // The natives behind `internals.importLazy(specifier)` (the namespace) and
  // `internals.defineLazy(target, specifier, names, enumerable = false)` (a writable,
  // configurable lazy data property on `target` per name, valued the module's export of
  // that name when first read), and the getter of those properties.
  static void ImportLazy(const v8::FunctionCallbackInfo<v8::Value>& info);
  static void DefineLazy(const v8::FunctionCallbackInfo<v8::Value>& info);
  static void GetLazyProperty(v8::Local<v8::Name> name,
                              const v8::PropertyCallbackInfo<v8::Value>& info);

  // Every compiled extension module, in the order they were compiled or added.
  std::vector<std::pair<std::string, v8::Local<v8::Module>>> BuiltinModules() const;

  // The URL (or ext: specifier) `module` was loaded from, or empty.
  std::string UrlOf(v8::Local<v8::Module> module) const;
  // The URL the module `specifier` imported from `referrer_url` resolves to (what
  // import.meta.resolve returns), or empty with `*error` set.
  std::string ResolveUrl(const std::string& specifier, const std::string& referrer_url,
                         std::string* error);
  // The URL a classic script named `resource_name` imports from ("/a/b.js" ->
  // "file:///a/b.js"; "[eval]" and other non-paths: the top level).
  static std::string ReferrerUrlOfScript(const std::string& resource_name);

  // Drops every module handle; called before the isolate goes away.
  void Clear();

  // The runtime's CommonJS modules (core/commonjs.h).
  CommonJs& commonjs() { return *commonjs_; }

  // --- Snapshots of an embedder's setup (CreateSnapshot with a setup, runtime.h) ---
  // A module that did not come from an extension (the loader's, a data: URL's, a
  // LoadModuleFromSource one), as a snapshot records it.
  struct LoadedModule {
    std::string url;
    ModuleType type;
    v8::Local<v8::Module> module;
  };
  // The non-ext: modules whose evaluation has run (evaluated, or failed: the error is
  // kept), in the order they were compiled. Modules only compiled or linked are left
  // out: a runtime made from the snapshot loads them again when imported.
  std::vector<LoadedModule> EvaluatedLoaderModules() const;
  // Registers a module that came back from a snapshot under its URL and type.
  void AddSnapshotModule(const std::string& url, ModuleType type, v8::Local<v8::Module> module);
  // The main module's URL (import.meta.main), empty until one is loaded; a runtime made
  // from a snapshot takes the snapshot's.
  const std::string& entry_url() const { return entry_url_; }
  void set_entry_url(std::string url) { entry_url_ = std::move(url); }
  // The native functions the module map hands to V8 that a snapshot may hold (a JSON
  // module's evaluation steps, import.meta.resolve, an import()'s continuation, the
  // callbacks of an asynchronous load, the lazy-module natives): a snapshot's external
  // references.
  static void AppendExternalReferences(std::vector<intptr_t>* references);

 private:
  struct Record {
    v8::Global<v8::Module> module;
    std::string url;
    ModuleType type = ModuleType::kJavaScript;
    v8::Global<v8::Value> json;  // a JSON module's value, until it is evaluated
    v8::Global<v8::Object> commonjs_module;  // a CommonJS module's module object
    std::vector<std::string> commonjs_names;  // and its export names but "default"
    // Compiled without a code cache entry: one is produced after evaluation.
    bool needs_code_cache = false;
    uint64_t source_hash = 0;
  };
  struct BuiltinSource {
    const char* source;
    size_t size;
  };

  v8::MaybeLocal<v8::Module> Load(v8::Local<v8::Context> context, const std::string& url,
                                  const std::string& specifier, const std::string& referrer);
  // `builtin_cache`: an extension module's code cache to consume (SetBuiltinCodeCaches).
  v8::MaybeLocal<v8::Module> Compile(v8::Local<v8::Context> context, const std::string& url,
                                     std::string_view source, bool use_code_cache,
                                     std::string_view builtin_cache = {});
  v8::MaybeLocal<v8::Module> CompileJson(v8::Local<v8::Context> context, const std::string& url,
                                         std::string_view source);
  // A CommonJS module imported by an ES module: runs it (unless require() did) and makes
  // the module of its exports; one that turns out to be an ES module is compiled as one.
  v8::MaybeLocal<v8::Module> CompileCommonJs(v8::Local<v8::Context> context,
                                             const std::string& url, const ModuleSource& source);
  v8::MaybeLocal<v8::Module> LoadImports(v8::Local<v8::Context> context,
                                         v8::Local<v8::Module> module, const std::string& url);
  Record* AddRecord(const std::string& url, v8::Local<v8::Module> module);
  // Resolves and loads `specifier` imported from `referrer` with import assertions
  // `assertions` ([key, value, (offset,)]... with `stride` 3 or 2). On failure a JS
  // exception is pending.
  v8::MaybeLocal<v8::Module> LoadSpecifier(v8::Local<v8::Context> context,
                                           const std::string& specifier,
                                           const std::string& referrer,
                                           v8::Local<v8::FixedArray> assertions = {},
                                           int stride = 3);
  bool WalkPending(v8::Local<v8::Context> context, v8::Local<v8::Module> module,
                   absl::flat_hash_set<Record*>* visited);
  // Asks the loader for `url`; a pending answer starts an in-flight load.
  bool AskLoader(v8::Local<v8::Context> context, const std::string& url,
                 const std::string& specifier, const std::string& referrer, ModuleSource* out);
  // An in-flight load settled (the ring promise's callbacks; data: [url, specifier,
  // referrer]).
  static void OnLoaded(const v8::FunctionCallbackInfo<v8::Value>& info);
  static void OnLoadFailed(const v8::FunctionCallbackInfo<v8::Value>& info);
  // Retries every waiting import(); settles those whose graph is complete or failed.
  void RetryWaitingImports(v8::Local<v8::Context> context);
  // Links and evaluates a dynamic import's module; the promise import() returns.
  v8::MaybeLocal<v8::Promise> FinishImport(v8::Local<v8::Context> context,
                                           v8::Local<v8::Module> module);
  Record* FindRecord(v8::Local<v8::Module> module) const;

  static v8::MaybeLocal<v8::Module> ResolveForLink(v8::Local<v8::Context> context,
                                                   v8::Local<v8::String> specifier,
                                                   v8::Local<v8::FixedArray> assertions,
                                                   v8::Local<v8::Module> referrer);
  static v8::MaybeLocal<v8::Promise> ImportDynamically(v8::Local<v8::Context> context,
                                                       v8::Local<v8::Data> host_options,
                                                       v8::Local<v8::Value> resource_name,
                                                       v8::Local<v8::String> specifier,
                                                       v8::Local<v8::FixedArray> assertions);
  static void InitializeImportMeta(v8::Local<v8::Context> context, v8::Local<v8::Module> module,
                                   v8::Local<v8::Object> meta);
  static v8::MaybeLocal<v8::Value> EvaluateJsonModule(v8::Local<v8::Context> context,
                                                      v8::Local<v8::Module> module);
  static v8::MaybeLocal<v8::Value> EvaluateCommonJsModule(v8::Local<v8::Context> context,
                                                          v8::Local<v8::Module> module);
  static void ImportMetaResolve(const v8::FunctionCallbackInfo<v8::Value>& info);

  v8::Isolate* isolate_;
  std::shared_ptr<ModuleLoader> loader_;
  std::shared_ptr<CodeCache> code_cache_;
  OpState* op_state_;
  std::unique_ptr<CommonJs> commonjs_;
  // The first module loaded through LoadAndLink: import.meta.main is true there.
  std::string entry_url_;
  std::vector<std::unique_ptr<Record>> records_;
  std::unordered_map<std::string, Record*> by_url_;
  // Module::GetIdentityHash -> records; several modules may share a hash.
  std::unordered_multimap<int, Record*> by_hash_;
  std::unordered_map<std::string, BuiltinSource> builtin_sources_;
  const absl::flat_hash_map<std::string, std::string_view>* builtin_code_caches_ = nullptr;
  BuiltinCodeCacheStats builtin_code_cache_stats_;
  std::unordered_map<std::string, std::string> published_;
  std::vector<std::string> builtin_order_;

  // Asynchronous loads.
  bool hit_pending_ = false;
  absl::flat_hash_set<std::string> in_flight_;
  // Loads that failed (the error every importer gets).
  absl::flat_hash_map<std::string, v8::Global<v8::Value>> failed_loads_;
  struct WaitingImport {
    v8::Global<v8::Promise::Resolver> resolver;
    std::string specifier;
    std::string referrer;
    v8::Global<v8::FixedArray> assertions;  // [key, value]...
  };
  std::vector<std::unique_ptr<WaitingImport>> waiting_imports_;
};

}  // namespace kiln

#endif  // KILN_CORE_MODULE_LOADER_H_
