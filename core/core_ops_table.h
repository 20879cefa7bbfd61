// Temporary: codegen/ emits this file from core/core_ops.h.
#ifndef KILN_CORE_CORE_OPS_TABLE_H_
#define KILN_CORE_CORE_OPS_TABLE_H_
#include "core/op_support.h"
namespace kiln::generated {
extern const kiln::OpTable core_ops;
}
#endif
