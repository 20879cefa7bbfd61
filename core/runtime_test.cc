#include "core/runtime.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"

namespace kiln {
namespace {

using ::kiln::testing::RuntimeTest;
using ::kiln::testing::WriteTempFile;

TEST_F(RuntimeTest, EvaluatesExpressions) {
  ExpectEval("1 + 2", "3");
  ExpectEval("'a' + 'b'", "'ab'");
  ExpectEval("({ a: [1, 2] })", "{ a: [ 1, 2 ] }");
  ExpectEval("globalThis === self", "true");
  ExpectEval("typeof kiln.version.v8", "'string'");
}

TEST_F(RuntimeTest, StatePersistsBetweenEvals) {
  ExpectEval("var counter = 41; undefined", "undefined");
  ExpectEval("++counter", "42");
}

TEST_F(RuntimeTest, ThrowsBecomeJsErrors) {
  ExpectThrows("null.x", "TypeError: Cannot read properties of null (reading 'x')");
  ExpectThrows("throw new RangeError('too far')", "RangeError: too far");
  ExpectThrows("class NotFound extends Error { constructor(m) { super(m); this.name = 'NotFound'; } }"
               "throw new NotFound('gone')",
               "NotFound: gone");
  ExpectThrows("throw 42", "Uncaught 42");
  ExpectThrows("throw null", "Uncaught null");
  ExpectThrows("throw undefined", "Uncaught undefined");
  ExpectThrows("throw 'text'", "Uncaught text");
  ExpectThrows("throw 5n", "Uncaught 5n");
  ExpectThrows("throw Symbol('s')", "Uncaught Symbol(s)");
  ExpectThrows("throw { code: 7, list: [1, 'two'] }", "Uncaught { code: 7, list: [ 1, 'two' ] }");
}

TEST_F(RuntimeTest, ErrorCarriesLocationAndStack) {
  JsError error = EvalError("function inner() {\n  throw new TypeError('bad ' + 'input');\n}\n"
                            "inner();");
  EXPECT_EQ(error.class_name, "TypeError");
  EXPECT_EQ(error.message, "bad input");
  EXPECT_EQ(error.file, "[eval]");
  EXPECT_EQ(error.line, 2);
  EXPECT_EQ(error.column, 3);
  EXPECT_EQ(error.source_line, "  throw new TypeError('bad ' + 'input');");
  EXPECT_TRUE(absl::StartsWith(error.stack, "TypeError: bad input\n    at inner ([eval]:2:9)"))
      << error.stack;
  std::string report = error.Report();
  EXPECT_TRUE(absl::StartsWith(report, "[eval]:2:3\n  throw new TypeError('bad ' + 'input');\n"
                                       "  ^\n\nTypeError: bad input\n    at inner"))
      << report;
}

TEST_F(RuntimeTest, SyntaxErrorsNameTheLine) {
  JsError error = EvalError("let ok = 1;\nlet = = 2;");
  EXPECT_EQ(error.class_name, "SyntaxError");
  EXPECT_EQ(error.line, 2);
  EXPECT_EQ(error.source_line, "let = = 2;");
}

TEST_F(RuntimeTest, ThrowingGettersOnTheErrorDoNotEscape) {
  JsError error = EvalError(
      "const e = new Error('x'); Object.defineProperty(e, 'stack', { get() { throw 1; } });"
      "throw e;");
  EXPECT_EQ(error.Summary(), "Error: x");
  EXPECT_EQ(error.stack, "");
}

TEST_F(RuntimeTest, UnboundedRecursionIsARangeError) {
  ExpectThrows("function f() { return f() + 1; } f()",
               "RangeError: Maximum call stack size exceeded");
  ExpectEval("1", "1");  // still usable
}

TEST_F(RuntimeTest, HugeErrorMessageIsKeptButClippedInTheReport) {
  JsError error = EvalError("throw new Error('x'.repeat(10 * 1024 * 1024))");
  EXPECT_EQ(error.message.size(), 10u * 1024 * 1024);
  std::string report = error.Report();
  EXPECT_LT(report.size(), 200u * 1024);
  EXPECT_TRUE(absl::StrContains(report, "more bytes]")) << report.substr(0, 200);
}

TEST_F(RuntimeTest, IntlUsesIcu) {
  ExpectEval("new Intl.NumberFormat('de-DE').format(1234567.891)", "'1.234.567,891'");
  ExpectEval("'\\u00e9'.normalize('NFD').length", "2");
}

TEST_F(RuntimeTest, MicrotasksRunAfterEachEval) {
  ExpectEval("globalThis.order = []; Promise.resolve().then(() => order.push('micro'));"
             "order.push('sync'); undefined",
             "undefined");
  ExpectEval("order.join()", "'sync,micro'");
}

TEST_F(RuntimeTest, UnhandledRejectionIsReported) {
  JsError error = EvalError("Promise.reject(new TypeError('nobody listens')); 1");
  EXPECT_TRUE(error.from_rejection);
  EXPECT_EQ(error.Summary(), "TypeError: nobody listens");
  EXPECT_TRUE(absl::StrContains(error.Report(), "Uncaught (in promise) TypeError: nobody listens"));
  ExpectEval("2", "2");  // the runtime stays usable
}

TEST_F(RuntimeTest, RejectionHandledBeforeTheCheckpointIsNotReported) {
  ExpectEval("const p = Promise.reject(new Error('late')); p.catch(() => {}); 3", "3");
  ExpectEval("globalThis.q = Promise.reject(1); Promise.resolve().then(() => q.catch(() => {})); 4",
             "4");
}

TEST_F(RuntimeTest, ArgsReachJavaScript) {
  ExpectEval("kiln.args", "[]");
  ExpectEval("Object.isFrozen(kiln.args)", "true");
}

TEST_F(RuntimeTest, FinalizationRegistryCallbackRunsAfterGc) {
  ExpectEval(R"(
    globalThis.finalized = [];
    const registry = new FinalizationRegistry((held) => finalized.push(held));
    (function () { registry.register({}, 'token'); })();
    globalThis.keep = registry;
    gc();
    undefined)",
             "undefined");
  Result<void> loop = runtime().RunEventLoop();
  ASSERT_TRUE(loop.ok()) << loop.error().Report();
  ExpectEval("finalized", "[ 'token' ]");
}

// (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
constexpr char kAddWasm[] =
    "new Uint8Array([0,97,115,109,1,0,0,0,1,7,1,96,2,127,127,1,127,3,2,1,0,7,7,1,3,97,100,100,"
    "0,0,10,9,1,7,0,32,0,32,1,106,11])";

TEST_F(RuntimeTest, AsyncWebAssemblyCompileSettlesInTheEventLoop) {
  ExpectEval(absl::StrCat("globalThis.sum = 'pending';"
                          "WebAssembly.instantiate(", kAddWasm, ")"
                          ".then(({ instance }) => { sum = instance.exports.add(2, 40); });"
                          "undefined"),
             "undefined");
  Result<void> loop = runtime().RunEventLoop();
  ASSERT_TRUE(loop.ok()) << loop.error().Report();
  ExpectEval("sum", "42");
}

TEST_F(RuntimeTest, ScriptFileErrorsNameTheFile) {
  std::string path = WriteTempFile("thrower.js", "const a = 1;\nthrow new Error('from file');\n");
  Result<void> result = runtime().ExecuteScriptFile(path);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().file, path);
  EXPECT_EQ(result.error().line, 2);
  Result<void> missing = runtime().ExecuteScriptFile(path + ".nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().Summary(), absl::StrCat("Error: Cannot find module '", path, ".nope'"));
}

TEST(RuntimeLifecycleTest, SequentialRuntimesAreIndependent) {
  for (int i = 0; i < 10; ++i) {
    auto runtime = Runtime::Create();
    ASSERT_TRUE(runtime.ok());
    Result<std::string> value =
        (*runtime)->EvalToString(absl::StrCat("typeof leaked + ':' + (globalThis.leaked = ", i, ")"));
    ASSERT_TRUE(value.ok());
    EXPECT_EQ(value.value(), absl::StrCat("'undefined:", i, "'"));
    EXPECT_TRUE((*runtime)->Shutdown().ok());
  }
}

TEST(RuntimeLifecycleTest, InterleavedRuntimesDestroyedInAnyOrder) {
  std::vector<std::unique_ptr<Runtime>> runtimes;
  for (int i = 0; i < 4; ++i) {
    RuntimeOptions options;
    options.args = {absl::StrCat("runtime-", i)};
    auto created = Runtime::Create(options);
    ASSERT_TRUE(created.ok());
    runtimes.push_back(std::move(*created));
  }
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < runtimes.size(); ++i) {
      Result<std::string> value = runtimes[i]->EvalToString(
          "globalThis.n = (globalThis.n || 0) + 1; kiln.args[0] + '/' + n");
      ASSERT_TRUE(value.ok()) << value.error().Report();
      EXPECT_EQ(value.value(), absl::StrCat("'runtime-", i, "/", round + 1, "'"));
    }
  }
  // Destroy out of creation order: 2, 0, 3, 1.
  for (int index : {2, 0, 3, 1}) {
    EXPECT_TRUE(runtimes[index]->Shutdown().ok());
    runtimes[index].reset();
  }
}

TEST(RuntimeLifecycleTest, EmbedderOwnedLoopIsLeftOpen) {
  uv_loop_t loop;
  ASSERT_EQ(uv_loop_init(&loop), 0);
  {
    RuntimeOptions options;
    options.loop = &loop;
    auto runtime = Runtime::Create(options);
    ASSERT_TRUE(runtime.ok());
    Result<std::string> value = (*runtime)->EvalToString("6 * 7");
    ASSERT_TRUE(value.ok());
    EXPECT_EQ(value.value(), "42");
    EXPECT_TRUE((*runtime)->Shutdown().ok());
  }
  EXPECT_EQ(uv_loop_close(&loop), 0);  // nothing of the runtime's is left on it
}

TEST(RuntimeLifecycleTest, ShutdownNamesHandlesLeftOpen) {
  auto runtime = Runtime::Create();
  ASSERT_TRUE(runtime.ok());
  uv_timer_t* timer = new uv_timer_t;
  uv_timer_init((*runtime)->loop(), timer);
  absl::Status status = (*runtime)->Shutdown();
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(absl::StrContains(status.message(), "timer")) << status;
  delete timer;  // Shutdown closed it and ran the loop until the close completed.
}

TEST(RuntimeLifecycleTest, DestructorShutsDownImplicitly) {
  for (int i = 0; i < 3; ++i) {
    auto runtime = Runtime::Create();
    ASSERT_TRUE(runtime.ok());
    ASSERT_TRUE((*runtime)->EvalToString("new Array(1000).fill({})").ok());
  }
}

}  // namespace
}  // namespace kiln
