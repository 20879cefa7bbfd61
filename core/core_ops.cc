#include "core/core_ops.h"

#include "core/core_ops_table.h"

namespace kiln {

absl::Status op_close(OpState& state, ResourceId rid) { return state.resources().Close(rid); }

std::vector<ResourceEntry> op_resources(OpState& state) {
  std::vector<ResourceEntry> entries;
  for (const auto& [id, name] : state.resources().List()) entries.push_back({id.value, name});
  return entries;
}

const Extension& CoreExtension() {
  static const Extension* const kCore = new Extension{"core", {&generated::core_ops}};
  return *kCore;
}

}  // namespace kiln
