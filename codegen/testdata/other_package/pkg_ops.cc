#include "codegen/testdata/other_package/pkg_ops.h"

namespace pkg {

int32_t op_pkg_twice(int32_t x) { return 2 * x; }
std::string op_pkg_name() { return "pkg"; }

}  // namespace pkg
