#include "ops/op.h"

KILN_STRUCT() struct Request {
  std::string method;
  std::string_view body;
};
