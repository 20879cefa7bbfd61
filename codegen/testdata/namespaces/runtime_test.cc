// Ops declared in nested, inline, kiln and global namespaces are called through their
// qualified names.
#include "codegen/testdata/namespaces/input_table.h"
#include "core/core_ops.h"
#include "core/extension.h"
#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"

namespace outer {
namespace {

const kiln::Extension kExtension{"namespaces", {&kiln::generated::input}};

class NamespacesTest : public kiln::testing::RuntimeTest {
 protected:
  kiln::RuntimeOptions MakeOptions() override {
    kiln::RuntimeOptions options;
    options.extensions = {&kExtension};
    return options;
  }
};

TEST_F(NamespacesTest, EveryOpIsInstalled) {
  // Every op but the core extension's.
  std::string core_ops;
  for (const kiln::OpTable* table : kiln::CoreExtension().op_tables) {
    for (size_t i = 0; i < table->op_count; ++i) {
      core_ops += std::string("'") + table->ops[i].name + "', ";
    }
  }
  ExpectEval("const core = new Set([" + core_ops + "]);"
             "Object.keys(kiln.ops).filter((k) => !core.has(k)).sort()",
             "[\n  'op_config',\n  'op_global',\n  'op_kiln',\n  'op_kiln_bytes',\n"
             "  'op_outer',\n  'op_versioned'\n]");
}

TEST_F(NamespacesTest, CallsReachTheQualifiedFunctions) {
  ExpectEval("kiln.ops.op_config({name: 'n', tags: ['t']}, 5)",
             "{ name: 'n', retries: 5, tags: [ 't' ] }");
  ExpectEval("kiln.ops.op_outer({name: 'n', tags: []})", "-1");
  ExpectEval("kiln.ops.op_versioned(1)", "2");
  ExpectEval("kiln.ops.op_kiln(1, 2)", "3");
  ExpectEval("kiln.ops.op_kiln_bytes(new Uint8Array(2), new ArrayBuffer(3))",
             "Uint8Array(5) [ 0, 0, 0, 0, 0 ]");
  ExpectEval("kiln.ops.op_global(1, [{name: 'a', tags: []}, {name: 'b', tags: []}])", "3");
}

}  // namespace
}  // namespace outer
