// Op call overhead: generated bindings against hand-written raw V8 bindings of the same
// int32 add, called from the same loop shape, plus the argument and result types that
// have no fast path.
//
//   bazel run -c opt //bench:ops_bench
//
// Two phases, each in its own runtime (bench/bench_runtime.h, ops on `kiln.ops`):
//  1. Check: a runtime with RuntimeOptions::op_metrics, where generated ops run counting
//     copies of their bindings. Every case warms up until its counts show all calls on the
//     intended path (fast or slow), then runs kCheckSamples samples that must stay there.
//  2. Timing: a runtime without op metrics, so generated ops have no counting code on
//     their path (as in production). Every case takes 15 samples of 10M calls (1M for the
//     string, byte, struct and owned-bytes cases; raw and generated alternate, sample by
//     sample). Generated ops cannot be counted here; a sample after which the loop
//     function is no longer optimised by TurboFan is NaN (it left the intended path).
// The raw baselines count their calls in plain uint64 globals of this file (one load and
// store, what kiln::CountCall did), in both phases: a raw sample with any call off the
// intended path is NaN too. That increment is the only code the raw bindings carry that the
// generated ones (without op metrics) do not.
// Output: RESULT name=<case> value=<median ns per call> unit=ns fast_calls=<n> slow_calls=<n>
// (the median from the timing phase, the counts from the check phase), then the ratios,
// generated over raw: fast_op_vs_raw_fast (int32 add: its fast function cannot fail, so
// JavaScript calls it directly), slow_op_vs_raw_slow, and enforce_range_op_vs_raw_fast
// (the same add with kiln::EnforceRange<int32_t> parameters, reached through the JS
// wrapper that checks the fast-call outcome: what range checking costs). raw_fast,
// generated_fast and the EnforceRange case alternate sample by sample.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/bench_ops.h"
#include "bench/bench_runtime.h"
#include "core/op_support.h"
#include "core/runtime.h"
#include "core/v8_platform.h"
#include "core/v8_util.h"
#include "uv.h"
#include "v8-fast-api-calls.h"
#include "v8.h"

namespace {

constexpr int kSamples = 15;
constexpr int kCallsPerSample = 10'000'000;
constexpr int kWarmupCalls = 200'000;
constexpr int kCheckSamples = 3;

// --- the raw baselines: what a careful hand-written binding of int32 add looks like ---

struct CallCounts {
  uint64_t fast_calls = 0;
  uint64_t slow_calls = 0;
};

// The raw bindings' own counters: one plain increment per call.
CallCounts raw_fast_counts;
CallCounts raw_slow_counts;

template <CallCounts* counts>
void RawAddSlow(const v8::FunctionCallbackInfo<v8::Value>& info) {
  ++counts->slow_calls;
  if (!info[0]->IsInt32() || !info[1]->IsInt32()) {  // the same check kiln makes first
    info.GetIsolate()->ThrowException(v8::Exception::TypeError(
        kiln::OneByteString(info.GetIsolate(), "raw_add: expected two int32 arguments")));
    return;
  }
  info.GetReturnValue().Set(info[0].As<v8::Int32>()->Value() + info[1].As<v8::Int32>()->Value());
}

int32_t RawAddFast(v8::Local<v8::Object> receiver, int32_t a, int32_t b) {
  ++raw_fast_counts.fast_calls;
  return a + b;
}
const v8::CFunction kRawAddFast = v8::CFunction::Make(RawAddFast);

void InstallRaw(v8::Isolate* isolate, v8::Local<v8::Object> ops, const char* name,
                v8::FunctionCallback slow, const v8::CFunction* fast) {
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::Function> function =
      v8::FunctionTemplate::New(isolate, slow, {}, {}, 2, v8::ConstructorBehavior::kThrow,
                                v8::SideEffectType::kHasSideEffect, fast)
          ->GetFunction(context)
          .ToLocalChecked();
  ops->Set(context, kiln::OneByteString(isolate, name), function).Check();
}

// Both raw bindings go on a global `rawOps` object (kiln.ops belongs to the runtime); the
// loop reads its op from the holder once, before the loop, either way.
bool InstallRawOps(kiln::Runtime& runtime) {
  v8::Isolate* isolate = runtime.isolate();
  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope handle_scope(isolate);
  v8::Local<v8::Context> context = runtime.context();
  v8::Context::Scope context_scope(context);
  v8::Local<v8::Object> raw_ops = v8::Object::New(isolate);
  InstallRaw(isolate, raw_ops, "raw_add_fast", RawAddSlow<&raw_fast_counts>, &kRawAddFast);
  InstallRaw(isolate, raw_ops, "raw_add_slow", RawAddSlow<&raw_slow_counts>, nullptr);
  return context->Global()
      ->Set(context, kiln::OneByteString(isolate, "rawOps"), raw_ops)
      .FromMaybe(false);
}

// --- cases ---

enum class Path { kFast, kSlow, kNone };  // kNone: a JS-only reference loop

struct Case {
  const char* name;
  const char* op;            // property of kiln.ops (or of rawOps when `raw`)
  Path path;                 // where every call must go
  const char* setup;         // JS run once before the loop function is built
  const char* call;          // the loop body's call expression (uses i)
  const CallCounts* raw = nullptr;  // a raw binding's counters
  int calls = kCallsPerSample;  // per sample
  const char* holder() const { return raw != nullptr ? "rawOps" : "kiln.ops"; }
};

const char kLoopTemplate[] = R"js(
  (function () {
    %s
    const op = %s.%s;
    // Own source per case (the name is in it): own feedback, a monomorphic call site.
    return function %s(n) {
      let sink = 0;
      const t0 = benchNowNs();
      for (let i = 0; i < n; i++) sink = (sink + %s) | 0;
      const t1 = benchNowNs();
      // Use the result without storing it anywhere (a global store would deoptimise).
      if (sink === -1) throw new Error('impossible sum');
      return t1 - t0;
    };
  })()
)js";

std::string Format(const char* format, const std::string& a, const std::string& b,
                   const std::string& c, const std::string& d, const std::string& e) {
  std::vector<char> buffer(4096);
  std::snprintf(buffer.data(), buffer.size(), format, a.c_str(), b.c_str(), c.c_str(), d.c_str(),
                e.c_str());
  return buffer.data();
}

// Runs the cases in one runtime. With `counted` (a runtime with op metrics) generated ops
// are checked call by call like the raw ones; without it only the raw ones are, and
// generated ones through their loop function staying optimised.
class Bench {
 public:
  Bench(kiln::Runtime* runtime, bool counted) : runtime_(runtime), counted_(counted) {}

  bool Build(const Case* c) {
    std::string source = Format(kLoopTemplate, c->setup, c->holder(), c->op, c->name, c->call);
    auto result = runtime_->Eval(absl::StrCat("globalThis.", c->name, " = ", source, "; 0"),
                                 absl::StrCat("ops_bench_", c->name, ".js"));
    if (!result.ok()) {
      std::fprintf(stderr, "%s: %s\n", c->name, result.error().Report().c_str());
      return false;
    }
    return true;
  }

  // The calls of `c` so far, when this runtime can count them.
  std::optional<CallCounts> Counts(const Case& c) const {
    if (c.raw != nullptr) return *c.raw;
    if (c.path == Path::kNone) return CallCounts{};
    if (!counted_) return std::nullopt;
    const kiln::OpCallCounts* metrics = runtime_->op_metrics(c.op);
    if (metrics == nullptr) return std::nullopt;
    return CallCounts{metrics->fast_calls, metrics->slow_calls};
  }

  // Runs `n` calls; returns ns per call, or NaN if any call left the intended path (by
  // the counts where there are counts; by the loop function being deoptimised always).
  double Run(const Case& c, int n) {
    std::optional<CallCounts> before = Counts(c);
    auto result = runtime_->EvalToString(
        absl::StrCat("(() => { const ns = ", c.name, "(", n, "); return (%GetOptimizationStatus(",
                     c.name, ") & 16) !== 0 ? ns : -1; })()"));
    if (!result.ok()) {
      std::fprintf(stderr, "%s: %s\n", c.name, result.error().Report().c_str());
      return NAN;
    }
    std::optional<CallCounts> after = Counts(c);
    last_fast_ = last_slow_ = 0;
    if (before.has_value() && after.has_value()) {
      uint64_t fast_delta = after->fast_calls - before->fast_calls;
      uint64_t slow_delta = after->slow_calls - before->slow_calls;
      last_fast_ = fast_delta;
      last_slow_ = slow_delta;
      if (c.path != Path::kNone) {
        uint64_t on_path = c.path == Path::kFast ? fast_delta : slow_delta;
        uint64_t off_path = c.path == Path::kFast ? slow_delta : fast_delta;
        if (on_path != static_cast<uint64_t>(n) || off_path != 0) return NAN;
      }
    } else if (c.path != Path::kNone && (counted_ || c.raw != nullptr)) {
      std::fprintf(stderr, "%s: no call counts for %s\n", c.name, c.op);
      return NAN;
    }
    double ns = std::stod(result.value());
    return ns < 0 ? NAN : ns / n;
  }

  bool WarmUp(const Case& c) {
    // Optimise the loop function itself (not only its loop, by OSR), so every sample
    // enters TurboFan code from its first call.
    auto optimised = runtime_->EvalToString(absl::StrCat(
        "%PrepareFunctionForOptimization(", c.name, "); ", c.name, "(1000); ", c.name,
        "(1000); %OptimizeFunctionOnNextCall(", c.name, "); ", c.name, "(1000); ",
        "(%GetOptimizationStatus(", c.name, ") & 16) !== 0"));
    if (!optimised.ok() || optimised.value() != "true") {
      std::fprintf(stderr, "%s: the loop function did not optimise\n", c.name);
      return false;
    }
    // Counted: until a run is entirely on the intended path. Otherwise the same number
    // of warm-up runs as the check phase needed (at least 3).
    const int attempts = counted_ ? 100 : std::max(3, warmup_runs_[c.name]);
    for (int attempt = 0; attempt < attempts; ++attempt) {
      bool on_path = !std::isnan(Run(c, kWarmupCalls));
      if (counted_ && on_path) {
        warmup_runs_[c.name] = attempt + 1;
        return true;
      }
    }
    if (!counted_) return true;
    std::fprintf(stderr, "%s: never reached 100%% on the intended path (last: fast=%llu slow=%llu)\n",
                 c.name, static_cast<unsigned long long>(last_fast_),
                 static_cast<unsigned long long>(last_slow_));
    return false;
  }

  uint64_t last_fast() const { return last_fast_; }
  uint64_t last_slow() const { return last_slow_; }

  // How many warm-up runs each case needed in the check phase.
  static std::map<std::string, int> warmup_runs_;

 private:
  kiln::Runtime* runtime_;
  bool counted_;
  uint64_t last_fast_ = 0;
  uint64_t last_slow_ = 0;
};

std::map<std::string, int> Bench::warmup_runs_;

struct Samples {
  std::vector<double> values;
  uint64_t fast_calls = 0;
  uint64_t slow_calls = 0;
  double Median() const { return kiln::bench::MedianOrNaN(values); }
};

// `timed`: the timing phase's samples; `checked`: the check phase's (for the counts).
void Print(const Case& c, const Samples& timed, const Samples& checked) {
  std::printf("RESULT name=%s value=%.2f unit=ns fast_calls=%llu slow_calls=%llu\n", c.name,
              timed.Median(), static_cast<unsigned long long>(checked.fast_calls),
              static_cast<unsigned long long>(checked.slow_calls));
  std::fflush(stdout);
}

// Samples `cases` (one or two, alternating sample by sample), `count` times each.
std::vector<Samples> Measure(Bench& bench, const std::vector<const Case*>& cases, int count) {
  std::vector<Samples> samples(cases.size());
  for (const Case* c : cases) {
    if (!bench.WarmUp(*c)) return {};
  }
  for (int k = 0; k < count; ++k) {
    for (size_t i = 0; i < cases.size(); ++i) {
      samples[i].values.push_back(bench.Run(*cases[i], cases[i]->calls));
      samples[i].fast_calls += bench.last_fast();
      samples[i].slow_calls += bench.last_slow();
    }
  }
  return samples;
}

// A runtime with the bench ops, the raw ops and every case's loop function.
std::unique_ptr<kiln::Runtime> CreateRuntime(bool op_metrics, const std::vector<Case*>& cases) {
  std::unique_ptr<kiln::Runtime> runtime = kiln::bench::CreateBenchRuntime(op_metrics);
  if (runtime == nullptr || !InstallRawOps(*runtime)) return nullptr;
  Bench bench(runtime.get(), op_metrics);
  for (const Case* c : cases) {
    if (!bench.Build(c)) return nullptr;
  }
  return runtime;
}

}  // namespace

int main(int argc, char** argv) {
  kiln::AddV8Flags("--allow-natives-syntax").IgnoreError();
  // Extra V8 flags for investigating a result: ops_bench --trace-deopt
  for (int i = 1; i < argc; ++i) kiln::AddV8Flags(argv[i]).IgnoreError();

  const char* kAdd = "op(sink & 1023, i & 1023)";
  Case raw_fast{"raw_fast", "raw_add_fast", Path::kFast, "", kAdd, &raw_fast_counts};
  Case generated_fast{"generated_fast", "op_bench_add", Path::kFast, "", kAdd};
  Case generated_fast_int64{"generated_fast_int64_params", "op_bench_add_int64", Path::kFast, "",
                            kAdd};
  Case generated_fast_enforce_range{"generated_fast_enforce_range_params",
                                    "op_bench_add_enforce_range", Path::kFast, "", kAdd};
  Case raw_slow{"raw_slow", "raw_add_slow", Path::kSlow, "", kAdd, &raw_slow_counts};
  Case generated_slow{"generated_slow", "op_bench_add_slow", Path::kSlow, "", kAdd};
  Case string_short{"string_short", "op_bench_string_length", Path::kSlow,
                    "const text = 'hello, kiln';", "op(text)"};
  Case string_1k{"string_1k", "op_bench_string_length", Path::kSlow,
                 "const text = Array(1024).fill('k').join('');", "op(text)"};
  Case byte_view_1k{"byte_view_1k", "op_bench_byte_view_sum", Path::kSlow,
                    "const bytes = new Uint8Array(1024).fill(1);", "op(bytes)"};
  Case struct_arg{"struct_arg", "op_bench_struct", Path::kSlow,
                  "const point = { x: 1, y: 2, weight: 0.5 };", "op(point)"};
  Case owned_bytes_1k{"owned_bytes_1k", "op_bench_owned_bytes", Path::kSlow, "",
                      "op(1024).length"};
  // What JavaScript pays for the same 1 KiB Uint8Array on its own (no op involved).
  Case js_uint8array_1k{"js_uint8array_1k", "op_bench_owned_bytes", Path::kNone, "",
                        "new Uint8Array(1024).length"};
  // Calls per sample: 10M for the int32 add cases; the heavier cases take 1M, which is
  // still 0.1 s and more per sample and keeps the run to a few minutes.
  for (Case* heavy : {&string_short, &string_1k, &byte_view_1k, &struct_arg, &owned_bytes_1k,
                      &js_uint8array_1k}) {
    heavy->calls = 1'000'000;
  }
  const std::vector<Case*> all = {&raw_fast,     &generated_fast, &generated_fast_int64,
                                  &generated_fast_enforce_range,
                                  &raw_slow,     &generated_slow, &string_short,
                                  &string_1k,    &byte_view_1k,   &struct_arg,
                                  &owned_bytes_1k, &js_uint8array_1k};
  const std::vector<std::vector<const Case*>> groups = {
      {&raw_fast, &generated_fast, &generated_fast_enforce_range},
      {&raw_slow, &generated_slow}, {&generated_fast_int64},
      {&string_short},  {&string_1k}, {&byte_view_1k}, {&struct_arg}, {&owned_bytes_1k},
      {&js_uint8array_1k}};

  // 1. Check, with op metrics: every call of every case on its intended path.
  std::vector<std::vector<Samples>> checked;
  {
    std::unique_ptr<kiln::Runtime> runtime = CreateRuntime(/*op_metrics=*/true, all);
    if (runtime == nullptr) return 1;
    Bench bench(runtime.get(), /*counted=*/true);
    for (const std::vector<const Case*>& group : groups) {
      std::vector<Samples> samples = Measure(bench, group, kCheckSamples);
      if (samples.empty()) return 1;
      for (size_t i = 0; i < group.size(); ++i) {
        if (std::isnan(samples[i].Median())) {
          std::fprintf(stderr, "%s: calls left the intended path (fast=%llu slow=%llu)\n",
                       group[i]->name, static_cast<unsigned long long>(samples[i].fast_calls),
                       static_cast<unsigned long long>(samples[i].slow_calls));
          return 1;
        }
      }
      checked.push_back(std::move(samples));
    }
    if (!runtime->Shutdown().ok()) return 1;
  }

  // 2. Timing, without op metrics.
  std::unique_ptr<kiln::Runtime> runtime = CreateRuntime(/*op_metrics=*/false, all);
  if (runtime == nullptr) return 1;
  Bench bench(runtime.get(), /*counted=*/false);
  double ratios[2] = {NAN, NAN};
  double enforce_range_ratio = NAN;
  for (size_t g = 0; g < groups.size(); ++g) {
    std::vector<Samples> samples = Measure(bench, groups[g], kSamples);
    if (samples.empty()) return 1;
    for (size_t i = 0; i < groups[g].size(); ++i) Print(*groups[g][i], samples[i], checked[g][i]);
    if (g < 2) ratios[g] = samples[1].Median() / samples[0].Median();
    if (g == 0) enforce_range_ratio = samples[2].Median() / samples[0].Median();
  }
  std::printf("RESULT name=fast_op_vs_raw_fast value=%.3f unit=x\n", ratios[0]);
  std::printf("RESULT name=slow_op_vs_raw_slow value=%.3f unit=x\n", ratios[1]);
  std::printf("RESULT name=enforce_range_op_vs_raw_fast value=%.3f unit=x\n",
              enforce_range_ratio);
  return 0;
}
