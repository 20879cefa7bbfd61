#include "ext/url/url_ops.h"

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "ada.h"
#include "core/convert.h"
#include "core/v8_util.h"

namespace kiln::url {
namespace {

constexpr size_t kComponentsBytes = kUrlComponentCount * sizeof(uint32_t);

absl::Status CheckComponents(const ByteView& components) {
  if (components.size < kComponentsBytes) {
    return absl::InvalidArgumentError("url components: expected an Int32Array of 9 entries");
  }
  return absl::OkStatus();
}

void ThrowTypeError(v8::Isolate* isolate, const char* message) {
  isolate->ThrowException(v8::Exception::TypeError(OneByteString(isolate, message)));
}

// Where `value`, an Int32Array of at least kUrlComponentCount entries, keeps its entries;
// null (TypeError pending) for anything else.
uint32_t* ComponentsOf(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  if (!value->IsInt32Array() || value.As<v8::Int32Array>()->Length() < kUrlComponentCount) {
    ThrowTypeError(isolate, "url components: expected an Int32Array of 9 entries");
    return nullptr;
  }
  v8::Local<v8::Int32Array> array = value.As<v8::Int32Array>();
  return reinterpret_cast<uint32_t*>(static_cast<char*>(array->Buffer()->Data()) +
                                     array->ByteOffset());
}

// The UTF-8 form of a JavaScript string, lone surrogates as U+FFFD: what WebIDL's USVString
// conversion and the URL parser's UTF-8 encoding make of it. Short strings stay inline.
class Utf8Input {
 public:
  Utf8Input(v8::Isolate* isolate, v8::Local<v8::String> string) {
    const size_t length = static_cast<size_t>(string->Length());
    if (CopyAscii(isolate, string)) return;
    constexpr int kFlags = v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8;
    // Each UTF-16 unit becomes at most 3 UTF-8 bytes; short strings skip measuring.
    if (length * 3 <= kInlineSize) {
      int size = string->WriteUtf8(isolate, inline_bytes_, static_cast<int>(kInlineSize),
                                   nullptr, kFlags);
      view_ = std::string_view(inline_bytes_, static_cast<size_t>(size));
      return;
    }
    heap_bytes_.resize(static_cast<size_t>(string->Utf8Length(isolate)));
    int size = string->WriteUtf8(isolate, heap_bytes_.data(),
                                 static_cast<int>(heap_bytes_.size()), nullptr, kFlags);
    view_ = std::string_view(heap_bytes_.data(), static_cast<size_t>(size));
  }

  Utf8Input(const Utf8Input&) = delete;
  Utf8Input& operator=(const Utf8Input&) = delete;

  std::string_view view() const { return view_; }
  // Whether the string was ASCII: then its UTF-16 units are these bytes.
  bool ascii() const { return ascii_; }

 private:
  static constexpr size_t kInlineSize = 512;

  // Copies an ASCII one-byte string of at most kInlineSize units inline (its bytes are its
  // UTF-8 form); false for any other string.
  bool CopyAscii(v8::Isolate* isolate, v8::Local<v8::String> string) {
    size_t size = 0;
    if (!TryWriteAscii(isolate, string, inline_bytes_, kInlineSize, &size)) return false;
    view_ = std::string_view(inline_bytes_, size);
    ascii_ = true;
    return true;
  }

  char inline_bytes_[kInlineSize];
  std::string heap_bytes_;
  std::string_view view_;
  bool ascii_ = false;
};

// The last base URL parsed on this thread: its input's UTF-8 bytes and ada's result. A
// parse is a function of the bytes alone, so the entry serves every runtime of the thread.
// A base longer than kMaxCachedBase is not kept (the entry would hold its memory).
struct LastBase {
  static constexpr size_t kMaxCachedBase = 4096;
  std::string input;
  std::optional<ada::url_aggregator> url;
};

// The parse of `base`: the thread's LastBase when it is the same text, else a new parse,
// kept there or (for a long base) in `uncached`; null when `base` is not a valid URL. Valid
// until the next call on the thread.
const ada::url_aggregator* ParseBase(std::string_view base,
                                     std::optional<ada::url_aggregator>* uncached) {
  thread_local LastBase last;
  if (last.url.has_value() && last.input == base) return &*last.url;
  ada::result<ada::url_aggregator> parsed = ada::parse<ada::url_aggregator>(base);
  if (!parsed) return nullptr;
  if (base.size() > LastBase::kMaxCachedBase) {
    *uncached = *std::move(parsed);
    return &**uncached;
  }
  last.input.assign(base);
  last.url = *std::move(parsed);
  return &*last.url;
}

// Writes `url`'s component offsets and scheme type into `destination`.
void WriteComponents(const ada::url_aggregator& url, uint32_t* destination) {
  const ada::url_components& offsets = url.get_components();
  const uint32_t values[kUrlComponentCount] = {
      offsets.protocol_end,   offsets.username_end, offsets.host_start,
      offsets.host_end,       offsets.port,         offsets.pathname_start,
      offsets.search_start,   offsets.hash_start,   static_cast<uint32_t>(url.type),
  };
  std::memcpy(destination, values, sizeof(values));
}

// `url`'s href as a one-byte string of ada's bytes (it is ASCII); empty, with a RangeError
// pending, when it is too long for a V8 string.
v8::MaybeLocal<v8::String> HrefString(v8::Isolate* isolate, const ada::url_aggregator& url) {
  std::string_view href = url.get_href();
  v8::Local<v8::String> string;
  if (href.size() > static_cast<size_t>(v8::String::kMaxLength) ||
      !v8::String::NewFromOneByte(isolate, reinterpret_cast<const uint8_t*>(href.data()),
                                  v8::NewStringType::kNormal, static_cast<int>(href.size()))
           .ToLocal(&string)) {
    isolate->ThrowException(
        v8::Exception::RangeError(OneByteString(isolate, "Invalid string length")));
    return {};
  }
  return string;
}

// Writes `url`'s components and returns its href (or `input_string` when it is already
// that href: an ASCII input equal to it).
v8::Local<v8::Value> Publish(v8::Isolate* isolate, const ada::url_aggregator& url,
                             uint32_t* components, v8::Local<v8::String> input_string,
                             const Utf8Input& input) {
  WriteComponents(url, components);
  if (input.ascii() && url.get_href() == input.view()) return input_string;
  v8::Local<v8::String> href;
  if (!HrefString(isolate, url).ToLocal(&href)) return {};
  return href;
}

// Writes `url`'s components and returns its href, or a RangeError status for an href too
// long for a V8 string.
absl::StatusOr<v8::Local<v8::Value>> PublishUpdate(v8::Isolate* isolate,
                                                   const ada::url_aggregator& url,
                                                   const ByteView& components) {
  std::string_view href = url.get_href();
  if (href.size() > static_cast<size_t>(v8::String::kMaxLength)) {
    return absl::OutOfRangeError("Invalid string length");
  }
  WriteComponents(url, reinterpret_cast<uint32_t*>(components.data));
  v8::Local<v8::String> string;
  if (!v8::String::NewFromOneByte(isolate, reinterpret_cast<const uint8_t*>(href.data()),
                                  v8::NewStringType::kNormal, static_cast<int>(href.size()))
           .ToLocal(&string)) {
    return absl::OutOfRangeError("Invalid string length");
  }
  return string;
}

bool Apply(ada::url_aggregator& url, UrlSetter setter, std::string_view value) {
  switch (setter) {
    case UrlSetter::kProtocol:
      return url.set_protocol(value);
    case UrlSetter::kUsername:
      return url.set_username(value);
    case UrlSetter::kPassword:
      return url.set_password(value);
    case UrlSetter::kHost:
      return url.set_host(value);
    case UrlSetter::kHostname:
      return url.set_hostname(value);
    case UrlSetter::kPort:
      return url.set_port(value);
    case UrlSetter::kPathname:
      return url.set_pathname(value);
    case UrlSetter::kSearch:
      url.set_search(value);
      return true;
    case UrlSetter::kHash:
      url.set_hash(value);
      return true;
  }
  return false;
}

}  // namespace

v8::Local<v8::Value> op_url_new_host_object(v8::Isolate* isolate) {
  v8::Local<v8::ObjectTemplate> layout = v8::ObjectTemplate::New(isolate);
  layout->SetInternalFieldCount(1);
  v8::Local<v8::Object> object;
  if (!layout->NewInstance(isolate->GetCurrentContext()).ToLocal(&object)) return {};
  return object;
}

v8::Local<v8::Value> op_url_clone_object(v8::Isolate* isolate, v8::Local<v8::Value> object) {
  if (!object->IsObject()) {
    isolate->ThrowException(v8::Exception::TypeError(
        OneByteString(isolate, "op_url_clone_object: expected an object")));
    return {};
  }
  return object.As<v8::Object>()->Clone();
}

v8::Local<v8::Value> op_url_new_private_symbol(v8::Isolate* isolate,
                                                 std::string_view description) {
  v8::Local<v8::Private> symbol = v8::Private::New(isolate, Utf8String(isolate, description));
  // A private symbol is a Symbol inside V8; the API only lacks the conversion to Value.
  // (A Local is one pointer to the handle, whatever its type.)
  v8::Local<v8::Value> value;
  static_assert(sizeof(value) == sizeof(symbol));
  std::memcpy(static_cast<void*>(&value), &symbol, sizeof(value));
  return value;
}

v8::Local<v8::Value> op_url_parse(v8::Isolate* isolate, v8::Local<v8::Value> components,
                                  v8::Local<v8::Value> input) {
  uint32_t* destination = ComponentsOf(isolate, components);
  if (destination == nullptr) return {};
  if (!input->IsString()) {
    ThrowTypeError(isolate, "op_url_parse: expected a string");
    return {};
  }
  Utf8Input input_bytes(isolate, input.As<v8::String>());
  ada::result<ada::url_aggregator> url = ada::parse<ada::url_aggregator>(input_bytes.view());
  if (!url) return v8::Null(isolate);
  return Publish(isolate, *url, destination, input.As<v8::String>(), input_bytes);
}

v8::Local<v8::Value> op_url_parse_with_base(v8::Isolate* isolate,
                                            v8::Local<v8::Value> components,
                                            v8::Local<v8::Value> input,
                                            v8::Local<v8::Value> base) {
  uint32_t* destination = ComponentsOf(isolate, components);
  if (destination == nullptr) return {};
  if (!input->IsString() || !base->IsString()) {
    ThrowTypeError(isolate, "op_url_parse_with_base: expected strings");
    return {};
  }
  std::optional<ada::url_aggregator> uncached_base;
  const ada::url_aggregator* base_url;
  {
    Utf8Input base_bytes(isolate, base.As<v8::String>());
    base_url = ParseBase(base_bytes.view(), &uncached_base);
  }
  if (base_url == nullptr) return v8::Null(isolate);
  Utf8Input input_bytes(isolate, input.As<v8::String>());
  ada::result<ada::url_aggregator> url =
      ada::parse<ada::url_aggregator>(input_bytes.view(), base_url);
  if (!url) return v8::Null(isolate);
  return Publish(isolate, *url, destination, input.As<v8::String>(), input_bytes);
}

bool op_url_can_parse(std::string_view input) { return ada::can_parse(input); }

bool op_url_can_parse_with_base(std::string_view input, std::string_view base) {
  return ada::can_parse(input, &base);
}

absl::StatusOr<v8::Local<v8::Value>> op_url_update(v8::Isolate* isolate, ByteView components,
                                                   std::string_view href, int32_t setter,
                                                   std::string_view value) {
  if (absl::Status status = CheckComponents(components); !status.ok()) return status;
  if (setter < static_cast<int32_t>(UrlSetter::kProtocol) ||
      setter > static_cast<int32_t>(UrlSetter::kHash)) {
    return absl::OutOfRangeError("op_url_update: no URL setter " + std::to_string(setter));
  }
  ada::result<ada::url_aggregator> url = ada::parse<ada::url_aggregator>(href);
  if (!url) return absl::InvalidArgumentError("op_url_update: the href is not a valid URL");
  if (!Apply(*url, static_cast<UrlSetter>(setter), value)) return v8::Null(isolate);
  return PublishUpdate(isolate, *url, components);
}

}  // namespace kiln::url
