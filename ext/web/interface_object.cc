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

// The context's registry of interface objects: an object whose internal fields hold, for
// the interface object made with `index`, its initializer (InitializerField) and name
// (NameField); fields past the last one are undefined. Internal fields, because the
// construct callback reads them inline, without a property lookup; and only heap objects,
// because a snapshot would take a Smi in an internal field for a native pointer. Empty
// before the first interface object of the context.
int InitializerField(uint32_t index) { return static_cast<int>(2 * index); }
int NameField(uint32_t index) { return static_cast<int>(2 * index + 1); }

v8::Local<v8::Object> RegistryOf(v8::Local<v8::Context> context) {
  if (context->GetNumberOfEmbedderDataFields() <=
      static_cast<uint32_t>(kContextSlotInterfaceInitializers)) {
    return {};
  }
  v8::Local<v8::Value> value = context->GetEmbedderData(kContextSlotInterfaceInitializers);
  if (!value->IsObject()) return {};
  return value.As<v8::Object>();
}

// How many interface objects fit into `registry`.
uint32_t CapacityOf(v8::Local<v8::Object> registry) {
  return registry.IsEmpty() ? 0 : static_cast<uint32_t>(registry->InternalFieldCount()) / 2;
}

// A registry with room for `capacity` interface objects, holding the entries of `old` (if
// any), set as the context's.
v8::MaybeLocal<v8::Object> GrowRegistry(v8::Local<v8::Context> context,
                                        v8::Local<v8::Object> old, uint32_t capacity) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::Local<v8::ObjectTemplate> layout = v8::ObjectTemplate::New(isolate);
  layout->SetInternalFieldCount(static_cast<int>(2 * capacity));
  v8::Local<v8::Object> registry;
  if (!layout->NewInstance(context).ToLocal(&registry)) return {};
  for (int field = 0; field < static_cast<int>(2 * capacity); ++field) {
    bool kept = field < static_cast<int>(2 * CapacityOf(old));
    registry->SetInternalField(field, kept ? old->GetInternalField(field)
                                           : v8::Undefined(isolate).As<v8::Value>());
  }
  context->SetEmbedderData(kContextSlotInterfaceInitializers, registry);
  return registry;
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
  v8::Local<v8::Object> registry = RegistryOf(context);
  uint32_t capacity = CapacityOf(registry);
  uint32_t index = 0;
  while (index < capacity && registry->GetInternalField(InitializerField(index))->IsFunction()) {
    ++index;
  }
  if (index == capacity) {
    // Room for twice as many: a registry is made again only a few times per context.
    if (!GrowRegistry(context, registry, 2 * capacity + 4).ToLocal(&registry)) return {};
  }
  registry->SetInternalField(InitializerField(index), initializer);
  registry->SetInternalField(NameField(index), name);
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
  v8::Local<v8::Object> registry = RegistryOf(context);
  uint32_t index = info.Data().As<v8::Uint32>()->Value();
  v8::Local<v8::Value> initializer;
  if (index < CapacityOf(registry)) {
    initializer = registry->GetInternalField(InitializerField(index));
  }
  if (initializer.IsEmpty() || !initializer->IsFunction()) {
    // Only a function of another context's template could get here.
    ThrowTypeError(isolate, "Illegal constructor");
    return;
  }
  if (!info.IsConstructCall()) {
    v8::Local<v8::Value> name = registry->GetInternalField(NameField(index));
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
