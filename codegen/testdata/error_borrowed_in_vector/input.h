#include "ops/op.h"

KILN_OP() uint32_t op_total(std::vector<kiln::ByteView> chunks);
