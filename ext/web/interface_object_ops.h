// The op that makes WebIDL interface objects with host-object instances
// (interface_object.h; README.md, "Interface objects").
#ifndef KILN_EXT_WEB_INTERFACE_OBJECT_OPS_H_
#define KILN_EXT_WEB_INTERFACE_OBJECT_OPS_H_

#include <cstdint>
#include <string_view>

#include "ops/op.h"

namespace kiln::web {

// The interface object `name` with `length` (its constructor's required arguments):
// `new Name(...args)` makes a host object for new.target and calls
// `initializer.call(object, ...args)`; `Name(...)` without new throws a TypeError. Call it
// once per interface, while the module defining the interface is evaluated. TypeError when
// `length` is negative or `initializer` is not a function.
KILN_OP(nofast) v8::Local<v8::Value> op_web_interface_object(v8::Isolate* isolate,
                                                              std::string_view name,
                                                              int32_t length,
                                                              v8::Local<v8::Value> initializer);

}  // namespace kiln::web

#endif  // KILN_EXT_WEB_INTERFACE_OBJECT_OPS_H_
