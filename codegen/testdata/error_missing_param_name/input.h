#include "ops/op.h"

KILN_OP() int32_t op_add(int32_t a, int32_t);
