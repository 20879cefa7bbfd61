// Namespaces, short kiln spellings, multi-line declarations, and C++ the parser must skip.
#ifndef CODEGEN_TESTDATA_NAMESPACES_INPUT_H_
#define CODEGEN_TESTDATA_NAMESPACES_INPUT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ops/op.h"

// KILN_OP() int32_t op_in_a_comment(int32_t x);   (comments are skipped)
/* KILN_OP() int32_t op_in_a_block_comment(int32_t x); */
#define KILN_NAMESPACES_MACRO(x) \
  KILN_OP() int32_t op_in_a_macro(int32_t x);

namespace outer {

// Not ops: ordinary declarations, braces and strings are ignored.
inline constexpr const char kText[] = "KILN_OP() int32_t op_in_a_string(int32_t x);";
inline constexpr const char kRaw[] = R"x(KILN_OP() void op_in_a_raw_string();)x";
inline constexpr int kSeparated = 1'000'000;
class Helper {
 public:
  int Get() const { return value_ > 0 ? value_ : 0; }

 private:
  int value_ = 0;
};

namespace inner::deep {

KILN_STRUCT() struct Config {
  std::string name;
  std::optional<int32_t> retries = 3;  // default member initializers are allowed
  std::vector<std::string> tags{};
};

KILN_OP()
Config
op_config(  // the declaration may span lines and hold comments
    const Config& config,
    /* block comment */ std::optional<int32_t> retries);

}  // namespace inner::deep

// A struct from a nested namespace, named relative to this one.
KILN_OP(nofast) int32_t op_outer(inner::deep::Config config);

inline namespace v1 {
KILN_OP() uint32_t op_versioned(uint32_t x);
}  // namespace v1

}  // namespace outer

namespace kiln {
namespace ext {

// Inside namespace kiln the kiln types need no kiln:: (both spellings are accepted).
KILN_OP(fast) uint32_t op_kiln(OpState& state, ResourceId rid, kiln::ResourceId other);
KILN_OP() ByteBuffer op_kiln_bytes(ByteView view, SharedBytes shared);

}  // namespace ext
}  // namespace kiln

extern "C++" {
KILN_OP() int32_t op_global(::std::int32_t x, std::vector<::outer::inner::deep::Config> all);
}

#endif  // CODEGEN_TESTDATA_NAMESPACES_INPUT_H_
