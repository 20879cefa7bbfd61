// Async ops end to end: ready and pending results, errors as rejections, completions
// from other threads, the promise ring's wrap-around and overflow, cancellation by
// close, dropped completers, unref, and teardown with ops still pending.
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/extension.h"
#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"
#include "tests/async/async_test_ops.h"
#include "tests/async/async_test_ops_table.h"
#include "tests/async/next_turn_queue.h"
#include "tests/async/parked_completers.h"

namespace kiln::async_test {
namespace {

const Extension kAsyncTestExtension{"async_test", {&generated::async_test_ops}};

class AsyncOpsTest : public testing::RuntimeTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.extensions = {&kAsyncTestExtension};
    return options;
  }
  void ExpectEmpty() {
    Runtime::AsyncOpCounts counts = runtime().CountAsyncOpsForTesting();
    EXPECT_EQ(counts.ring, 0u);
    EXPECT_EQ(counts.overflow, 0u);
    EXPECT_EQ(counts.native, 0u);
  }
};

constexpr char kSettle[] = R"js(
  globalThis.settle = (p) => p.then((v) => ['ok', v], (e) => ['err', `${e.name}: ${e.message}`]);
)js";

TEST_F(AsyncOpsTest, ReadyResultsAreSettledPromisesWithoutARingSlot) {
  ExpectEval("kiln.ops.op_ready(5) instanceof Promise", "true");
  EXPECT_EQ(runtime().CountAsyncOpsForTesting().ring, 0u);
  EXPECT_EQ(RunLoopThenEval(std::string(kSettle) + R"js(
    Promise.all([settle(kiln.ops.op_ready(5)), settle(kiln.ops.op_ready(-1))])
        .then((r) => { globalThis.result = r; });
  )js"),
            "[ [ 'ok', 5 ], [ 'err', 'RangeError: negative' ] ]");
  ExpectEmpty();
}

TEST_F(AsyncOpsTest, ArgumentErrorsRejectInsteadOfThrowing) {
  EXPECT_EQ(RunLoopThenEval(std::string(kSettle) + R"js(
    let threw = false;
    let promises;
    try {
      promises = [kiln.ops.op_ready('x'), kiln.ops.op_next_turn(2 ** 31), kiln.ops.op_next_turn()];
    } catch (e) { threw = true; }
    Promise.all(promises.map(settle)).then((r) => { globalThis.result = [threw, ...r]; });
  )js"),
            "[\n  false,\n"
            "  [\n    'err',\n"
            "    'TypeError: op_ready: argument 1 (value): expected number, received string'\n"
            "  ],\n"
            "  [\n    'err',\n"
            "    'TypeError: op_next_turn: argument 1 (value): expected integer in "
            "[-2147483648, 2147483647], received 2147483648'\n"
            "  ],\n"
            "  [\n    'err',\n"
            "    'TypeError: op_next_turn: argument 1 (value): expected number, received "
            "undefined'\n"
            "  ]\n]");
  ExpectEmpty();
}

TEST_F(AsyncOpsTest, PendingOpsCompleteOnALaterIterationInOneBatch) {
  EXPECT_EQ(RunLoopThenEval(std::string(kSettle) + R"js(
    const promises = [];
    for (let i = 0; i < 1000; i++) promises.push(kiln.ops.op_next_turn(i));
    promises.push(settle(kiln.ops.op_next_turn(-3)));
    Promise.all(promises).then((r) => {
      let sum = 0;
      for (let i = 0; i < 1000; i++) sum += r[i];
      globalThis.result = [sum, r[1000]];
    });
  )js"),
            "[ 999000, [ 'err', 'RangeError: next turn: asked to fail' ] ]");
  testing::NextTurnQueue& queue = testing::NextTurnQueue::Of(runtime().op_state());
  EXPECT_EQ(queue.completed(), 1001u);
  EXPECT_EQ(queue.same_iteration_completions(), 0u);
  ExpectEmpty();
}

TEST_F(AsyncOpsTest, AwaitChainsAcrossTurns) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    (async () => {
      let v = 1;
      for (let i = 0; i < 10; i++) v = await kiln.ops.op_next_turn(v);
      globalThis.result = v;
    })();
  )js"),
            "1024");
  ExpectEmpty();
}

TEST_F(AsyncOpsTest, CompletionsFromOtherThreads) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    Promise.all([kiln.ops.op_from_thread('a'), kiln.ops.op_from_thread('é€')])
        .then((r) => { globalThis.result = r; });
  )js"),
            "[ 'a', 'é€' ]");
  ExpectEmpty();
}

TEST_F(AsyncOpsTest, EightThreadsTimesTenThousandCompletions) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 10000;
  ASSERT_TRUE(
      runtime()
          .Eval(absl::StrCat(R"js(
    globalThis.parked = [];
    for (let i = 0; i < )js",
                             kThreads * kPerThread, R"js(; i++) parked.push(kiln.ops.op_park());
    Promise.all(parked).then((r) => {
      globalThis.result = [r.length, r.reduce((a, b) => a + b, 0)];
    });
  )js"))
          .ok());
  std::vector<Completer<int32_t>> completers = ParkedCompleters::Of(runtime().op_state()).TakeAll();
  ASSERT_EQ(completers.size(), static_cast<size_t>(kThreads * kPerThread));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&completers, t] {
      for (int i = t * kPerThread; i < (t + 1) * kPerThread; ++i) completers[i].Complete(i);
    });
  }
  // The loop runs while the threads complete: it must not end before the last one.
  Result<void> loop = runtime().RunEventLoop();
  for (std::thread& thread : threads) thread.join();
  ASSERT_TRUE(loop.ok()) << loop.error().Report();
  constexpr int64_t kCount = kThreads * kPerThread;
  ExpectEval("globalThis.result",
             absl::StrCat("[ ", kCount, ", ", kCount * (kCount - 1) / 2, " ]"));
  ExpectEmpty();
}

// Async ops resolving to numbers take V8's fast path from optimised code: ready values,
// ready errors, argument errors and pending results all reach the promise as they do on
// the slow path.
class AsyncOpsMetricsTest : public AsyncOpsTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options = AsyncOpsTest::MakeOptions();
    options.op_metrics = true;
    return options;
  }
};

TEST_F(AsyncOpsMetricsTest, FastPathFromOptimizedCode) {
  const OpCallCounts* ready = runtime().op_metrics("op_ready");
  const OpCallCounts* next_turn = runtime().op_metrics("op_next_turn");
  ASSERT_NE(ready, nullptr);
  ASSERT_NE(next_turn, nullptr);
  ASSERT_TRUE(runtime().Eval(std::string(kSettle) + R"js(
    globalThis.callReady = (x) => kiln.ops.op_ready(x);
    globalThis.callNextTurn = (x) => kiln.ops.op_next_turn(x);
    %PrepareFunctionForOptimization(callReady);
    %PrepareFunctionForOptimization(callNextTurn);
    callReady(1); callReady(2); callNextTurn(1); callNextTurn(2);
    %OptimizeFunctionOnNextCall(callReady);
    %OptimizeFunctionOnNextCall(callNextTurn);
    callReady(3); callNextTurn(3);
  )js").ok());
  ExpectEval("%GetOptimizationStatus(callReady) & 16 ? 'optimized' : 'not'", "'optimized'");
  RunLoopThenEval("globalThis.result = 0");
  uint64_t ready_fast = ready->fast_calls;
  uint64_t next_turn_fast = next_turn->fast_calls;
  EXPECT_EQ(RunLoopThenEval(R"js(
    Promise.all([settle(callReady(7)), settle(callReady(-1)), settle(callNextTurn(21)),
                 settle(callNextTurn(-4))])
        .then((r) => { globalThis.result = r; });
  )js"),
            "[\n  [ 'ok', 7 ],\n  [ 'err', 'RangeError: negative' ],\n  [ 'ok', 42 ],\n"
            "  [ 'err', 'RangeError: next turn: asked to fail' ]\n]");
  EXPECT_EQ(ready->fast_calls - ready_fast, 2u);
  EXPECT_EQ(next_turn->fast_calls - next_turn_fast, 2u);
  // Out of int32 range: rejected by the fast function, thrown by the slow-only binding,
  // and still a rejection, not a throw.
  EXPECT_EQ(RunLoopThenEval("settle(callReady(2 ** 31)).then((r) => { globalThis.result = r; });"),
            "[\n  'err',\n  'TypeError: op_ready: argument 1 (value): expected integer in "
            "[-2147483648, 2147483647], received 2147483648'\n]");
  ExpectEmpty();
}

// An op that made a pending Future but returned a ready result: the result settles the
// promise (through the ring); the made Completer neither keeps the loop alive nor
// settles anything when it completes later.
TEST_F(AsyncOpsTest, ReadyResultAfterMakeFutureGoesThroughTheRing) {
  EXPECT_EQ(RunLoopThenEval(std::string(kSettle) + R"js(
    Promise.all([settle(kiln.ops.op_made_then_ready(5)),
                 settle(kiln.ops.op_made_then_ready(-1))])
        .then((r) => { globalThis.result = r; });
  )js"),
            "[ [ 'ok', 5 ], [ 'err', 'RangeError: negative' ] ]");
  std::vector<Completer<int32_t>> parked = ParkedCompleters::Of(runtime().op_state()).TakeAll();
  ASSERT_EQ(parked.size(), 2u);
  // A later op gets a new id; the parked completers' ids are never reused meanwhile.
  EXPECT_EQ(RunLoopThenEval(std::string(kSettle) +
                            "settle(kiln.ops.op_next_turn(8)).then((r) => { globalThis.result = r; });"),
            "[ 'ok', 16 ]");
  for (Completer<int32_t>& completer : parked) EXPECT_TRUE(completer.Complete(99));
  EXPECT_EQ(RunLoopThenEval("globalThis.result = 'loop ended'"), "'loop ended'");
  ExpectEmpty();
}

TEST_F(AsyncOpsTest, DroppedCompleterRejects) {
  EXPECT_EQ(
      RunLoopThenEval(std::string(kSettle) +
                      "settle(kiln.ops.op_dropped()).then((r) => { globalThis.result = r; });"),
      "[\n  'err',\n  'Interrupted: op_dropped: operation dropped without a result'\n]");
  ExpectEmpty();
}

TEST_F(AsyncOpsTest, ClosingTheResourceCancelsItsWaits) {
  EXPECT_EQ(RunLoopThenEval(std::string(kSettle) + R"js(
    const rid = kiln.ops.op_waiter_open();
    const waits = [settle(kiln.ops.op_waiter_wait(rid)), settle(kiln.ops.op_waiter_wait(rid))];
    kiln.ops.op_close(rid);
    Promise.all([...waits, settle(kiln.ops.op_waiter_wait(rid))])
        .then((r) => { globalThis.result = r; });
  )js"),
            "[\n  [ 'err', 'Interrupted: operation canceled' ],\n"
            "  [ 'err', 'Interrupted: operation canceled' ],\n"
            "  [ 'err', 'BadResource: Bad resource ID' ]\n]");
  ExpectEmpty();
}

TEST_F(AsyncOpsTest, IdsWrapAt2To31And2To32) {
  for (uint32_t start : {0x7FFFFFFBu, 0xFFFFFFFBu}) {
    SCOPED_TRACE(start);
    // An op parked at an id the counter will come back to, once the ids wrap.
    runtime().SetNextAsyncOpIdForTesting(start + 7);  // 2^31 + 2, or 2 after the wrap
    // (unref'd, so the loop below can end while it waits)
    ASSERT_TRUE(runtime().Eval("globalThis.early = kiln.ops.op_park(); kiln.unrefOp(early);").ok());
    runtime().SetNextAsyncOpIdForTesting(start);
    EXPECT_EQ(RunLoopThenEval(R"js({
      const ops = [];
      for (let i = 0; i < 20; i++) ops.push(kiln.ops.op_next_turn(i));
      Promise.all(ops).then((r) => { globalThis.result = r.join(','); });
    })js"),
              "'0,2,4,6,8,10,12,14,16,18,20,22,24,26,28,30,32,34,36,38'");
    // The parked op kept its id: completing it settles `early`, nothing else.
    std::vector<Completer<int32_t>> parked = ParkedCompleters::Of(runtime().op_state()).TakeAll();
    ASSERT_EQ(parked.size(), 1u);
    parked[0].Complete(77);
    EXPECT_EQ(RunLoopThenEval("early.then((v) => { globalThis.result = v; });"), "77");
    ExpectEmpty();
  }
}

TEST_F(AsyncOpsTest, AMillionPendingOpsLeaveTheRingAndOverflowEmpty) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    const ops = new Array(1000000);
    let expected = 0;
    for (let i = 0; i < 1000000; i++) {
      ops[i] = kiln.ops.op_next_turn(i & 1023);
      expected += 2 * (i & 1023);
    }
    Promise.all(ops).then((r) => {
      let sum = 0;
      for (const v of r) sum += v;
      globalThis.result = [r.length, sum === expected];
    });
  )js"),
            "[ 1000000, true ]");
  ExpectEmpty();
}

TEST_F(AsyncOpsTest, UnrefdOpsDoNotKeepTheLoopAlive) {
  ASSERT_TRUE(runtime()
                  .Eval("globalThis.p = kiln.ops.op_park(); globalThis.unrefd = kiln.unrefOp(p);")
                  .ok());
  ExpectEval("unrefd", "true");
  EXPECT_FALSE(runtime().HasPendingWork());
  ASSERT_TRUE(runtime().RunEventLoop().ok());  // returns at once
  ExpectEval("kiln.refOp(p)", "true");
  EXPECT_TRUE(runtime().HasPendingWork());
  ExpectEval("kiln.unrefOp(Promise.resolve(1))", "false");
  ParkedCompleters::Of(runtime().op_state()).TakeAll()[0].Complete(5);
  EXPECT_EQ(RunLoopThenEval("p.then((v) => { globalThis.result = v; });"), "5");
}

TEST_F(AsyncOpsTest, RunEventLoopOnceStepsTheLoop) {
  ASSERT_TRUE(runtime()
                  .Eval("globalThis.result = 0; kiln.ops.op_next_turn(4).then((v) => "
                        "{ globalThis.result = v; });")
                  .ok());
  EXPECT_TRUE(runtime().HasPendingWork());
  int turns = 0;
  while (true) {
    Result<bool> more = runtime().RunEventLoopOnce();
    ASSERT_TRUE(more.ok()) << more.error().Report();
    ++turns;
    if (!more.value()) break;
    ASSERT_LT(turns, 100);
  }
  ExpectEval("globalThis.result", "8");
  EXPECT_FALSE(runtime().HasPendingWork());
}

TEST_F(AsyncOpsTest, AnUnhandledRejectionFromAnOpStopsTheLoop) {
  ASSERT_TRUE(runtime().Eval("kiln.ops.op_next_turn(-1); kiln.ops.op_next_turn(5);").ok());
  Result<void> loop = runtime().RunEventLoop();
  ASSERT_FALSE(loop.ok());
  EXPECT_EQ(loop.error().class_name, "RangeError");
  EXPECT_EQ(loop.error().message, "next turn: asked to fail");
}

TEST_F(AsyncOpsTest, BlockingPoolOpsSettleWithValuesAndErrors) {
  EXPECT_EQ(RunLoopThenEval(std::string(kSettle) + R"js(
    Promise.all([settle(kiln.ops.op_blocking_sum(10, 0)), settle(kiln.ops.op_blocking_sum(-1, 0)),
                 settle(kiln.ops.op_blocking_off_thread())])
        .then((r) => { globalThis.result = r; });
  )js"),
            "[\n  [ 'ok', 45 ],\n  [ 'err', 'RangeError: op_blocking_sum: n must not be negative' ],\n"
            "  [ 'ok', true ]\n]");
  ExpectEmpty();
}

TEST_F(AsyncOpsTest, BlockingPoolOpsDoNotHoldUpJavaScript) {
  // A 200 ms task on the pool: the loop keeps turning meanwhile (a chain of ops that
  // each complete on the next turn), and the op keeps the loop alive until it settles.
  EXPECT_EQ(RunLoopThenEval(R"js(
    let turns = 0;
    let done = false;
    const turn = () => { if (!done) kiln.ops.op_next_turn(1).then(() => { turns++; turn(); }); };
    turn();
    kiln.ops.op_blocking_sum(3, 200).then((sum) => {
      done = true;
      globalThis.result = [sum, turns >= 5];
    });
  )js"),
            "[ 3, true ]");
  ExpectEmpty();
}

// Not a fixture test: the runtime is destroyed with ops pending, and completers outlive it.
TEST(AsyncOpsTeardownTest, PendingOpsAndLateCompletersAreSafe) {
  std::vector<Completer<int32_t>> parked;
  {
    RuntimeOptions options;
    options.extensions = {&kAsyncTestExtension};
    options.expose_ops = true;
    auto runtime = std::move(*Runtime::Create(options));
    ASSERT_TRUE(runtime
                    ->Eval("for (let i = 0; i < 100; i++) { kiln.ops.op_park(); "
                           "kiln.ops.op_next_turn(i); kiln.ops.op_waiter_wait("
                           "kiln.ops.op_waiter_open()); }")
                    .ok());
    parked = ParkedCompleters::Of(runtime->op_state()).TakeAll();
    EXPECT_TRUE(runtime->Shutdown().ok());
  }
  ASSERT_EQ(parked.size(), 100u);
  // From another thread too: completing after the runtime is gone does nothing.
  std::thread([&parked] {
    for (size_t i = 0; i < parked.size(); i += 2) EXPECT_FALSE(parked[i].Complete(1));
  }).join();
  for (size_t i = 1; i < parked.size(); i += 2) EXPECT_FALSE(parked[i].Complete(1));
}

// A runtime destroyed while its blocking task runs: the task finishes on its thread and its
// result is dropped.
TEST(AsyncOpsTeardownTest, BlockingTaskOutlivesItsRuntime) {
  {
    RuntimeOptions options;
    options.extensions = {&kAsyncTestExtension};
    options.expose_ops = true;
    auto runtime = std::move(*Runtime::Create(options));
    ASSERT_TRUE(runtime->Eval("kiln.ops.op_blocking_sum(1000, 100)").ok());
    EXPECT_TRUE(runtime->Shutdown().ok());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the task ends meanwhile
}

}  // namespace
}  // namespace kiln::async_test
