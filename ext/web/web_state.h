#ifndef KILN_EXT_WEB_WEB_STATE_H_
#define KILN_EXT_WEB_WEB_STATE_H_

#include "ops/op_state.h"

namespace kiln::web {

// The web extension's per-runtime state: the runtime's time origin, taken when the
// runtime is created (never baked into a snapshot).
class WebState {
 public:
  explicit WebState(OpState& state);

  double origin_ms() const { return origin_ms_; }            // on the monotonic clock
  double origin_wall_ms() const { return origin_wall_ms_; }  // since the epoch

 private:
  double origin_ms_;
  double origin_wall_ms_;
};

// The monotonic clock in milliseconds.
double MonotonicMs();

}  // namespace kiln::web

#endif  // KILN_EXT_WEB_WEB_STATE_H_
