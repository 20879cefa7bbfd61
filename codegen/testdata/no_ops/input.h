// A header without KILN_OP: an empty table (no descriptor array).
#ifndef CODEGEN_TESTDATA_NO_OPS_INPUT_H_
#define CODEGEN_TESTDATA_NO_OPS_INPUT_H_

#include "ops/op.h"

namespace no_ops {
int32_t NotAnOp(int32_t x);
}  // namespace no_ops

#endif  // CODEGEN_TESTDATA_NO_OPS_INPUT_H_
