// HTML's structured clone on V8's ValueSerializer and ValueDeserializer, for
// op_web_structured_clone (web_clone_ops.h) and workers' messages (ext/worker). A library of its own because it is compiled
// without RTTI: libnode is, so the typeinfo of V8's delegate classes does not exist.
#ifndef KILN_EXT_WEB_STRUCTURED_CLONE_V8_H_
#define KILN_EXT_WEB_STRUCTURED_CLONE_V8_H_

#include <cstdint>
#include <memory>
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
// StructuredSerializeWithTransfer, written to bytes, and the memory of the transferred
// ArrayBuffers (`transfer`: an Array, or undefined), which are detached: the receiving
// runtime's ArrayBuffers take it over without a copy (a runtime's allocator outlives the
// memory it gave, core/array_buffer_allocator.h). A DOMException crosses by value; other
// host objects (Blob, File, MessagePort), SharedArrayBuffers and WebAssembly modules are a
// DataCloneError.
struct Message {
  std::vector<uint8_t> data;                              // the serializer's bytes
  std::vector<std::shared_ptr<v8::BackingStore>> buffers;  // the transferred memory
};

// Empty, with the exception pending, on failure.
std::optional<Message> SerializeMessage(v8::Isolate* isolate, v8::Local<v8::Value> value,
                                        v8::Local<v8::Value> transfer,
                                        v8::Local<v8::Value> dom_exception);

// The value of a message SerializeMessage made (in this runtime or another): `data` and
// the message's `buffers`, in the isolate's current context. Empty, with an exception
// pending, when it cannot be read.
v8::MaybeLocal<v8::Value> DeserializeMessage(
    v8::Isolate* isolate, const uint8_t* data, size_t size,
    const std::vector<std::shared_ptr<v8::BackingStore>>& buffers,
    v8::Local<v8::Value> dom_exception);

}  // namespace kiln::web

#endif  // KILN_EXT_WEB_STRUCTURED_CLONE_V8_H_
