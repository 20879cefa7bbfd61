// Fast API paths: every fast parameter and result type, Status results, injected
// parameters, `fast` / `nofast`, and local names that generated code must not collide with.
#ifndef CODEGEN_TESTDATA_FAST_PATHS_INPUT_H_
#define CODEGEN_TESTDATA_FAST_PATHS_INPUT_H_

#include <cstdint>

#include "ops/op.h"
#include "v8.h"

namespace fast {

KILN_OP(fast) int32_t op_add(int32_t a, int32_t b);
KILN_OP(fast) void op_touch(kiln::OpState& state, kiln::ResourceId rid, bool flag);
KILN_OP(fast) double op_scale(double x, float y, int64_t n, uint64_t m);
KILN_OP(fast) float op_half(float x);
KILN_OP(fast) bool op_is_object(v8::Local<v8::Value> value);
KILN_OP(fast) void op_no_args();

// Status results: the fast path stashes the error and falls back.
KILN_OP(fast) absl::Status op_check(kiln::OpState& state, uint32_t code);
KILN_OP(fast) absl::StatusOr<bool> op_try(v8::Isolate* isolate, v8::Local<v8::Value> value);
KILN_OP(fast) absl::StatusOr<uint32_t> op_next(kiln::OpState& state, kiln::ResourceId rid);
KILN_OP(fast) absl::StatusOr<double> op_ratio(double a, double b);
KILN_OP(fast) absl::StatusOr<int32_t> op_sum(int32_t a, int32_t b);
KILN_OP(fast) absl::StatusOr<float> op_narrow(double x);

// Without a flag: fast when eligible.
KILN_OP() int32_t op_auto(int32_t a);
KILN_OP() int64_t op_wide(int32_t a);
// nofast: never a fast path.
KILN_OP(nofast) int32_t op_slow_only(int32_t a);

// Parameter names that generated code also uses get another local name.
KILN_OP(fast) int32_t op_locals(int32_t call, int32_t result, int32_t call_in, int32_t options,
                                int32_t info, int32_t receiver);
// TypeScript reserved words as parameter names.
KILN_OP() void op_ts_names(int32_t in, bool function);

// Long names: the generated code wraps at 100 columns.
KILN_OP(fast) uint32_t op_with_a_rather_long_name_for_wrapping(
    int32_t first_long_parameter_name, uint32_t second_long_parameter_name,
    double third_long_parameter_name, kiln::ResourceId fourth_long_parameter_name);

// Range-checked integers (WebIDL [EnforceRange]): int64_t on the fast path, narrowed there.
KILN_OP(fast) double op_enforced(kiln::EnforceRange<int32_t> a, kiln::EnforceRange<uint32_t> b);

// Not an op (no KILN_OP): how many times op_check has run, for runtime_test.cc.
int32_t CheckRuns();

}  // namespace fast

#endif  // CODEGEN_TESTDATA_FAST_PATHS_INPUT_H_
