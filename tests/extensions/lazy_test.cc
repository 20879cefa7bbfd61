// Lazy modules (internals.defineLazy / internals.importLazy): a global's module is
// evaluated when the global is first read, once per runtime, on a runtime made from
// source and on one made from a snapshot alike (the snapshot does not hold the module).
#include <memory>
#include <string>

#include "core/module_loader.h"
#include "core/runtime.h"
#include "core/snapshot.h"
#include "gtest/gtest.h"
#include "tests/extensions/greeter_extension.h"
#include "tests/extensions/lazy_extension.h"
#include "tests/extensions/lazy_snapshot.h"

namespace kiln::testing {
namespace {

class LazyModuleTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    RuntimeOptions options;
    options.extensions = {&extensions::greeter(), &extensions::lazy()};
    if (GetParam()) options.snapshot = &snapshots::lazy_snapshot();
    auto created = Runtime::Create(options);
    ASSERT_TRUE(created.ok()) << created.status();
    runtime_ = std::move(*created);
    ASSERT_EQ(runtime_->from_snapshot(), GetParam());
  }
  void TearDown() override {
    if (runtime_) EXPECT_TRUE(runtime_->Shutdown().ok());
  }
  std::string Eval(const std::string& source) {
    Result<std::string> result = runtime_->EvalToString(source);
    if (!result.ok()) return "error: " + result.error().message;
    return result.value();
  }
  std::unique_ptr<Runtime> runtime_;
};

TEST_P(LazyModuleTest, TheModuleIsEvaluatedOnFirstReadOnly) {
  EXPECT_EQ(Eval("globalThis.lazyEvaluations"), "undefined");
  EXPECT_EQ(Eval("new LazyThing('a').name"), "'a'");
  EXPECT_EQ(Eval("[lazyGreet('b'), new LazyThing('c') instanceof LazyThing]"),
            "[ 'Hello, b!!!', true ]");
  EXPECT_EQ(Eval("globalThis.lazyEvaluations"), "1");
  EXPECT_EQ(Eval("LazyThing === lazyImport('ext:lazy/lazy/impl.js').LazyThing"), "true");
  EXPECT_EQ(Eval("globalThis.lazyEvaluations"), "1");
}

// With exportName, each name is read from that export of the module (an object): one
// module serves same-named members of several objects.
TEST_P(LazyModuleTest, AnExportNameReadsTheMemberOfThatExport) {
  EXPECT_EQ(Eval("globalThis.lazyEvaluations"), "undefined");
  EXPECT_EQ(Eval("[lazyFirst.describe(), lazySecond.describe(), "
                 "Object.keys(lazyFirst).length, globalThis.lazyEvaluations]"),
            "[ 'first table', 'second table', 0, 1 ]");
  EXPECT_EQ(Eval("try { lazySecond.broken } catch (e) { String(e) }"),
            "\"TypeError: lazy module ext:lazy/lazy/impl.js: export 'notAnObject' is not an "
            "object\"");
}

// A snapshot carries V8 code caches of the modules it does not hold. This test binary's
// V8 flags (core/testing/test_main.cc) differ from the snapshot generator's, so V8 refuses
// them and the module is compiled from source (builtin_code_cache_test.cc, with V8's
// flags as the generator's, checks that they are used).
TEST_P(LazyModuleTest, ACodeCacheV8RefusesMeansACompileFromSource) {
  EXPECT_EQ(Eval("[1]"), "[ 1 ]");  // loads core's inspect.js
  ModuleMap::BuiltinCodeCacheStats before = runtime_->module_map()->builtin_code_cache_stats();
  EXPECT_EQ(Eval("new LazyThing('a').name"), "'a'");
  ModuleMap::BuiltinCodeCacheStats after = runtime_->module_map()->builtin_code_cache_stats();
  if (GetParam()) {
    EXPECT_GE(before.available, 3u);  // impl.js, throws.js, awaits.js at least
    EXPECT_EQ(after.consumed, 0u);
    EXPECT_EQ(after.rejected - before.rejected, 1u);  // impl.js
  } else {
    EXPECT_EQ(after.available, 0u);
    EXPECT_EQ(after.consumed + after.rejected, 0u);
  }
}

TEST_P(LazyModuleTest, AGlobalIsAWritableConfigurableHiddenDataProperty) {
  EXPECT_EQ(Eval("Object.keys(globalThis).includes('LazyThing')"), "false");
  EXPECT_EQ(Eval("'LazyThing' in globalThis"), "true");
  EXPECT_EQ(Eval("globalThis.lazyEvaluations"), "undefined");
  EXPECT_EQ(Eval("const d = Object.getOwnPropertyDescriptor(globalThis, 'LazyThing');"
                 "[typeof d.value, d.writable, d.enumerable, d.configurable, 'get' in d]"),
            "[ 'function', true, false, true, false ]");
}

TEST_P(LazyModuleTest, AssigningBeforeReadingNeverEvaluatesTheModule) {
  EXPECT_EQ(Eval("globalThis.lazyGreet = 5; [lazyGreet, globalThis.lazyEvaluations]"),
            "[ 5, undefined ]");
  EXPECT_EQ(Eval("delete globalThis.LazyThing; [typeof LazyThing, globalThis.lazyEvaluations]"),
            "[ 'undefined', undefined ]");
}

TEST_P(LazyModuleTest, AFailingModuleThrowsItsErrorOnEveryRead) {
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(Eval("try { LazyBroken } catch (e) { [e.name, e.message] }"),
              "[ 'RangeError', 'lazy module failed on purpose' ]");
  }
}

TEST_P(LazyModuleTest, ATopLevelAwaitIsAClearError) {
  std::string error = Eval("LazyAwaits");
  EXPECT_EQ(error,
            "error: lazy module ext:lazy/lazy/awaits.js cannot be evaluated synchronously: its "
            "module graph uses top-level await");
}

TEST_P(LazyModuleTest, ImportLazyNamesWhatIsWrong) {
  EXPECT_EQ(Eval("try { lazyImport(1) } catch (e) { `${e.name}: ${e.message}` }"),
            "'TypeError: internals.importLazy(specifier): specifier must be a string'");
  std::string missing = Eval("lazyImport('ext:lazy/nothing.js')");
  EXPECT_NE(missing.find("ext:lazy/nothing.js"), std::string::npos) << missing;
}

// Not about lazy modules: CreateSnapshot reports an extension set it cannot order (it
// used to abort, closing a loop it had not made).
TEST(CreateSnapshotTest, AMissingDependencyIsAnError) {
  absl::StatusOr<std::string> snapshot = CreateSnapshot({&extensions::lazy()});
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.status().message(),
            "extension 'lazy' depends on extension 'greeter', which is not installed (add it "
            "to RuntimeOptions::extensions)");
}

INSTANTIATE_TEST_SUITE_P(FromSourceAndSnapshot, LazyModuleTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? std::string("FromSnapshot")
                                             : std::string("FromSource");
                         });

}  // namespace
}  // namespace kiln::testing
