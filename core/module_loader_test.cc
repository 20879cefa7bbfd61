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
                         ": no package 'lodash' in node_modules of ", DirName(main),
                         " or of a folder above it"));
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

TEST_F(ModuleTest, PackagesResolveThroughNodeModules) {
  // Conditions in the order "exports" lists them: "node" and "require" are not kiln's.
  WriteTempFile("app/node_modules/cond/package.json",
                R"({"name": "cond", "exports": {".": {"node": "./node.js", "require": "./cjs.js",)"
                R"( "browser": {"import": "./browser.mjs", "default": "./browser.js"},)"
                R"( "default": "./default.js"}, "./package.json": "./package.json"}})");
  WriteTempFile("app/node_modules/cond/browser.mjs", "export default 'browser import';\n");
  // Subpaths, patterns (the most specific wins), a null exclusion, "imports".
  WriteTempFile("app/node_modules/@scope/lib/package.json",
                R"({"name": "@scope/lib", "type": "module", "exports": {".": "./src/index.js",)"
                R"( "./features/*": "./src/features/*.js", "./features/secret/*": null,)"
                R"( "./features/x/*.js": "./src/special/*.js"},)"
                R"( "imports": {"#util": {"kiln": "./src/util.js", "default": "./nope.js"},)"
                R"( "#dep": "plain/extra.js"}})");
  WriteTempFile("app/node_modules/@scope/lib/src/index.js",
                "import util from '#util';\nimport extra from '#dep';\n"
                "import self from '@scope/lib/features/a';\n"
                "export default [util, extra, self].join(',');\n");
  WriteTempFile("app/node_modules/@scope/lib/src/util.js", "export default 'util';\n");
  WriteTempFile("app/node_modules/@scope/lib/src/features/a.js", "export default 'a';\n");
  WriteTempFile("app/node_modules/@scope/lib/src/special/y.js", "export default 'special';\n");
  // A dependency of the package's own (nested), shadowing the hoisted one.
  WriteTempFile("app/node_modules/@scope/lib/node_modules/plain/package.json",
                R"({"name": "plain", "main": "hoisted-not"})");
  WriteTempFile("app/node_modules/@scope/lib/node_modules/plain/extra.js",
                "export default 'nested extra';\n");
  // No "exports": "module" before "main", a main without its extension, index.js.
  WriteTempFile("app/node_modules/plain/package.json",
                R"({"name": "plain", "main": "cjs.js", "module": "lib/esm"})");
  WriteTempFile("app/node_modules/plain/lib/esm.js", "export default 'module field';\n");
  WriteTempFile("app/node_modules/plain/deep/file.mjs", "export default 'deep';\n");
  WriteTempFile("app/node_modules/bare-index/index.js", "export default 'index';\n");
  std::string main = WriteTempFile(
      "app/src/main.mjs",
      "import cond from 'cond';\nimport lib from '@scope/lib';\n"
      "import feature from '@scope/lib/features/a';\nimport special from '@scope/lib/features/x/y.js';\n"
      "import plain from 'plain';\nimport deep from 'plain/deep/file.mjs';\n"
      "import index from 'bare-index';\nimport pkg from 'cond/package.json' assert { type: 'json' };\n"
      "const errors = [];\n"
      "for (const s of ['@scope/lib/features/secret/k', '@scope/lib/src/util.js', 'missing-pkg',"
      " '#util']) {\n"
      "  try { await import(s); errors.push('loaded ' + s); } catch (e) { errors.push(e.message); }\n"
      "}\n"
      "globalThis.got = [cond, lib, feature, special, plain, deep, index, pkg.name];\n"
      "globalThis.errors = errors;\n"
      "globalThis.resolved = import.meta.resolve('@scope/lib/features/a');\n");
  RunOk(main);
  ExpectEval("got.join('|')",
             "'browser import|util,nested extra,a|a|special|module field|deep|index|cond'");
  std::string dir = TempDir();
  std::string package_json = absl::StrCat(dir, "/app/node_modules/@scope/lib/package.json");
  ExpectEval("errors[0]",
             absl::StrCat("`Cannot resolve module '@scope/lib/features/secret/k' imported from ",
                          main, ": Package subpath './features/secret/k' is not defined by "
                          "\"exports\" in ", package_json,
                          " for the conditions kiln, worker, browser, import, module, default`"));
  ExpectEval("errors[1].includes(\"Package subpath './src/util.js' is not defined\")", "true");
  ExpectEval("errors[2]",
             absl::StrCat("\"Cannot find module 'missing-pkg' imported from ", main,
                          ": no package 'missing-pkg' in node_modules of ", dir,
                          "/app/src or of a folder above it\""));
  ExpectEval("errors[3].includes(\"the package import '#util' has no package.json above\")",
             "true");
  ExpectEval("resolved",
             absl::StrCat("'file://", dir, "/app/node_modules/@scope/lib/src/features/a.js'"));
}

TEST_F(ModuleTest, PackagesInNodeModulesFollowTheirBrowserField) {
  // As axios: its files import Node's platform, which "browser" swaps for the browser's.
  WriteTempFile("web/node_modules/shimmed/package.json",
                R"({"name": "shimmed", "exports": {".": {"browser": "./index.js"}},)"
                R"( "browser": {"./lib/node/platform.js": "./lib/browser/platform.js",)"
                R"( "./lib/http": false, "url": false, "ws": "./lib/ws-shim.js", "dep": "other"}})");
  WriteTempFile("web/node_modules/shimmed/index.js",
                "import platform from './lib/node/platform.js';\nimport http from './lib/http.js';\n"
                "import url from 'url';\nimport ws from 'ws';\nimport dep from 'dep';\n"
                "export default [platform, JSON.stringify(http), JSON.stringify(url), ws, dep]"
                ".join('|');\n");
  WriteTempFile("web/node_modules/shimmed/lib/node/platform.js", "import 'node:fs';\n");
  WriteTempFile("web/node_modules/shimmed/lib/browser/platform.js", "export default 'browser';\n");
  WriteTempFile("web/node_modules/shimmed/lib/http.js", "import 'node:http';\n");
  WriteTempFile("web/node_modules/shimmed/lib/ws-shim.js", "export default 'ws shim';\n");
  WriteTempFile("web/node_modules/other/index.js",
                "import { value } from './lib/value';\nimport dir from './lib';\n"
                "export default `other ${value} ${dir}`;\n");
  // Builds made for bundlers leave out extensions and index.js (as rxjs's ES5 build).
  WriteTempFile("web/node_modules/other/lib/value.js", "export const value = 'v';\n");
  WriteTempFile("web/node_modules/other/lib/index.js", "export default 'index';\n");
  // The project's own files are not in node_modules: its "browser" field is not applied,
  // and its imports name files exactly.
  WriteTempFile("web/package.json", R"({"browser": {"./own.js": false}})");
  WriteTempFile("web/own.js", "export default 'own';\n");
  std::string main = WriteTempFile(
      "web/main.mjs", "import shimmed from 'shimmed';\nimport own from './own.js';\n"
                      "let exact;\n"
                      "try { await import('./own'); } catch (e) { exact = e.message; }\n"
                      "globalThis.got = [shimmed, own, exact];\n");
  RunOk(main);
  ExpectEval("got.slice(0, 2).join(' / ')", "'browser|{}|{}|ws shim|other v index / own'");
  ExpectEval("got[2].startsWith(\"Cannot find module './own' imported from\")", "true");
}

TEST_F(ModuleTest, PackageTargetsStayInsideThePackage) {
  WriteTempFile("bad/node_modules/escape/package.json",
                R"({"exports": {".": "./../outside.js", "./a": "./x/../../outside.js",)"
                R"( "./b/*": "./b/*.js", "./c": ["../nope.js", "./c.js"],)"
                R"( "./d": {"require": "./d.cjs"}, "./e": "other-package"}})");
  WriteTempFile("bad/node_modules/escape/c.js", "export default 'fallback';\n");
  WriteTempFile("bad/node_modules/mixed/package.json",
                R"({"exports": {".": "./a.js", "import": "./b.js"}})");
  WriteTempFile("bad/node_modules/broken/package.json", "{ not json");
  std::string main = WriteTempFile(
      "bad/main.mjs",
      "const out = [];\n"
      "for (const s of ['escape', 'escape/a', 'escape/b/../../x', 'escape/c', 'escape/d',"
      " 'escape/e', 'mixed', 'broken', '@scope', 'node:fs']) {\n"
      "  try { out.push((await import(s)).default); } catch (e) { out.push(e.message); }\n"
      "}\n"
      "globalThis.out = out;\n");
  RunOk(main);
  ExpectEval("out[0].includes('Invalid \"exports\" target \"./../outside.js\" defined for')",
             "true");
  ExpectEval("out[1].includes('Invalid \"exports\" target \"./x/../../outside.js\"')", "true");
  ExpectEval("out[2].includes(\"Invalid module specifier: '../../x' matched by './b/*'\")",
             "true");
  ExpectEval("out[3]", "'fallback'");
  ExpectEval("out[4].includes(\"Package subpath './d' is not defined\")", "true");
  ExpectEval("out[5].includes('Invalid \"exports\" target \"other-package\"')", "true");
  ExpectEval("out[6].includes('cannot mix subpaths')", "true");
  ExpectEval("out[7].includes('broken/package.json: not a JSON object')", "true");
  ExpectEval("out[8].includes('a scoped package name is @scope/name')", "true");
  ExpectEval("out[9].endsWith(': kiln has no Node.js built-in modules')", "true");
}

TEST_F(ModuleTest, CommonJsPackagesAreImportedAndRequired) {
  // A package published only as CommonJS: "main" without its extension, require() of a
  // file without its extension, of JSON, of a folder, of a dependency through its
  // "require" condition, and a require() cycle.
  WriteTempFile("cjs/node_modules/legacy/package.json",
                R"({"name": "legacy", "main": "lib/index"})");
  WriteTempFile("cjs/node_modules/legacy/lib/index.js",
                "const util = require('./util');\n"
                "const data = require('../data.json');\n"
                "const dep = require('dep');\n"
                "const cycle = require('./cycle-a');\n"
                "function legacy(x) { return util.twice(x); }\n"
                "legacy.version = data.version;\n"
                "legacy.dep = dep;\n"
                "legacy.cycle = cycle;\n"
                "legacy.thisIsExports = this === exports;\n"
                "legacy.where = [__filename.endsWith('/legacy/lib/index.js'),"
                " __dirname.endsWith('/legacy/lib'), module.id === __filename,"
                " module.loaded, require.resolve('./util') === __dirname + '/util.js',"
                " require.cache[__filename] === module, require.main === undefined,"
                " module.parent === undefined, util.family].join();\n"
                "module.exports = legacy;\n");
  WriteTempFile("cjs/node_modules/legacy/lib/util.js",
                "exports.twice = (x) => 2 * x;\n"
                "exports.family = [module.parent.filename.endsWith('/lib/index.js'),"
                " module.parent.children.includes(module)].join();\n");
  WriteTempFile("cjs/node_modules/legacy/lib/cycle-a.js",
                "exports.early = 'a-early';\nexports.b = require('./cycle-b');\n"
                "exports.late = 'a-late';\n");
  WriteTempFile("cjs/node_modules/legacy/lib/cycle-b.js",
                "const a = require('./cycle-a');\n"
                "module.exports = 'b saw ' + a.early + ' and ' + a.late;\n");
  WriteTempFile("cjs/node_modules/legacy/data.json", R"({"version": "1.2.3"})");
  WriteTempFile("cjs/node_modules/dep/package.json",
                R"({"name": "dep", "exports": {"import": "./dep.mjs", "require": "./dep.cjs"}})");
  WriteTempFile("cjs/node_modules/dep/dep.cjs", "module.exports = 'dep required';\n");
  WriteTempFile("cjs/node_modules/dep/dep.mjs", "export default 'dep imported';\n");
  // Named exports are the properties module.exports had; a .js file of a package
  // without "type" that has ES module syntax is an ES module.
  WriteTempFile("cjs/node_modules/named/package.json", R"({"name": "named"})");
  WriteTempFile("cjs/node_modules/named/index.js",
                "exports.one = 1;\nexports.two = 2;\nexports.default = 'not the default';\n"
                "Object.defineProperty(exports, 'hidden', { value: 3, enumerable: false });\n");
  WriteTempFile("cjs/node_modules/esm-in-js/package.json", R"({"name": "esm-in-js"})");
  WriteTempFile("cjs/node_modules/esm-in-js/index.js",
                "import dep from 'dep';\nexport default 'esm in .js, ' + dep;\n");
  // The project's own .cjs file, and a .js file its package.json declares CommonJS.
  WriteTempFile("cjs/src/helper.cjs", "module.exports = { helper: require('../lib/plain.js') };\n");
  WriteTempFile("cjs/lib/package.json", R"({"type": "commonjs"})");
  WriteTempFile("cjs/lib/plain.js", "module.exports = typeof require;\n");
  std::string main = WriteTempFile(
      "cjs/src/main.mjs",
      "import legacy from 'legacy';\n"
      "import * as named from 'named';\n"
      "import { one, two } from 'named';\n"
      "import esm from 'esm-in-js';\n"
      "import helper from './helper.cjs';\n"
      "const again = await import('legacy');\n"
      "globalThis.got = [legacy(21), legacy.version, legacy.dep, legacy.cycle.b, legacy.cycle.late,\n"
      "  legacy.thisIsExports, legacy.where, one + two, Object.keys(named).sort().join(),\n"
      "  named.default.default, 'hidden' in named, esm, helper.helper,\n"
      "  again.default === legacy].join('|');\n");
  RunOk(main);
  ExpectEval("got",
             "'42|1.2.3|dep required|b saw a-early and undefined|a-late|true|"
             "true,true,true,false,true,true,true,true,true,true|3|default,one,two|not the default|false|"
             "esm in .js, dep imported|function|true'");
}

TEST_F(ModuleTest, RequireFailuresSayWhatWasWrong) {
  WriteTempFile("cjserr/node_modules/throws/package.json", R"({"name": "throws"})");
  WriteTempFile("cjserr/node_modules/throws/index.js",
                "globalThis.runs = (globalThis.runs || 0) + 1;\nthrow new Error('boom');\n");
  WriteTempFile("cjserr/node_modules/esm/package.json", R"({"name": "esm", "type": "module"})");
  WriteTempFile("cjserr/node_modules/esm/index.js", "export default 1;\n");
  WriteTempFile("cjserr/broken.cjs", "module.exports = {;\n");
  std::string file = WriteTempFile(
      "cjserr/main.cjs",
      "const out = [];\n"
      "for (const s of ['fs', 'node:path', 'esm', './missing', 'throws', 'throws', 42,"
      " './broken.cjs']) {\n"
      "  try { require(s); out.push('loaded ' + s); }\n"
      "  catch (e) { out.push(`${e.name} ${e.code} ${e.message}`); }\n"
      "}\n"
      "globalThis.out = out;\n"
      "globalThis.main = require.main === module && module.id === '.' && module.parent === null"
      " && require('process').browser === true;\n");
  Result<void> result = runtime().RunMainFile(file);
  ASSERT_TRUE(result.ok()) << result.error().Report();
  std::string dir = TempDir() + "/cjserr";
  ExpectEval("out[0]", absl::StrCat("\"Error MODULE_NOT_FOUND Cannot find module 'fs' required "
                                    "from ", file, ": kiln has no Node.js built-in modules, and "
                                    "no package of that name is installed\""));
  ExpectEval("out[1].endsWith(\"'node:path' required from \" + '" + file +
                 "' + ': kiln has no Node.js built-in modules')",
             "true");
  ExpectEval("out[2]", absl::StrCat("'Error ERR_REQUIRE_ESM require() of ES module ", dir,
                                    "/node_modules/esm/index.js required from ", file,
                                    " is not supported: load it with import() instead'"));
  ExpectEval("out[3]", absl::StrCat("\"Error MODULE_NOT_FOUND Cannot find module './missing' "
                                    "required from ", file, "\""));
  // A module that threw is not cached: requiring it again runs it again.
  ExpectEval("[out[4], out[5], runs]", "[ 'Error undefined boom', 'Error undefined boom', 2 ]");
  ExpectEval("out[6].startsWith('TypeError ERR_INVALID_ARG_TYPE require(): the module name "
             "must be a string')",
             "true");
  ExpectEval("out[7].startsWith('SyntaxError undefined Unexpected token')", "true");
  ExpectEval("main", "true");
}

TEST_F(ModuleTest, CommonJsModulesSeeTheProcessBundlersGiveBrowserBuilds) {
  // React's pattern: the entry picks a build by process.env.NODE_ENV (unset: development).
  WriteTempFile("proc/node_modules/picks/package.json", R"({"name": "picks"})");
  WriteTempFile("proc/node_modules/picks/index.js",
                "if (process.env.NODE_ENV === 'production') module.exports = 'prod';\n"
                "else module.exports = [process.browser, process.versions.node, global === "
                "globalThis, typeof process.nextTick].join();\n");
  // A module with a `process` of its own keeps it.
  WriteTempFile("proc/node_modules/own/package.json", R"({"name": "own"})");
  WriteTempFile("proc/node_modules/own/index.js",
                "const process = { env: { OWN: 'yes' } };\nmodule.exports = process.env.OWN;\n");
  // Without "exports", a "browser" string is the package's entry.
  WriteTempFile("proc/node_modules/umd/package.json",
                R"({"name": "umd", "main": "node.js", "browser": "dist/browser.js"})");
  WriteTempFile("proc/node_modules/umd/node.js", "module.exports = 'node build';\n");
  WriteTempFile("proc/node_modules/umd/dist/browser.js",
                "(function (root, factory) {\n"
                "  if (typeof module === 'object' && module.exports) module.exports = factory();\n"
                "  else root.umd = factory();\n"
                "})(this, function () { return 'browser build'; });\n");
  std::string main = WriteTempFile(
      "proc/main.mjs",
      "import picks from 'picks';\nimport own from 'own';\nimport umd from 'umd';\n"
      "const ticked = await new Promise((resolve) => {\n"
      "  import('picks').then(() => resolve('ok'));\n"
      "});\n"
      "globalThis.got = [picks, own, umd, typeof process, ticked].join('|');\n");
  RunOk(main);
  ExpectEval("got", "'true,,true,function|yes|browser build|undefined|ok'");
}

}  // namespace
}  // namespace kiln
