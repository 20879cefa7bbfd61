// Probe for the V8 10.2 Fast API facts kiln's op design rests on (codegen/README.md,
// "Fast paths": kiln uses the int64 parameters and a failure flag read by a JS wrapper,
// the `current_flag_wrapper` shape below, not `options.fallback`):
//  1. An exception thrown by the slow callback that V8 runs after a fast call set
//     `options.fallback` skips the try/catch of the optimised function that made the call
//     (it propagates to the caller's frame instead).
//  2. What a JS wrapper that checks a failure flag (instead of using `fallback`) costs
//     next to a raw fast call, and what each ingredient costs (double vs int64
//     parameters, the options argument, the check after the call).
//
//   bazel run -c opt //bench:fast_fallback_probe
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>

#include "core/runtime.h"
#include "core/v8_platform.h"
#include "core/v8_util.h"
#include "v8-fast-api-calls.h"
#include "v8.h"

namespace {

int32_t g_failed = 0;

// kiln's int32 rule without libm calls: finite, integral, in range.
inline bool ToInt32(double in, int32_t* out) {
  if (!(in >= -2147483648.0 && in <= 2147483647.0)) return false;
  int32_t truncated = static_cast<int32_t>(in);
  if (static_cast<double>(truncated) != in) return false;
  *out = truncated;
  return true;
}  // what the flag-checking wrapper reads (through an Int32Array)

void AddSlow(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (!info[0]->IsInt32() || !info[1]->IsInt32()) {
    isolate->ThrowException(v8::Exception::TypeError(kiln::OneByteString(isolate, "not int32")));
    return;
  }
  info.GetReturnValue().Set(info[0].As<v8::Int32>()->Value() + info[1].As<v8::Int32>()->Value());
}

int32_t RawAddFast(v8::Local<v8::Object>, int32_t a, int32_t b) { return a + b; }

// Checked like kiln's integer rule, failing through options.fallback.
int32_t FallbackAddFast(v8::Local<v8::Object>, double a, double b,
                        v8::FastApiCallbackOptions& options) {
  int32_t x, y;
  if (!ToInt32(a, &x) || !ToInt32(b, &y)) {
    options.fallback = true;
    return 0;
  }
  return x + y;
}

// Checked the same way, failing through a flag a JS wrapper reads.
int32_t FlagAddFast(v8::Local<v8::Object>, double a, double b) {
  int32_t x, y;
  if (!ToInt32(a, &x) || !ToInt32(b, &y)) {
    g_failed = 1;
    return 0;
  }
  return x + y;
}

void ClearFlagSlow(const v8::FunctionCallbackInfo<v8::Value>& info) {
  g_failed = 0;
  AddSlow(info);
}

// Cost components: the options argument alone, the double parameters alone.
int32_t Int32OptionsAddFast(v8::Local<v8::Object>, int32_t a, int32_t b,
                            v8::FastApiCallbackOptions& options) {
  return a + b;
}
int32_t DoubleAddFast(v8::Local<v8::Object>, double a, double b) {
  int32_t x, y;
  if (!ToInt32(a, &x) || !ToInt32(b, &y)) return 0;
  return x + y;
}
// The wrapper design with options (per-runtime data) and a flag instead of fallback.
int32_t FlagOptionsAddFast(v8::Local<v8::Object>, double a, double b,
                           v8::FastApiCallbackOptions& options) {
  int32_t x, y;
  if (!ToInt32(a, &x) || !ToInt32(b, &y)) {
    *static_cast<int32_t*>(v8::External::Cast(&options.data)->Value()) = 1;
    return 0;
  }
  return x + y;
}

// int64 parameters: V8 10.2 deoptimises (to the slow callback, from the interpreter) for
// non-integral Numbers; only the range is left to check.
inline bool Int64ToInt32(int64_t in, int32_t* out) {
  if (in < INT32_MIN || in > INT32_MAX) return false;
  *out = static_cast<int32_t>(in);
  return true;
}
int32_t Int64AddFast(v8::Local<v8::Object>, int64_t a, int64_t b) {
  int32_t x, y;
  if (!Int64ToInt32(a, &x) || !Int64ToInt32(b, &y)) return 0;
  return x + y;
}
int32_t Int64FlagOptionsAddFast(v8::Local<v8::Object>, int64_t a, int64_t b,
                                v8::FastApiCallbackOptions& options) {
  int32_t x, y;
  if (!Int64ToInt32(a, &x) || !Int64ToInt32(b, &y)) {
    *static_cast<int32_t*>(v8::External::Cast(&options.data)->Value()) = 1;
    return 0;
  }
  return x + y;
}
int32_t Int64FallbackAddFast(v8::Local<v8::Object>, int64_t a, int64_t b,
                                v8::FastApiCallbackOptions& options) {
  int32_t x, y;
  if (!Int64ToInt32(a, &x) || !Int64ToInt32(b, &y)) {
    options.fallback = true;
    return 0;
  }
  return x + y;
}
// Failure as a NaN result, so a wrapper needs no memory load.
double SentinelAddFast(v8::Local<v8::Object>, int64_t a, int64_t b) {
  int32_t x, y;
  if (!Int64ToInt32(a, &x) || !Int64ToInt32(b, &y)) return std::nan("");
  return x + y;
}
// The candidate: no options; failure finds the flag through Isolate::GetCurrent() (only on
// the failure path); a process-wide per-op counter.
uint64_t g_fast_calls = 0;
int32_t Int64CurrentFlagAddFast(v8::Local<v8::Object>, int64_t a, int64_t b) {
  g_fast_calls = g_fast_calls + 1;
  int32_t x, y;
  if (!Int64ToInt32(a, &x) || !Int64ToInt32(b, &y)) {
    *static_cast<int32_t*>(v8::Isolate::GetCurrent()->GetData(3)) = 1;
    return INT32_MIN;
  }
  return x + y;
}
const v8::CFunction kInt64CurrentFlagAdd = v8::CFunction::Make(Int64CurrentFlagAddFast);
const v8::CFunction kInt64Add = v8::CFunction::Make(Int64AddFast);
const v8::CFunction kInt64FlagOptionsAdd = v8::CFunction::Make(Int64FlagOptionsAddFast);
const v8::CFunction kInt64FallbackAdd = v8::CFunction::Make(Int64FallbackAddFast);
const v8::CFunction kSentinelAdd = v8::CFunction::Make(SentinelAddFast);
const v8::CFunction kInt32OptionsAdd = v8::CFunction::Make(Int32OptionsAddFast);
const v8::CFunction kDoubleAdd = v8::CFunction::Make(DoubleAddFast);
const v8::CFunction kFlagOptionsAdd = v8::CFunction::Make(FlagOptionsAddFast);
const v8::CFunction kRawAdd = v8::CFunction::Make(RawAddFast);
const v8::CFunction kFallbackAdd = v8::CFunction::Make(FallbackAddFast);
const v8::CFunction kFlagAdd = v8::CFunction::Make(FlagAddFast);

void Install(v8::Isolate* isolate, v8::Local<v8::Object> target, const char* name,
             v8::FunctionCallback slow, const v8::CFunction* fast,
             v8::Local<v8::Value> data = {}) {
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  auto function_template = v8::FunctionTemplate::New(
      isolate, slow, data, {}, 2, v8::ConstructorBehavior::kThrow,
      v8::SideEffectType::kHasSideEffect, fast);
  target->Set(context, kiln::OneByteString(isolate, name),
              function_template->GetFunction(context).ToLocalChecked())
      .Check();
}

}  // namespace

int main() {
  kiln::AddV8Flags("--allow-natives-syntax").IgnoreError();
  auto runtime = std::move(*kiln::Runtime::Create());
  v8::Isolate* isolate = runtime->isolate();
  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope handle_scope(isolate);
  v8::Local<v8::Context> context = runtime->context();
  v8::Context::Scope context_scope(context);
  v8::Local<v8::Object> probe = v8::Object::New(isolate);
  Install(isolate, probe, "raw_add", AddSlow, &kRawAdd);
  Install(isolate, probe, "fallback_add", AddSlow, &kFallbackAdd);
  Install(isolate, probe, "flag_add", ClearFlagSlow, &kFlagAdd);
  Install(isolate, probe, "slow_add", ClearFlagSlow, nullptr);
  Install(isolate, probe, "int64_add", AddSlow, &kInt64Add);
  Install(isolate, probe, "int64_current_flag_add", ClearFlagSlow, &kInt64CurrentFlagAdd);
  Install(isolate, probe, "int64_fallback_add", AddSlow, &kInt64FallbackAdd,
          v8::External::New(isolate, &g_failed));
  Install(isolate, probe, "int64_flag_options_add", ClearFlagSlow, &kInt64FlagOptionsAdd,
          v8::External::New(isolate, &g_failed));
  Install(isolate, probe, "sentinel_add", AddSlow, &kSentinelAdd);
  Install(isolate, probe, "int32_options_add", AddSlow, &kInt32OptionsAdd);
  Install(isolate, probe, "double_add", AddSlow, &kDoubleAdd);
  Install(isolate, probe, "flag_options_add", ClearFlagSlow, &kFlagOptionsAdd,
          v8::External::New(isolate, &g_failed));
  auto flag_store = v8::ArrayBuffer::NewBackingStore(
      &g_failed, sizeof g_failed, [](void*, size_t, void*) {}, nullptr);
  probe->Set(context, kiln::OneByteString(isolate, "flag"),
             v8::Int32Array::New(v8::ArrayBuffer::New(isolate, std::move(flag_store)), 0, 1))
      .Check();
  context->Global()->Set(context, kiln::OneByteString(isolate, "probe"), probe).Check();
  isolate->SetData(3, &g_failed);

  const char* script = R"js(
    const { raw_add, fallback_add, flag_add, slow_add, flag, int32_options_add, double_add, flag_options_add } = probe;
    const { int64_add, int64_fallback_add, int64_flag_options_add, sentinel_add } = probe;
    function wrapped_int64_add(a, b) {
      const result = int64_flag_options_add(a, b);
      if (flag[0] !== 0) return slow_add(a, b);
      return result;
    }
    const { int64_current_flag_add } = probe;
    function wrapped_current_add(a, b) {
      const result = int64_current_flag_add(a, b);
      if (flag[0] !== 0) return slow_add(a, b);
      return result;
    }
    function wrapped_throwonly_add(a, b) {
      const result = int64_current_flag_add(a, b);
      if (flag[0] !== 0) slow_add(a, b);
      return result;
    }
    function wrapped_loadthrow_add(a, b) {
      const result = int64_current_flag_add(a, b);
      if (flag[0] !== 0) throw 0;
      return result;
    }
    function wrapped_cmpthrow_add(a, b) {
      const result = int64_current_flag_add(a, b);
      if (result === -2147483648) throw 0;
      return result;
    }
    let plainFlag = 0;
    function wrapped_varthrow_add(a, b) {
      const result = int64_current_flag_add(a, b);
      if (plainFlag !== 0) throw 0;
      return result;
    }
    function throwFailure() { flag[0] = 0; throw new TypeError('failed'); }
    function wrapped_noargs_add(a, b) {
      const result = int64_current_flag_add(a, b);
      if (flag[0] !== 0) throwFailure();
      return result;
    }
    function wrapped_nocheck_add(a, b) { return int64_add(a, b); }
    function wrapped_int_sentinel_add(a, b) {
      const result = int64_current_flag_add(a, b);
      if (result === -2147483648 && flag[0] !== 0) return slow_add(a, b);
      return result;
    }
    function wrapped_sentinel_add(a, b) {
      const result = sentinel_add(a, b);
      if (result !== result) return slow_add(a, b);
      return result;
    }
    function wrapped_options_add(a, b) {
      const result = flag_options_add(a, b);
      if (flag[0] !== 0) return slow_add(a, b);
      return result;
    }
    function wrapped_add(a, b) {
      const result = flag_add(a, b);
      if (flag[0] !== 0) return slow_add(a, b);
      return result;
    }
    function catchLocally(add) {
      return function (x) { try { return add(x, 1); } catch (e) { return 'caught'; } };
    }
    function optimise(f, arg) {
      %PrepareFunctionForOptimization(f); f(arg); f(arg); %OptimizeFunctionOnNextCall(f); f(arg);
    }
    const report = [];
    for (const [name, add] of [['fallback', fallback_add], ['wrapper', wrapped_add]]) {
      const f = catchLocally(add);
      optimise(f, 1);
      let outcome;
      try { outcome = f(1.5); } catch (e) { outcome = 'escaped to caller'; }
      report.push(`RESULT name=local_catch_${name} value=${outcome === 'caught' ? 1 : 0} unit=bool outcome=${outcome.replace(/ /g, '_')}`);
    }
    const N = 10000000;
    for (const [name, add] of [['raw_fast', raw_add], ['wrapper_fast', wrapped_add], ['fallback_fast', fallback_add],
        ['int32_options', int32_options_add], ['double_no_options', double_add],
        ['wrapper_options', wrapped_options_add], ['int64_plain', int64_add],
        ['int64_fallback', int64_fallback_add], ['int64_wrapper', wrapped_int64_add],
        ['sentinel_wrapper', wrapped_sentinel_add], ['current_flag_wrapper', wrapped_current_add],
        ['nocheck_wrapper', wrapped_nocheck_add], ['noargs_throw_wrapper', wrapped_noargs_add], ['loadthrow', wrapped_loadthrow_add], ['cmpthrow', wrapped_cmpthrow_add], ['varthrow', wrapped_varthrow_add], ['throwonly_wrapper', wrapped_throwonly_add], ['int_sentinel_wrapper', wrapped_int_sentinel_add], ['raw_fast_again', raw_add], ['raw_slow', slow_add]]) {
      // A separate loop function per case (distinct source, so distinct feedback): the
      // call site stays monomorphic.
      const loop = new Function('add', 'n', `/* ${name} */ let s = 0;
          for (let i = 0; i < n; i++) s = add(s & 1023, i & 1023); return s;`);
      for (let w = 0; w < 5; w++) loop(add, 100000);
      const samples = [];
      for (let k = 0; k < 11; k++) {
        const t0 = kiln.hrtimeMs ? kiln.hrtimeMs() : Date.now(); loop(add, N);
        samples.push(((kiln.hrtimeMs ? kiln.hrtimeMs() : Date.now()) - t0) * 1e6 / N);
      }
      samples.sort((a, b) => a - b);
      report.push(`RESULT name=${name} value=${samples[5].toFixed(2)} unit=ns`);
    }
    report.join('\n');
  )js";
  kiln::Result<v8::Global<v8::Value>> result = runtime->Eval(script, "probe.js");
  if (!result.ok()) {
    std::fprintf(stderr, "%s", result.error().Report().c_str());
    return 1;
  }
  v8::String::Utf8Value text(isolate, result.value().Get(isolate));
  std::printf("%s\n", *text);
  return 0;
}
