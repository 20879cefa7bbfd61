#include "tests/runner/runner_fixture_ops.h"

#include <memory>
#include <utility>
#include <vector>

namespace kiln::runner_fixtures {
namespace {

// A resource that completes the ops waiting on it when it is closed.
class FixtureResource final : public Resource {
 public:
  explicit FixtureResource(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  void OnClose() override {
    for (Completer<void>& waiter : waiters_) waiter.Complete();
    waiters_.clear();
  }
  void AddWaiter(Completer<void> waiter) { waiters_.push_back(std::move(waiter)); }

 private:
  std::string name_;
  std::vector<Completer<void>> waiters_;
};

}  // namespace

ResourceId op_fixture_open(OpState& state, std::string name) {
  return state.resources().Add(std::make_unique<FixtureResource>(std::move(name)));
}

Future<void> op_fixture_wait(OpState& state, ResourceId rid) {
  absl::StatusOr<FixtureResource*> resource = state.resources().Get<FixtureResource>(rid);
  if (!resource.ok()) return resource.status();
  auto [future, completer] = MakeFuture<void>(state);
  (*resource)->AddWaiter(std::move(completer));
  return std::move(future);
}

absl::Status op_fixture_fail(OpState& state) {
  return absl::InvalidArgumentError("op_fixture_fail always fails");
}

}  // namespace kiln::runner_fixtures
