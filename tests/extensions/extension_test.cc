// Extensions made with kiln_extension(): modules, published modules, dependencies, state,
// ops hidden from user code, and snapshots that hold some of them.
#include <string>
#include <vector>

#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"
#include "core/testing/core_snapshot.h"
#include "core/snapshot.h"
#include "tests/extensions/eager_extension.h"
#include "tests/extensions/greeter_extension.h"
#include "tests/extensions/greeter_snapshot.h"
#include "tests/extensions/greeter_state.h"
#include "tests/extensions/loud_extension.h"

namespace kiln::testing {
namespace {

class ExtensionTest : public RuntimeTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    // Listed before its dependency: the load order comes from the deps.
    options.extensions = {&extensions::loud(), &extensions::greeter()};
    return options;
  }
};

TEST_F(ExtensionTest, ModulesInstallGlobalsAndCallOps) {
  ExpectEval("greeter.greet('kiln')", "'Hello, kiln!'");
  ExpectEval("loud.shout('kiln')", "'HELLO, KILN!!!'");
  ExpectEval("loud.count()", "2");
}

TEST_F(ExtensionTest, PublishedModulesAreImportableFromUserModules) {
  std::string path = WriteTempFile(
      "main.mjs", "import { greet, shout } from 'kiln:greeter';\n"
                  "globalThis.result = [greet('a'), shout('b')];\n");
  ASSERT_TRUE(runtime().RunMainFile(path).ok());
  ExpectEval("result", "[ 'Hello, a!', 'HELLO, B!!!' ]");
  std::string missing = WriteTempFile("missing.mjs", "import 'kiln:nothing';\n");
  Result<void> run = runtime().RunMainFile(missing);
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.error().message.find("Cannot find module 'kiln:nothing'"), std::string::npos)
      << run.error().message;
}

TEST_F(ExtensionTest, UserCodeCannotImportExtensionModules) {
  std::string path = WriteTempFile("ops.mjs", "import { op_greet } from 'ext:core/ops';\n");
  Result<void> run = runtime().RunMainFile(path);
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.error().message,
            "Cannot find module 'ext:core/ops' imported from " + path +
                ": ext: modules are internal to kiln's extensions");
  // From a script that is not a file ([eval]) there is no referrer to name.
  for (const char* specifier : {"ext:core/ops", "ext:core/internals", "ext:greeter/greeter.js"}) {
    SCOPED_TRACE(specifier);
    EXPECT_EQ(RunLoopThenEval(std::string("import('") + specifier +
                                  "').then(() => { globalThis.result = 'imported'; }, "
                                  "(e) => { globalThis.result = e.message; })"),
              std::string("\"Cannot find module '") + specifier +
                  "': ext: modules are internal to kiln's extensions\"");
  }
  std::string dynamic = WriteTempFile(
      "dynamic.mjs", "globalThis.result = await import('ext:core/ops').then(() => 'imported', "
                     "(e) => e.code);\n");
  ASSERT_TRUE(runtime().RunMainFile(dynamic).ok());
  ExpectEval("result", "'ERR_MODULE_NOT_FOUND'");
}

TEST_F(ExtensionTest, StateIsMadeInLoadOrderAndDestroyedInReverse) {
  GreeterState::Log().clear();
  RuntimeOptions options;
  options.extensions = {&extensions::loud(), &extensions::greeter()};
  auto created = Runtime::Create(options);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(GreeterState::Log(), (std::vector<std::string>{"greeter made", "loud made"}));
  ASSERT_TRUE((*created)->Shutdown().ok());
  EXPECT_EQ(GreeterState::Log(), (std::vector<std::string>{"greeter made", "loud made",
                                                           "loud destroyed", "greeter destroyed"}));
}

TEST_F(ExtensionTest, StateIsPerRuntime) {
  ExpectEval("greeter.greet('a'); greeter.greet('b'); loud.count()", "2");
  RuntimeOptions options;
  options.extensions = {&extensions::loud(), &extensions::greeter()};
  options.snapshot = &snapshots::greeter_snapshot();
  auto other = Runtime::Create(options);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ((*other)->EvalToString("loud.count()").value(), "0");
  ExpectEval("loud.count()", "2");
}

TEST(ExtensionErrorsTest, AMissingDependencyNamesBoth) {
  RuntimeOptions options;
  options.extensions = {&extensions::loud()};
  auto created = Runtime::Create(options);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().message(),
            "extension 'loud' depends on extension 'greeter', which is not installed (add it to "
            "RuntimeOptions::extensions)");
}

TEST(ExtensionErrorsTest, TheSameExtensionTwice) {
  RuntimeOptions options;
  options.extensions = {&extensions::greeter(), &extensions::loud(), &extensions::greeter()};
  auto created = Runtime::Create(options);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().message(), "extension 'greeter' is installed twice");
}

TEST(ExtensionErrorsTest, TwoExtensionsWithOneName) {
  static const Extension impostor{"greeter", {}};
  RuntimeOptions options;
  options.extensions = {&extensions::greeter(), &impostor};
  auto created = Runtime::Create(options);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().message(), "two different extensions are named 'greeter'");
}

TEST(ExtensionErrorsTest, ADependencyCycle) {
  static const Extension a{"cycle_a", {}, {}, {"cycle_b"}};
  static const Extension b{"cycle_b", {}, {}, {"cycle_a"}};
  RuntimeOptions options;
  options.extensions = {&a, &b};
  auto created = Runtime::Create(options);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().message(),
            "extensions depend on each other in a cycle: cycle_a -> cycle_b -> cycle_a");
}

TEST(ExtensionErrorsTest, AFailingEntryModuleFailsCreate) {
  static const js::EmbeddedFile kBroken[] = {
      {"ext:broken/broken.js", "throw new Error('broken on purpose');", 37}};
  static const Extension broken{"broken", {}, {kBroken[0]}};
  RuntimeOptions options;
  options.extensions = {&broken};
  auto created = Runtime::Create(options);
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.status().message().find("ext:broken/broken.js failed"), std::string::npos)
      << created.status();
  EXPECT_NE(created.status().message().find("broken on purpose"), std::string::npos);
}

// An entry module may start async work; it settles once the loop runs.
TEST(ExtensionAsyncTest, AnEntryModuleMayStartAnAsyncOp) {
  RuntimeOptions options;
  options.extensions = {&extensions::eager(), &extensions::greeter()};
  auto created = Runtime::Create(options);
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_TRUE((*created)->RunEventLoop().ok());
  EXPECT_EQ((*created)->EvalToString("earlyResult").value(), "'Hello, boot!'");
}

// But such an extension cannot be put in a snapshot: the work would be lost.
TEST(ExtensionAsyncTest, ASnapshotOfPendingWorkIsRefused) {
  absl::StatusOr<std::string> snapshot =
      CreateSnapshot({&extensions::eager(), &extensions::greeter()});
  ASSERT_FALSE(snapshot.ok());
  EXPECT_NE(snapshot.status().message().find("left work pending"), std::string::npos)
      << snapshot.status();
}

TEST(ExtensionErrorsTest, AnUnhandledRejectionInAnEntryModuleFailsCreate) {
  static const char kSource[] = "Promise.reject(new TypeError('nobody handles this'));";
  static const js::EmbeddedFile kRejecting[] = {
      {"ext:rejecting/rejecting.js", kSource, sizeof(kSource) - 1}};
  static const Extension rejecting{"rejecting", {}, {kRejecting[0]}};
  RuntimeOptions options;
  options.extensions = {&rejecting};
  auto created = Runtime::Create(options);
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.status().message().find(
                "ext:rejecting/rejecting.js left a promise rejected with no handler"),
            std::string::npos)
      << created.status();
  EXPECT_NE(created.status().message().find("nobody handles this"), std::string::npos);
}

// Everything a user script can reach from globalThis (properties, accessors, prototypes,
// function properties), and none of it is an op.
class UnreachableOpsTest : public ExtensionTest {
 protected:
  void SetUp() override {
    expose_ops_ = false;
    ExtensionTest::SetUp();
  }
};

TEST_F(UnreachableOpsTest, NothingReachableFromGlobalThisIsAnOp) {
  ExpectEval(R"js(
    const isOp = loud.isOp;
    const seen = new Set();
    const found = [];
    let functions = 0;
    const visit = (value) => {
      if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return;
      if (seen.has(value)) return;
      seen.add(value);
      if (typeof value === 'function') {
        functions++;
        if (isOp(value) || /^op_/.test(value.name)) found.push(value.name);
      }
      visit(Object.getPrototypeOf(value));
      for (const key of Reflect.ownKeys(value)) {
        const descriptor = Object.getOwnPropertyDescriptor(value, key);
        if (descriptor === undefined) continue;
        if ('value' in descriptor) visit(descriptor.value);
        visit(descriptor.get);
        visit(descriptor.set);
      }
    };
    visit(globalThis);
    [found, functions > 100, typeof kiln.ops]
  )js",
             "[ [], true, 'undefined' ]");
  // The walk does find ops when they are there (on an exposing runtime).
  RuntimeOptions options = MakeOptions();
  options.expose_ops = true;
  auto exposing = Runtime::Create(options);
  ASSERT_TRUE(exposing.ok());
  EXPECT_EQ((*exposing)->EvalToString("loud.isOp(kiln.ops.op_greet)").value(), "true");
}

// A snapshot holding greeter; loud (not in it) loads on top and still imports every op.
TEST(ExtensionSnapshotTest, ExtensionsNotInTheSnapshotLoadOnTop) {
  RuntimeOptions options;
  options.extensions = {&extensions::greeter(), &extensions::loud()};
  options.snapshot = &snapshots::greeter_snapshot();
  auto created = Runtime::Create(options);
  ASSERT_TRUE(created.ok()) << created.status();
  Runtime& runtime = **created;
  EXPECT_TRUE(runtime.from_snapshot());
  EXPECT_EQ(runtime.EvalToString("[greeter.greet('s'), loud.shout('t'), loud.count()]").value(),
            "[ 'Hello, s!', 'HELLO, T!!!', 2 ]");
}

TEST(ExtensionSnapshotTest, ASnapshotOfAnExtensionNotInstalledIsNotUsed) {
  RuntimeOptions options;
  options.snapshot = &snapshots::greeter_snapshot();
  auto created = Runtime::Create(options);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_FALSE((*created)->from_snapshot());
  EXPECT_EQ((*created)->EvalToString("typeof greeter").value(), "'undefined'");
}

TEST(ExtensionSnapshotTest, ASnapshotOfOtherOpTablesIsNotUsed) {
  // The same snapshot with another fingerprint: as if made with other op tables.
  const Snapshot& real = snapshots::greeter_snapshot();
  std::string bytes(real.data, real.size);
  size_t at = bytes.find("fingerprint ");
  ASSERT_NE(at, std::string::npos);
  char& digit = bytes[at + 12];
  digit = digit == '0' ? '1' : '0';
  Snapshot altered{bytes.data(), bytes.size()};
  RuntimeOptions options;
  options.extensions = {&extensions::greeter()};
  options.snapshot = &altered;
  auto created = Runtime::Create(options);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_FALSE((*created)->from_snapshot());
  EXPECT_EQ((*created)->EvalToString("greeter.greet('x')").value(), "'Hello, x!'");
}

}  // namespace
}  // namespace kiln::testing
namespace kiln::testing {
namespace {

// V8 shares one read-only heap among the isolates alive in a process, made from the first
// one's blob: a runtime asking for another snapshot then loads from source (with a note).
TEST(SharedHeapTest, ASecondSnapshotWhileAnotherRuntimeLivesLoadsFromSource) {
  RuntimeOptions first_options;
  first_options.snapshot = &snapshots::core_snapshot();
  auto first = Runtime::Create(first_options);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE((*first)->from_snapshot());
  RuntimeOptions options;
  options.extensions = {&extensions::greeter()};
  options.snapshot = &snapshots::greeter_snapshot();
  auto second = Runtime::Create(options);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE((*second)->from_snapshot());
  EXPECT_EQ((*second)->EvalToString("greeter.greet('x')").value(), "'Hello, x!'");
  // The same snapshot as the live runtime's is used.
  RuntimeOptions same;
  same.snapshot = &snapshots::core_snapshot();
  auto third = Runtime::Create(same);
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_TRUE((*third)->from_snapshot());
  // Once every runtime is gone, any snapshot can be used again.
  first->reset();
  second->reset();
  third->reset();
  auto fourth = Runtime::Create(options);
  ASSERT_TRUE(fourth.ok()) << fourth.status();
  EXPECT_TRUE((*fourth)->from_snapshot());
}

}  // namespace
}  // namespace kiln::testing
