// The tally extension's ops and module, tested from C++ with kiln's RuntimeTest fixture
// (@kiln//core/testing): each test gets a fresh runtime with the extension installed and
// its ops exposed as `kiln.ops`.
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"
#include "tally/tally_extension.h"

namespace {

class TallyTest : public kiln::testing::RuntimeTest {
 protected:
  kiln::RuntimeOptions MakeOptions() override {
    kiln::RuntimeOptions options;
    options.extensions = {&kiln::extensions::tally()};
    return options;
  }
};

TEST_F(TallyTest, SyncOpsAddAndCount) {
  ExpectEval("globalThis.rid = kiln.ops.op_tally_open(); kiln.ops.op_tally_add(rid, 'a', 2)",
             "2");
  ExpectEval("kiln.ops.op_tally_add(rid, 'a', 0.5)", "2.5");
  ExpectEval("kiln.ops.op_tally_count(rid, 'a')", "2.5");
  ExpectEval("kiln.ops.op_tally_count(rid, 'never added')", "0");
}

TEST_F(TallyTest, BadInputThrows) {
  ExpectThrows("kiln.ops.op_tally_add(12345, 'a', 1)", "BadResource: Bad resource ID");
  ExpectEval("globalThis.rid = kiln.ops.op_tally_open(); 0", "0");
  ExpectThrows("kiln.ops.op_tally_add(rid, 'a', NaN)",
               "RangeError: the amount must be a finite number, got nan");
  ExpectThrows("kiln.ops.op_tally_add(rid, 'a', 'one')",
               "TypeError: op_tally_add: argument 3 (amount): expected number, received string");
}

TEST_F(TallyTest, AsyncOpResolvesFromTheLoop) {
  EXPECT_EQ(RunLoopThenEval("const rid = kiln.ops.op_tally_open();"
                            "kiln.ops.op_tally_add(rid, 'a', 1);"
                            "kiln.ops.op_tally_add_later(rid, 'a', 3, 5)"
                            "  .then((count) => { globalThis.result = count; });"),
            "4");
}

TEST_F(TallyTest, ClosingRejectsPendingAdditionsAndFreesTheResource) {
  EXPECT_EQ(RunLoopThenEval("const rid = kiln.ops.op_tally_open();"
                            "kiln.ops.op_tally_add_later(rid, 'a', 3, 60000).then("
                            "  () => { globalThis.result = 'resolved'; },"
                            "  (error) => { globalThis.result = `${error.name}: ${error.message}`; });"
                            "kiln.ops.op_tally_close(rid);"),
            "'Interrupted: the tally was closed'");
  ExpectThrows("kiln.ops.op_tally_close(1)", "BadResource: Bad resource ID");
}

TEST_F(TallyTest, TheModuleExportsTallyToUserCode) {
  EXPECT_EQ(RunLoopThenEval("import('kiln:tally').then(async ({ Tally }) => {"
                            "  const votes = new Tally();"
                            "  votes.add('yes');"
                            "  const later = await votes.addLater('yes', 2, 1);"
                            "  votes.close();"
                            "  globalThis.result = [later, votes.closed];"
                            "});"),
            "[ 3, true ]");
}

}  // namespace
