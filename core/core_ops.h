#ifndef KILN_CORE_CORE_OPS_H_
#define KILN_CORE_CORE_OPS_H_

// kiln's built-in ops, on every runtime's `kiln.ops`.

#include <string>
#include <vector>

#include "core/extension.h"
#include "ops/op.h"

namespace kiln {

KILN_STRUCT() struct ResourceEntry {
  uint32_t rid;
  std::string name;
};

// Closes a resource (running its close hook). BadResource if `rid` is not open.
KILN_OP() absl::Status op_close(OpState& state, ResourceId rid);

// Every open resource as { rid, name }, in id order: for leak checks in tests.
KILN_OP() std::vector<ResourceEntry> op_resources(OpState& state);

// The extension holding the ops above; every runtime installs it first.
const Extension& CoreExtension();

}  // namespace kiln

#endif  // KILN_CORE_CORE_OPS_H_
