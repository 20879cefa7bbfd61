// Typed calls into JavaScript (core/call.h) and host handles (core/js_value.h).
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/call.h"
#include "core/module_loader.h"
#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "tests/embed/library_fixture.h"
#include "ext/timers/timers_extension.h"
#include "ext/web/web_extension.h"
#include "ext/webidl/webidl_extension.h"
#include "gtest/gtest.h"

namespace app {
struct Point {
  int32_t x = 0;
  int32_t y = 0;
  std::optional<std::string> label;
};
struct Segment {
  Point from;
  Point to;
  std::vector<double> weights;
};
}  // namespace app

KILN_STRUCT_CONVERTER(app::Point, x, y, label)
KILN_STRUCT_CONVERTER(app::Segment, from, to, weights)

namespace kiln {
namespace {

using ::kiln::testing::LibraryTest;

constexpr char kLibrary[] = R"js(
export function add(a, b) { return a + b; }
export function concat(...parts) { return parts.join('|'); }
export function half(x) { return x / 2; }
export function not(b) { return !b; }
export function echo(x) { return x; }
export function big() { return 2 ** 40; }
export function negative() { return -1; }
export function fraction() { return 1.5; }
export function text() { return 'text'; }
export function mirror(p) { return { x: p.y, y: p.x, label: p.label ?? null }; }
export function length(segment) {
  return Math.hypot(segment.to.x - segment.from.x, segment.to.y - segment.from.y);
}
export function scale(values, k) { return values.map((v) => v * k); }
export function maybe(x) { return x === null || x === undefined ? 'none' : `some ${x}`; }
export function nothing() { return null; }
export function fail(message) { throw new TypeError(message); }
export function throwString() { throw 'plain'; }
export async function later(x) {
  await new Promise((resolve) => setTimeout(resolve, 5));
  return x * 3;
}
export async function laterFail() {
  await new Promise((resolve) => setTimeout(resolve, 5));
  throw new RangeError('rejected later');
}
export function forever() { return new Promise(() => {}); }
export function slow() { return new Promise((resolve) => setTimeout(resolve, 10000)); }
export function makeCounter() { let n = 0; return function counter() { return ++n; }; }
export function spin() { for (;;) {} }
export const notAFunction = 7;
)js";

class CallTest : public LibraryTest {
 protected:
  CallTest()
      : LibraryTest({&extensions::timers(), &extensions::web(), &extensions::webidl()},
                    kLibrary) {}
};

TEST_F(CallTest, Numbers) {
  Result<int32_t> sum = runtime().CallExport<int32_t>(lib_, "add", 40, 2);
  ASSERT_TRUE(sum.ok()) << sum.error().Report();
  EXPECT_EQ(sum.value(), 42);
  Result<double> half = runtime().CallExport<double>(lib_, "half", 3);
  ASSERT_TRUE(half.ok());
  EXPECT_EQ(half.value(), 1.5);
  Result<int64_t> big = runtime().CallExport<int64_t>(lib_, "big");
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big.value(), int64_t{1} << 40);
  Result<uint64_t> big_in = runtime().CallExport<uint64_t>(lib_, "echo", uint64_t{1} << 60);
  ASSERT_TRUE(big_in.ok()) << big_in.error().Report();  // a BigInt both ways
  EXPECT_EQ(big_in.value(), uint64_t{1} << 60);
}

TEST_F(CallTest, StringsAndBooleans) {
  Result<std::string> joined =
      runtime().CallExport<std::string>(lib_, "concat", "a", std::string("b"), "ü€😀");
  ASSERT_TRUE(joined.ok());
  EXPECT_EQ(joined.value(), "a|b|ü€😀");
  Result<bool> negated = runtime().CallExport<bool>(lib_, "not", false);
  ASSERT_TRUE(negated.ok());
  EXPECT_TRUE(negated.value());
}

TEST_F(CallTest, StructsVectorsOptionals) {
  Result<app::Point> mirrored =
      runtime().CallExport<app::Point>(lib_, "mirror", app::Point{1, 2, "p"});
  ASSERT_TRUE(mirrored.ok()) << mirrored.error().Report();
  EXPECT_EQ(mirrored.value().x, 2);
  EXPECT_EQ(mirrored.value().y, 1);
  EXPECT_EQ(mirrored.value().label, "p");
  Result<app::Point> unlabeled = runtime().CallExport<app::Point>(lib_, "mirror", app::Point{3, 4});
  ASSERT_TRUE(unlabeled.ok());
  EXPECT_EQ(unlabeled.value().label, std::nullopt);

  Result<double> length = runtime().CallExport<double>(
      lib_, "length", app::Segment{{0, 0}, {3, 4}, {1.0}});
  ASSERT_TRUE(length.ok()) << length.error().Report();
  EXPECT_EQ(length.value(), 5.0);

  Result<std::vector<double>> scaled =
      runtime().CallExport<std::vector<double>>(lib_, "scale", std::vector<double>{1, 2.5}, 2);
  ASSERT_TRUE(scaled.ok());
  EXPECT_EQ(scaled.value(), (std::vector<double>{2, 5}));

  Result<std::string> none =
      runtime().CallExport<std::string>(lib_, "maybe", std::optional<int32_t>());
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none.value(), "none");
  Result<std::string> some =
      runtime().CallExport<std::string>(lib_, "maybe", std::optional<int32_t>(4));
  ASSERT_TRUE(some.ok());
  EXPECT_EQ(some.value(), "some 4");
  Result<std::optional<std::string>> null_result =
      runtime().CallExport<std::optional<std::string>>(lib_, "nothing");
  ASSERT_TRUE(null_result.ok());
  EXPECT_EQ(null_result.value(), std::nullopt);
}

TEST_F(CallTest, WrongTypeIsAnErrorNotACoercion) {
  Result<int32_t> text = runtime().CallExport<int32_t>(lib_, "text");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().Summary(),
            "TypeError: result of export 'text' of memory:///lib.js: expected number, received "
            "string");
  Result<std::string> number = runtime().CallExport<std::string>(lib_, "big");
  ASSERT_FALSE(number.ok());
  EXPECT_EQ(number.error().class_name, "TypeError");
  Result<app::Point> missing_field = runtime().CallExport<app::Point>(lib_, "echo", 5);
  ASSERT_FALSE(missing_field.ok());
  EXPECT_EQ(missing_field.error().class_name, "TypeError");
  Result<bool> truthy = runtime().CallExport<bool>(lib_, "echo", 1);
  ASSERT_FALSE(truthy.ok());
  EXPECT_EQ(truthy.error().Summary(),
            "TypeError: result of export 'echo' of memory:///lib.js: expected boolean, received "
            "number");
}

TEST_F(CallTest, OutOfRangeIsAnErrorNotATruncation) {
  Result<int32_t> big = runtime().CallExport<int32_t>(lib_, "big");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().Summary(),
            "RangeError: result of export 'big' of memory:///lib.js: expected integer in "
            "[-2147483648, 2147483647], received 1099511627776");
  Result<uint32_t> negative = runtime().CallExport<uint32_t>(lib_, "negative");
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().class_name, "RangeError");
  Result<int32_t> fraction = runtime().CallExport<int32_t>(lib_, "fraction");
  ASSERT_FALSE(fraction.ok());
  EXPECT_EQ(fraction.error().Summary(),
            "TypeError: result of export 'fraction' of memory:///lib.js: expected integer, "
            "received 1.5");
  Result<std::vector<int32_t>> element =
      runtime().CallExport<std::vector<int32_t>>(lib_, "scale", std::vector<double>{1, 2}, 0.5);
  ASSERT_FALSE(element.ok());
  EXPECT_EQ(element.error().Summary(),
            "TypeError: result of export 'scale' of memory:///lib.js: element 0: expected "
            "integer, received 0.5");
}

TEST_F(CallTest, ExceptionComesBackWithItsStack) {
  Result<void> failed = runtime().CallExport(lib_, "fail", "bad input");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().Summary(), "TypeError: bad input");
  EXPECT_NE(failed.error().stack.find("at fail (memory:///lib.js:18:39)"), std::string::npos)
      << failed.error().stack;
  Result<void> primitive = runtime().CallExport(lib_, "throwString");
  ASSERT_FALSE(primitive.ok());
  EXPECT_EQ(primitive.error().Summary(), "Uncaught plain");
  // The runtime stays usable.
  Result<int32_t> sum = runtime().CallExport<int32_t>(lib_, "add", 1, 2);
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(sum.value(), 3);
}

TEST_F(CallTest, MissingExportAndNotAFunction) {
  Result<void> missing = runtime().CallExport(lib_, "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().Summary(),
            "TypeError: The requested module 'memory:///lib.js' does not provide an export "
            "named 'nope'");
  Result<void> number = runtime().CallExport(lib_, "notAFunction");
  ASSERT_FALSE(number.ok());
  EXPECT_EQ(number.error().Summary(),
            "TypeError: export 'notAFunction' of memory:///lib.js is not a function (it is "
            "number)");
}

TEST_F(CallTest, PromisesAreDrivenToSettlement) {
  Result<int32_t> later = runtime().CallExport<int32_t>(lib_, "later", 14);
  ASSERT_TRUE(later.ok()) << later.error().Report();
  EXPECT_EQ(later.value(), 42);
  Result<int32_t> rejected = runtime().CallExport<int32_t>(lib_, "laterFail");
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().Summary(), "RangeError: rejected later");
  EXPECT_NE(rejected.error().stack.find("laterFail"), std::string::npos) << rejected.error().stack;
  Result<void> forever = runtime().CallExport(lib_, "forever");
  ASSERT_FALSE(forever.ok());
  EXPECT_EQ(forever.error().Summary(),
            "Error: the promise returned by export 'forever' of memory:///lib.js never settled");
}

TEST_F(CallTest, TimeoutEndsAWaitForAPromise) {
  absl::Time start = absl::Now();
  Result<void> slow = runtime().CallExport(CallOptions{absl::Milliseconds(50)}, lib_, "slow");
  absl::Duration took = absl::Now() - start;
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().Summary(),
            "TimeoutError: export 'slow' of memory:///lib.js timed out after 50 ms");
  EXPECT_LT(took, absl::Seconds(5));
  // Within its time a call succeeds.
  Result<int32_t> later =
      runtime().CallExport<int32_t>(CallOptions{absl::Seconds(10)}, lib_, "later", 1);
  ASSERT_TRUE(later.ok()) << later.error().Report();
  EXPECT_EQ(later.value(), 3);
}

TEST_F(CallTest, TimeoutStopsARunawayFunction) {
  Result<void> spin = runtime().CallExport(CallOptions{absl::Milliseconds(50)}, lib_, "spin");
  ASSERT_FALSE(spin.ok());
  EXPECT_EQ(spin.error().Summary(),
            "TimeoutError: export 'spin' of memory:///lib.js timed out after 50 ms");
  // The runtime is usable again.
  Result<int32_t> sum = runtime().CallExport<int32_t>(lib_, "add", 2, 3);
  ASSERT_TRUE(sum.ok()) << sum.error().Report();
  EXPECT_EQ(sum.value(), 5);
}

TEST_F(CallTest, TerminateFromAnotherThreadStopsACall) {
  std::thread terminator([&] {
    absl::SleepFor(absl::Milliseconds(50));
    runtime().Terminate();
  });
  Result<void> spin = runtime().CallExport(lib_, "spin");
  terminator.join();
  ASSERT_FALSE(spin.ok());
  EXPECT_EQ(spin.error().Summary(), "Terminated: execution terminated");
  Result<int32_t> sum = runtime().CallExport<int32_t>(lib_, "add", 2, 3);
  ASSERT_TRUE(sum.ok()) << sum.error().Report();
}

TEST_F(CallTest, HandlesAreKeptAcrossCalls) {
  Result<JsFunction> counter = runtime().CallExport<JsFunction>(lib_, "makeCounter");
  ASSERT_TRUE(counter.ok()) << counter.error().Report();
  EXPECT_EQ(counter.value().name(), "counter");
  for (int32_t expected = 1; expected <= 3; ++expected) {
    Result<int32_t> n = runtime().Call<int32_t>(counter.value(), 0);
    ASSERT_TRUE(n.ok()) << n.error().Report();
    EXPECT_EQ(n.value(), expected);
  }
  Result<JsValue> point = runtime().CallExport<JsValue>(lib_, "mirror", app::Point{5, 6});
  ASSERT_TRUE(point.ok());
  // A held value goes back into JavaScript as itself.
  Result<app::Point> again = runtime().CallExport<app::Point>(lib_, "echo", point.value());
  ASSERT_TRUE(again.ok()) << again.error().Report();
  EXPECT_EQ(again.value().x, 6);
  Result<JsFunction> not_function = runtime().CallExport<JsFunction>(lib_, "text");
  ASSERT_FALSE(not_function.ok());
  EXPECT_EQ(not_function.error().class_name, "TypeError");
}

TEST_F(CallTest, HandlesDroppedOnAnotherThreadAreReleasedLater) {
  size_t before = runtime().handles()->live_count();
  std::vector<JsValue> values;
  for (int i = 0; i < 100; ++i) {
    Result<JsValue> value = runtime().CallExport<JsValue>(lib_, "echo", i);
    ASSERT_TRUE(value.ok());
    values.push_back(value.value());
  }
  EXPECT_EQ(runtime().handles()->live_count(), before + 100);
  std::thread([moved = std::move(values)]() mutable { moved.clear(); }).join();
  EXPECT_EQ(runtime().handles()->live_count(), before);
  Result<int32_t> sum = runtime().CallExport<int32_t>(lib_, "add", 1, 1);  // releases them
  ASSERT_TRUE(sum.ok());
}

TEST_F(CallTest, HandlesDroppedWhileTheRuntimeRunsJavaScript) {
  std::vector<JsValue> values;
  for (int i = 0; i < 2000; ++i) {
    Result<JsValue> value = runtime().CallExport<JsValue>(lib_, "echo", i);
    ASSERT_TRUE(value.ok());
    values.push_back(value.value());
  }
  std::thread dropper([moved = std::move(values)]() mutable {
    while (!moved.empty()) moved.pop_back();
  });
  for (int i = 0; i < 2000; ++i) {
    Result<JsValue> value = runtime().CallExport<JsValue>(lib_, "echo", i);  // and releases
    ASSERT_TRUE(value.ok());
  }
  dropper.join();
  Result<int32_t> sum = runtime().CallExport<int32_t>(lib_, "add", 1, 1);
  ASSERT_TRUE(sum.ok());
}

TEST_F(CallTest, HandlesOutliveTheRuntime) {
  Result<JsFunction> counter = runtime().CallExport<JsFunction>(lib_, "makeCounter");
  ASSERT_TRUE(counter.ok());
  JsFunction kept = counter.value();
  JsModule module = lib_;
  EXPECT_TRUE(kept.alive());
  ASSERT_TRUE(runtime().Shutdown().ok());
  EXPECT_FALSE(kept.alive());
  EXPECT_FALSE(module.alive());
  runtime_.reset();
  // Destroying them now touches nothing.
}

TEST_F(CallTest, AHandleOfAnotherRuntimeIsRefused) {
  RuntimeOptions options;
  options.module_loader = loader_;
  absl::StatusOr<std::unique_ptr<Runtime>> other = Runtime::Create(std::move(options));
  ASSERT_TRUE(other.ok());
  Result<JsModule> other_lib = (*other)->LoadModule("lib.js");
  ASSERT_TRUE(other_lib.ok());
  Result<int32_t> crossed = runtime().CallExport<int32_t>(other_lib.value(), "add", 1, 2);
  ASSERT_FALSE(crossed.ok());
  EXPECT_EQ(crossed.error().Summary(), "TypeError: Call: the handle belongs to another runtime");
  other_lib = JsError{};
  EXPECT_TRUE((*other)->Shutdown().ok());
}

TEST_F(CallTest, EmptyHandleIsRefused) {
  Result<void> empty = runtime().Call(JsFunction());
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().Summary(), "TypeError: Call: the function handle is empty");
}

}  // namespace
}  // namespace kiln
