#include "ext/timers/timers_ops.h"

#include "ext/timers/timer_state.h"

#include "uv.h"

namespace kiln::timers {
namespace {

double MonotonicMs() { return static_cast<double>(uv_hrtime()) / 1e6; }

}  // namespace

TimerState::TimerState(OpState& state) : state_(state), timer_(new uv_timer_t) {
  uv_timer_init(state.loop(), timer_);
  timer_->data = this;
}

TimerState::~TimerState() {
  uv_close(reinterpret_cast<uv_handle_t*>(timer_),
           [](uv_handle_t* handle) { delete reinterpret_cast<uv_timer_t*>(handle); });
}

void TimerState::Arm(double deadline_ms, bool refed) {
  if (deadline_ms < 0) {
    uv_timer_stop(timer_);
    return;
  }
  // libuv counts from its cached loop time; refresh it so the delay is measured from now.
  uv_update_time(state_.loop());
  double remaining = deadline_ms - MonotonicMs();
  uint64_t timeout = remaining <= 0 ? 0 : static_cast<uint64_t>(remaining + 0.999999);
  uv_timer_start(timer_, &TimerState::OnTimer, timeout, 0);
  auto* handle = reinterpret_cast<uv_handle_t*>(timer_);
  if (refed) {
    uv_ref(handle);
  } else {
    uv_unref(handle);
  }
}

// Runs the timers due when the libuv timer fired, in one call into timers.js (which
// checkpoints microtasks after each callback and re-arms for the next deadline).
void TimerState::OnTimer(uv_timer_t* handle) {
  auto* self = static_cast<TimerState*>(handle->data);
  v8::Isolate* isolate = self->state_.isolate();
  v8::HandleScope scope(isolate);
  if (self->fire_.IsEmpty()) {
    v8::Local<v8::Value> fire;
    if (!self->state_.host().GetInternal("timersFire").ToLocal(&fire) || !fire->IsFunction()) {
      return;
    }
    self->fire_.Reset(isolate, fire.As<v8::Function>());
  }
  v8::Local<v8::Value> argv[] = {v8::Number::New(isolate, MonotonicMs())};
  self->state_.host().CallMacrotask(self->fire_.Get(isolate), 1, argv, nullptr);
}

double op_timers_clock() { return MonotonicMs(); }

void op_timers_arm(OpState& state, double deadline_ms, bool refed) {
  state.extension_state<TimerState>()->Arm(deadline_ms, refed);
}

bool op_timers_run_microtasks(OpState& state) { return state.host().RunMicrotasks(); }

}  // namespace kiln::timers
