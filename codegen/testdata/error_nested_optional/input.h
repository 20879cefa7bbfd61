#include "ops/op.h"

KILN_OP() void op_maybe(std::optional<std::optional<int32_t>> value);
