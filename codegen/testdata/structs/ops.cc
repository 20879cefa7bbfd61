#include "codegen/testdata/structs/input.h"

#include <utility>

namespace net {

Route op_route(Endpoint from, std::vector<Endpoint> to) {
  Route route;
  route.from = std::move(from);
  route.to = std::move(to);
  return route;
}
std::optional<Endpoint> op_lookup(const std::string& host) { return std::nullopt; }
absl::StatusOr<std::vector<Route>> op_routes(kiln::OpState& state, Empty filter) {
  return std::vector<Route>();
}
tree::Node op_tree(std::optional<tree::Node> root) { return root.value_or(tree::Node()); }

}  // namespace net
