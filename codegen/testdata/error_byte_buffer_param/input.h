#include "ops/op.h"

KILN_OP() void op_write(kiln::ByteBuffer data);
