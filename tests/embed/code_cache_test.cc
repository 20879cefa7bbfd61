// kiln::CodeCache: modules compiled through the loader consume and produce V8 code cache,
// shared between runtimes.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/call.h"
#include "core/code_cache.h"
#include "core/module_loader.h"
#include "core/runtime.h"
#include "core/testing/core_snapshot.h"
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"

namespace kiln {
namespace {

using ::kiln::testing::UsingSnapshots;

std::string Library(int version) {
  std::string source = absl::StrCat("export const version = ", version, ";\n");
  for (int i = 0; i < 200; ++i) {
    absl::StrAppend(&source, "export function f", i, "(x) { return x + ", i, "; }\n");
  }
  return source;
}

class CodeCacheTest : public ::testing::Test {
 protected:
  std::unique_ptr<Runtime> NewRuntime() {
    RuntimeOptions options;
    options.module_loader = loader_;
    options.code_cache = cache_;
    if (UsingSnapshots()) options.snapshot = &snapshots::core_snapshot();
    absl::StatusOr<std::unique_ptr<Runtime>> runtime = Runtime::Create(std::move(options));
    EXPECT_TRUE(runtime.ok()) << runtime.status();
    return runtime.ok() ? std::move(*runtime) : nullptr;
  }
  // Loads lib.js in a fresh runtime and calls f7(1).
  void LoadAndCall(int expected_version) {
    std::unique_ptr<Runtime> runtime = NewRuntime();
    ASSERT_NE(runtime, nullptr);
    Result<JsModule> lib = runtime->LoadModule("lib.js");
    ASSERT_TRUE(lib.ok()) << lib.error().Report();
    Result<int32_t> version = runtime->CallExport<int32_t>(lib.value(), "f7", 1);
    ASSERT_TRUE(version.ok()) << version.error().Report();
    EXPECT_EQ(version.value(), 8);
    lib = JsError{};
    EXPECT_TRUE(runtime->Shutdown().ok());
  }

  std::shared_ptr<InMemoryModuleLoader> loader_ = std::make_shared<InMemoryModuleLoader>();
  std::shared_ptr<CodeCache> cache_ = std::make_shared<CodeCache>();
};

TEST_F(CodeCacheTest, MissThenHitAcrossRuntimes) {
  loader_->Add("lib.js", Library(1));
  LoadAndCall(1);
  CodeCache::Stats stats = cache_->stats();
  EXPECT_EQ(stats.misses, 1u);
  EXPECT_EQ(stats.hits, 0u);
  EXPECT_EQ(stats.produced, 1u);
  EXPECT_EQ(stats.entries, 1u);
  EXPECT_GT(stats.bytes, 0u);

  LoadAndCall(1);
  LoadAndCall(1);
  stats = cache_->stats();
  EXPECT_EQ(stats.misses, 1u);
  EXPECT_EQ(stats.hits, 2u);
  EXPECT_EQ(stats.rejected, 0u);
  EXPECT_EQ(stats.produced, 1u);
}

TEST_F(CodeCacheTest, ChangedSourceIsANewEntry) {
  loader_->Add("lib.js", Library(1));
  LoadAndCall(1);
  loader_->Add("lib.js", Library(2));
  LoadAndCall(2);
  CodeCache::Stats stats = cache_->stats();
  EXPECT_EQ(stats.misses, 2u);
  EXPECT_EQ(stats.hits, 0u);
  EXPECT_EQ(stats.entries, 2u);
}

TEST_F(CodeCacheTest, ACorruptEntryIsRejectedAndReplaced) {
  std::string source = Library(1);
  loader_->Add("lib.js", source);
  cache_->Store("memory:///lib.js", CodeCache::HashSource(source), std::string(256, 'x'));
  LoadAndCall(1);
  CodeCache::Stats stats = cache_->stats();
  EXPECT_EQ(stats.rejected, 1u);
  EXPECT_EQ(stats.hits, 0u);
  EXPECT_EQ(stats.entries, 1u);
  EXPECT_EQ(stats.produced, 2u);  // the corrupt one, then the fresh one
  LoadAndCall(1);
  EXPECT_EQ(cache_->stats().hits, 1u);
}

TEST_F(CodeCacheTest, ModulesFromSourceAndImportsUseItToo) {
  loader_->Add("dep.js", Library(3));
  for (int round = 0; round < 2; ++round) {
    std::unique_ptr<Runtime> runtime = NewRuntime();
    ASSERT_NE(runtime, nullptr);
    Result<JsModule> main = runtime->LoadModuleFromSource(
        "memory:///main.js", "export { f1 } from './dep.js';\n");
    ASSERT_TRUE(main.ok()) << main.error().Report();
    main = JsError{};
    EXPECT_TRUE(runtime->Shutdown().ok());
  }
  CodeCache::Stats stats = cache_->stats();
  EXPECT_EQ(stats.misses, 2u);
  EXPECT_EQ(stats.hits, 2u);
}

}  // namespace
}  // namespace kiln
