// The native half of the web extension (web.js): the performance clock.
#ifndef KILN_EXT_WEB_WEB_OPS_H_
#define KILN_EXT_WEB_WEB_OPS_H_

#include "ops/op.h"

namespace kiln::web {

// performance.now(): milliseconds since the runtime's time origin, on a monotonic clock.
KILN_OP() double op_web_now(kiln::OpState& state);
// performance.timeOrigin: the time origin as wall-clock milliseconds since the epoch.
KILN_OP() double op_web_time_origin(kiln::OpState& state);

}  // namespace kiln::web

#endif  // KILN_EXT_WEB_WEB_OPS_H_
