#include "ops/op.h"

KILN_OP() kiln::Future<absl::StatusOr<int32_t>> op_read(kiln::OpState& state);
