#include "ext/url/url_ops.h"

#include <cstdint>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "ada.h"

namespace kiln::url {
namespace {

constexpr size_t kComponentsBytes = kUrlComponentCount * sizeof(uint32_t);

absl::Status CheckComponents(const ByteView& components) {
  if (components.size < kComponentsBytes) {
    return absl::InvalidArgumentError("url components: expected a Uint32Array of 9 entries");
  }
  return absl::OkStatus();
}

// Writes `url`'s component offsets and scheme type into `components` and returns its href
// (ASCII, so a one-byte string of ada's bytes), or a RangeError status for an href too long
// for a V8 string.
absl::StatusOr<v8::Local<v8::Value>> Publish(v8::Isolate* isolate,
                                             const ada::url_aggregator& url,
                                             const ByteView& components) {
  const ada::url_components& offsets = url.get_components();
  const uint32_t values[kUrlComponentCount] = {
      offsets.protocol_end,   offsets.username_end, offsets.host_start,
      offsets.host_end,       offsets.port,         offsets.pathname_start,
      offsets.search_start,   offsets.hash_start,   static_cast<uint32_t>(url.type),
  };
  std::memcpy(components.data, values, sizeof(values));
  std::string_view href = url.get_href();
  v8::Local<v8::String> string;
  if (href.size() > static_cast<size_t>(v8::String::kMaxLength) ||
      !v8::String::NewFromOneByte(isolate, reinterpret_cast<const uint8_t*>(href.data()),
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

absl::StatusOr<v8::Local<v8::Value>> op_url_parse(v8::Isolate* isolate, ByteView components,
                                                  std::string_view input) {
  if (absl::Status status = CheckComponents(components); !status.ok()) return status;
  ada::result<ada::url_aggregator> url = ada::parse<ada::url_aggregator>(input);
  if (!url) return v8::Null(isolate);
  return Publish(isolate, *url, components);
}

absl::StatusOr<v8::Local<v8::Value>> op_url_parse_with_base(v8::Isolate* isolate,
                                                            ByteView components,
                                                            std::string_view input,
                                                            std::string_view base) {
  if (absl::Status status = CheckComponents(components); !status.ok()) return status;
  ada::result<ada::url_aggregator> base_url = ada::parse<ada::url_aggregator>(base);
  if (!base_url) return v8::Null(isolate);
  ada::result<ada::url_aggregator> url = ada::parse<ada::url_aggregator>(input, &*base_url);
  if (!url) return v8::Null(isolate);
  return Publish(isolate, *url, components);
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
  return Publish(isolate, *url, components);
}

}  // namespace kiln::url
