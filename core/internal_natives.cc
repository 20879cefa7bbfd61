#include "core/internal_natives.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "core/v8_util.h"
#include "uv.h"

namespace kiln {
namespace {

void Print(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  int fd = info[0]->IsInt32() ? info[0].As<v8::Int32>()->Value() : 1;
  if (fd != 1 && fd != 2) {
    isolate->ThrowException(v8::Exception::RangeError(
        OneByteString(isolate, "print: argument 1 (fd): expected 1 or 2")));
    return;
  }
  std::string text = ToStdString(isolate, info[1]);
  WriteAll(fd, text.data(), text.size());
}

void HrtimeMs(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(static_cast<double>(uv_hrtime()) / 1e6);
}

void GetPromiseDetails(const v8::FunctionCallbackInfo<v8::Value>& info) {
  if (!info[0]->IsPromise()) return;
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Promise> promise = info[0].As<v8::Promise>();
  v8::Promise::PromiseState state = promise->State();
  int code = state == v8::Promise::kPending ? 0 : state == v8::Promise::kFulfilled ? 1 : 2;
  v8::Local<v8::Value> values[2] = {v8::Integer::New(isolate, code), {}};
  int count = 1;
  if (state != v8::Promise::kPending) values[count++] = promise->Result();
  info.GetReturnValue().Set(v8::Array::New(isolate, values, count));
}

void GetProxyDetails(const v8::FunctionCallbackInfo<v8::Value>& info) {
  if (!info[0]->IsProxy()) return;
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Proxy> proxy = info[0].As<v8::Proxy>();
  bool fetch_handler = info.Length() < 2 || info[1]->BooleanValue(isolate);
  if (!fetch_handler) {
    info.GetReturnValue().Set(proxy->GetTarget());
    return;
  }
  v8::Local<v8::Value> values[2] = {proxy->GetTarget(), proxy->GetHandler()};
  info.GetReturnValue().Set(v8::Array::New(isolate, values, 2));
}

void PreviewEntries(const v8::FunctionCallbackInfo<v8::Value>& info) {
  if (!info[0]->IsObject()) return;
  v8::Isolate* isolate = info.GetIsolate();
  bool is_key_value = false;
  v8::Local<v8::Array> entries;
  if (!info[0].As<v8::Object>()->PreviewEntries(&is_key_value).ToLocal(&entries)) return;
  if (info.Length() < 2 || !info[1]->BooleanValue(isolate)) {
    info.GetReturnValue().Set(entries);
    return;
  }
  v8::Local<v8::Value> values[2] = {entries, v8::Boolean::New(isolate, is_key_value)};
  info.GetReturnValue().Set(v8::Array::New(isolate, values, 2));
}

void GetOwnNonIndexProperties(const v8::FunctionCallbackInfo<v8::Value>& info) {
  if (!info[0]->IsObject() || !info[1]->IsUint32()) return;
  v8::Local<v8::Context> context = info.GetIsolate()->GetCurrentContext();
  auto filter = static_cast<v8::PropertyFilter>(info[1].As<v8::Uint32>()->Value());
  v8::Local<v8::Array> names;
  if (info[0]
          .As<v8::Object>()
          ->GetPropertyNames(context, v8::KeyCollectionMode::kOwnOnly, filter,
                             v8::IndexFilter::kSkipIndices)
          .ToLocal(&names)) {
    info.GetReturnValue().Set(names);
  }
}

void GetConstructorName(const v8::FunctionCallbackInfo<v8::Value>& info) {
  if (!info[0]->IsObject()) return;
  info.GetReturnValue().Set(info[0].As<v8::Object>()->GetConstructorName());
}

#define KILN_TYPE_PREDICATES(V)                                                               \
  V(isExternal, IsExternal)                                                                   \
  V(isDate, IsDate)                                                                           \
  V(isArgumentsObject, IsArgumentsObject)                                                     \
  V(isBigIntObject, IsBigIntObject)                                                           \
  V(isBooleanObject, IsBooleanObject)                                                         \
  V(isNumberObject, IsNumberObject)                                                           \
  V(isStringObject, IsStringObject)                                                           \
  V(isSymbolObject, IsSymbolObject)                                                           \
  V(isNativeError, IsNativeError)                                                             \
  V(isRegExp, IsRegExp)                                                                       \
  V(isAsyncFunction, IsAsyncFunction)                                                         \
  V(isGeneratorFunction, IsGeneratorFunction)                                                 \
  V(isGeneratorObject, IsGeneratorObject)                                                     \
  V(isPromise, IsPromise)                                                                     \
  V(isMap, IsMap)                                                                             \
  V(isSet, IsSet)                                                                             \
  V(isMapIterator, IsMapIterator)                                                             \
  V(isSetIterator, IsSetIterator)                                                             \
  V(isWeakMap, IsWeakMap)                                                                     \
  V(isWeakSet, IsWeakSet)                                                                     \
  V(isArrayBuffer, IsArrayBuffer)                                                             \
  V(isDataView, IsDataView)                                                                   \
  V(isSharedArrayBuffer, IsSharedArrayBuffer)                                                 \
  V(isProxy, IsProxy)                                                                         \
  V(isModuleNamespaceObject, IsModuleNamespaceObject)                                         \
  V(isArrayBufferView, IsArrayBufferView)                                                     \
  V(isTypedArray, IsTypedArray)                                                               \
  V(isUint8Array, IsUint8Array)                                                               \
  V(isUint8ClampedArray, IsUint8ClampedArray)                                                 \
  V(isUint16Array, IsUint16Array)                                                             \
  V(isUint32Array, IsUint32Array)                                                             \
  V(isInt8Array, IsInt8Array)                                                                 \
  V(isInt16Array, IsInt16Array)                                                               \
  V(isInt32Array, IsInt32Array)                                                               \
  V(isFloat32Array, IsFloat32Array)                                                           \
  V(isFloat64Array, IsFloat64Array)                                                           \
  V(isBigInt64Array, IsBigInt64Array)                                                         \
  V(isBigUint64Array, IsBigUint64Array)

#define KILN_DEFINE_PREDICATE(js_name, v8_method)                         \
  void Type_##js_name(const v8::FunctionCallbackInfo<v8::Value>& info) { \
    info.GetReturnValue().Set(info[0]->v8_method());                      \
  }
KILN_TYPE_PREDICATES(KILN_DEFINE_PREDICATE)
#undef KILN_DEFINE_PREDICATE

void IsBoxedPrimitive(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Local<v8::Value> value = info[0];
  info.GetReturnValue().Set(value->IsNumberObject() || value->IsStringObject() ||
                            value->IsBooleanObject() || value->IsBigIntObject() ||
                            value->IsSymbolObject());
}

void IsAnyArrayBuffer(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(info[0]->IsArrayBuffer() || info[0]->IsSharedArrayBuffer());
}

}  // namespace

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

void InstallInternalNatives(v8::Isolate* isolate, v8::Local<v8::Object> native) {
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  SetMethod(isolate, native, "print", Print);
  SetMethod(isolate, native, "hrtimeMs", HrtimeMs);
  SetMethod(isolate, native, "getPromiseDetails", GetPromiseDetails);
  SetMethod(isolate, native, "getProxyDetails", GetProxyDetails);
  SetMethod(isolate, native, "previewEntries", PreviewEntries);
  SetMethod(isolate, native, "getOwnNonIndexProperties", GetOwnNonIndexProperties);
  SetMethod(isolate, native, "getConstructorName", GetConstructorName);

  v8::Local<v8::Object> types = v8::Object::New(isolate);
#define KILN_INSTALL_PREDICATE(js_name, v8_method) \
  SetMethod(isolate, types, #js_name, Type_##js_name);
  KILN_TYPE_PREDICATES(KILN_INSTALL_PREDICATE)
#undef KILN_INSTALL_PREDICATE
  SetMethod(isolate, types, "isBoxedPrimitive", IsBoxedPrimitive);
  SetMethod(isolate, types, "isAnyArrayBuffer", IsAnyArrayBuffer);
  native->Set(context, OneByteString(isolate, "types"), types).Check();
}

}  // namespace kiln
