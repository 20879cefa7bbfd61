// Probe for two V8 10.2 Fast API facts kiln's op design depends on:
//  1. An exception thrown by the slow callback that V8 runs after a fast call set
//     `options.fallback` skips the try/catch of the optimised function that made the call
//     (it propagates to the caller's frame instead).
//  2. What a JS wrapper that checks a failure flag (instead of using `fallback`) costs
//     next to a raw fast call.
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

const v8::CFunction kRawAdd = v8::CFunction::Make(RawAddFast);
const v8::CFunction kFallbackAdd = v8::CFunction::Make(FallbackAddFast);
const v8::CFunction kFlagAdd = v8::CFunction::Make(FlagAddFast);

void Install(v8::Isolate* isolate, v8::Local<v8::Object> target, const char* name,
             v8::FunctionCallback slow, const v8::CFunction* fast) {
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  auto function_template = v8::FunctionTemplate::New(
      isolate, slow, {}, {}, 2, v8::ConstructorBehavior::kThrow,
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
  auto flag_store = v8::ArrayBuffer::NewBackingStore(
      &g_failed, sizeof g_failed, [](void*, size_t, void*) {}, nullptr);
  probe->Set(context, kiln::OneByteString(isolate, "flag"),
             v8::Int32Array::New(v8::ArrayBuffer::New(isolate, std::move(flag_store)), 0, 1))
      .Check();
  context->Global()->Set(context, kiln::OneByteString(isolate, "probe"), probe).Check();

  const char* script = R"js(
    const { raw_add, fallback_add, flag_add, slow_add, flag } = probe;
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
    for (const [name, add] of [['raw_fast', raw_add], ['wrapper_fast', wrapped_add], ['fallback_fast', fallback_add]]) {
      // A separate loop function per case (distinct source, so distinct feedback): the
      // call site stays monomorphic.
      const loop = new Function('add', 'n', `/* ${name} */ let s = 0;
          for (let i = 0; i < n; i++) s = add(s & 1023, i & 1023); return s;`);
      for (let w = 0; w < 5; w++) loop(add, 100000);
      const samples = [];
      for (let k = 0; k < 7; k++) {
        const t0 = Date.now(); loop(add, N); samples.push((Date.now() - t0) * 1e6 / N);
      }
      samples.sort((a, b) => a - b);
      report.push(`RESULT name=${name} value=${samples[3].toFixed(2)} unit=ns`);
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
