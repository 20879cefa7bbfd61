#include "ops/op.h"

KILN_OP() absl::StatusOr<void> op_run();
