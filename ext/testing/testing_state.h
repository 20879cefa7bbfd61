#ifndef KILN_EXT_TESTING_TESTING_STATE_H_
#define KILN_EXT_TESTING_TESTING_STATE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/async_ops.h"
#include "ops/op.h"
#include "uv.h"

namespace kiln {
class Runtime;
class Watchdog;
}

namespace kiln::js_testing {

// What `kiln test` tells the test harness (test.js) of a file's run.
struct RunSettings {
  std::string file;              // the test file, as given to the runner
  std::string filter;            // --filter: a substring, or /regex/ (empty: every test)
  std::string reporter = "spec"; // "spec" or "tap"
  bool trace_leaks = false;      // --trace-leaks: record where each op/resource/timer started
  uint32_t first_tap_number = 1; // TAP numbers continue across files
};

// Outcome counts of one file's tests, kept by op_testing_record.
struct Totals {
  uint32_t passed = 0;
  uint32_t failed = 0;
  uint32_t skipped = 0;
  uint32_t todo = 0;
};

// The testing extension's per-runtime state: the run's settings, the outcome counts, the
// pending async ops (by id, with their op names) and where ops and resources were started
// while leak tracking is on, and the harness's deadline timers.
//
// Leak tracking is off until the runner calls EnableLeakTracking: a runtime that merely has
// the extension installed (`kiln run`) observes nothing.
class TestingState final : public AsyncOpObserver, public ResourceObserver {
 public:
  explicit TestingState(OpState& state);
  ~TestingState();
  TestingState(const TestingState&) = delete;
  TestingState& operator=(const TestingState&) = delete;

  RunSettings settings;
  Totals totals;

  // Observes the runtime's async ops from now on (their names are needed for leak
  // reports); with `trace`, also records the JavaScript stack where each op and resource
  // started.
  void EnableLeakTracking(bool trace);
  bool leak_tracking() const { return async_ops_ != nullptr; }

  struct Started {
    std::string name;   // op name, or resource name
    std::string stack;  // "    at f (file:1:2)\n..." when tracing, else empty
  };
  const std::map<uint32_t, Started>& pending_ops() const { return pending_ops_; }
  // Where resource `id` was opened (empty when not tracing or unknown).
  std::string ResourceStack(uint32_t id) const;

  // Deadline timers of the harness (per-test timeouts): `token` is the harness's.
  void StartDeadline(uint32_t token, double ms, Completer<bool> completer);
  void CancelDeadline(uint32_t token);

  // The runtime whose sync-timeout watchdogs this state arms (set by the runner; null:
  // Watch does nothing).
  Runtime* runtime = nullptr;
  // Arms a watchdog that terminates the runtime's JavaScript after `ms` while test `token`
  // runs; false when there is no runner-attached runtime to stop.
  bool Watch(uint32_t token, double ms);
  void Unwatch(uint32_t token);
  // A watchdog fired since the last call: the runtime's Terminated error is a timeout.
  bool TakeWatchdogFired();

  // AsyncOpObserver
  void AsyncOpStarted(uint32_t id, const char* op_name) override;
  void AsyncOpDelivered(uint32_t id, const char* op_name, Completion::Kind kind) override;
  // ResourceObserver
  void ResourceAdded(ResourceId id, const Resource& resource) override;

 private:
  struct Deadline;
  static void OnDeadline(uv_timer_t* timer);
  std::string CurrentStack() const;

  OpState& state_;
  AsyncOps* async_ops_ = nullptr;  // set while leak tracking is on
  bool trace_ = false;
  std::map<uint32_t, Started> pending_ops_;
  std::map<uint32_t, std::string> resource_stacks_;
  std::map<uint32_t, Deadline*> deadlines_;
  std::map<uint32_t, std::unique_ptr<Watchdog>> watchdogs_;  // by the harness's token
};

}  // namespace kiln::js_testing

#endif  // KILN_EXT_TESTING_TESTING_STATE_H_
