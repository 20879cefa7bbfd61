#include "ops/op.h"

KILN_OP() int32_t op_count(
    std::string name,
    int limit);
