// HTML's structured clone on V8's ValueSerializer and ValueDeserializer, for
// op_web_structured_clone (web_clone_ops.h) and workers' messages (ext/worker). A library of its own because it is compiled
// without RTTI: libnode is, so the typeinfo of V8's delegate classes does not exist.
#ifndef KILN_EXT_WEB_STRUCTURED_CLONE_V8_H_
#define KILN_EXT_WEB_STRUCTURED_CLONE_V8_H_

#include <cstdint>
#include <optional>
#include <vector>

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

// A message for another runtime of the process (a worker's, or its parent's): HTML's
// StructuredSerializeWithTransfer, written to bytes. Each runtime has its own ArrayBuffer
// allocator, so memory cannot move between runtimes: the contents of the transferred
// ArrayBuffers (`transfer`: an Array, or undefined) are copied into the message and the
// buffers detached. A DOMException crosses by value; other host objects (Blob, File,
// MessagePort), SharedArrayBuffers and WebAssembly modules are a DataCloneError. Empty,
// with the exception pending, on failure.
std::optional<std::vector<uint8_t>> SerializeMessage(v8::Isolate* isolate,
                                                     v8::Local<v8::Value> value,
                                                     v8::Local<v8::Value> transfer,
                                                     v8::Local<v8::Value> dom_exception);

// The value of a message SerializeMessage made (in this runtime or another), in the
// isolate's current context. Empty, with an exception pending, when it cannot be read.
v8::MaybeLocal<v8::Value> DeserializeMessage(v8::Isolate* isolate, const uint8_t* data,
                                             size_t size, v8::Local<v8::Value> dom_exception);

}  // namespace kiln::web

#endif  // KILN_EXT_WEB_STRUCTURED_CLONE_V8_H_
