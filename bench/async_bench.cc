// Async op cost against the plain `await` it replaces.
//
//   bazel run -c opt //bench:async_bench
//
// One process; each case runs N = 1,000,000 ops per sample, 2 warm-up samples, then the
// median of 7:
//   await_baseline   for (i < N) await Promise.resolve(i)        (one async function)
//   eager            for (i < N) await kiln.ops.op_bench_ready(i) (ready now: no ring slot)
//   js_function      for (i < N) await f(i), f = (x) => Promise.resolve(x): what calling any
//                    JS function that returns a promise costs in this loop (the floor of
//                    a stub-based design; TurboFan does not inline the call here)
//   pending_1k       rounds of 1,000 op_bench_next_turn(i), then await Promise.all(round)
//   pending_1m       one round of 1,000,000
// op_bench_next_turn completes every op on a later libuv iteration than the one that
// started it; the run fails if any did not. Then the ratios and the JS heap held per
// pending op (heap growth with 1,000,000 ops pending, after a full GC, / 1,000,000).
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/bench_runtime.h"
#include "core/runtime.h"
#include "core/v8_platform.h"
#include "core/v8_util.h"
#include "tests/async/next_turn_queue.h"
#include "uv.h"
#include "v8.h"

namespace {

int ops_per_sample = 1'000'000;  // --ops=N (e.g. a smaller N under callgrind)
constexpr int kWarmups = 2;
constexpr int kSamples = 7;

constexpr char kCases[] = R"js(
  globalThis.benchCases = {
    async await_baseline(n) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += await Promise.resolve(i & 1023);
      return sum;
    },
    async eager(n) {
      const op = kiln.ops.op_bench_ready;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += await op(i & 1023);
      return sum;
    },
    async js_function(n) {
      const f = (x) => Promise.resolve(x);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += await f(i & 1023);
      return sum;
    },
    async pending_1k(n) {
      const op = kiln.ops.op_bench_next_turn;
      let sum = 0;
      for (let done = 0; done < n; done += 1000) {
        const round = new Array(1000);
        for (let i = 0; i < 1000; i++) round[i] = op(i);
        const values = await Promise.all(round);
        for (let i = 0; i < 1000; i++) sum += values[i];
      }
      return sum;
    },
    async pending_1m(n) {
      const op = kiln.ops.op_bench_next_turn;
      const round = new Array(n);
      for (let i = 0; i < n; i++) round[i] = op(i & 1023);
      const values = await Promise.all(round);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += values[i];
      return sum;
    },
  };
  globalThis.startCase = (name, n) => {
    globalThis.caseDone = false;
    const t0 = benchNowNs();
    benchCases[name](n).then((sum) => {
      globalThis.caseNs = benchNowNs() - t0;
      globalThis.caseSum = sum;
      globalThis.caseDone = true;
    });
  };
)js";

// Runs one sample of `name`; returns ns per op, or NaN on failure.
double RunSample(kiln::Runtime& runtime, const std::string& name) {
  auto started = runtime.Eval(absl::StrCat("startCase('", name, "', ", ops_per_sample, ")"));
  if (!started.ok()) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), started.error().Report().c_str());
    return NAN;
  }
  kiln::Result<void> loop = runtime.RunEventLoop();
  if (!loop.ok()) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), loop.error().Report().c_str());
    return NAN;
  }
  auto done = runtime.EvalToString("caseDone ? caseNs / " + std::to_string(ops_per_sample) +
                                   " : -1");
  if (!done.ok()) return NAN;
  double ns = std::stod(done.value());
  return ns < 0 ? NAN : ns;
}

size_t UsedHeapAfterGc(kiln::Runtime& runtime) {
  auto collected = runtime.Eval("gc(); gc();");
  (void)collected;
  v8::HeapStatistics stats;
  runtime.isolate()->GetHeapStatistics(&stats);
  return stats.used_heap_size();
}

}  // namespace

// Optional arguments: the cases to run (default: all, plus the ratios and the heap line),
// --ops=N (ops per sample, a multiple of 1000; default 1,000,000) and V8 flags (--name).
int main(int argc, char** argv) {
  kiln::AddV8Flags("--expose-gc").IgnoreError();
  const std::vector<std::string> all_cases = {"await_baseline", "eager", "js_function",
                                              "pending_1k", "pending_1m"};
  std::vector<std::string> cases;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--ops=", 0) == 0) {
      ops_per_sample = std::stoi(arg.substr(6));
      if (ops_per_sample < 1000 || ops_per_sample % 1000 != 0) {
        std::fprintf(stderr, "--ops: a multiple of 1000\n");
        return 1;
      }
    } else if (arg.rfind("--", 0) == 0) {
      kiln::AddV8Flags(arg).IgnoreError();  // e.g. --perf-basic-prof for perf
    } else {
      cases.push_back(arg);
    }
  }
  const bool only_some = !cases.empty();
  if (!only_some) cases = all_cases;
  std::unique_ptr<kiln::Runtime> runtime = kiln::bench::CreateBenchRuntime();
  if (runtime == nullptr) return 1;
  if (!runtime->Eval(kCases).ok()) return 1;

  std::vector<double> medians;
  for (const std::string& name : cases) {
    std::vector<double> samples;
    for (int k = 0; k < kWarmups + kSamples; ++k) {
      double ns = RunSample(*runtime, name);
      if (k >= kWarmups) samples.push_back(ns);
    }
    medians.push_back(kiln::bench::MedianOrNaN(samples));
    std::printf("RESULT name=%s value=%.1f unit=ns\n", name.c_str(), medians.back());
    std::fflush(stdout);
  }
  if (only_some) return 0;
  kiln::testing::NextTurnQueue& queue = kiln::testing::NextTurnQueue::Of(runtime->op_state());
  std::printf("# next-turn ops completed: %llu, on the iteration that started them: %llu\n",
              static_cast<unsigned long long>(queue.completed()),
              static_cast<unsigned long long>(queue.same_iteration_completions()));
  bool pending_ok = queue.same_iteration_completions() == 0;

  // JS heap held by 1,000,000 pending ops.
  size_t before = UsedHeapAfterGc(*runtime);
  if (!runtime->Eval("globalThis.held = new Array(1000000); "
                     "for (let i = 0; i < 1000000; i++) held[i] = kiln.ops.op_bench_next_turn(i & 1023);")
           .ok()) {
    return 1;
  }
  size_t with_pending = UsedHeapAfterGc(*runtime);
  // The held array itself (8 bytes per element) is not per-op cost of kiln.
  double per_op = (static_cast<double>(with_pending) - static_cast<double>(before)) / 1e6 - 8.0;
  if (!runtime->RunEventLoop().ok()) return 1;
  (void)runtime->Eval("globalThis.held = undefined;");

  double await_ns = medians[0];
  std::printf("RESULT name=eager_vs_await value=%.3f unit=x\n", medians[1] / await_ns);
  std::printf("RESULT name=eager_vs_js_function value=%.3f unit=x\n", medians[1] / medians[2]);
  std::printf("RESULT name=pending_vs_await value=%.3f unit=x\n",
              pending_ok ? medians[3] / await_ns : NAN);
  std::printf("RESULT name=pending_1m_vs_1k value=%.3f unit=x\n",
              pending_ok ? medians[4] / medians[3] : NAN);
  std::printf("RESULT name=heap_per_pending_op value=%.0f unit=B\n", per_op);
  return 0;
}
