// The native side of a JavaScript Tally: named counts, and the additions scheduled on the
// runtime's loop that have not happened yet.
#ifndef KILN_CONSUMER_TALLY_TALLY_RESOURCE_H_
#define KILN_CONSUMER_TALLY_TALLY_RESOURCE_H_

#include <map>
#include <set>
#include <string>

#include "ops/future.h"
#include "ops/resource.h"

struct uv_loop_s;

namespace tally {

class TallyResource : public kiln::Resource {
 public:
  explicit TallyResource(uv_loop_s* loop) : loop_(loop) {}
  ~TallyResource() override;

  std::string name() const override { return "tally"; }
  // Cancels the scheduled additions: their promises reject with Interrupted.
  void OnClose() override;

  double Add(const std::string& key, double amount);
  double Count(const std::string& key) const;
  // Adds `amount` to `key` after `delay_ms` ms, then completes `completer` with the count.
  void AddLater(const std::string& key, double amount, double delay_ms,
                kiln::Completer<double> completer);

 private:
  struct ScheduledAdd;
  void Cancel(ScheduledAdd* add);

  uv_loop_s* loop_;
  std::map<std::string, double> counts_;
  std::set<ScheduledAdd*> scheduled_;
};

}  // namespace tally

#endif  // KILN_CONSUMER_TALLY_TALLY_RESOURCE_H_
