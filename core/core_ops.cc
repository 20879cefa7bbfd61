#include "core/core_ops.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "core/async_ops.h"
#include "core/core_ops_table.h"
#include "core/op_support.h"
#include "core/version.h"
#include "js/embedded_js.h"
#include "uv.h"

namespace kiln {

absl::Status op_close(OpState& state, ResourceId rid) { return state.resources().Close(rid); }

std::vector<ResourceEntry> op_resources(OpState& state) {
  std::vector<ResourceEntry> entries;
  for (const auto& [id, name] : state.resources().List()) entries.push_back({id.value, name});
  return entries;
}

Versions op_versions() { return {kKilnVersion, v8::V8::GetVersion()}; }

void op_report_exception(OpState& state, v8::Local<v8::Value> exception) {
  state.host().ReportUncaughtError(exception);
}

absl::Status op_wasm_streaming_set_url(OpState& state, ResourceId rid, std::string_view url) {
  absl::StatusOr<WasmStreamingResource*> resource = state.resources().Get<WasmStreamingResource>(rid);
  if (!resource.ok()) return resource.status();
  (*resource)->streaming().SetUrl(url.data(), url.size());
  return absl::OkStatus();
}

absl::Status op_wasm_streaming_feed(OpState& state, ResourceId rid, ByteView bytes) {
  absl::StatusOr<WasmStreamingResource*> resource = state.resources().Get<WasmStreamingResource>(rid);
  if (!resource.ok()) return resource.status();
  (*resource)->streaming().OnBytesReceived(bytes.data, bytes.size);
  return absl::OkStatus();
}

absl::Status op_wasm_streaming_finish(OpState& state, ResourceId rid) {
  absl::StatusOr<std::unique_ptr<WasmStreamingResource>> resource =
      state.resources().Take<WasmStreamingResource>(rid);
  if (!resource.ok()) return resource.status();
  (*resource)->streaming().Finish();
  return absl::OkStatus();
}

absl::Status op_wasm_streaming_abort(OpState& state, ResourceId rid, v8::Local<v8::Value> error) {
  absl::StatusOr<std::unique_ptr<WasmStreamingResource>> resource =
      state.resources().Take<WasmStreamingResource>(rid);
  if (!resource.ok()) return resource.status();
  (*resource)->streaming().Abort(error);
  return absl::OkStatus();
}

bool op_set_async_op_ref(OpState& state, uint32_t id, bool refed) {
  AsyncOps& async_ops = RuntimeOpState::Of(state).async_ops();
  if (refed) {
    async_ops.Ref(id);
  } else {
    async_ops.Unref(id);
  }
  return true;
}

absl::Status op_print(int32_t fd, std::string_view text) {
  if (fd != 1 && fd != 2) return absl::OutOfRangeError("op_print: argument 1 (fd): expected 1 or 2");
  WriteAll(fd, text.data(), text.size());
  return absl::OkStatus();
}

double op_hrtime_ms() { return static_cast<double>(uv_hrtime()) / 1e6; }

v8::Local<v8::Value> op_get_promise_details(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  if (!value->IsPromise()) return v8::Undefined(isolate);
  v8::Local<v8::Promise> promise = value.As<v8::Promise>();
  v8::Promise::PromiseState state = promise->State();
  int code = state == v8::Promise::kPending ? 0 : state == v8::Promise::kFulfilled ? 1 : 2;
  v8::Local<v8::Value> values[2] = {v8::Integer::New(isolate, code), {}};
  int count = 1;
  if (state != v8::Promise::kPending) values[count++] = promise->Result();
  return v8::Array::New(isolate, values, count);
}

v8::Local<v8::Value> op_get_proxy_details(v8::Isolate* isolate, v8::Local<v8::Value> value,
                                          bool fetch_handler) {
  if (!value->IsProxy()) return v8::Undefined(isolate);
  v8::Local<v8::Proxy> proxy = value.As<v8::Proxy>();
  if (!fetch_handler) return proxy->GetTarget();
  v8::Local<v8::Value> values[2] = {proxy->GetTarget(), proxy->GetHandler()};
  return v8::Array::New(isolate, values, 2);
}

v8::Local<v8::Value> op_preview_entries(v8::Isolate* isolate, v8::Local<v8::Value> value,
                                        bool with_kind) {
  if (!value->IsObject()) return v8::Undefined(isolate);
  bool is_key_value = false;
  v8::Local<v8::Array> entries;
  if (!value.As<v8::Object>()->PreviewEntries(&is_key_value).ToLocal(&entries)) {
    return v8::Undefined(isolate);
  }
  if (!with_kind) return entries;
  v8::Local<v8::Value> values[2] = {entries, v8::Boolean::New(isolate, is_key_value)};
  return v8::Array::New(isolate, values, 2);
}

v8::Local<v8::Value> op_get_own_non_index_properties(v8::Isolate* isolate,
                                                     v8::Local<v8::Value> value,
                                                     uint32_t filter) {
  if (!value->IsObject()) return v8::Undefined(isolate);
  v8::Local<v8::Array> names;
  if (!value.As<v8::Object>()
           ->GetPropertyNames(isolate->GetCurrentContext(), v8::KeyCollectionMode::kOwnOnly,
                              static_cast<v8::PropertyFilter>(filter),
                              v8::IndexFilter::kSkipIndices)
           .ToLocal(&names)) {
    return v8::Undefined(isolate);
  }
  return names;
}

v8::Local<v8::Value> op_get_constructor_name(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  if (!value->IsObject()) return v8::Undefined(isolate);
  return value.As<v8::Object>()->GetConstructorName();
}

bool op_is_external(v8::Local<v8::Value> value) { return value->IsExternal(); }
bool op_is_date(v8::Local<v8::Value> value) { return value->IsDate(); }
bool op_is_arguments_object(v8::Local<v8::Value> value) { return value->IsArgumentsObject(); }
bool op_is_bigint_object(v8::Local<v8::Value> value) { return value->IsBigIntObject(); }
bool op_is_boolean_object(v8::Local<v8::Value> value) { return value->IsBooleanObject(); }
bool op_is_number_object(v8::Local<v8::Value> value) { return value->IsNumberObject(); }
bool op_is_string_object(v8::Local<v8::Value> value) { return value->IsStringObject(); }
bool op_is_symbol_object(v8::Local<v8::Value> value) { return value->IsSymbolObject(); }
bool op_is_native_error(v8::Local<v8::Value> value) { return value->IsNativeError(); }
bool op_is_regexp(v8::Local<v8::Value> value) { return value->IsRegExp(); }
bool op_is_async_function(v8::Local<v8::Value> value) { return value->IsAsyncFunction(); }
bool op_is_generator_function(v8::Local<v8::Value> value) { return value->IsGeneratorFunction(); }
bool op_is_generator_object(v8::Local<v8::Value> value) { return value->IsGeneratorObject(); }
bool op_is_promise(v8::Local<v8::Value> value) { return value->IsPromise(); }
bool op_is_map(v8::Local<v8::Value> value) { return value->IsMap(); }
bool op_is_set(v8::Local<v8::Value> value) { return value->IsSet(); }
bool op_is_map_iterator(v8::Local<v8::Value> value) { return value->IsMapIterator(); }
bool op_is_set_iterator(v8::Local<v8::Value> value) { return value->IsSetIterator(); }
bool op_is_weak_map(v8::Local<v8::Value> value) { return value->IsWeakMap(); }
bool op_is_weak_set(v8::Local<v8::Value> value) { return value->IsWeakSet(); }
bool op_is_array_buffer(v8::Local<v8::Value> value) { return value->IsArrayBuffer(); }
bool op_is_data_view(v8::Local<v8::Value> value) { return value->IsDataView(); }
bool op_is_shared_array_buffer(v8::Local<v8::Value> value) { return value->IsSharedArrayBuffer(); }
bool op_is_proxy(v8::Local<v8::Value> value) { return value->IsProxy(); }
bool op_is_module_namespace_object(v8::Local<v8::Value> value) { return value->IsModuleNamespaceObject(); }
bool op_is_array_buffer_view(v8::Local<v8::Value> value) { return value->IsArrayBufferView(); }
bool op_is_typed_array(v8::Local<v8::Value> value) { return value->IsTypedArray(); }
bool op_is_uint8_array(v8::Local<v8::Value> value) { return value->IsUint8Array(); }
bool op_is_uint8_clamped_array(v8::Local<v8::Value> value) { return value->IsUint8ClampedArray(); }
bool op_is_uint16_array(v8::Local<v8::Value> value) { return value->IsUint16Array(); }
bool op_is_uint32_array(v8::Local<v8::Value> value) { return value->IsUint32Array(); }
bool op_is_int8_array(v8::Local<v8::Value> value) { return value->IsInt8Array(); }
bool op_is_int16_array(v8::Local<v8::Value> value) { return value->IsInt16Array(); }
bool op_is_int32_array(v8::Local<v8::Value> value) { return value->IsInt32Array(); }
bool op_is_float32_array(v8::Local<v8::Value> value) { return value->IsFloat32Array(); }
bool op_is_float64_array(v8::Local<v8::Value> value) { return value->IsFloat64Array(); }
bool op_is_bigint64_array(v8::Local<v8::Value> value) { return value->IsBigInt64Array(); }
bool op_is_biguint64_array(v8::Local<v8::Value> value) { return value->IsBigUint64Array(); }
bool op_is_boxed_primitive(v8::Local<v8::Value> value) {
  return value->IsNumberObject() || value->IsStringObject() || value->IsBooleanObject() ||
         value->IsBigIntObject() || value->IsSymbolObject();
}
bool op_is_any_array_buffer(v8::Local<v8::Value> value) {
  return value->IsArrayBuffer() || value->IsSharedArrayBuffer();
}

const Extension& CoreExtension() {
  static const Extension* const kCore = new Extension{
      "core",
      {&generated::core_ops},
      std::vector<js::EmbeddedFile>(js::kCoreModules, js::kCoreModules + js::kCoreModulesCount)};
  return *kCore;
}

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t written = write(fd, data, size);
    if (written > 0) {
      data += written;
      size -= static_cast<size_t>(written);
      continue;
    }
    if (written < 0 && errno == EINTR) continue;
    if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd waiter = {fd, POLLOUT, 0};
      poll(&waiter, 1, -1);
      continue;
    }
    return false;
  }
  return true;
}

}  // namespace kiln
