#include "ops/op.h"

// V8 10.2's fast calls cannot return 64-bit integers.
KILN_OP(fast) int64_t op_now(kiln::OpState& state);
