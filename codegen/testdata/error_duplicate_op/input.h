#include "ops/op.h"

namespace a {
KILN_OP() int32_t op_add(int32_t x, int32_t y);
}  // namespace a

namespace b {
// The same JS name, even in another namespace.
KILN_OP() double op_add(double x, double y);
}  // namespace b
