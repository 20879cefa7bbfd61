// The cold-start floor of an embedder on this V8: a process that initialises V8 and its
// platform as kiln does (core/v8_platform.h), makes an isolate from V8's built-in
// snapshot and a context, runs `1 + 1`, disposes the isolate and exits. Compared with
// `kiln run` of an empty script and with empty_main_libnode (libnode's load alone) in one
// hyperfine run (bench/README.md "Cold start"):
//
//   hyperfine -N 'env -i bazel-out/k8-opt/bin/bench/empty_main_libnode' \
//       'env -i bazel-out/k8-opt/bin/bench/cold_raw_v8' 'env -i bazel-out/k8-opt/bin/kiln run x.js'
#include <uv.h>

#include "core/v8_platform.h"
#include "v8.h"

int main() {
  kiln::InitializeV8();
  uv_loop_t loop;
  uv_loop_init(&loop);
  int result = 0;
  {
    kiln::PlainIsolate isolate(&loop);
    v8::Isolate::Scope isolate_scope(isolate.get());
    v8::HandleScope handle_scope(isolate.get());
    v8::Local<v8::Context> context = v8::Context::New(isolate.get());
    v8::Context::Scope context_scope(context);
    v8::Local<v8::String> source = v8::String::NewFromUtf8Literal(isolate.get(), "1 + 1");
    v8::Local<v8::Script> script = v8::Script::Compile(context, source).ToLocalChecked();
    result = script->Run(context).ToLocalChecked()->Int32Value(context).FromJust();
  }
  uv_loop_close(&loop);
  return result == 2 ? 0 : 1;
}
