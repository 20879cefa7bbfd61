#include <map>

#include "ops/op.h"

KILN_OP() void op_config(std::map<std::string, int32_t> values);
