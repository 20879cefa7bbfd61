// Op metrics (RuntimeOptions::op_metrics): async completions, errors and latency
// percentiles counted through the async op observers, and LatencyHistogram's buckets.
#include <string>

#include "core/op_support.h"
#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"
#include "tests/runner/runner_fixtures_extension.h"

namespace kiln {
namespace {

TEST(LatencyHistogramTest, PercentilesAreWithinOneBucketOfTheTrueValue) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.Percentile(0.5), 0u);
  for (uint64_t ns = 1; ns <= 100000; ++ns) histogram.Record(ns);
  EXPECT_EQ(histogram.count(), 100000u);
  for (double fraction : {0.5, 0.9, 0.99}) {
    double truth = fraction * 100000;
    double reported = static_cast<double>(histogram.Percentile(fraction));
    EXPECT_GE(reported, truth) << fraction;            // a bucket's upper bound
    EXPECT_LE(reported, truth * 1.125 + 1) << fraction;  // 8 buckets per power of two
  }
}

TEST(LatencyHistogramTest, SmallValuesAreExactAndMergeAddsCounts) {
  LatencyHistogram a;
  LatencyHistogram b;
  for (int i = 0; i < 10; ++i) a.Record(3);
  for (int i = 0; i < 30; ++i) b.Record(7);
  a.Merge(b);
  EXPECT_EQ(a.count(), 40u);
  EXPECT_EQ(a.Percentile(0.2), 3u);
  EXPECT_EQ(a.Percentile(0.9), 7u);
}

class OpMetricsTest : public testing::RuntimeTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.extensions = {&extensions::runner_fixtures()};
    options.op_metrics = true;
    options.expose_ops = true;
    return options;
  }
};

TEST_F(OpMetricsTest, AsyncCompletionsErrorsAndLatencyAreCounted) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    const ops = kiln.ops;
    (async () => {
      for (let i = 0; i < 3; i++) {
        const rid = ops.op_fixture_open('metered');
        const waiting = ops.op_fixture_wait(rid);
        ops.op_close(rid);
        await waiting;
      }
      // A wait on a closed resource rejects at once (BadResource): an error, no completion.
      await ops.op_fixture_wait(999).catch(() => {});
      try { ops.op_fixture_fail(); } catch {}
      globalThis.result = 'done';
    })();
  )js",
                            "result"),
            "'done'");
  const OpCallCounts* wait = runtime().op_metrics("op_fixture_wait");
  ASSERT_NE(wait, nullptr);
  EXPECT_EQ(wait->fast_calls + wait->slow_calls, 4u);
  EXPECT_EQ(wait->async_completed, 3u);
  EXPECT_EQ(wait->errors, 1u);
  EXPECT_EQ(wait->async_latency.count(), 3u);
  EXPECT_GT(wait->async_latency.Percentile(0.5), 0u);
  const OpCallCounts* fail = runtime().op_metrics("op_fixture_fail");
  ASSERT_NE(fail, nullptr);
  EXPECT_EQ(fail->errors, 1u);
  EXPECT_EQ(fail->async_completed, 0u);
  const OpCallCounts* open = runtime().op_metrics("op_fixture_open");
  ASSERT_NE(open, nullptr);
  EXPECT_EQ(open->slow_calls, 3u);
  EXPECT_EQ(open->errors, 0u);
}

TEST(OpMetricsOffTest, ARuntimeWithoutMetricsHasNone) {
  RuntimeOptions options;
  options.extensions = {&extensions::runner_fixtures()};
  absl::StatusOr<std::unique_ptr<Runtime>> runtime = Runtime::Create(std::move(options));
  ASSERT_TRUE(runtime.ok());
  EXPECT_EQ((*runtime)->all_op_metrics(), nullptr);
  EXPECT_EQ((*runtime)->op_metrics("op_fixture_wait"), nullptr);
}

}  // namespace
}  // namespace kiln
