#include "core/watchdog.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace kiln {

// The process's one timer thread: sleeps until the earliest deadline, then terminates
// the runtimes whose watchdogs are due. Terminate() is called with the timer's mutex
// held, so a watchdog's destructor (which takes it) cannot return while its runtime is
// being terminated. Terminate() only takes the runtime's own mutex, which is never held
// while taking this one: no lock-order cycle.
class WatchdogTimer {
 public:
  static WatchdogTimer& Get() {
    // Leaked with its thread: it lives until the process exits.
    static WatchdogTimer* timer = new WatchdogTimer();
    return *timer;
  }

  void Arm(Watchdog* watchdog, std::chrono::steady_clock::time_point deadline) {
    std::lock_guard<std::mutex> lock(mutex_);
    watchdog->entry_ = deadlines_.emplace(deadline, watchdog);
    watchdog->armed_ = true;
    if (watchdog->entry_ == deadlines_.begin()) changed_.notify_one();
  }

  void Disarm(Watchdog* watchdog) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (watchdog->armed_) deadlines_.erase(watchdog->entry_);
    watchdog->armed_ = false;
  }

 private:
  WatchdogTimer() { std::thread([this] { Run(); }).detach(); }

  void Run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
      if (deadlines_.empty()) {
        changed_.wait(lock);
        continue;
      }
      auto first = deadlines_.begin();
      // A copy: the entry may be erased while the mutex is released for the wait.
      const std::chrono::steady_clock::time_point deadline = first->first;
      if (std::chrono::steady_clock::now() < deadline) {
        changed_.wait_until(lock, deadline);
        continue;
      }
      Watchdog* watchdog = first->second;
      deadlines_.erase(first);
      watchdog->armed_ = false;
      watchdog->fired_ = true;
      watchdog->runtime_.Terminate();
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  Watchdog::Deadlines deadlines_;
};

Watchdog::Watchdog(Runtime& runtime, absl::Duration timeout) : runtime_(runtime) {
  WatchdogTimer::Get().Arm(this, std::chrono::steady_clock::now() +
                                     absl::ToChronoNanoseconds(std::max(timeout, absl::ZeroDuration())));
}

Watchdog::~Watchdog() { WatchdogTimer::Get().Disarm(this); }

}  // namespace kiln
