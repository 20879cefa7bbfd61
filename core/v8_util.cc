#include "core/v8_util.h"

namespace kiln {

std::string ToStdString(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  if (value.IsEmpty()) return {};
  v8::HandleScope scope(isolate);
  v8::Local<v8::String> string;
  if (value->IsString()) {
    string = value.As<v8::String>();
  } else {
    v8::TryCatch try_catch(isolate);
    if (!value->ToString(isolate->GetCurrentContext()).ToLocal(&string)) return {};
  }
  std::string out;
  out.resize(string->Utf8Length(isolate));
  string->WriteUtf8(isolate, out.data(), static_cast<int>(out.size()), nullptr,
                    v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
  return out;
}

v8::Local<v8::String> Utf8String(v8::Isolate* isolate, std::string_view text) {
  v8::Local<v8::String> result;
  if (text.size() > static_cast<size_t>(v8::String::kMaxLength) ||
      !v8::String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal,
                               static_cast<int>(text.size()))
           .ToLocal(&result)) {
    return v8::String::Empty(isolate);
  }
  return result;
}

v8::Local<v8::String> OneByteString(v8::Isolate* isolate, const char* text) {
  return v8::String::NewFromOneByte(isolate, reinterpret_cast<const uint8_t*>(text),
                                    v8::NewStringType::kInternalized)
      .ToLocalChecked();
}

void SetMethod(v8::Isolate* isolate, v8::Local<v8::Object> target, const char* name,
               v8::FunctionCallback callback, v8::Local<v8::Value> data) {
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::String> key = OneByteString(isolate, name);
  v8::Local<v8::Function> function =
      v8::FunctionTemplate::New(isolate, callback, data, {}, 0,
                                v8::ConstructorBehavior::kThrow)
          ->GetFunction(context)
          .ToLocalChecked();
  function->SetName(key);
  target->Set(context, key, function).Check();
}

}  // namespace kiln
