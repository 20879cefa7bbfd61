#include "ops/op.h"

KILN_OP() void op_reset(kiln::OpState state);
