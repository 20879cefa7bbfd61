#include "core/commonjs.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/file_util.h"
#include "core/op_support.h"
#include "core/package_resolver.h"
#include "core/runtime.h"
#include "core/v8_util.h"

namespace kiln {
namespace {

// Node.js's built-in module names: a require() of one of them, when no package of that
// name is installed, says that kiln has none.
constexpr const char* kNodeBuiltins[] = {
    "assert",  "async_hooks", "buffer",     "child_process", "cluster", "console",
    "crypto",  "dgram",       "dns",        "events",        "fs",      "http",
    "http2",   "https",       "module",     "net",           "os",      "path",
    "perf_hooks", "process",  "querystring", "readline",     "stream",  "string_decoder",
    "timers",  "tls",         "tty",        "url",           "util",    "v8",
    "vm",      "worker_threads", "zlib"};

bool IsNodeBuiltin(const std::string& specifier) {
  if (absl::StartsWith(specifier, "node:")) return true;
  std::string name = specifier.substr(0, specifier.find('/'));
  return std::find_if(std::begin(kNodeBuiltins), std::end(kNodeBuiltins),
                      [&](const char* builtin) { return name == builtin; }) !=
         std::end(kNodeBuiltins);
}

void Throw(v8::Isolate* isolate, std::string_view message, std::string_view code = {}) {
  isolate->ThrowException(CreateJsError(isolate, "Error", message, code));
}

// The folder CommonJS gives the module at `url` as __dirname.
std::string CommonJsDirname(const std::string& url) {
  std::string filename = CommonJsFilename(url);
  size_t slash = filename.rfind('/');
  if (slash == std::string::npos) return filename;
  if (slash == 0) return "/";
  return filename.substr(0, slash);
}

bool Set(v8::Local<v8::Context> context, v8::Local<v8::Object> object, const char* name,
         v8::Local<v8::Value> value) {
  return object->Set(context, OneByteString(context->GetIsolate(), name), value).FromMaybe(false);
}

v8::MaybeLocal<v8::Value> Get(v8::Local<v8::Context> context, v8::Local<v8::Object> object,
                              const char* name) {
  return object->Get(context, OneByteString(context->GetIsolate(), name));
}

// The messages V8 gives for ES module syntax in a script or function body: import and
// export statements, import.meta, top-level await (Node 22's list for detecting modules).
// " required from /path/of/referrer.js", for messages ("" from the top level).
std::string RequiredFrom(const std::string& referrer_url) {
  return referrer_url.empty() ? ""
                              : absl::StrCat(" required from ", CommonJsFilename(referrer_url));
}

bool IsModuleSyntaxError(const std::string& message) {
  for (const char* sign :
       {"Cannot use import statement outside a module", "Unexpected token 'export'",
        "Cannot use 'import.meta' outside a module",
        "await is only valid in async functions and the top level bodies of modules"}) {
    if (absl::StrContains(message, sign)) return true;
  }
  return false;
}

// The parameters of Node's module function; kiln's adds `process` and `global`.
constexpr int kNodeParameters = 5;

// The `process` CommonJS modules see: what bundlers give the browser builds kiln runs
// (the `process` package's browser.js): no Node.js, an empty env.
constexpr char kProcessSource[] = R"js((() => ({
  title: 'browser',
  browser: true,
  env: {},
  argv: [],
  version: '',
  versions: {},
  nextTick(callback, ...args) {
    if (typeof queueMicrotask === 'function') {
      queueMicrotask(() => callback(...args));
    } else {
      Promise.resolve().then(() => callback(...args));
    }
  },
  cwd() { return '/'; },
}))())js";

}  // namespace

std::string CommonJsFilename(const std::string& url) {
  return absl::StartsWith(url, "file://") ? FileUrlToPath(url) : url;
}

v8::MaybeLocal<v8::Object> CommonJs::Cache(v8::Local<v8::Context> context) {
  if (cache_.IsEmpty()) {
    cache_.Reset(isolate_, v8::Object::New(isolate_, v8::Null(isolate_), nullptr, nullptr, 0));
  }
  return cache_.Get(isolate_);
}

v8::MaybeLocal<v8::Object> CommonJs::Process(v8::Local<v8::Context> context) {
  if (process_.IsEmpty()) {
    v8::Local<v8::Script> script;
    v8::Local<v8::Value> process;
    v8::ScriptOrigin origin(isolate_, OneByteString(isolate_, "kiln:commonjs-process"));
    if (!v8::Script::Compile(context, OneByteString(isolate_, kProcessSource), &origin)
             .ToLocal(&script) ||
        !script->Run(context).ToLocal(&process) || !process->IsObject()) {
      return {};
    }
    process_.Reset(isolate_, process.As<v8::Object>());
  }
  return process_.Get(isolate_);
}

v8::MaybeLocal<v8::Object> CommonJs::Cached(v8::Local<v8::Context> context,
                                            const std::string& url) {
  v8::Local<v8::Object> cache;
  if (!Cache(context).ToLocal(&cache)) return {};
  v8::Local<v8::Value> module;
  if (!cache->Get(context, Utf8String(isolate_, CommonJsFilename(url))).ToLocal(&module) ||
      !module->IsObject()) {
    return {};
  }
  return module.As<v8::Object>();
}

v8::MaybeLocal<v8::Function> CommonJs::Compile(v8::Local<v8::Context> context,
                                               const std::string& url, const ModuleSource& source,
                                               bool* es_module) {
  *es_module = false;
  // A function body cannot start with a hashbang line (`#!/usr/bin/env node`); Node
  // drops it. It becomes a comment, so line numbers stay. (Only then is the source copied.)
  std::string commented;
  std::string_view text = source.source;
  if (text.substr(0, 2) == "#!") {
    commented = "//" + std::string(text.substr(2));
    text = commented;
  }
  v8::ScriptOrigin origin(isolate_, Utf8String(isolate_, CommonJsFilename(url)));
  v8::Local<v8::String> parameters[] = {
      OneByteString(isolate_, "exports"), OneByteString(isolate_, "require"),
      OneByteString(isolate_, "module"),  OneByteString(isolate_, "__filename"),
      OneByteString(isolate_, "__dirname"), OneByteString(isolate_, "process"),
      OneByteString(isolate_, "global")};
  v8::TryCatch try_catch(isolate_);
  v8::Local<v8::Function> function;
  v8::ScriptCompiler::Source compiler_source(Utf8String(isolate_, text), origin);
  if (v8::ScriptCompiler::CompileFunction(context, &compiler_source, std::size(parameters),
                                          parameters, 0, nullptr)
          .ToLocal(&function)) {
    return function;
  }
  // A module that declares `process` or `global` itself (`const process =
  // require('process')`) gets Node's five parameters only.
  std::string message =
      try_catch.Message().IsEmpty() ? "" : ToStdString(isolate_, try_catch.Message()->Get());
  if (absl::StrContains(message, "Identifier 'process' has already been declared") ||
      absl::StrContains(message, "Identifier 'global' has already been declared")) {
    try_catch.Reset();
    v8::ScriptCompiler::Source node_source(Utf8String(isolate_, text), origin);
    if (v8::ScriptCompiler::CompileFunction(context, &node_source, kNodeParameters, parameters,
                                            0, nullptr)
            .ToLocal(&function)) {
      return function;
    }
  }
  if (source.detect_module_syntax && try_catch.HasCaught() && !try_catch.Message().IsEmpty() &&
      IsModuleSyntaxError(ToStdString(isolate_, try_catch.Message()->Get()))) {
    *es_module = true;
    return {};
  }
  try_catch.ReThrow();
  return {};
}

v8::MaybeLocal<v8::Object> CommonJs::NewModule(v8::Local<v8::Context> context,
                                               const std::string& url,
                                               v8::Local<v8::Value> parent) {
  bool main = parent->IsNull();
  v8::Local<v8::Object> cache;
  if (!Cache(context).ToLocal(&cache)) return {};
  v8::Local<v8::String> url_value = Utf8String(isolate_, url);
  v8::Local<v8::Function> require;
  v8::Local<v8::Function> resolve;
  if (!v8::Function::New(context, &CommonJs::RequireCallback, url_value, 1).ToLocal(&require) ||
      !v8::Function::New(context, &CommonJs::ResolveCallback, url_value, 1).ToLocal(&resolve)) {
    return {};
  }
  require->SetName(OneByteString(isolate_, "require"));
  resolve->SetName(OneByteString(isolate_, "resolve"));
  v8::Local<v8::Object> module = v8::Object::New(isolate_);
  v8::Local<v8::String> filename = Utf8String(isolate_, CommonJsFilename(url));
  if (main) main_.Reset(isolate_, module);
  v8::Local<v8::Value> main_module =
      main_.IsEmpty() ? v8::Undefined(isolate_).As<v8::Value>() : main_.Get(isolate_).As<v8::Value>();
  if (!Set(context, require, "resolve", resolve) || !Set(context, require, "cache", cache) ||
      !Set(context, require, "main", main_module) ||
      !Set(context, module, "id", main ? OneByteString(isolate_, ".") : filename) ||
      !Set(context, module, "path", Utf8String(isolate_, CommonJsDirname(url))) ||
      !Set(context, module, "exports", v8::Object::New(isolate_)) ||
      !Set(context, module, "filename", filename) ||
      !Set(context, module, "loaded", v8::False(isolate_)) ||
      !Set(context, module, "children", v8::Array::New(isolate_)) ||
      !Set(context, module, "parent", parent) || !Set(context, module, "require", require)) {
    return {};
  }
  // The parent lists it among its children, as Node's does.
  if (parent->IsObject()) {
    v8::Local<v8::Value> children;
    if (!Get(context, parent.As<v8::Object>(), "children").ToLocal(&children)) return {};
    if (children->IsArray()) {
      v8::Local<v8::Array> list = children.As<v8::Array>();
      if (list->Set(context, list->Length(), module).IsNothing()) return {};
    }
  }
  return module;
}

v8::MaybeLocal<v8::Object> CommonJs::Execute(v8::Local<v8::Context> context,
                                             const std::string& url,
                                             v8::Local<v8::Function> function,
                                             v8::Local<v8::Value> parent) {
  v8::Local<v8::Object> cache;
  v8::Local<v8::Object> module;
  v8::Local<v8::Value> exports;
  v8::Local<v8::Value> require;
  if (!Cache(context).ToLocal(&cache) || !NewModule(context, url, parent).ToLocal(&module) ||
      !Get(context, module, "exports").ToLocal(&exports) ||
      !Get(context, module, "require").ToLocal(&require)) {
    return {};
  }
  v8::Local<v8::String> filename = Utf8String(isolate_, CommonJsFilename(url));
  if (cache->Set(context, filename, module).IsNothing()) return {};
  v8::Local<v8::Object> process;
  if (!Process(context).ToLocal(&process)) return {};
  v8::Local<v8::Value> arguments[] = {
      exports, require, module, filename, Utf8String(isolate_, CommonJsDirname(url)),
      process, context->Global()};
  if (function->Call(context, exports, std::size(arguments), arguments).IsEmpty()) {
    // A module that threw is not kept: requiring it again runs it again, as in Node.
    v8::TryCatch keep(isolate_);
    cache->Delete(context, filename).FromMaybe(false);
    keep.Reset();
    return {};
  }
  if (!Set(context, module, "loaded", v8::True(isolate_))) return {};
  return module;
}

std::string CommonJs::ResolveUrl(v8::Local<v8::Context> context, const std::string& specifier,
                                 const std::string& referrer_url) {
  std::string from = RequiredFrom(referrer_url);
  if (specifier.empty()) {
    isolate_->ThrowException(CreateJsError(
        isolate_, "TypeError", "require(): the module name must be a non-empty string",
        "ERR_INVALID_ARG_VALUE"));
    return "";
  }
  if (absl::StartsWith(specifier, "node:")) {
    Throw(isolate_,
          absl::StrCat("Cannot find module '", specifier, "'", from,
                       ": kiln has no Node.js built-in modules"),
          "MODULE_NOT_FOUND");
    return "";
  }
  absl::StatusOr<std::string> url = loader_->ResolveRequire(specifier, referrer_url);
  if (!url.ok()) {
    if (absl::IsNotFound(url.status())) {
      std::string note = IsNodeBuiltin(specifier)
                             ? ": kiln has no Node.js built-in modules, and no package of that "
                               "name is installed"
                             : (IsPackageSpecifier(specifier) && !url.status().message().empty()
                                    ? absl::StrCat(": ", url.status().message())
                                    : "");
      Throw(isolate_, absl::StrCat("Cannot find module '", specifier, "'", from, note),
            "MODULE_NOT_FOUND");
    } else {
      Throw(isolate_,
            absl::StrCat("Cannot resolve module '", specifier, "'", from, ": ",
                         url.status().message()),
            "MODULE_NOT_FOUND");
    }
    return "";
  }
  return *url;
}

v8::MaybeLocal<v8::Value> CommonJs::Require(v8::Local<v8::Context> context,
                                            const std::string& specifier,
                                            const std::string& referrer_url) {
  // With no package of that name installed, `process` is the shim CommonJS code sees
  // (bundlers map it so too).
  if (specifier == "process" && !loader_->ResolveRequire(specifier, referrer_url).ok()) {
    v8::Local<v8::Object> process;
    if (!Process(context).ToLocal(&process)) return {};
    return process;
  }
  std::string url = ResolveUrl(context, specifier, referrer_url);
  if (url.empty()) return {};
  // A package's "browser" field maps this one to false: an empty module.
  if (url == kEmptyModuleUrl) return v8::Object::New(isolate_).As<v8::Value>();
  v8::Local<v8::Object> cached;
  if (Cached(context, url).ToLocal(&cached)) return Get(context, cached, "exports");
  std::string from = RequiredFrom(referrer_url);
  absl::StatusOr<ModuleSource> source = loader_->LoadForRequire(url);
  if (!source.ok()) {
    Throw(isolate_,
          absl::IsNotFound(source.status())
              ? absl::StrCat("Cannot find module '", specifier, "'", from)
              : absl::StrCat("Cannot load module '", specifier, "'", from, ": ",
                             source.status().message()),
          "MODULE_NOT_FOUND");
    return {};
  }
  std::string filename = CommonJsFilename(url);
  // The requiring module, when it is a CommonJS module.
  v8::Local<v8::Value> parent = v8::Undefined(isolate_);
  v8::Local<v8::Object> requiring;
  if (Cached(context, referrer_url).ToLocal(&requiring)) parent = requiring;
  if (source->type == ModuleType::kJson) {
    v8::Local<v8::Value> value;
    v8::Local<v8::Object> module;
    v8::Local<v8::Object> cache;
    {
      v8::TryCatch try_catch(isolate_);
      if (!v8::JSON::Parse(context, Utf8String(isolate_, source->source)).ToLocal(&value)) {
        std::string reason =
            try_catch.Message().IsEmpty() ? "" : ToStdString(isolate_, try_catch.Message()->Get());
        try_catch.Reset();
        isolate_->ThrowException(CreateJsError(
            isolate_, "SyntaxError", absl::StrCat(filename, ": ", reason), {}));
        return {};
      }
    }
    if (!NewModule(context, url, parent).ToLocal(&module) || !Cache(context).ToLocal(&cache) ||
        !Set(context, module, "exports", value) ||
        !Set(context, module, "loaded", v8::True(isolate_)) ||
        cache->Set(context, Utf8String(isolate_, filename), module).IsNothing()) {
      return {};
    }
    return value;
  }
  bool es_module = source->type == ModuleType::kJavaScript;
  v8::Local<v8::Function> function;
  if (!es_module && !Compile(context, url, *source, &es_module).ToLocal(&function) && !es_module) {
    return {};
  }
  if (es_module) {
    isolate_->ThrowException(CreateJsError(
        isolate_, "Error",
        absl::StrCat("require() of ES module ", filename, from,
                     " is not supported: load it with import() instead"),
        "ERR_REQUIRE_ESM"));
    return {};
  }
  v8::Local<v8::Object> module;
  if (!Execute(context, url, function, parent).ToLocal(&module)) return {};
  return Get(context, module, "exports");
}

v8::MaybeLocal<v8::Object> CommonJs::RunMain(v8::Local<v8::Context> context,
                                             const std::string& url) {
  absl::StatusOr<ModuleSource> source = loader_->LoadForRequire(url);
  if (!source.ok()) {
    Throw(isolate_, absl::StrCat("Cannot load ", CommonJsFilename(url), ": ",
                                 source.status().message()),
          "MODULE_NOT_FOUND");
    return {};
  }
  source->type = ModuleType::kCommonJs;
  source->detect_module_syntax = false;
  bool es_module = false;
  v8::Local<v8::Function> function;
  if (!Compile(context, url, *source, &es_module).ToLocal(&function)) return {};
  return Execute(context, url, function, v8::Null(isolate_));
}

namespace {

// The module name require() or require.resolve() (`what`) was called with, or empty with a
// TypeError thrown; and the runtime whose CommonJs serves the call.
bool ModuleNameArgument(const v8::FunctionCallbackInfo<v8::Value>& info, const char* what,
                        Runtime** runtime, std::string* name) {
  v8::Isolate* isolate = info.GetIsolate();
  *runtime = Runtime::From(isolate);
  if (*runtime == nullptr || (*runtime)->module_map() == nullptr) return false;
  if (info.Length() < 1 || !info[0]->IsString()) {
    isolate->ThrowException(CreateJsError(
        isolate, "TypeError",
        absl::StrCat(what, ": the module name must be a string, received ",
                     info.Length() < 1 ? "nothing" : ToStdString(isolate, info[0]->TypeOf(isolate))),
        "ERR_INVALID_ARG_TYPE"));
    return false;
  }
  *name = ToStdString(isolate, info[0]);
  return true;
}

}  // namespace

void CommonJs::RequireCallback(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Runtime* runtime;
  std::string specifier;
  if (!ModuleNameArgument(info, "require()", &runtime, &specifier)) return;
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Value> exports;
  if (runtime->module_map()
          ->commonjs()
          .Require(isolate->GetCurrentContext(), specifier, ToStdString(isolate, info.Data()))
          .ToLocal(&exports)) {
    info.GetReturnValue().Set(exports);
  }
}

void CommonJs::ResolveCallback(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Runtime* runtime;
  std::string specifier;
  if (!ModuleNameArgument(info, "require.resolve()", &runtime, &specifier)) return;
  v8::Isolate* isolate = info.GetIsolate();
  std::string url = runtime->module_map()->commonjs().ResolveUrl(
      isolate->GetCurrentContext(), specifier, ToStdString(isolate, info.Data()));
  if (url.empty()) return;
  info.GetReturnValue().Set(Utf8String(isolate, CommonJsFilename(url)));
}

void CommonJs::AppendExternalReferences(std::vector<intptr_t>* references) {
  references->push_back(reinterpret_cast<intptr_t>(&CommonJs::RequireCallback));
  references->push_back(reinterpret_cast<intptr_t>(&CommonJs::ResolveCallback));
}

}  // namespace kiln
