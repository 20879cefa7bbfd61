// The tier table: every integer type, kiln::EnforceRange and bool, called with 14 awkward
// values from the interpreter and from TurboFan-optimised code, must give the same value or
// the same exception, caught by a try/catch in the calling function, and run the op exactly
// once when it accepts the value and never when it rejects it.
//
// The rules (core/convert.h): int32_t / uint32_t take any Number by ToInt32 / ToUint32 and
// bool any value by ToBoolean (WebIDL long, unsigned long, boolean: what V8's fast path
// does); int64_t, uint64_t and ResourceId are integral and in range; EnforceRange<I> is
// WebIDL [EnforceRange] (truncated, then in range).
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/extension.h"
#include "core/op_support.h"
#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"
#include "tests/ops/tier_ops.h"
#include "tests/ops/tier_ops_table.h"

namespace kiln::tier {
namespace {

const Extension kTierExtension{"tier", {&generated::tier_ops}};

// The table's values, as JavaScript expressions.
const std::vector<std::string> kValues = {
    "1.5",     "-1",          "-0",  "NaN",  "Infinity",  "-Infinity", "2 ** 31",
    "2 ** 40", "2 ** 53 + 2", "'3'", "true", "undefined", "null",      "5n"};

// render(result) or `${name}: ${message}` of what the call threw.
constexpr char kPrelude[] = R"js(
  globalThis.render = (r) => Object.is(r, -0) ? '-0' : typeof r === 'bigint' ? `${r}n` : String(r);
  globalThis.interpreted = function (name, v) {
    try { return render(kiln.ops[name](v)); } catch (e) { return `${e.name}: ${e.message}`; }
  };
  %NeverOptimizeFunction(interpreted);
  globalThis.optimizedCaller = function (name, warm, id) {
    // Own source per case: own feedback, so every case starts from a clean optimisation.
    const f = new Function('v', `/* case ${id} */
        try { return render(kiln.ops.${name}(v)); } catch (e) { return e.name + ': ' + e.message; }`);
    %PrepareFunctionForOptimization(f);
    f(warm);
    f(warm);
    %OptimizeFunctionOnNextCall(f);
    f(warm);
    return f;
  };
  globalThis.isOptimized = (f) => (%GetOptimizationStatus(f) & 16) !== 0;
)js";

struct TierRow {
  const char* op;
  const char* warm;                   // a value the op accepts, to optimise with
  std::vector<std::string> expected;  // one per kValues entry
};

std::string Arg(const char* op) { return absl::StrCat(op, ": argument 1 (value): "); }
std::string TypeErr(const char* op, const std::string& what) {
  return absl::StrCat("TypeError: ", Arg(op), what);
}
std::string RangeErr(const char* op, const char* range, const std::string& received) {
  return absl::StrCat("RangeError: ", Arg(op), "expected integer in ", range, ", received ",
                      received);
}

std::vector<std::string> NotNumbers(const char* op, std::vector<std::string> row) {
  for (const char* received : {"string", "boolean", "undefined", "null", "bigint"}) {
    row.push_back(TypeErr(op, absl::StrCat("expected number, received ", received)));
  }
  return row;
}

// ToInt32 / ToUint32 of a Number.
std::vector<std::string> Int32Row(const char* op) {
  return NotNumbers(op, {"1", "-1", "0", "0", "0", "0", "-2147483648", "0", "2"});
}
std::vector<std::string> Uint32Row(const char* op) {
  return NotNumbers(op, {"1", "4294967295", "0", "0", "0", "0", "2147483648", "0", "2"});
}

// WebIDL [EnforceRange]: finite, truncated, in range.
std::vector<std::string> EnforceInt32Row(const char* op) {
  std::string range = "expected integer in [-2147483648, 2147483647], received ";
  return NotNumbers(op, {"1", "-1", "0", TypeErr(op, "expected finite number, received NaN"),
                         TypeErr(op, "expected finite number, received Infinity"),
                         TypeErr(op, "expected finite number, received -Infinity"),
                         TypeErr(op, range + "2147483648"), TypeErr(op, range + "1099511627776"),
                         TypeErr(op, range + "9007199254740994")});
}
std::vector<std::string> EnforceUint32Row(const char* op) {
  std::string range = "expected integer in [0, 4294967295], received ";
  std::vector<std::string> row = EnforceInt32Row(op);
  row[1] = TypeErr(op, range + "-1");
  row[6] = "2147483648";
  row[7] = TypeErr(op, range + "1099511627776");
  row[8] = TypeErr(op, range + "9007199254740994");
  return row;
}

// The strict integer rule (64-bit integers, ResourceId): integral and in range.
std::vector<std::string> StrictInt32Row(const char* op) {
  const char* range = "[-2147483648, 2147483647]";
  return {TypeErr(op, "expected integer, received 1.5"),
          "-1",
          "0",
          TypeErr(op, "expected integer, received NaN"),
          TypeErr(op, "expected integer, received Infinity"),
          TypeErr(op, "expected integer, received -Infinity"),
          RangeErr(op, range, "2147483648"),
          RangeErr(op, range, "1099511627776"),
          RangeErr(op, range, "9007199254740994"),
          TypeErr(op, "expected number, received string"),
          TypeErr(op, "expected number, received boolean"),
          TypeErr(op, "expected number, received undefined"),
          TypeErr(op, "expected number, received null"),
          TypeErr(op, "expected number, received bigint")};
}
std::vector<std::string> StrictUint32Row(const char* op) {
  const char* range = "[0, 4294967295]";
  std::vector<std::string> row = StrictInt32Row(op);
  row[1] = RangeErr(op, range, "-1");
  row[6] = "2147483648";
  row[7] = RangeErr(op, range, "1099511627776");
  row[8] = RangeErr(op, range, "9007199254740994");
  return row;
}
std::vector<std::string> Int64Row(const char* op) {
  std::vector<std::string> row = StrictInt32Row(op);
  row[6] = "2147483648";
  row[7] = "1099511627776";
  row[8] = "9007199254740994";
  for (int i : {9, 10, 11, 12}) {
    row[i] = TypeErr(op, absl::StrCat("expected number or bigint, received ",
                                      std::vector<const char*>{"string", "boolean", "undefined",
                                                               "null"}[i - 9]));
  }
  row[13] = "5";
  return row;
}
std::vector<std::string> Uint64Row(const char* op) {
  std::vector<std::string> row = Int64Row(op);
  row[1] = RangeErr(op, "[0, 18446744073709551615]", "-1");
  return row;
}
// ToBoolean: never an error.
std::vector<std::string> BoolRow() {
  return {"true", "true", "false", "false", "true", "true", "true",
          "true", "true", "true", "true", "false", "false", "true"};
}

class TierTableTest : public testing::RuntimeTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.extensions = {&kTierExtension};
    options.op_metrics = true;
    return options;
  }
  void SetUp() override {
    RuntimeTest::SetUp();
    ASSERT_TRUE(runtime().Eval(kPrelude).ok());
  }
  static std::string Quoted(const std::string& text) { return "'" + text + "'"; }
  static bool HasFastPath(const char* name) {
    const OpTable& table = generated::tier_ops;
    for (size_t i = 0; i < table.op_count; ++i) {
      if (std::string(table.ops[i].name) == name) return table.ops[i].fast != nullptr;
    }
    return false;
  }

  void CheckRow(const TierRow& row) {
    const OpCallCounts* op = runtime().op_metrics(row.op);
    ASSERT_NE(op, nullptr);
    ASSERT_TRUE(HasFastPath(row.op)) << row.op << " has no fast path";
    for (size_t i = 0; i < kValues.size(); ++i) {
      const std::string& value = kValues[i];
      const std::string& expected = row.expected[i];
      bool accepted = expected.find("Error: ") == std::string::npos;
      SCOPED_TRACE(absl::StrCat(row.op, "(", value, ")"));

      // Interpreter.
      int64_t runs = TierOpRuns();
      EXPECT_EQ(EvalOrError(absl::StrCat("interpreted('", row.op, "', ", value, ")")),
                Quoted(expected));
      EXPECT_EQ(TierOpRuns() - runs, accepted ? 1 : 0);

      // Optimised: a caller TurboFan has compiled, whose warm-up calls took the fast path.
      uint64_t fast_before_warm = op->fast_calls;
      EXPECT_EQ(EvalOrError(absl::StrCat("globalThis.f = optimizedCaller('", row.op, "', ",
                                         row.warm, ", ", i, "); isOptimized(f)")),
                "true");
      EXPECT_GT(op->fast_calls, fast_before_warm) << "the optimised warm-up call was not fast";
      uint64_t fast = op->fast_calls;
      uint64_t slow = op->slow_calls;
      runs = TierOpRuns();
      EXPECT_EQ(EvalOrError(absl::StrCat("f(", value, ")")), Quoted(expected));
      EXPECT_EQ(TierOpRuns() - runs, accepted ? 1 : 0);
      std::string path = op->fast_calls > fast ? (op->slow_calls > slow ? "fast+slow" : "fast")
                                                 : (op->slow_calls > slow ? "slow" : "none");
      std::printf("%-22s %-12s %-10s %s\n", row.op, value.c_str(), path.c_str(), expected.c_str());
      EXPECT_NE(path, "none");
      // A value the fast path takes runs there alone; only a rejection adds the slow call.
      if (accepted) {
        EXPECT_NE(path, "fast+slow");
      }
    }
  }
};

TEST_F(TierTableTest, Int32) { CheckRow({"op_tier_int32", "7", Int32Row("op_tier_int32")}); }
TEST_F(TierTableTest, Uint32) { CheckRow({"op_tier_uint32", "7", Uint32Row("op_tier_uint32")}); }
TEST_F(TierTableTest, Int64) { CheckRow({"op_tier_int64", "7", Int64Row("op_tier_int64")}); }
TEST_F(TierTableTest, Uint64) { CheckRow({"op_tier_uint64", "7", Uint64Row("op_tier_uint64")}); }
TEST_F(TierTableTest, ResourceId) {
  CheckRow({"op_tier_resource_id", "7", StrictUint32Row("op_tier_resource_id")});
}
TEST_F(TierTableTest, Bool) { CheckRow({"op_tier_bool", "true", BoolRow()}); }
TEST_F(TierTableTest, EnforceRangeInt32) {
  CheckRow({"op_tier_enforce_int32", "7", EnforceInt32Row("op_tier_enforce_int32")});
}
TEST_F(TierTableTest, EnforceRangeUint32) {
  CheckRow({"op_tier_enforce_uint32", "7", EnforceUint32Row("op_tier_enforce_uint32")});
}

// int32_t, uint32_t and bool ops have fast functions that cannot fail: JavaScript calls
// the native function itself, with no wrapper checking a flag after the call.
TEST_F(TierTableTest, Int32Uint32AndBoolOpsCannotFailOnTheFastPath) {
  const OpTable& table = generated::tier_ops;
  for (size_t i = 0; i < table.op_count; ++i) {
    std::string name = table.ops[i].name;
    bool can_fail = name != "op_tier_int32" && name != "op_tier_uint32" &&
                    name != "op_tier_int64" && name != "op_tier_bool";
    EXPECT_EQ(table.ops[i].fast_may_fail, can_fail) << name;
  }
}

// In-range integers on the optimised tier never leave the fast path.
TEST_F(TierTableTest, InRangeIntegersStayOnTheFastPath) {
  const OpCallCounts* op = runtime().op_metrics("op_tier_int32");
  ASSERT_EQ(EvalOrError("globalThis.g = optimizedCaller('op_tier_int32', 1, 'range'); "
                        "isOptimized(g)"),
            "true");
  uint64_t fast = op->fast_calls;
  uint64_t slow = op->slow_calls;
  EXPECT_EQ(EvalOrError("let sum = 0; for (const v of [-2147483648, -1, 0, 2147483647]) "
                        "sum += Number(g(v)); sum"),
            "-2");
  EXPECT_EQ(op->fast_calls - fast, 4u);
  EXPECT_EQ(op->slow_calls, slow);
  EXPECT_EQ(EvalOrError("isOptimized(g)"), "true");
}

}  // namespace
}  // namespace kiln::tier
