#include "ops/op.h"

class Files {
 public:
  KILN_OP() static int32_t op_open(std::string path);
};
