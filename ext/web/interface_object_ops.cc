#include "ext/web/interface_object_ops.h"

#include "core/v8_util.h"
#include "ext/web/interface_object.h"

namespace kiln::web {

v8::Local<v8::Value> op_web_interface_object(v8::Isolate* isolate, std::string_view name,
                                              int32_t length, v8::Local<v8::Value> initializer) {
  if (length < 0 || !initializer->IsFunction()) {
    isolate->ThrowException(v8::Exception::TypeError(OneByteString(
        isolate, "op_web_interface_object: expected a length >= 0 and an initializer function")));
    return {};
  }
  v8::Local<v8::Function> function;
  if (!NewInterfaceObject(isolate->GetCurrentContext(), Utf8String(isolate, name), length,
                          initializer.As<v8::Function>())
           .ToLocal(&function)) {
    return {};
  }
  return function;
}

}  // namespace kiln::web
