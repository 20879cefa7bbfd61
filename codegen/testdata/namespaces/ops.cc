#include "codegen/testdata/namespaces/input.h"

namespace outer {
namespace inner::deep {
Config op_config(const Config& config, std::optional<int32_t> retries) {
  Config copy = config;
  copy.retries = retries;
  return copy;
}
}  // namespace inner::deep

int32_t op_outer(inner::deep::Config config) { return config.retries.value_or(-1); }

inline namespace v1 {
uint32_t op_versioned(uint32_t x) { return x + 1; }
}  // namespace v1
}  // namespace outer

namespace kiln::ext {
uint32_t op_kiln(OpState& state, ResourceId rid, kiln::ResourceId other) {
  return rid.value + other.value;
}
ByteBuffer op_kiln_bytes(ByteView view, SharedBytes shared) {
  return ByteBuffer(view.size + shared.size());
}
}  // namespace kiln::ext

int32_t op_global(std::int32_t x, std::vector<outer::inner::deep::Config> all) {
  return x + static_cast<int32_t>(all.size());
}
