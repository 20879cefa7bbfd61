#include "tally/tally_resource.h"

#include <cstdint>
#include <utility>

#include "absl/status/status.h"
#include "uv.h"

namespace tally {

// One pending AddLater: owns its timer. Freed by the timer's close callback, which libuv
// runs after the handle is closed (also when the tally closes first).
struct TallyResource::ScheduledAdd {
  uv_timer_t timer;
  TallyResource* tally;  // null once the tally closed
  std::string key;
  double amount;
  kiln::Completer<double> completer;
};

TallyResource::~TallyResource() {
  // The table calls OnClose first; a resource taken out of the table and destroyed
  // (ResourceTable::Take) must not leave timers behind either.
  OnClose();
}

void TallyResource::OnClose() {
  std::set<ScheduledAdd*> scheduled = std::move(scheduled_);
  scheduled_.clear();
  for (ScheduledAdd* add : scheduled) {
    add->completer.Fail(absl::CancelledError("the tally was closed"));
    Cancel(add);
  }
}

void TallyResource::Cancel(ScheduledAdd* add) {
  add->tally = nullptr;
  uv_timer_stop(&add->timer);
  uv_close(reinterpret_cast<uv_handle_t*>(&add->timer),
           [](uv_handle_t* handle) { delete static_cast<ScheduledAdd*>(handle->data); });
}

double TallyResource::Add(const std::string& key, double amount) {
  return counts_[key] += amount;
}

double TallyResource::Count(const std::string& key) const {
  auto it = counts_.find(key);
  return it == counts_.end() ? 0 : it->second;
}

void TallyResource::AddLater(const std::string& key, double amount, double delay_ms,
                             kiln::Completer<double> completer) {
  auto* add = new ScheduledAdd{{}, this, key, amount, std::move(completer)};
  uv_timer_init(loop_, &add->timer);
  add->timer.data = add;
  scheduled_.insert(add);
  uv_timer_start(
      &add->timer,
      [](uv_timer_t* timer) {
        auto* add = static_cast<ScheduledAdd*>(timer->data);
        TallyResource* tally = add->tally;
        tally->scheduled_.erase(add);
        add->completer.Complete(tally->Add(add->key, add->amount));
        tally->Cancel(add);
      },
      static_cast<uint64_t>(delay_ms), 0);
}

}  // namespace tally
