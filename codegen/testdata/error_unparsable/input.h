#include "ops/op.h"

// A comma is missing between the parameters.
KILN_OP() int32_t op_bad(int32_t a int32_t b);
