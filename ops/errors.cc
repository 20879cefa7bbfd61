#include "ops/errors.h"

#include <optional>

#include "absl/strings/cord.h"

namespace kiln {
namespace {

constexpr char kClassPayload[] = "kiln.dev/js-class";
constexpr char kCodePayload[] = "kiln.dev/js-code";

struct CodeClass {
  absl::StatusCode code;
  const char* js_class;
};

// The default JS class of each status code; the first row for a class is also the code
// ErrorOfClass gives it.
constexpr CodeClass kCodeClasses[] = {
    {absl::StatusCode::kInvalidArgument, "TypeError"},
    {absl::StatusCode::kOutOfRange, "RangeError"},
    {absl::StatusCode::kNotFound, "NotFound"},
    {absl::StatusCode::kAlreadyExists, "AlreadyExists"},
    {absl::StatusCode::kPermissionDenied, "PermissionDenied"},
    {absl::StatusCode::kUnauthenticated, "PermissionDenied"},
    {absl::StatusCode::kCancelled, "Interrupted"},
    {absl::StatusCode::kAborted, "Interrupted"},
    {absl::StatusCode::kDeadlineExceeded, "TimedOut"},
    {absl::StatusCode::kUnimplemented, "NotSupported"},
    {absl::StatusCode::kUnavailable, "Unavailable"},
    {absl::StatusCode::kResourceExhausted, "RangeError"},
};

}  // namespace

absl::Status WithJsClass(absl::Status status, std::string_view js_class, std::string_view code) {
  if (status.ok()) return status;
  status.SetPayload(kClassPayload, absl::Cord(absl::string_view(js_class.data(), js_class.size())));
  if (!code.empty()) {
    status.SetPayload(kCodePayload, absl::Cord(absl::string_view(code.data(), code.size())));
  }
  return status;
}

absl::Status ErrorOfClass(std::string_view js_class, std::string_view message,
                          std::string_view code) {
  absl::StatusCode status_code = absl::StatusCode::kUnknown;
  for (const CodeClass& row : kCodeClasses) {
    if (js_class == row.js_class) {
      status_code = row.code;
      break;
    }
  }
  return WithJsClass(absl::Status(status_code, absl::string_view(message.data(), message.size())),
                     js_class, code);
}

std::string JsClassOf(const absl::Status& status) {
  auto attached = status.GetPayload(kClassPayload);
  if (attached) return std::string(*attached);
  for (const CodeClass& row : kCodeClasses) {
    if (status.code() == row.code) return row.js_class;
  }
  return "Error";
}

std::string JsCodeOf(const absl::Status& status) {
  auto attached = status.GetPayload(kCodePayload);
  return attached ? std::string(*attached) : std::string();
}

}  // namespace kiln
