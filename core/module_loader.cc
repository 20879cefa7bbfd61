#include "core/module_loader.h"

#include <algorithm>

#include "ada.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/commonjs.h"
#include "core/file_util.h"
#include "core/op_support.h"
#include "core/package_resolver.h"
#include "core/runtime.h"
#include "core/v8_util.h"

namespace kiln {
namespace {

// absl's string_view is its own type in this absl build.
absl::string_view AbslView(std::string_view text) { return {text.data(), text.size()}; }

void ThrowError(v8::Isolate* isolate, std::string_view message, std::string_view code = {},
                std::string_view js_class = "Error") {
  isolate->ThrowException(CreateJsError(isolate, js_class, message, code));
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

ModuleMap* MapOf(v8::Isolate* isolate) {
  Runtime* runtime = Runtime::From(isolate);
  return runtime ? runtime->module_map() : nullptr;
}

bool IsRelative(std::string_view specifier) {
  return absl::StartsWith(AbslView(specifier), "./") || absl::StartsWith(AbslView(specifier), "../") ||
         specifier == "." || specifier == "..";
}

// How a URL is shown in loader messages ("imported from"): a file's path, anything else
// as is.
std::string DisplayName(const std::string& url) {
  return absl::StartsWith(url, "file://") ? FileUrlToPath(url) : url;
}

// " imported from <referrer>", or nothing at the top level.
std::string ImportedFrom(const std::string& referrer) {
  return referrer.empty() ? std::string() : absl::StrCat(" imported from ", DisplayName(referrer));
}

// What follows "Cannot find module '<specifier>' imported from ..." when the loader found
// nothing: for a package specifier, the loader's reason (where it looked).
std::string UnresolvedSpecifierNote(const std::string& specifier, absl::string_view reason) {
  if (absl::StartsWith(specifier, "node:")) return ": kiln has no Node.js built-in modules";
  if (!IsPackageSpecifier(specifier) || reason.empty()) return "";
  return absl::StrCat(": ", reason);
}

// A data: URL's payload, percent-decoded.
std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() + 0 && absl::ascii_isxdigit(text[i + 1]) &&
        absl::ascii_isxdigit(text[i + 2])) {
      auto hex = [](char c) { return absl::ascii_isdigit(c) ? c - '0' : absl::ascii_tolower(c) - 'a' + 10; };
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// WHATWG forgiving-base64 decode; false when the input is not base64.
bool ForgivingBase64Decode(std::string_view input, std::string* out) {
  std::string data;
  for (char c : input) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\f' && c != '\r') data += c;
  }
  if (data.size() % 4 == 0 && !data.empty()) {
    if (data.back() == '=') data.pop_back();
    if (data.back() == '=') data.pop_back();
  }
  if (data.size() % 4 == 1) return false;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : data) {
    int value;
    if (c >= 'A' && c <= 'Z') value = c - 'A';
    else if (c >= 'a' && c <= 'z') value = c - 'a' + 26;
    else if (c >= '0' && c <= '9') value = c - '0' + 52;
    else if (c == '+') value = 62;
    else if (c == '/') value = 63;
    else return false;
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      *out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return true;
}

// import() resolves to the namespace once evaluation settles; the namespace rides in the
// callback's data.
void ReturnNamespace(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(info.Data());
}

}  // namespace

// --- data: URLs ---

absl::StatusOr<ModuleSource> ParseDataUrl(std::string_view url) {
  absl::string_view rest = AbslView(url);
  if (!absl::ConsumePrefix(&rest, "data:")) {
    return absl::InvalidArgumentError(absl::StrCat("not a data: URL: ", AbslView(url)));
  }
  size_t comma = rest.find(',');
  if (comma == absl::string_view::npos) {
    return absl::InvalidArgumentError("Invalid data: URL (no ',' before the data)");
  }
  std::vector<std::string> params =
      absl::StrSplit(rest.substr(0, comma), ';');
  std::string_view payload(rest.data() + comma + 1, rest.size() - comma - 1);
  bool base64 = false;
  if (params.size() > 1 && absl::AsciiStrToLower(absl::StripAsciiWhitespace(params.back())) == "base64") {
    base64 = true;
    params.pop_back();
  }
  std::string mime = absl::AsciiStrToLower(absl::StripAsciiWhitespace(params[0]));
  ModuleSource module;
  if (mime == "text/javascript" || mime == "application/javascript") {
    module.type = ModuleType::kJavaScript;
  } else if (mime == "application/json") {
    module.type = ModuleType::kJson;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "Unknown module format: ", mime.empty() ? "(no media type)" : mime,
        " (data: modules are text/javascript or application/json)"));
  }
  std::string decoded = PercentDecode(payload);
  if (base64) {
    if (!ForgivingBase64Decode(decoded, &module.source)) {
      return absl::InvalidArgumentError("Invalid data: URL (its base64 data does not decode)");
    }
  } else {
    module.source = std::move(decoded);
  }
  return module;
}

// --- ModuleLoader ---

absl::StatusOr<std::string> ModuleLoader::ResolveRequire(std::string_view specifier,
                                                         std::string_view referrer) {
  return Resolve(specifier, referrer);
}

absl::StatusOr<ModuleSource> ModuleLoader::LoadForRequire(const std::string& url) {
  return absl::FailedPreconditionError(
      absl::StrCat("the runtime's module loader does not load modules synchronously, as "
                   "require() needs (", url, ")"));
}

// --- FileModuleLoader ---

absl::StatusOr<std::string> FileModuleLoader::Resolve(std::string_view specifier,
                                                      std::string_view referrer) {
  return ResolveAs(specifier, referrer, PackageEntry::kImport);
}

absl::StatusOr<std::string> FileModuleLoader::ResolveRequire(std::string_view specifier,
                                                             std::string_view referrer) {
  return ResolveAs(specifier, referrer, PackageEntry::kRequire);
}

absl::StatusOr<std::string> FileModuleLoader::ResolveAs(std::string_view specifier_view,
                                                        std::string_view referrer,
                                                        PackageEntry entry) {
  std::string specifier(specifier_view);
  std::string referrer_path =
      absl::StartsWith(AbslView(referrer), "file://") ? FileUrlToPath(std::string(referrer)) : "";
  std::string importer_dir = referrer_path.empty() ? AbsolutePath(".") : DirName(referrer_path);
  std::string candidate;
  if (absl::StartsWith(specifier, "file://")) {
    candidate = FileUrlToPath(specifier);
  } else if (absl::StartsWith(specifier, "/")) {
    candidate = specifier;
  } else if (IsRelative(specifier)) {
    candidate = absl::StrCat(importer_dir, "/", specifier);
  } else if (IsPackageSpecifier(specifier)) {
    absl::StatusOr<std::string> path = ResolvePackage(specifier, importer_dir, entry);
    if (!path.ok()) return path.status();
    if (*path == kEmptyModuleUrl) return *path;
    candidate = *path;
  } else {
    return absl::NotFoundError("");  // a URL of another scheme
  }
  // A missing file keeps its URL (import.meta.resolve gives it); loading it fails.
  std::string absolute = AbsolutePath(candidate);
  std::string real = RealPath(absolute);
  std::string resolved = real.empty() ? absolute : real;
  absl::StatusOr<std::string> in_package = ResolvePackageFile(resolved, entry);
  if (!in_package.ok()) return in_package.status();
  if (*in_package == kEmptyModuleUrl) return *in_package;
  if (*in_package != resolved) {
    real = RealPath(*in_package);
    resolved = real.empty() ? *in_package : real;
  }
  return PathToFileUrl(resolved);
}

Future<ModuleSource> FileModuleLoader::Load(OpState&, const std::string& url) {
  return LoadForRequire(url);
}

absl::StatusOr<ModuleSource> FileModuleLoader::LoadForRequire(const std::string& url) {
  if (!absl::StartsWith(url, "file://")) {
    return absl::NotFoundError(absl::StrCat("not a file: URL: ", url));
  }
  std::string path = FileUrlToPath(url);
  absl::StatusOr<std::string> source = ReadFile(path);
  if (!source.ok()) return source.status();
  ModuleSource module;
  module.source = std::move(*source);
  if (absl::EndsWith(path, ".json")) {
    module.type = ModuleType::kJson;
  } else if (absl::EndsWith(path, ".cjs")) {
    module.type = ModuleType::kCommonJs;
  } else if (absl::EndsWith(path, ".js")) {
    std::string type = PackageTypeOf(path);
    if (type == "commonjs") {
      module.type = ModuleType::kCommonJs;
    } else if (type.empty() && absl::StrContains(path, "/node_modules/")) {
      module.type = ModuleType::kCommonJs;
      module.detect_module_syntax = true;
    }
  }
  return module;
}

// --- InMemoryModuleLoader ---

std::string InMemoryModuleLoader::UrlOf(std::string_view name) {
  ada::result<ada::url_aggregator> absolute = ada::parse<ada::url_aggregator>(name);
  if (absolute) return std::string(absolute->get_href());
  ada::result<ada::url_aggregator> base = ada::parse<ada::url_aggregator>(kBaseUrl);
  std::string path =
      absl::StartsWith(AbslView(name), "/") ? std::string(name) : absl::StrCat("/", AbslView(name));
  ada::result<ada::url_aggregator> url = ada::parse<ada::url_aggregator>(path, &*base);
  return url ? std::string(url->get_href()) : std::string();
}

std::string InMemoryModuleLoader::Add(std::string_view name, std::string source) {
  ModuleType type = absl::EndsWith(AbslView(name), ".json")  ? ModuleType::kJson
                    : absl::EndsWith(AbslView(name), ".cjs") ? ModuleType::kCommonJs
                                                             : ModuleType::kJavaScript;
  return Add(name, std::move(source), type);
}

std::string InMemoryModuleLoader::Add(std::string_view name, std::string source,
                                      ModuleType type) {
  std::string url = UrlOf(name);
  auto module = std::make_shared<ModuleSource>();
  module->source = std::move(source);
  module->type = type;
  std::lock_guard<std::mutex> lock(mutex_);
  modules_[url] = std::move(module);
  return url;
}

absl::StatusOr<std::string> InMemoryModuleLoader::Resolve(std::string_view specifier,
                                                          std::string_view referrer) {
  if (ada::can_parse(specifier)) return UrlOf(specifier);
  if (IsRelative(specifier) || absl::StartsWith(AbslView(specifier), "/")) {
    std::string_view base_text = referrer.empty() ? kBaseUrl : referrer;
    ada::result<ada::url_aggregator> base = ada::parse<ada::url_aggregator>(base_text);
    if (!base) return absl::NotFoundError("the importing module's URL is not valid");
    ada::result<ada::url_aggregator> url = ada::parse<ada::url_aggregator>(specifier, &*base);
    if (!url) return absl::NotFoundError("not a valid URL");
    return std::string(url->get_href());
  }
  // A bare specifier: the module added under that name.
  std::string url = UrlOf(specifier);
  if (url.empty()) return absl::NotFoundError("not a valid module name");
  return url;
}

Future<ModuleSource> InMemoryModuleLoader::Load(OpState&, const std::string& url) {
  return LoadForRequire(url);
}

absl::StatusOr<ModuleSource> InMemoryModuleLoader::LoadForRequire(const std::string& url) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = modules_.find(url);
  if (it == modules_.end()) return absl::NotFoundError(absl::StrCat("no module ", url));
  return ModuleSource(*it->second);
}

// --- ModuleMap ---

ModuleMap::ModuleMap(v8::Isolate* isolate, std::shared_ptr<ModuleLoader> loader,
                     std::shared_ptr<CodeCache> code_cache, OpState* op_state)
    : isolate_(isolate),
      loader_(loader ? std::move(loader) : std::make_shared<FileModuleLoader>()),
      code_cache_(std::move(code_cache)),
      op_state_(op_state),
      commonjs_(std::make_unique<CommonJs>(isolate, loader_.get())) {}

ModuleMap::~ModuleMap() { Clear(); }

void ModuleMap::AddBuiltinSource(std::string specifier, const char* source, size_t size) {
  builtin_sources_[std::move(specifier)] = {source, size};
}

std::vector<std::pair<std::string, std::string_view>> ModuleMap::UncompiledBuiltinSources()
    const {
  std::vector<std::pair<std::string, std::string_view>> sources;
  for (const auto& [specifier, source] : builtin_sources_) {
    if (by_url_.count(specifier) != 0) continue;
    sources.emplace_back(specifier, std::string_view(source.source, source.size));
  }
  std::sort(sources.begin(), sources.end());
  return sources;
}

void ModuleMap::AddBuiltinModule(const std::string& specifier, v8::Local<v8::Module> module) {
  // A replaced module keeps its record (modules linked to it still find their URL).
  if (by_url_.count(specifier) == 0) builtin_order_.push_back(specifier);
  AddRecord(specifier, module);
}

void ModuleMap::Publish(const std::string& specifier, const std::string& module) {
  published_[specifier] = module;
}

bool ModuleMap::HasBuiltin(const std::string& specifier) const {
  return builtin_sources_.count(specifier) != 0 || by_url_.count(specifier) != 0;
}

std::vector<std::pair<std::string, v8::Local<v8::Module>>> ModuleMap::BuiltinModules() const {
  std::vector<std::pair<std::string, v8::Local<v8::Module>>> modules;
  for (const std::string& specifier : builtin_order_) {
    modules.emplace_back(specifier, by_url_.at(specifier)->module.Get(isolate_));
  }
  return modules;
}

v8::MaybeLocal<v8::Object> ModuleMap::EvaluateLazyModule(v8::Local<v8::Context> context,
                                                         const std::string& specifier) {
  v8::EscapableHandleScope scope(isolate_);
  v8::Local<v8::Module> module;
  if (!LoadBuiltinAndLink(context, specifier).ToLocal(&module)) return {};
  // A graph with a top-level await would finish in a later microtask, after the caller
  // needed its exports: refused before it runs.
  if (module->IsGraphAsync()) {
    isolate_->ThrowException(v8::Exception::Error(Utf8String(
        isolate_, absl::StrCat("lazy module ", specifier,
                               " cannot be evaluated synchronously: its module graph uses "
                               "top-level await"))));
    return {};
  }
  if (module->GetStatus() == v8::Module::kInstantiated) {
    v8::Local<v8::Value> evaluated;
    if (!module->Evaluate(context).ToLocal(&evaluated)) return {};
    // Its error is thrown to the reader below, not left as an unhandled rejection.
    Runtime* runtime = Runtime::From(isolate_);
    if (runtime != nullptr && evaluated->IsPromise()) {
      runtime->ForgetUnhandledRejection(evaluated.As<v8::Promise>());
    }
  }
  switch (module->GetStatus()) {
    case v8::Module::kEvaluated:
      return scope.Escape(module->GetModuleNamespace().As<v8::Object>());
    case v8::Module::kErrored:
      isolate_->ThrowException(module->GetException());
      return {};
    default:
      // Evaluating: read from inside its own evaluation (an import cycle through a getter).
      isolate_->ThrowException(v8::Exception::Error(Utf8String(
          isolate_, absl::StrCat("lazy module ", specifier,
                                 " was read while it was being evaluated"))));
      return {};
  }
}

void ModuleMap::ImportLazy(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  ModuleMap* map = MapOf(isolate);
  if (map == nullptr || info.Length() < 1 || !info[0]->IsString()) {
    isolate->ThrowException(v8::Exception::TypeError(
        OneByteString(isolate, "internals.importLazy(specifier): specifier must be a string")));
    return;
  }
  v8::Local<v8::Object> namespace_object;
  if (map->EvaluateLazyModule(isolate->GetCurrentContext(), ToStdString(isolate, info[0]))
          .ToLocal(&namespace_object)) {
    info.GetReturnValue().Set(namespace_object);
  }
}

void ModuleMap::DefineLazy(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  if (info.Length() < 3 || !info[0]->IsObject() || !info[1]->IsString() || !info[2]->IsArray()) {
    isolate->ThrowException(v8::Exception::TypeError(OneByteString(
        isolate, "internals.defineLazy(target, specifier, names): expected an object, a "
                 "string and an array of strings")));
    return;
  }
  v8::Local<v8::Object> target = info[0].As<v8::Object>();
  v8::Local<v8::Array> names = info[2].As<v8::Array>();
  // As WebIDL defines members: writable and configurable; interface objects and
  // namespaces are not enumerable, operations are (`enumerable`, the optional 4th argument).
  v8::PropertyAttribute attributes =
      info.Length() > 3 && info[3]->IsTrue() ? v8::None : v8::DontEnum;
  // The optional 5th argument, `exportName`: each name is read from that export of the
  // module (an object) rather than from the module's own exports. The getter's data is a
  // string (a snapshot can hold no context's object there): the specifier, or
  // "<specifier>\0<exportName>".
  v8::Local<v8::Value> data = info[1];
  if (info.Length() > 4 && !info[4]->IsUndefined()) {
    if (!info[4]->IsString()) {
      isolate->ThrowException(v8::Exception::TypeError(OneByteString(
          isolate, "internals.defineLazy: exportName must be a string")));
      return;
    }
    static const uint8_t kSeparator = 0;
    v8::Local<v8::String> separator =
        v8::String::NewFromOneByte(isolate, &kSeparator, v8::NewStringType::kNormal, 1)
            .ToLocalChecked();
    data = v8::String::Concat(
        isolate, v8::String::Concat(isolate, info[1].As<v8::String>(), separator),
        info[4].As<v8::String>());
  }
  for (uint32_t i = 0; i < names->Length(); ++i) {
    v8::Local<v8::Value> name;
    if (!names->Get(context, i).ToLocal(&name)) return;
    if (!name->IsString()) {
      isolate->ThrowException(v8::Exception::TypeError(
          OneByteString(isolate, "internals.defineLazy: every name must be a string")));
      return;
    }
    // V8 replaces the property with a plain data property holding the getter's value on
    // first read.
    if (target
            ->SetLazyDataProperty(context, name.As<v8::Name>(), &ModuleMap::GetLazyProperty,
                                  data, attributes)
            .IsNothing()) {
      return;
    }
  }
}

void ModuleMap::GetLazyProperty(v8::Local<v8::Name> name,
                                const v8::PropertyCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  ModuleMap* map = MapOf(isolate);
  if (map == nullptr) return;
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  std::string specifier = ToStdString(isolate, info.Data());
  std::string export_name;
  size_t separator = specifier.find('\0');
  if (separator != std::string::npos) {  // "<specifier>\0<exportName>"
    export_name = specifier.substr(separator + 1);
    specifier.resize(separator);
  }
  v8::Local<v8::Object> namespace_object;
  if (!map->EvaluateLazyModule(context, specifier).ToLocal(&namespace_object)) return;
  v8::Local<v8::Object> holder = namespace_object;
  if (separator != std::string::npos) {
    v8::Local<v8::Value> exported;
    if (!namespace_object->Get(context, Utf8String(isolate, export_name)).ToLocal(&exported)) {
      return;
    }
    if (!exported->IsObject()) {
      isolate->ThrowException(v8::Exception::TypeError(Utf8String(
          isolate, absl::StrCat("lazy module ", specifier, ": export '", export_name,
                                "' is not an object"))));
      return;
    }
    holder = exported.As<v8::Object>();
  }
  v8::Local<v8::Value> value;
  if (!holder->Get(context, name).ToLocal(&value)) return;
  info.GetReturnValue().Set(value);
}

v8::MaybeLocal<v8::Module> ModuleMap::Link(v8::Local<v8::Context> context,
                                           v8::Local<v8::Module> module) {
  if (module->GetStatus() == v8::Module::kUninstantiated &&
      !module->InstantiateModule(context, &ModuleMap::ResolveForLink).FromMaybe(false)) {
    return {};
  }
  return module;
}

v8::MaybeLocal<v8::Module> ModuleMap::LoadBuiltinAndLink(v8::Local<v8::Context> context,
                                                         const std::string& specifier) {
  v8::Local<v8::Module> module;
  if (!LoadSpecifier(context, specifier, "ext:").ToLocal(&module)) return {};
  return Link(context, module);
}

ModuleMap::Record* ModuleMap::AddRecord(const std::string& url, v8::Local<v8::Module> module) {
  auto record = std::make_unique<Record>();
  record->module.Reset(isolate_, module);
  record->url = url;
  Record* added = record.get();
  by_url_[url] = added;
  by_hash_.emplace(module->GetIdentityHash(), added);
  records_.push_back(std::move(record));
  return added;
}

void ModuleMap::Clear() {
  commonjs_->Clear();
  waiting_imports_.clear();
  failed_loads_.clear();
  in_flight_.clear();
  builtin_order_.clear();
  by_hash_.clear();
  by_url_.clear();
  records_.clear();
}

std::vector<ModuleMap::LoadedModule> ModuleMap::EvaluatedLoaderModules() const {
  std::vector<LoadedModule> modules;
  for (const std::unique_ptr<Record>& record : records_) {
    if (absl::StartsWith(record->url, "ext:")) continue;
    // A URL compiled again after a failed load has a newer record: take the current one.
    auto current = by_url_.find(record->url);
    if (current == by_url_.end() || current->second != record.get()) continue;
    v8::Local<v8::Module> module = record->module.Get(isolate_);
    v8::Module::Status status = module->GetStatus();
    if (status != v8::Module::kEvaluated && status != v8::Module::kErrored) continue;
    modules.push_back({record->url, record->type, module});
  }
  return modules;
}

void ModuleMap::AddSnapshotModule(const std::string& url, ModuleType type,
                                  v8::Local<v8::Module> module) {
  AddRecord(url, module)->type = type;
}

void ModuleMap::AppendExternalReferences(std::vector<intptr_t>* references) {
  references->push_back(reinterpret_cast<intptr_t>(&ModuleMap::EvaluateJsonModule));
  references->push_back(reinterpret_cast<intptr_t>(&ModuleMap::EvaluateCommonJsModule));
  CommonJs::AppendExternalReferences(references);
  references->push_back(reinterpret_cast<intptr_t>(&ModuleMap::ImportMetaResolve));
  references->push_back(reinterpret_cast<intptr_t>(&ReturnNamespace));
  references->push_back(reinterpret_cast<intptr_t>(&ModuleMap::OnLoaded));
  references->push_back(reinterpret_cast<intptr_t>(&ModuleMap::OnLoadFailed));
  references->push_back(reinterpret_cast<intptr_t>(&ModuleMap::ImportLazy));
  references->push_back(reinterpret_cast<intptr_t>(&ModuleMap::DefineLazy));
  references->push_back(reinterpret_cast<intptr_t>(&ModuleMap::GetLazyProperty));
}

void ModuleMap::InstallIsolateCallbacks(v8::Isolate* isolate) {
  isolate->SetHostImportModuleDynamicallyCallback(&ModuleMap::ImportDynamically);
  isolate->SetHostInitializeImportMetaObjectCallback(&ModuleMap::InitializeImportMeta);
}

ModuleMap::Record* ModuleMap::FindRecord(v8::Local<v8::Module> module) const {
  auto range = by_hash_.equal_range(module->GetIdentityHash());
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second->module == module) return it->second;
  }
  return nullptr;
}

std::string ModuleMap::UrlOf(v8::Local<v8::Module> module) const {
  const Record* record = FindRecord(module);
  return record ? record->url : std::string();
}

std::string ModuleMap::ReferrerUrlOfScript(const std::string& resource_name) {
  if (absl::StartsWith(resource_name, "/")) return PathToFileUrl(resource_name);
  if (ada::can_parse(resource_name)) return resource_name;
  return "";
}

std::string ModuleMap::ResolveUrl(const std::string& specifier, const std::string& referrer,
                                  std::string* error) {
  if (absl::StartsWith(referrer, "ext:") && IsRelative(specifier)) {
    return ResolveBuiltin(specifier, referrer);
  }
  if (absl::StartsWith(specifier, "ext:")) {
    if (absl::StartsWith(referrer, "ext:")) return specifier;
    *error = absl::StrCat("Cannot find module '", specifier, "'", ImportedFrom(referrer),
                          ": ext: modules are internal to kiln's extensions");
    return "";
  }
  if (absl::StartsWith(specifier, "kiln:")) {
    auto published = published_.find(specifier);
    if (published != published_.end()) return published->second;
    *error = absl::StrCat("Cannot find module '", specifier, "'", ImportedFrom(referrer));
    return "";
  }
  if (absl::StartsWith(specifier, "data:")) return specifier;
  if (absl::StartsWith(referrer, "data:") && (IsRelative(specifier) || absl::StartsWith(specifier, "/"))) {
    *error = absl::StrCat("Cannot find module '", specifier, "'", ImportedFrom(referrer),
                          ": a data: URL module cannot import relative specifiers");
    return "";
  }
  absl::StatusOr<std::string> url = loader_->Resolve(specifier, referrer);
  if (!url.ok()) {
    if (absl::IsNotFound(url.status())) {
      *error = absl::StrCat("Cannot find module '", specifier, "'", ImportedFrom(referrer),
                            UnresolvedSpecifierNote(specifier, url.status().message()));
    } else {
      *error = absl::StrCat("Cannot resolve module '", specifier, "'", ImportedFrom(referrer),
                            ": ", url.status().message());
    }
    return "";
  }
  return *url;
}

v8::MaybeLocal<v8::Module> ModuleMap::LoadSpecifier(v8::Local<v8::Context> context,
                                                    const std::string& specifier,
                                                    const std::string& referrer,
                                                    v8::Local<v8::FixedArray> assertions,
                                                    int stride) {
  // The `type` assertion: none (JavaScript) or "json"; other keys are ignored.
  std::optional<ModuleType> asserted;
  if (!assertions.IsEmpty()) {
    for (int i = 0; i + 1 < assertions->Length(); i += stride) {
      std::string key = ToStdString(isolate_, assertions->Get(context, i).As<v8::Value>());
      std::string value = ToStdString(isolate_, assertions->Get(context, i + 1).As<v8::Value>());
      if (key != "type") continue;  // as Node 18: only `type` is looked at
      if (value != "json") {
        ThrowError(isolate_, absl::StrCat("Import assertion type \"", value, "\" is unsupported"),
                   "ERR_IMPORT_ASSERTION_TYPE_UNSUPPORTED", "TypeError");
        return {};
      }
      asserted = ModuleType::kJson;
    }
  }
  std::string error;
  std::string url = ResolveUrl(specifier, referrer, &error);
  if (url.empty()) {
    ThrowError(isolate_, error, "ERR_MODULE_NOT_FOUND");
    return {};
  }
  v8::Local<v8::Module> module;
  if (!Load(context, url, specifier, referrer).ToLocal(&module)) return {};
  if (absl::StartsWith(url, "ext:")) return module;
  Record* record = FindRecord(module);
  ModuleType type = record ? record->type : ModuleType::kJavaScript;
  if (type == ModuleType::kJson && asserted != ModuleType::kJson) {
    ThrowError(isolate_,
               absl::StrCat("Module \"", url, "\" needs an import assertion of type \"json\""),
               "ERR_IMPORT_ASSERTION_TYPE_MISSING", "TypeError");
    return {};
  }
  if (type != ModuleType::kJson && asserted == ModuleType::kJson) {
    ThrowError(isolate_, absl::StrCat("Module \"", url, "\" is not of type \"json\""),
               "ERR_IMPORT_ASSERTION_TYPE_FAILED", "TypeError");
    return {};
  }
  return module;
}

v8::MaybeLocal<v8::Module> ModuleMap::Load(v8::Local<v8::Context> context, const std::string& url,
                                           const std::string& specifier,
                                           const std::string& referrer) {
  auto found = by_url_.find(url);
  if (found != by_url_.end()) return found->second->module.Get(isolate_);
  if (absl::StartsWith(url, "ext:")) {
    auto builtin = builtin_sources_.find(url);
    if (builtin == builtin_sources_.end()) {
      ThrowError(isolate_, absl::StrCat("Cannot find module '", url, "'"), "ERR_MODULE_NOT_FOUND");
      return {};
    }
    std::string_view cached;
    if (builtin_code_caches_ != nullptr) {
      auto entry = builtin_code_caches_->find(url);
      if (entry != builtin_code_caches_->end()) cached = entry->second;
    }
    v8::MaybeLocal<v8::Module> module =
        Compile(context, url, {builtin->second.source, builtin->second.size}, false, cached);
    if (by_url_.count(url) != 0) builtin_order_.push_back(url);  // compiled
    return module;
  }

  auto failed = failed_loads_.find(url);
  if (failed != failed_loads_.end()) {
    isolate_->ThrowException(failed->second.Get(isolate_));
    return {};
  }
  if (in_flight_.contains(url)) {
    hit_pending_ = true;
    return {};
  }
  ModuleSource source;
  if (absl::StartsWith(url, "data:")) {
    absl::StatusOr<ModuleSource> parsed = ParseDataUrl(url);
    if (!parsed.ok()) {
      ThrowError(isolate_, absl::StrCat("Cannot load module '", specifier, "'",
                                        ImportedFrom(referrer), ": ", parsed.status().message()));
      return {};
    }
    source = std::move(*parsed);
  } else if (!AskLoader(context, url, specifier, referrer, &source)) {
    return {};  // failed (an exception) or pending (none)
  }
  if (source.type == ModuleType::kJson) return CompileJson(context, url, source.source);
  if (source.type == ModuleType::kCommonJs) return CompileCommonJs(context, url, source);
  return Compile(context, url, source.source, code_cache_ != nullptr);
}

v8::MaybeLocal<v8::Module> ModuleMap::CompileCommonJs(v8::Local<v8::Context> context,
                                                      const std::string& url,
                                                      const ModuleSource& source) {
  v8::Local<v8::Object> commonjs_module;
  if (!commonjs_->Cached(context, url).ToLocal(&commonjs_module)) {
    bool es_module = false;
    v8::Local<v8::Function> function;
    if (!commonjs_->Compile(context, url, source, &es_module).ToLocal(&function)) {
      if (es_module) return Compile(context, url, source.source, code_cache_ != nullptr);
      return {};
    }
    if (!commonjs_->Execute(context, url, function, v8::Undefined(isolate_))
             .ToLocal(&commonjs_module)) {
      return {};
    }
  }
  // Its export names: "default" (module.exports) and the own enumerable string keys of
  // module.exports as it ran.
  std::vector<v8::Local<v8::String>> names = {OneByteString(isolate_, "default")};
  v8::Local<v8::Value> exports;
  if (!commonjs_module->Get(context, OneByteString(isolate_, "exports")).ToLocal(&exports)) {
    return {};
  }
  if (exports->IsObject()) {
    v8::Local<v8::Array> keys;
    if (!exports.As<v8::Object>()
             ->GetOwnPropertyNames(context, static_cast<v8::PropertyFilter>(
                                                v8::ONLY_ENUMERABLE | v8::SKIP_SYMBOLS))
             .ToLocal(&keys)) {
      return {};
    }
    for (uint32_t i = 0; i < keys->Length(); i++) {
      v8::Local<v8::Value> key;
      if (!keys->Get(context, i).ToLocal(&key)) return {};
      v8::Local<v8::String> name;
      if (!key->ToString(context).ToLocal(&name)) return {};
      if (name->StringEquals(names[0])) continue;
      names.push_back(name);
    }
  }
  v8::Local<v8::Module> module = v8::Module::CreateSyntheticModule(
      isolate_, Utf8String(isolate_, DisplayName(url)), names,
      &ModuleMap::EvaluateCommonJsModule);
  Record* record = AddRecord(url, module);
  record->type = ModuleType::kCommonJs;
  record->commonjs_module.Reset(isolate_, commonjs_module);
  for (size_t i = 1; i < names.size(); i++) {
    record->commonjs_names.push_back(ToStdString(isolate_, names[i]));
  }
  return module;
}

v8::MaybeLocal<v8::Module> ModuleMap::CompileJson(v8::Local<v8::Context> context,
                                                  const std::string& url,
                                                  std::string_view source) {
  v8::Local<v8::Value> value;
  if (!v8::JSON::Parse(context, Utf8String(isolate_, source)).ToLocal(&value)) return {};
  std::vector<v8::Local<v8::String>> exports = {OneByteString(isolate_, "default")};
  v8::Local<v8::Module> module = v8::Module::CreateSyntheticModule(
      isolate_, Utf8String(isolate_, DisplayName(url)), exports, &ModuleMap::EvaluateJsonModule);
  Record* record = AddRecord(url, module);
  record->type = ModuleType::kJson;
  record->json.Reset(isolate_, value);
  return module;
}

namespace {

// What a synthetic module's evaluation steps return: a fulfilled promise, as for a module
// without top-level await. (V8 10.2's Module::Evaluate of a synthetic module returns the
// steps' value as it is, and the runtime expects a promise from any module.)
v8::MaybeLocal<v8::Value> SettledEvaluation(v8::Local<v8::Context> context) {
  v8::Local<v8::Promise::Resolver> resolver;
  if (!v8::Promise::Resolver::New(context).ToLocal(&resolver) ||
      resolver->Resolve(context, v8::Undefined(context->GetIsolate())).IsNothing()) {
    return {};
  }
  return resolver->GetPromise();
}

}  // namespace

v8::MaybeLocal<v8::Value> ModuleMap::EvaluateJsonModule(v8::Local<v8::Context> context,
                                                        v8::Local<v8::Module> module) {
  v8::Isolate* isolate = context->GetIsolate();
  ModuleMap* map = MapOf(isolate);
  Record* record = map ? map->FindRecord(module) : nullptr;
  if (record == nullptr || record->json.IsEmpty()) {
    ThrowError(isolate, "a JSON module was evaluated without its value");
    return {};
  }
  v8::Local<v8::Value> value = record->json.Get(isolate);
  record->json.Reset();
  if (module->SetSyntheticModuleExport(isolate, OneByteString(isolate, "default"), value)
          .IsNothing()) {
    return {};
  }
  return SettledEvaluation(context);
}

// The module of a CommonJS module's exports: `default` is module.exports, each other name
// the property of module.exports by that name, as they are when the module is evaluated.
v8::MaybeLocal<v8::Value> ModuleMap::EvaluateCommonJsModule(v8::Local<v8::Context> context,
                                                            v8::Local<v8::Module> module) {
  v8::Isolate* isolate = context->GetIsolate();
  ModuleMap* map = MapOf(isolate);
  Record* record = map ? map->FindRecord(module) : nullptr;
  if (record == nullptr || record->commonjs_module.IsEmpty()) {
    ThrowError(isolate, "a CommonJS module was evaluated without its module object");
    return {};
  }
  v8::Local<v8::Object> commonjs_module = record->commonjs_module.Get(isolate);
  v8::Local<v8::Value> exports;
  if (!commonjs_module->Get(context, OneByteString(isolate, "exports")).ToLocal(&exports)) {
    return {};
  }
  v8::Local<v8::String> default_name = OneByteString(isolate, "default");
  if (module->SetSyntheticModuleExport(isolate, default_name, exports).IsNothing()) return {};
  for (const std::string& name_text : record->commonjs_names) {
    v8::Local<v8::String> name = Utf8String(isolate, name_text);
    v8::Local<v8::Value> value = v8::Undefined(isolate);
    if (exports->IsObject() && !exports.As<v8::Object>()->Get(context, name).ToLocal(&value)) {
      return {};
    }
    if (module->SetSyntheticModuleExport(isolate, name, value).IsNothing()) return {};
  }
  return SettledEvaluation(context);
}

namespace {

// A module's resource name is its URL, so stack traces, CallSite.getFileName() and an
// uncaught error's location name it as import.meta.url does (file:///...), as in Node and
// Deno; classic scripts keep their path.
v8::ScriptOrigin ModuleOrigin(v8::Isolate* isolate, const std::string& url) {
  return v8::ScriptOrigin(isolate, Utf8String(isolate, url), 0, 0, false, -1, {},
                          false, false, /*is_module=*/true);
}

}  // namespace

std::string ModuleMap::CodeCacheForBuiltin(v8::Isolate* isolate, const std::string& specifier,
                                           std::string_view source) {
  v8::HandleScope scope(isolate);
  v8::TryCatch try_catch(isolate);
  v8::ScriptCompiler::Source compiler_source(Utf8String(isolate, source),
                                             ModuleOrigin(isolate, specifier));
  v8::Local<v8::Module> module;
  if (!v8::ScriptCompiler::CompileModule(isolate, &compiler_source).ToLocal(&module)) return "";
  std::unique_ptr<v8::ScriptCompiler::CachedData> data(
      v8::ScriptCompiler::CreateCodeCache(module->GetUnboundModuleScript()));
  if (data == nullptr || data->length <= 0) return "";
  return std::string(reinterpret_cast<const char*>(data->data), static_cast<size_t>(data->length));
}

v8::MaybeLocal<v8::Module> ModuleMap::Compile(v8::Local<v8::Context> context,
                                              const std::string& url, std::string_view source_text,
                                              bool use_code_cache, std::string_view builtin_cache) {
  v8::ScriptOrigin origin = ModuleOrigin(isolate_, url);
  uint64_t hash = 0;
  std::shared_ptr<const std::string> entry;
  v8::ScriptCompiler::CachedData* cached = nullptr;
  if (!builtin_cache.empty()) {
    cached = new v8::ScriptCompiler::CachedData(
        reinterpret_cast<const uint8_t*>(builtin_cache.data()), static_cast<int>(builtin_cache.size()),
        v8::ScriptCompiler::CachedData::BufferNotOwned);
  } else if (use_code_cache) {
    hash = CodeCache::HashSource(source_text);
    entry = code_cache_->Find(url, hash);
    if (entry != nullptr) {
      cached = new v8::ScriptCompiler::CachedData(
          reinterpret_cast<const uint8_t*>(entry->data()), static_cast<int>(entry->size()),
          v8::ScriptCompiler::CachedData::BufferNotOwned);
    }
  }
  v8::ScriptCompiler::Source compiler_source(Utf8String(isolate_, source_text), origin, cached);
  v8::Local<v8::Module> module;
  if (!v8::ScriptCompiler::CompileModule(isolate_, &compiler_source,
                                         cached != nullptr
                                             ? v8::ScriptCompiler::kConsumeCodeCache
                                             : v8::ScriptCompiler::kNoCompileOptions)
           .ToLocal(&module)) {
    return {};
  }
  if (!builtin_cache.empty()) {
    if (compiler_source.GetCachedData()->rejected) {
      ++builtin_code_cache_stats_.rejected;
    } else {
      ++builtin_code_cache_stats_.consumed;
    }
  }
  bool needs_code_cache = false;
  if (use_code_cache) {
    if (cached == nullptr) {
      code_cache_->CountMiss();
      needs_code_cache = true;
    } else if (compiler_source.GetCachedData()->rejected) {
      code_cache_->Reject(url, hash);
      needs_code_cache = true;
    } else {
      code_cache_->CountHit();
    }
  }

  // Register before loading dependencies, so cycles find this module instead of looping.
  Record* record = AddRecord(url, module);
  record->needs_code_cache = needs_code_cache;
  record->source_hash = hash;
  return LoadImports(context, module, url);
}

v8::MaybeLocal<v8::Module> ModuleMap::LoadImports(v8::Local<v8::Context> context,
                                                  v8::Local<v8::Module> module,
                                                  const std::string& url) {
  v8::Local<v8::FixedArray> requests = module->GetModuleRequests();
  for (int i = 0; i < requests->Length(); ++i) {
    v8::Local<v8::ModuleRequest> request = requests->Get(context, i).As<v8::ModuleRequest>();
    std::string specifier = ToStdString(isolate_, request->GetSpecifier());
    v8::TryCatch try_catch(isolate_);
    if (LoadSpecifier(context, specifier, url, request->GetImportAssertions(), 3).IsEmpty() &&
        try_catch.HasCaught()) {
      try_catch.ReThrow();
      return {};
    }
    // Empty without an exception: that import is loading; the others start loading too.
  }
  return module;
}

void ModuleMap::ProduceCodeCache() {
  if (code_cache_ == nullptr) return;
  v8::HandleScope scope(isolate_);
  for (const std::unique_ptr<Record>& record : records_) {
    if (!record->needs_code_cache) continue;
    record->needs_code_cache = false;
    v8::Local<v8::Module> module = record->module.Get(isolate_);
    if (module->GetStatus() < v8::Module::kEvaluated) continue;
    std::unique_ptr<v8::ScriptCompiler::CachedData> data(
        v8::ScriptCompiler::CreateCodeCache(module->GetUnboundModuleScript()));
    if (data == nullptr || data->length <= 0) continue;
    code_cache_->Store(record->url, record->source_hash,
                       std::string(reinterpret_cast<const char*>(data->data),
                                   static_cast<size_t>(data->length)));
  }
}

v8::MaybeLocal<v8::Module> ModuleMap::FetchEntry(v8::Local<v8::Context> context,
                                                 const std::string& specifier) {
  v8::Local<v8::Module> module;
  if (!LoadSpecifier(context, specifier, "").ToLocal(&module)) return {};
  if (entry_url_.empty()) entry_url_ = UrlOf(module);
  return module;
}

v8::MaybeLocal<v8::Module> ModuleMap::LoadAndLink(v8::Local<v8::Context> context,
                                                  const std::string& specifier) {
  BeginFetch();
  v8::TryCatch try_catch(isolate_);
  v8::Local<v8::Module> module;
  bool loaded = FetchEntry(context, specifier).ToLocal(&module);
  if (try_catch.HasCaught()) {
    try_catch.ReThrow();
    return {};
  }
  if (!loaded || hit_pending_) {
    ThrowError(isolate_, absl::StrCat("Cannot load module '", specifier,
                                      "' synchronously: its module loader answered "
                                      "asynchronously (use Runtime::LoadModule)"));
    return {};
  }
  return Link(context, module);
}

v8::MaybeLocal<v8::Module> ModuleMap::CompileSource(v8::Local<v8::Context> context,
                                                    const std::string& url,
                                                    std::string_view source) {
  auto found = by_url_.find(url);
  if (found != by_url_.end()) return found->second->module.Get(isolate_);
  v8::Local<v8::Module> module;
  if (!Compile(context, url, source, code_cache_ != nullptr).ToLocal(&module)) return {};
  if (entry_url_.empty()) entry_url_ = url;
  return module;
}

v8::MaybeLocal<v8::Module> ModuleMap::Find(const std::string& url) const {
  auto found = by_url_.find(url);
  if (found == by_url_.end()) return {};
  return found->second->module.Get(isolate_);
}

bool ModuleMap::GraphPending(v8::Local<v8::Context> context, v8::Local<v8::Module> module) {
  absl::flat_hash_set<Record*> visited;
  return WalkPending(context, module, &visited);
}

bool ModuleMap::WalkPending(v8::Local<v8::Context> context, v8::Local<v8::Module> module,
                            absl::flat_hash_set<Record*>* visited) {
  Record* record = FindRecord(module);
  if (record == nullptr || !visited->insert(record).second) return false;
  if (record->type != ModuleType::kJavaScript || module->IsSyntheticModule()) return false;
  bool pending = false;
  v8::Local<v8::FixedArray> requests = module->GetModuleRequests();
  for (int i = 0; i < requests->Length(); ++i) {
    v8::Local<v8::ModuleRequest> request = requests->Get(context, i).As<v8::ModuleRequest>();
    std::string specifier = ToStdString(isolate_, request->GetSpecifier());
    v8::TryCatch try_catch(isolate_);
    v8::Local<v8::Module> imported;
    if (!LoadSpecifier(context, specifier, record->url, request->GetImportAssertions(), 3)
             .ToLocal(&imported)) {
      if (try_catch.HasCaught()) {
        try_catch.ReThrow();
        return false;
      }
      pending = true;
      continue;
    }
    if (WalkPending(context, imported, visited)) pending = true;
    if (try_catch.HasCaught()) {
      try_catch.ReThrow();
      return false;
    }
  }
  return pending;
}

namespace {

// A loaded module on its way through the async op ring: { source, json }.
v8::MaybeLocal<v8::Value> ModuleSourceToJs(v8::Isolate* isolate, Completion& completion) {
  auto* module = static_cast<ModuleSource*>(completion.boxed.get());
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::Object> object = v8::Object::New(isolate);
  v8::Local<v8::String> source = Utf8String(isolate, module->source);
  if (object->CreateDataProperty(context, OneByteString(isolate, "source"), source).IsNothing() ||
      object
          ->CreateDataProperty(context, OneByteString(isolate, "json"),
                               v8::Boolean::New(isolate, module->type == ModuleType::kJson))
          .IsNothing()) {
    return {};
  }
  return object;
}

v8::Local<v8::Value> Property(v8::Local<v8::Context> context, v8::Local<v8::Object> object,
                              const char* name) {
  v8::Local<v8::Value> value;
  if (!object->Get(context, OneByteString(context->GetIsolate(), name)).ToLocal(&value)) {
    return v8::Undefined(context->GetIsolate());
  }
  return value;
}

}  // namespace

bool ModuleMap::AskLoader(v8::Local<v8::Context> context, const std::string& url,
                          const std::string& specifier, const std::string& referrer,
                          ModuleSource* out) {
  AsyncOps& async_ops = RuntimeOpState::Of(*op_state_).async_ops();
  // The promise ring's next id, as an async op's stub takes it (js/async.js).
  v8::Local<v8::Value> ring;
  if (!op_state_->host().GetInternal("async").ToLocal(&ring) || !ring->IsObject()) {
    ThrowError(isolate_, "module loading: the async op ring is missing");
    return false;
  }
  uint32_t id =
      Property(context, ring.As<v8::Object>(), "nextId")->Uint32Value(context).FromMaybe(0);
  async_ops.BeginCall(id, "module loader", &ModuleSourceToJs);
  Future<ModuleSource> loaded = loader_->Load(*op_state_, url);
  bool registered = async_ops.call_registered();
  async_ops.EndCall();
  switch (loaded.state()) {
    case Future<ModuleSource>::State::kReady:
      // (A Completer the loader made and did not use completes into an id no promise waits on.)
      *out = std::move(loaded.value());
      return true;
    case Future<ModuleSource>::State::kFailed:
      if (absl::IsNotFound(loaded.error())) {
        ThrowError(isolate_,
                   absl::StrCat("Cannot find module '", specifier, "'", ImportedFrom(referrer)),
                   "ERR_MODULE_NOT_FOUND");
      } else {
        ThrowError(isolate_, absl::StrCat("Cannot load module '", specifier, "'",
                                          ImportedFrom(referrer), ": ", loaded.error().message()));
      }
      return false;
    case Future<ModuleSource>::State::kPending:
      break;
  }
  if (!registered) {
    ThrowError(isolate_, absl::StrCat("Cannot load module '", specifier, "'", ImportedFrom(referrer),
                                      ": the loader returned a pending Future not made by "
                                      "MakeFuture(state)"));
    return false;
  }
  v8::Local<v8::Value> track = Property(context, ring.As<v8::Object>(), "track");
  v8::Local<v8::Value> id_value = v8::Integer::NewFromUnsigned(isolate_, id);
  v8::Local<v8::Value> promise;
  v8::Local<v8::Value> data_items[] = {Utf8String(isolate_, url), Utf8String(isolate_, specifier),
                                       Utf8String(isolate_, referrer)};
  v8::Local<v8::Array> data = v8::Array::New(isolate_, data_items, 3);
  v8::Local<v8::Function> on_loaded;
  v8::Local<v8::Function> on_failed;
  v8::TryCatch try_catch(isolate_);
  if (!track->IsFunction() ||
      !track.As<v8::Function>()->Call(context, ring, 1, &id_value).ToLocal(&promise) ||
      !promise->IsPromise() ||
      !v8::Function::New(context, &ModuleMap::OnLoaded, data).ToLocal(&on_loaded) ||
      !v8::Function::New(context, &ModuleMap::OnLoadFailed, data).ToLocal(&on_failed) ||
      promise.As<v8::Promise>()->Then(context, on_loaded, on_failed).IsEmpty()) {
    if (try_catch.HasCaught()) {
      try_catch.ReThrow();
    } else {
      ThrowError(isolate_, "module loading: could not wait for an asynchronous load");
    }
    return false;
  }
  in_flight_.insert(url);
  hit_pending_ = true;
  return false;
}

void ModuleMap::OnLoaded(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  ModuleMap* map = MapOf(isolate);
  if (map == nullptr) return;
  v8::Local<v8::Array> data = info.Data().As<v8::Array>();
  std::string url = ToStdString(isolate, data->Get(context, 0).ToLocalChecked());
  map->in_flight_.erase(url);
  v8::Local<v8::Object> loaded = info[0].As<v8::Object>();
  std::string source = ToStdString(isolate, Property(context, loaded, "source"));
  bool json = Property(context, loaded, "json")->IsTrue();
  {
    v8::TryCatch try_catch(isolate);
    v8::MaybeLocal<v8::Module> module =
        json ? map->CompileJson(context, url, source)
             : map->Compile(context, url, source, map->code_cache_ != nullptr);
    // A module that did not compile fails every importer; errors of its imports are
    // found again by whoever loads them.
    if (module.IsEmpty() && try_catch.HasCaught() && !try_catch.HasTerminated() &&
        map->by_url_.count(url) == 0) {
      map->failed_loads_[url].Reset(isolate, try_catch.Exception());
    }
  }
  map->RetryWaitingImports(context);
}

void ModuleMap::OnLoadFailed(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  ModuleMap* map = MapOf(isolate);
  if (map == nullptr) return;
  v8::Local<v8::Array> data = info.Data().As<v8::Array>();
  std::string url = ToStdString(isolate, data->Get(context, 0).ToLocalChecked());
  std::string specifier = ToStdString(isolate, data->Get(context, 1).ToLocalChecked());
  std::string referrer = ToStdString(isolate, data->Get(context, 2).ToLocalChecked());
  map->in_flight_.erase(url);
  std::string message;
  std::string name;
  if (info[0]->IsObject()) {
    name = ToStdString(isolate, Property(context, info[0].As<v8::Object>(), "name"));
    message = ToStdString(isolate, Property(context, info[0].As<v8::Object>(), "message"));
  } else {
    message = ToStdString(isolate, info[0]);
  }
  v8::Local<v8::Value> error =
      name == "NotFound"
          ? CreateJsError(isolate, "Error",
                          absl::StrCat("Cannot find module '", specifier, "'", ImportedFrom(referrer)),
                          "ERR_MODULE_NOT_FOUND")
          : CreateJsError(isolate, "Error",
                          absl::StrCat("Cannot load module '", specifier, "'",
                                       ImportedFrom(referrer), ": ", message));
  map->failed_loads_[url].Reset(isolate, error);
  map->RetryWaitingImports(context);
}

void ModuleMap::RetryWaitingImports(v8::Local<v8::Context> context) {
  std::vector<std::unique_ptr<WaitingImport>> waiting;
  waiting.swap(waiting_imports_);
  for (std::unique_ptr<WaitingImport>& import : waiting) {
    v8::HandleScope scope(isolate_);
    v8::Local<v8::Promise::Resolver> resolver = import->resolver.Get(isolate_);
    v8::TryCatch try_catch(isolate_);
    BeginFetch();
    v8::Local<v8::FixedArray> assertions = import->assertions.Get(isolate_);
    v8::Local<v8::Module> module;
    bool loaded = LoadSpecifier(context, import->specifier, import->referrer, assertions, 2)
                      .ToLocal(&module);
    bool pending = !try_catch.HasCaught() &&
                   (!loaded || hit_pending_ || GraphPending(context, module));
    v8::Local<v8::Promise> finished;
    if (!try_catch.HasCaught() && !pending) {
      if (FinishImport(context, module).ToLocal(&finished)) {
        resolver->Resolve(context, finished).Check();
        continue;
      }
    }
    if (try_catch.HasCaught()) {
      if (try_catch.HasTerminated()) continue;
      resolver->Reject(context, try_catch.Exception()).Check();
      continue;
    }
    waiting_imports_.push_back(std::move(import));
  }
}

v8::MaybeLocal<v8::Promise> ModuleMap::FinishImport(v8::Local<v8::Context> context,
                                                    v8::Local<v8::Module> module) {
  v8::EscapableHandleScope scope(isolate_);
  v8::Local<v8::Value> evaluation;
  if (Link(context, module).IsEmpty() || !module->Evaluate(context).ToLocal(&evaluation)) {
    return {};
  }
  ProduceCodeCache();
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
  v8::Local<v8::Promise::Resolver> resolver;
  if (!v8::Promise::Resolver::New(context).ToLocal(&resolver)) return {};
  resolver->Resolve(context, ns).Check();
  return scope.Escape(resolver->GetPromise());
}

v8::MaybeLocal<v8::Module> ModuleMap::ResolveForLink(v8::Local<v8::Context> context,
                                                     v8::Local<v8::String> specifier,
                                                     v8::Local<v8::FixedArray> assertions,
                                                     v8::Local<v8::Module> referrer) {
  v8::Isolate* isolate = context->GetIsolate();
  ModuleMap* map = MapOf(isolate);
  // Every static import was loaded before linking, so this is a lookup.
  return map->LoadSpecifier(context, ToStdString(isolate, specifier), map->UrlOf(referrer),
                            assertions, 3);
}

v8::MaybeLocal<v8::Promise> ModuleMap::ImportDynamically(v8::Local<v8::Context> context,
                                                         v8::Local<v8::Data> host_options,
                                                         v8::Local<v8::Value> resource_name,
                                                         v8::Local<v8::String> specifier,
                                                         v8::Local<v8::FixedArray> assertions) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::EscapableHandleScope scope(isolate);
  v8::Local<v8::Promise::Resolver> resolver;
  if (!v8::Promise::Resolver::New(context).ToLocal(&resolver)) return {};
  ModuleMap* map = MapOf(isolate);

  v8::TryCatch try_catch(isolate);
  std::string referrer =
      resource_name->IsString() ? ReferrerUrlOfScript(ToStdString(isolate, resource_name)) : "";
  std::string specifier_text = ToStdString(isolate, specifier);
  map->BeginFetch();
  v8::Local<v8::Module> module;
  bool loaded =
      map->LoadSpecifier(context, specifier_text, referrer, assertions, 2).ToLocal(&module);
  bool pending = !try_catch.HasCaught() &&
                 (!loaded || map->hit_pending_ || map->GraphPending(context, module));
  if (pending) {
    // Settled by RetryWaitingImports once its loads have.
    auto waiting = std::make_unique<WaitingImport>();
    waiting->resolver.Reset(isolate, resolver);
    waiting->specifier = specifier_text;
    waiting->referrer = referrer;
    waiting->assertions.Reset(isolate, assertions);
    map->waiting_imports_.push_back(std::move(waiting));
    return scope.Escape(resolver->GetPromise());
  }
  v8::Local<v8::Promise> finished;
  if (!try_catch.HasCaught() && map->FinishImport(context, module).ToLocal(&finished)) {
    return scope.Escape(finished);
  }
  if (try_catch.HasCaught() && !try_catch.HasTerminated()) {
    resolver->Reject(context, try_catch.Exception()).Check();
    return scope.Escape(resolver->GetPromise());
  }
  return {};
}

void ModuleMap::ImportMetaResolve(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  ModuleMap* map = MapOf(isolate);
  if (map == nullptr) return;
  if (info.Length() < 1) {
    ThrowError(isolate, "import.meta.resolve: 1 argument required, but only 0 present.", {},
               "TypeError");
    return;
  }
  std::string specifier = ToStdString(isolate, info[0]);
  std::string referrer = ToStdString(isolate, info.Data());
  std::string error;
  std::string url = map->ResolveUrl(specifier, referrer, &error);
  if (url.empty()) {
    ThrowError(isolate, error, "ERR_MODULE_NOT_FOUND");
    return;
  }
  info.GetReturnValue().Set(Utf8String(isolate, url));
}

void ModuleMap::InitializeImportMeta(v8::Local<v8::Context> context, v8::Local<v8::Module> module,
                                     v8::Local<v8::Object> meta) {
  v8::Isolate* isolate = context->GetIsolate();
  ModuleMap* map = MapOf(isolate);
  std::string url = map ? map->UrlOf(module) : std::string();
  auto set = [&](const char* key, v8::Local<v8::Value> value) {
    meta->CreateDataProperty(context, OneByteString(isolate, key), value).Check();
  };
  set("url", Utf8String(isolate, url));
  if (absl::StartsWith(url, "ext:")) return;
  v8::Local<v8::Function> resolve;
  if (v8::Function::New(context, &ModuleMap::ImportMetaResolve, Utf8String(isolate, url), 1)
          .ToLocal(&resolve)) {
    resolve->SetName(OneByteString(isolate, "resolve"));
    set("resolve", resolve);
  }
  if (absl::StartsWith(url, "file://")) {
    std::string path = FileUrlToPath(url);
    set("filename", Utf8String(isolate, path));
    set("dirname", Utf8String(isolate, DirName(path)));
  }
  set("main", v8::Boolean::New(isolate, map && map->entry_url_ == url));
}

}  // namespace kiln
