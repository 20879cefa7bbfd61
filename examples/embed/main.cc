// The embedding example: a C++ program that loads a bundled JavaScript library from memory
// once per worker and calls its exports from 8 threads through a WorkerPool, with a heap
// limit and a per-call timeout. docs/embedding.md walks through it.
//
//   bazel run //examples/embed
#include <cstdint>
#include <cstdio>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "core/call.h"
#include "core/code_cache.h"
#include "core/module_loader.h"
#include "core/worker.h"
#include "examples/embed/textkit_bundle.h"

namespace embed {

// What textkit's summarize() returns, as a C++ struct: every field is read from the JS
// object's property of the same name, with the types checked (a missing field, a string
// where a number belongs or a fraction where an integer belongs is an error, never a
// truncated value).
struct Summary {
  int32_t words = 0;
  int32_t sentences = 0;
  int32_t readingSeconds = 0;
  std::vector<std::string> topWords;
};

}  // namespace embed

KILN_STRUCT_CONVERTER(embed::Summary, words, sentences, readingSeconds, topWords)

namespace embed {

// The documents the 8 threads render.
const char* const kDocuments[] = {
    "# Release notes\n\nThe **worker pool** now replaces a runtime that hit its heap limit.",
    "## Install\n\n- download the archive\n- unpack it\n- run `kiln run app.js`",
    "Plain prose: a paragraph with *emphasis* and a [link](https://example.com/docs).",
    "> Simple things should be simple.\n> Complex things should be possible.",
    "### Steps\n\n1. load the bundle\n2. call the export\n3. print the result",
    "```cpp\nauto pool = kiln::WorkerPool::Create(options);\n```",
    "Escaping matters: <script>alert('x')</script> stays text & so does this.",
    "---\nThe end. Thanks for *reading* the **example**.",
};
constexpr int kThreads = 8;

// The library's module name in the loader; workers load it in their setup.
constexpr char kLibrary[] = "textkit.js";

int Main() {
  // 1. The bundle, from memory: embedded in the binary at build time (BUILD.bazel).
  auto loader = std::make_shared<kiln::InMemoryModuleLoader>();
  for (size_t i = 0; i < kTextkitBundleCount; ++i) {
    loader->Add(kTextkitBundle[i].name, std::string(kTextkitBundle[i].source, kTextkitBundle[i].size));
  }

  // 2. The pool: every worker's runtime reads modules from the loader and shares one code
  //    cache (workers 2..4 take the first one's compiled bundle instead of parsing it).
  kiln::WorkerPoolOptions options;
  options.size = 4;
  options.worker.runtime.module_loader = loader;
  options.worker.runtime.code_cache = std::make_shared<kiln::CodeCache>();
  options.worker.runtime.max_heap_size_mb = 64;
  options.worker.call_timeout = absl::Seconds(2);
  options.worker.setup = [](kiln::Runtime& runtime) -> kiln::Result<void> {
    kiln::Result<kiln::JsModule> library = runtime.LoadModule(kLibrary);
    if (!library.ok()) return library.error();
    return {};
  };
  std::shared_ptr<kiln::CodeCache> code_cache = options.worker.runtime.code_cache;
  absl::StatusOr<std::unique_ptr<kiln::WorkerPool>> created =
      kiln::WorkerPool::Create(std::move(options));
  if (!created.ok()) {
    std::fprintf(stderr, "embed: %s\n", created.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<kiln::WorkerPool> pool = std::move(*created);
  kiln::CodeCache::Stats cache = code_cache->stats();
  std::printf("pool: %zu workers; code cache: %zu entry produced by the first, %zu hits\n",
              pool->size(), cache.produced, cache.hits);

  // 3. Eight threads call render() and summarize() at once; each waits for its futures.
  std::vector<std::string> lines(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&pool, &lines, t] {
      std::future<kiln::Result<std::string>> html =
          pool->CallExport<std::string>(kLibrary, "render", std::string(kDocuments[t]));
      std::future<kiln::Result<Summary>> summary =
          pool->CallExport<Summary>(kLibrary, "summarize", std::string(kDocuments[t]));
      kiln::Result<std::string> html_result = html.get();
      kiln::Result<Summary> summary_result = summary.get();
      if (!html_result.ok() || !summary_result.ok()) {
        const kiln::JsError& error =
            html_result.ok() ? summary_result.error() : html_result.error();
        lines[t] = absl::StrCat("thread ", t, ": error: ", error.Summary());
        return;
      }
      const Summary& s = summary_result.value();
      lines[t] = absl::StrCat("thread ", t, ": words=", s.words, " sentences=", s.sentences,
                              " reading=", s.readingSeconds, "s top=[",
                              absl::StrJoin(s.topWords, ", "), "]\n", html_result.value());
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& line : lines) std::printf("%s\n", line.c_str());

  // 4. Errors are values: a JavaScript exception, a runaway call stopped by the timeout,
  //    and a call past the heap limit. The pool replaces the runtimes of the last two.
  kiln::Result<std::string> wrong_type = pool->CallExport<std::string>(kLibrary, "render", 42).get();
  std::printf("render(42): %s\n", wrong_type.ok() ? "ok?" : wrong_type.error().Summary().c_str());
  kiln::Result<int32_t> wrong_result = pool->CallExport<int32_t>(kLibrary, "slugify", "x").get();
  std::printf("slugify as int32: %s\n",
              wrong_result.ok() ? "ok?" : wrong_result.error().Summary().c_str());
  kiln::Result<std::string> runaway =
      pool->Run([](kiln::Runtime& runtime) { return runtime.EvalToString("while (true) {}"); }).get();
  std::printf("while (true) {}: %s\n", runaway.ok() ? "ok?" : runaway.error().Summary().c_str());
  kiln::Result<std::string> hungry =
      pool->Run([](kiln::Runtime& runtime) {
            return runtime.EvalToString("const hoard = []; for (;;) hoard.push(new Array(1e6).fill(1));");
          }).get();
  std::printf("hoarding memory: %s\n", hungry.ok() ? "ok?" : hungry.error().Summary().c_str());
  kiln::Result<std::string> after = pool->CallExport<std::string>(kLibrary, "slugify", "Still Serving!").get();
  std::printf("afterwards: %s\n", after.ok() ? after.value().c_str() : after.error().Summary().c_str());
  return 0;
}

}  // namespace embed

int main() { return embed::Main(); }
