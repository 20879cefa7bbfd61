// Time to a runtime with a large ES module loaded, cold vs with a shared kiln::CodeCache.
//
//   npm install --prefix /tmp/ts typescript@5.6.3
//   bazel run -c opt //bench:module_load_bench -- /tmp/ts/node_modules/typescript/lib/typescript.js
//
// The file (a classic script defining `var ts`, as typescript.js does; or any script whose
// last global is named by --global) is wrapped as an ES module exporting that global and
// loaded from memory. Each round creates a runtime, loads the module and calls
// ts.transpileModule once (so the module is usable, not just parsed), then destroys the
// runtime. "cold" rounds use no cache; "cached" rounds share a cache that the first of them
// filled. Prints the median of each and the cache's stats.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/call.h"
#include "core/code_cache.h"
#include "core/file_util.h"
#include "core/module_loader.h"
#include "core/runtime.h"

namespace {

constexpr int kRounds = 5;

double MedianMs(std::vector<absl::Duration> times) {
  std::sort(times.begin(), times.end());
  return absl::ToDoubleMilliseconds(times[times.size() / 2]);
}

// One round: create, load, one call, destroy. Returns the time LoadModule took (compile,
// link and evaluate; Runtime::Create is ~2 ms and not included).
absl::Duration Round(const std::shared_ptr<kiln::ModuleLoader>& loader,
                     const std::shared_ptr<kiln::CodeCache>& cache) {
  absl::Time start = absl::Now();
  kiln::RuntimeOptions options;
  options.module_loader = loader;
  options.code_cache = cache;
  auto runtime = kiln::Runtime::Create(std::move(options));
  if (!runtime.ok()) {
    std::fprintf(stderr, "%s\n", std::string(runtime.status().message()).c_str());
    std::exit(1);
  }
  absl::Time load_start = absl::Now();
  kiln::Result<kiln::JsModule> module = (*runtime)->LoadModule("bundle.js");
  if (!module.ok()) {
    std::fprintf(stderr, "%s\n", module.error().Report().c_str());
    std::exit(1);
  }
  absl::Duration loaded = absl::Now() - load_start;
  (void)start;
  kiln::Result<std::string> out =
      (*runtime)->CallExport<std::string>(module.value(), "transpile", "let x: number = 1;");
  if (!out.ok()) {
    std::fprintf(stderr, "%s\n", out.error().Report().c_str());
    std::exit(1);
  }
  return loaded;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: module_load_bench <typescript.js>\n");
    return 2;
  }
  absl::StatusOr<std::string> script = kiln::ReadFile(argv[1]);
  if (!script.ok()) {
    std::fprintf(stderr, "%s\n", std::string(script.status().message()).c_str());
    return 1;
  }
  auto loader = std::make_shared<kiln::InMemoryModuleLoader>();
  loader->Add("bundle.js",
              absl::StrCat(*script,
                           "\nexport default ts;\n"
                           "export function transpile(text) {\n"
                           "  return ts.transpileModule(text, {}).outputText;\n}\n"));
  std::printf("module: %s (%.1f MB)\n", argv[1], script->size() / 1e6);

  std::vector<absl::Duration> cold;
  std::vector<absl::Duration> cached;
  auto cache = std::make_shared<kiln::CodeCache>();
  absl::Duration filling = Round(loader, cache);  // produces the entry
  for (int i = 0; i < kRounds; ++i) {
    cold.push_back(Round(loader, nullptr));
    cached.push_back(Round(loader, cache));
  }
  kiln::CodeCache::Stats stats = cache->stats();
  std::printf("cold (no cache):        %8.1f ms (median of %d)\n", MedianMs(cold), kRounds);
  std::printf("first with a cache:     %8.1f ms (fills it)\n", absl::ToDoubleMilliseconds(filling));
  std::printf("with the cache:         %8.1f ms (median of %d)\n", MedianMs(cached), kRounds);
  std::printf("cache: %zu hits, %zu misses, %zu rejected, %zu entries, %.1f MB\n", stats.hits,
              stats.misses, stats.rejected, stats.entries, stats.bytes / 1e6);
  return 0;
}
