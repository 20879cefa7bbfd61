// The struct converters generated for input.h in a real runtime.
#include "codegen/testdata/structs/input_table.h"
#include "core/extension.h"
#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"

namespace net {
namespace {

const kiln::Extension kExtension{"structs", {&kiln::generated::input}};

class StructsTest : public kiln::testing::RuntimeTest {
 protected:
  kiln::RuntimeOptions MakeOptions() override {
    kiln::RuntimeOptions options;
    options.extensions = {&kExtension};
    return options;
  }
};

TEST_F(StructsTest, NestedStructsBothWays) {
  ExpectEval(
      "kiln.ops.op_route({host: 'a', port: 1}, [{host: 'b', port: 2, secure: true, "
      "protocols: ['h2']}])",
      "{\n  from: { host: 'a', port: 1, secure: null, protocols: null },\n"
      "  to: [ { host: 'b', port: 2, secure: true, protocols: [Array] } ],\n"
      "  tree: null,\n  handles: []\n}");
  ExpectEval("kiln.ops.op_lookup('x')", "null");
  ExpectEval("kiln.ops.op_routes({})", "[]");
}

TEST_F(StructsTest, RecursiveStruct) {
  ExpectEval("JSON.stringify(kiln.ops.op_tree({label: 'root', children: [{label: 'leaf', "
             "children: []}]}))",
             "'{\"label\":\"root\",\"children\":[{\"label\":\"leaf\",\"children\":[]}]}'");
  ExpectEval("kiln.ops.op_tree()", "{ label: '', children: [] }");
}

TEST_F(StructsTest, FieldErrorsNameTheField) {
  ExpectThrows("kiln.ops.op_route({host: 'a'}, [])",
               "TypeError: op_route: argument 1 (from): missing required field 'port'");
  ExpectThrows("kiln.ops.op_route({host: 'a', port: 1}, [{host: 'b', port: '1'}])",
               "TypeError: op_route: argument 2 (to): element 0: field 'port': expected "
               "number, received string");
  // Fields inside op arguments follow the op-argument rules: ToUint32, ToBoolean.
  ExpectEval("kiln.ops.op_route({host: 'a', port: -1, secure: 1}, []).from",
             "{ host: 'a', port: 4294967295, secure: true, protocols: null }");
  ExpectThrows("kiln.ops.op_routes(null)",
               "TypeError: op_routes: argument 1 (filter): expected object, received null");
}

TEST_F(StructsTest, GettersThatThrowAreTheError) {
  ExpectThrows("kiln.ops.op_route({host: 'a', get port() { throw new Error('boom'); }}, [])",
               "Error: boom");
}

}  // namespace
}  // namespace net
