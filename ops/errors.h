#ifndef KILN_OPS_ERRORS_H_
#define KILN_OPS_ERRORS_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace kiln {

// How an op's absl::Status becomes a JavaScript error. Each status code has a default
// class (table in ops/README.md: InvalidArgument -> TypeError, OutOfRange -> RangeError,
// NotFound -> NotFound, ...). An op can name another class and attach a `code` string:
//
//   return ErrorOfClass("BadResource", "Bad resource ID");
//   return WithJsClass(absl::NotFoundError("no such file"), "NotFound", "ENOENT");
//
// Classes that kiln defines (kiln.errors.NotFound, ...) are constructed as themselves, so
// `instanceof` works; any other name makes an Error whose `name` is that class.
absl::Status WithJsClass(absl::Status status, std::string_view js_class,
                         std::string_view code = {});

// An error of class `js_class` with `message` (status code Unknown unless the class is
// one of the table's, in which case it gets that code).
absl::Status ErrorOfClass(std::string_view js_class, std::string_view message,
                     std::string_view code = {});

// The JS class a status maps to: its attached class, or the default for its code.
std::string JsClassOf(const absl::Status& status);
// The `code` attached with WithJsClass, or empty.
std::string JsCodeOf(const absl::Status& status);

}  // namespace kiln

#endif  // KILN_OPS_ERRORS_H_
