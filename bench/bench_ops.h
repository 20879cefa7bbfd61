// The generated side of //bench:ops_bench: one op per benchmark case.
#ifndef KILN_BENCH_BENCH_OPS_H_
#define KILN_BENCH_BENCH_OPS_H_

#include <cstdint>
#include <string_view>

#include "ops/bytes.h"
#include "ops/op.h"

namespace kiln::bench {

KILN_STRUCT() struct BenchPoint {
  int32_t x;
  int32_t y;
  double weight;
};

// int32 add, with a fast path (compared with a raw Fast API binding) ...
KILN_OP(fast) int32_t op_bench_add(int32_t a, int32_t b);
// The same add with int64_t parameters: the fast function cannot fail (V8 passes only
// integral Numbers; the sum of two int64 in the loop's range fits), so no JS wrapper.
KILN_OP(fast) int32_t op_bench_add_int64(int64_t a, int64_t b);
// The same add with range-checked parameters: the fast function can reject an argument, so
// JavaScript reaches it through the wrapper that checks the failure flag (the cost of
// kiln::EnforceRange).
KILN_OP(fast) int32_t op_bench_add_enforce_range(kiln::EnforceRange<int32_t> a,
                                                 kiln::EnforceRange<int32_t> b);
// ... and without one (compared with a raw FunctionCallback).
KILN_OP(nofast) int32_t op_bench_add_slow(int32_t a, int32_t b);
// Arguments and results without a fast path on V8 10.2.
KILN_OP() uint32_t op_bench_string_length(std::string_view text);
KILN_OP() uint32_t op_bench_byte_view_sum(kiln::ByteView bytes);
KILN_OP() int32_t op_bench_struct(BenchPoint point);
KILN_OP() kiln::ByteBuffer op_bench_owned_bytes(uint32_t size);

// bench/async_bench: an async op that answers now, and one that answers on a later loop
// iteration.
KILN_OP() kiln::Future<int32_t> op_bench_ready(int32_t value);
KILN_OP() kiln::Future<int32_t> op_bench_next_turn(kiln::OpState& state, int32_t value);

}  // namespace kiln::bench

#endif  // KILN_BENCH_BENCH_OPS_H_
