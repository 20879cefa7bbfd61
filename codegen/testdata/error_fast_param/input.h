#include "ops/op.h"

namespace x {

KILN_OP(fast) absl::StatusOr<int32_t> op_read(kiln::OpState& state,
                                              std::string path);

}  // namespace x
