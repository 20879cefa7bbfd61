// Op call overhead: generated bindings against hand-written raw V8 bindings of the same
// int32 add, installed on the same kiln.ops object and called from the same loop shape,
// plus the argument and result types that have no fast path.
//
//   bazel run -c opt //bench:ops_bench
//
// Every case warms up until its op counters show all calls on the intended path (fast
// or slow), then takes 15 samples of 10M calls (1M for the string, byte, struct and
// owned-bytes cases; raw and generated alternate, sample by sample). A sample with any call off the intended path makes the case's value NaN.
// Output: RESULT name=<case> value=<median ns per call> unit=ns fast_calls=<n> slow_calls=<n>,
// then the two ratios, generated over raw.
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <string>
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

// --- the raw baselines: what a careful hand-written binding of int32 add looks like ---

kiln::OpCounters raw_fast_counters;
kiln::OpCounters raw_slow_counters;

template <kiln::OpCounters* counters>
void RawAddSlow(const v8::FunctionCallbackInfo<v8::Value>& info) {
  kiln::CountCall(counters->slow_calls);
  if (!info[0]->IsInt32() || !info[1]->IsInt32()) {  // the same check kiln makes first
    info.GetIsolate()->ThrowException(v8::Exception::TypeError(
        kiln::OneByteString(info.GetIsolate(), "raw_add: expected two int32 arguments")));
    return;
  }
  info.GetReturnValue().Set(info[0].As<v8::Int32>()->Value() + info[1].As<v8::Int32>()->Value());
}

int32_t RawAddFast(v8::Local<v8::Object> receiver, int32_t a, int32_t b) {
  kiln::CountCall(raw_fast_counters.fast_calls);
  return a + b;
}
const v8::CFunction kRawAddFast = v8::CFunction::Make(RawAddFast);

// Both raw bindings count into process-wide counters, as generated ops do.
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

// --- cases ---

enum class Path { kFast, kSlow, kNone };  // kNone: a JS-only reference loop

struct Case {
  const char* name;
  const char* op;            // property of kiln.ops
  Path path;                 // where every call must go
  const char* setup;         // JS run once before the loop function is built
  const char* call;          // the loop body's call expression (uses i)
  const kiln::OpCounters* counters = nullptr;
  int calls = kCallsPerSample;  // per sample
};

kiln::OpCounters no_counters;  // for the JS-only reference loops

const char kLoopTemplate[] = R"js(
  (function () {
    %s
    const op = kiln.ops.%s;
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
                   const std::string& c, const std::string& d) {
  std::vector<char> buffer(4096);
  std::snprintf(buffer.data(), buffer.size(), format, a.c_str(), b.c_str(), c.c_str(), d.c_str());
  return buffer.data();
}

class Bench {
 public:
  explicit Bench(kiln::Runtime* runtime) : runtime_(runtime) {}

  bool Build(Case* c) {
    std::string source = Format(kLoopTemplate, c->setup, c->op, c->name, c->call);
    auto result = runtime_->Eval(absl::StrCat("globalThis.", c->name, " = ", source, "; 0"),
                                 absl::StrCat("ops_bench_", c->name, ".js"));
    if (!result.ok()) {
      std::fprintf(stderr, "%s: %s\n", c->name, result.error().Report().c_str());
      return false;
    }
    return true;
  }

  // Runs `n` calls; returns ns per call, or NaN if any call left the intended path.
  double Run(const Case& c, int n) {
    uint64_t fast = c.counters->fast_calls.load();
    uint64_t slow = c.counters->slow_calls.load();
    auto result = runtime_->EvalToString(absl::StrCat(c.name, "(", n, ")"));
    if (!result.ok()) {
      std::fprintf(stderr, "%s: %s\n", c.name, result.error().Report().c_str());
      return NAN;
    }
    uint64_t fast_delta = c.counters->fast_calls.load() - fast;
    uint64_t slow_delta = c.counters->slow_calls.load() - slow;
    last_fast_ = fast_delta;
    last_slow_ = slow_delta;
    if (c.path != Path::kNone) {
      uint64_t on_path = c.path == Path::kFast ? fast_delta : slow_delta;
      uint64_t off_path = c.path == Path::kFast ? slow_delta : fast_delta;
      if (on_path != static_cast<uint64_t>(n) || off_path != 0) return NAN;
    }
    return std::stod(result.value()) / n;
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
    for (int attempt = 0; attempt < 100; ++attempt) {
      if (!std::isnan(Run(c, kWarmupCalls))) return true;
    }
    std::fprintf(stderr, "%s: never reached 100%% on the intended path (last: fast=%llu slow=%llu)\n",
                 c.name, static_cast<unsigned long long>(last_fast_),
                 static_cast<unsigned long long>(last_slow_));
    return false;
  }

  uint64_t last_fast() const { return last_fast_; }
  uint64_t last_slow() const { return last_slow_; }

 private:
  kiln::Runtime* runtime_;
  uint64_t last_fast_ = 0;
  uint64_t last_slow_ = 0;
};

struct Samples {
  std::vector<double> values;
  uint64_t fast_calls = 0;
  uint64_t slow_calls = 0;
  double Median() const { return kiln::bench::MedianOrNaN(values); }
};

void Print(const Case& c, const Samples& samples) {
  std::printf("RESULT name=%s value=%.2f unit=ns fast_calls=%llu slow_calls=%llu\n", c.name,
              samples.Median(), static_cast<unsigned long long>(samples.fast_calls),
              static_cast<unsigned long long>(samples.slow_calls));
  std::fflush(stdout);
}

// Samples `cases` (one or two, alternating sample by sample).
std::vector<Samples> Measure(Bench& bench, const std::vector<const Case*>& cases) {
  std::vector<Samples> samples(cases.size());
  for (const Case* c : cases) {
    if (!bench.WarmUp(*c)) return {};
  }
  for (int k = 0; k < kSamples; ++k) {
    for (size_t i = 0; i < cases.size(); ++i) {
      samples[i].values.push_back(bench.Run(*cases[i], cases[i]->calls));
      samples[i].fast_calls += bench.last_fast();
      samples[i].slow_calls += bench.last_slow();
    }
  }
  return samples;
}

}  // namespace

int main(int argc, char** argv) {
  kiln::AddV8Flags("--allow-natives-syntax").IgnoreError();
  // Extra V8 flags for investigating a result: ops_bench --trace-deopt
  for (int i = 1; i < argc; ++i) kiln::AddV8Flags(argv[i]).IgnoreError();
  std::unique_ptr<kiln::Runtime> runtime = kiln::bench::CreateBenchRuntime();
  if (runtime == nullptr) return 1;
  {
    v8::Isolate* isolate = runtime->isolate();
    v8::Isolate::Scope isolate_scope(isolate);
    v8::HandleScope handle_scope(isolate);
    v8::Local<v8::Context> context = runtime->context();
    v8::Context::Scope context_scope(context);
    auto ops = runtime->Eval("kiln.ops");
    if (!ops.ok()) return 1;
    v8::Local<v8::Object> ops_object = ops.value().Get(isolate).As<v8::Object>();
    InstallRaw(isolate, ops_object, "raw_add_fast", RawAddSlow<&raw_fast_counters>,
               &kRawAddFast);
    InstallRaw(isolate, ops_object, "raw_add_slow", RawAddSlow<&raw_slow_counters>, nullptr);
  }

  const char* kAdd = "op(sink & 1023, i & 1023)";
  Case raw_fast{"raw_fast", "raw_add_fast", Path::kFast, "", kAdd, &raw_fast_counters};
  Case generated_fast{"generated_fast", "op_bench_add", Path::kFast, "", kAdd};
  Case generated_fast_int64{"generated_fast_int64_params", "op_bench_add_int64", Path::kFast, "",
                            kAdd};
  Case raw_slow{"raw_slow", "raw_add_slow", Path::kSlow, "", kAdd, &raw_slow_counters};
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
                        "new Uint8Array(1024).length", &no_counters};
  // Calls per sample: 10M for the int32 add cases; the heavier cases take 1M, which is
  // still 0.1 s and more per sample and keeps the run to a few minutes.
  for (Case* heavy : {&string_short, &string_1k, &byte_view_1k, &struct_arg, &owned_bytes_1k,
                      &js_uint8array_1k}) {
    heavy->calls = 1'000'000;
  }

  Bench bench(runtime.get());
  std::vector<Case*> all = {&raw_fast, &generated_fast, &generated_fast_int64, &raw_slow,   &generated_slow,
                            &string_short, &string_1k,  &byte_view_1k, &struct_arg,
                            &owned_bytes_1k, &js_uint8array_1k};
  for (Case* c : all) {
    if (c->counters == nullptr) {
      const kiln::OpContext* op = runtime->FindOp(c->op);
      if (op == nullptr) {
        std::fprintf(stderr, "no op %s\n", c->op);
        return 1;
      }
      c->counters = op->op->counters;
    }
    if (!bench.Build(c)) return 1;
  }

  double ratios[2] = {NAN, NAN};
  const std::pair<Case*, Case*> pairs[] = {{&raw_fast, &generated_fast},
                                           {&raw_slow, &generated_slow}};
  for (int p = 0; p < 2; ++p) {
    std::vector<Samples> samples = Measure(bench, {pairs[p].first, pairs[p].second});
    if (samples.empty()) return 1;
    Print(*pairs[p].first, samples[0]);
    Print(*pairs[p].second, samples[1]);
    ratios[p] = samples[1].Median() / samples[0].Median();
  }
  for (Case* c : {&generated_fast_int64, &string_short, &string_1k, &byte_view_1k, &struct_arg,
                  &owned_bytes_1k, &js_uint8array_1k}) {
    std::vector<Samples> samples = Measure(bench, {c});
    if (samples.empty()) return 1;
    Print(*c, samples[0]);
  }
  std::printf("RESULT name=fast_op_vs_raw_fast value=%.3f unit=x\n", ratios[0]);
  std::printf("RESULT name=slow_op_vs_raw_slow value=%.3f unit=x\n", ratios[1]);
  return 0;
}
