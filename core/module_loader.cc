#include "core/module_loader.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/file_util.h"
#include "core/op_support.h"
#include "core/runtime.h"
#include "core/v8_util.h"

namespace kiln {
namespace {

void ThrowError(v8::Isolate* isolate, std::string_view message, std::string_view code = {}) {
  isolate->ThrowException(CreateJsError(isolate, "Error", message, code));
}

// "./b.js" against "ext:web/a/x.js" is "ext:web/a/b.js"; ".." stops at the extension.
std::string ResolveBuiltin(const std::string& specifier, const std::string& referrer) {
  std::vector<std::string> parts = absl::StrSplit(referrer.substr(4), '/');
  parts.pop_back();
  for (absl::string_view part : absl::StrSplit(specifier, '/')) {
    if (part == ".") continue;
    if (part == "..") {
      if (parts.size() > 1) parts.pop_back();
      continue;
    }
    parts.emplace_back(part);
  }
  return absl::StrCat("ext:", absl::StrJoin(parts, "/"));
}

ModuleLoader* LoaderOf(v8::Isolate* isolate) {
  Runtime* runtime = Runtime::From(isolate);
  return runtime ? runtime->module_loader() : nullptr;
}

}  // namespace

ModuleLoader::ModuleLoader(v8::Isolate* isolate) : isolate_(isolate) {}

ModuleLoader::~ModuleLoader() { Clear(); }

void ModuleLoader::AddBuiltinSource(std::string specifier, const char* source, size_t size) {
  builtin_sources_[std::move(specifier)] = {source, size};
}

void ModuleLoader::AddBuiltinModule(const std::string& specifier, v8::Local<v8::Module> module) {
  // A replaced module keeps its record (modules linked to it still find their path).
  if (by_path_.count(specifier) == 0) builtin_order_.push_back(specifier);
  AddRecord(specifier, module);
}

void ModuleLoader::Publish(const std::string& specifier, const std::string& module) {
  published_[specifier] = module;
}

bool ModuleLoader::HasBuiltin(const std::string& specifier) const {
  return builtin_sources_.count(specifier) != 0 || by_path_.count(specifier) != 0;
}

std::vector<std::pair<std::string, v8::Local<v8::Module>>> ModuleLoader::BuiltinModules() const {
  std::vector<std::pair<std::string, v8::Local<v8::Module>>> modules;
  for (const std::string& specifier : builtin_order_) {
    modules.emplace_back(specifier, by_path_.at(specifier)->module.Get(isolate_));
  }
  return modules;
}

v8::MaybeLocal<v8::Module> ModuleLoader::LoadBuiltinAndLink(v8::Local<v8::Context> context,
                                                            const std::string& specifier) {
  v8::Local<v8::Module> module;
  if (!LoadSpecifier(context, specifier, "ext:").ToLocal(&module)) return {};
  if (module->GetStatus() == v8::Module::kUninstantiated &&
      !module->InstantiateModule(context, &ModuleLoader::ResolveForLink).FromMaybe(false)) {
    return {};
  }
  return module;
}

void ModuleLoader::AddRecord(const std::string& path, v8::Local<v8::Module> module) {
  auto record = std::make_unique<Record>();
  record->module.Reset(isolate_, module);
  record->path = path;
  by_path_[path] = record.get();
  by_hash_.emplace(module->GetIdentityHash(), record.get());
  records_.push_back(std::move(record));
}

void ModuleLoader::Clear() {
  builtin_order_.clear();
  by_hash_.clear();
  by_path_.clear();
  records_.clear();
}

void ModuleLoader::InstallIsolateCallbacks(v8::Isolate* isolate) {
  isolate->SetHostImportModuleDynamicallyCallback(&ModuleLoader::ImportDynamically);
  isolate->SetHostInitializeImportMetaObjectCallback(&ModuleLoader::InitializeImportMeta);
}

std::string ModuleLoader::Resolve(const std::string& specifier, const std::string& referrer_path,
                                  std::string* error) {
  std::string candidate;
  if (absl::StartsWith(specifier, "file://")) {
    candidate = FileUrlToPath(specifier);
  } else if (absl::StartsWith(specifier, "/")) {
    candidate = specifier;
  } else if (absl::StartsWith(specifier, "./") || absl::StartsWith(specifier, "../") ||
             specifier == "." || specifier == "..") {
    bool referrer_is_file = absl::StartsWith(referrer_path, "/");
    std::string base = referrer_is_file ? DirName(referrer_path) : AbsolutePath(".");
    candidate = absl::StrCat(base, "/", specifier);
  }
  std::string real = candidate.empty() ? std::string() : RealPath(AbsolutePath(candidate));
  if (real.empty()) {
    *error = absl::StrCat("Cannot find module '", specifier, "'");
    if (!referrer_path.empty()) absl::StrAppend(error, " imported from ", referrer_path);
  }
  return real;
}

const ModuleLoader::Record* ModuleLoader::FindRecord(v8::Local<v8::Module> module) const {
  auto range = by_hash_.equal_range(module->GetIdentityHash());
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second->module == module) return it->second;
  }
  return nullptr;
}

std::string ModuleLoader::PathOf(v8::Local<v8::Module> module) const {
  const Record* record = FindRecord(module);
  return record ? record->path : std::string();
}

v8::MaybeLocal<v8::Module> ModuleLoader::Load(v8::Local<v8::Context> context,
                                              const std::string& path) {
  auto found = by_path_.find(path);
  if (found != by_path_.end()) return found->second->module.Get(isolate_);
  if (absl::StartsWith(path, "ext:")) {
    auto builtin = builtin_sources_.find(path);
    if (builtin == builtin_sources_.end()) {
      ThrowError(isolate_, absl::StrCat("Cannot find module '", path, "'"),
                 "ERR_MODULE_NOT_FOUND");
      return {};
    }
    v8::MaybeLocal<v8::Module> module =
        Compile(context, path, Utf8String(isolate_, {builtin->second.source, builtin->second.size}));
    if (by_path_.count(path) != 0) builtin_order_.push_back(path);  // compiled
    return module;
  }
  absl::StatusOr<std::string> source = ReadFile(path);
  if (!source.ok()) {
    ThrowError(isolate_, std::string(source.status().message()));
    return {};
  }
  return Compile(context, path, Utf8String(isolate_, *source));
}

v8::MaybeLocal<v8::Module> ModuleLoader::Compile(v8::Local<v8::Context> context,
                                                 const std::string& path,
                                                 v8::Local<v8::String> source) {
  v8::ScriptOrigin origin(isolate_, Utf8String(isolate_, path), 0, 0, false, -1, {}, false,
                          false, /*is_module=*/true);
  v8::ScriptCompiler::Source compiler_source(source, origin);
  v8::Local<v8::Module> module;
  if (!v8::ScriptCompiler::CompileModule(isolate_, &compiler_source).ToLocal(&module)) return {};

  // Register before loading dependencies, so cycles find this module instead of looping.
  AddRecord(path, module);

  v8::Local<v8::FixedArray> requests = module->GetModuleRequests();
  for (int i = 0; i < requests->Length(); ++i) {
    v8::Local<v8::ModuleRequest> request = requests->Get(context, i).As<v8::ModuleRequest>();
    std::string specifier = ToStdString(isolate_, request->GetSpecifier());
    if (LoadSpecifier(context, specifier, path).IsEmpty()) return {};
  }
  return module;
}

v8::MaybeLocal<v8::Module> ModuleLoader::LoadSpecifier(v8::Local<v8::Context> context,
                                                       const std::string& specifier,
                                                       const std::string& referrer_path) {
  if (absl::StartsWith(referrer_path, "ext:") &&
      (absl::StartsWith(specifier, "./") || absl::StartsWith(specifier, "../"))) {
    return LoadSpecifier(context, ResolveBuiltin(specifier, referrer_path), referrer_path);
  }
  if (absl::StartsWith(specifier, "ext:")) {
    if (!absl::StartsWith(referrer_path, "ext:")) {
      ThrowError(isolate_,
                 absl::StrCat("Cannot find module '", specifier, "'",
                              referrer_path.empty() ? "" : " imported from ", referrer_path,
                              ": ext: modules are internal to kiln's extensions"),
                 "ERR_MODULE_NOT_FOUND");
      return {};
    }
    return Load(context, specifier);
  }
  if (absl::StartsWith(specifier, "kiln:")) {
    auto published = published_.find(specifier);
    if (published == published_.end()) {
      ThrowError(isolate_,
                 absl::StrCat("Cannot find module '", specifier, "'",
                              referrer_path.empty() ? "" : " imported from ", referrer_path),
                 "ERR_MODULE_NOT_FOUND");
      return {};
    }
    return Load(context, published->second);
  }
  std::string error;
  std::string path = Resolve(specifier, referrer_path, &error);
  if (path.empty()) {
    ThrowError(isolate_, error, "ERR_MODULE_NOT_FOUND");
    return {};
  }
  return Load(context, path);
}

v8::MaybeLocal<v8::Module> ModuleLoader::LoadAndLink(v8::Local<v8::Context> context,
                                                     const std::string& path) {
  v8::Local<v8::Module> module;
  if (!LoadSpecifier(context, AbsolutePath(path), "").ToLocal(&module)) return {};
  if (entry_path_.empty()) entry_path_ = PathOf(module);
  if (module->GetStatus() == v8::Module::kUninstantiated &&
      !module->InstantiateModule(context, &ModuleLoader::ResolveForLink).FromMaybe(false)) {
    return {};
  }
  return module;
}

v8::MaybeLocal<v8::Module> ModuleLoader::ResolveForLink(v8::Local<v8::Context> context,
                                                        v8::Local<v8::String> specifier,
                                                        v8::Local<v8::FixedArray> assertions,
                                                        v8::Local<v8::Module> referrer) {
  v8::Isolate* isolate = context->GetIsolate();
  ModuleLoader* loader = LoaderOf(isolate);
  // Every static import was loaded before linking, so this is a lookup.
  return loader->LoadSpecifier(context, ToStdString(isolate, specifier),
                               loader->PathOf(referrer));
}

namespace {

// import() resolves to the namespace once evaluation settles; the namespace rides in the
// callback's data.
void ReturnNamespace(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(info.Data());
}

}  // namespace

v8::MaybeLocal<v8::Promise> ModuleLoader::ImportDynamically(
    v8::Local<v8::Context> context, v8::Local<v8::Data> host_options,
    v8::Local<v8::Value> resource_name, v8::Local<v8::String> specifier,
    v8::Local<v8::FixedArray> assertions) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::EscapableHandleScope scope(isolate);
  v8::Local<v8::Promise::Resolver> resolver;
  if (!v8::Promise::Resolver::New(context).ToLocal(&resolver)) return {};
  ModuleLoader* loader = LoaderOf(isolate);

  v8::TryCatch try_catch(isolate);
  std::string referrer = resource_name->IsString() ? ToStdString(isolate, resource_name) : "";
  v8::Local<v8::Module> module;
  v8::Local<v8::Value> evaluation;
  bool loaded =
      loader->LoadSpecifier(context, ToStdString(isolate, specifier), referrer).ToLocal(&module);
  if (loaded && module->GetStatus() == v8::Module::kUninstantiated) {
    loaded = module->InstantiateModule(context, &ModuleLoader::ResolveForLink).FromMaybe(false);
  }
  if (loaded) loaded = module->Evaluate(context).ToLocal(&evaluation);
  if (!loaded) {
    if (try_catch.HasCaught() && !try_catch.HasTerminated()) {
      resolver->Reject(context, try_catch.Exception()).Check();
      return scope.Escape(resolver->GetPromise());
    }
    return {};
  }
  v8::Local<v8::Value> ns = module->GetModuleNamespace();
  if (evaluation->IsPromise()) {
    v8::Local<v8::Function> then_namespace;
    v8::Local<v8::Promise> chained;
    if (!v8::Function::New(context, ReturnNamespace, ns).ToLocal(&then_namespace) ||
        !evaluation.As<v8::Promise>()->Then(context, then_namespace).ToLocal(&chained)) {
      return {};
    }
    return scope.Escape(chained);
  }
  resolver->Resolve(context, ns).Check();
  return scope.Escape(resolver->GetPromise());
}

void ModuleLoader::InitializeImportMeta(v8::Local<v8::Context> context,
                                        v8::Local<v8::Module> module, v8::Local<v8::Object> meta) {
  v8::Isolate* isolate = context->GetIsolate();
  ModuleLoader* loader = LoaderOf(isolate);
  std::string path = loader ? loader->PathOf(module) : std::string();
  auto set = [&](const char* key, v8::Local<v8::Value> value) {
    meta->CreateDataProperty(context, OneByteString(isolate, key), value).Check();
  };
  if (absl::StartsWith(path, "ext:")) {
    set("url", Utf8String(isolate, path));
    return;
  }
  set("url", Utf8String(isolate, PathToFileUrl(path)));
  set("filename", Utf8String(isolate, path));
  set("dirname", Utf8String(isolate, DirName(path)));
  set("main", v8::Boolean::New(isolate, loader && loader->entry_path_ == path));
}

}  // namespace kiln
