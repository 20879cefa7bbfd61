#include "core/js_error.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/runtime.h"
#include "core/v8_util.h"

namespace kiln {
namespace {

// Display limits: the JsError keeps everything, the printed report stays readable.
constexpr size_t kMaxReportedMessageBytes = 64 * 1024;
constexpr size_t kMaxSourceLineBytes = 160;

std::string ClipForDisplay(const std::string& text, size_t limit) {
  if (text.size() <= limit) return text;
  // Do not cut a UTF-8 sequence in half.
  size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat(text.substr(0, cut), "... [", text.size() - cut, " more bytes]");
}

// Returns the part of `line` around 1-based `column` and the caret's column inside it.
std::pair<std::string, int> WindowAroundColumn(const std::string& line, int column) {
  size_t col = column > 0 ? static_cast<size_t>(column - 1) : 0;
  if (line.size() <= kMaxSourceLineBytes) return {line, static_cast<int>(col)};
  size_t start = col > kMaxSourceLineBytes / 2 ? col - kMaxSourceLineBytes / 2 : 0;
  start = std::min(start, line.size() - kMaxSourceLineBytes);
  std::string prefix = start > 0 ? "..." : "";
  std::string window = prefix + line.substr(start, kMaxSourceLineBytes);
  if (start + kMaxSourceLineBytes < line.size()) window += "...";
  return {window, static_cast<int>(prefix.size() + col - start)};
}

// Reads `object[key]` without letting a throwing getter escape.
v8::MaybeLocal<v8::Value> SafeGet(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                  v8::Local<v8::Object> object, const char* key) {
  v8::TryCatch try_catch(isolate);
  return object->Get(context, OneByteString(isolate, key));
}

}  // namespace

std::string JsError::Summary() const {
  if (!is_error) return absl::StrCat("Uncaught ", message);
  if (class_name.empty()) return message;
  if (message.empty()) return class_name;
  return absl::StrCat(class_name, ": ", message);
}

std::string JsError::Report() const {
  std::string out;
  if (!file.empty()) {
    absl::StrAppend(&out, file);
    if (line > 0) absl::StrAppend(&out, ":", line);
    if (column > 0) absl::StrAppend(&out, ":", column);
    absl::StrAppend(&out, "\n");
    if (!source_line.empty()) {
      auto [window, caret] = WindowAroundColumn(source_line, column);
      absl::StrAppend(&out, window, "\n", std::string(caret, ' '), "^\n");
    }
    absl::StrAppend(&out, "\n");
  }
  if (from_rejection) absl::StrAppend(&out, "Uncaught (in promise) ");
  // V8's stack starts with "Class: message"; use it when it does, so nothing prints twice.
  std::string head = is_error || !from_rejection ? Summary() : message;
  if (!stack.empty() && stack.compare(0, head.size(), head) == 0) {
    std::string rest = stack.substr(head.size());
    absl::StrAppend(&out, ClipForDisplay(head, kMaxReportedMessageBytes), rest);
  } else {
    absl::StrAppend(&out, ClipForDisplay(head, kMaxReportedMessageBytes));
    if (!stack.empty()) {
      size_t frames = stack.find("\n    at ");
      if (frames != std::string::npos) absl::StrAppend(&out, stack.substr(frames));
    }
  }
  absl::StrAppend(&out, "\n");
  return out;
}

JsError HostError(std::string class_name, std::string message) {
  JsError error;
  error.class_name = std::move(class_name);
  error.message = std::move(message);
  error.is_error = true;
  return error;
}

JsError JsErrorFromException(v8::Isolate* isolate, v8::Local<v8::Context> context,
                             v8::Local<v8::Value> exception, v8::Local<v8::Message> message) {
  v8::HandleScope scope(isolate);
  JsError error;
  if (exception.IsEmpty()) {
    error.message = "execution terminated";
    error.class_name = "Error";
    error.is_error = true;
    return error;
  }
  if (exception->IsNativeError()) {
    error.is_error = true;
    v8::Local<v8::Object> object = exception.As<v8::Object>();
    v8::Local<v8::Value> value;
    if (SafeGet(isolate, context, object, "name").ToLocal(&value) && value->IsString()) {
      error.class_name = ToStdString(isolate, value);
    }
    if (SafeGet(isolate, context, object, "message").ToLocal(&value) && value->IsString()) {
      error.message = ToStdString(isolate, value);
    }
    if (SafeGet(isolate, context, object, "stack").ToLocal(&value) && value->IsString()) {
      error.stack = ToStdString(isolate, value);
    }
  } else {
    if (exception->IsObject()) {
      error.class_name = ToStdString(isolate, exception.As<v8::Object>()->GetConstructorName());
    }
    Runtime* runtime = Runtime::From(isolate);
    error.message = exception->IsString() || runtime == nullptr
                        ? ToStdString(isolate, exception)
                        : runtime->Inspect(exception);
  }
  if (!message.IsEmpty()) {
    error.file = ToStdString(isolate, message->GetScriptResourceName());
    if (error.file == "undefined") error.file.clear();
    error.line = message->GetLineNumber(context).FromMaybe(0);
    error.column = message->GetStartColumn(context).FromMaybe(-1) + 1;
    v8::Local<v8::String> source_line;
    if (message->GetSourceLine(context).ToLocal(&source_line)) {
      error.source_line = ToStdString(isolate, source_line);
    }
  }
  return error;
}

}  // namespace kiln
