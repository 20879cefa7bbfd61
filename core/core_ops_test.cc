#include "core/core_ops.h"

#include <memory>

#include "absl/strings/match.h"
#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"

namespace kiln {
namespace {

using ::kiln::testing::RuntimeTest;

class Named : public Resource {
 public:
  explicit Named(bool* closed) : closed_(closed) {}
  std::string name() const override { return "named"; }
  void OnClose() override { *closed_ = true; }

 private:
  bool* closed_;
};

TEST_F(RuntimeTest, OpsAreOnKilnOps) {
  ExpectEval("typeof kiln.ops.op_close", "'function'");
  ExpectEval("kiln.ops.op_close.length", "1");
  ExpectEval("kiln.ops.op_close.name", "'op_close'");
  ExpectThrows("new kiln.ops.op_close(1)", "TypeError: kiln.ops.op_close is not a constructor");
  ExpectEval("kiln.ops.op_close = 1; typeof kiln.ops.op_close", "'function'");  // read-only
}

TEST_F(RuntimeTest, CloseAndListResources) {
  bool closed = false;
  ResourceId id = runtime().op_state().resources().Add(std::make_unique<Named>(&closed));
  ExpectEval("kiln.ops.op_resources()", "[ { rid: " + std::to_string(id.value) + ", name: 'named' } ]");
  ExpectEval("kiln.ops.op_close(" + std::to_string(id.value) + ")", "undefined");
  EXPECT_TRUE(closed);
  ExpectEval("kiln.ops.op_resources()", "[]");
  ExpectThrows("kiln.ops.op_close(" + std::to_string(id.value) + ")", "BadResource: Bad resource ID");
  ExpectEval("try { kiln.ops.op_close(12345) } catch (e) { e instanceof kiln.errors.BadResource }",
             "true");
}

TEST_F(RuntimeTest, ArgumentErrorsNameOpArgumentAndTypes) {
  ExpectThrows("kiln.ops.op_close('7')",
               "TypeError: op_close: argument 1 (rid): expected number, received string");
  ExpectThrows("kiln.ops.op_close()",
               "TypeError: op_close: argument 1 (rid): expected number, received undefined");
  ExpectThrows("kiln.ops.op_close(1.5)",
               "TypeError: op_close: argument 1 (rid): expected integer, received 1.5");
  ExpectThrows("kiln.ops.op_close(-1)",
               "RangeError: op_close: argument 1 (rid): expected integer in [0, 4294967295], "
               "received -1");
}

TEST_F(RuntimeTest, ResourcesStillOpenAreClosedAtShutdown) {
  bool closed = false;
  runtime().op_state().resources().Add(std::make_unique<Named>(&closed));
  EXPECT_TRUE(runtime().Shutdown().ok());
  EXPECT_TRUE(closed);
}

TEST(ExtensionTest, DuplicateOpNamesFailAtCreate) {
  RuntimeOptions options;
  Extension again{"again", {&CoreExtension().op_tables[0][0]}};
  options.extensions = {&again};
  auto runtime = Runtime::Create(options);
  ASSERT_FALSE(runtime.ok());
  EXPECT_EQ(runtime.status().message(),
            "op 'op_close' is defined by both extension 'core' and extension 'again'");
}

}  // namespace
}  // namespace kiln
