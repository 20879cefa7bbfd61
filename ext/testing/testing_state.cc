#include "ext/testing/testing_state.h"

#include <string_view>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/op_support.h"
#include "core/watchdog.h"
#include "v8.h"

namespace kiln::js_testing {

// One armed deadline: a libuv timer completing the harness's promise with true when it
// fires, or with false when canceled. Freed by the timer's close callback.
struct TestingState::Deadline {
  uv_timer_t timer;
  Completer<bool> completer;
  TestingState* owner;
  uint32_t token;
};

TestingState::TestingState(OpState& state) : state_(state) {}

TestingState::~TestingState() {
  watchdogs_.clear();
  if (async_ops_ != nullptr) async_ops_->RemoveObserver(this);
  state_.resources().set_observer(nullptr);
  for (auto& [token, deadline] : deadlines_) {
    uv_timer_stop(&deadline->timer);
    uv_close(reinterpret_cast<uv_handle_t*>(&deadline->timer),
             [](uv_handle_t* handle) { delete static_cast<Deadline*>(handle->data); });
  }
}

void TestingState::EnableLeakTracking(bool trace) {
  trace_ = trace;
  if (async_ops_ == nullptr) {
    async_ops_ = &RuntimeOpState::Of(state_).async_ops();
    async_ops_->AddObserver(this);
  }
  state_.resources().set_observer(trace ? this : nullptr);
}

// The JavaScript stack now, without kiln's own frames (extension modules and op glue):
// one "    at <function> (<file>:<line>:<column>)" line per frame.
std::string TestingState::CurrentStack() const {
  v8::Isolate* isolate = state_.isolate();
  if (v8::Isolate::GetCurrent() != isolate || !isolate->InContext()) return {};  // no JS running
  v8::HandleScope scope(isolate);
  v8::Local<v8::StackTrace> trace = v8::StackTrace::CurrentStackTrace(isolate, 16);
  std::string text;
  for (int i = 0; i < trace->GetFrameCount(); ++i) {
    v8::Local<v8::StackFrame> frame = trace->GetFrame(isolate, i);
    v8::String::Utf8Value script(isolate, frame->GetScriptName());
    std::string file = *script != nullptr ? std::string(*script) : "<anonymous>";
    if (absl::StartsWith(file, "ext:")) continue;
    v8::String::Utf8Value function(isolate, frame->GetFunctionName());
    std::string location =
        absl::StrCat(file, ":", frame->GetLineNumber(), ":", frame->GetColumn());
    if (*function != nullptr && function.length() > 0) {
      absl::StrAppend(&text, "    at ", *function, " (", location, ")\n");
    } else {
      absl::StrAppend(&text, "    at ", location, "\n");
    }
  }
  return text;
}

void TestingState::AsyncOpStarted(uint32_t id, const char* op_name) {
  Started& started = pending_ops_[id];
  started.name = op_name;
  if (trace_) started.stack = CurrentStack();
}

void TestingState::AsyncOpDelivered(uint32_t id, const char* op_name, Completion::Kind kind) {
  pending_ops_.erase(id);
}

void TestingState::ResourceAdded(ResourceId id, const Resource& resource) {
  resource_stacks_[id.value] = CurrentStack();
}

std::string TestingState::ResourceStack(uint32_t id) const {
  auto it = resource_stacks_.find(id);
  return it == resource_stacks_.end() ? std::string() : it->second;
}

void TestingState::StartDeadline(uint32_t token, double ms, Completer<bool> completer) {
  CancelDeadline(token);
  auto* deadline = new Deadline{{}, std::move(completer), this, token};
  uv_timer_init(state_.loop(), &deadline->timer);
  uv_update_time(state_.loop());  // the loop's cached time may be a whole test old
  deadline->timer.data = deadline;
  uv_timer_start(&deadline->timer, &TestingState::OnDeadline, static_cast<uint64_t>(ms), 0);
  deadlines_[token] = deadline;
}

void TestingState::OnDeadline(uv_timer_t* timer) {
  auto* deadline = static_cast<Deadline*>(timer->data);
  deadline->owner->deadlines_.erase(deadline->token);
  deadline->completer.Complete(true);
  uv_close(reinterpret_cast<uv_handle_t*>(timer),
           [](uv_handle_t* handle) { delete static_cast<Deadline*>(handle->data); });
}

void TestingState::CancelDeadline(uint32_t token) {
  auto it = deadlines_.find(token);
  if (it == deadlines_.end()) return;
  Deadline* deadline = it->second;
  deadlines_.erase(it);
  uv_timer_stop(&deadline->timer);
  deadline->completer.Complete(false);
  uv_close(reinterpret_cast<uv_handle_t*>(&deadline->timer),
           [](uv_handle_t* handle) { delete static_cast<Deadline*>(handle->data); });
}

bool TestingState::Watch(uint32_t token, double ms) {
  if (runtime == nullptr || !(ms >= 0)) return false;
  watchdogs_[token] = std::make_unique<Watchdog>(*runtime, absl::Milliseconds(ms));
  return true;
}

void TestingState::Unwatch(uint32_t token) { watchdogs_.erase(token); }

bool TestingState::TakeWatchdogFired() {
  bool fired = false;
  for (auto it = watchdogs_.begin(); it != watchdogs_.end();) {
    if (it->second->fired()) {
      fired = true;
      it = watchdogs_.erase(it);
    } else {
      ++it;
    }
  }
  return fired;
}

}  // namespace kiln::js_testing
