// Runtime limits: Terminate() from another thread (running JavaScript, a loop waiting
// for a timer, idle, after shutdown), Watchdog timeouts, and the per-runtime heap limit
// (the JavaScript heap and ArrayBuffer contents; reached in a script, a timer callback,
// the microtask checkpoint and an op).
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "core/watchdog.h"
#include "ext/encoding/encoding_extension.h"
#include "ext/timers/timers_extension.h"
#include "ext/web/web_extension.h"
#include "ext/webidl/webidl_extension.h"
#include "gtest/gtest.h"

namespace kiln {
namespace {

std::vector<const Extension*> TimersAndWeb() {
  return {&extensions::timers(), &extensions::web(), &extensions::webidl(),
          &extensions::encoding()};
}

class LimitsTest : public testing::RuntimeTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.extensions = TimersAndWeb();
    return options;
  }
};

// Calls runtime.Terminate() every 20 ms from another thread until the call under test
// has returned (Terminate acts only on a call in progress, and the call may start late).
class Terminator {
 public:
  explicit Terminator(Runtime& runtime)
      : thread_([this, &runtime] {
          while (!done_) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            runtime.Terminate();
          }
        }) {}
  ~Terminator() {
    done_ = true;
    thread_.join();
  }

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

void ExpectTerminated(const JsError& error) {
  EXPECT_EQ(error.class_name, "Terminated");
  EXPECT_EQ(error.message, "execution terminated");
}

TEST_F(LimitsTest, TerminateStopsAnInfiniteLoop) {
  Result<v8::Global<v8::Value>> result = [&] {
    Terminator terminator(runtime());
    return runtime().Eval("globalThis.spins = 0; while (true) { ++spins; }");
  }();
  ASSERT_FALSE(result.ok());
  ExpectTerminated(result.error());
  // Usable again, with the state the script left.
  ExpectEval("spins > 0", "true");
  ExpectEval("1 + 1", "2");
}

TEST_F(LimitsTest, TerminateWakesALoopWaitingForATimer) {
  ExpectEval("setTimeout(() => { globalThis.fired = true; }, 60000); undefined", "undefined");
  auto start = std::chrono::steady_clock::now();
  Result<void> loop = [&] {
    Terminator terminator(runtime());
    return runtime().RunEventLoop();
  }();
  ASSERT_FALSE(loop.ok());
  ExpectTerminated(loop.error());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  ExpectEval("globalThis.fired", "undefined");
  ExpectEval("'still ' + 'usable'", "'still usable'");
}

TEST_F(LimitsTest, TerminateStopsATimerCallbackAndRunsNoMoreJavaScript) {
  ExpectEval(R"js(
    globalThis.after = 0;
    setTimeout(() => {
      Promise.resolve().then(() => { ++after; });
      while (true) {}
    }, 0);
    setTimeout(() => { ++after; }, 0);
    undefined
  )js",
             "undefined");
  Result<void> loop = [&] {
    Terminator terminator(runtime());
    return runtime().RunEventLoop();
  }();
  ASSERT_FALSE(loop.ok());
  ExpectTerminated(loop.error());
  ExpectEval("after", "0");
}

TEST_F(LimitsTest, TerminateStopsAMicrotask) {
  Result<v8::Global<v8::Value>> result = [&] {
    Terminator terminator(runtime());
    return runtime().Eval("Promise.resolve().then(() => { while (true) {} }); 'sync part'");
  }();
  ASSERT_FALSE(result.ok());
  ExpectTerminated(result.error());
  ExpectEval("[1, 2].map((x) => x * 2)", "[ 2, 4 ]");
}

TEST_F(LimitsTest, TerminateWhileIdleDoesNothing) {
  runtime().Terminate();
  std::thread([&] { runtime().Terminate(); }).join();
  ExpectEval("let n = 0; for (let i = 0; i < 1e6; ++i) n += i; n", "499999500000");
  ExpectEval("Promise.resolve(1).then((v) => { globalThis.v = v; }); undefined", "undefined");
  ExpectEval("v", "1");
}

TEST_F(LimitsTest, TerminateAfterShutdownDoesNothing) {
  ASSERT_TRUE(runtime().Shutdown().ok());
  runtime().Terminate();
  std::thread([&] { runtime().Terminate(); }).join();
}

TEST_F(LimitsTest, RepeatedTerminations) {
  for (int i = 0; i < 5; ++i) {
    Result<v8::Global<v8::Value>> result = [&] {
      Terminator terminator(runtime());
      return runtime().Eval("for (;;) {}");
    }();
    ASSERT_FALSE(result.ok());
    ExpectTerminated(result.error());
    ExpectEval("'round ' + " + std::to_string(i), "'round " + std::to_string(i) + "'");
  }
}

TEST_F(LimitsTest, WatchdogFiresOnARunawayScript) {
  auto start = std::chrono::steady_clock::now();
  Watchdog watchdog(runtime(), absl::Milliseconds(100));
  Result<v8::Global<v8::Value>> result = runtime().Eval("while (true) {}");
  ASSERT_FALSE(result.ok());
  ExpectTerminated(result.error());
  EXPECT_TRUE(watchdog.fired());
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
  ExpectEval("6 * 7", "42");
}

TEST_F(LimitsTest, WatchdogFiresWhileTheLoopWaits) {
  ExpectEval("setTimeout(() => {}, 60000); undefined", "undefined");
  Watchdog watchdog(runtime(), absl::Milliseconds(50));
  Result<void> loop = runtime().RunEventLoop();
  ASSERT_FALSE(loop.ok());
  ExpectTerminated(loop.error());
  EXPECT_TRUE(watchdog.fired());
}

TEST_F(LimitsTest, WatchdogDoesNotFireOnAFastCall) {
  {
    Watchdog watchdog(runtime(), absl::Seconds(30));
    ExpectEval("1 + 1", "2");
    EXPECT_FALSE(watchdog.fired());
  }
  // Many short-lived watchdogs: made and dropped without a thread each.
  for (int i = 0; i < 1000; ++i) {
    Watchdog watchdog(runtime(), absl::Milliseconds(i % 2 == 0 ? 1 : 10000));
  }
  ExpectEval("'after ' + 'watchdogs'", "'after watchdogs'");
}

TEST_F(LimitsTest, WatchdogsOnRuntimesOfSeveralThreads) {
  std::atomic<int> terminated{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&terminated, i] {
      RuntimeOptions options;
      absl::StatusOr<std::unique_ptr<Runtime>> created = Runtime::Create(std::move(options));
      ASSERT_TRUE(created.ok()) << created.status();
      Runtime& runtime = **created;
      // One watchdog too long to matter, one that fires.
      Watchdog slow(runtime, absl::Seconds(60));
      Watchdog fast(runtime, absl::Milliseconds(50 + 50 * i));
      Result<v8::Global<v8::Value>> result = runtime.Eval("for (;;) {}");
      if (!result.ok() && result.error().class_name == "Terminated" && fast.fired() &&
          !slow.fired()) {
        ++terminated;
      }
      EXPECT_TRUE(runtime.Shutdown().ok());
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(terminated.load(), 3);
}

// --- the heap limit ---

constexpr size_t kHeapLimitMb = 48;

std::unique_ptr<Runtime> LimitedRuntime() {
  RuntimeOptions options;
  options.extensions = TimersAndWeb();
  options.max_heap_size_mb = kHeapLimitMb;
  if (testing::UsingSnapshots()) options.snapshot = nullptr;  // from source either way
  absl::StatusOr<std::unique_ptr<Runtime>> created = Runtime::Create(std::move(options));
  EXPECT_TRUE(created.ok()) << created.status();
  return created.ok() ? std::move(*created) : nullptr;
}

void ExpectHeapLimitError(const JsError& error) {
  EXPECT_EQ(error.class_name, "HeapLimitError") << error.Report();
  EXPECT_EQ(error.message, "JavaScript heap limit of 48 MiB exceeded");
}

// Fills the heap with small objects that stay reachable.
constexpr char kFillHeap[] = R"js(
  globalThis.kept = [];
  while (true) kept.push({ index: kept.length, payload: new Array(64).fill(kept.length) });
)js";

// The runtime hits its limit; afterwards every call says so, the runtime shuts down
// clean, and a new runtime works.
void ExpectExhaustedThenReplaceable(std::unique_ptr<Runtime> runtime) {
  EXPECT_TRUE(runtime->heap_limit_exceeded());
  Result<v8::Global<v8::Value>> again = runtime->Eval("1 + 1");
  ASSERT_FALSE(again.ok());
  ExpectHeapLimitError(again.error());
  Result<void> loop = runtime->RunEventLoop();
  ASSERT_FALSE(loop.ok());
  ExpectHeapLimitError(loop.error());
  EXPECT_TRUE(runtime->Shutdown().ok());
  runtime.reset();

  std::unique_ptr<Runtime> fresh = LimitedRuntime();
  ASSERT_NE(fresh, nullptr);
  Result<std::string> value = fresh->EvalToString("[1, 2, 3].length");
  ASSERT_TRUE(value.ok()) << value.error().Report();
  EXPECT_EQ(value.value(), "3");
  EXPECT_FALSE(fresh->heap_limit_exceeded());
  EXPECT_TRUE(fresh->Shutdown().ok());
}

TEST(HeapLimitTest, AScriptExceedingItStopsAndTheProcessGoesOn) {
  std::unique_ptr<Runtime> runtime = LimitedRuntime();
  ASSERT_NE(runtime, nullptr);
  EXPECT_FALSE(runtime->heap_limit_exceeded());
  Result<v8::Global<v8::Value>> result = runtime->Eval(kFillHeap);
  ASSERT_FALSE(result.ok());
  ExpectHeapLimitError(result.error());
  ExpectExhaustedThenReplaceable(std::move(runtime));
}

TEST(HeapLimitTest, ReachedInATimerCallback) {
  std::unique_ptr<Runtime> runtime = LimitedRuntime();
  ASSERT_NE(runtime, nullptr);
  std::string code = std::string("setTimeout(() => {") + kFillHeap + "}, 1); undefined";
  ASSERT_TRUE(runtime->Eval(code).ok());
  Result<void> loop = runtime->RunEventLoop();
  ASSERT_FALSE(loop.ok());
  ExpectHeapLimitError(loop.error());
  ExpectExhaustedThenReplaceable(std::move(runtime));
}

TEST(HeapLimitTest, ReachedInTheMicrotaskCheckpoint) {
  std::unique_ptr<Runtime> runtime = LimitedRuntime();
  ASSERT_NE(runtime, nullptr);
  std::string code = std::string("Promise.resolve().then(() => {") + kFillHeap + "}); 'sync part'";
  Result<v8::Global<v8::Value>> result = runtime->Eval(code);
  ASSERT_FALSE(result.ok());
  ExpectHeapLimitError(result.error());
  ExpectExhaustedThenReplaceable(std::move(runtime));
}

TEST(HeapLimitTest, ReachedByOneHugeString) {
  std::unique_ptr<Runtime> runtime = LimitedRuntime();
  ASSERT_NE(runtime, nullptr);
  Result<v8::Global<v8::Value>> result =
      runtime->Eval("let s = 'ab'; const parts = []; while (true) { s = s + s; parts.push(s + '!'); }");
  ASSERT_FALSE(result.ok());
  // A string past V8's maximum length is a RangeError before the heap is full; either way
  // the runtime must not abort the process.
  if (result.error().class_name == "HeapLimitError") {
    ExpectExhaustedThenReplaceable(std::move(runtime));
  } else {
    EXPECT_EQ(result.error().class_name, "RangeError") << result.error().Report();
    EXPECT_TRUE(runtime->Shutdown().ok());
  }
}

TEST(HeapLimitTest, ArrayBufferContentsCount) {
  std::unique_ptr<Runtime> runtime = LimitedRuntime();
  ASSERT_NE(runtime, nullptr);
  Result<v8::Global<v8::Value>> result =
      runtime->Eval("globalThis.buffers = []; while (true) buffers.push(new ArrayBuffer(1 << 20));");
  ASSERT_FALSE(result.ok());
  ExpectHeapLimitError(result.error());
  ExpectExhaustedThenReplaceable(std::move(runtime));
}

TEST(HeapLimitTest, ArrayBuffersFreedByTheCollectorDoNotCount) {
  std::unique_ptr<Runtime> runtime = LimitedRuntime();
  ASSERT_NE(runtime, nullptr);
  // 512 MiB allocated in total, at most a few MiB alive at once.
  Result<std::string> result = runtime->EvalToString(R"js(
    let total = 0;
    for (let i = 0; i < 512; ++i) {
      const bytes = new Uint8Array(1 << 20);
      bytes[i] = 1;
      total += bytes.length;
      if (i % 16 === 0) gc();
    }
    total
  )js");
  ASSERT_TRUE(result.ok()) << result.error().Report();
  EXPECT_EQ(result.value(), "536870912");
  EXPECT_FALSE(runtime->heap_limit_exceeded());
  EXPECT_TRUE(runtime->Shutdown().ok());
}

TEST(HeapLimitTest, ReachedInsideAnOp) {
  std::unique_ptr<Runtime> runtime = LimitedRuntime();
  ASSERT_NE(runtime, nullptr);
  // structuredClone copies the 40 MiB in C++ (an op): the copy passes the limit.
  Result<v8::Global<v8::Value>> result = runtime->Eval(R"js(
    const original = new Uint8Array(40 << 20);
    globalThis.copies = [];
    while (true) copies.push(structuredClone(original));
  )js");
  ASSERT_FALSE(result.ok());
  ExpectHeapLimitError(result.error());
  ExpectExhaustedThenReplaceable(std::move(runtime));
}

TEST(HeapLimitTest, ReachedByBytesAnOpAdopts) {
  std::unique_ptr<Runtime> runtime = LimitedRuntime();
  ASSERT_NE(runtime, nullptr);
  // TextEncoder.encode's op returns malloc'd bytes a backing store adopts (not the
  // runtime's allocator): V8's external memory count sees them.
  Result<v8::Global<v8::Value>> result = runtime->Eval(R"js(
    const text = 'x'.repeat(1 << 20);
    const encoder = new TextEncoder();
    globalThis.encoded = [];
    while (true) encoded.push(encoder.encode(text));
  )js");
  ASSERT_FALSE(result.ok());
  ExpectHeapLimitError(result.error());
  ExpectExhaustedThenReplaceable(std::move(runtime));
}

TEST(HeapLimitTest, ABuiltinAllocatingPastTheLimitFinishesThenStops) {
  std::unique_ptr<Runtime> runtime = LimitedRuntime();
  ASSERT_NE(runtime, nullptr);
  // JSON.parse allocates the whole array (10^7 elements, 80 MiB and its growth) without
  // checking for termination.
  Result<v8::Global<v8::Value>> result =
      runtime->Eval("globalThis.parsed = JSON.parse('[' + '1,'.repeat(1e7) + '1]'); 'done'");
  ASSERT_FALSE(result.ok());
  ExpectHeapLimitError(result.error());
  ExpectExhaustedThenReplaceable(std::move(runtime));
}

TEST(HeapLimitTest, TwoLimitedRuntimesAtOnceOnlyOneExceeds) {
  std::unique_ptr<Runtime> hungry = LimitedRuntime();
  std::unique_ptr<Runtime> modest = LimitedRuntime();
  ASSERT_NE(hungry, nullptr);
  ASSERT_NE(modest, nullptr);
  ASSERT_TRUE(modest->Eval("globalThis.small = new Array(1000).fill('x'); undefined").ok());
  Result<v8::Global<v8::Value>> result = hungry->Eval(kFillHeap);
  ASSERT_FALSE(result.ok());
  ExpectHeapLimitError(result.error());
  EXPECT_FALSE(modest->heap_limit_exceeded());
  Result<std::string> value = modest->EvalToString("small.length");
  ASSERT_TRUE(value.ok()) << value.error().Report();
  EXPECT_EQ(value.value(), "1000");
  EXPECT_TRUE(modest->Shutdown().ok());
  ExpectExhaustedThenReplaceable(std::move(hungry));
}

// --- V8's background work and the event loop ---

// (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
constexpr char kAddWasm[] =
    "new Uint8Array([0,97,115,109,1,0,0,0,1,7,1,96,2,127,127,1,127,3,2,1,0,7,7,1,3,97,100,100,"
    "0,0,10,9,1,7,0,32,0,32,1,106,11])";

// Runs `source` as the main file (RunMainFile, as `kiln run` does) and returns what it
// left in globalThis.log, or the error.
std::string RunMain(Runtime& runtime, const std::string& name, const std::string& source) {
  std::string path = testing::WriteTempFile(name, source);
  Result<void> ran = runtime.RunMainFile(path);
  if (!ran.ok()) return "<error: " + ran.error().Summary() + ">";
  Result<std::string> log = runtime.EvalToString("globalThis.log.join(' ')");
  return log.ok() ? log.value() : "<log: " + log.error().Summary() + ">";
}

TEST_F(LimitsTest, TopLevelAwaitOfTwoWebAssemblyCompilesSettles) {
  EXPECT_EQ(RunMain(runtime(), "compile_twice.mjs", std::string(R"js(
    globalThis.log = [];
    const bytes = )js") + kAddWasm + R"js(;
    const first = await WebAssembly.compile(bytes);
    log.push('first ' + (first instanceof WebAssembly.Module));
    const second = await WebAssembly.compile(bytes);
    const { exports } = await WebAssembly.instantiate(second);
    log.push('second ' + exports.add(40, 2));
  )js"),
            "'first true second 42'");
}

TEST_F(LimitsTest, ChainedWebAssemblyCompilesInAClassicScriptSettle) {
  EXPECT_EQ(RunMain(runtime(), "chained.js", std::string(R"js(
    globalThis.log = [];
    const bytes = )js") + kAddWasm + R"js(;
    WebAssembly.compile(bytes)
        .then(() => WebAssembly.compile(bytes))
        .then((module) => WebAssembly.instantiate(module))
        .then((instance) => WebAssembly.compile(bytes).then(() => instance))
        .then((instance) => log.push('add ' + instance.exports.add(2, 3)));
    Promise.all([1, 2, 3].map(() => WebAssembly.compile(bytes)))
        .then((modules) => log.push('all ' + modules.length));
  )js"),
            "'all 3 add 5'");
}

TEST_F(LimitsTest, WebAssemblyCompileStartedInATimerKeepsTheLoopAlive) {
  EXPECT_EQ(RunMain(runtime(), "compile_in_timer.js", std::string(R"js(
    globalThis.log = [];
    const bytes = )js") + kAddWasm + R"js(;
    setTimeout(async () => {
      for (let i = 0; i < 5; ++i) await WebAssembly.compile(bytes);
      log.push('five compiles');
    }, 1);
  )js"),
            "'five compiles'");
}

TEST_F(LimitsTest, EmbedderDrivenLoopSeesWebAssemblyWork) {
  ExpectEval(std::string("globalThis.done = false; WebAssembly.compile(") + kAddWasm +
                 ").then(() => WebAssembly.compile(" + kAddWasm + ")).then(() => { done = true; });"
                 " undefined",
             "undefined");
  int turns = 0;
  while (true) {
    Result<bool> more = runtime().RunEventLoopOnce();
    ASSERT_TRUE(more.ok()) << more.error().Report();
    if (!more.value()) break;
    ASSERT_LT(++turns, 100000);
  }
  ExpectEval("done", "true");
}

TEST_F(LimitsTest, TerminateWhileAWebAssemblyCompileIsPending) {
  ExpectEval(std::string("WebAssembly.compile(") + kAddWasm +
                 ").then(() => { while (true) {} }); undefined",
             "undefined");
  Result<void> loop = [&] {
    Terminator terminator(runtime());
    return runtime().RunEventLoop();
  }();
  ASSERT_FALSE(loop.ok());
  ExpectTerminated(loop.error());
  ExpectEval("'usable'", "'usable'");
}

}  // namespace
}  // namespace kiln
