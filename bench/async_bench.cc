// Async op cost against the plain `await` it replaces.
//
//   bazel run -c opt //bench:async_bench
//
// One process; each case runs N = 1,000,000 ops per sample, 2 warm-up samples, then 11
// rounds in which every case takes one sample in turn; each case's median, and each
// ratio as the median of its 11 round-by-round ratios:
//   await_baseline   for (i < N) await Promise.resolve(i)        (one async function)
//   eager            for (i < N) await kiln.ops.op_bench_ready(i) (ready now: no ring slot)
//   js_function      for (i < N) await f(i), f = (x) => Promise.resolve(x): what calling any
//                    JS function that returns a promise costs in this loop (the floor of
//                    a stub-based design; TurboFan does not inline the call here)
//   js_fast_call     for (i < N) await f(i), f = (x) => { add(x, 1); return Promise.resolve(x); }
//                    with `add` a generated int32 op whose fast function cannot fail: the
//                    floor of any op that makes one native call and returns a promise
//   pending_1k       rounds of 1,000 op_bench_next_turn(i), then await Promise.all(round)
//   js_pending_1k    the same rounds of 1,000 promises made in JavaScript alone (new
//                    Promise, resolve kept in an array) and resolved together after the
//                    round: the floor of a promise that settles later, in a batch
//   pending_1m       one round of 1,000,000
//   js_pending_1m    one round of 1,000,000 promises made in JavaScript alone: with
//                    js_pending_1k, the floor of the 1M/1k ratio (what a million live
//                    promises cost V8 whoever makes them)
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
constexpr int kSamples = 11;

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
    async js_fast_call(n) {
      const add = kiln.ops.op_bench_add;
      const f = (x) => { add(x, 1); return Promise.resolve(x); };
      let sum = 0;
      for (let i = 0; i < n; i++) sum += await f(i & 1023);
      return sum;
    },
    async js_pending_1k(n) {
      const resolvers = new Array(1000);
      let slot = 0;
      const executor = (resolve) => { resolvers[slot] = resolve; };
      let sum = 0;
      for (let done = 0; done < n; done += 1000) {
        const round = new Array(1000);
        for (let i = 0; i < 1000; i++) {
          slot = i;
          round[i] = new Promise(executor);
        }
        for (let i = 0; i < 1000; i++) resolvers[i](2 * i);
        const values = await Promise.all(round);
        for (let i = 0; i < 1000; i++) sum += values[i];
      }
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
    async js_pending_1m(n) {
      const resolvers = new Array(n);
      let slot = 0;
      const executor = (resolve) => { resolvers[slot] = resolve; };
      const round = new Array(n);
      for (let i = 0; i < n; i++) {
        slot = i;
        round[i] = new Promise(executor);
      }
      for (let i = 0; i < n; i++) resolvers[i](i & 1023);
      const values = await Promise.all(round);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += values[i];
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
  const std::vector<std::string> all_cases = {"await_baseline", "eager",      "js_function",
                                              "js_fast_call",   "pending_1k", "js_pending_1k",
                                              "pending_1m",     "js_pending_1m"};
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

  // Warm-up samples of every case, then rounds in which every case runs once, in turn.
  for (const std::string& name : cases) {
    for (int k = 0; k < kWarmups; ++k) RunSample(*runtime, name);
  }
  std::vector<std::vector<double>> samples(cases.size());
  for (int k = 0; k < kSamples; ++k) {
    for (size_t c = 0; c < cases.size(); ++c) samples[c].push_back(RunSample(*runtime, cases[c]));
  }
  std::vector<double> medians;
  for (size_t c = 0; c < cases.size(); ++c) {
    medians.push_back(kiln::bench::MedianOrNaN(samples[c]));
    std::printf("RESULT name=%s value=%.1f unit=ns\n", cases[c].c_str(), medians.back());
  }
  std::fflush(stdout);
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

  // Ratios: the median of the round-by-round ratios (both sides of a ratio ran in the same
  // round, close in time, which cancels most of a busy machine's drift).
  auto ratio = [&](size_t a, size_t b) {
    std::vector<double> ratios;
    for (int k = 0; k < kSamples; ++k) ratios.push_back(samples[a][k] / samples[b][k]);
    return kiln::bench::MedianOrNaN(ratios);
  };
  std::printf("RESULT name=eager_vs_await value=%.3f unit=x\n", ratio(1, 0));
  std::printf("RESULT name=eager_vs_js_function value=%.3f unit=x\n", ratio(1, 2));
  std::printf("RESULT name=js_function_vs_await value=%.3f unit=x\n", ratio(2, 0));
  std::printf("RESULT name=js_fast_call_vs_await value=%.3f unit=x\n", ratio(3, 0));
  std::printf("RESULT name=pending_vs_await value=%.3f unit=x\n",
              pending_ok ? ratio(4, 0) : NAN);
  std::printf("RESULT name=js_pending_vs_await value=%.3f unit=x\n", ratio(5, 0));
  std::printf("RESULT name=pending_vs_js_pending value=%.3f unit=x\n",
              pending_ok ? ratio(4, 5) : NAN);
  std::printf("RESULT name=pending_1m_vs_1k value=%.3f unit=x\n",
              pending_ok ? ratio(6, 4) : NAN);
  std::printf("RESULT name=js_pending_1m_vs_1k value=%.3f unit=x\n", ratio(7, 5));
  std::printf("RESULT name=heap_per_pending_op value=%.0f unit=B\n", per_op);
  return 0;
}
