#include "core/module_loader.h"

#include "absl/strings/str_cat.h"
#include "core/file_util.h"
#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"

namespace kiln {
namespace {

using ::kiln::testing::RuntimeTest;
using ::kiln::testing::TempDir;
using ::kiln::testing::WriteTempFile;

class ModuleTest : public RuntimeTest {
 protected:
  // Runs `path` as the main module with the event loop, expecting success.
  void RunOk(const std::string& path) {
    Result<void> result = runtime().RunMainFile(path, Runtime::ScriptKind::kModule);
    ASSERT_TRUE(result.ok()) << result.error().Report();
  }
  JsError RunFails(const std::string& path) {
    Result<void> result = runtime().RunMainFile(path, Runtime::ScriptKind::kModule);
    if (result.ok()) {
      ADD_FAILURE() << path << " ran without an error";
      return {};
    }
    return result.error();
  }
};

TEST_F(ModuleTest, ImportedTwiceEvaluatesOnce) {
  WriteTempFile("counter.mjs", "globalThis.evaluations = (globalThis.evaluations ?? 0) + 1;\n"
                               "export const value = 7;\n");
  WriteTempFile("a.mjs", "export { value as a } from './counter.mjs';\n");
  WriteTempFile("b.mjs", "export { value as b } from './counter.mjs';\n");
  std::string main = WriteTempFile(
      "main.mjs", "import { a } from './a.mjs';\nimport { b } from './b.mjs';\n"
                  "import { value } from './././counter.mjs';\n"
                  "globalThis.total = a + b + value;\n");
  RunOk(main);
  ExpectEval("evaluations", "1");
  ExpectEval("total", "21");
}

TEST_F(ModuleTest, SamePathThroughDifferentSpellingsIsOneInstance) {
  std::string dir = TempDir();
  WriteTempFile("lib/state.mjs", "export const token = {};\n");
  std::string main = WriteTempFile(
      "main.mjs", absl::StrCat("import { token as t1 } from './lib/state.mjs';\n"
                               "import { token as t2 } from '", dir, "/lib/../lib/state.mjs';\n"
                               "const t3 = (await import('file://", dir, "/lib/state.mjs')).token;\n"
                               "globalThis.same = t1 === t2 && t2 === t3;\n"));
  RunOk(main);
  ExpectEval("same", "true");
}

TEST_F(ModuleTest, CyclicImportsFollowTheSpec) {
  // even/odd: a cycle through function declarations, which are hoisted.
  WriteTempFile("even.mjs", "import { odd } from './odd.mjs';\n"
                            "globalThis.order = (globalThis.order ?? []).concat('even');\n"
                            "export function even(n) { return n === 0 ? true : odd(n - 1); }\n");
  WriteTempFile("odd.mjs", "import { even } from './even.mjs';\n"
                           "globalThis.order = (globalThis.order ?? []).concat('odd');\n"
                           "export function odd(n) { return n === 0 ? false : even(n - 1); }\n");
  std::string main = WriteTempFile("main.mjs", "import { even } from './even.mjs';\n"
                                               "globalThis.result = [even(10), even(7)];\n");
  RunOk(main);
  ExpectEval("result", "[ true, false ]");
  // The dependency of the first module in the cycle evaluates first.
  ExpectEval("order", "[ 'odd', 'even' ]");
}

TEST_F(ModuleTest, CycleSeesUninitialisedBindingAsTdz) {
  WriteTempFile("x.mjs", "import { y } from './y.mjs';\nexport const x = 'x';\n");
  WriteTempFile("y.mjs", "import { x } from './x.mjs';\nexport const y = 'y';\n"
                         "try { x; } catch (e) { globalThis.tdz = e.constructor.name; }\n");
  std::string main = WriteTempFile("main.mjs", "import './x.mjs';\n");
  RunOk(main);
  ExpectEval("tdz", "'ReferenceError'");
}

TEST_F(ModuleTest, RelativeSpecifiersResolveAgainstTheImporter) {
  WriteTempFile("deep/inner/leaf.mjs", "export default 'leaf';\n");
  WriteTempFile("deep/mid.mjs", "export { default } from './inner/leaf.mjs';\n");
  std::string main = WriteTempFile("main.mjs", "import mid from './deep/mid.mjs';\n"
                                               "globalThis.got = mid;\n");
  RunOk(main);
  ExpectEval("got", "'leaf'");
}

TEST_F(ModuleTest, MissingFileNamesSpecifierAndImporter) {
  std::string main = WriteTempFile("main.mjs", "import './nope.mjs';\n");
  JsError error = RunFails(main);
  EXPECT_EQ(error.Summary(),
            absl::StrCat("Error: Cannot find module './nope.mjs' imported from ", main));
}

TEST_F(ModuleTest, BareSpecifierIsNotFound) {
  std::string main = WriteTempFile("main.mjs", "import lodash from 'lodash';\n");
  JsError error = RunFails(main);
  EXPECT_EQ(error.Summary(),
            absl::StrCat("Error: Cannot find module 'lodash' imported from ", main,
                         ": bare specifiers (package names) are not looked up in node_modules; "
                         "import the package's file by its path, or bundle it"));
  std::string builtin = WriteTempFile("builtin.mjs", "import fs from 'node:fs';\n");
  EXPECT_EQ(RunFails(builtin).Summary(),
            absl::StrCat("Error: Cannot find module 'node:fs' imported from ", builtin,
                         ": kiln has no Node.js built-in modules"));
}

TEST_F(ModuleTest, MissingEntry) {
  std::string path = TempDir() + "/absent.mjs";
  JsError error = RunFails(path);
  EXPECT_EQ(error.Summary(), absl::StrCat("Error: Cannot find module '", path, "'"));
}

TEST_F(ModuleTest, SyntaxErrorInImportedModuleNamesThatFile) {
  std::string broken = WriteTempFile("broken.mjs", "export const = 1;\n");
  std::string main = WriteTempFile("main.mjs", "import './broken.mjs';\n");
  JsError error = RunFails(main);
  EXPECT_EQ(error.class_name, "SyntaxError");
  EXPECT_EQ(error.file, PathToFileUrl(broken));  // a module is named by its URL
  EXPECT_EQ(error.line, 1);
}

TEST_F(ModuleTest, ThrowIsReportedOnceWithLocation) {
  std::string main = WriteTempFile("main.mjs", "const a = 1;\nthrow new TypeError('module threw');\n");
  JsError error = RunFails(main);
  EXPECT_EQ(error.Summary(), "TypeError: module threw");
  EXPECT_FALSE(error.from_rejection);
  EXPECT_EQ(error.file, PathToFileUrl(main));
  EXPECT_EQ(error.line, 2);
  ExpectEval("1", "1");  // no second report pending
}

TEST_F(ModuleTest, ThrowAfterTopLevelAwaitIsReportedOnce) {
  std::string main = WriteTempFile(
      "main.mjs", "await new Promise((resolve) => resolve());\nthrow new Error('after await');\n");
  JsError error = RunFails(main);
  EXPECT_EQ(error.Summary(), "Error: after await");
  EXPECT_FALSE(error.from_rejection);
  ExpectEval("1", "1");
}

TEST_F(ModuleTest, TopLevelAwaitThatNeverSettles) {
  std::string main = WriteTempFile("main.mjs", "await new Promise(() => {});\n");
  JsError error = RunFails(main);
  EXPECT_EQ(error.message, "top-level await never settled");
}

TEST_F(ModuleTest, DynamicImportFromAClassicScript) {
  WriteTempFile("dyn/lib.mjs", "export const answer = 42;\n");
  std::string script = WriteTempFile(
      "dyn/script.js", "import('./lib.mjs').then((m) => { globalThis.answer = m.answer; });\n"
                       "import('./missing.mjs').catch((e) => { globalThis.missing = e.message; });\n");
  Result<void> result = runtime().RunMainFile(script);
  ASSERT_TRUE(result.ok()) << result.error().Report();
  ExpectEval("answer", "42");
  ExpectEval("missing", absl::StrCat("\"Cannot find module './missing.mjs' imported from ", script,
                                     "\""));
}

TEST_F(ModuleTest, ImportMetaDescribesTheModule) {
  std::string dir = TempDir();
  WriteTempFile("meta/dep.mjs", "export const meta = import.meta;\n");
  std::string main = WriteTempFile(
      "meta/main.mjs", "import { meta } from './dep.mjs';\n"
                       "globalThis.info = [import.meta.main, meta.main, meta.filename,"
                       " meta.dirname, import.meta.url];\n");
  RunOk(main);
  ExpectEval("info[0] && !info[1]", "true");
  ExpectEval("info[2]", absl::StrCat("'", dir, "/meta/dep.mjs'"));
  ExpectEval("info[3]", absl::StrCat("'", dir, "/meta'"));
  ExpectEval("info[4]", absl::StrCat("'file://", dir, "/meta/main.mjs'"));
}

TEST(ModuleResolveTest, Rules) {
  std::string error;
  EXPECT_EQ(FileModuleLoader::ResolvePath("pkg", "/a/b.mjs", &error), "");
  EXPECT_EQ(error, "Cannot find module 'pkg' imported from /a/b.mjs");
  EXPECT_EQ(FileModuleLoader::ResolvePath("./x.mjs", "/does/not/exist.mjs", &error), "");
  EXPECT_EQ(error, "Cannot find module './x.mjs' imported from /does/not/exist.mjs");
}

}  // namespace
}  // namespace kiln
