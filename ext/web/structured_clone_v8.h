// HTML's structured clone on V8's ValueSerializer and ValueDeserializer, for
// op_web_structured_clone (web_clone_ops.h). A library of its own because it is compiled
// without RTTI: libnode is, so the typeinfo of V8's delegate classes does not exist.
#ifndef KILN_EXT_WEB_STRUCTURED_CLONE_V8_H_
#define KILN_EXT_WEB_STRUCTURED_CLONE_V8_H_

#include "v8.h"

namespace kiln::web {

// The clone of `value`: serialized, the ArrayBuffers of `transfer` (an Array, or
// undefined) detached, then deserialized with their memory. `dom_exception` is the
// DOMException constructor: DataCloneErrors are made with it, and DOMException host
// objects are cloned as DOMExceptions. `clone_host_object` (a function, or undefined)
// clones any other host object: it returns the clone, or undefined when the object is
// not serializable (a DataCloneError). Empty, with an exception pending, on failure.
v8::MaybeLocal<v8::Value> StructuredClone(v8::Isolate* isolate, v8::Local<v8::Value> value,
                                          v8::Local<v8::Value> transfer,
                                          v8::Local<v8::Value> dom_exception,
                                          v8::Local<v8::Value> clone_host_object);

}  // namespace kiln::web

#endif  // KILN_EXT_WEB_STRUCTURED_CLONE_V8_H_
