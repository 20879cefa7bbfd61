// The native half of the web extension (web.js): microtasks and the performance clock.
#ifndef KILN_EXT_WEB_WEB_OPS_H_
#define KILN_EXT_WEB_WEB_OPS_H_

#include "ops/op.h"

namespace kiln::web {

// queueMicrotask(callback), for a callback web.js has checked is a function. Not fast:
// enqueueing allocates on the JS heap, which a fast call must not do.
KILN_OP(nofast) void op_web_queue_microtask(v8::Isolate* isolate, v8::Local<v8::Value> callback);
// performance.now(): milliseconds since the runtime's time origin, on a monotonic clock.
KILN_OP() double op_web_now(kiln::OpState& state);
// performance.timeOrigin: the time origin as wall-clock milliseconds since the epoch.
KILN_OP() double op_web_time_origin(kiln::OpState& state);

}  // namespace kiln::web

#endif  // KILN_EXT_WEB_WEB_OPS_H_
