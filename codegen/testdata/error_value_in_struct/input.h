#include "ops/op.h"
#include "v8.h"

KILN_STRUCT() struct Holder {
  v8::Local<v8::Value> value;
};
