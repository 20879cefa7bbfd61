#ifndef KILN_EXT_TIMERS_TIMER_STATE_H_
#define KILN_EXT_TIMERS_TIMER_STATE_H_

#include "ops/op.h"
#include "uv.h"
#include "v8.h"

namespace kiln::timers {

// The timers extension's per-runtime state: the libuv timer.
class TimerState {
 public:
  explicit TimerState(OpState& state);
  ~TimerState();
  TimerState(const TimerState&) = delete;
  TimerState& operator=(const TimerState&) = delete;

  void Arm(double deadline_ms, bool refed);

 private:
  static void OnTimer(uv_timer_t* handle);

  OpState& state_;
  uv_timer_t* timer_;  // heap: freed by its close callback
  v8::Global<v8::Function> fire_;  // internals.timersFire, found on the first firing
};

}  // namespace kiln::timers

#endif  // KILN_EXT_TIMERS_TIMER_STATE_H_
