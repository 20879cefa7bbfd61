#include "ext/web/web_clone_ops.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ext/web/structured_clone_v8.h"
#include "simdutf.h"
#include "uv.h"

namespace kiln::web {
namespace {

v8::Local<v8::String> OneByteLiteral(v8::Isolate* isolate, std::string_view text) {
  return v8::String::NewFromOneByte(isolate, reinterpret_cast<const uint8_t*>(text.data()),
                                    v8::NewStringType::kNormal, static_cast<int>(text.size()))
      .ToLocalChecked();
}

// ---- base64 ----

// Memory one thread's base64 calls reuse for the copy of their input and for their output:
// fresh allocations of a megabyte are fresh pages, and the page faults would cost more than
// the encoding. Buffers above kScratchKeep bytes are released after the call.
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
thread_local Scratch output_scratch;

// Releases oversized scratch buffers when a call ends, on every path.
struct ScratchRelease {
  ~ScratchRelease() {
    input_scratch.Release();
    output_scratch.Release();
  }
};

v8::Local<v8::Value> ThrowInvalidStringLength(v8::Isolate* isolate) {
  isolate->ThrowException(
      v8::Exception::RangeError(OneByteLiteral(isolate, "Invalid string length")));
  return {};
}

// Memory blocks of large results, recycled: a result of a megabyte in fresh memory (V8's
// heap or malloc's) is fresh pages, whose page faults cost more than the encoding. A block
// leaves the pool as an external string's characters and comes back when V8 disposes of
// the string (on any thread: the pool is locked). Never destroyed, as strings may be
// disposed of during static destruction.
class BlockPool {
 public:
  static constexpr size_t kMaxPooledBytes = 64 * 1024 * 1024;

  static BlockPool& Instance() {
    static BlockPool* pool = new BlockPool();
    return *pool;
  }

  // A block of at least `size` bytes (at most twice that when it is a recycled one).
  char* Take(size_t size, size_t* capacity) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      size_t best = free_.size();
      for (size_t i = 0; i < free_.size(); ++i) {
        if (free_[i].capacity >= size && free_[i].capacity / 2 <= size &&
            (best == free_.size() || free_[i].capacity < free_[best].capacity)) {
          best = i;
        }
      }
      if (best != free_.size()) {
        Block block = free_[best];
        free_[best] = free_.back();
        free_.pop_back();
        pooled_bytes_ -= block.capacity;
        *capacity = block.capacity;
        return block.data;
      }
    }
    *capacity = size;
    return static_cast<char*>(std::malloc(size));
  }

  void Give(char* data, size_t capacity) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (pooled_bytes_ + capacity <= kMaxPooledBytes) {
        free_.push_back({data, capacity});
        pooled_bytes_ += capacity;
        return;
      }
    }
    std::free(data);
  }

 private:
  struct Block {
    char* data;
    size_t capacity;
  };
  std::mutex mutex_;
  std::vector<Block> free_;
  size_t pooled_bytes_ = 0;
};

// An external string's characters in a pooled block. The block counts as external memory
// of the isolate while the string lives, so that garbage collection comes soon enough for
// blocks to be recycled rather than allocated anew.
class PooledOneByteString final : public v8::String::ExternalOneByteStringResource {
 public:
  PooledOneByteString(v8::Isolate* isolate, char* block, size_t capacity, size_t length)
      : isolate_(isolate), block_(block), capacity_(capacity), length_(length) {
    isolate_->AdjustAmountOfExternalAllocatedMemory(static_cast<int64_t>(capacity_));
  }
  ~PooledOneByteString() override {
    isolate_->AdjustAmountOfExternalAllocatedMemory(-static_cast<int64_t>(capacity_));
    BlockPool::Instance().Give(block_, capacity_);
  }
  const char* data() const override { return block_; }
  size_t length() const override { return length_; }

 private:
  v8::Isolate* isolate_;
  char* block_;
  size_t capacity_;
  size_t length_;
};

// Where a base64 call writes its result, at most `max_length` Latin-1 characters: a pooled
// block that becomes an external string (no copy), or for small results the output
// scratch buffer, copied into the V8 heap.
class ResultString {
 public:
  static constexpr size_t kExternalMinLength = 64 * 1024;

  explicit ResultString(size_t max_length) {
    if (max_length >= kExternalMinLength) {
      data_ = BlockPool::Instance().Take(max_length, &capacity_);
      pooled_ = true;
    } else {
      data_ = output_scratch.Get<char>(max_length);
    }
  }
  ~ResultString() {
    if (pooled_ && data_ != nullptr) BlockPool::Instance().Give(data_, capacity_);
  }

  // Null when the memory could not be allocated.
  char* data() { return data_; }

  // The string of the first `length` characters written (empty handle with an exception
  // thrown when it is too long).
  v8::Local<v8::Value> Finish(v8::Isolate* isolate, size_t length) {
    if (length > static_cast<size_t>(v8::String::kMaxLength)) {
      return ThrowInvalidStringLength(isolate);
    }
    v8::Local<v8::String> result;
    if (pooled_ && length >= kExternalMinLength) {
      auto* resource = new PooledOneByteString(isolate, data_, capacity_, length);
      data_ = nullptr;  // the resource owns the block now
      if (!v8::String::NewExternalOneByte(isolate, resource).ToLocal(&result)) {
        delete resource;  // not adopted: gives the block back
        return ThrowInvalidStringLength(isolate);
      }
      return result;
    }
    if (!v8::String::NewFromOneByte(isolate, reinterpret_cast<const uint8_t*>(data_),
                                    v8::NewStringType::kNormal, static_cast<int>(length))
             .ToLocal(&result)) {
      return ThrowInvalidStringLength(isolate);
    }
    return result;
  }

 private:
  char* data_ = nullptr;
  size_t capacity_ = 0;
  bool pooled_ = false;
};

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

v8::Local<v8::Value> op_web_host_object_constructor(v8::Isolate* isolate) {
  v8::EscapableHandleScope scope(isolate);
  v8::Local<v8::FunctionTemplate> constructor = v8::FunctionTemplate::New(isolate);
  constructor->SetClassName(OneByteLiteral(isolate, "HostObject"));
  constructor->InstanceTemplate()->SetInternalFieldCount(1);
  v8::Local<v8::Function> function;
  if (!constructor->GetFunction(isolate->GetCurrentContext()).ToLocal(&function)) return {};
  return scope.Escape(function);
}

v8::Local<v8::Value> op_web_atob(v8::Isolate* isolate, v8::Local<v8::Value> data) {
  if (!data->IsString()) return v8::Null(isolate);
  ScratchRelease release;
  v8::Local<v8::String> input = data.As<v8::String>();
  size_t length = static_cast<size_t>(input->Length());
  if (input->IsOneByte()) {
    const char* chars = OneByteChars(isolate, input, length);
    ResultString result(MaxDecodedLength(length));
    if (result.data() == nullptr) return ThrowInvalidStringLength(isolate);
    simdutf::result decoded = simdutf::base64_to_binary(chars, length, result.data());
    if (decoded.error != simdutf::error_code::SUCCESS) return v8::Null(isolate);
    return result.Finish(isolate, decoded.count);
  }
  const char16_t* units = TwoByteUnits(isolate, input, length);
  ResultString result(MaxDecodedLength(length));
  if (result.data() == nullptr) return ThrowInvalidStringLength(isolate);
  simdutf::result decoded = simdutf::base64_to_binary(units, length, result.data());
  if (decoded.error != simdutf::error_code::SUCCESS) return v8::Null(isolate);
  return result.Finish(isolate, decoded.count);
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
  ResultString result(encoded_length);
  if (result.data() == nullptr) return ThrowInvalidStringLength(isolate);
  size_t written = simdutf::binary_to_base64(bytes, length, result.data());
  return result.Finish(isolate, written);
}

uint32_t op_web_hardware_concurrency() { return uv_available_parallelism(); }

}  // namespace kiln::web
