// kiln::Worker and kiln::WorkerPool: tasks from many threads, ordering, the loop between
// calls, shutdown in every order, timeouts, the heap limit, termination and errors, and
// workers started from a snapshot of their setup.
#include "core/worker.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/code_cache.h"
#include "core/module_loader.h"
#include "core/testing/core_snapshot.h"
#include "core/testing/runtime_fixture.h"
#include "ext/timers/timers_extension.h"
#include "gtest/gtest.h"

namespace kiln {
namespace {

using ::kiln::testing::UsingSnapshots;

// Options of a worker with the timers extension, from the core snapshot in the
// "_snapshot" twin, and `setup` as its setup.
WorkerOptions Options(std::function<Result<void>(Runtime&)> setup = {}) {
  WorkerOptions options;
  options.runtime.extensions = {&extensions::timers()};
  if (UsingSnapshots()) options.runtime.snapshot = &snapshots::core_snapshot();
  options.setup = std::move(setup);
  return options;
}

std::unique_ptr<Worker> MakeWorker(WorkerOptions options) {
  absl::StatusOr<std::unique_ptr<Worker>> worker = Worker::Create(std::move(options));
  EXPECT_TRUE(worker.ok()) << worker.status();
  return worker.ok() ? std::move(*worker) : nullptr;
}

std::unique_ptr<WorkerPool> MakePool(size_t size, WorkerOptions options) {
  WorkerPoolOptions pool_options;
  pool_options.size = size;
  pool_options.worker = std::move(options);
  absl::StatusOr<std::unique_ptr<WorkerPool>> pool = WorkerPool::Create(std::move(pool_options));
  EXPECT_TRUE(pool.ok()) << pool.status();
  return pool.ok() ? std::move(*pool) : nullptr;
}

// A task evaluating `code` and giving its value formatted like console.log.
auto Eval(std::string code) {
  return [code = std::move(code)](Runtime& runtime) { return runtime.EvalToString(code); };
}

std::string ValueOr(const Result<std::string>& result) {
  return result.ok() ? result.value() : "<" + result.error().Summary() + ">";
}

Result<void> DefineCounter(Runtime& runtime) {
  Result<std::string> defined = runtime.EvalToString("globalThis.count = 0; globalThis.seen = []");
  if (!defined.ok()) return defined.error();
  return {};
}

TEST(WorkerTest, RunsTasksInOrderOnItsOwnThread) {
  std::unique_ptr<Worker> worker = MakeWorker(Options(DefineCounter));
  ASSERT_NE(worker, nullptr);
  std::vector<std::future<Result<std::thread::id>>> threads;
  for (int i = 0; i < 50; ++i) {
    worker->Run(Eval(absl::StrCat("seen.push(", i, ")"))).wait();
    threads.push_back(worker->Run([](Runtime&) { return std::this_thread::get_id(); }));
  }
  std::set<std::thread::id> ids;
  for (auto& id : threads) ids.insert(id.get().value());
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_NE(*ids.begin(), std::this_thread::get_id());
  std::string expected = "[";
  for (int i = 0; i < 50; ++i) absl::StrAppend(&expected, i == 0 ? "" : ",", i);
  absl::StrAppend(&expected, "]");
  EXPECT_EQ(ValueOr(worker->Run(Eval("JSON.stringify(seen)")).get()), "'" + expected + "'");
}

TEST(WorkerTest, TakesTasksFromManyThreads) {
  std::unique_ptr<Worker> worker = MakeWorker(Options(DefineCounter));
  ASSERT_NE(worker, nullptr);
  constexpr int kThreads = 8;
  constexpr int kTasksPerThread = 40;
  std::vector<std::thread> submitters;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    submitters.emplace_back([&worker, &failures, t] {
      std::vector<std::future<Result<std::string>>> results;
      for (int i = 0; i < kTasksPerThread; ++i) {
        // Each submitter's own calls run in the order it made them.
        results.push_back(worker->Run(Eval(absl::StrCat(
            "count++; (() => { const ok = (globalThis.last", t, " ?? -1) < ", i,
            "; globalThis.last", t, " = ", i, "; return ok })()"))));
      }
      for (auto& result : results) {
        if (ValueOr(result.get()) != "true") ++failures;
      }
    });
  }
  for (std::thread& submitter : submitters) submitter.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(ValueOr(worker->Run(Eval("count")).get()), absl::StrCat(kThreads * kTasksPerThread));
}

TEST(WorkerTest, ResultsOfEveryKind) {
  std::unique_ptr<Worker> worker = MakeWorker(Options());
  ASSERT_NE(worker, nullptr);
  std::future<Result<int>> plain = worker->Run([](Runtime&) { return 42; });
  std::future<Result<void>> nothing = worker->Run([](Runtime&) {});
  // A task returning Result<T> gives Result<T>, not Result<Result<T>>.
  std::future<Result<std::string>> flattened = worker->Run(Eval("'text'"));
  std::future<Result<void>> failed_void =
      worker->Run([](Runtime&) -> Result<void> { return HostError("RangeError", "no"); });
  EXPECT_EQ(plain.get().value(), 42);
  EXPECT_TRUE(nothing.get().ok());
  EXPECT_EQ(flattened.get().value(), "'text'");
  Result<void> error = failed_void.get();
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.error().Summary(), "RangeError: no");
}

TEST(WorkerTest, JavaScriptExceptionsComeBackWithTheirStack) {
  std::unique_ptr<Worker> worker = MakeWorker(Options());
  ASSERT_NE(worker, nullptr);
  Result<std::string> thrown =
      worker->Run(Eval("function inner() { throw new TypeError('bad input'); } inner()")).get();
  ASSERT_FALSE(thrown.ok());
  EXPECT_EQ(thrown.error().class_name, "TypeError");
  EXPECT_EQ(thrown.error().message, "bad input");
  EXPECT_NE(thrown.error().stack.find("at inner"), std::string::npos) << thrown.error().stack;
  // The runtime goes on.
  EXPECT_EQ(ValueOr(worker->Run(Eval("1 + 1")).get()), "2");
  EXPECT_EQ(worker->runtimes_created(), 1);
}

TEST(WorkerTest, CppExceptionsBecomeErrors) {
  std::unique_ptr<Worker> worker = MakeWorker(Options());
  ASSERT_NE(worker, nullptr);
  Result<int> thrown =
      worker->Run([](Runtime&) -> int { throw std::runtime_error("out of widgets"); }).get();
  ASSERT_FALSE(thrown.ok());
  EXPECT_EQ(thrown.error().Summary(), "Error: the task threw a C++ exception: out of widgets");
  EXPECT_EQ(worker->Run([](Runtime&) { return 7; }).get().value(), 7);
}

TEST(WorkerTest, FailedSetupFailsCreate) {
  absl::StatusOr<std::unique_ptr<Worker>> worker =
      Worker::Create(Options([](Runtime& runtime) -> Result<void> {
        Result<std::string> loaded = runtime.EvalToString("throw new SyntaxError('broken bundle')");
        if (!loaded.ok()) return loaded.error();
        return {};
      }));
  ASSERT_FALSE(worker.ok());
  EXPECT_NE(worker.status().message().find("SyntaxError: broken bundle"), std::string::npos)
      << worker.status();
}

TEST(WorkerTest, RefusesALoopOfTheEmbedder) {
  uv_loop_t loop;
  WorkerOptions options = Options();
  options.runtime.loop = &loop;
  absl::StatusOr<std::unique_ptr<Worker>> worker = Worker::Create(std::move(options));
  ASSERT_FALSE(worker.ok());
  EXPECT_EQ(worker.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(WorkerTest, RunsTheLoopBetweenCalls) {
  std::unique_ptr<Worker> worker = MakeWorker(Options());
  ASSERT_NE(worker, nullptr);
  // A timer a call leaves behind fires while the worker waits for the next call.
  ASSERT_EQ(ValueOr(worker->Run(Eval("globalThis.fired = 0; setTimeout(() => fired++, 30); 'set'"))
                        .get()),
            "'set'");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(ValueOr(worker->Run(Eval("fired")).get()), "1");
  // Busy with calls, the worker still turns the loop after each.
  ASSERT_TRUE(worker->Run(Eval("setTimeout(() => fired++, 10)")).get().ok());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::string fired;
  while (std::chrono::steady_clock::now() < deadline &&
         (fired = ValueOr(worker->Run(Eval("fired")).get())) != "2") {
  }
  EXPECT_EQ(fired, "2");
}

TEST(WorkerTest, ReportsUncaughtErrorsBetweenCalls) {
  WorkerOptions options = Options();
  std::promise<std::string> reported;
  options.on_background_error = [&reported](const JsError& error) {
    reported.set_value(error.Summary());
  };
  std::unique_ptr<Worker> worker = MakeWorker(std::move(options));
  ASSERT_NE(worker, nullptr);
  ASSERT_TRUE(worker->Run(Eval("setTimeout(() => { throw new RangeError('late') }, 5)")).get().ok());
  std::future<std::string> error = reported.get_future();
  ASSERT_EQ(error.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(error.get(), "RangeError: late");
  EXPECT_EQ(ValueOr(worker->Run(Eval("'still here'")).get()), "'still here'");
}

TEST(WorkerTest, DestroyedFromAnotherThreadWithQueuedCalls) {
  std::unique_ptr<Worker> worker = MakeWorker(Options());
  ASSERT_NE(worker, nullptr);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> entered;
  std::future<Result<int>> blocked = worker->Run([&entered, released](Runtime&) {
    entered.set_value();
    released.wait();
    return 1;
  });
  entered.get_future().wait();
  std::vector<std::future<Result<std::string>>> queued;
  for (int i = 0; i < 10; ++i) queued.push_back(worker->Run(Eval("'never'")));
  EXPECT_EQ(worker->queued_calls(), 10u);
  std::thread destroyer([&worker] { worker.reset(); });
  // The queued calls fail while the running one (C++ code, which no termination stops)
  // still holds the worker.
  for (auto& call : queued) {
    Result<std::string> result = call.get();
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().class_name, kShutdownErrorClass);
    EXPECT_EQ(result.error().message, "worker shut down");
  }
  release.set_value();
  destroyer.join();
  // Stopped by the shutdown: its value is not trusted.
  Result<int> running = blocked.get();
  ASSERT_FALSE(running.ok());
  EXPECT_EQ(running.error().message, "worker shut down");
}

TEST(WorkerPoolTest, AnyIdleWorkerTakesTheNextCall) {
  std::unique_ptr<WorkerPool> pool = MakePool(3, Options(DefineCounter));
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(pool->size(), 3u);
  EXPECT_EQ(pool->runtimes_created(), 3);
  // Three calls that wait for each other can only finish if three workers run them at once.
  std::atomic<int> arrived{0};
  std::vector<std::future<Result<std::thread::id>>> calls;
  for (int i = 0; i < 3; ++i) {
    calls.push_back(pool->Run([&arrived](Runtime&) {
      ++arrived;
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (arrived.load() < 3 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      return std::this_thread::get_id();
    }));
  }
  std::set<std::thread::id> threads;
  for (auto& call : calls) threads.insert(call.get().value());
  EXPECT_EQ(threads.size(), 3u);
  EXPECT_EQ(arrived.load(), 3);
}

TEST(WorkerPoolTest, ManyThreadsManyCalls) {
  std::unique_ptr<WorkerPool> pool = MakePool(2, Options(DefineCounter));
  ASSERT_NE(pool, nullptr);
  constexpr int kThreads = 8;
  constexpr int kCalls = 50;
  std::vector<std::thread> submitters;
  std::atomic<int> sum{0};
  for (int t = 0; t < kThreads; ++t) {
    submitters.emplace_back([&pool, &sum, t] {
      for (int i = 0; i < kCalls; ++i) {
        Result<std::string> value =
            pool->Run(Eval(absl::StrCat("count++; ", t * 1000 + i, " * 2"))).get();
        if (value.ok()) sum += std::stoi(value.value());
      }
    });
  }
  for (std::thread& submitter : submitters) submitter.join();
  int expected = 0;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kCalls; ++i) expected += (t * 1000 + i) * 2;
  }
  EXPECT_EQ(sum.load(), expected);
  // Every call ran exactly once, on one of the two runtimes.
  std::atomic<int> done{0};
  int total = 0;
  // Count on each worker by blocking both at once.
  std::vector<std::future<Result<std::string>>> counts;
  for (int i = 0; i < 2; ++i) {
    counts.push_back(pool->Run([&done](Runtime& runtime) {
      ++done;
      while (done.load() < 2) std::this_thread::yield();
      return runtime.EvalToString("count");
    }));
  }
  for (auto& count : counts) total += std::stoi(count.get().value());
  EXPECT_EQ(total, kThreads * kCalls);
}

TEST(WorkerPoolTest, FailedSetupFailsCreate) {
  WorkerPoolOptions options;
  options.size = 3;
  options.worker = Options([](Runtime& runtime) -> Result<void> {
    return HostError("Error", "no bundle here");
  });
  absl::StatusOr<std::unique_ptr<WorkerPool>> pool = WorkerPool::Create(std::move(options));
  ASSERT_FALSE(pool.ok());
  EXPECT_NE(pool.status().message().find("no bundle here"), std::string::npos) << pool.status();
}

TEST(WorkerPoolTest, DestroyedWithCallsQueued) {
  std::unique_ptr<WorkerPool> pool = MakePool(2, Options());
  ASSERT_NE(pool, nullptr);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> entered{0};
  std::vector<std::future<Result<int>>> running;
  for (int i = 0; i < 2; ++i) {
    running.push_back(pool->Run([&entered, released](Runtime&) {
      ++entered;
      released.wait();
      return 1;
    }));
  }
  while (entered.load() < 2) std::this_thread::yield();
  std::vector<std::future<Result<int>>> queued;
  for (int i = 0; i < 20; ++i) queued.push_back(pool->Run([](Runtime&) { return 2; }));
  std::thread destroyer([&pool] { pool.reset(); });
  for (auto& call : queued) {
    Result<int> result = call.get();
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().class_name, kShutdownErrorClass);
    EXPECT_EQ(result.error().message, "worker pool shut down");
  }
  release.set_value();
  destroyer.join();
  for (auto& call : running) {
    Result<int> result = call.get();
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().message, "worker pool shut down");
  }
}

TEST(WorkerPoolTest, DestroyedRightAfterCreate) {
  for (int i = 0; i < 5; ++i) {
    std::unique_ptr<WorkerPool> pool = MakePool(2, Options());
    ASSERT_NE(pool, nullptr);
  }
}

}  // namespace
}  // namespace kiln

// ---- Limits: timeouts, the heap limit, termination (Runtime::Terminate, Watchdog) ----
namespace kiln {
namespace {

TEST(WorkerLimitsTest, TimeoutStopsTheCallAndReplacesTheRuntime) {
  WorkerOptions options = Options(DefineCounter);
  options.call_timeout = absl::Milliseconds(100);
  std::unique_ptr<Worker> worker = MakeWorker(std::move(options));
  ASSERT_NE(worker, nullptr);
  ASSERT_TRUE(worker->Run(Eval("globalThis.marker = 'old runtime'")).get().ok());
  auto start = std::chrono::steady_clock::now();
  Result<std::string> runaway = worker->Run(Eval("while (true) {}")).get();
  ASSERT_FALSE(runaway.ok());
  EXPECT_EQ(runaway.error().class_name, kTimeoutErrorClass);
  EXPECT_EQ(runaway.error().message, "the call timed out after 100 ms");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  // A new runtime, set up again (before the next call): the old one's globals are gone,
  // the setup's are there.
  EXPECT_EQ(ValueOr(worker->Run(Eval("typeof marker + ' ' + count")).get()), "'undefined 0'");
  EXPECT_EQ(worker->runtimes_created(), 2);
  // Calls within the limit are unaffected.
  EXPECT_EQ(ValueOr(worker->Run(Eval("6 * 7")).get()), "42");
  EXPECT_EQ(worker->runtimes_created(), 2);
}

TEST(WorkerLimitsTest, TimeoutCoversAwaitedPromises) {
  WorkerOptions options = Options();
  options.call_timeout = absl::Milliseconds(100);
  std::unique_ptr<Worker> worker = MakeWorker(std::move(options));
  ASSERT_NE(worker, nullptr);
  // A task that drives the loop itself, waiting for a timer far beyond the timeout.
  Result<void> waited = worker->Run([](Runtime& runtime) -> Result<void> {
    Result<std::string> set = runtime.EvalToString("setTimeout(() => {}, 60000)");
    if (!set.ok()) return set.error();
    return runtime.RunEventLoop();
  }).get();
  ASSERT_FALSE(waited.ok());
  EXPECT_EQ(waited.error().class_name, kTimeoutErrorClass);
  EXPECT_EQ(worker->Run([](Runtime&) { return 1; }).get().value(), 1);
  EXPECT_EQ(worker->runtimes_created(), 2);
}

TEST(WorkerLimitsTest, HeapLimitReplacesTheRuntime) {
  WorkerOptions options = Options(DefineCounter);
  options.runtime.max_heap_size_mb = 32;
  std::unique_ptr<Worker> worker = MakeWorker(std::move(options));
  ASSERT_NE(worker, nullptr);
  Result<std::string> hungry =
      worker->Run(Eval("const hoard = []; for (;;) hoard.push(new Array(1e5).fill(1.5))")).get();
  ASSERT_FALSE(hungry.ok());
  EXPECT_EQ(hungry.error().class_name, "HeapLimitError");
  EXPECT_EQ(hungry.error().message, "JavaScript heap limit of 32 MiB exceeded");
  EXPECT_EQ(ValueOr(worker->Run(Eval("count + 1")).get()), "1");
  EXPECT_EQ(worker->runtimes_created(), 2);
}

TEST(WorkerLimitsTest, HeapLimitInAPoolReplacesOnlyThatWorker) {
  WorkerOptions options = Options();
  options.runtime.max_heap_size_mb = 32;
  std::unique_ptr<WorkerPool> pool = MakePool(2, std::move(options));
  ASSERT_NE(pool, nullptr);
  std::vector<std::future<Result<std::string>>> calls;
  calls.push_back(pool->Run(Eval("const hoard = []; for (;;) hoard.push(new Array(1e5).fill(1.5))")));
  for (int i = 0; i < 20; ++i) calls.push_back(pool->Run(Eval(absl::StrCat(i, " * 2"))));
  ASSERT_FALSE(calls[0].get().ok());
  for (int i = 1; i <= 20; ++i) EXPECT_EQ(ValueOr(calls[i].get()), absl::StrCat((i - 1) * 2));
  // The other worker may have taken every later call while this one was replaced.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (pool->runtimes_created() < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(pool->runtimes_created(), 3);
}

TEST(WorkerLimitsTest, TerminateCurrentCallKeepsTheRuntime) {
  std::unique_ptr<Worker> worker = MakeWorker(Options(DefineCounter));
  ASSERT_NE(worker, nullptr);
  std::promise<void> entered;
  std::future<Result<std::string>> spinning = worker->Run([&entered](Runtime& runtime) {
    entered.set_value();
    return runtime.EvalToString("count = 5; while (true) {}");
  });
  entered.get_future().wait();
  // Until the call is inside JavaScript, Terminate may find nothing to stop: repeat.
  while (spinning.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
    worker->TerminateCurrentCall();
  }
  Result<std::string> stopped = spinning.get();
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.error().Summary(), "Terminated: execution terminated");
  EXPECT_EQ(ValueOr(worker->Run(Eval("count")).get()), "5");
  EXPECT_EQ(worker->runtimes_created(), 1);
}

TEST(WorkerLimitsTest, DestroyedWhileJavaScriptRuns) {
  std::unique_ptr<Worker> worker = MakeWorker(Options());
  ASSERT_NE(worker, nullptr);
  std::promise<void> entered;
  std::future<Result<std::string>> spinning = worker->Run([&entered](Runtime& runtime) {
    entered.set_value();
    return runtime.EvalToString("while (true) {}");
  });
  std::future<Result<std::string>> queued = worker->Run(Eval("'never'"));
  entered.get_future().wait();
  worker.reset();  // terminates the loop, fails the queue, joins
  Result<std::string> stopped = spinning.get();
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.error().Summary(), "ShutdownError: worker shut down");
  EXPECT_EQ(queued.get().error().Summary(), "ShutdownError: worker shut down");
}

TEST(WorkerLimitsTest, PoolDestroyedWithJavaScriptInFlightFromAnotherThread) {
  std::unique_ptr<WorkerPool> pool = MakePool(2, Options());
  ASSERT_NE(pool, nullptr);
  std::vector<std::future<Result<std::string>>> calls;
  for (int i = 0; i < 6; ++i) calls.push_back(pool->Run(Eval("while (true) {}")));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::thread([&pool] { pool.reset(); }).join();
  for (auto& call : calls) {
    Result<std::string> result = call.get();
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().Summary(), "ShutdownError: worker pool shut down");
  }
}

TEST(WorkerLimitsTest, DestroyedWhileATimerCallbackRunsAway) {
  WorkerOptions options = Options();
  std::atomic<int> background_errors{0};
  options.on_background_error = [&background_errors](const JsError&) { ++background_errors; };
  std::unique_ptr<Worker> worker = MakeWorker(std::move(options));
  ASSERT_NE(worker, nullptr);
  ASSERT_TRUE(worker->Run(Eval("setTimeout(() => { while (true) {} }, 0)")).get().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  worker.reset();  // must not hang
  EXPECT_EQ(background_errors.load(), 0);  // a shutdown's termination is not an error
}

}  // namespace
}  // namespace kiln

namespace kiln {
namespace {
// ---- Calling exports (Runtime::LoadModule, CallExport, CodeCache) ----

struct Point {
  int32_t x = 0;
  int32_t y = 0;
};

}  // namespace
}  // namespace kiln

KILN_STRUCT_CONVERTER(kiln::Point, x, y)

namespace kiln {
namespace {

constexpr char kGeometry[] = R"js(
export function add(a, b) { return { x: a.x + b.x, y: a.y + b.y }; }
export function describe(name, p) { return `${name} at (${p.x}, ${p.y})`; }
export async function later(value) { await new Promise((r) => setTimeout(r, 5)); return value * 2; }
export function fails() { throw new RangeError('out of the plane'); }
export const notAFunction = 3;
)js";

WorkerOptions GeometryOptions(std::shared_ptr<CodeCache> cache = nullptr) {
  auto loader = std::make_shared<InMemoryModuleLoader>();
  loader->Add("geometry.js", kGeometry);
  WorkerOptions options = Options([](Runtime& runtime) -> Result<void> {
    Result<JsModule> module = runtime.LoadModule("geometry.js");
    if (!module.ok()) return module.error();
    return {};
  });
  options.runtime.module_loader = loader;
  options.runtime.code_cache = std::move(cache);
  return options;
}

TEST(WorkerExportTest, CallsExportsWithTypedArgumentsAndResults) {
  std::unique_ptr<Worker> worker = MakeWorker(GeometryOptions());
  ASSERT_NE(worker, nullptr);
  std::future<Result<Point>> sum = worker->CallExport<Point>("geometry.js", "add", Point{1, 2}, Point{10, 20});
  std::string name = "home";
  std::future<Result<std::string>> described =
      worker->CallExport<std::string>("geometry.js", "describe", std::string_view(name), Point{3, 4});
  name = "changed";  // the argument was copied when the call was made
  std::future<Result<int32_t>> awaited = worker->CallExport<int32_t>("geometry.js", "later", 21);
  Result<Point> point = sum.get();
  ASSERT_TRUE(point.ok()) << point.error().Report();
  EXPECT_EQ(point.value().x, 11);
  EXPECT_EQ(point.value().y, 22);
  EXPECT_EQ(described.get().value(), "home at (3, 4)");
  EXPECT_EQ(awaited.get().value(), 42);
}

TEST(WorkerExportTest, ErrorsOfExportCalls) {
  std::unique_ptr<Worker> worker = MakeWorker(GeometryOptions());
  ASSERT_NE(worker, nullptr);
  Result<void> thrown = worker->CallExport<void>("geometry.js", "fails").get();
  ASSERT_FALSE(thrown.ok());
  EXPECT_EQ(thrown.error().Summary(), "RangeError: out of the plane");
  Result<int32_t> wrong_type = worker->CallExport<int32_t>("geometry.js", "describe", "a", Point{}).get();
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_EQ(wrong_type.error().class_name, "TypeError");
  Result<void> missing = worker->CallExport<void>("geometry.js", "nothingHere").get();
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("nothingHere"), std::string::npos) << missing.error().message;
  Result<void> no_module = worker->CallExport<void>("elsewhere.js", "f").get();
  ASSERT_FALSE(no_module.ok());
  EXPECT_NE(no_module.error().message.find("elsewhere.js"), std::string::npos)
      << no_module.error().message;
  EXPECT_EQ(worker->runtimes_created(), 1);
}

TEST(WorkerExportTest, PoolWorkersShareTheCodeCache) {
  auto cache = std::make_shared<CodeCache>();
  WorkerPoolOptions options;
  options.size = 3;
  options.worker = GeometryOptions(cache);
  absl::StatusOr<std::unique_ptr<WorkerPool>> pool = WorkerPool::Create(std::move(options));
  ASSERT_TRUE(pool.ok()) << pool.status();
  CodeCache::Stats stats = cache->stats();
  // The first worker compiled the module and stored its cache; the other two used it.
  EXPECT_EQ(stats.produced, 1u);
  EXPECT_EQ(stats.hits, 2u);
  EXPECT_EQ(stats.rejected, 0u);
  std::vector<std::future<Result<std::string>>> calls;
  for (int i = 0; i < 30; ++i) {
    calls.push_back((*pool)->CallExport<std::string>("geometry.js", "describe", "p", Point{i, -i}));
  }
  for (int i = 0; i < 30; ++i) {
    EXPECT_EQ(calls[i].get().value(), absl::StrCat("p at (", i, ", ", -i, ")"));
  }
}

// ---- Workers started from a snapshot of their setup ----

// library.js imports lib/count.js and config.json and awaits a timer at its top level;
// every evaluation adds one to globalThis.evaluations.
std::shared_ptr<InMemoryModuleLoader> LibraryLoader() {
  auto loader = std::make_shared<InMemoryModuleLoader>();
  loader->Add("config.json", R"({"prefix": "call"})");
  loader->Add("lib/count.js", "let calls = 0; export const count = () => ++calls;");
  loader->Add("library.js", R"js(
    import { count } from './lib/count.js';
    import config from './config.json' assert { type: 'json' };
    globalThis.evaluations = (globalThis.evaluations ?? 0) + 1;
    await new Promise((resolve) => setTimeout(resolve, 1));
    export function describe(n) { count(); return `${config.prefix} ${n}`; }
    export function spin() { for (;;) {} }
  )js");
  return loader;
}

// Options whose setup loads library.js, marks the global object and counts its runs.
WorkerOptions LibraryOptions(std::atomic<int>* setups) {
  WorkerOptions options = Options([setups](Runtime& runtime) -> Result<void> {
    ++*setups;
    Result<JsModule> library = runtime.LoadModule("library.js");
    if (!library.ok()) return library.error();
    Result<std::string> marked = runtime.EvalToString("globalThis.mark = 'set up'; 0");
    if (!marked.ok()) return marked.error();
    return {};
  });
  options.runtime.module_loader = LibraryLoader();
  return options;
}

TEST(WorkerSetupSnapshotTest, PoolWorkersStartFromTheSetupSnapshot) {
  std::atomic<int> setups{0};
  WorkerPoolOptions options;
  options.size = 3;
  options.worker = LibraryOptions(&setups);
  options.snapshot_setup = true;
  absl::StatusOr<std::unique_ptr<WorkerPool>> created = WorkerPool::Create(std::move(options));
  ASSERT_TRUE(created.ok()) << created.status();
  WorkerPool& pool = **created;
  EXPECT_EQ(setups.load(), 1);  // once, for the snapshot
  ASSERT_NE(pool.setup_snapshot(), nullptr);
  EXPECT_EQ(pool.runtimes_from_setup_snapshot(), 3);

  // Calls from four threads; every worker has the library evaluated once (in the setup).
  constexpr int kClients = 4;
  constexpr int kCalls = 25;
  std::vector<std::thread> clients;
  std::atomic<int> wrong{0};
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&pool, &wrong, c] {
      for (int i = 0; i < kCalls; ++i) {
        int n = c * 100 + i;
        Result<std::string> described = pool.CallExport<std::string>("library.js", "describe", n).get();
        if (!described.ok() || described.value() != absl::StrCat("call ", n)) ++wrong;
        Result<std::string> state = pool.Run(Eval("`${evaluations} ${mark}`")).get();
        if (!state.ok() || state.value() != "'1 set up'") ++wrong;
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(setups.load(), 1);
  EXPECT_EQ(pool.runtimes_created(), 3);
}

TEST(WorkerSetupSnapshotTest, ReplacementRuntimesStartFromTheSnapshotToo) {
  std::atomic<int> setups{0};
  WorkerOptions options = LibraryOptions(&setups);
  options.call_timeout = absl::Milliseconds(200);
  absl::StatusOr<std::string> snapshot = CreateSnapshot(options.runtime, options.setup);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  options.setup_snapshot = std::make_shared<const std::string>(std::move(*snapshot));
  std::unique_ptr<Worker> worker = MakeWorker(options);
  ASSERT_NE(worker, nullptr);
  ASSERT_TRUE(worker->Run(Eval("globalThis.mark = 'changed'")).get().ok());
  Result<void> spun = worker->CallExport<void>("library.js", "spin").get();
  ASSERT_FALSE(spun.ok());
  EXPECT_EQ(spun.error().class_name, kTimeoutErrorClass);
  // The replacement is the snapshot's state again, not the changed one.
  EXPECT_EQ(ValueOr(worker->Run(Eval("`${evaluations} ${mark}`")).get()), "'1 set up'");
  EXPECT_EQ(worker->runtimes_created(), 2);
  EXPECT_EQ(worker->runtimes_from_setup_snapshot(), 2);
  EXPECT_EQ(setups.load(), 1);
}

TEST(WorkerSetupSnapshotTest, AWorkerTakesAnExplicitSnapshot) {
  std::atomic<int> setups{0};
  WorkerOptions options = LibraryOptions(&setups);
  absl::StatusOr<std::string> snapshot = CreateSnapshot(options.runtime, options.setup);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  options.setup_snapshot = std::make_shared<const std::string>(std::move(*snapshot));
  std::unique_ptr<Worker> first = MakeWorker(options);
  std::unique_ptr<Worker> second = MakeWorker(options);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(setups.load(), 1);
  EXPECT_EQ(first->runtimes_from_setup_snapshot(), 1);
  EXPECT_EQ(ValueOr(first->CallExport<std::string>("library.js", "describe", 7).get()), "call 7");
  EXPECT_EQ(ValueOr(second->Run(Eval("`${evaluations} ${mark}`")).get()), "'1 set up'");
}

TEST(WorkerSetupSnapshotTest, AWorkerThatCannotUseTheSnapshotRunsTheSetup) {
  std::atomic<int> setups{0};
  WorkerOptions options = LibraryOptions(&setups);
  absl::StatusOr<std::string> snapshot = CreateSnapshot(options.runtime, options.setup);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  options.setup_snapshot = std::make_shared<const std::string>(std::move(*snapshot));
  // A live runtime made from source: V8 shares one read-only heap among live isolates,
  // so no runtime of this process may now come from another blob.
  absl::StatusOr<std::unique_ptr<Runtime>> other = Runtime::Create();
  ASSERT_TRUE(other.ok()) << other.status();
  std::unique_ptr<Worker> worker = MakeWorker(options);
  ASSERT_NE(worker, nullptr);
  EXPECT_EQ(setups.load(), 2);
  EXPECT_EQ(worker->runtimes_from_setup_snapshot(), 0);
  EXPECT_EQ(ValueOr(worker->CallExport<std::string>("library.js", "describe", 1).get()), "call 1");
  EXPECT_EQ(ValueOr(worker->Run(Eval("`${evaluations} ${mark}`")).get()), "'1 set up'");
}

TEST(WorkerSetupSnapshotTest, ASetupThatCannotBeSnapshottedFailsCreate) {
  WorkerPoolOptions options;
  options.size = 2;
  options.worker = Options([](Runtime& runtime) -> Result<void> {
    Result<std::string> started = runtime.EvalToString("setInterval(() => {}, 1000); 0");
    if (!started.ok()) return started.error();
    return {};
  });
  options.snapshot_setup = true;
  absl::StatusOr<std::unique_ptr<WorkerPool>> pool = WorkerPool::Create(std::move(options));
  ASSERT_FALSE(pool.ok());
  EXPECT_NE(pool.status().message().find(
                "the worker pool's setup snapshot: snapshot: the setup left work on the event "
                "loop (timer"),
            std::string::npos)
      << pool.status();
}

}  // namespace
}  // namespace kiln
