#include "ops/op.h"

KILN_OP() kiln::Future<int32_t> op_write(kiln::OpState& state, std::string_view data);
