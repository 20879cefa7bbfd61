// Workers and pools (core/worker.h): time to a ready worker with a big library loaded, and
// call throughput of a WorkerPool of 2 against a pool of 1.
//
//   bazel run -c opt //bench:worker_bench -- --library=/abs/path/to/typescript.js
//
// --library names a big CommonJS-style bundle that assigns its API to a top-level `var ts`
// (npm typescript@5.6.3's lib/typescript.js, 9 MB); it is loaded as the ES module
// "library.js" (the file plus "export default ts;") from an InMemoryModuleLoader. Without
// --library the first part is skipped.
//
// Part 1, ready worker: Worker::Create with a setup that loads the library (LoadModule),
// until Create returns; the worker is destroyed outside the timed region. Every runtime
// installs the `kiln` command's extensions. Configurations, one sample of each per round,
// in rotating order, kRounds rounds after one warm-up round (median per configuration):
//   cold            from source (no snapshot), no code cache
//   code_cache      from source, with a code cache a first worker filled (not timed)
//   snapshot        from the kiln snapshot, no code cache
//   warm            the kiln snapshot and the filled code cache
//   setup_snapshot  from a snapshot of the setup itself (CreateSnapshot(options, setup),
//                   made once on the kiln snapshot, not timed; WorkerOptions::
//                   setup_snapshot): the library is in it, evaluated, so the setup does
//                   not run
//   RESULT name=ready_worker_<config> value=<median ms> unit=ms min=<fastest>
//          load_module_ms=<median of the part LoadModule took (in the setup; 0 when the
//          setup did not run)>
//   RESULT name=ready_worker_warm_vs_cold value=<warm/cold> unit=ratio
//   RESULT name=ready_worker_best_vs_cold value=<fastest configuration's median / cold's>
//          unit=ratio best=<configuration> (target <= 0.25)
// Before the rounds: the setup snapshot's creation time and size
//   RESULT name=setup_snapshot_create value=<ms> unit=ms bytes=<size>
// The kiln snapshot is the kiln command's startup snapshot (its extensions evaluated).
//
// Part 2, pool throughput: a CPU-bound export (an FNV-style hash loop of kIterations
// rounds, a few ms a call) called through pools of 1 and of 2 workers, made once each
// (from source, core extension only). A run: kClients client threads each make
// kCallsPerClient synchronous calls (submit, wait for the future), after kWarmupCalls
// untimed calls. Runs alternate between the two pools, kRuns each; per pool:
//   RESULT name=pool<N>_calls_per_s value=<median over runs> unit=calls/s
//          per_cpu_s=<calls per CPU-second of the whole process, median>
//          p50_ms= p99_ms= (latency of single calls, over every timed call of all runs)
//   RESULT name=pool2_vs_pool1 value=<median throughput ratio> unit=ratio (target >= 1.7)
// CPU time is the process's (getrusage): client threads, workers and V8's own threads.
// On a machine shared with other work, both numbers move: run it on an idle machine
// (check `uptime` first) and compare the ratio, not the absolute throughput.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/call.h"
#include "core/code_cache.h"
#include "core/module_loader.h"
#include "core/runtime.h"
#include "core/worker.h"
#include "kiln_snapshot.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kRounds = 5;
constexpr int kRuns = 5;
constexpr int kClients = 4;
constexpr int kCallsPerClient = 60;
constexpr int kWarmupCalls = 20;
constexpr int kIterations = 3'000'000;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(p * (values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

double ProcessCpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// ---- Part 1: ready worker ----

struct ReadyConfig {
  const char* name;
  bool snapshot;
  bool code_cache;
  bool setup_snapshot = false;
};

// The options of every ready-worker configuration: the kiln command's extensions, the
// library's loader, a setup loading library.js (and timing LoadModule into `*load_ms`).
kiln::WorkerOptions ReadyOptions(const std::shared_ptr<kiln::InMemoryModuleLoader>& loader,
                                 bool snapshot, double* load_ms) {
  kiln::WorkerOptions options;
  options.runtime.extensions = kiln::snapshots::kiln_snapshot_extensions();
  if (snapshot) options.runtime.snapshot = &kiln::snapshots::kiln_snapshot();
  options.runtime.module_loader = loader;
  options.setup = [load_ms](kiln::Runtime& runtime) -> kiln::Result<void> {
    auto load_start = Clock::now();
    kiln::Result<kiln::JsModule> library = runtime.LoadModule("library.js");
    if (load_ms != nullptr) *load_ms = MsSince(load_start);
    if (!library.ok()) return library.error();
    return {};
  };
  return options;
}

// The time Worker::Create took, and (in `*load_ms`) the part of it LoadModule took.
double ReadyWorkerMs(const std::shared_ptr<kiln::InMemoryModuleLoader>& loader,
                     const ReadyConfig& config, const std::shared_ptr<kiln::CodeCache>& cache,
                     const std::shared_ptr<const std::string>& setup_snapshot,
                     double* load_ms = nullptr) {
  double loading_ms = 0;
  kiln::WorkerOptions options = ReadyOptions(loader, config.snapshot, &loading_ms);
  if (config.code_cache) options.runtime.code_cache = cache;
  if (config.setup_snapshot) options.setup_snapshot = setup_snapshot;
  auto start = Clock::now();
  absl::StatusOr<std::unique_ptr<kiln::Worker>> worker = kiln::Worker::Create(std::move(options));
  double ms = MsSince(start);
  if (!worker.ok()) {
    std::fprintf(stderr, "worker_bench: %s\n", worker.status().ToString().c_str());
    std::exit(1);
  }
  if (config.setup_snapshot && (*worker)->runtimes_from_setup_snapshot() != 1) {
    std::fprintf(stderr, "worker_bench: the worker did not start from the setup snapshot\n");
    std::exit(1);
  }
  if (load_ms != nullptr) *load_ms = loading_ms;
  return ms;
}

void BenchReadyWorker(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "worker_bench: cannot read %s\n", path.c_str());
    std::exit(1);
  }
  std::stringstream contents;
  contents << file.rdbuf();
  std::string source = contents.str();
  std::printf("library: %s (%.1f MB)\n", path.c_str(), source.size() / 1e6);
  source += "\nexport default ts;\n";
  auto loader = std::make_shared<kiln::InMemoryModuleLoader>();
  loader->Add("library.js", source);

  // The cache a first worker fills; the timed code_cache / warm workers only read it.
  auto cache = std::make_shared<kiln::CodeCache>();
  const ReadyConfig kFill = {"fill", true, true};
  double fill_ms = ReadyWorkerMs(loader, kFill, cache, nullptr);
  kiln::CodeCache::Stats filled = cache->stats();
  std::printf("code cache filled by a first worker in %.1f ms: %zu entries, %.1f MB\n", fill_ms,
              filled.entries, filled.bytes / 1e6);

  // The setup snapshot, made once (on the kiln snapshot, without the code cache).
  auto snapshot_start = Clock::now();
  kiln::WorkerOptions snapshot_options = ReadyOptions(loader, /*snapshot=*/true, nullptr);
  absl::StatusOr<std::string> made =
      kiln::CreateSnapshot(snapshot_options.runtime, snapshot_options.setup);
  double snapshot_ms = MsSince(snapshot_start);
  if (!made.ok()) {
    std::fprintf(stderr, "worker_bench: %s\n", made.status().ToString().c_str());
    std::exit(1);
  }
  auto setup_snapshot = std::make_shared<const std::string>(std::move(*made));
  std::printf("RESULT name=setup_snapshot_create value=%.1f unit=ms bytes=%zu\n", snapshot_ms,
              setup_snapshot->size());

  const ReadyConfig kConfigs[] = {{"cold", false, false},
                                  {"code_cache", false, true},
                                  {"snapshot", true, false},
                                  {"warm", true, true},
                                  {"setup_snapshot", false, false, true}};
  constexpr int kConfigCount = 5;
  std::vector<double> samples[kConfigCount];
  std::vector<double> load_samples[kConfigCount];
  for (int round = -1; round < kRounds; ++round) {  // round -1: warm-up, not counted
    for (int k = 0; k < kConfigCount; ++k) {
      int c = (k + std::max(round, 0)) % kConfigCount;  // rotate the order
      double load_ms = 0;
      double ms = ReadyWorkerMs(loader, kConfigs[c], cache, setup_snapshot, &load_ms);
      if (round >= 0) {
        samples[c].push_back(ms);
        load_samples[c].push_back(load_ms);
      }
    }
  }
  for (int c = 0; c < kConfigCount; ++c) {
    std::printf("RESULT name=ready_worker_%s value=%.1f unit=ms min=%.1f load_module_ms=%.1f\n",
                kConfigs[c].name, Median(samples[c]),
                *std::min_element(samples[c].begin(), samples[c].end()), Median(load_samples[c]));
  }
  kiln::CodeCache::Stats stats = cache->stats();
  std::printf("RESULT name=ready_worker_warm_vs_cold value=%.3f unit=ratio "
              "code_cache_hits=%zu rejected=%zu\n",
              Median(samples[3]) / Median(samples[0]), stats.hits, stats.rejected);
  int best = 1;
  for (int c = 2; c < kConfigCount; ++c) {
    if (Median(samples[c]) < Median(samples[best])) best = c;
  }
  std::printf("RESULT name=ready_worker_best_vs_cold value=%.3f unit=ratio target=0.25 best=%s\n",
              Median(samples[best]) / Median(samples[0]), kConfigs[best].name);
}

// ---- Part 2: pool throughput ----

constexpr char kWorkModule[] = R"js(
// An FNV-1a-style hash over the integers 0..n-1: pure CPU, no allocation.
export function work(n) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < n; i++) {
    hash ^= i & 0xff;
    hash = Math.imul(hash, 16777619);
  }
  return hash >>> 0;
}
)js";

struct RunResult {
  double calls_per_s = 0;
  double calls_per_cpu_s = 0;
  std::vector<double> latencies_ms;
};

RunResult RunClients(kiln::WorkerPool& pool) {
  auto call = [&pool] {
    return pool.CallExport<uint32_t>("work.js", "work", kIterations).get();
  };
  for (int i = 0; i < kWarmupCalls; ++i) {
    if (!call().ok()) {
      std::fprintf(stderr, "worker_bench: the work export failed\n");
      std::exit(1);
    }
  }
  RunResult result;
  std::vector<std::vector<double>> latencies(kClients);
  std::atomic<int> failures{0};
  double cpu_start = ProcessCpuSeconds();
  auto start = Clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; i < kCallsPerClient; ++i) {
        auto call_start = Clock::now();
        if (!call().ok()) ++failures;
        latencies[c].push_back(MsSince(call_start));
      }
    });
  }
  for (std::thread& client : clients) client.join();
  double seconds = MsSince(start) / 1000;
  double cpu_seconds = ProcessCpuSeconds() - cpu_start;
  if (failures.load() != 0) {
    std::fprintf(stderr, "worker_bench: %d calls failed\n", failures.load());
    std::exit(1);
  }
  constexpr int kCalls = kClients * kCallsPerClient;
  result.calls_per_s = kCalls / seconds;
  result.calls_per_cpu_s = kCalls / cpu_seconds;
  for (auto& client : latencies) {
    result.latencies_ms.insert(result.latencies_ms.end(), client.begin(), client.end());
  }
  return result;
}

std::unique_ptr<kiln::WorkerPool> MakeWorkPool(size_t size) {
  auto loader = std::make_shared<kiln::InMemoryModuleLoader>();
  loader->Add("work.js", kWorkModule);
  kiln::WorkerPoolOptions options;
  options.size = size;
  options.worker.runtime.module_loader = loader;
  options.worker.setup = [](kiln::Runtime& runtime) -> kiln::Result<void> {
    kiln::Result<kiln::JsModule> module = runtime.LoadModule("work.js");
    if (!module.ok()) return module.error();
    return {};
  };
  absl::StatusOr<std::unique_ptr<kiln::WorkerPool>> pool =
      kiln::WorkerPool::Create(std::move(options));
  if (!pool.ok()) {
    std::fprintf(stderr, "worker_bench: %s\n", pool.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(*pool);
}

void BenchPoolThroughput() {
  std::unique_ptr<kiln::WorkerPool> pools[2] = {MakeWorkPool(1), MakeWorkPool(2)};
  std::vector<double> throughput[2];
  std::vector<double> per_cpu[2];
  std::vector<double> latencies[2];
  for (int run = 0; run < kRuns; ++run) {
    for (int k = 0; k < 2; ++k) {
      int p = (k + run) % 2;  // alternate which pool goes first
      RunResult result = RunClients(*pools[p]);
      throughput[p].push_back(result.calls_per_s);
      per_cpu[p].push_back(result.calls_per_cpu_s);
      latencies[p].insert(latencies[p].end(), result.latencies_ms.begin(),
                          result.latencies_ms.end());
    }
  }
  for (int p = 0; p < 2; ++p) {
    std::printf("RESULT name=pool%d_calls_per_s value=%.1f unit=calls/s per_cpu_s=%.1f "
                "p50_ms=%.2f p99_ms=%.2f\n",
                p + 1, Median(throughput[p]), Median(per_cpu[p]), Percentile(latencies[p], 0.5),
                Percentile(latencies[p], 0.99));
  }
  std::vector<double> ratios;
  for (int run = 0; run < kRuns; ++run) ratios.push_back(throughput[1][run] / throughput[0][run]);
  std::printf("RESULT name=pool2_vs_pool1 value=%.3f unit=ratio target=1.7 "
              "ratio_of_medians=%.3f hardware_threads=%u\n",
              Median(ratios), Median(throughput[1]) / Median(throughput[0]),
              std::thread::hardware_concurrency());
}

}  // namespace

int main(int argc, char** argv) {
  std::string library;
  bool pool_only = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--library=", 10) == 0) {
      library = argv[i] + 10;
    } else if (std::strcmp(argv[i], "--pool-only") == 0) {
      pool_only = true;
    } else {
      std::fprintf(stderr, "usage: worker_bench [--library=/abs/typescript.js] [--pool-only]\n");
      return 2;
    }
  }
  if (!library.empty() && !pool_only) {
    BenchReadyWorker(library);
  } else if (!pool_only) {
    std::printf("no --library: ready-worker part skipped\n");
  }
  BenchPoolThroughput();
  return 0;
}
