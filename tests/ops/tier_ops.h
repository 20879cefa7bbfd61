// Ops whose only job is to show how each integer type, kiln::EnforceRange and bool
// convert, for the tier table test: every op returns its argument (64-bit ones as a double, since V8 10.2's fast
// path has no 64-bit results) and counts its runs.
#ifndef KILN_TESTS_OPS_TIER_OPS_H_
#define KILN_TESTS_OPS_TIER_OPS_H_

#include <cstdint>

#include "ops/op.h"
#include "ops/resource.h"

namespace kiln::tier {

KILN_OP(fast) int32_t op_tier_int32(int32_t value);
KILN_OP(fast) uint32_t op_tier_uint32(uint32_t value);
KILN_OP(fast) double op_tier_int64(int64_t value);
KILN_OP(fast) double op_tier_uint64(uint64_t value);
KILN_OP(fast) uint32_t op_tier_resource_id(kiln::ResourceId value);
KILN_OP(fast) bool op_tier_bool(bool value);
KILN_OP(fast) int32_t op_tier_enforce_int32(kiln::EnforceRange<int32_t> value);
KILN_OP(fast) uint32_t op_tier_enforce_uint32(kiln::EnforceRange<uint32_t> value);

// Not an op: how many times any op above has run.
int64_t TierOpRuns();

}  // namespace kiln::tier

#endif  // KILN_TESTS_OPS_TIER_OPS_H_
