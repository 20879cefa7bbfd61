#include "ops/op.h"

KILN_OP() int32_t op_cut(int32_t a,
