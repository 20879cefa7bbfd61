// kiln::CreateSnapshot(options, setup): a snapshot of an embedder's setup made at run time.
// A module graph (an import, a JSON module, a top-level await that waits for a timer) is
// loaded by the setup and snapshotted; runtimes made from the snapshot find it evaluated.
// The errors: a failing setup, and each thing a snapshot cannot hold.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/call.h"
#include "core/module_loader.h"
#include "core/runtime.h"
#include "core/testing/core_snapshot.h"
#include "core/testing/runtime_fixture.h"
#include "ext/timers/timers_extension.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/resource.h"

namespace kiln {
namespace {

using ::kiln::testing::UsingSnapshots;
using ::testing::HasSubstr;

// library.js imports lib/util.js and config.json, and awaits a timer at its top level.
// Every evaluation of it adds one to globalThis.evaluations.
std::shared_ptr<InMemoryModuleLoader> GraphLoader() {
  auto loader = std::make_shared<InMemoryModuleLoader>();
  loader->Add("config.json", R"({"greeting": "hello", "factor": 3})");
  loader->Add("lib/util.js", R"js(
    let calls = 0;
    export function count() { return ++calls; }
    export const times = (a, b) => a * b;
  )js");
  loader->Add("library.js", R"js(
    import { count, times } from './lib/util.js';
    import config from './config.json' assert { type: 'json' };
    globalThis.evaluations = (globalThis.evaluations ?? 0) + 1;
    const waited = await new Promise((resolve) => setTimeout(() => resolve('waited'), 1));
    export const answer = times(14, config.factor);
    export function greet(name) { return `${config.greeting}, ${name} (${waited})`; }
    export { count };
    export const isMain = import.meta.main;
  )js");
  return loader;
}

RuntimeOptions Options(std::shared_ptr<ModuleLoader> loader) {
  RuntimeOptions options;
  options.extensions = {&extensions::timers()};
  if (UsingSnapshots()) options.snapshot = &snapshots::core_snapshot();
  options.module_loader = std::move(loader);
  return options;
}

Result<void> LoadLibrary(Runtime& runtime) {
  Result<JsModule> library = runtime.LoadModule("library.js");
  if (!library.ok()) return library.error();
  Result<std::string> set = runtime.EvalToString("globalThis.madeInSetup = ['a', 1]; 0");
  if (!set.ok()) return set.error();
  return {};
}

std::string Eval(Runtime& runtime, const std::string& code) {
  Result<std::string> result = runtime.EvalToString(code);
  return result.ok() ? result.value() : "<" + result.error().Summary() + ">";
}

// The export `name` of the module `specifier` (from the top level) through import(),
// formatted like console.log.
std::string ReadExport(Runtime& runtime, const std::string& specifier, const std::string& name) {
  Result<std::string> started = runtime.EvalToString(absl::StrCat(
      "import('", specifier, "').then((m) => { globalThis.exported = m.", name, "; }); 0"));
  if (!started.ok()) return "<" + started.error().Summary() + ">";
  Result<void> loop = runtime.RunEventLoop();
  if (!loop.ok()) return "<" + loop.error().Summary() + ">";
  return Eval(runtime, "exported");
}

std::unique_ptr<Runtime> FromSnapshot(const Snapshot* snapshot,
                                      std::shared_ptr<ModuleLoader> loader) {
  RuntimeOptions options = Options(std::move(loader));
  options.snapshot = snapshot;
  absl::StatusOr<std::unique_ptr<Runtime>> runtime = Runtime::Create(std::move(options));
  EXPECT_TRUE(runtime.ok()) << runtime.status();
  return runtime.ok() ? std::move(*runtime) : nullptr;
}

std::string SnapshotError(std::function<Result<void>(Runtime&)> setup,
                          std::shared_ptr<ModuleLoader> loader = GraphLoader()) {
  absl::StatusOr<std::string> bytes = CreateSnapshot(Options(std::move(loader)), setup);
  EXPECT_FALSE(bytes.ok());
  return bytes.ok() ? "<made a snapshot>" : std::string(bytes.status().message());
}

TEST(SetupSnapshotTest, RuntimesStartWithTheSetupsModulesEvaluated) {
  std::shared_ptr<InMemoryModuleLoader> loader = GraphLoader();
  absl::StatusOr<std::string> bytes = CreateSnapshot(Options(loader), LoadLibrary);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  Snapshot snapshot{bytes->data(), bytes->size()};
  absl::StatusOr<std::vector<std::string>> held = SnapshotExtensions(snapshot);
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ(*held, (std::vector<std::string>{"core", "timers"}));

  std::vector<std::unique_ptr<Runtime>> runtimes;
  for (int i = 0; i < 3; ++i) {
    runtimes.push_back(FromSnapshot(&snapshot, loader));
    ASSERT_NE(runtimes.back(), nullptr);
  }
  for (std::unique_ptr<Runtime>& runtime : runtimes) {
    EXPECT_TRUE(runtime->from_snapshot());
    // State the setup made is there; the library was evaluated once, in the setup.
    EXPECT_EQ(Eval(*runtime, "madeInSetup"), "[ 'a', 1 ]");
    EXPECT_EQ(Eval(*runtime, "evaluations"), "1");
    Result<JsModule> library = runtime->LoadModule("library.js");
    ASSERT_TRUE(library.ok()) << library.error().Report();
    EXPECT_EQ(library.value().url(), "memory:///library.js");
    EXPECT_EQ(Eval(*runtime, "evaluations"), "1");
    Result<int> answer = runtime->Call<int>(
        JsFunction(runtime->GetExport(library.value(), "count").value(), "count"));
    ASSERT_TRUE(answer.ok()) << answer.error().Report();
    EXPECT_EQ(answer.value(), 1);  // each runtime has its own copy of the module's state
    Result<std::string> greeting = runtime->CallExport<std::string>(library.value(), "greet", "x");
    ASSERT_TRUE(greeting.ok()) << greeting.error().Report();
    EXPECT_EQ(greeting.value(), "hello, x (waited)");
    Result<int> product = runtime->CallExport<int>(library.value(), "count");
    ASSERT_TRUE(product.ok());
    EXPECT_EQ(product.value(), 2);
    EXPECT_EQ(Eval(*runtime, "kiln.args.length"), "0");
  }
  // Each runtime has its own heap: a change in one is not seen by another.
  EXPECT_EQ(Eval(*runtimes[0], "madeInSetup.push('only here'); madeInSetup.length"), "3");
  EXPECT_EQ(Eval(*runtimes[1], "madeInSetup.length"), "2");
  // V8 reseeds Math.random in every context it deserialises.
  EXPECT_NE(Eval(*runtimes[0], "String(Math.random())"), Eval(*runtimes[1], "String(Math.random())"));
  for (std::unique_ptr<Runtime>& runtime : runtimes) EXPECT_TRUE(runtime->Shutdown().ok());
}

TEST(SetupSnapshotTest, KeepsCommonJsModulesTheSetupImported) {
  // A CommonJS library the setup imports is kept evaluated; require() still works in the
  // runtimes made from the snapshot (a required module runs again in each).
  auto loader = std::make_shared<InMemoryModuleLoader>();
  loader->Add("legacy.cjs",
              "globalThis.legacyRuns = (globalThis.legacyRuns ?? 0) + 1;\n"
              "exports.twice = (x) => 2 * x;\n"
              "exports.late = () => require('./late.cjs');\n");
  loader->Add("late.cjs", "globalThis.lateRuns = (globalThis.lateRuns ?? 0) + 1;\n"
                          "module.exports = 'late';\n");
  absl::StatusOr<std::string> bytes =
      CreateSnapshot(Options(loader), [](Runtime& runtime) -> Result<void> {
        Result<JsModule> legacy = runtime.LoadModule("legacy.cjs");
        if (!legacy.ok()) return legacy.error();
        return {};
      });
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  Snapshot snapshot{bytes->data(), bytes->size()};
  std::unique_ptr<Runtime> runtime = FromSnapshot(&snapshot, loader);
  ASSERT_NE(runtime, nullptr);
  EXPECT_EQ(ReadExport(*runtime, "./legacy.cjs", "twice(21)"), "42");
  EXPECT_EQ(ReadExport(*runtime, "./legacy.cjs", "late()"), "'late'");
  EXPECT_EQ(Eval(*runtime, "[legacyRuns, lateRuns]"), "[ 1, 1 ]");
  EXPECT_TRUE(runtime->Shutdown().ok());
}

TEST(SetupSnapshotTest, NewModulesImportTheSnapshottedOnes) {
  std::shared_ptr<InMemoryModuleLoader> loader = GraphLoader();
  absl::StatusOr<std::string> bytes = CreateSnapshot(Options(loader), LoadLibrary);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  Snapshot snapshot{bytes->data(), bytes->size()};
  std::unique_ptr<Runtime> runtime = FromSnapshot(&snapshot, loader);
  ASSERT_NE(runtime, nullptr);
  Result<JsModule> user = runtime->LoadModuleFromSource("memory:///user.js", R"js(
    import { answer, count, isMain } from './library.js';
    import config from './config.json' assert { type: 'json' };
    const again = await import('./library.js');
    export const summary = [answer, config.factor, count(), again.count === count, isMain,
                            import.meta.main].join(' ');
  )js");
  ASSERT_TRUE(user.ok()) << user.error().Report();
  EXPECT_EQ(Eval(*runtime, "evaluations"), "1");
  // library.js was the main module of the setup; user.js is not a main module.
  EXPECT_EQ(ReadExport(*runtime, "./user.js", "summary"), "'42 3 1 true true false'");
  // The JSON module kept its type: importing it without the assertion is Node's error.
  Result<JsModule> untyped = runtime->LoadModuleFromSource(
      "memory:///untyped.js", "import config from './config.json';");
  ASSERT_FALSE(untyped.ok());
  EXPECT_THAT(untyped.error().message, HasSubstr("needs an import assertion of type \"json\""));
  EXPECT_TRUE(runtime->Shutdown().ok());
}

TEST(SetupSnapshotTest, ASnapshotOfASnapshotKeepsBothSetups) {
  std::shared_ptr<InMemoryModuleLoader> loader = GraphLoader();
  loader->Add("second.js", "import { answer } from './library.js'; export const more = answer + 1;");
  absl::StatusOr<std::string> first = CreateSnapshot(Options(loader), LoadLibrary);
  ASSERT_TRUE(first.ok()) << first.status();
  Snapshot first_snapshot{first->data(), first->size()};
  RuntimeOptions options = Options(loader);
  options.snapshot = &first_snapshot;
  absl::StatusOr<std::string> second =
      CreateSnapshot(std::move(options), [](Runtime& runtime) -> Result<void> {
        Result<JsModule> module = runtime.LoadModule("second.js");
        if (!module.ok()) return module.error();
        return {};
      });
  ASSERT_TRUE(second.ok()) << second.status();
  Snapshot second_snapshot{second->data(), second->size()};
  std::unique_ptr<Runtime> runtime = FromSnapshot(&second_snapshot, loader);
  ASSERT_NE(runtime, nullptr);
  Result<JsModule> module = runtime->LoadModule("second.js");
  ASSERT_TRUE(module.ok()) << module.error().Report();
  EXPECT_EQ(ReadExport(*runtime, "./second.js", "more"), "43");
  EXPECT_EQ(Eval(*runtime, "evaluations"), "1");
  EXPECT_EQ(Eval(*runtime, "madeInSetup.length"), "2");
  EXPECT_TRUE(runtime->Shutdown().ok());
}

TEST(SetupSnapshotTest, AFailingSetupIsTheError) {
  std::string error = SnapshotError([](Runtime& runtime) -> Result<void> {
    Result<JsModule> module = runtime.LoadModule("missing.js");
    if (!module.ok()) return module.error();
    return {};
  });
  EXPECT_THAT(error, HasSubstr("snapshot: the setup failed: "));
  EXPECT_THAT(error, HasSubstr("Cannot find module 'missing.js'"));
}

TEST(SetupSnapshotTest, RefusesAPendingTimer) {
  std::string error = SnapshotError([](Runtime& runtime) -> Result<void> {
    Result<std::string> started = runtime.EvalToString("setTimeout(() => {}, 60000); 0");
    if (!started.ok()) return started.error();
    return {};
  });
  EXPECT_THAT(error, HasSubstr("the setup left work on the event loop (timer"));
}

TEST(SetupSnapshotTest, RefusesAnUnsettledTopLevelAwait) {
  std::shared_ptr<InMemoryModuleLoader> loader = GraphLoader();
  loader->Add("never.js", "await new Promise(() => {}); export const x = 1;");
  std::string error = SnapshotError(
      [](Runtime& runtime) -> Result<void> {
        Result<std::string> started = runtime.EvalToString("import('./never.js'); 0");
        if (!started.ok()) return started.error();
        return {};
      },
      loader);
  EXPECT_THAT(error, HasSubstr("the top-level await of memory:///never.js has not settled"));
}

// A loader whose loads never finish: an import() through it leaves an async op pending.
class StalledLoader : public InMemoryModuleLoader {
 public:
  Future<ModuleSource> Load(OpState& state, const std::string& url) override {
    if (url != "memory:///stalled.js") return InMemoryModuleLoader::Load(state, url);
    auto [future, completer] = MakeFuture<ModuleSource>(state);
    stalled_.push_back(std::move(completer));
    return std::move(future);
  }

 private:
  std::vector<Completer<ModuleSource>> stalled_;
};

TEST(SetupSnapshotTest, RefusesAPendingAsyncOp) {
  auto loader = std::make_shared<StalledLoader>();
  std::string error = SnapshotError(
      [](Runtime& runtime) -> Result<void> {
        Result<std::string> started =
            runtime.EvalToString("import('./stalled.js').catch(() => {}); 0");
        if (!started.ok()) return started.error();
        return {};
      },
      loader);
  EXPECT_THAT(error, HasSubstr("the setup left 1 async op pending"));
}

TEST(SetupSnapshotTest, RefusesHostHandlesKeptPastTheSetup) {
  JsModule kept;
  std::string error = SnapshotError([&kept](Runtime& runtime) -> Result<void> {
    Result<JsModule> module = runtime.LoadModule("library.js");
    if (!module.ok()) return module.error();
    kept = module.value();
    return {};
  });
  EXPECT_THAT(error, HasSubstr("snapshot: 1 host handle is still held"));
  EXPECT_FALSE(kept.alive());  // the runtime is gone
}

class SetupResource : public Resource {
 public:
  std::string name() const override { return "setupResource"; }
};

TEST(SetupSnapshotTest, RefusesOpenResources) {
  std::string error = SnapshotError([](Runtime& runtime) -> Result<void> {
    runtime.op_state().resources().Add(std::make_unique<SetupResource>());
    return {};
  });
  EXPECT_THAT(error, HasSubstr("the setup left 1 resource open: setupResource ("));
}

TEST(SetupSnapshotTest, RefusesOptionsItCannotServe) {
  RuntimeOptions metrics = Options(GraphLoader());
  metrics.op_metrics = true;
  absl::StatusOr<std::string> bytes = CreateSnapshot(std::move(metrics), LoadLibrary);
  ASSERT_FALSE(bytes.ok());
  EXPECT_THAT(bytes.status().message(), HasSubstr("op_metrics"));
}

}  // namespace
}  // namespace kiln
