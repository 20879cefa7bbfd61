#ifndef CODEGEN_TESTDATA_OTHER_PACKAGE_PKG_OPS_H_
#define CODEGEN_TESTDATA_OTHER_PACKAGE_PKG_OPS_H_

#include <string>

#include "ops/op.h"

namespace pkg {

KILN_OP(fast) int32_t op_pkg_twice(int32_t x);
KILN_OP() std::string op_pkg_name();

}  // namespace pkg

#endif  // CODEGEN_TESTDATA_OTHER_PACKAGE_PKG_OPS_H_
