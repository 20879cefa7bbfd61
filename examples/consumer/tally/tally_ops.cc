#include "tally/tally_ops.h"

#include <cmath>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "tally/tally_resource.h"

namespace tally {

namespace {
absl::Status CheckAmount(double amount) {
  if (std::isfinite(amount)) return absl::OkStatus();
  return absl::OutOfRangeError(absl::StrCat("the amount must be a finite number, got ", amount));
}
}  // namespace

kiln::ResourceId op_tally_open(kiln::OpState& state) {
  return state.resources().Add(std::make_unique<TallyResource>(state.loop()));
}

absl::StatusOr<double> op_tally_add(kiln::OpState& state, kiln::ResourceId rid, std::string key,
                                    double amount) {
  absl::StatusOr<TallyResource*> tally = state.resources().Get<TallyResource>(rid);
  if (!tally.ok()) return tally.status();
  if (absl::Status valid = CheckAmount(amount); !valid.ok()) return valid;
  return (*tally)->Add(key, amount);
}

absl::StatusOr<double> op_tally_count(kiln::OpState& state, kiln::ResourceId rid,
                                      std::string key) {
  absl::StatusOr<TallyResource*> tally = state.resources().Get<TallyResource>(rid);
  if (!tally.ok()) return tally.status();
  return (*tally)->Count(key);
}

kiln::Future<double> op_tally_add_later(kiln::OpState& state, kiln::ResourceId rid,
                                        std::string key, double amount, double delay_ms) {
  absl::StatusOr<TallyResource*> tally = state.resources().Get<TallyResource>(rid);
  if (!tally.ok()) return tally.status();
  if (absl::Status valid = CheckAmount(amount); !valid.ok()) return valid;
  if (!(delay_ms >= 0 && delay_ms <= 2147483647)) {
    return absl::OutOfRangeError(
        absl::StrCat("the delay must be between 0 and 2147483647 ms, got ", delay_ms));
  }
  auto [future, completer] = kiln::MakeFuture<double>(state);
  (*tally)->AddLater(key, amount, delay_ms, std::move(completer));
  return std::move(future);
}

absl::Status op_tally_close(kiln::OpState& state, kiln::ResourceId rid) {
  absl::StatusOr<TallyResource*> tally = state.resources().Get<TallyResource>(rid);
  if (!tally.ok()) return tally.status();
  return state.resources().Close(rid);
}

}  // namespace tally
