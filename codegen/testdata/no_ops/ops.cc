#include "codegen/testdata/no_ops/input.h"

namespace no_ops {
int32_t NotAnOp(int32_t x) { return x; }
}  // namespace no_ops
