// The runtime's error hooks (internals.onUncaughtError / onUnhandledRejection), through
// which the web platform's global `error` and `unhandledrejection` events handle errors.
#include <string>

#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "ext/timers/timers_extension.h"
#include "gtest/gtest.h"
#include "tests/extensions/error_hooks_extension.h"

namespace kiln::testing {
namespace {

class ErrorHooksTest : public RuntimeTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.extensions = {&extensions::timers(), &extensions::error_hooks()};
    return options;
  }
};

TEST_F(ErrorHooksTest, HandledErrorsLetTheRunGoOn) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    globalThis.handleErrors = true;
    setTimeout(() => { throw new Error('from a timer'); });
    setTimeout(() => {
      Promise.reject(new Error('rejected'));
      Promise.resolve().then(() => { throw new Error('from a microtask'); });
    });
    let ticks = 0;
    const interval = setInterval(() => {
      if (++ticks === 2) {
        clearInterval(interval);
        setTimeout(() => { globalThis.result = hookCalls; });
      }
      throw new Error(`interval ${ticks}`);
    }, 1);
  )js", "result.join(';')"),
            "'error from a timer | Uncaught Error: from a timer | string true true;"
            "rejection rejected true;"
            "rejection from a microtask true;"
            "error interval 1 | Uncaught Error: interval 1 | string true true;"
            "error interval 2 | Uncaught Error: interval 2 | string true true'");
}

TEST_F(ErrorHooksTest, AnUnhandledErrorStopsTheLoopAfterItsEvent) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    setTimeout(() => { throw new Error('boom'); });
    setTimeout(() => { globalThis.ranAfter = true; }, 5);
  )js", "[hookCalls.length, globalThis.ranAfter]"),
            "<loop: Error: boom>");
  EXPECT_EQ(EvalOrError("[hookCalls.length, globalThis.ranAfter]"), "[ 1, undefined ]");
}

TEST_F(ErrorHooksTest, EachUnhandledRejectionGetsItsEventInOrder) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    setTimeout(() => {
      Promise.reject(new Error('first'));
      Promise.reject(new Error('second'));
      const late = Promise.reject(new Error('handled in time'));
      late.catch(() => {});
    });
  )js"),
            "<loop: Error: first>");
  EXPECT_EQ(EvalOrError("hookCalls.join(', ')"), "'rejection first true'");
}

TEST_F(ErrorHooksTest, AThrowingHookBecomesTheUncaughtError) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    globalThis.throwInHook = true;
    setTimeout(() => { throw new Error('original'); });
  )js"),
            "<loop: Error: thrown by the hook>");
}

TEST_F(ErrorHooksTest, ReportedExceptionsGoThroughTheHook) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    globalThis.handleErrors = true;
    kiln.ops.op_report_exception(new Error('handled'));
    setTimeout(() => {
      globalThis.handleErrors = false;
      kiln.ops.op_report_exception(new Error('unhandled'));
      globalThis.after = 'the caller goes on';
    });
  )js", "after"),
            "<loop: Error: unhandled>");
  EXPECT_EQ(EvalOrError("[hookCalls.length, after]"), "[ 2, 'the caller goes on' ]");
}

}  // namespace
}  // namespace kiln::testing
