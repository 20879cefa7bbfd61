// A snapshot's code caches of the extension modules it does not hold (its lazy modules):
// a runtime from the snapshot compiles such a module from its cache instead of parsing it.
// This binary keeps V8's flags as the snapshot generator had them (gtest's own main, not
// core/testing/test_main.cc, which adds flags), so V8 accepts the caches.
#include <memory>
#include <string>

#include "core/module_loader.h"
#include "core/runtime.h"
#include "gtest/gtest.h"
#include "tests/extensions/greeter_extension.h"
#include "tests/extensions/lazy_extension.h"
#include "tests/extensions/lazy_snapshot.h"

namespace kiln::testing {
namespace {

std::string Eval(Runtime& runtime, const std::string& source) {
  Result<std::string> result = runtime.EvalToString(source);
  return result.ok() ? result.value() : "error: " + result.error().message;
}

TEST(BuiltinCodeCacheTest, LazyModulesCompileFromTheSnapshotsCodeCaches) {
  RuntimeOptions options;
  options.extensions = {&extensions::greeter(), &extensions::lazy()};
  options.snapshot = &snapshots::lazy_snapshot();
  auto created = Runtime::Create(options);
  ASSERT_TRUE(created.ok()) << created.status();
  std::unique_ptr<Runtime> runtime = std::move(*created);
  ASSERT_TRUE(runtime->from_snapshot());
  ModuleMap::BuiltinCodeCacheStats stats = runtime->module_map()->builtin_code_cache_stats();
  EXPECT_GE(stats.available, 4u);  // impl.js, throws.js, awaits.js, core's inspect.js
  EXPECT_EQ(stats.consumed, 0u);
  // Showing an array loads core's (lazy) inspect.js: from its cache.
  EXPECT_EQ(Eval(*runtime, "[1]"), "[ 1 ]");
  EXPECT_EQ(runtime->module_map()->builtin_code_cache_stats().consumed, 1u);

  // The module runs as compiled from source would, stack traces naming its specifier.
  EXPECT_EQ(Eval(*runtime, "[new LazyThing('a').name, lazyGreet('b'), globalThis.lazyEvaluations]"),
            "[ 'a', 'Hello, b!!!', 1 ]");
  stats = runtime->module_map()->builtin_code_cache_stats();
  EXPECT_EQ(stats.consumed, 2u);  // and impl.js
  EXPECT_EQ(stats.rejected, 0u);
  // A module whose evaluation throws, from its cache too: the error is its own, with the
  // module's specifier in its stack.
  EXPECT_EQ(Eval(*runtime, "try { LazyBroken } catch (e) { [e.name, e.message,"
                           " e.stack.includes('ext:lazy/lazy/throws.js:3')] }"),
            "[ 'RangeError', 'lazy module failed on purpose', true ]");
  stats = runtime->module_map()->builtin_code_cache_stats();
  EXPECT_EQ(stats.consumed, 3u);  // and throws.js
  EXPECT_EQ(stats.rejected, 0u);
  EXPECT_TRUE(runtime->Shutdown().ok());
}

}  // namespace
}  // namespace kiln::testing
