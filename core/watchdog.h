#ifndef KILN_CORE_WATCHDOG_H_
#define KILN_CORE_WATCHDOG_H_

#include <atomic>
#include <chrono>
#include <map>

#include "absl/time/time.h"
#include "core/runtime.h"

namespace kiln {

// Terminates a runtime (Runtime::Terminate) if the watchdog still exists `timeout` after
// it was made: a per-call timeout is a Watchdog around the call. Every watchdog of the
// process shares one timer thread (started by the first watchdog, never stopped), so a
// watchdog costs a map insertion and removal, not a thread.
//
// Made and destroyed on any thread; it must be destroyed before its runtime. Once the
// destructor has returned, the timer thread no longer touches the runtime. A fired
// watchdog's call returns the Terminated error; callers that made the watchdog report it
// as {class_name "TimeoutError", message "<what> timed out after <N> ms"}.
class Watchdog {
 public:
  Watchdog(Runtime& runtime, absl::Duration timeout);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // Whether the timeout passed and the runtime was told to terminate.
  bool fired() const { return fired_.load(); }

 private:
  friend class WatchdogTimer;
  using Deadlines = std::multimap<std::chrono::steady_clock::time_point, Watchdog*>;

  Runtime& runtime_;
  std::atomic<bool> fired_{false};
  bool armed_ = false;  // still in the timer's map (guarded by the timer's mutex)
  Deadlines::iterator entry_;
};

}  // namespace kiln

#endif  // KILN_CORE_WATCHDOG_H_
