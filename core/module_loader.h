#ifndef KILN_CORE_MODULE_LOADER_H_
#define KILN_CORE_MODULE_LOADER_H_

#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "v8.h"

namespace kiln {

// ES modules from files. One module instance per resolved (real) path, so a module
// imported twice or through a cycle is evaluated once. Specifiers: "./x.mjs", "../x.mjs"
// (against the importer's directory), "/abs/x.mjs" and "file:///abs/x.mjs". Bare
// specifiers and missing files fail with
//   Error: Cannot find module '<spec>' imported from <importer>
// Static imports are all loaded and compiled before linking; dynamic import() goes
// through the same map.
//
// Extension modules ("builtins") are named `ext:<extension>/<path>` and come from memory.
// An `ext:` specifier resolves only when the importing module is itself an `ext:` module;
// from anywhere else it fails as if the module did not exist. `kiln:<name>` specifiers
// resolve to the extension module published under that name.
class ModuleLoader {
 public:
  explicit ModuleLoader(v8::Isolate* isolate);
  ~ModuleLoader();

  // Installs the isolate-wide callbacks (dynamic import, import.meta).
  static void InstallIsolateCallbacks(v8::Isolate* isolate);

  // Loads, links and returns the module at `path` (absolute or relative to the current
  // directory). On failure a JS exception is pending and the result is empty.
  v8::MaybeLocal<v8::Module> LoadAndLink(v8::Local<v8::Context> context,
                                         const std::string& path);

  // Registers an extension module's source, compiled when first imported.
  void AddBuiltinSource(std::string specifier, const char* source, size_t size);
  // Registers a compiled extension module (a synthetic one, or one from a snapshot),
  // replacing any earlier module of that specifier for later imports.
  void AddBuiltinModule(const std::string& specifier, v8::Local<v8::Module> module);
  // `import "kiln:<name>"` loads `module` (an ext: specifier).
  void Publish(const std::string& specifier, const std::string& module);
  bool HasBuiltin(const std::string& specifier) const;
  // Loads and links the extension module `specifier`. On failure a JS exception is pending.
  v8::MaybeLocal<v8::Module> LoadBuiltinAndLink(v8::Local<v8::Context> context,
                                                const std::string& specifier);
  // Every compiled extension module, in the order they were compiled or added.
  std::vector<std::pair<std::string, v8::Local<v8::Module>>> BuiltinModules() const;

  // The absolute file path (or ext: specifier) `module` was loaded from, or empty.
  std::string PathOf(v8::Local<v8::Module> module) const;

  // Drops every module handle; called before the isolate goes away.
  void Clear();

  // Resolves `specifier` against the file `referrer_path` (a module or a script; empty or
  // not a path means the current directory). Returns the real path, or empty and sets
  // `*error` to the message to throw.
  static std::string Resolve(const std::string& specifier, const std::string& referrer_path,
                             std::string* error);

 private:
  struct Record {
    v8::Global<v8::Module> module;
    std::string path;
  };
  struct BuiltinSource {
    const char* source;
    size_t size;
  };

  v8::MaybeLocal<v8::Module> Load(v8::Local<v8::Context> context, const std::string& path);
  v8::MaybeLocal<v8::Module> Compile(v8::Local<v8::Context> context, const std::string& path,
                                     v8::Local<v8::String> source);
  void AddRecord(const std::string& path, v8::Local<v8::Module> module);
  v8::MaybeLocal<v8::Module> LoadSpecifier(v8::Local<v8::Context> context,
                                           const std::string& specifier,
                                           const std::string& referrer_path);
  const Record* FindRecord(v8::Local<v8::Module> module) const;

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

  v8::Isolate* isolate_;
  // The first module loaded through LoadAndLink: import.meta.main is true there.
  std::string entry_path_;
  std::vector<std::unique_ptr<Record>> records_;
  std::unordered_map<std::string, Record*> by_path_;
  // Module::GetIdentityHash -> records; several modules may share a hash.
  std::unordered_multimap<int, Record*> by_hash_;
  std::unordered_map<std::string, BuiltinSource> builtin_sources_;
  std::unordered_map<std::string, std::string> published_;
  std::vector<std::string> builtin_order_;
};

}  // namespace kiln

#endif  // KILN_CORE_MODULE_LOADER_H_
