// WebIDL interface objects whose instances are host objects (README.md, "Interface
// objects"): the constructor is a V8 API function made from a FunctionTemplate, so
// `new URL(...)` allocates a JS_API_OBJECT (one internal field) with a map V8 caches, and
// structuredClone's serializer delegate sees every instance. Its [[Prototype]] is
// Function.prototype, its `prototype` is read-only, and its [[Call]] throws as a browser's
// does. What the constructor does is JavaScript: the initializer registered with the
// interface object, called with the new object as `this` and the constructor's arguments.
//
// The initializers live in the context, in a registry object at the embedder-data slot
// kContextSlotInterfaceInitializers (core/op_support.h) whose internal fields hold each
// interface object's initializer and name (the template's data is its index). So they are
// in a startup snapshot with the context that made them, and the construct callback reads
// them inline. ConstructInterfaceObject, the one C++ callback, is in the snapshot's external
// references through kInterfaceObjectTable (interface_object_tables.h).
#ifndef KILN_EXT_WEB_INTERFACE_OBJECT_H_
#define KILN_EXT_WEB_INTERFACE_OBJECT_H_

#include "core/op_support.h"
#include "v8.h"

namespace kiln::web {

// The interface object `name` of the current context: a constructor with `length` and
// `name` as WebIDL says, whose instances are host objects made for new.target (so
// subclasses work) and initialised by `initializer`. Empty, with an exception pending, when
// V8 could not make it.
v8::MaybeLocal<v8::Function> NewInterfaceObject(v8::Local<v8::Context> context,
                                                v8::Local<v8::String> name, int length,
                                                v8::Local<v8::Function> initializer);

// The [[Call]] / [[Construct]] of every interface object NewInterfaceObject makes: without
// `new`, TypeError "Failed to construct '<name>': Please use the 'new' operator, this DOM
// object constructor cannot be called as a function."; with it, the initializer's call.
void ConstructInterfaceObject(const v8::FunctionCallbackInfo<v8::Value>& info);

// An op table without ops that carries ConstructInterfaceObject's address into a
// runtime's external references (what a snapshot holding interface objects needs).
extern const kiln::OpTable kInterfaceObjectTable;

}  // namespace kiln::web

#endif  // KILN_EXT_WEB_INTERFACE_OBJECT_H_
