#ifndef KILN_CORE_CORE_OPS_H_
#define KILN_CORE_CORE_OPS_H_

// kiln's built-in ops (the "core" extension, installed in every runtime): resources, the
// async op ring's ref/unref, and the natives js/ needs (console output, util.inspect's
// view of V8 internals). JavaScript imports them from "ext:core/ops".

#include <string>
#include <string_view>
#include <vector>

#include "core/extension.h"
#include "ops/op.h"
#include "v8.h"

namespace kiln {

KILN_STRUCT() struct ResourceEntry {
  uint32_t rid;
  std::string name;
};

// Closes a resource (running its close hook). BadResource if `rid` is not open.
KILN_OP() absl::Status op_close(OpState& state, ResourceId rid);

// Every open resource as { rid, name }, in id order: for leak checks in tests.
KILN_OP() std::vector<ResourceEntry> op_resources(OpState& state);

KILN_STRUCT() struct Versions {
  std::string kiln;
  std::string v8;
};
// kiln.version.
KILN_OP() Versions op_versions();

// HTML's "report an exception" (reportError, a throwing timer callback or event
// listener): OpHost::ReportUncaughtError.
KILN_OP(nofast) void op_report_exception(OpState& state, v8::Local<v8::Value> exception);

// WebAssembly.compileStreaming / instantiateStreaming (the WebAssembly Web API). V8 calls
// the runtime's streaming callback with the argument; the runtime holds V8's compile job as
// a "wasmStreaming" resource and calls `internals.wasmStreaming(source, rid)`, which an
// extension (ext/fetch) sets: it checks the Response and feeds its body through these ops.
// Finish and abort close the resource; so does closing it (the compile is then abandoned:
// its promise never settles, which only happens when a runtime goes away).
class WasmStreamingResource : public Resource {
 public:
  explicit WasmStreamingResource(std::shared_ptr<v8::WasmStreaming> streaming)
      : streaming_(std::move(streaming)) {}
  std::string name() const override { return "wasmStreaming"; }
  v8::WasmStreaming& streaming() { return *streaming_; }

 private:
  std::shared_ptr<v8::WasmStreaming> streaming_;
};
// The response's URL, for V8's stack traces and caches (before the first bytes).
KILN_OP() absl::Status op_wasm_streaming_set_url(OpState& state, ResourceId rid,
                                                  std::string_view url);
// The next chunk of the module's bytes.
KILN_OP() absl::Status op_wasm_streaming_feed(OpState& state, ResourceId rid, ByteView bytes);
// No more bytes: V8 settles the compile's promise with the module or a CompileError.
KILN_OP() absl::Status op_wasm_streaming_finish(OpState& state, ResourceId rid);
// Rejects the compile's promise with `error`.
KILN_OP(nofast) absl::Status op_wasm_streaming_abort(OpState& state, ResourceId rid,
                                                     v8::Local<v8::Value> error);

// kiln.refOp / kiln.unrefOp: whether the pending async op `id` keeps the loop alive.
// js/async.js only passes ids it holds as pending.
KILN_OP() bool op_set_async_op_ref(OpState& state, uint32_t id, bool refed);

// Writes `text` (UTF-8) to fd 1 or 2, whole (console output). RangeError for another fd.
KILN_OP() absl::Status op_print(int32_t fd, std::string_view text);
// A monotonic clock in milliseconds (console.time).
KILN_OP() double op_hrtime_ms();

// util.inspect's view of V8 internals, as Node's internalBinding('util') gives it
// (js/README.md says what each returns exactly).
// [state] or [state, result] with state 0 pending, 1 fulfilled, 2 rejected; undefined for
// a non-promise.
KILN_OP() v8::Local<v8::Value> op_get_promise_details(v8::Isolate* isolate,
                                                      v8::Local<v8::Value> value);
// [target, handler], or just the target when !fetch_handler; undefined for a non-proxy.
KILN_OP() v8::Local<v8::Value> op_get_proxy_details(v8::Isolate* isolate,
                                                    v8::Local<v8::Value> value,
                                                    bool fetch_handler);
// The entries of a Map/Set iterator or a WeakMap/WeakSet; with `with_kind`, [entries,
// isKeyValue].
KILN_OP() v8::Local<v8::Value> op_preview_entries(v8::Isolate* isolate,
                                                  v8::Local<v8::Value> value, bool with_kind);
// Own property names that are not array indices, filtered by v8::PropertyFilter bits.
KILN_OP() v8::Local<v8::Value> op_get_own_non_index_properties(v8::Isolate* isolate,
                                                               v8::Local<v8::Value> value,
                                                               uint32_t filter);
KILN_OP() v8::Local<v8::Value> op_get_constructor_name(v8::Isolate* isolate,
                                                       v8::Local<v8::Value> value);

// Type checks (Node's util.types), one per V8 predicate.
KILN_OP() bool op_is_external(v8::Local<v8::Value> value);
KILN_OP() bool op_is_date(v8::Local<v8::Value> value);
KILN_OP() bool op_is_arguments_object(v8::Local<v8::Value> value);
KILN_OP() bool op_is_bigint_object(v8::Local<v8::Value> value);
KILN_OP() bool op_is_boolean_object(v8::Local<v8::Value> value);
KILN_OP() bool op_is_number_object(v8::Local<v8::Value> value);
KILN_OP() bool op_is_string_object(v8::Local<v8::Value> value);
KILN_OP() bool op_is_symbol_object(v8::Local<v8::Value> value);
KILN_OP() bool op_is_native_error(v8::Local<v8::Value> value);
KILN_OP() bool op_is_regexp(v8::Local<v8::Value> value);
KILN_OP() bool op_is_async_function(v8::Local<v8::Value> value);
KILN_OP() bool op_is_generator_function(v8::Local<v8::Value> value);
KILN_OP() bool op_is_generator_object(v8::Local<v8::Value> value);
KILN_OP() bool op_is_promise(v8::Local<v8::Value> value);
KILN_OP() bool op_is_map(v8::Local<v8::Value> value);
KILN_OP() bool op_is_set(v8::Local<v8::Value> value);
KILN_OP() bool op_is_map_iterator(v8::Local<v8::Value> value);
KILN_OP() bool op_is_set_iterator(v8::Local<v8::Value> value);
KILN_OP() bool op_is_weak_map(v8::Local<v8::Value> value);
KILN_OP() bool op_is_weak_set(v8::Local<v8::Value> value);
KILN_OP() bool op_is_array_buffer(v8::Local<v8::Value> value);
KILN_OP() bool op_is_data_view(v8::Local<v8::Value> value);
KILN_OP() bool op_is_shared_array_buffer(v8::Local<v8::Value> value);
KILN_OP() bool op_is_proxy(v8::Local<v8::Value> value);
KILN_OP() bool op_is_module_namespace_object(v8::Local<v8::Value> value);
KILN_OP() bool op_is_array_buffer_view(v8::Local<v8::Value> value);
KILN_OP() bool op_is_typed_array(v8::Local<v8::Value> value);
KILN_OP() bool op_is_uint8_array(v8::Local<v8::Value> value);
KILN_OP() bool op_is_uint8_clamped_array(v8::Local<v8::Value> value);
KILN_OP() bool op_is_uint16_array(v8::Local<v8::Value> value);
KILN_OP() bool op_is_uint32_array(v8::Local<v8::Value> value);
KILN_OP() bool op_is_int8_array(v8::Local<v8::Value> value);
KILN_OP() bool op_is_int16_array(v8::Local<v8::Value> value);
KILN_OP() bool op_is_int32_array(v8::Local<v8::Value> value);
KILN_OP() bool op_is_float32_array(v8::Local<v8::Value> value);
KILN_OP() bool op_is_float64_array(v8::Local<v8::Value> value);
KILN_OP() bool op_is_bigint64_array(v8::Local<v8::Value> value);
KILN_OP() bool op_is_biguint64_array(v8::Local<v8::Value> value);
KILN_OP() bool op_is_boxed_primitive(v8::Local<v8::Value> value);
KILN_OP() bool op_is_any_array_buffer(v8::Local<v8::Value> value);

// The extension holding the ops above and js/; every runtime installs it first.
const Extension& CoreExtension();

// Writes all of `data` to `fd`, retrying on EINTR and waiting on EAGAIN. False on error.
bool WriteAll(int fd, const char* data, size_t size);

}  // namespace kiln

#endif  // KILN_CORE_CORE_OPS_H_
