// Where a runtime's start-up time goes, in one process, against the V8 floor.
//
//   bazel run -c opt //bench:startup_bench
//
// V8 initialisation, the very first runtime of the process, then three configurations of
// Runtime::Create, each paired with a bare isolate + context on V8's built-in snapshot
// (RawIsolateAndContextMs: the V8 floor for Runtime::Create):
//   (no suffix)       core (console included) + timers, from a snapshot of those
//                     (startup_core_timers_snapshot in bench/BUILD.bazel).
//   _all_extensions   every extension of the `kiln` command (kiln_snapshot_extensions(): the
//                     kiln_snapshot serves only runtimes that install all it holds), from
//                     the kiln_snapshot.
//   _no_snapshot      the kiln command's extensions loaded from source
//                     (RuntimeOptions::snapshot null).
// A kiln sample is Runtime::Create plus the first runtime->Eval("1+1"); a raw sample is
// the bare isolate + context. Shutdown (and the raw teardown) are outside the timed region.
// Runtimes are made one at a time: no pooling, no isolate made ahead of time.
//
// Rounds: every round takes one (raw, kiln) pair of each configuration, the pair's order
// alternating between rounds. The first kWarmupRounds rounds (30 runtimes and 30 raw
// isolates) are not counted, so every counted runtime comes after the 10th of the process;
// then kPairs counted rounds. Output per configuration (suffix as above):
//   RESULT name=create_vs_raw_10<suffix>  median over the pairs of kiln_ms / raw_ms
//                                         (ratio_of_medians= the ratio of the two medians)
//   RESULT name=create_ms<suffix>         median kiln sample, ms (create_only_ms=,
//                                         first_eval_ms=, shutdown_ms=: medians of the parts)
//   RESULT name=raw_ms<suffix>            median raw sample, ms
// and, with the kiln_snapshot configuration (_all_extensions):
//   RESULT name=rss_growth_1000_cycles    current RSS (/proc/self/statm) after 1,000
//                                         Create + Eval("1+1") + Shutdown cycles minus the
//                                         RSS after 100 warm-up cycles, KiB; the two RSS
//                                         values are printed as rss_after_100_cycles and
//                                         rss_after_1100_cycles.
//
// `startup_bench --profile=<suffix> [N]` (suffix "" is --profile=) only makes N (default
// 2,000) runtimes of that configuration, and `--profile=raw [N]` N bare isolates +
// contexts, for `perf record`.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/runtime.h"
#include "core/v8_platform.h"
#include "bench/startup_core_timers_snapshot.h"
#include "kiln_snapshot.h"
#include "uv.h"
#include "v8.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kWarmupRounds = 10;
constexpr int kPairs = 41;  // counted pairs per configuration (at least 30; odd: one median)
constexpr int kRssWarmupCycles = 100;
constexpr int kRssCycles = 1000;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Isolate + context with nothing of kiln's, on V8's built-in snapshot, registered with the
// same platform and a uv loop as kiln's are: the V8 floor for Runtime::Create. Teardown
// is not timed.
double RawIsolateAndContextMs() {
  uv_loop_t loop;
  uv_loop_init(&loop);
  double elapsed;
  {
    auto start = Clock::now();
    kiln::PlainIsolate isolate(&loop);
    {
      v8::Isolate::Scope isolate_scope(isolate.get());
      v8::HandleScope handle_scope(isolate.get());
      v8::Local<v8::Context> context = v8::Context::New(isolate.get());
      (void)context;
    }
    elapsed = MsSince(start);
  }
  uv_loop_close(&loop);
  return elapsed;
}

struct Config {
  const char* suffix;
  std::vector<const kiln::Extension*> extensions;
  const kiln::Snapshot* snapshot;
};

kiln::RuntimeOptions OptionsOf(const Config& config) {
  kiln::RuntimeOptions options;
  options.extensions = config.extensions;
  options.snapshot = config.snapshot;
  return options;
}

struct KilnSample {
  double create_ms = 0;
  double eval_ms = 0;
  double shutdown_ms = 0;
  bool ok = false;
};

// Runtime::Create + the first Eval("1+1") (timed), then Shutdown (timed on its own).
KilnSample CreateEvalShutdown(const Config& config) {
  KilnSample sample;
  auto start = Clock::now();
  absl::StatusOr<std::unique_ptr<kiln::Runtime>> created = kiln::Runtime::Create(OptionsOf(config));
  sample.create_ms = MsSince(start);
  if (!created.ok()) {
    std::fprintf(stderr, "Runtime::Create: %s\n", std::string(created.status().message()).c_str());
    return sample;
  }
  std::unique_ptr<kiln::Runtime> runtime = std::move(*created);
  {
    start = Clock::now();
    auto value = runtime->Eval("1+1");
    sample.eval_ms = MsSince(start);
    if (!value.ok()) {
      std::fprintf(stderr, "Eval: %s\n", value.error().Report().c_str());
      return sample;
    }
  }  // The result's v8::Global goes before the isolate does.
  if (runtime->from_snapshot() != (config.snapshot != nullptr)) {
    std::fprintf(stderr, "configuration%s: from_snapshot() is %d\n", config.suffix,
                 runtime->from_snapshot());
    return sample;
  }
  start = Clock::now();
  absl::Status shut_down = runtime->Shutdown();
  runtime.reset();
  sample.shutdown_ms = MsSince(start);
  if (!shut_down.ok()) {
    std::fprintf(stderr, "Shutdown: %s\n", std::string(shut_down.message()).c_str());
    return sample;
  }
  sample.ok = true;
  return sample;
}

// Current resident set size (not the peak), KiB.
long CurrentRssKiB() {
  long size = 0, resident = 0;
  FILE* statm = std::fopen("/proc/self/statm", "r");
  if (statm == nullptr) return -1;
  int read = std::fscanf(statm, "%ld %ld", &size, &resident);
  std::fclose(statm);
  if (read != 2) return -1;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

struct Series {
  std::vector<double> ratio, kiln_ms, raw_ms, create_ms, eval_ms, shutdown_ms;
};

}  // namespace

int main(int argc, char** argv) {
  auto start = Clock::now();
  kiln::InitializeV8();
  std::printf("RESULT name=v8_initialize value=%.3f unit=ms\n", MsSince(start));

  // Every extension of the `kiln` command.
  const std::vector<const kiln::Extension*> kiln_extensions =
      kiln::snapshots::kiln_snapshot_extensions();
  const std::vector<Config> configs = {
      {"", kiln::snapshots::startup_core_timers_snapshot_extensions(),
       &kiln::snapshots::startup_core_timers_snapshot()},
      {"_all_extensions", kiln_extensions, &kiln::snapshots::kiln_snapshot()},
      {"_no_snapshot", kiln_extensions, nullptr},
  };

  if (argc > 1 && std::string(argv[1]).rfind("--profile=", 0) == 0) {
    std::string suffix = std::string(argv[1]).substr(strlen("--profile="));
    int count = argc > 2 ? std::atoi(argv[2]) : 2000;
    if (suffix == "raw") {
      for (int i = 0; i < count; ++i) RawIsolateAndContextMs();
      return 0;
    }
    for (const Config& config : configs) {
      if (suffix != config.suffix) continue;
      for (int i = 0; i < count; ++i) {
        if (!CreateEvalShutdown(config).ok) return 1;
      }
      return 0;
    }
    std::fprintf(stderr, "no configuration '%s'\n", suffix.c_str());
    return 2;
  }

  // The first runtime and the first raw isolate of the process (not counted below).
  const Config& all_extensions = configs[1];
  KilnSample first = CreateEvalShutdown(all_extensions);
  if (!first.ok) return 1;
  double first_raw = RawIsolateAndContextMs();
  std::printf("RESULT name=runtime_create_1 value=%.3f unit=ms create_only_ms=%.3f "
              "first_eval_ms=%.3f shutdown_ms=%.3f\n",
              first.create_ms + first.eval_ms, first.create_ms, first.eval_ms, first.shutdown_ms);
  std::printf("RESULT name=raw_isolate_context_1 value=%.3f unit=ms\n", first_raw);
  std::fflush(stdout);

  std::vector<Series> series(configs.size());
  for (int round = 0; round < kWarmupRounds + kPairs; ++round) {
    for (size_t c = 0; c < configs.size(); ++c) {
      KilnSample kiln_sample;
      double raw = 0;
      if ((round + c) % 2 == 0) {
        raw = RawIsolateAndContextMs();
        kiln_sample = CreateEvalShutdown(configs[c]);
      } else {
        kiln_sample = CreateEvalShutdown(configs[c]);
        raw = RawIsolateAndContextMs();
      }
      if (!kiln_sample.ok) return 1;
      if (round < kWarmupRounds) continue;
      double kiln_ms = kiln_sample.create_ms + kiln_sample.eval_ms;
      Series& s = series[c];
      s.ratio.push_back(kiln_ms / raw);
      s.kiln_ms.push_back(kiln_ms);
      s.raw_ms.push_back(raw);
      s.create_ms.push_back(kiln_sample.create_ms);
      s.eval_ms.push_back(kiln_sample.eval_ms);
      s.shutdown_ms.push_back(kiln_sample.shutdown_ms);
    }
  }
  for (size_t c = 0; c < configs.size(); ++c) {
    const Series& s = series[c];
    const char* suffix = configs[c].suffix;
    std::printf("RESULT name=create_vs_raw_10%s value=%.2f unit=x pairs=%d ratio_of_medians=%.2f\n",
                suffix, Median(s.ratio), kPairs, Median(s.kiln_ms) / Median(s.raw_ms));
    std::printf("RESULT name=create_ms%s value=%.3f unit=ms create_only_ms=%.3f "
                "first_eval_ms=%.3f shutdown_ms=%.3f\n",
                suffix, Median(s.kiln_ms), Median(s.create_ms), Median(s.eval_ms),
                Median(s.shutdown_ms));
    std::printf("RESULT name=raw_ms%s value=%.3f unit=ms\n", suffix, Median(s.raw_ms));
  }
  std::fflush(stdout);

  // RSS over repeated Create + Eval + Shutdown with the kiln_snapshot.
  for (int i = 0; i < kRssWarmupCycles; ++i) {
    if (!CreateEvalShutdown(all_extensions).ok) return 1;
  }
  long rss_before = CurrentRssKiB();
  for (int i = 0; i < kRssCycles; ++i) {
    if (!CreateEvalShutdown(all_extensions).ok) return 1;
  }
  long rss_after = CurrentRssKiB();
  std::printf("RESULT name=rss_after_100_cycles value=%ld unit=KiB\n", rss_before);
  std::printf("RESULT name=rss_after_1100_cycles value=%ld unit=KiB\n", rss_after);
  std::printf("RESULT name=rss_growth_1000_cycles value=%ld unit=KiB\n", rss_after - rss_before);
  return 0;
}
