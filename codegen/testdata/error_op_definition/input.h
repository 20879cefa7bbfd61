#include "ops/op.h"

KILN_OP() int32_t op_one() { return 1; }
