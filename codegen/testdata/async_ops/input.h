// Async ops: kiln::Future<T> results (JS gets a promise), ready and pending, with the
// promise id as the binding's first argument.
#ifndef CODEGEN_TESTDATA_ASYNC_OPS_INPUT_H_
#define CODEGEN_TESTDATA_ASYNC_OPS_INPUT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ops/op.h"

namespace asyncops {

KILN_OP() kiln::Future<void> op_sleep(kiln::OpState& state, double ms);
KILN_OP() kiln::Future<int32_t> op_double_later(kiln::OpState& state, int32_t value);
KILN_OP() kiln::Future<std::string> op_echo(kiln::OpState& state, std::string text);
KILN_OP() kiln::Future<kiln::ByteBuffer> op_read_all(kiln::OpState& state, kiln::ResourceId rid);
KILN_OP() kiln::Future<std::vector<int64_t>> op_no_state();
// A parameter named like the generated local gets another name.
KILN_OP() kiln::Future<bool> op_named_async(bool async);

}  // namespace asyncops

#endif  // CODEGEN_TESTDATA_ASYNC_OPS_INPUT_H_
