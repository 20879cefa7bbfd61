#include "ext/timers/timers_ops.h"

#include <memory>

#include "core/runtime.h"
#include "uv.h"

namespace kiln::timers {
namespace {

double MonotonicMs() { return static_cast<double>(uv_hrtime()) / 1e6; }

double WallClockMs() {
  uv_timeval64_t now;
  uv_gettimeofday(&now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_usec) / 1e3;
}

// One per runtime, in its OpState.
class TimerState {
 public:
  TimerState(v8::Isolate* isolate, uv_loop_t* loop)
      : isolate_(isolate),
        loop_(loop),
        timer_(new uv_timer_t),
        origin_ms_(MonotonicMs()),
        origin_wall_ms_(WallClockMs()) {
    uv_timer_init(loop, timer_);
    timer_->data = this;
  }
  ~TimerState() {
    uv_close(reinterpret_cast<uv_handle_t*>(timer_),
             [](uv_handle_t* handle) { delete reinterpret_cast<uv_timer_t*>(handle); });
  }
  TimerState(const TimerState&) = delete;
  TimerState& operator=(const TimerState&) = delete;

  static TimerState& Of(OpState& state) {
    return *state.GetOrPut<std::unique_ptr<TimerState>>(
        [&] { return std::make_unique<TimerState>(state.isolate(), state.loop()); });
  }

  double origin_ms() const { return origin_ms_; }
  double origin_wall_ms() const { return origin_wall_ms_; }

  void Arm(double deadline_ms, bool refed) {
    if (deadline_ms < 0) {
      uv_timer_stop(timer_);
      return;
    }
    // libuv counts from its cached loop time; refresh it so the delay is measured from now.
    uv_update_time(loop_);
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

  void SetHandler(v8::Local<v8::Function> fire) { fire_.Reset(isolate_, fire); }

 private:
  // Runs the timers due when the libuv timer fired, in one call into timers.js (which
  // checkpoints microtasks after each callback and re-arms for the next deadline).
  static void OnTimer(uv_timer_t* handle) {
    auto* self = static_cast<TimerState*>(handle->data);
    Runtime* runtime = Runtime::From(self->isolate_);
    if (runtime == nullptr || self->fire_.IsEmpty()) return;
    v8::HandleScope scope(self->isolate_);
    v8::Local<v8::Value> argv[] = {v8::Number::New(self->isolate_, MonotonicMs())};
    v8::Local<v8::Value> ignored;
    runtime->CallMacrotask(self->fire_.Get(self->isolate_), 1, argv, &ignored);
  }

  v8::Isolate* isolate_;
  uv_loop_t* loop_;
  uv_timer_t* timer_;  // heap: freed by its close callback
  double origin_ms_;
  double origin_wall_ms_;
  v8::Global<v8::Function> fire_;
};

}  // namespace

double op_timers_clock() { return MonotonicMs(); }

double op_timers_clock_origin(OpState& state) { return TimerState::Of(state).origin_ms(); }

double op_timers_time_origin(OpState& state) { return TimerState::Of(state).origin_wall_ms(); }

void op_timers_arm(OpState& state, double deadline_ms, bool refed) {
  TimerState::Of(state).Arm(deadline_ms, refed);
}

absl::Status op_timers_set_handler(OpState& state, v8::Isolate* isolate,
                                   v8::Local<v8::Value> fire) {
  if (!fire->IsFunction()) return absl::InvalidArgumentError("the timer handler must be a function");
  TimerState::Of(state).SetHandler(fire.As<v8::Function>());
  return absl::OkStatus();
}

bool op_timers_run_microtasks(v8::Isolate* isolate) {
  Runtime* runtime = Runtime::From(isolate);
  runtime->PerformMicrotaskCheckpoint();
  return !runtime->has_pending_error();
}

void op_timers_queue_microtask(v8::Isolate* isolate, v8::Local<v8::Value> callback) {
  if (callback->IsFunction()) isolate->EnqueueMicrotask(callback.As<v8::Function>());
}

}  // namespace kiln::timers
