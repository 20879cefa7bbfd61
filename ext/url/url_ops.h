// The native half of the url extension (url.js): WHATWG URL parsing and the URL setters,
// done by ada 2.7.8 (libnode.so.108's copy; third_party/README.md).
//
// A parsed URL crosses to JavaScript as its href plus the offsets of its components,
// written into `components`, a Uint32Array of kUrlComponentCount entries that url.js
// shares between all URLs (README.md, "Components"). The href of a valid URL is ASCII, so
// the byte offsets ada reports are also UTF-16 offsets into the JavaScript string.
#ifndef KILN_EXT_URL_URL_OPS_H_
#define KILN_EXT_URL_URL_OPS_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "ops/op.h"

namespace kiln::url {

// Entries of the components array, in order: protocol_end, username_end, host_start,
// host_end, port, pathname_start, search_start, hash_start (ada::url_components; an
// omitted port, search or hash is 0xffffffff, -1 in url.js's Int32Array), then the scheme
// type (ada::scheme::type).
inline constexpr int kUrlComponentCount = 9;

// What op_url_update sets (the URL setters other than href).
enum class UrlSetter : int32_t {
  kProtocol = 0,
  kUsername = 1,
  kPassword = 2,
  kHost = 3,
  kHostname = 4,
  kPort = 5,
  kPathname = 6,
  kSearch = 7,
  kHash = 8,
};

// URL objects (url.js, README.md "Construction"). A URL is a host object: it has one
// internal field, so V8's serializer hands it to structuredClone's delegate, which refuses
// it. url.js makes one such object when it is evaluated (op_url_new_host_object), gives it
// URL.prototype and the state property, and every URL is a copy of it (op_url_clone_object:
// the same map, so every URL has one shape and the getters' property loads stay
// monomorphic). Its state is stored under a private symbol (op_url_new_private_symbol):
// an own property that no JavaScript outside the module can name, list or proxy.
KILN_OP(nofast) v8::Local<v8::Value> op_url_new_host_object(v8::Isolate* isolate);
// A shallow copy of `object` (same map, properties and internal field); TypeError when it is
// not an object.
KILN_OP(nofast) v8::Local<v8::Value> op_url_clone_object(v8::Isolate* isolate,
                                                         v8::Local<v8::Value> object);
// A new private symbol with `description`.
KILN_OP(nofast) v8::Local<v8::Value> op_url_new_private_symbol(v8::Isolate* isolate,
                                                               std::string_view description);

// Parses `input` (a string) as an absolute URL. Returns its href and writes its components
// into `components` (an Int32Array of kUrlComponentCount entries), or returns null
// (components untouched) when `input` is not a valid URL. The href is a one-byte string
// made straight from ada's buffer (it is ASCII), or `input` itself when that is already
// the href. TypeError for arguments of other types.
//
// The arguments are taken as values and converted here rather than by the generated
// binding: these are the calls every `new URL()` makes, and the strings' common form (short,
// one-byte, ASCII) is copied without a UTF-8 pass.
KILN_OP(nofast)
v8::Local<v8::Value> op_url_parse(v8::Isolate* isolate, v8::Local<v8::Value> components,
                                  v8::Local<v8::Value> input);
// Parses `base`, then `input` against it. Null when either fails. The last base parsed on
// the thread is kept (its UTF-8 bytes and ada's result), so resolving many inputs against
// one base parses it once.
KILN_OP(nofast)
v8::Local<v8::Value> op_url_parse_with_base(v8::Isolate* isolate,
                                            v8::Local<v8::Value> components,
                                            v8::Local<v8::Value> input,
                                            v8::Local<v8::Value> base);
// URL.canParse(input) / URL.canParse(input, base): whether the constructor would succeed.
KILN_OP() bool op_url_can_parse(std::string_view input);
KILN_OP() bool op_url_can_parse_with_base(std::string_view input, std::string_view base);
// Parses `href` (a URL's current href), applies the setter `setter` (a UrlSetter) with
// `value` and returns the new href, writing its components. Null when the setter leaves
// the URL unchanged because the value is not acceptable (the standard's "return" steps);
// the search and hash setters always succeed.
KILN_OP(nofast)
absl::StatusOr<v8::Local<v8::Value>> op_url_update(v8::Isolate* isolate,
                                                   kiln::ByteView components,
                                                   std::string_view href, int32_t setter,
                                                   std::string_view value);

}  // namespace kiln::url

#endif  // KILN_EXT_URL_URL_OPS_H_
