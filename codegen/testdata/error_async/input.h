#include "ops/op.h"

KILN_OP() Future<void> op_sleep(double ms);
