// The native half of structuredClone (structured_clone.js), atob/btoa (base64.js) and
// navigator (navigator.js).
#ifndef KILN_EXT_WEB_WEB_CLONE_OPS_H_
#define KILN_EXT_WEB_WEB_CLONE_OPS_H_

#include <cstdint>

#include "ops/op.h"

namespace kiln::web {

// structuredClone(value, { transfer }): one V8 ValueSerializer pass and one
// ValueDeserializer pass. `transfer` is an Array (the converted sequence<object>); its
// ArrayBuffers are detached and their memory moves to the clone. `dom_exception` is the
// DOMException constructor: DataCloneErrors are made with it, and DOMException host
// objects are cloned as DOMExceptions. `clone_host_object(object)` clones the other host
// objects (structured_clone.js's registry of serializable interfaces), returning undefined
// for one it cannot. A failure throws (a DataCloneError DOMException, or whatever a getter
// of `value` threw) and returns an empty handle.
KILN_OP(nofast) v8::Local<v8::Value> op_web_structured_clone(
    v8::Isolate* isolate, v8::Local<v8::Value> value, v8::Local<v8::Value> transfer,
    v8::Local<v8::Value> dom_exception, v8::Local<v8::Value> clone_host_object);

// What structuredClone's direct clone (structured_clone.js) may copy without the
// serializer, by V8's own type of `value` (no property is read, no JavaScript runs; a Proxy
// is never seen through): 1 a plain object (V8's ordinary JS object type, as object literals
// and class instances are, without internal fields: the serializer's "JS object" case),
// 2 an Array, 3 a Date, 4 a Map, 5 a Set; 0 anything else (primitives included).
KILN_OP() int32_t op_web_clone_kind(v8::Local<v8::Value> value);

// atob(data) for a string base64.js converted: the decoded bytes as a one-byte string,
// or null when `data` is not forgiving-base64 (base64.js throws InvalidCharacterError).
KILN_OP(nofast) v8::Local<v8::Value> op_web_atob(v8::Isolate* isolate, v8::Local<v8::Value> data);
// btoa(data) for a string base64.js converted: the base64 of its code units, or null when
// one of them is above U+00FF.
KILN_OP(nofast) v8::Local<v8::Value> op_web_btoa(v8::Isolate* isolate, v8::Local<v8::Value> data);

// navigator.hardwareConcurrency: the CPUs this process may run on, now.
KILN_OP() uint32_t op_web_hardware_concurrency();

}  // namespace kiln::web

#endif  // KILN_EXT_WEB_WEB_CLONE_OPS_H_
