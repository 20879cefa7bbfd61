#include "ops/op.h"

struct Options {  // not a KILN_STRUCT
  int32_t depth;
};

KILN_OP() void op_walk(Options options);
