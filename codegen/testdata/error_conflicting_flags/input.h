#include "ops/op.h"

KILN_OP(fast, nofast) int32_t op_add(int32_t a, int32_t b);
