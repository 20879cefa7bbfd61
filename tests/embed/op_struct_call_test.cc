// Typed calls (core/call.h) with KILN_STRUCTs of an op header: their converters come
// from the header's generated `_structs.h` (codegen/testdata/structs/input_structs.h), the
// same ones the op bindings use, so a struct goes C++ -> JS -> op -> JS -> C++ through one
// converter per type.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codegen/testdata/structs/input.h"
#include "codegen/testdata/structs/input_structs.h"
#include "codegen/testdata/structs/input_table.h"
#include "core/call.h"
#include "core/extension.h"
#include "core/module_loader.h"
#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "tests/embed/library_fixture.h"
#include "gtest/gtest.h"

namespace app {
// The most fields a struct converter takes.
struct Wide {
  int32_t f0 = 0, f1 = 0, f2 = 0, f3 = 0, f4 = 0, f5 = 0, f6 = 0, f7 = 0;
  int32_t f8 = 0, f9 = 0, f10 = 0, f11 = 0, f12 = 0, f13 = 0, f14 = 0, f15 = 0;
  int32_t f16 = 0, f17 = 0, f18 = 0, f19 = 0, f20 = 0, f21 = 0, f22 = 0, f23 = 0;
  int32_t f24 = 0, f25 = 0, f26 = 0, f27 = 0, f28 = 0, f29 = 0, f30 = 0, f31 = 0;
  int32_t f32 = 0, f33 = 0, f34 = 0, f35 = 0, f36 = 0, f37 = 0, f38 = 0, f39 = 0;
  int32_t f40 = 0, f41 = 0, f42 = 0, f43 = 0, f44 = 0, f45 = 0, f46 = 0, f47 = 0;
  int32_t f48 = 0, f49 = 0, f50 = 0, f51 = 0, f52 = 0, f53 = 0, f54 = 0, f55 = 0;
  int32_t f56 = 0, f57 = 0, f58 = 0, f59 = 0, f60 = 0, f61 = 0, f62 = 0, f63 = 0;
};
}  // namespace app

KILN_STRUCT_CONVERTER(app::Wide, f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14,
                      f15, f16, f17, f18, f19, f20, f21, f22, f23, f24, f25, f26, f27, f28, f29,
                      f30, f31, f32, f33, f34, f35, f36, f37, f38, f39, f40, f41, f42, f43, f44,
                      f45, f46, f47, f48, f49, f50, f51, f52, f53, f54, f55, f56, f57, f58, f59,
                      f60, f61, f62, f63)

namespace kiln {
namespace {

using ::kiln::testing::LibraryTest;

// The ops of codegen/testdata/structs/input.h (op_route returns its arguments as a Route).
const Extension kStructOps{"structs", {&generated::input}};

constexpr char kLibrary[] = R"js(
export function echo(x) { return x; }
export function parse(json) { return JSON.parse(json); }
export function undefinedSecure() { return { host: 'h', port: 1, secure: undefined }; }
export function describe(value) { return JSON.stringify(value); }
export function makeRoute(from, to) {
  const leaf = { label: 'leaf', children: [] };
  return { from, to, tree: { label: 'root', children: [leaf] }, handles: [3, null, 4294967295] };
}
// Converted by the op bindings (arguments and result), then by the call.
export function viaOp(from, to) { return kiln.ops.op_route(from, to); }
export function widen(wide) {
  const out = {};
  for (const [key, value] of Object.entries(wide)) out[key] = value * 2;
  return out;
}
)js";

class OpStructCallTest : public LibraryTest {
 protected:
  OpStructCallTest() : LibraryTest({&kStructOps}, kLibrary) {}
  // `json` parsed in JavaScript and converted to T.
  template <typename T>
  Result<T> Parse(const std::string& json) {
    return runtime().CallExport<T>(lib_, "parse", json);
  }
};

net::Endpoint MakeEndpoint(std::string host, uint32_t port) {
  net::Endpoint endpoint;
  endpoint.host = std::move(host);
  endpoint.port = port;
  return endpoint;
}

TEST_F(OpStructCallTest, ResultWithNestedStructsAndOptionals) {
  net::Endpoint from = MakeEndpoint("a.example", 443);
  from.secure = true;
  from.protocols = std::vector<std::string>{"h2", "http/1.1"};
  Result<net::Route> route = runtime().CallExport<net::Route>(
      lib_, "makeRoute", from, std::vector<net::Endpoint>{MakeEndpoint("b.example", 80)});
  ASSERT_TRUE(route.ok()) << route.error().Report();
  EXPECT_EQ(route.value().from.host, "a.example");
  EXPECT_EQ(route.value().from.port, 443u);
  EXPECT_EQ(route.value().from.secure, true);
  EXPECT_EQ(route.value().from.protocols, (std::vector<std::string>{"h2", "http/1.1"}));
  ASSERT_EQ(route.value().to.size(), 1u);
  EXPECT_EQ(route.value().to[0].host, "b.example");
  EXPECT_EQ(route.value().to[0].port, 80u);
  EXPECT_EQ(route.value().to[0].secure, std::nullopt);     // null in JavaScript
  EXPECT_EQ(route.value().to[0].protocols, std::nullopt);  // null in JavaScript
  ASSERT_TRUE(route.value().tree.has_value());
  EXPECT_EQ(route.value().tree->label, "root");
  ASSERT_EQ(route.value().tree->children.size(), 1u);
  EXPECT_EQ(route.value().tree->children[0].label, "leaf");
  EXPECT_TRUE(route.value().tree->children[0].children.empty());
  ASSERT_EQ(route.value().handles.size(), 3u);
  EXPECT_EQ(route.value().handles[0]->value, 3u);
  EXPECT_EQ(route.value().handles[1], std::nullopt);
  EXPECT_EQ(route.value().handles[2]->value, 4294967295u);
}

TEST_F(OpStructCallTest, ArgumentIsAPlainObjectWithEveryField) {
  net::Route route;
  route.from = MakeEndpoint("a", 1);
  route.to = {MakeEndpoint("b", 2)};
  route.to[0].secure = false;
  route.tree = net::tree::Node{"t", {net::tree::Node{"u", {}}}};
  route.handles = {std::nullopt, ResourceId{7}};
  Result<std::string> json = runtime().CallExport<std::string>(lib_, "describe", route);
  ASSERT_TRUE(json.ok()) << json.error().Report();
  EXPECT_EQ(json.value(), R"({"from":{"host":"a","port":1,"secure":null,"protocols":null},)"
                          R"("to":[{"host":"b","port":2,"secure":false,"protocols":null}],)"
                          R"("tree":{"label":"t","children":[{"label":"u","children":[]}]},)"
                          R"("handles":[null,7]})");
  Result<std::string> empty = runtime().CallExport<std::string>(lib_, "describe", net::Empty{});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty.value(), "{}");
}

TEST_F(OpStructCallTest, ThroughTheOpBindingsAndBack) {
  net::Endpoint from = MakeEndpoint("a", 1);
  from.protocols = std::vector<std::string>{"h3"};
  net::Endpoint to = MakeEndpoint("b", 2);
  to.secure = true;
  Result<net::Route> route = runtime().CallExport<net::Route>(
      lib_, "viaOp", from, std::vector<net::Endpoint>{to, MakeEndpoint("c", 3)});
  ASSERT_TRUE(route.ok()) << route.error().Report();
  EXPECT_EQ(route.value().from.host, "a");
  EXPECT_EQ(route.value().from.protocols, (std::vector<std::string>{"h3"}));
  EXPECT_EQ(route.value().from.secure, std::nullopt);
  ASSERT_EQ(route.value().to.size(), 2u);
  EXPECT_EQ(route.value().to[0].secure, true);
  EXPECT_EQ(route.value().to[1].host, "c");
  EXPECT_EQ(route.value().tree, std::nullopt);
  EXPECT_TRUE(route.value().handles.empty());

  // The op's own argument errors are unchanged: the op bindings convert with the same
  // converter, under the op-argument rules.
  Result<net::Route> bad =
      runtime().CallExport<net::Route>(lib_, "viaOp", 5, std::vector<net::Endpoint>{});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().Summary(),
            "TypeError: op_route: argument 1 (from): expected object, received number");
}

TEST_F(OpStructCallTest, OptionalFieldsMayBeAbsentUndefinedOrNull) {
  for (const char* json : {R"({"host":"h","port":1})", R"({"host":"h","port":1,"secure":null})"}) {
    Result<net::Endpoint> endpoint = Parse<net::Endpoint>(json);
    ASSERT_TRUE(endpoint.ok()) << json << ": " << endpoint.error().Report();
    EXPECT_EQ(endpoint.value().secure, std::nullopt) << json;
    EXPECT_EQ(endpoint.value().protocols, std::nullopt) << json;
  }
  Result<net::Endpoint> undefined_field =
      runtime().CallExport<net::Endpoint>(lib_, "undefinedSecure");
  ASSERT_TRUE(undefined_field.ok()) << undefined_field.error().Report();
  EXPECT_EQ(undefined_field.value().secure, std::nullopt);
  Result<net::Endpoint> present =
      Parse<net::Endpoint>(R"({"host":"h","port":1,"secure":false,"protocols":[]})");
  ASSERT_TRUE(present.ok()) << present.error().Report();
  EXPECT_EQ(present.value().secure, false);
  EXPECT_EQ(present.value().protocols, std::vector<std::string>{});
}

TEST_F(OpStructCallTest, FieldErrorsNameTheField) {
  const std::string what = "result of export 'parse' of memory:///lib.js: ";
  Result<net::Endpoint> missing = Parse<net::Endpoint>(R"({"host":"h"})");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().Summary(), "TypeError: " + what + "missing required field 'port'");

  Result<net::Route> nested =
      Parse<net::Route>(R"({"from":{"host":"h","port":1},"to":[{"host":"h"}],"handles":[]})");
  ASSERT_FALSE(nested.ok());
  EXPECT_EQ(nested.error().Summary(),
            "TypeError: " + what + "field 'to': element 0: missing required field 'port'");

  // Results follow the strict rules inside structs too: never a truncated value.
  Result<net::Endpoint> fraction = Parse<net::Endpoint>(R"({"host":"h","port":1.5})");
  ASSERT_FALSE(fraction.ok());
  EXPECT_EQ(fraction.error().Summary(),
            "TypeError: " + what + "field 'port': expected integer, received 1.5");
  Result<net::Endpoint> range = Parse<net::Endpoint>(R"({"host":"h","port":-1})");
  ASSERT_FALSE(range.ok());
  EXPECT_EQ(range.error().class_name, "RangeError");

  Result<net::Endpoint> not_object = Parse<net::Endpoint>("5");
  ASSERT_FALSE(not_object.ok());
  EXPECT_EQ(not_object.error().Summary(),
            "TypeError: " + what + "expected object, received number");
  Result<net::Empty> empty = Parse<net::Empty>("null");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().Summary(), "TypeError: " + what + "expected object, received null");
  ASSERT_TRUE(Parse<net::Empty>(R"({"extra":1})").ok());  // unknown properties are ignored
}

TEST_F(OpStructCallTest, SixtyFourFields) {
  app::Wide wide;
  wide.f0 = 1;
  wide.f31 = 32;
  wide.f63 = 64;
  Result<app::Wide> doubled = runtime().CallExport<app::Wide>(lib_, "widen", wide);
  ASSERT_TRUE(doubled.ok()) << doubled.error().Report();
  EXPECT_EQ(doubled.value().f0, 2);
  EXPECT_EQ(doubled.value().f1, 0);
  EXPECT_EQ(doubled.value().f31, 64);
  EXPECT_EQ(doubled.value().f63, 128);
  Result<std::string> keys = runtime().CallExport<std::string>(lib_, "describe", wide);
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys.value().rfind(R"({"f0":1,"f1":0,)", 0), 0u);
  EXPECT_NE(keys.value().find(R"("f62":0,"f63":64})"), std::string::npos);
}

}  // namespace
}  // namespace kiln
