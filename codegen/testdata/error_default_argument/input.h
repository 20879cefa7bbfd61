#include "ops/op.h"

KILN_OP() int32_t op_next(int32_t step = 1);
