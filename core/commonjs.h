#ifndef KILN_CORE_COMMONJS_H_
#define KILN_CORE_COMMONJS_H_

// CommonJS modules, as Node.js runs them: `require()`, `module.exports`, `exports`,
// `__filename`, `__dirname`. kiln runs them so that npm packages published only as
// CommonJS (lodash, ajv, ...) can be imported, as Deno does; its own programs are ES
// modules.
//
// Which files are CommonJS is the module loader's call (ModuleSource's kCommonJs and
// detect_module_syntax; FileModuleLoader: .cjs files, and .js files of packages that are
// not "type": "module" in node_modules). A CommonJS module:
//   - runs once, in a function (exports, require, module, __filename, __dirname, process,
//     global) with `this` = module.exports, when it is first required or imported.
//     `global` is globalThis; `process` is what bundlers give browser builds (the
//     `process` package's browser shim: `env` empty, `browser` true, `nextTick`, no
//     Node.js versions), so code reading `process.env.NODE_ENV` runs, and code looking for
//     Node.js does not find it. Neither is a global: ES modules and scripts see none. A
//     module that declares either itself gets Node's five parameters;
//   - is cached in require.cache by its filename (its path for a file: URL, else its URL)
//     from before it runs, so a require() cycle gets the exports so far, and a module
//     that throws is taken out of the cache again;
//   - imported by an ES module, is a module whose default export is `module.exports` and
//     whose named exports are the own enumerable properties `module.exports` had when it
//     ran (Node's names come from a static scan of the source; running the module gives
//     the names it really exports). It runs when the importing graph is loaded, before
//     any ES module of that graph is evaluated.
//   - require() is synchronous: it resolves through ModuleLoader::ResolveRequire (the
//     "require" condition, "main", extension and index probing) and loads through
//     LoadForRequire. It loads CommonJS modules and JSON files (module.exports = the
//     parsed value); an ES module is ERR_REQUIRE_ESM (import() it instead); Node's
//     built-in modules ("fs", "node:path") are MODULE_NOT_FOUND with a note that kiln
//     has none, unless a package of that name is installed (the npm polyfills "buffer",
//     "events", "util" are what the browser builds kiln picks expect).
//   - require.resolve(specifier) gives the filename; require.main is the main module
//     (`kiln run x.cjs`) or undefined; module.parent is the module that first required
//     it (null for the main module, undefined when imported), which lists it in its
//     module.children. require("process"), when no package of that name is installed, is
//     the `process` below.
//
// A runtime's CommonJs belongs to its ModuleMap. A snapshot of an embedder's setup keeps
// the modules CommonJS modules made for imports, not require()'s cache: a runtime made
// from it runs a required module again.

#include <string>
#include <vector>

#include "core/module_loader.h"
#include "v8.h"

namespace kiln {

class CommonJs {
 public:
  CommonJs(v8::Isolate* isolate, ModuleLoader* loader) : isolate_(isolate), loader_(loader) {}

  // The module object of the CommonJS module at `url` if it has run or is running (it is
  // in require.cache), else empty.
  v8::MaybeLocal<v8::Object> Cached(v8::Local<v8::Context> context, const std::string& url);

  // Compiles the CommonJS `source` of the module at `url` into its module function. With
  // `source.detect_module_syntax`, a source with ES module syntax sets `*es_module` and
  // gives an empty result without an exception. On failure a JS exception is pending.
  v8::MaybeLocal<v8::Function> Compile(v8::Local<v8::Context> context, const std::string& url,
                                       const ModuleSource& source, bool* es_module);

  // Runs a compiled module function as the module at `url`. `parent`: the requiring
  // module object; null for the main module (require.main); undefined when an ES module
  // imports it. Returns the module object. On failure (the module threw) a JS exception
  // is pending.
  v8::MaybeLocal<v8::Object> Execute(v8::Local<v8::Context> context, const std::string& url,
                                     v8::Local<v8::Function> function,
                                     v8::Local<v8::Value> parent);

  // require(specifier) from the module at `referrer_url`: module.exports. On failure a JS
  // exception is pending.
  v8::MaybeLocal<v8::Value> Require(v8::Local<v8::Context> context, const std::string& specifier,
                                    const std::string& referrer_url);

  // Loads and runs the file at `url` as the main module (`kiln run main.cjs`).
  v8::MaybeLocal<v8::Object> RunMain(v8::Local<v8::Context> context, const std::string& url);

  // Drops the handles it holds; called before the isolate goes away.
  void Clear() {
    main_.Reset();
    cache_.Reset();
    process_.Reset();
  }

  // The native functions behind require() and require.resolve(), for snapshots.
  static void AppendExternalReferences(std::vector<intptr_t>* references);

 private:
  // require(specifier) / require.resolve(specifier); data: the requiring module's URL.
  static void RequireCallback(const v8::FunctionCallbackInfo<v8::Value>& info);
  static void ResolveCallback(const v8::FunctionCallbackInfo<v8::Value>& info);

  // The URL `specifier` names from `referrer_url`, or empty with an exception pending.
  std::string ResolveUrl(v8::Local<v8::Context> context, const std::string& specifier,
                         const std::string& referrer_url);
  // require.cache: filename -> module object.
  v8::MaybeLocal<v8::Object> Cache(v8::Local<v8::Context> context);
  // The `process` CommonJS modules get.
  v8::MaybeLocal<v8::Object> Process(v8::Local<v8::Context> context);
  // A new module object for `url` with its require function (`parent` as for Execute).
  v8::MaybeLocal<v8::Object> NewModule(v8::Local<v8::Context> context, const std::string& url,
                                       v8::Local<v8::Value> parent);

  v8::Isolate* isolate_;
  ModuleLoader* loader_;
  v8::Global<v8::Object> cache_;  // require.cache, made when first needed
  v8::Global<v8::Object> main_;   // require.main
  v8::Global<v8::Object> process_;
};

// The name CommonJS gives the module at `url`: its path for a file: URL, else the URL.
std::string CommonJsFilename(const std::string& url);

}  // namespace kiln

#endif  // KILN_CORE_COMMONJS_H_
