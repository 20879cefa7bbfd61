"""Golden tests of the op binding generator.

Every directory codegen/testdata/<case>/ holds an op header `input.h` and either
`expected/` (input_bindings.cc, input_table.h, input_structs.h, input.d.ts, input_glue.js:
what gen.py must write) or `expected_error.txt` (the exact `file:line: message` it must
print). The header is generated as `codegen/testdata/<case>/input.h`, the path kiln_ops()
would pass.

    bazel test //codegen:golden_test
    bazel run //codegen:golden_test -- --update   # rewrite the expectations
    python3 codegen/golden_test.py [--update]     # the same, from the repository root

Also checked: gen.py as a process (exit status, stderr, --out-dir), the outputs of the
kiln_ops() macro for the all_types case, that the bindings embed exactly the JS glue file,
that expected C++ is clang-format clean (Google style, 100 columns) when
/usr/bin/clang-format is installed, and, when `node` is on PATH, that every expected glue
file runs and keeps the glue contract with stand-ins for the native functions.
"""

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import gen  # noqa: E402

CLANG_FORMAT = "/usr/bin/clang-format"
NODE = shutil.which("node")
CLANG_FORMAT_STYLE = "{BasedOnStyle: Google, ColumnLimit: 100}"


def source_root() -> str:
    """The repository root holding codegen/testdata: the runfiles tree under `bazel test`,
    the workspace under `bazel run`, else the checkout this file is in."""
    if os.environ.get("BUILD_WORKSPACE_DIRECTORY"):
        return os.environ["BUILD_WORKSPACE_DIRECTORY"]
    if os.environ.get("TEST_SRCDIR"):
        return os.path.join(os.environ["TEST_SRCDIR"], "kiln")
    return os.path.dirname(HERE)


ROOT = source_root()
TESTDATA = os.path.join(ROOT, "codegen", "testdata")


def cases():
    return sorted(name for name in os.listdir(TESTDATA)
                  if os.path.isfile(os.path.join(TESTDATA, name, "input.h")))


def header_of(case: str) -> str:
    return f"codegen/testdata/{case}/input.h"


def read(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def run_generator(case: str):
    """(outputs by file name, None) or (None, error message)."""
    header = header_of(case)
    try:
        outputs = gen.generate(header, read(os.path.join(ROOT, header)))
    except gen.GenError as e:
        return None, str(e)
    names = gen.output_names(header)
    return {names[key]: text for key, text in outputs.items()}, None


def diff(expected: str, actual: str, name: str) -> str:
    return "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                        f"expected/{name}", f"generated/{name}"))


RESULTS = {}


class GoldenTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def tearDownClass(cls):
        passed = sum(1 for ok in RESULTS.values() if ok)
        errors = sum(1 for c in RESULTS if os.path.exists(
            os.path.join(TESTDATA, c, "expected_error.txt")))
        print(f"\ngolden: {len(RESULTS)} cases ({len(RESULTS) - errors} generate, {errors} "
              f"fail as expected): {passed} passed, {len(RESULTS) - passed} failed",
              file=sys.stderr)
        for case, ok in sorted(RESULTS.items()):
            print(f"  {'ok  ' if ok else 'FAIL'} {case}", file=sys.stderr)

    def check_case(self, case: str):
        RESULTS[case] = False
        directory = os.path.join(TESTDATA, case)
        error_file = os.path.join(directory, "expected_error.txt")
        outputs, error = run_generator(case)
        if os.path.exists(error_file):
            self.assertIsNone(outputs, f"{case}: expected an error, but generation succeeded")
            self.assertEqual(read(error_file).rstrip("\n"), error)
        else:
            self.assertIsNone(error, f"{case}: unexpected error")
            expected_dir = os.path.join(directory, "expected")
            self.assertEqual(sorted(os.listdir(expected_dir)), sorted(outputs))
            problems = []
            for name, text in sorted(outputs.items()):
                expected = read(os.path.join(expected_dir, name))
                if expected != text:
                    problems.append(diff(expected, text, name))
            if problems:
                self.fail(f"{case}: generated files differ (update with --update):\n" +
                          "\n".join(problems))
        RESULTS[case] = True


def _add_case(case: str):
    def test(self):
        self.check_case(case)
    test.__name__ = f"test_{case}"
    setattr(GoldenTest, test.__name__, test)


for _case in cases():
    _add_case(_case)


class ToolTest(unittest.TestCase):
    """gen.py as kiln_ops() runs it."""

    def run_gen(self, *args):
        return subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), *args],
                              capture_output=True, text=True, cwd=ROOT)

    def test_error_is_file_line_message_and_status_1(self):
        for case in cases():
            error_file = os.path.join(TESTDATA, case, "expected_error.txt")
            if not os.path.exists(error_file):
                continue
            out = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
            result = self.run_gen("--header", header_of(case), "--out-dir", out)
            self.assertEqual(1, result.returncode, case)
            self.assertEqual(read(error_file), result.stderr, case)
            self.assertEqual([], os.listdir(out), f"{case}: no output on error")
            shutil.rmtree(out)

    def test_out_dir_and_input(self):
        out = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        header = header_of("all_types")
        result = self.run_gen("--header", "ext/other/name_ops.h", "--input",
                              os.path.join(ROOT, header), "--out-dir", out)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual(["name_ops.d.ts", "name_ops_bindings.cc", "name_ops_glue.js",
                          "name_ops_structs.h", "name_ops_table.h"], sorted(os.listdir(out)))
        bindings = read(os.path.join(out, "name_ops_bindings.cc"))
        self.assertIn('#include "ext/other/name_ops.h"', bindings)
        self.assertIn('#include "ext/other/name_ops_table.h"', bindings)
        self.assertIn('#include "ext/other/name_ops_structs.h"', bindings)
        structs = read(os.path.join(out, "name_ops_structs.h"))
        self.assertIn('#include "ext/other/name_ops.h"', structs)
        self.assertIn("#ifndef EXT_OTHER_NAME_OPS_STRUCTS_H_", structs)
        self.assertIn("KILN_STRUCT_CONVERTER(::all_types::Point, x, y)", structs)
        self.assertIn("const kiln::OpTable name_ops = {", bindings)
        self.assertIn("kNameOpsOps", bindings)
        self.assertIn("extern const kiln::OpTable name_ops;",
                      read(os.path.join(out, "name_ops_table.h")))
        glue = read(os.path.join(out, "name_ops_glue.js"))
        self.assertTrue(glue.startswith("// generated by codegen/gen.py from ext/other/name_ops.h;"))
        self.assertIn('R"kiln_js(' + glue + ')kiln_js";', bindings)

    def test_out_flags(self):
        out = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        header = header_of("async_ops")
        names = ["b.cc", "t.h", "s.h", "d.d.ts", "g.js"]
        result = self.run_gen("--header", header, "--out-cc", os.path.join(out, names[0]),
                              "--out-h", os.path.join(out, names[1]),
                              "--out-structs", os.path.join(out, names[2]),
                              "--out-dts", os.path.join(out, names[3]),
                              "--out-js", os.path.join(out, names[4]))
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual(sorted(names), sorted(os.listdir(out)))
        expected = os.path.join(TESTDATA, "async_ops", "expected")
        self.assertEqual(read(os.path.join(expected, "input_glue.js")),
                         read(os.path.join(out, "g.js")))
        # Without --out-dir every output must be named.
        result = self.run_gen("--header", header, "--out-cc", "x.cc", "--out-h", "x.h",
                              "--out-structs", "s.h", "--out-dts", "x.d.ts")
        self.assertEqual(2, result.returncode)
        self.assertIn("--out-js", result.stderr)
        result = self.run_gen("--header", header, "--out-cc", "x.cc", "--out-h", "x.h",
                              "--out-dts", "x.d.ts", "--out-js", "x.js")
        self.assertEqual(2, result.returncode)
        self.assertIn("--out-structs", result.stderr)
        shutil.rmtree(out)

    def test_missing_input(self):
        result = self.run_gen("--header", "no/such/header.h", "--out-dir", "unused")
        self.assertEqual(1, result.returncode)
        self.assertTrue(result.stderr.startswith("no/such/header.h: cannot read"),
                        result.stderr)

    def test_kiln_ops_macro_outputs_match_goldens(self):
        """kiln_ops() passes the header's repository path: its outputs are the goldens."""
        if not os.environ.get("TEST_SRCDIR"):
            self.skipTest("needs the Bazel-built outputs (bazel test)")
        expected_dir = os.path.join(TESTDATA, "all_types", "expected")
        for name in sorted(os.listdir(expected_dir)):
            built = os.path.join(ROOT, "codegen", "testdata", "all_types", name)
            self.assertEqual(read(os.path.join(expected_dir, name)), read(built), name)


class EmbeddedGlueTest(unittest.TestCase):
    def test_bindings_embed_the_glue_file(self):
        checked = 0
        for case in cases():
            expected_dir = os.path.join(TESTDATA, case, "expected")
            if not os.path.isdir(expected_dir):
                continue
            bindings = read(os.path.join(expected_dir, "input_bindings.cc"))
            embedded = re.findall(r'constexpr char kInputJsGlue\[\] =\n    R"kiln_js\((.*?)\)kiln_js";',
                                  bindings, re.S)
            self.assertEqual([read(os.path.join(expected_dir, "input_glue.js"))], embedded, case)
            self.assertIn(", kInputJsGlue};", bindings, case)
            checked += 1
        self.assertGreater(checked, 0)


# Runs a glue file (argv[1] of `node -e`) as a classic script and checks the contract
# (README.md, "JS glue") with stand-ins for the native functions: every op is in a
# null-prototype object, plain ops are the native function itself, wrappers have the op's
# name and arity, call the bindings read once when the glue ran, and handle each signal
# value as documented. argv[2] is JSON: [{name, arity, wrapped, async, fallback}].
_GLUE_HARNESS = r"""
const fs = require("fs");
const assert = require("assert");
const source = fs.readFileSync(process.argv[1], "utf8");
const ops = JSON.parse(process.argv[2]);
const glue = (0, eval)(source);  // a classic script; its completion value
assert.strictEqual(typeof glue, "function");
assert.strictEqual(glue.length, 4);

const signal = new Int32Array(1);
const calls = [];
const plan = {};   // op name -> {native(args), slow(args)}
const reads = {native: {}, slowOnly: {}};
const native = {};
const slowOnly = {};
const functions = {native: {}, slowOnly: {}};
for (const op of ops) {
  for (const kind of ["native", "slowOnly"]) {
    const f = function (...args) {
      calls.push([kind, op.name, args]);
      return plan[op.name][kind](args);
    };
    functions[kind][op.name] = f;
    reads[kind][op.name] = 0;
    // slowOnly holds only the ops that get a slow-only copy.
    if (kind === "native" || op.fallback) {
      Object.defineProperty(kind === "native" ? native : slowOnly, op.name, {
        get() { reads[kind][op.name]++; return f; },
      });
    }
  }
}
const async = {
  nextId: 41,
  resolve: (value) => ["resolved", value],
  reject: (error) => ["rejected", error],
  track: (id) => ["tracked", id],
};
const exported = glue(native, slowOnly, signal, async);
assert.strictEqual(Object.getPrototypeOf(exported), null);
assert.deepStrictEqual(Object.keys(exported), ops.map((op) => op.name));

function run(op, nativePlan, slowPlan) {
  plan[op.name] = {native: nativePlan, slowOnly: slowPlan || (() => assert.fail("slowOnly"))};
  calls.length = 0;
  signal[0] = 0;
  const args = Array.from({length: op.arity}, (_, i) => `arg${i}`);
  return [exported[op.name](...args), calls.slice(), args];
}
const setting = (value, result) => () => { signal[0] = value; return result; };
const throwing = (error) => () => { throw error; };

for (const op of ops) {
  const f = exported[op.name];
  if (!op.wrapped) {
    assert.strictEqual(f, functions.native[op.name], op.name);
    continue;
  }
  assert.notStrictEqual(f, functions.native[op.name], op.name);
  assert.strictEqual(f.name, op.name);
  assert.strictEqual(f.length, op.arity, op.name);
  if (!op.async) {
    let [result, called, args] = run(op, setting(0, "fast"));
    assert.strictEqual(result, "fast");
    assert.deepStrictEqual(called, [["native", op.name, args]]);
    [result, called, args] = run(op, setting(1, undefined), setting(0, "slow"));
    assert.strictEqual(result, "slow");
    assert.deepStrictEqual(called, [["native", op.name, args], ["slowOnly", op.name, args]]);
    const error = new TypeError("x");
    assert.throws(() => run(op, setting(1, undefined), throwing(error)), (e) => e === error);
    continue;
  }
  const id = async.nextId;
  let [result, called, args] = run(op, setting(0, "ready"));
  assert.deepStrictEqual(result, ["resolved", "ready"]);
  assert.deepStrictEqual(called, [["native", op.name, [id, ...args]]]);
  const error = new RangeError("y");
  [result] = run(op, throwing(error));
  assert.deepStrictEqual(result, ["rejected", error]);
  [result] = run(op, setting(2, undefined));
  assert.deepStrictEqual(result, ["tracked", id]);
  assert.strictEqual(signal[0], 0);
  if (!op.fallback) continue;
  [result, called, args] = run(op, setting(1, undefined), setting(0, "slow"));
  assert.deepStrictEqual(result, ["resolved", "slow"]);
  assert.deepStrictEqual(called, [["native", op.name, [id, ...args]],
                                  ["slowOnly", op.name, [id, ...args]]]);
  [result] = run(op, setting(1, undefined), throwing(error));
  assert.deepStrictEqual(result, ["rejected", error]);
  [result] = run(op, setting(1, undefined), setting(2, undefined));
  assert.deepStrictEqual(result, ["tracked", id]);
  assert.strictEqual(signal[0], 0);
}
// Each binding was read once, when the glue ran; slow-only copies only where documented.
for (const op of ops) {
  assert.strictEqual(reads.native[op.name], 1, op.name);
  assert.strictEqual(reads.slowOnly[op.name], op.fallback ? 1 : 0, op.name);
}
console.log(`ok ${ops.length} ops`);
"""


def glue_ops(case: str):
    """What the glue of a case must do per op, from the model."""
    header = header_of(case)
    header_model = gen.model.build(gen.parser.parse(read(os.path.join(ROOT, header))))
    return [{"name": op.name, "arity": op.arity,
             "wrapped": op.is_async or (op.fast and op.fast_may_fail),
             "async": op.is_async, "fallback": op.fast and (op.is_async or op.fast_may_fail)}
            for op in header_model.ops]


class GlueNodeTest(unittest.TestCase):
    def test_expected_glue_runs_and_keeps_the_contract(self):
        if not NODE:
            self.skipTest("node is not on PATH")
        checked = 0
        for case in cases():
            path = os.path.join(TESTDATA, case, "expected", "input_glue.js")
            if not os.path.exists(path):
                continue
            result = subprocess.run([NODE, "-e", _GLUE_HARNESS, path,
                                     json.dumps(glue_ops(case))],
                                    capture_output=True, text=True)
            self.assertEqual(0, result.returncode, f"{case}:\n{result.stderr}")
            checked += 1
        self.assertGreater(checked, 0)


class FormatTest(unittest.TestCase):
    def test_expected_cpp_is_clang_format_clean(self):
        if not os.access(CLANG_FORMAT, os.X_OK):
            self.skipTest(f"{CLANG_FORMAT} is not installed")
        checked = 0
        for case in cases():
            expected_dir = os.path.join(TESTDATA, case, "expected")
            if not os.path.isdir(expected_dir):
                continue
            for name in sorted(os.listdir(expected_dir)):
                if not name.endswith((".cc", ".h")):
                    continue
                text = read(os.path.join(expected_dir, name))
                formatted = subprocess.run(
                    [CLANG_FORMAT, f"--style={CLANG_FORMAT_STYLE}",
                     f"--assume-filename={case}/{name}"],
                    input=text, capture_output=True, text=True, check=True).stdout
                self.assertEqual("", diff(text, formatted, f"{case}/{name}"))
                checked += 1
        self.assertGreater(checked, 0)


def update() -> int:
    """Rewrites every case's expectations from the current generator."""
    for case in cases():
        directory = os.path.join(TESTDATA, case)
        expected_dir = os.path.join(directory, "expected")
        error_file = os.path.join(directory, "expected_error.txt")
        outputs, error = run_generator(case)
        if outputs is None:
            shutil.rmtree(expected_dir, ignore_errors=True)
            with open(error_file, "w", encoding="utf-8") as f:
                f.write(error + "\n")
            print(f"{case}: error: {error}")
        else:
            if os.path.exists(error_file):
                os.remove(error_file)
            shutil.rmtree(expected_dir, ignore_errors=True)
            os.makedirs(expected_dir)
            for name, text in outputs.items():
                with open(os.path.join(expected_dir, name), "w", encoding="utf-8") as f:
                    f.write(text)
            print(f"{case}: {', '.join(sorted(outputs))}")
    return 0


if __name__ == "__main__":
    if "--update" in sys.argv[1:]:
        sys.exit(update())
    unittest.main(verbosity=2)
