#include "ext/testing/testing_ops.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ext/testing/testing_state.h"

namespace kiln::js_testing {

TestRunSettings op_testing_settings(OpState& state) {
  TestingState* testing = state.extension_state<TestingState>();
  const RunSettings& settings = testing->settings;
  return {settings.file,        settings.filter,           settings.reporter,
          settings.trace_leaks, testing->leak_tracking(), settings.first_tap_number};
}

absl::Status op_testing_record(OpState& state, std::string outcome) {
  Totals& totals = state.extension_state<TestingState>()->totals;
  if (outcome == "passed") {
    ++totals.passed;
  } else if (outcome == "failed") {
    ++totals.failed;
  } else if (outcome == "skipped") {
    ++totals.skipped;
  } else if (outcome == "todo") {
    ++totals.todo;
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unknown test outcome '", outcome, "'"));
  }
  return absl::OkStatus();
}

std::vector<StartedItem> op_testing_pending_ops(OpState& state) {
  std::vector<StartedItem> items;
  for (const auto& [id, started] : state.extension_state<TestingState>()->pending_ops()) {
    if (absl::StartsWith(started.name, "op_testing_")) continue;
    items.push_back({id, started.name, started.stack});
  }
  return items;
}

std::vector<StartedItem> op_testing_open_resources(OpState& state) {
  TestingState* testing = state.extension_state<TestingState>();
  std::vector<StartedItem> items;
  for (const auto& [id, name] : state.resources().List()) {
    items.push_back({id.value, name, testing->ResourceStack(id.value)});
  }
  return items;
}

Future<bool> op_testing_deadline(OpState& state, uint32_t token, double ms) {
  if (!(ms >= 0)) return absl::InvalidArgumentError("ms must be a number >= 0");
  auto [future, completer] = MakeFuture<bool>(state);
  state.extension_state<TestingState>()->StartDeadline(token, ms, std::move(completer));
  return std::move(future);
}

void op_testing_cancel_deadline(OpState& state, uint32_t token) {
  state.extension_state<TestingState>()->CancelDeadline(token);
}

Future<void> op_testing_next_turn(OpState& state) {
  auto [future, completer] = MakeFuture<void>(state);
  completer.Complete();
  return std::move(future);
}

bool op_testing_watch(OpState& state, uint32_t token, double ms) {
  return state.extension_state<TestingState>()->Watch(token, ms);
}

void op_testing_unwatch(OpState& state, uint32_t token) {
  state.extension_state<TestingState>()->Unwatch(token);
}

}  // namespace kiln::js_testing
