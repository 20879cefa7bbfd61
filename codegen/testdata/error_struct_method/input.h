#include "ops/op.h"

KILN_STRUCT() struct Size {
  int32_t width;
  int32_t height;
  int32_t Area() const { return width * height; }
};
