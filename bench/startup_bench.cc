// Where a runtime's start-up time goes, in one process: V8 initialisation, then for the
// 1st, 2nd and 10th runtime: Runtime::Create (isolate + context + kiln's bootstrap JS),
// the raw isolate + context cost without kiln's JS, a hello-world eval, and teardown.
//
//   bazel run -c opt //bench:startup_bench
#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

#include "core/runtime.h"
#include "core/v8_platform.h"
#include "uv.h"
#include "v8.h"

namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Isolate + context with nothing of kiln's, registered with the same platform and a uv
// loop as kiln's are: the V8 floor for Runtime::Create.
double RawIsolateAndContextMs() {
  uv_loop_t loop;
  uv_loop_init(&loop);
  auto start = Clock::now();
  std::unique_ptr<v8::ArrayBuffer::Allocator> allocator(
      v8::ArrayBuffer::Allocator::NewDefaultAllocator());
  v8::Isolate* isolate = v8::Isolate::Allocate();
  kiln::Platform()->RegisterIsolate(isolate, &loop);
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator = allocator.get();
  v8::Isolate::Initialize(isolate, params);
  {
    v8::Isolate::Scope isolate_scope(isolate);
    v8::HandleScope handle_scope(isolate);
    v8::Local<v8::Context> context = v8::Context::New(isolate);
    (void)context;
  }
  double elapsed = MsSince(start);
  bool finished = false;
  kiln::Platform()->AddIsolateFinishedCallback(
      isolate, [](void* done) { *static_cast<bool*>(done) = true; }, &finished);
  kiln::Platform()->UnregisterIsolate(isolate);
  isolate->Dispose();
  while (!finished) uv_run(&loop, UV_RUN_ONCE);
  uv_loop_close(&loop);
  return elapsed;
}

}  // namespace

int main() {
  auto start = Clock::now();
  kiln::InitializeV8();
  std::printf("RESULT name=v8_initialize value=%.3f unit=ms\n", MsSince(start));

  constexpr int kRuntimes = 10;
  std::vector<double> raw_ms, create_ms, eval_ms, teardown_ms;
  for (int i = 0; i < kRuntimes; ++i) {
    raw_ms.push_back(RawIsolateAndContextMs());
    start = Clock::now();
    auto runtime = kiln::Runtime::Create();
    create_ms.push_back(MsSince(start));
    if (!runtime.ok()) return 1;
    start = Clock::now();
    if (!(*runtime)->Eval("globalThis.greeting = 'hello'").ok()) return 1;
    eval_ms.push_back(MsSince(start));
    start = Clock::now();
    if (!(*runtime)->Shutdown().ok()) return 1;
    runtime->reset();
    teardown_ms.push_back(MsSince(start));
  }
  for (int index : {0, 1, kRuntimes - 1}) {
    std::printf("RESULT name=runtime_create_%d value=%.3f unit=ms\n", index + 1, create_ms[index]);
    std::printf("RESULT name=raw_isolate_context_%d value=%.3f unit=ms\n", index + 1,
                raw_ms[index]);
    std::printf("RESULT name=eval_hello_%d value=%.3f unit=ms\n", index + 1, eval_ms[index]);
    std::printf("RESULT name=runtime_teardown_%d value=%.3f unit=ms\n", index + 1,
                teardown_ms[index]);
  }
  std::printf("RESULT name=create_vs_raw_10 value=%.2f unit=x\n",
              create_ms[kRuntimes - 1] / raw_ms[kRuntimes - 1]);
  return 0;
}
