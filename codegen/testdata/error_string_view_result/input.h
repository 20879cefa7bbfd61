#include "ops/op.h"

KILN_OP() std::string_view op_name(int32_t id);
