#ifndef KILN_CORE_JS_ERROR_H_
#define KILN_CORE_JS_ERROR_H_

#include <optional>
#include <string>
#include <utility>

#include "v8.h"

namespace kiln {

// A JavaScript exception (or a host failure reported the same way, such as a missing
// module) as a plain C++ value: it outlives the isolate that produced it.
struct JsError {
  // The error's `name` ("TypeError", "NotFound"), the constructor name of another thrown
  // object, or empty when a primitive (42, null, "text") was thrown.
  std::string class_name;
  // The error's `message`; for anything else thrown, the value formatted like console.log
  // would ("42", "{ a: 1 }"; strings unquoted).
  std::string message;
  // The error's `stack` property when it is a string, otherwise empty.
  std::string stack;
  // Where it was thrown: a classic script's path or a module's URL (file:///... for a
  // file, as stack traces name it), 1-based line and column (0 when unknown), and that
  // line of source.
  std::string file;
  int line = 0;
  int column = 0;
  std::string source_line;
  // True when the value thrown was an Error (V8's native errors and their subclasses).
  bool is_error = false;
  // Set when this came from an unhandled promise rejection rather than a throw.
  bool from_rejection = false;

  // "TypeError: message" for errors; "Uncaught 42", "Uncaught { a: 1 }" for other values.
  std::string Summary() const;
  // The report `kiln run` prints: file:line:column, the source line with a caret, and the
  // error with its stack. Very long messages and lines are clipped for display only.
  std::string Report() const;
};

// Builds a JsError from an exception and the message V8 attached to it (may be empty).
JsError JsErrorFromException(v8::Isolate* isolate, v8::Local<v8::Context> context,
                             v8::Local<v8::Value> exception, v8::Local<v8::Message> message);

// A host-side failure reported as a JS-style error (class name + message, no location).
JsError HostError(std::string class_name, std::string message);

// The outcome of running JavaScript: a value or a JsError. Result<void> carries no value.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}           // NOLINT: implicit by design
  Result(JsError error) : error_(std::move(error)) {}     // NOLINT: implicit by design

  bool ok() const { return !error_.has_value(); }
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const JsError& error() const { return *error_; }

 private:
  std::optional<T> value_;
  std::optional<JsError> error_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(JsError error) : error_(std::move(error)) {}     // NOLINT: implicit by design

  bool ok() const { return !error_.has_value(); }
  const JsError& error() const { return *error_; }

 private:
  std::optional<JsError> error_;
};

}  // namespace kiln

#endif  // KILN_CORE_JS_ERROR_H_
