// Timers with HTML semantics: ordering by (deadline, sequence) even when many are
// overdue, fresh deadlines, nesting clamp, intervals, microtasks between callbacks,
// errors stopping the loop, delay conversion, ids, ref/unref, queueMicrotask,
// performance, and teardown with timers pending.
#include "ext/timers/timers_extension.h"
#include "ext/web/web_extension.h"
#include "ext/webidl/webidl_extension.h"

#include <chrono>
#include <string>

#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"

namespace kiln::timers {
namespace {

class TimersTest : public testing::RuntimeTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.extensions = {&extensions::timers(), &extensions::web(), &extensions::webidl()};
    return options;
  }
};

TEST_F(TimersTest, FireInDeadlineThenSchedulingOrder) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    // Deadlines are read fresh at each call: the gaps between the delays are wide enough
    // that a busy machine's pause between two calls does not reorder them.
    clearTimeout(setTimeout(() => {}));  // the first call's one-time costs, before timing
    const log = [];
    setTimeout(() => log.push('a100'), 100);
    setTimeout(() => log.push('b50'), 50);
    setTimeout(() => log.push('c50'), 50);
    setTimeout(() => log.push('d0'));
    setTimeout(() => log.push('e0'), 0);
    setTimeout(() => { globalThis.result = log.join(' '); }, 150);
  )js"),
            "'d0 e0 b50 c50 a100'");
}

TEST_F(TimersTest, AHundredThousandOverdueTimersHalfClearedKeepTheirOrder) {
  // Delays from a small set; timer j may only fire once every earlier timer i with
  // delay_i <= delay_j (so deadline_i <= deadline_j, and i was scheduled first) has.
  EXPECT_EQ(RunLoopThenEval(R"js(
    const delays = [0, 1, 5, 10, 30];
    const count = 100000;
    const delayOf = new Int32Array(count);
    const cleared = new Uint8Array(count);
    const fired = [];
    let seed = 12345;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) >> 16);
    const ids = new Array(count);
    for (let i = 0; i < count; i++) {
      delayOf[i] = delays[random() % delays.length];
      ids[i] = setTimeout(() => fired.push(i), delayOf[i]);
    }
    for (let i = 0; i < count; i++) {
      if (random() % 2 === 0) { clearTimeout(ids[i]); cleared[i] = 1; }
    }
    const end = performance.now() + 60;  // every timer overdue before the loop runs
    while (performance.now() < end) {}
    setTimeout(() => {
      // Per delay class, the indices still scheduled, in creation order.
      const byDelay = delays.map((d) => []);
      let live = 0;
      for (let i = 0; i < count; i++) {
        if (!cleared[i]) { byDelay[delays.indexOf(delayOf[i])].push(i); live++; }
      }
      const next = delays.map(() => 0);
      let violations = 0;
      for (const j of fired) {
        const k = delays.indexOf(delayOf[j]);
        if (byDelay[k][next[k]] !== j) violations++;
        next[k]++;
        for (let c = 0; c < k; c++) {
          // an earlier-created timer with a shorter delay must have fired already
          if (next[c] < byDelay[c].length && byDelay[c][next[c]] < j) violations++;
        }
      }
      globalThis.result = [fired.length === live, live > 45000 && live < 55000, violations];
    }, 100);
  )js"),
            "[ true, true, 0 ]");
}

TEST_F(TimersTest, ClearsFindTheirTimersAfterRunsWrapGrowAndCompact) {
  // One run (delay 1) of 5,000 timers; the 3,000th adds 4,000 more (the ring wraps), then
  // clears two thirds of the pending ones (the run is compacted and renumbered), then half
  // of the rest. Two long timers hold the front of the id window until it is mostly
  // ended, so their ids move out of it; one is cleared from there, the other fires.
  EXPECT_EQ(RunLoopThenEval(R"js(
    const fired = [];
    const ids = [];
    // The long timers are due well after the short ones even on a busy machine.
    const longCleared = setTimeout(() => fired.push('long-cleared'), 1000);
    const longKept = setTimeout(() => fired.push('long-kept'), 1000);
    const add = (i) => { ids[i] = setTimeout(() => { fired.push(i); if (i === 3000) grow(); }, 1); };
    for (let i = 0; i < 5000; i++) add(i);
    function grow() {
      for (let i = 5000; i < 9000; i++) add(i);
      for (let i = 3001; i < 9000; i++) if (i % 3 !== 0) clearTimeout(ids[i]);
      for (let i = 3001; i < 9000; i++) if (i % 6 === 0) clearInterval(ids[i]);
    }
    setTimeout(() => clearTimeout(longCleared), 30);
    setTimeout(() => {
      const expected = [];
      for (let i = 0; i < 9000; i++) if (i <= 3000 || (i % 3 === 0 && i % 6 !== 0)) expected.push(i);
      expected.push('long-kept');
      const k = expected.findIndex((value, k) => fired[k] !== value);
      globalThis.result = k < 0 && fired.length === expected.length ? 'in order' :
          `fired ${fired.length} of ${expected.length}; at ${k}: ${fired[k]} not ${expected[k]}`;
    }, 1100);
  )js"),
            "'in order'");
}

TEST_F(TimersTest, ClearingTheEarliestTimerNeitherFiresItNorKeepsTheLoop) {
  // The native timer stays armed for a cleared timer's deadline; waking for it runs
  // nothing, and once nothing is pending the loop ends at once.
  EXPECT_EQ(RunLoopThenEval(R"js(
    const log = [];
    const early = setTimeout(() => log.push('early'), 5);
    setTimeout(() => { log.push('late'); globalThis.result = log.join(' '); }, 20);
    clearTimeout(early);
  )js"),
            "'late'");
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(RunLoopThenEval(R"js(
    globalThis.result = 'ended';
    clearTimeout(setTimeout(() => { globalThis.result = 'fired'; }, 60000));
  )js"),
            "'ended'");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST_F(TimersTest, UnrefdIntervalsStopKeepingTheLoopEvenFromTheirOwnCallback) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    let runs = 0;
    const id = setInterval(() => { if (++runs === 3) kiln.unrefTimer(id); }, 1);
    globalThis.runsSoFar = () => runs;
  )js", "runsSoFar()"),
            "3");
}

TEST_F(TimersTest, DeadlinesCountFromTheCallNotTheLoopsCachedTime) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    const spinUntil = performance.now() + 50;
    while (performance.now() < spinUntil) {}
    const called = performance.now();
    setTimeout(() => { globalThis.result = performance.now() - called >= 20; }, 20);
  )js"),
            "true");
}

TEST_F(TimersTest, IntervalsRepeatAndCanBeClearedFromTheirOwnCallback) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    let runs = 0;
    const id = setInterval((a, b) => {
      runs += a + b;
      if (runs === 9) clearInterval(id);
    }, 1, 1, 2);
    setTimeout(() => { globalThis.result = runs; }, 50);
  )js"),
            "9");
}

TEST_F(TimersTest, NestedTimersClampToFourMillisecondsAfterFiveLevels) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    const times = [];
    function step() {
      times.push(performance.now());
      if (times.length < 10) setTimeout(step, 0);
      else globalThis.result = times.slice(7).map((t, i) => t - times[6 + i] >= 4);
    }
    setTimeout(step, 0);
  )js"),
            "[ true, true, true ]");
}

TEST_F(TimersTest, MicrotasksRunBetweenTimerCallbacks) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    const log = [];
    setTimeout(() => { log.push('a'); Promise.resolve().then(() => log.push('a-micro')); });
    setTimeout(() => { log.push('b'); queueMicrotask(() => log.push('b-micro')); });
    setTimeout(() => { globalThis.result = log.join(' '); }, 5);
  )js"),
            "'a a-micro b b-micro'");
}

TEST_F(TimersTest, AnUncaughtErrorInATimerStopsLaterTimers) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    setTimeout(() => { throw new RangeError('boom'); });
    setTimeout(() => { globalThis.ran = true; });
  )js"),
            "<loop: RangeError: boom>");
  ExpectEval("globalThis.ran", "undefined");
}

TEST_F(TimersTest, UnhandledRejectionsInTimersStopTheLoopHandledOnesDoNot) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    setTimeout(() => { const p = Promise.reject(new Error('handled')); p.catch(() => {}); });
    setTimeout(() => { globalThis.result = 'still running'; }, 2);
  )js"),
            "'still running'");
  EXPECT_EQ(RunLoopThenEval("setTimeout(() => { Promise.reject(new TypeError('nobody')); });"),
            "<loop: TypeError: nobody>");
}

TEST_F(TimersTest, DelaysConvertLikeWebIdlLong) {
  // 2^31 wraps to -2^31 (then 0); 2^32 + 50 wraps to 50; NaN, negative and strings that
  // are not numbers are 0; '50' is 50. (50 ms: a loaded machine's pause between two calls
  // cannot put the zero-delay timers' deadlines after it.)
  EXPECT_EQ(RunLoopThenEval(R"js(
    const log = [];
    setTimeout(() => log.push('2^32+50'), 2 ** 32 + 50);
    setTimeout(() => log.push('"50"'), '50');
    setTimeout(() => log.push('2^31'), 2 ** 31);
    setTimeout(() => log.push('NaN'), NaN);
    setTimeout(() => log.push('-7'), -7);
    setTimeout(() => log.push('abc'), 'abc');
    setTimeout(() => { globalThis.result = log.join(' '); }, 200);
  )js"),
            "'2^31 NaN -7 abc 2^32+50 \"50\"'");
}

TEST_F(TimersTest, IdsArePositiveIntegersSharedByBothKinds) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    const log = [];
    const a = setTimeout(() => log.push('timeout'), 1);
    const b = setInterval(() => log.push('interval'), 1);
    clearInterval(a);    // ids are shared: this clears the timeout
    clearTimeout(b);
    clearTimeout(12345); clearTimeout('x'); clearInterval(); clearTimeout(null);
    setTimeout(() => log.push('extra', ...[1, 2]), 2);
    setTimeout((x, y) => { log.push(x + y); globalThis.result = [a > 0, b === a + 1,
        Number.isInteger(a), log.join(' ')]; }, 5, 3, 4);
  )js"),
            "[ true, true, true, 'extra 1 2 7' ]");
}

TEST_F(TimersTest, ExtraArgumentsStayWithTheirTimer) {
  // Arguments are kept by id apart from the timers: each timer gets its own, an interval
  // gets them at every repetition, an explicit undefined is an argument, and a cleared
  // timer's arguments go to nobody. Delays of 5,000 ms and more sit in the runs kept by
  // timeout in a Map; clearing finds them there.
  EXPECT_EQ(RunLoopThenEval(R"js(
    const log = [];
    const record = function () { log.push(`${arguments.length}:${[...arguments].join('+')}`); };
    setTimeout(record, 0, 'a', 1);
    const cleared = setTimeout(record, 0, 'never');
    setTimeout(record, 0);
    setTimeout(record, 0, undefined);
    clearTimeout(cleared);
    const long = [setTimeout(record, 5000, 'long'), setInterval(record, 6000, 'long')];
    long.forEach((id) => clearTimeout(id));
    let repeats = 0;
    const interval = setInterval(function () {
      record.apply(null, arguments);
      if (++repeats === 3) clearInterval(interval);
    }, 1, 'i', 2);
    setTimeout(record, 0, 'after');
    setTimeout(() => { globalThis.result = log.join(' '); }, 40);
  )js"),
            "'2:a+1 0: 1: 1:after 2:i+2 2:i+2 2:i+2'");
}

TEST_F(TimersTest, CallbacksMustBeFunctions) {
  ExpectThrows("setTimeout('code', 1)",
               "TypeError: setTimeout: the callback must be a function, received string");
  ExpectThrows("setInterval(null)",
               "TypeError: setInterval: the callback must be a function, received null");
  ExpectThrows("queueMicrotask(1)",
               "TypeError: queueMicrotask: the callback must be a function, received number");
}

TEST_F(TimersTest, UnrefdTimersDoNotKeepTheLoopAlive) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    globalThis.result = 'loop ended';
    const id = setTimeout(() => { globalThis.result = 'fired'; }, 60000);
    globalThis.unrefd = kiln.unrefTimer(id);
  )js"),
            "'loop ended'");
  ExpectEval("[unrefd, kiln.unrefTimer(999999), kiln.refTimer('x')]", "[ true, false, false ]");
  // Ref'd again, a short timer fires and keeps the loop until then.
  EXPECT_EQ(RunLoopThenEval(R"js({
    const id = setTimeout(() => { globalThis.result = 'fired'; }, 5);
    kiln.unrefTimer(id);
    kiln.refTimer(id);
  })js"),
            "'fired'");
}

TEST_F(TimersTest, QueueMicrotaskErrorsAreUncaughtErrors) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    setTimeout(() => queueMicrotask(() => { throw new Error('in a microtask'); }));
    setTimeout(() => { globalThis.ran = true; });
  )js"),
            "<loop: Error: in a microtask>");
  ExpectEval("globalThis.ran", "undefined");
}

// A throwing queueMicrotask callback is reported (the global `error` event, then the
// runtime's uncaught error), never turned into a rejection, and the microtasks after it
// still run, in order among promise jobs.
TEST_F(TimersTest, AThrowingQueueMicrotaskCallbackIsAnErrorNotARejection) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    const log = [];
    globalThis.result = log;
    addEventListener('unhandledrejection', (event) => {
      log.push('unhandledrejection');
      event.preventDefault();
    });
    addEventListener('error', (event) => {
      log.push(`error event: ${event.error.message} (${event.error === thrown})`);
      event.preventDefault();
    });
    const thrown = new Error('boom');
    queueMicrotask(() => { log.push('a'); throw thrown; });
    Promise.resolve().then(() => log.push('promise job'));
    queueMicrotask(function () { 'use strict'; log.push(`b, this: ${this}`); });
    setTimeout(() => log.push('timer'));
  )js"),
            "[\n  'a',\n  'error event: boom (true)',\n  'promise job',\n"
            "  'b, this: undefined',\n  'timer'\n]");
}

// Not canceled: the runtime's uncaught error (not an unhandled rejection).
TEST_F(TimersTest, AnUnhandledThrowFromQueueMicrotaskIsTheUncaughtError) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    globalThis.rejections = 0;
    addEventListener('unhandledrejection', () => { rejections++; });
    setTimeout(() => queueMicrotask(() => { throw new TypeError('not a rejection'); }));
  )js"),
            "<loop: TypeError: not a rejection>");
  ExpectEval("rejections", "0");
}

// queueMicrotask jobs and promise jobs share one queue, in call order.
TEST_F(TimersTest, QueueMicrotaskInterleavesWithPromiseJobs) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    const log = [];
    queueMicrotask(() => log.push(1));
    Promise.resolve().then(() => log.push(2));
    queueMicrotask(() => {
      log.push(3);
      queueMicrotask(() => log.push(6));
      Promise.resolve().then(() => log.push(7));
    });
    Promise.resolve().then(() => log.push(4)).then(() => log.push(8));
    queueMicrotask(() => log.push(5));
    setTimeout(() => { globalThis.result = log.join(' '); });
  )js"),
            "'1 2 3 4 5 6 7 8'");
}

TEST_F(TimersTest, PerformanceNowAndTimeOrigin) {
  ExpectEval(R"js(
    const a = performance.now();
    const b = performance.now();
    [typeof a, b >= a, a >= 0, Math.abs(performance.timeOrigin + a - Date.now()) < 1000]
  )js",
             "[ 'number', true, true, true ]");
}

TEST(TimersTeardownTest, PendingTimersAndIntervalsAreReleased) {
  RuntimeOptions options;
  options.extensions = {&extensions::timers(), &extensions::web(), &extensions::webidl()};
  auto runtime = std::move(*Runtime::Create(options));
  ASSERT_TRUE(runtime
                  ->Eval("for (let i = 0; i < 100; i++) { setTimeout(() => {}, 1000 + i); "
                         "setInterval(() => {}, 5); }")
                  .ok());
  EXPECT_TRUE(runtime->Shutdown().ok());
}

}  // namespace
}  // namespace kiln::timers
