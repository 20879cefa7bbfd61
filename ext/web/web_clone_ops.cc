#include "ext/web/web_clone_ops.h"

#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/v8_util.h"
#include "ext/web/structured_clone_v8.h"
#include "ops/external_string.h"
#include "simdutf.h"
#include "uv.h"

namespace kiln::web {
namespace {

// ---- base64 ----

// Memory one thread's base64 calls reuse for the copy of their input: fresh allocations of
// a megabyte are fresh pages, and the page faults would cost more than the encoding.
// Buffers above kScratchKeep bytes are released after the call. (Results are built in place
// by ops/external_string.h.)
class Scratch {
 public:
  static constexpr size_t kScratchKeep = 8 * 1024 * 1024;

  template <typename T>
  T* Get(size_t count) {
    size_t size = count * sizeof(T) + 1;
    if (size > capacity_) {
      data_.reset(new char16_t[size / sizeof(char16_t) + 1]);  // aligned for char16_t
      capacity_ = size;
    }
    return reinterpret_cast<T*>(data_.get());
  }
  void Release() {
    if (capacity_ > kScratchKeep) {
      data_.reset();
      capacity_ = 0;
    }
  }

 private:
  std::unique_ptr<char16_t[]> data_;
  size_t capacity_ = 0;
};

thread_local Scratch input_scratch;

// Releases an oversized scratch buffer when a call ends, on every path.
struct ScratchRelease {
  ~ScratchRelease() { input_scratch.Release(); }
};

v8::Local<v8::Value> ThrowInvalidStringLength(v8::Isolate* isolate) {
  isolate->ThrowException(
      v8::Exception::RangeError(OneByteString(isolate, "Invalid string length")));
  return {};
}

// The string `result` holds `length` characters of, or a RangeError.
v8::Local<v8::Value> FinishOrThrow(v8::Isolate* isolate, OneByteStringResult& result,
                                   size_t length) {
  v8::Local<v8::String> string;
  if (!result.Finish(isolate, length).ToLocal(&string)) return ThrowInvalidStringLength(isolate);
  return string;
}

// Base64 of `length` bytes: 4 characters per 3 bytes or part of them.
size_t EncodedLength(size_t length) { return (length + 2) / 3 * 4; }

// At most 3 bytes per 4 characters of base64 text (whitespace and padding only make it
// less): what simdutf's decoder may write.
size_t MaxDecodedLength(size_t length) { return (length + 3) / 4 * 3; }

// The Latin-1 characters of a string V8 stores one byte per character: read in place when
// they live outside the heap, else copied into the input scratch buffer.
const char* OneByteChars(v8::Isolate* isolate, v8::Local<v8::String> string, size_t length) {
  if (string->IsExternalOneByte()) return string->GetExternalOneByteStringResource()->data();
  char* chars = input_scratch.Get<char>(length);
  string->WriteOneByte(isolate, reinterpret_cast<uint8_t*>(chars), 0, static_cast<int>(length),
                       v8::String::NO_NULL_TERMINATION);
  return chars;
}

// The code units of a string V8 stores two bytes per character, copied into the input
// scratch buffer, followed by `extra` bytes of room for the caller.
char16_t* TwoByteUnits(v8::Isolate* isolate, v8::Local<v8::String> string, size_t length,
                       size_t extra = 0) {
  char16_t* units = input_scratch.Get<char16_t>(length + extra / sizeof(char16_t) + 1);
  string->Write(isolate, reinterpret_cast<uint16_t*>(units), 0, static_cast<int>(length),
                v8::String::NO_NULL_TERMINATION);
  return units;
}

}  // namespace

v8::Local<v8::Value> op_web_structured_clone(v8::Isolate* isolate, v8::Local<v8::Value> value,
                                             v8::Local<v8::Value> transfer,
                                             v8::Local<v8::Value> dom_exception,
                                             v8::Local<v8::Value> clone_host_object) {
  v8::Local<v8::Value> clone;
  if (!StructuredClone(isolate, value, transfer, dom_exception, clone_host_object)
           .ToLocal(&clone)) {
    return {};
  }
  return clone;
}

int32_t op_web_clone_kind(v8::Local<v8::Value> value) {
  constexpr int32_t kOther = 0, kPlainObject = 1, kArray = 2, kDate = 3, kMap = 4, kSet = 5;
  if (!value->IsObject()) return kOther;
  if (value->IsArray()) return kArray;
  if (value->IsDate()) return kDate;
  if (value->IsMap()) return kMap;
  if (value->IsSet()) return kSet;
  // The instance type in the object's map, read as V8's inline API functions do
  // (v8-internal.h): only JS_OBJECT_TYPE itself, not the API, arguments, error, wrapper,
  // iterator, Intl, WeakRef ... types the serializer treats otherwise or refuses.
  using Internals = v8::internal::Internals;
  v8::internal::Address object = *reinterpret_cast<const v8::internal::Address*>(*value);
  if (Internals::GetInstanceType(object) != Internals::kJSObjectType) return kOther;
  // An ordinary object with embedder fields is a host object to the serializer.
  if (value.As<v8::Object>()->InternalFieldCount() != 0) return kOther;
  return kPlainObject;
}

v8::Local<v8::Value> op_web_atob(v8::Isolate* isolate, v8::Local<v8::Value> data) {
  if (!data->IsString()) return v8::Null(isolate);
  ScratchRelease release;
  v8::Local<v8::String> input = data.As<v8::String>();
  size_t length = static_cast<size_t>(input->Length());
  if (input->IsOneByte()) {
    const char* chars = OneByteChars(isolate, input, length);
    OneByteStringResult result(MaxDecodedLength(length));
    if (result.data() == nullptr) return ThrowInvalidStringLength(isolate);
    simdutf::result decoded = simdutf::base64_to_binary(chars, length, result.data());
    if (decoded.error != simdutf::error_code::SUCCESS) return v8::Null(isolate);
    return FinishOrThrow(isolate, result, decoded.count);
  }
  const char16_t* units = TwoByteUnits(isolate, input, length);
  OneByteStringResult result(MaxDecodedLength(length));
  if (result.data() == nullptr) return ThrowInvalidStringLength(isolate);
  simdutf::result decoded = simdutf::base64_to_binary(units, length, result.data());
  if (decoded.error != simdutf::error_code::SUCCESS) return v8::Null(isolate);
  return FinishOrThrow(isolate, result, decoded.count);
}

v8::Local<v8::Value> op_web_btoa(v8::Isolate* isolate, v8::Local<v8::Value> data) {
  if (!data->IsString()) return v8::Null(isolate);
  ScratchRelease release;
  v8::Local<v8::String> input = data.As<v8::String>();
  size_t length = static_cast<size_t>(input->Length());
  size_t encoded_length = EncodedLength(length);
  if (encoded_length > static_cast<size_t>(v8::String::kMaxLength)) {
    return ThrowInvalidStringLength(isolate);
  }
  const char* bytes;
  if (input->IsOneByte()) {
    bytes = OneByteChars(isolate, input, length);
  } else {
    // A two-byte string may still hold only Latin-1 code units; the conversion returns 0
    // when one is above U+00FF. The bytes go after the units in the scratch buffer.
    char16_t* units = TwoByteUnits(isolate, input, length, length);
    char* latin1 = reinterpret_cast<char*>(units + length);
    if (length > 0 && simdutf::convert_utf16_to_latin1(units, length, latin1) != length) {
      return v8::Null(isolate);
    }
    bytes = latin1;
  }
  OneByteStringResult result(encoded_length);
  if (result.data() == nullptr) return ThrowInvalidStringLength(isolate);
  size_t written = simdutf::binary_to_base64(bytes, length, result.data());
  return FinishOrThrow(isolate, result, written);
}

uint32_t op_web_hardware_concurrency() { return uv_available_parallelism(); }

}  // namespace kiln::web
