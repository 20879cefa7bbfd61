#include "ops/op.h"

namespace {
KILN_OP() int32_t op_hidden(int32_t x);
}  // namespace
