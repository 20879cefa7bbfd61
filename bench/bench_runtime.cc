#include "bench/bench_runtime.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>

#include "bench/bench_ops_table.h"
#include "core/extension.h"
#include "core/v8_util.h"
#include "uv.h"
#include "v8.h"

namespace kiln::bench {
namespace {

const Extension kBenchExtension{"bench", {&generated::bench_ops}};

void NowNs(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(static_cast<double>(uv_hrtime()));
}

}  // namespace

std::unique_ptr<Runtime> CreateBenchRuntime(bool op_metrics) {
  RuntimeOptions options;
  options.extensions = {&kBenchExtension};
  options.expose_ops = true;
  options.op_metrics = op_metrics;
  absl::StatusOr<std::unique_ptr<Runtime>> created = Runtime::Create(options);
  if (!created.ok()) {
    std::fprintf(stderr, "%s\n", std::string(created.status().message()).c_str());
    return nullptr;
  }
  std::unique_ptr<Runtime> runtime = std::move(*created);
  v8::Isolate* isolate = runtime->isolate();
  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope handle_scope(isolate);
  v8::Local<v8::Context> context = runtime->context();
  v8::Context::Scope context_scope(context);
  context->Global()
      ->Set(context, OneByteString(isolate, "benchNowNs"),
            v8::Function::New(context, NowNs).ToLocalChecked())
      .Check();
  return runtime;
}

double MedianOrNaN(std::vector<double> samples) {
  for (double sample : samples) {
    if (std::isnan(sample)) return NAN;
  }
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

}  // namespace kiln::bench
