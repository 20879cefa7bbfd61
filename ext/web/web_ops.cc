#include "ext/web/web_ops.h"

#include "ext/web/web_state.h"
#include "uv.h"

namespace kiln::web {
namespace {

double WallClockMs() {
  uv_timeval64_t now;
  uv_gettimeofday(&now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_usec) / 1e3;
}

}  // namespace

double MonotonicMs() { return static_cast<double>(uv_hrtime()) / 1e6; }

WebState::WebState(OpState& state) : origin_ms_(MonotonicMs()), origin_wall_ms_(WallClockMs()) {}

double op_web_now(OpState& state) {
  return MonotonicMs() - state.extension_state<WebState>()->origin_ms();
}

double op_web_time_origin(OpState& state) {
  return state.extension_state<WebState>()->origin_wall_ms();
}

}  // namespace kiln::web
