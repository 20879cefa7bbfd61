// The fast paths of input.h in a real runtime: optimised callers reach the fast functions
// (the op's fast call counter moves), arguments the fast path cannot take fall back to the
// slow path and its errors, and an op that fails on the fast path runs only once.
#include <string>

#include "codegen/testdata/fast_paths/input.h"
#include "codegen/testdata/fast_paths/input_table.h"
#include "core/extension.h"
#include "core/op_support.h"
#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"

namespace fast {
namespace {

const kiln::Extension kExtension{"fast_paths", {&kiln::generated::input}};

// optimized(f, ...args): calls f twice to collect feedback, has V8 optimise it, then
// returns the optimised call's result. caught(op) is a caller that catches the op's error
// itself, in the same (optimised) function: the error must be caught there, not escape.
constexpr char kPrelude[] = R"js(
  globalThis.optimized = (f, ...args) => {
    %PrepareFunctionForOptimization(f);
    f(...args);
    f(...args);
    %OptimizeFunctionOnNextCall(f);
    return f(...args);
  };
  globalThis.caught = (name, ...params) => new Function(...params, `
      try { return kiln.ops.${name}(${params}); } catch (e) { return e.name + ': ' + e.message; }`);
)js";

class FastPathsTest : public kiln::testing::RuntimeTest {
 protected:
  kiln::RuntimeOptions MakeOptions() override {
    kiln::RuntimeOptions options;
    options.extensions = {&kExtension};
    options.op_metrics = true;
    return options;
  }
  void SetUp() override {
    RuntimeTest::SetUp();
    ASSERT_TRUE(runtime().Eval(kPrelude).ok());
  }
  uint64_t FastCalls(const char* op) { return runtime().op_metrics(op)->fast_calls; }
  uint64_t SlowCalls(const char* op) { return runtime().op_metrics(op)->slow_calls; }
};

TEST_F(FastPathsTest, TableHasFastFunctionsForEligibleOps) {
  const kiln::OpTable& table = kiln::generated::input;
  ASSERT_EQ(table.op_count, 19u);
  for (size_t i = 0; i < table.op_count; ++i) {
    std::string name = table.ops[i].name;
    bool slow_only = name == "op_wide" || name == "op_slow_only";
    EXPECT_EQ(table.ops[i].fast == nullptr, slow_only) << name;
  }
  // receiver + JS arguments (no options: op_add injects nothing); the C types V8 sees.
  const v8::CFunction* add = table.ops[0].fast;
  EXPECT_EQ(add->ArgumentCount(), 3u);
  EXPECT_EQ(add->ArgumentInfo(1).GetType(), v8::CTypeInfo::Type::kInt32);
  EXPECT_EQ(add->ReturnInfo().GetType(), v8::CTypeInfo::Type::kInt32);
}

TEST_F(FastPathsTest, OptimisedCallsTakeTheFastPath) {
  ExpectEval("optimized((a, b) => kiln.ops.op_add(a, b), 2, 3)", "5");
  EXPECT_GT(FastCalls("op_add"), 0u);
  ExpectEval("optimized((x, y, n, m) => kiln.ops.op_scale(x, y, n, m), 2, 0.5, 3, 4)", "12");
  EXPECT_GT(FastCalls("op_scale"), 0u);
  ExpectEval("optimized((x) => kiln.ops.op_half(x), 3)", "1.5");
  EXPECT_GT(FastCalls("op_half"), 0u);
  ExpectEval("optimized((v) => kiln.ops.op_is_object(v), {})", "true");
  EXPECT_GT(FastCalls("op_is_object"), 0u);
  ExpectEval("optimized(() => kiln.ops.op_no_args())", "undefined");
  EXPECT_GT(FastCalls("op_no_args"), 0u);
  ExpectEval("optimized((r, f) => kiln.ops.op_touch(r, f), 1, true)", "undefined");
  EXPECT_GT(FastCalls("op_touch"), 0u);
  ExpectEval("optimized((r) => kiln.ops.op_next(r), 41)", "42");
  EXPECT_GT(FastCalls("op_next"), 0u);
  ExpectEval("optimized((a) => kiln.ops.op_auto(a), 7)", "7");
  EXPECT_GT(FastCalls("op_auto"), 0u);
  ExpectEval("optimized((a, b, c, d, e, f) => kiln.ops.op_locals(a, b, c, d, e, f), "
             "1, 2, 3, 4, 5, 6)",
             "21");
  EXPECT_GT(FastCalls("op_locals"), 0u);
  ExpectEval("optimized((a, b, c, d) => "
             "kiln.ops.op_with_a_rather_long_name_for_wrapping(a, b, c, d), 1, 2, 3, 4)",
             "0");
  EXPECT_GT(FastCalls("op_with_a_rather_long_name_for_wrapping"), 0u);
  ExpectEval("optimized((a, b) => kiln.ops.op_enforced(a, b), -1, 4294967295)", "4294967294");
  EXPECT_GT(FastCalls("op_enforced"), 0u);
}

TEST_F(FastPathsTest, StatusOrValuesOnTheFastPath) {
  ExpectEval("optimized((a, b) => kiln.ops.op_ratio(a, b), 1, 4)", "0.25");
  EXPECT_GT(FastCalls("op_ratio"), 0u);
  ExpectEval("optimized((a, b) => kiln.ops.op_sum(a, b), 1, 4)", "5");
  ExpectEval("optimized((x) => kiln.ops.op_narrow(x), 0.1) === Math.fround(0.1)", "true");
  ExpectEval("optimized((v) => kiln.ops.op_try(v), true)", "true");
  EXPECT_GT(FastCalls("op_try"), 0u);
}

TEST_F(FastPathsTest, NofastOpsStaySlow) {
  ExpectEval("optimized((a) => kiln.ops.op_slow_only(a), 7)", "7");
  ExpectEval("optimized((a) => kiln.ops.op_wide(a), 7)", "7");
  EXPECT_EQ(FastCalls("op_slow_only"), 0u);
  EXPECT_EQ(FastCalls("op_wide"), 0u);
  EXPECT_EQ(SlowCalls("op_slow_only"), 3u);
}

TEST_F(FastPathsTest, Int32AndBoolArgumentsConvertLikeWebIdlOnBothPaths) {
  // ToInt32 of any Number, on the fast path itself (no wrapper, no second call).
  ExpectEval("globalThis.add = caught('op_add', 'a', 'b'); optimized(add, 1, 2)", "3");
  uint64_t slow = SlowCalls("op_add");
  ExpectEval("add(1.5, 2)", "3");
  ExpectEval("add(2 ** 31, 2)", "-2147483646");
  ExpectEval("add(NaN, -Infinity)", "0");
  EXPECT_EQ(SlowCalls("op_add"), slow);
  ExpectEval("kiln.ops.op_add(1.5, 2 ** 32 + 2)", "3");
  // A non-Number deoptimises to the slow path, which throws.
  ExpectEval("add('1', 2)",
             "'TypeError: op_add: argument 1 (a): expected number, received string'");
  EXPECT_GT(SlowCalls("op_add"), slow);
  // bool: ToBoolean on both paths.
  ExpectEval("globalThis.touch = caught('op_touch', 'r', 'f'); optimized(touch, 1, false)",
             "undefined");
  ExpectEval("touch(1, 1)", "undefined");
  ExpectEval("touch(1, 'x')", "undefined");
  ExpectEval("kiln.ops.op_touch(1, {})", "undefined");
}

TEST_F(FastPathsTest, ArgumentsTheFastPathRejectsFallBackToTheSlowPathsErrors) {
  // ResourceId and EnforceRange stay range-checked on both paths.
  ExpectEval("globalThis.touch = caught('op_touch', 'r', 'f'); optimized(touch, 1, false)",
             "undefined");
  uint64_t slow = SlowCalls("op_touch");
  ExpectEval("touch(-1, true)",
             "'RangeError: op_touch: argument 1 (rid): expected integer in [0, 4294967295], "
             "received -1'");
  EXPECT_GT(SlowCalls("op_touch"), slow);
  ExpectEval("globalThis.enforced = caught('op_enforced', 'a', 'b'); optimized(enforced, 1, 2)",
             "3");
  ExpectEval("enforced(1.5, 2.9)", "3");  // truncated, as WebIDL's [EnforceRange]
  ExpectEval("enforced(2 ** 31, 0)",
             "'TypeError: op_enforced: argument 1 (a): expected integer in [-2147483648, "
             "2147483647], received 2147483648'");
  ExpectEval("enforced(0, -1)",
             "'TypeError: op_enforced: argument 2 (b): expected integer in [0, 4294967295], "
             "received -1'");
  ExpectEval("enforced(NaN, 0)",
             "'TypeError: op_enforced: argument 1 (a): expected finite number, received NaN'");
  ExpectEval("enforced(0, '1')",
             "'TypeError: op_enforced: argument 2 (b): expected number, received string'");
  ExpectEval("kiln.ops.op_enforced(-0.5, 4294967295.5)", "4294967295");
}

TEST_F(FastPathsTest, AnOpThatFailsOnTheFastPathRunsOnce) {
  ExpectEval("globalThis.check = caught('op_check', 'c'); optimized(check, 0)", "undefined");
  uint64_t fast = FastCalls("op_check");
  EXPECT_GT(fast, 0u);
  int32_t runs = CheckRuns();
  ExpectEval("check(1)", "'TypeError: nonzero code'");
  EXPECT_EQ(CheckRuns(), runs + 1);
  EXPECT_EQ(FastCalls("op_check"), fast + 1);
  ExpectEval("check(0)", "undefined");
  EXPECT_EQ(CheckRuns(), runs + 2);

  ExpectEval("globalThis.ratio = caught('op_ratio', 'a', 'b'); optimized(ratio, 1, 2)",
             "0.5");
  uint64_t ratio_fast = FastCalls("op_ratio");
  ExpectEval("ratio(1, 0)", "'RangeError: division by zero'");
  EXPECT_EQ(FastCalls("op_ratio"), ratio_fast + 1);
  ExpectEval("globalThis.tryit = caught('op_try', 'v'); optimized(tryit, false)", "false");
  uint64_t try_fast = FastCalls("op_try");
  uint64_t try_slow = SlowCalls("op_try");
  ExpectEval("tryit(undefined)", "'TypeError: undefined'");
  EXPECT_EQ(FastCalls("op_try"), try_fast + 1);
  EXPECT_EQ(SlowCalls("op_try"), try_slow + 1);  // only to throw the stored error
}

}  // namespace
}  // namespace fast
