#include "ext/web/interface_object.h"

#include <cstdint>
#include <string>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "core/v8_util.h"

namespace kiln::web {
namespace {

void ThrowTypeError(v8::Isolate* isolate, const std::string& message) {
  isolate->ThrowException(v8::Exception::TypeError(Utf8String(isolate, message)));
}

// The context's initializer array (interface_object.h), or an empty handle before the
// first interface object of the context.
v8::Local<v8::Array> InitializersOf(v8::Local<v8::Context> context) {
  if (context->GetNumberOfEmbedderDataFields() <=
      static_cast<uint32_t>(kContextSlotInterfaceInitializers)) {
    return {};
  }
  v8::Local<v8::Value> value = context->GetEmbedderData(kContextSlotInterfaceInitializers);
  if (!value->IsArray()) return {};
  return value.As<v8::Array>();
}

// The JavaScript glue of kInterfaceObjectTable: it has no ops to turn into functions.
constexpr char kNoOpsGlue[] =
    "// ext/web/interface_object.h: no ops, only ConstructInterfaceObject's address\n"
    "(function () { return {}; })";

const intptr_t kExternalReferences[] = {
    reinterpret_cast<intptr_t>(&ConstructInterfaceObject),
    0,
};

}  // namespace

const kiln::OpTable kInterfaceObjectTable = {
    "ext/web/interface_object.h", nullptr, 0, kExternalReferences, kNoOpsGlue,
};

v8::MaybeLocal<v8::Function> NewInterfaceObject(v8::Local<v8::Context> context,
                                                v8::Local<v8::String> name, int length,
                                                v8::Local<v8::Function> initializer) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::EscapableHandleScope scope(isolate);
  v8::Local<v8::Array> initializers = InitializersOf(context);
  if (initializers.IsEmpty()) {
    initializers = v8::Array::New(isolate);
    context->SetEmbedderData(kContextSlotInterfaceInitializers, initializers);
  }
  uint32_t index = initializers->Length() / 2;
  if (initializers->Set(context, 2 * index, initializer).IsNothing() ||
      initializers->Set(context, 2 * index + 1, name).IsNothing()) {
    return {};
  }
  v8::Local<v8::FunctionTemplate> interface_template = v8::FunctionTemplate::New(
      isolate, &ConstructInterfaceObject, v8::Integer::NewFromUnsigned(isolate, index), {},
      length, v8::ConstructorBehavior::kAllow);
  interface_template->SetClassName(name);
  // WebIDL: the interface object's "prototype" is { writable: false, enumerable: false,
  // configurable: false }.
  interface_template->ReadOnlyPrototype();
  // An internal field makes the instances host objects to V8's ValueSerializer.
  interface_template->InstanceTemplate()->SetInternalFieldCount(1);
  v8::Local<v8::Function> function;
  if (!interface_template->GetFunction(context).ToLocal(&function)) return {};
  return scope.Escape(function);
}

void ConstructInterfaceObject(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::Array> initializers = InitializersOf(context);
  uint32_t index = info.Data().As<v8::Uint32>()->Value();
  v8::Local<v8::Value> initializer;
  if (initializers.IsEmpty() ||
      !initializers->Get(context, 2 * index).ToLocal(&initializer) ||
      !initializer->IsFunction()) {
    ThrowTypeError(isolate, "Illegal constructor");
    return;
  }
  if (!info.IsConstructCall()) {
    v8::Local<v8::Value> name;
    if (!initializers->Get(context, 2 * index + 1).ToLocal(&name)) return;
    ThrowTypeError(isolate, absl::StrCat("Failed to construct '", ToStdString(isolate, name),
                                         "': Please use the 'new' operator, this DOM object "
                                         "constructor cannot be called as a function."));
    return;
  }
  absl::InlinedVector<v8::Local<v8::Value>, 4> arguments(info.Length());
  for (int i = 0; i < info.Length(); ++i) arguments[i] = info[i];
  // The new object is the call's result whatever the initializer returns; an exception it
  // throws stays pending and is the constructor's.
  v8::MaybeLocal<v8::Value> result = initializer.As<v8::Function>()->Call(
      context, info.This(), info.Length(), arguments.data());
  if (result.IsEmpty()) return;
}

}  // namespace kiln::web
