#ifndef KILN_OPS_ENFORCE_RANGE_H_
#define KILN_OPS_ENFORCE_RANGE_H_

// kiln::EnforceRange<I>: an op parameter (or struct field) of integer type I that is
// range-checked, like WebIDL's [EnforceRange] long / unsigned long:
//
//   KILN_OP() void op_resize(kiln::OpState& state, kiln::EnforceRange<uint32_t> size);
//
// NaN and ±Infinity are a TypeError, other Numbers are truncated towards zero and must then
// be in I's range (else a TypeError). A plain int32_t / uint32_t parameter instead takes any
// Number modulo 2^32 (ECMAScript ToInt32 / ToUint32), which is what V8's fast path does for
// free. The check has a cost: the op's fast function takes an int64_t and can reject it, so
// an optimised call goes through a JS wrapper that checks a flag afterwards (about 1.3x
// a plain int32_t op; ops/README.md "Writing fast ops").

#include <cstdint>
#include <type_traits>

namespace kiln {

template <typename Int>
struct EnforceRange {
  static_assert(std::is_same_v<Int, int32_t> || std::is_same_v<Int, uint32_t>,
                "kiln::EnforceRange takes int32_t or uint32_t");
  Int value = 0;

  constexpr EnforceRange() = default;
  constexpr EnforceRange(Int v) : value(v) {}  // NOLINT: implicit, reads like an Int
  constexpr operator Int() const { return value; }  // NOLINT
};

}  // namespace kiln

#endif  // KILN_OPS_ENFORCE_RANGE_H_
