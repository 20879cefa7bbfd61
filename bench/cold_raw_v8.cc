// The cold-start floor of an embedder on this V8: a process that initialises V8 and its
// platform as kiln does (core/v8_platform.h), makes an isolate from V8's built-in
// snapshot and a context, runs `1 + 1`, disposes the isolate and exits. Compared with
// `kiln run` of an empty script and with empty_main_libnode (libnode's load alone) in one
// hyperfine run (bench/README.md "Cold start"):
//
//   hyperfine -N 'env -i bazel-out/k8-opt/bin/bench/empty_main_libnode' \
//       'env -i bazel-out/k8-opt/bin/bench/cold_raw_v8' 'env -i bazel-out/k8-opt/bin/kiln run x.js'
#include <uv.h>

#include <cstdio>
#include <memory>

#include "core/v8_platform.h"
#include "v8.h"

int main() {
  kiln::InitializeV8();
  uv_loop_t loop;
  uv_loop_init(&loop);
  std::unique_ptr<v8::ArrayBuffer::Allocator> allocator(
      v8::ArrayBuffer::Allocator::NewDefaultAllocator());
  v8::Isolate* isolate = v8::Isolate::Allocate();
  kiln::Platform()->RegisterIsolate(isolate, &loop);
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator = allocator.get();
  v8::Isolate::Initialize(isolate, params);
  int result = 0;
  {
    v8::Isolate::Scope isolate_scope(isolate);
    v8::HandleScope handle_scope(isolate);
    v8::Local<v8::Context> context = v8::Context::New(isolate);
    v8::Context::Scope context_scope(context);
    v8::Local<v8::String> source =
        v8::String::NewFromUtf8Literal(isolate, "1 + 1");
    v8::Local<v8::Script> script = v8::Script::Compile(context, source).ToLocalChecked();
    result = script->Run(context).ToLocalChecked()->Int32Value(context).FromJust();
  }
  bool finished = false;
  kiln::Platform()->AddIsolateFinishedCallback(
      isolate, [](void* done) { *static_cast<bool*>(done) = true; }, &finished);
  kiln::Platform()->UnregisterIsolate(isolate);
  isolate->Dispose();
  while (!finished) uv_run(&loop, UV_RUN_ONCE);
  uv_loop_close(&loop);
  return result == 2 ? 0 : 1;
}
