#include "codegen/testdata/fast_paths/input.h"

namespace fast {

int32_t op_add(int32_t a, int32_t b) { return a + b; }
void op_touch(kiln::OpState& state, kiln::ResourceId rid, bool flag) {}
double op_scale(double x, float y, int64_t n, uint64_t m) { return x * y * n * m; }
float op_half(float x) { return x / 2; }
bool op_is_object(v8::Local<v8::Value> value) { return value->IsObject(); }
void op_no_args() {}

namespace {
int32_t check_runs = 0;
}  // namespace

int32_t CheckRuns() { return check_runs; }

absl::Status op_check(kiln::OpState& state, uint32_t code) {
  ++check_runs;
  return code == 0 ? absl::OkStatus() : absl::InvalidArgumentError("nonzero code");
}
absl::StatusOr<bool> op_try(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  if (value->IsUndefined()) return absl::InvalidArgumentError("undefined");
  return value->IsTrue();
}
absl::StatusOr<uint32_t> op_next(kiln::OpState& state, kiln::ResourceId rid) {
  return rid.value + 1;
}
absl::StatusOr<double> op_ratio(double a, double b) {
  if (b == 0) return absl::OutOfRangeError("division by zero");
  return a / b;
}
absl::StatusOr<int32_t> op_sum(int32_t a, int32_t b) { return a + b; }
absl::StatusOr<float> op_narrow(double x) { return static_cast<float>(x); }

int32_t op_auto(int32_t a) { return a; }
int64_t op_wide(int32_t a) { return a; }
int32_t op_slow_only(int32_t a) { return a; }

int32_t op_locals(int32_t call, int32_t result, int32_t call_in, int32_t options, int32_t info,
                  int32_t receiver) {
  return call + result + call_in + options + info + receiver;
}
void op_ts_names(int32_t in, bool function) {}

uint32_t op_with_a_rather_long_name_for_wrapping(int32_t first_long_parameter_name,
                                                 uint32_t second_long_parameter_name,
                                                 double third_long_parameter_name,
                                                 kiln::ResourceId fourth_long_parameter_name) {
  return 0;
}

double op_enforced(kiln::EnforceRange<int32_t> a, kiln::EnforceRange<uint32_t> b) {
  return static_cast<double>(a.value) + static_cast<double>(b.value);
}

}  // namespace fast
