#include "ext/encoding/encoding_ops.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "ext/encoding/decoder.h"
#include "ext/encoding/encodings.h"
#include "simdutf.h"
#include "v8-array-buffer.h"
#include "v8-typed-array.h"

namespace kiln::encoding {
namespace {

// ------------------------------------------------------------------------ TextEncoder --

// A Uint8Array over `size` bytes at `data` (from malloc), which its buffer then owns.
v8::Local<v8::Value> AdoptAsUint8Array(v8::Isolate* isolate, void* data, size_t size) {
  std::unique_ptr<v8::BackingStore> store = v8::ArrayBuffer::NewBackingStore(
      data, size, [](void* bytes, size_t, void*) { std::free(bytes); }, nullptr);
  v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate, std::move(store));
  return v8::Uint8Array::New(buffer, 0, size);
}

v8::Local<v8::Value> EmptyUint8Array(v8::Isolate* isolate) {
  return v8::Uint8Array::New(v8::ArrayBuffer::New(isolate, 0), 0, 0);
}

constexpr int kWriteFlags = v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8;

// The bytes of a Uint8Array (on an ArrayBuffer or a SharedArrayBuffer), to write to.
struct WritableBytes {
  uint8_t* data = nullptr;
  size_t size = 0;
};

bool Uint8ArrayBytes(v8::Local<v8::Value> value, WritableBytes* out) {
  if (!value->IsUint8Array()) return false;
  v8::Local<v8::ArrayBufferView> view = value.As<v8::ArrayBufferView>();
  // Buffer() moves a small on-heap typed array's bytes off the heap once, so they can be
  // written in place.
  v8::Local<v8::ArrayBuffer> buffer = view->Buffer();
  if (buffer->WasDetached() || buffer->Data() == nullptr) return true;  // empty
  out->data = static_cast<uint8_t*>(buffer->Data()) + view->ByteOffset();
  out->size = view->ByteLength();
  return true;
}

// ------------------------------------------------------------------------ TextDecoder --

// The bytes of a BufferSource argument. Small on-heap typed arrays are copied into
// `small` (asking for their buffer would move them off the heap); everything else is
// read in place. A detached buffer has no bytes.
struct InputBytes {
  const uint8_t* data = nullptr;
  size_t size = 0;
  uint8_t small[128];
};

bool ReadBufferSource(v8::Local<v8::Value> value, InputBytes* out) {
  if (value->IsArrayBufferView()) {
    v8::Local<v8::ArrayBufferView> view = value.As<v8::ArrayBufferView>();
    size_t size = view->ByteLength();
    if (!view->HasBuffer() && size <= sizeof(out->small)) {
      out->size = view->CopyContents(out->small, size);
      out->data = out->small;
      return true;
    }
    v8::Local<v8::ArrayBuffer> buffer = view->Buffer();
    if (buffer->WasDetached() || buffer->Data() == nullptr) return true;
    out->data = static_cast<const uint8_t*>(buffer->Data()) + view->ByteOffset();
    out->size = size;
    return true;
  }
  if (value->IsArrayBuffer()) {
    v8::Local<v8::ArrayBuffer> buffer = value.As<v8::ArrayBuffer>();
    out->data = static_cast<const uint8_t*>(buffer->Data());
    out->size = buffer->Data() == nullptr ? 0 : buffer->ByteLength();
    return true;
  }
  if (value->IsSharedArrayBuffer()) {
    v8::Local<v8::SharedArrayBuffer> buffer = value.As<v8::SharedArrayBuffer>();
    out->data = static_cast<const uint8_t*>(buffer->Data());
    out->size = buffer->Data() == nullptr ? 0 : buffer->ByteLength();
    return true;
  }
  return value->IsUndefined();  // decode(): no input
}

absl::Status NotABufferSource() {
  return absl::InvalidArgumentError(
      "Failed to execute 'decode' on 'TextDecoder': parameter 1 is not of type "
      "'(ArrayBuffer or ArrayBufferView)'.");
}

absl::StatusOr<v8::Local<v8::Value>> Result(DecodeStatus status, const Encoding& encoding,
                                            v8::Local<v8::String> text) {
  switch (status) {
    case DecodeStatus::kOk:
      return text;
    case DecodeStatus::kInvalid:
      return absl::InvalidArgumentError(absl::StrCat(
          "The encoded data was not valid for encoding ", std::string(encoding.name)));
    case DecodeStatus::kTooLong:
      return absl::OutOfRangeError("Invalid string length");
    case DecodeStatus::kNoDecoder:
      break;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("no decoder for encoding ", std::string(encoding.name)));
}

// A TextDecoder's stream between decode(input, { stream: true }) calls.
class StreamingDecoder final : public Resource {
 public:
  explicit StreamingDecoder(std::unique_ptr<Decoder> decoder) : decoder_(std::move(decoder)) {}
  std::string name() const override { return "textDecoder"; }
  Decoder& decoder() { return *decoder_; }

 private:
  std::unique_ptr<Decoder> decoder_;
};

}  // namespace

absl::StatusOr<ResolvedEncoding> op_encoding_resolve(std::string_view label) {
  const Encoding* encoding = EncodingForLabel(label);
  if (encoding == nullptr || encoding->family == Family::kReplacement) {
    return absl::OutOfRangeError(
        absl::StrCat("Failed to construct 'TextDecoder': The encoding label provided ('",
                     std::string(label), "') is invalid."));
  }
  return ResolvedEncoding{encoding->id, std::string(encoding->name)};
}

v8::Local<v8::Value> op_encoding_encode(v8::Isolate* isolate, v8::Local<v8::Value> input) {
  if (!input->IsString()) return EmptyUint8Array(isolate);
  v8::Local<v8::String> string = input.As<v8::String>();
  int length = string->Length();
  if (length == 0) return EmptyUint8Array(isolate);
  if (string->IsOneByte()) {
    // Latin-1 characters: copied out once; ASCII is its own UTF-8, so those bytes are the
    // result. Otherwise each byte >= 0x80 becomes two.
    auto* latin1 = static_cast<uint8_t*>(std::malloc(length));
    string->WriteOneByte(isolate, latin1, 0, length, v8::String::NO_NULL_TERMINATION);
    const char* chars = reinterpret_cast<const char*>(latin1);
    if (simdutf::validate_ascii(chars, length)) {
      return AdoptAsUint8Array(isolate, latin1, length);
    }
    size_t size = simdutf::utf8_length_from_latin1(chars, length);
    char* utf8 = static_cast<char*>(std::malloc(size));
    size = simdutf::convert_latin1_to_utf8(chars, length, utf8);
    std::free(latin1);
    return AdoptAsUint8Array(isolate, utf8, size);
  }
  // Two-byte strings: their UTF-16 is copied out (on the stack when small) and simdutf
  // transcodes it into the result's memory; V8 does it when there are lone surrogates.
  std::unique_ptr<char16_t[]> heap_units;
  char16_t stack_units[2048];
  char16_t* units = stack_units;
  if (length > 2048) {
    heap_units.reset(new char16_t[length]);
    units = heap_units.get();
  }
  string->Write(isolate, reinterpret_cast<uint16_t*>(units), 0, length,
                v8::String::NO_NULL_TERMINATION);
  size_t size;
  char* utf8;
  if (simdutf::validate_utf16le(units, length)) {
    size = simdutf::utf8_length_from_utf16le(units, length);
    utf8 = static_cast<char*>(std::malloc(size));
    size = simdutf::convert_valid_utf16le_to_utf8(units, length, utf8);
  } else {
    size = string->Utf8Length(isolate);
    utf8 = static_cast<char*>(std::malloc(size));
    string->WriteUtf8(isolate, utf8, static_cast<int>(size), nullptr, kWriteFlags);
  }
  return AdoptAsUint8Array(isolate, utf8, size);
}

absl::StatusOr<EncodeIntoResult> op_encoding_encode_into(v8::Isolate* isolate,
                                                         v8::Local<v8::Value> source,
                                                         v8::Local<v8::Value> destination) {
  WritableBytes bytes;
  if (!source->IsString() || !Uint8ArrayBytes(destination, &bytes)) {
    return absl::InvalidArgumentError(
        "Failed to execute 'encodeInto' on 'TextEncoder': parameter 2 is not of type "
        "'Uint8Array'.");
  }
  v8::Local<v8::String> string = source.As<v8::String>();
  if (bytes.size == 0 || string->Length() == 0) return EncodeIntoResult{0, 0};
  int capacity = bytes.size > static_cast<size_t>(INT32_MAX) ? INT32_MAX
                                                             : static_cast<int>(bytes.size);
  int read = 0;
  int written = string->WriteUtf8(isolate, reinterpret_cast<char*>(bytes.data), capacity,
                                  &read, kWriteFlags);
  return EncodeIntoResult{static_cast<double>(read), static_cast<double>(written)};
}

absl::StatusOr<v8::Local<v8::Value>> op_encoding_decode(v8::Isolate* isolate,
                                                        int32_t encoding, bool fatal,
                                                        bool ignore_bom,
                                                        v8::Local<v8::Value> input) {
  const Encoding* found = EncodingById(encoding);
  if (found == nullptr) return absl::InvalidArgumentError("no such encoding");
  InputBytes bytes;
  if (!ReadBufferSource(input, &bytes)) return NotABufferSource();
  v8::Local<v8::String> text;
  DecodeStatus status =
      Decoder::DecodeOnce(isolate, *found, fatal, ignore_bom, bytes.data, bytes.size, &text);
  return Result(status, *found, text);
}

absl::StatusOr<ResourceId> op_encoding_decoder_new(OpState& state, int32_t encoding,
                                                   bool fatal, bool ignore_bom) {
  const Encoding* found = EncodingById(encoding);
  std::unique_ptr<Decoder> decoder;
  if (found != nullptr) decoder = Decoder::Create(*found, fatal, ignore_bom);
  if (decoder == nullptr) return absl::InvalidArgumentError("no decoder for this encoding");
  return state.resources().Add(std::make_unique<StreamingDecoder>(std::move(decoder)));
}

absl::StatusOr<v8::Local<v8::Value>> op_encoding_decoder_decode(OpState& state,
                                                                v8::Isolate* isolate,
                                                                ResourceId rid,
                                                                v8::Local<v8::Value> input,
                                                                bool stream) {
  absl::StatusOr<StreamingDecoder*> streaming = state.resources().Get<StreamingDecoder>(rid);
  if (!streaming.ok()) return streaming.status();
  Decoder& decoder = (*streaming)->decoder();
  InputBytes bytes;
  v8::Local<v8::String> text;
  DecodeStatus status = DecodeStatus::kOk;
  bool is_buffer_source = ReadBufferSource(input, &bytes);
  if (is_buffer_source) status = decoder.Decode(isolate, bytes.data, bytes.size, !stream, &text);
  absl::StatusOr<v8::Local<v8::Value>> result =
      is_buffer_source ? Result(status, decoder.encoding(), text) : NotABufferSource();
  if (!stream) state.resources().Close(rid).IgnoreError();
  return result;
}

}  // namespace kiln::encoding
