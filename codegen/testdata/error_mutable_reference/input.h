#include "ops/op.h"

KILN_OP() void op_fill(std::string& out);
