// Module loaders for embedders: in memory, files, a custom loader, data: URLs, JSON
// modules, import.meta, and the errors of each.
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"

#include "absl/strings/str_cat.h"
#include "core/call.h"
#include "core/module_loader.h"
#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"

namespace kiln {
namespace {

using ::kiln::testing::RuntimeTest;
using ::kiln::testing::TempDir;
using ::kiln::testing::WriteTempFile;

class InMemoryTest : public RuntimeTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.module_loader = loader_;
    return options;
  }
  // The value of `export_name` of `module`, formatted like console.log.
  std::string Export(const JsModule& module, const std::string& export_name) {
    Result<JsValue> value = runtime().GetExport(module, export_name);
    if (!value.ok()) return "<" + value.error().Summary() + ">";
    v8::Isolate::Scope isolate_scope(runtime().isolate());
    v8::HandleScope scope(runtime().isolate());
    return runtime().Inspect(value.value().Get(runtime().isolate()));
  }
  JsError LoadFails(const std::string& specifier) {
    Result<JsModule> module = runtime().LoadModule(specifier);
    if (module.ok()) {
      ADD_FAILURE() << specifier << " loaded";
      return {};
    }
    return module.error();
  }

  std::shared_ptr<InMemoryModuleLoader> loader_ = std::make_shared<InMemoryModuleLoader>();
};

TEST_F(InMemoryTest, LoadsAGraphFromMemory) {
  loader_->Add("main.js", "import { twice } from './lib/math.js';\n"
                          "import config from './config.json' assert { type: 'json' };\n"
                          "export const answer = twice(config.half);\n");
  loader_->Add("lib/math.js", "export function twice(x) { return 2 * x; }\n");
  loader_->Add("config.json", R"({"half": 21})");
  Result<JsModule> module = runtime().LoadModule("main.js");
  ASSERT_TRUE(module.ok()) << module.error().Report();
  EXPECT_EQ(module.value().url(), "memory:///main.js");
  EXPECT_EQ(Export(module.value(), "answer"), "42");
}

TEST_F(InMemoryTest, CommonJsModulesFromMemory) {
  // ".cjs" names are CommonJS: imported (module.exports and its properties) and required
  // (relative to the requiring module's URL, JSON included).
  loader_->Add("lib/counter.cjs", "const { step } = require('../config.json');\n"
                                  "let n = 0;\n"
                                  "exports.next = () => (n += step);\n"
                                  "exports.where = __filename;\n");
  loader_->Add("lib/twice.cjs", "const counter = require('./counter.cjs');\n"
                                "module.exports = () => [counter.next(), counter.next()];\n");
  loader_->Add("config.json", R"({"step": 2})");
  loader_->Add("main.js", "import twice from './lib/twice.cjs';\n"
                          "import { next, where } from './lib/counter.cjs';\n"
                          "export const values = [...twice(), next(), where];\n");
  Result<JsModule> module = runtime().LoadModule("main.js");
  ASSERT_TRUE(module.ok()) << module.error().Report();
  EXPECT_EQ(Export(module.value(), "values"), "[ 2, 4, 6, 'memory:///lib/counter.cjs' ]");
  // A CommonJS module the host loads itself is a module like any other; asserted to be
  // JSON, it is not one.
  Result<JsModule> counter = runtime().LoadModule("lib/counter.cjs");
  ASSERT_TRUE(counter.ok()) << counter.error().Report();
  EXPECT_EQ(Export(counter.value(), "where"), "'memory:///lib/counter.cjs'");
  loader_->Add("asserted.js",
               "import x from './lib/twice.cjs' assert { type: 'json' };\nexport default x;\n");
  EXPECT_EQ(LoadFails("asserted.js").Summary(),
            "TypeError: Module \"memory:///lib/twice.cjs\" is not of type \"json\"");
}

TEST_F(InMemoryTest, BareSpecifiersNameAddedModules) {
  loader_->Add("lodash", "export const chunk = 'chunk';\n");
  loader_->Add("main.js", "export { chunk } from 'lodash';\n");
  Result<JsModule> module = runtime().LoadModule("./main.js");
  ASSERT_TRUE(module.ok()) << module.error().Report();
  EXPECT_EQ(Export(module.value(), "chunk"), "'chunk'");
}

TEST_F(InMemoryTest, LoadedTwiceIsOneInstance) {
  loader_->Add("counter.js", "globalThis.evaluations = (globalThis.evaluations ?? 0) + 1;\n"
                             "export const token = {};\n");
  Result<JsModule> first = runtime().LoadModule("counter.js");
  Result<JsModule> second = runtime().LoadModule("/counter.js");
  ASSERT_TRUE(first.ok() && second.ok());
  ExpectEval("evaluations", "1");
}

TEST_F(InMemoryTest, FromSourceWithImportsResolvedAgainstItsUrl) {
  loader_->Add("lib/util.js", "export const name = 'util';\n");
  Result<JsModule> module = runtime().LoadModuleFromSource(
      "memory:///lib/entry.js", "export { name } from './util.js';\n"
                                "export const url = import.meta.url;\n");
  ASSERT_TRUE(module.ok()) << module.error().Report();
  EXPECT_EQ(Export(module.value(), "name"), "'util'");
  EXPECT_EQ(Export(module.value(), "url"), "'memory:///lib/entry.js'");
}

TEST_F(InMemoryTest, ImportMetaResolve) {
  loader_->Add("a/b.js", "export const resolved = [import.meta.resolve('./c.js'),\n"
                         "  import.meta.resolve('../d.js'), import.meta.resolve('pkg'),\n"
                         "  import.meta.resolve('https://example.com/x.js')];\n");
  Result<JsModule> module = runtime().LoadModule("a/b.js");
  ASSERT_TRUE(module.ok()) << module.error().Report();
  EXPECT_EQ(Export(module.value(), "resolved"),
            "[\n  'memory:///a/c.js',\n  'memory:///d.js',\n  'memory:///pkg',\n"
            "  'https://example.com/x.js'\n]");
}

TEST_F(InMemoryTest, MissingModuleNamesSpecifierAndReferrer) {
  loader_->Add("main.js", "import './nope.js';\n");
  JsError error = LoadFails("main.js");
  EXPECT_EQ(error.Summary(),
            "Error: Cannot find module './nope.js' imported from memory:///main.js");
}

TEST_F(InMemoryTest, MissingExportIsV8sSyntaxError) {
  loader_->Add("a.mjs", "export const y = 1;\n");
  loader_->Add("main.js", "import { x } from './a.mjs';\n");
  JsError error = LoadFails("main.js");
  EXPECT_EQ(error.Summary(),
            "SyntaxError: The requested module './a.mjs' does not provide an export named 'x'");
}

TEST_F(InMemoryTest, RejectedTopLevelAwaitIsTheError) {
  loader_->Add("main.js", "await Promise.resolve();\n"
                          "throw new RangeError('late failure');\n");
  JsError error = LoadFails("main.js");
  EXPECT_EQ(error.Summary(), "RangeError: late failure");
  EXPECT_NE(error.stack.find("memory:///main.js"), std::string::npos) << error.stack;
  ExpectEval("1", "1");  // nothing else left pending
}

TEST_F(InMemoryTest, TopLevelAwaitDrivesTheLoop) {
  loader_->Add("main.js", "export const value = await new Promise((resolve) =>\n"
                          "  Promise.resolve().then(() => resolve('settled')));\n");
  Result<JsModule> module = runtime().LoadModule("main.js");
  ASSERT_TRUE(module.ok()) << module.error().Report();
  EXPECT_EQ(Export(module.value(), "value"), "'settled'");
}

TEST_F(InMemoryTest, TopLevelAwaitThatNeverSettles) {
  loader_->Add("main.js", "await new Promise(() => {});\n");
  JsError error = LoadFails("main.js");
  EXPECT_EQ(error.Summary(), "Error: the top-level await of memory:///main.js never settled");
}

TEST_F(InMemoryTest, SyntaxErrorNamesTheModule) {
  loader_->Add("broken.js", "export const = 1;\n");
  JsError error = LoadFails("broken.js");
  EXPECT_EQ(error.class_name, "SyntaxError");
  EXPECT_EQ(error.file, "memory:///broken.js");
  EXPECT_EQ(error.line, 1);
}

TEST_F(InMemoryTest, JsonModuleNeedsItsAssertion) {
  loader_->Add("data.json", "[1, 2]");
  loader_->Add("main.js", "import data from './data.json';\n");
  EXPECT_EQ(LoadFails("main.js").Summary(),
            "TypeError: Module \"memory:///data.json\" needs an import assertion of type "
            "\"json\"");
}

TEST_F(InMemoryTest, JavaScriptAssertedAsJsonFails) {
  loader_->Add("lib.js", "export default 1;\n");
  loader_->Add("main.js", "import lib from './lib.js' assert { type: 'json' };\n");
  EXPECT_EQ(LoadFails("main.js").Summary(),
            "TypeError: Module \"memory:///lib.js\" is not of type \"json\"");
}

TEST_F(InMemoryTest, UnknownAssertionTypeFails) {
  loader_->Add("style.css", "p {}");
  loader_->Add("main.js", "import sheet from './style.css' assert { type: 'css' };\n");
  EXPECT_EQ(LoadFails("main.js").Summary(),
            "TypeError: Import assertion type \"css\" is unsupported");
}

TEST_F(InMemoryTest, OnlyTheTypeAssertionCounts) {
  loader_->Add("data.json", "[3]");
  loader_->Add("lib.js", "export default 1;\n");
  loader_->Add("main.js", "import data from './data.json' assert { type: 'json', other: 'x' };\n"
                          "export const got = data;\n");
  Result<JsModule> module = runtime().LoadModule("main.js");
  ASSERT_TRUE(module.ok()) << module.error().Report();
  EXPECT_EQ(Export(module.value(), "got"), "[ 3 ]");
  loader_->Add("js.js", "import lib from './lib.js' assert { type: 'javascript' };\n");
  EXPECT_EQ(LoadFails("js.js").Summary(),
            "TypeError: Import assertion type \"javascript\" is unsupported");
}

TEST_F(InMemoryTest, InvalidJsonIsASyntaxError) {
  loader_->Add("bad.json", "{ nope }");
  loader_->Add("main.js", "import bad from './bad.json' assert { type: 'json' };\n");
  EXPECT_EQ(LoadFails("main.js").class_name, "SyntaxError");
}

TEST_F(InMemoryTest, DynamicImportOfJsonAndItsErrors) {
  loader_->Add("data.json", R"({"n": 5})");
  loader_->Add("main.js",
               "export const n = (await import('./data.json', { assert: { type: 'json' } }))"
               ".default.n;\n"
               "export const missing = await import('./data.json').catch((e) => e.code);\n");
  Result<JsModule> module = runtime().LoadModule("main.js");
  ASSERT_TRUE(module.ok()) << module.error().Report();
  EXPECT_EQ(Export(module.value(), "n"), "5");
  EXPECT_EQ(Export(module.value(), "missing"), "'ERR_IMPORT_ASSERTION_TYPE_MISSING'");
}

TEST_F(InMemoryTest, DataUrls) {
  loader_->Add(
      "main.js",
      "import a from 'data:text/javascript,export default %22percent%22;';\n"
      // `export default "base64";`
      "import b from 'data:text/javascript;base64,ZXhwb3J0IGRlZmF1bHQgImJhc2U2NCI7';\n"
      "import c from 'data:application/json,{\"json\":true}' assert { type: 'json' };\n"
      // `[1,2,3]`
      "import d from 'data:application/json;base64,WzEsMiwzXQ==' assert { type: 'json' };\n"
      "export const all = [a, b, c, d];\n");
  Result<JsModule> module = runtime().LoadModule("main.js");
  ASSERT_TRUE(module.ok()) << module.error().Report();
  EXPECT_EQ(Export(module.value(), "all"), "[ 'percent', 'base64', { json: true }, [ 1, 2, 3 ] ]");
}

TEST_F(InMemoryTest, DataUrlErrors) {
  EXPECT_EQ(LoadFails("data:text/plain,hello").Summary(),
            "Error: Cannot load module 'data:text/plain,hello': Unknown module format: "
            "text/plain (data: modules are text/javascript or application/json)");
  EXPECT_EQ(LoadFails("data:text/javascript;base64,@@@").Summary(),
            "Error: Cannot load module 'data:text/javascript;base64,@@@': Invalid data: URL "
            "(its base64 data does not decode)");
  EXPECT_EQ(LoadFails("data:text/javascript,import './x.js';").Summary(),
            "Error: Cannot find module './x.js' imported from data:text/javascript,import "
            "'./x.js';: a data: URL module cannot import relative specifiers");
}

TEST_F(InMemoryTest, ExtSpecifiersStayInternal) {
  loader_->Add("main.js", "import 'ext:core/ops';\n");
  EXPECT_EQ(LoadFails("main.js").Summary(),
            "Error: Cannot find module 'ext:core/ops' imported from memory:///main.js: ext: "
            "modules are internal to kiln's extensions");
}

// A loader of its own: counts what it is asked, serves two modules, fails one.
class CustomLoader : public ModuleLoader {
 public:
  absl::StatusOr<std::string> Resolve(std::string_view specifier,
                                      std::string_view referrer) override {
    resolved.push_back(absl::StrCat(std::string(specifier), " <- ", std::string(referrer)));
    if (specifier == "forbidden") return absl::PermissionDeniedError("not on the allow list");
    return absl::StrCat("app:", std::string(specifier));
  }
  Future<ModuleSource> Load(OpState&, const std::string& url) override {
    loaded.push_back(url);
    if (url == "app:main") return ModuleSource{"import { v } from 'dep'; export default v + 1;"};
    if (url == "app:dep") return ModuleSource{"export const v = 41;"};
    if (url == "app:broken") return absl::UnavailableError("the store is offline");
    if (url == "app:legacy") {
      return ModuleSource{"module.exports = require('dep');", ModuleType::kCommonJs};
    }
    return absl::NotFoundError("unknown");
  }
  std::vector<std::string> resolved;
  std::vector<std::string> loaded;
};

class CustomLoaderTest : public InMemoryTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.module_loader = custom_;
    return options;
  }
  std::shared_ptr<CustomLoader> custom_ = std::make_shared<CustomLoader>();
};

TEST_F(CustomLoaderTest, ResolvesAgainstTheReferrerUrl) {
  Result<JsModule> module = runtime().LoadModule("main");
  ASSERT_TRUE(module.ok()) << module.error().Report();
  EXPECT_EQ(Export(module.value(), "default"), "42");
  EXPECT_EQ(module.value().url(), "app:main");
  ASSERT_GE(custom_->resolved.size(), 2u);
  EXPECT_EQ(custom_->resolved[0], "main <- ");
  EXPECT_EQ(custom_->resolved[1], "dep <- app:main");
  EXPECT_EQ(custom_->loaded, (std::vector<std::string>{"app:main", "app:dep"}));
}

TEST_F(CustomLoaderTest, ALoaderWithoutSynchronousLoadsServesNoRequire) {
  // This loader implements Load only: a CommonJS module it gives runs, and its require()
  // says why it cannot load.
  EXPECT_EQ(LoadFails("legacy").Summary(),
            "Error: Cannot load module 'dep' required from app:legacy: the runtime's module "
            "loader does not load modules synchronously, as require() needs (app:dep)");
}

TEST_F(CustomLoaderTest, FailuresNameSpecifierAndReferrer) {
  EXPECT_EQ(LoadFails("broken").Summary(),
            "Error: Cannot load module 'broken': the store is offline");
  Result<JsModule> from_source =
      runtime().LoadModuleFromSource("app:entry", "import 'forbidden';\n");
  ASSERT_FALSE(from_source.ok());
  EXPECT_EQ(from_source.error().Summary(),
            "Error: Cannot resolve module 'forbidden' imported from app:entry: not on the "
            "allow list");
  from_source = runtime().LoadModuleFromSource("app:entry2", "import 'nothing';\n");
  ASSERT_FALSE(from_source.ok());
  EXPECT_EQ(from_source.error().Summary(),
            "Error: Cannot find module 'nothing' imported from app:entry2");
}

class FileLoaderTest : public InMemoryTest {
 protected:
  RuntimeOptions MakeOptions() override { return {}; }
};

TEST_F(FileLoaderTest, LoadsFilesWithJsonAndImportMeta) {
  std::string dir = TempDir();
  WriteTempFile("pkg/data.json", R"({"name": "kiln"})");
  std::string lib = WriteTempFile(
      "pkg/lib.mjs", "import data from './data.json' assert { type: 'json' };\n"
                     "export const name = data.name;\n"
                     "export const meta = [import.meta.url, import.meta.filename,\n"
                     "  import.meta.resolve('./data.json'), import.meta.resolve('./absent.mjs')];\n");
  Result<JsModule> module = runtime().LoadModule(lib);
  ASSERT_TRUE(module.ok()) << module.error().Report();
  EXPECT_EQ(module.value().url(), absl::StrCat("file://", dir, "/pkg/lib.mjs"));
  EXPECT_EQ(Export(module.value(), "name"), "'kiln'");
  EXPECT_EQ(Export(module.value(), "meta"),
            absl::StrCat("[\n  'file://", dir, "/pkg/lib.mjs',\n  '", dir, "/pkg/lib.mjs',\n  'file://",
                         dir, "/pkg/data.json',\n  'file://", dir, "/pkg/absent.mjs'\n]"));
}

TEST_F(FileLoaderTest, MissingFileNamesSpecifierAndImporter) {
  std::string main = WriteTempFile("main.mjs", "import './nope.mjs';\n");
  EXPECT_EQ(LoadFails(main).Summary(),
            absl::StrCat("Error: Cannot find module './nope.mjs' imported from ", main));
}

TEST_F(FileLoaderTest, ImportMetaResolveOfABareSpecifierThrows) {
  std::string main =
      WriteTempFile("main.mjs", "let message;\n"
                                "try { import.meta.resolve('lodash'); } catch (e) { message = e.message; }\n"
                                "export { message };\n");
  Result<JsModule> module = runtime().LoadModule(main);
  ASSERT_TRUE(module.ok()) << module.error().Report();
  EXPECT_EQ(Export(module.value(), "message"),
            absl::StrCat("\"Cannot find module 'lodash' imported from ", main,
                         ": no package 'lodash' in node_modules of ", main.substr(0, main.rfind('/')),
                         " or of a folder above it\""));
}

}  // namespace
}  // namespace kiln

namespace kiln {
namespace {

// Answers every load later, from a thread of its own, like a loader fetching over the
// network: MakeFuture(state) and a Completer completed elsewhere.
class AsyncLoader : public ModuleLoader {
 public:
  ~AsyncLoader() override {
    for (std::thread& thread : threads_) thread.join();
  }
  absl::StatusOr<std::string> Resolve(std::string_view specifier,
                                      std::string_view referrer) override {
    return memory_.Resolve(specifier, referrer);
  }
  Future<ModuleSource> Load(OpState& state, const std::string& url) override {
    ++loads;
    Future<ModuleSource> loaded = memory_.Load(state, url);
    auto [future, completer] = MakeFuture<ModuleSource>(state);
    threads_.emplace_back([url, loaded = std::move(loaded),
                           completer = std::move(completer)]() mutable {
      absl::SleepFor(absl::Milliseconds(5));
      if (url == "memory:///offline.js") {
        completer.Fail(absl::UnavailableError("the store is offline"));
      } else if (url == "memory:///dropped.js") {
        Completer<ModuleSource> dropped = std::move(completer);  // destroyed unused
      } else {
        if (loaded.state() == Future<ModuleSource>::State::kReady) {
          completer.Complete(std::move(loaded.value()));
        } else {
          completer.Fail(loaded.error());
        }
      }
    });
    return std::move(future);
  }
  InMemoryModuleLoader memory_;
  int loads = 0;

 private:
  std::vector<std::thread> threads_;
};

class AsyncLoaderTest : public InMemoryTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.module_loader = async_;
    return options;
  }
  std::shared_ptr<AsyncLoader> async_ = std::make_shared<AsyncLoader>();
};

TEST_F(AsyncLoaderTest, StaticGraphWaitsForEveryLoad) {
  async_->memory_.Add("main.js", "import { a } from './a.js';\nimport { b } from './b.js';\n"
                                 "import data from './d.json' assert { type: 'json' };\n"
                                 "export const sum = a + b + data.c;\n");
  async_->memory_.Add("a.js", "import { b } from './b.js';\nexport const a = b * 10;\n");
  async_->memory_.Add("b.js", "export const b = 1;\n");
  async_->memory_.Add("d.json", R"({"c": 100})");
  Result<JsModule> module = runtime().LoadModule("main.js");
  ASSERT_TRUE(module.ok()) << module.error().Report();
  EXPECT_EQ(Export(module.value(), "sum"), "111");
  EXPECT_EQ(async_->loads, 4);  // each module once
}

TEST_F(AsyncLoaderTest, DynamicImportWaitsForItsLoads) {
  async_->memory_.Add("main.js", "const lib = await import('./lib.js');\n"
                                 "const data = await import('./d.json', { assert: { type: 'json' } });\n"
                                 "export const got = [lib.name, data.default.n];\n");
  async_->memory_.Add("lib.js", "import { suffix } from './suffix.js';\n"
                                "export const name = 'lib' + suffix;\n");
  async_->memory_.Add("suffix.js", "export const suffix = '!';\n");
  async_->memory_.Add("d.json", R"({"n": 2})");
  Result<JsModule> module = runtime().LoadModule("main.js");
  ASSERT_TRUE(module.ok()) << module.error().Report();
  EXPECT_EQ(Export(module.value(), "got"), "[ 'lib!', 2 ]");
}

TEST_F(AsyncLoaderTest, FailuresNameSpecifierAndReferrer) {
  async_->memory_.Add("main.js", "import './offline.js';\n");
  EXPECT_EQ(LoadFails("main.js").Summary(),
            "Error: Cannot load module './offline.js' imported from memory:///main.js: the "
            "store is offline");
  async_->memory_.Add("main2.js", "import './absent.js';\n");
  EXPECT_EQ(LoadFails("main2.js").Summary(),
            "Error: Cannot find module './absent.js' imported from memory:///main2.js");
  JsError dropped = LoadFails("dropped.js");
  EXPECT_EQ(dropped.class_name, "Error");
  EXPECT_NE(dropped.message.find("Cannot load module 'dropped.js': "), std::string::npos)
      << dropped.message;
  async_->memory_.Add("dyn.js", "export const message = await import('./offline.js')"
                                ".catch((e) => e.message);\n");
  Result<JsModule> dyn = runtime().LoadModule("dyn.js");
  ASSERT_TRUE(dyn.ok()) << dyn.error().Report();
  EXPECT_EQ(Export(dyn.value(), "message"),
            "\"Cannot load module './offline.js' imported from memory:///main.js: the store "
            "is offline\"");
}

TEST_F(AsyncLoaderTest, SyntaxErrorOfAnAsyncModule) {
  async_->memory_.Add("main.js", "import './broken.js';\n");
  async_->memory_.Add("broken.js", "export const = 1;\n");
  JsError error = LoadFails("main.js");
  EXPECT_EQ(error.class_name, "SyntaxError");
  EXPECT_EQ(error.file, "memory:///broken.js");
}

}  // namespace
}  // namespace kiln
