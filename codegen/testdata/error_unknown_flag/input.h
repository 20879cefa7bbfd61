#include "ops/op.h"

KILN_OP(fats) int32_t op_add(int32_t a, int32_t b);
