#include "examples/counter/counter_ops.h"

#include "examples/counter/counter_state.h"
#include "uv.h"

namespace counter {

double op_counter_add(kiln::OpState& state, double by) {
  CounterState* counter = state.extension_state<CounterState>();
  counter->count += by;
  return counter->count;
}

namespace {
// One pending op_counter_later: a libuv timer that completes the promise, then closes.
struct Later {
  uv_timer_t timer;
  kiln::Completer<double> completer;
  CounterState* counter;
};
}  // namespace

kiln::Future<double> op_counter_later(kiln::OpState& state, double ms) {
  if (!(ms >= 0)) return absl::InvalidArgumentError("ms must be a number >= 0");
  auto [future, completer] = kiln::MakeFuture<double>(state);
  auto* later = new Later{{}, std::move(completer), state.extension_state<CounterState>()};
  uv_timer_init(state.loop(), &later->timer);
  later->timer.data = later;
  uv_timer_start(
      &later->timer,
      [](uv_timer_t* timer) {
        auto* later = static_cast<Later*>(timer->data);
        later->completer.Complete(later->counter->count);
        uv_close(reinterpret_cast<uv_handle_t*>(timer),
                 [](uv_handle_t* handle) { delete static_cast<Later*>(handle->data); });
      },
      static_cast<uint64_t>(ms), 0);
  return std::move(future);
}

}  // namespace counter
