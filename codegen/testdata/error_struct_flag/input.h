#include "ops/op.h"

KILN_STRUCT(fast) struct Size {
  int32_t width;
};
