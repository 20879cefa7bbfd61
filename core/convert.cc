#include "core/convert.h"

#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/v8_util.h"

namespace kiln {

bool ConversionContext::Fail(ErrorKind kind, const char* expected, v8::Local<v8::Value> received) {
  return FailWith(kind, absl::StrCat("expected ", expected, ", received ", DescribeType(received)));
}

bool ConversionContext::FailWith(ErrorKind kind, std::string message) {
  kind_ = kind;
  message_.clear();
  for (const PathEntry& entry : path_) {
    if (entry.field != nullptr) {
      absl::StrAppend(&message_, "field '", entry.field, "': ");
    } else {
      absl::StrAppend(&message_, "element ", entry.index, ": ");
    }
  }
  message_ += message;
  return false;
}

bool ConversionContext::FailWithPendingException() {
  exception_pending_ = true;
  return false;
}

void ConversionContext::PushField(const char* name) { path_.push_back({name, 0}); }

void ConversionContext::PushElement(uint32_t index) { path_.push_back({nullptr, index}); }

v8::Local<v8::String> PropertyKeyCache::Get(v8::Isolate* isolate, const char* name) {
  auto it = keys_.find(name);
  if (it != keys_.end()) return it->second.Get(isolate);
  v8::Local<v8::String> key =
      v8::String::NewFromUtf8(isolate, name, v8::NewStringType::kInternalized).ToLocalChecked();
  keys_.emplace(name, v8::Global<v8::String>(isolate, key));
  return key;
}

v8::Local<v8::String> PropertyKey(v8::Isolate* isolate, const char* name) {
  auto* cache = static_cast<PropertyKeyCache*>(isolate->GetData(kIsolateSlotPropertyKeys));
  if (cache != nullptr) return cache->Get(isolate, name);
  return v8::String::NewFromUtf8(isolate, name, v8::NewStringType::kInternalized)
      .ToLocalChecked();
}

void ConversionContext::Pop() { path_.pop_back(); }

std::string DescribeType(v8::Local<v8::Value> value) {
  if (value->IsUndefined()) return "undefined";
  if (value->IsNull()) return "null";
  if (value->IsBoolean()) return "boolean";
  if (value->IsNumber()) return "number";
  if (value->IsString()) return "string";
  if (value->IsBigInt()) return "bigint";
  if (value->IsSymbol()) return "symbol";
  if (value->IsFunction()) return "function";
  if (value->IsArray()) return "array";
  return "object";
}

std::string DescribeNumber(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  if (value->IsBigInt()) {
    v8::Local<v8::String> text;
    if (!value->ToString(isolate->GetCurrentContext()).ToLocal(&text)) return "bigint";
    return ToStdString(isolate, text) + "n";
  }
  if (value->IsNumber() && value.As<v8::Number>()->Value() == 0 &&
      std::signbit(value.As<v8::Number>()->Value())) {
    return "-0";
  }
  return ToStdString(isolate, value);
}

template <typename Int>
bool Converter<Int, std::enable_if_t<std::is_same_v<Int, int64_t> ||
                                     std::is_same_v<Int, uint64_t>>>::
    FromV8(ConversionContext& context, v8::Local<v8::Value> value, Int* out, StringViewBuffer*) {
  if (value->IsNumber()) return NumberToInteger(context, value, out);
  if (!value->IsBigInt()) return context.Fail(ErrorKind::kType, "number or bigint", value);
  bool lossless = false;
  if constexpr (std::is_same_v<Int, int64_t>) {
    *out = value.As<v8::BigInt>()->Int64Value(&lossless);
  } else {
    *out = value.As<v8::BigInt>()->Uint64Value(&lossless);
  }
  if (lossless) return true;
  return context.FailWith(ErrorKind::kRange,
                          absl::StrCat("expected ", IntegerRangeText<Int>(), ", received ",
                                       DescribeNumber(context.isolate(), value)));
}

template <typename Int>
v8::MaybeLocal<v8::Value> Converter<Int, std::enable_if_t<std::is_same_v<Int, int64_t> ||
                                                          std::is_same_v<Int, uint64_t>>>::
    ToV8(v8::Isolate* isolate, Int value) {
  constexpr Int kMaxSafe = (Int{1} << 53) - 1;
  if constexpr (std::is_same_v<Int, int64_t>) {
    if (value >= -kMaxSafe && value <= kMaxSafe) {
      return v8::Number::New(isolate, static_cast<double>(value));
    }
    return v8::BigInt::New(isolate, value);
  } else {
    if (value <= kMaxSafe) return v8::Number::New(isolate, static_cast<double>(value));
    return v8::BigInt::NewFromUnsigned(isolate, value);
  }
}

template struct Converter<int64_t>;
template struct Converter<uint64_t>;

namespace {

// UTF-8 bytes of `string` into `out` (which has room for `capacity` bytes); lone
// surrogates become U+FFFD.
size_t WriteUtf8(v8::Isolate* isolate, v8::Local<v8::String> string, char* out, size_t capacity) {
  return static_cast<size_t>(string->WriteUtf8(
      isolate, out, static_cast<int>(capacity), nullptr,
      v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8));
}

}  // namespace

bool TryWriteAscii(v8::Isolate* isolate, v8::Local<v8::String> string, char* out,
                   size_t capacity, size_t* size) {
  size_t length = static_cast<size_t>(string->Length());
  if (length > capacity || !string->IsOneByte()) return false;
  auto* bytes = reinterpret_cast<uint8_t*>(out);
  string->WriteOneByte(isolate, bytes, 0, static_cast<int>(length),
                       v8::String::NO_NULL_TERMINATION);
  // ASCII check eight bytes at a time.
  uint64_t high_bits = 0;
  size_t i = 0;
  for (; i + 8 <= length; i += 8) {
    uint64_t word;
    std::memcpy(&word, bytes + i, 8);
    high_bits |= word;
  }
  for (; i < length; ++i) high_bits |= bytes[i];
  if (high_bits & 0x8080808080808080ull) return false;
  *size = length;
  return true;
}

bool Converter<std::string>::FromV8(ConversionContext& context, v8::Local<v8::Value> value,
                                    std::string* out, StringViewBuffer*) {
  if (!value->IsString()) return context.Fail(ErrorKind::kType, "string", value);
  v8::Local<v8::String> string = value.As<v8::String>();
  size_t size = 0;
  out->resize(static_cast<size_t>(string->Length()));
  if (TryWriteAscii(context.isolate(), string, out->data(), out->size(), &size)) return true;
  out->resize(static_cast<size_t>(string->Utf8Length(context.isolate())));
  WriteUtf8(context.isolate(), string, out->data(), out->size());
  return true;
}

v8::MaybeLocal<v8::Value> Converter<std::string>::ToV8(v8::Isolate* isolate,
                                                       const std::string& value) {
  return Converter<std::string_view>::ToV8(isolate, value);
}

bool Converter<std::string_view>::FromV8(ConversionContext& context, v8::Local<v8::Value> value,
                                         std::string_view* out, StringViewBuffer* storage) {
  if (!value->IsString()) return context.Fail(ErrorKind::kType, "string", value);
  v8::Local<v8::String> string = value.As<v8::String>();
  v8::Isolate* isolate = context.isolate();
  size_t ascii_size = 0;
  if (TryWriteAscii(isolate, string, storage->inline_bytes, StringViewBuffer::kInlineSize,
                    &ascii_size)) {
    *out = std::string_view(storage->inline_bytes, ascii_size);
    return true;
  }
  // Each UTF-16 unit becomes at most 3 UTF-8 bytes; short strings skip measuring.
  size_t worst_case = static_cast<size_t>(string->Length()) * 3;
  if (worst_case <= StringViewBuffer::kInlineSize) {
    size_t size = WriteUtf8(isolate, string, storage->inline_bytes, StringViewBuffer::kInlineSize);
    *out = std::string_view(storage->inline_bytes, size);
    return true;
  }
  size_t size = static_cast<size_t>(string->Utf8Length(isolate));
  char* target = storage->inline_bytes;
  if (size > StringViewBuffer::kInlineSize) {
    storage->heap.resize(size);
    target = storage->heap.data();
  }
  WriteUtf8(isolate, string, target, size);
  *out = std::string_view(target, size);
  return true;
}

v8::MaybeLocal<v8::Value> Converter<std::string_view>::ToV8(v8::Isolate* isolate,
                                                            std::string_view value) {
  if (value.size() > static_cast<size_t>(v8::String::kMaxLength)) {
    isolate->ThrowException(v8::Exception::RangeError(
        OneByteString(isolate, "string is longer than V8's maximum string length")));
    return {};
  }
  // V8's UTF-8 decoder turns invalid sequences into U+FFFD.
  v8::Local<v8::String> string;
  if (!v8::String::NewFromUtf8(isolate, value.data(), v8::NewStringType::kNormal,
                               static_cast<int>(value.size()))
           .ToLocal(&string)) {
    return {};
  }
  return string;
}

namespace {

// The buffer and byte range behind an ArrayBuffer or ArrayBufferView argument.
struct BufferRange {
  v8::Local<v8::ArrayBuffer> buffer;
  size_t offset = 0;
  size_t length = 0;
};

bool GetBufferRange(ConversionContext& context, v8::Local<v8::Value> value, BufferRange* range) {
  if (value->IsArrayBuffer()) {
    range->buffer = value.As<v8::ArrayBuffer>();
    range->length = range->buffer->ByteLength();
  } else if (value->IsArrayBufferView()) {
    v8::Local<v8::ArrayBufferView> view = value.As<v8::ArrayBufferView>();
    range->buffer = view->Buffer();
    range->offset = view->ByteOffset();
    range->length = view->ByteLength();
  } else {
    return context.Fail(ErrorKind::kType, "ArrayBuffer or ArrayBufferView", value);
  }
  if (range->buffer->WasDetached()) {
    return context.FailWith(ErrorKind::kType, "expected ArrayBuffer or ArrayBufferView, "
                                              "received a detached buffer");
  }
  return true;
}

}  // namespace

bool Converter<ByteView>::FromV8(ConversionContext& context, v8::Local<v8::Value> value,
                                 ByteView* out, StringViewBuffer*) {
  BufferRange range;
  if (!GetBufferRange(context, value, &range)) return false;
  out->data = static_cast<uint8_t*>(range.buffer->Data()) + range.offset;
  out->size = range.length;
  return true;
}

bool Converter<SharedBytes>::FromV8(ConversionContext& context, v8::Local<v8::Value> value,
                                    SharedBytes* out, StringViewBuffer*) {
  BufferRange range;
  if (!GetBufferRange(context, value, &range)) return false;
  *out = SharedBytes(range.buffer->GetBackingStore(), range.offset, range.length);
  return true;
}

v8::MaybeLocal<v8::Value> Converter<SharedBytes>::ToV8(v8::Isolate* isolate,
                                                       const SharedBytes& value) {
  if (!value.store()) return v8::Uint8Array::New(v8::ArrayBuffer::New(isolate, 0), 0, 0);
  v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate, value.store());
  return v8::Uint8Array::New(buffer, value.offset(), value.size());
}

bool Converter<ByteBuffer>::FromV8(ConversionContext& context, v8::Local<v8::Value> value,
                                   ByteBuffer* out, StringViewBuffer*) {
  BufferRange range;
  if (!GetBufferRange(context, value, &range)) return false;
  const uint8_t* begin = static_cast<const uint8_t*>(range.buffer->Data()) + range.offset;
  *out = ByteBuffer(std::vector<uint8_t>(begin, begin + range.length));
  return true;
}

v8::MaybeLocal<v8::Value> Converter<ByteBuffer>::ToV8(v8::Isolate* isolate, ByteBuffer value) {
  size_t size = value.size();
  if (size == 0) return v8::Uint8Array::New(v8::ArrayBuffer::New(isolate, 0), 0, 0);
  // The backing store owns the vector; its deleter only frees memory (it may run on a V8
  // background thread or at isolate disposal).
  auto* owner = new std::vector<uint8_t>(value.Release());
  std::unique_ptr<v8::BackingStore> store = v8::ArrayBuffer::NewBackingStore(
      owner->data(), size,
      [](void*, size_t, void* deleter_data) {
        delete static_cast<std::vector<uint8_t>*>(deleter_data);
      },
      owner);
  v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate, std::move(store));
  return v8::Uint8Array::New(buffer, 0, size);
}

}  // namespace kiln
