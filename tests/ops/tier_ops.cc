#include "tests/ops/tier_ops.h"

namespace kiln::tier {
namespace {
int64_t runs = 0;
}  // namespace

int64_t TierOpRuns() { return runs; }

int32_t op_tier_int32(int32_t value) {
  ++runs;
  return value;
}
uint32_t op_tier_uint32(uint32_t value) {
  ++runs;
  return value;
}
double op_tier_int64(int64_t value) {
  ++runs;
  return static_cast<double>(value);
}
double op_tier_uint64(uint64_t value) {
  ++runs;
  return static_cast<double>(value);
}
uint32_t op_tier_resource_id(kiln::ResourceId value) {
  ++runs;
  return value.value;
}
bool op_tier_bool(bool value) {
  ++runs;
  return value;
}
int32_t op_tier_enforce_int32(kiln::EnforceRange<int32_t> value) {
  ++runs;
  return value;
}
uint32_t op_tier_enforce_uint32(kiln::EnforceRange<uint32_t> value) {
  ++runs;
  return value;
}

}  // namespace kiln::tier
