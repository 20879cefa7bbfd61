// Structs: nesting (a struct's converter is emitted after those of the structs it uses),
// recursion through std::vector, optional fields, an empty struct, structs in results.
#ifndef CODEGEN_TESTDATA_STRUCTS_INPUT_H_
#define CODEGEN_TESTDATA_STRUCTS_INPUT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ops/op.h"

namespace net {

struct Endpoint;  // a forward declaration is ignored

KILN_STRUCT() struct Empty {};

struct NotAnOpStruct {  // no KILN_STRUCT: ignored
  int x;
};

namespace tree {
KILN_STRUCT() struct Node {
  std::string label;
  std::vector<Node> children;
};
}  // namespace tree

KILN_STRUCT() struct Endpoint {
  std::string host;
  uint32_t port;
  std::optional<bool> secure;
  std::optional<std::vector<std::string>> protocols;
};

// Uses Endpoint and Node, which come later in the generated file only if declared later.
KILN_STRUCT() struct Route {
  Endpoint from;
  std::vector<Endpoint> to;
  std::optional<tree::Node> tree;
  std::vector<std::optional<kiln::ResourceId>> handles;
};

KILN_OP() Route op_route(Endpoint from, std::vector<Endpoint> to);
KILN_OP() std::optional<Endpoint> op_lookup(const std::string& host);
KILN_OP() absl::StatusOr<std::vector<Route>> op_routes(kiln::OpState& state, Empty filter);
KILN_OP() tree::Node op_tree(std::optional<tree::Node> root);

}  // namespace net

#endif  // CODEGEN_TESTDATA_STRUCTS_INPUT_H_
