// The ops of the tally extension: a Tally is a resource holding named counts.
#ifndef KILN_CONSUMER_TALLY_TALLY_OPS_H_
#define KILN_CONSUMER_TALLY_TALLY_OPS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ops/op.h"

namespace tally {

// Opens a new, empty tally: a resource of the runtime's resource table.
KILN_OP() kiln::ResourceId op_tally_open(kiln::OpState& state);

// Adds `amount` (a finite number) to the count of `key` and returns the new count.
KILN_OP() absl::StatusOr<double> op_tally_add(kiln::OpState& state, kiln::ResourceId rid,
                                              std::string key, double amount);

// The count of `key` (0 for a key never added to).
KILN_OP() absl::StatusOr<double> op_tally_count(kiln::OpState& state, kiln::ResourceId rid,
                                                std::string key);

// Adds `amount` to `key` after `delay_ms` milliseconds (a libuv timer) and resolves with the
// new count; rejects with Interrupted if the tally is closed first.
KILN_OP() kiln::Future<double> op_tally_add_later(kiln::OpState& state, kiln::ResourceId rid,
                                                  std::string key, double amount,
                                                  double delay_ms);

// Closes the tally: later calls with `rid` throw BadResource.
KILN_OP() absl::Status op_tally_close(kiln::OpState& state, kiln::ResourceId rid);

}  // namespace tally

#endif  // KILN_CONSUMER_TALLY_TALLY_OPS_H_
