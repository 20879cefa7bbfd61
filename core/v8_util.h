#ifndef KILN_CORE_V8_UTIL_H_
#define KILN_CORE_V8_UTIL_H_

#include <string>
#include <string_view>

#include "v8.h"

namespace kiln {

// UTF-8 copy of any value's string form; lone surrogates become U+FFFD.
std::string ToStdString(v8::Isolate* isolate, v8::Local<v8::Value> value);

// A V8 string from UTF-8 bytes (invalid sequences become U+FFFD). Strings longer than
// V8's maximum length produce an empty string rather than a crash.
v8::Local<v8::String> Utf8String(v8::Isolate* isolate, std::string_view text);

// A V8 string from a Latin-1 literal; intended for property names and short messages.
v8::Local<v8::String> OneByteString(v8::Isolate* isolate, const char* text);

// Sets a function property `name` on `target`, backed by `callback`.
void SetMethod(v8::Isolate* isolate, v8::Local<v8::Object> target, const char* name,
               v8::FunctionCallback callback, v8::Local<v8::Value> data = {});

}  // namespace kiln

#endif  // KILN_CORE_V8_UTIL_H_
