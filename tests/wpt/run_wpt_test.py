"""Tests of run_wpt.py itself: a small WPT tree of fixture files (with the real
testharness.js) run with the kiln binary, checked against hand-written expectations."""
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
RUNFILES = os.path.join(os.environ.get("TEST_SRCDIR", ""), "kiln")
DRIVER = os.path.join(HERE, "run_wpt.py")
KILN = os.path.join(RUNFILES, "kiln")
TESTHARNESS = os.path.join(RUNFILES, "third_party/node_deps/wpt/resources/testharness.js")

FIXTURES = {
    "fixture/basic.any.js": """\
        // META: title=Fixture basics
        // META: script=resources/helper.js
        // META: script=/common/root-helper.js
        test(() => assert_equals(helperValue() + rootHelperValue(), 42), "META scripts load");
        test(() => assert_true(false, "always false"), "fails on purpose");
        promise_test(() => fetch("resources/data.json").then((response) => {
          assert_true(response.ok);
          return response.json();
        }).then((data) => assert_equals(data.answer, 42)), "the loader serves data files");
        promise_test(() => fetch("../fixture/./resources/words.txt").then((r) => r.arrayBuffer())
            .then((buffer) => assert_array_equals(new Uint8Array(buffer),
                                                  [0x68, 0xc3, 0xa9, 0x0a])),
            "relative paths resolve and arrayBuffer() holds UTF-8");
        promise_test(() => fetch("/fixture/resources/absent.json").then((response) => {
          assert_false(response.ok);
          assert_equals(response.status, 404);
        }), "a file not embedded is a 404");
        test(() => assert_not_equals(globalThis.fetch, fetch), "the loader is no global");
        test(() => {
          assert_equals(location.href,
                        "http://web-platform.test:8000/fixture/basic.any.js");
          assert_equals(location.pathname, "/fixture/basic.any.js");
          assert_equals(self, globalThis);
          assert_true(GLOBAL.isWorker());
        }, "location, self and GLOBAL");
        test(() => {}, undefined);
        """,
    "fixture/resources/helper.js": "function helperValue() { return 40; }\n",
    "common/root-helper.js": "function rootHelperValue() { return 2; }\n",
    "fixture/resources/data.json": '{"answer": 42}\n',
    "fixture/resources/words.txt": "h\u00e9\n",
    "fixture/variants.any.js": """\
        // META: variant=?first
        // META: variant=?second
        test(() => assert_equals(location.search, "?first"), "search is ?first");
        """,
    "fixture/window-only.any.js": """\
        // META: global=window
        test(() => {}, "never runs");
        """,
    "fixture/throws.any.js": """\
        test(() => {}, "before the throw");
        throw new Error("thrown while loading");
        """,
    "fixture/late-error.any.js": """\
        test(() => {}, "passes before a late error");
        setTimeout(() => { throw new Error("thrown after completion"); }, 50);
        """,
    "fixture/strict.any.js": """\
        'use strict';
        test(() => assert_equals((function () { return this; })(), undefined),
             "a 'use strict' test file stays strict");
        """,
    "fixture/hangs.any.js": """\
        async_test(() => {}, "never finishes");
        test(() => {}, "finishes");
        """,
}

# What kiln does with the fixtures: every failure with its reason.
EXPECTED = {
    "fixture/basic.any.js": {"fails on purpose": "the fixture fails on purpose"},
    "fixture/variants.any.js?second": {"search is ?first": "location.search is ?second"},
    "fixture/throws.any.js": {"[harness]": "throws while loading on purpose"},
    "fixture/hangs.any.js": {"[harness]": "a test that never finishes on purpose",
                             "never finishes": "never finishes on purpose"},
}


class RunWptTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        cls.wpt = os.path.join(cls.root, "wpt")
        files = dict(FIXTURES)
        with open(TESTHARNESS, encoding="utf-8") as f:
            files["resources/testharness.js"] = f.read()
        for path, text in files.items():
            full = os.path.join(cls.wpt, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", encoding="utf-8") as f:
                f.write(textwrap.dedent(text) if path.endswith(".any.js") else text)
        cls.areas = os.path.join(cls.root, "areas.bzl")
        with open(cls.areas, "w", encoding="utf-8") as f:
            f.write('WPT_AREAS = {"fixture": {"paths": ["fixture"], "size": "small"}}\n')

    def run_driver(self, expectations, *args):
        path = os.path.join(self.root, "expectations.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(expectations, f)
        # A short harness timeout: fixture/hangs.any.js times out after 1 s.
        result = subprocess.run(
            [sys.executable, DRIVER, "--kiln", KILN, "--wpt-root", self.wpt,
             "--areas-file", self.areas, "--expectations", path,
             "--timeout-multiplier", "0.1", *args],
            capture_output=True, text=True, timeout=120)
        with open(path, encoding="utf-8") as f:
            return result, json.load(f)

    def test_results_as_expected(self):
        result, _ = self.run_driver(EXPECTED)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("all results as expected", result.stdout)
        self.assertIn("SKIP fixture/window-only.any.js: META global=window", result.stdout)
        self.assertRegex(result.stdout, r"fixture\s+7\s+1\s+15\s+12\s+3\s+2")
        # As in a browser, an error after the harness completed changes no result.
        self.assertIn("note: uncaught after completion: fixture/late-error.any.js:2:",
                      result.stdout)

    def test_new_failures(self):
        result, _ = self.run_driver({})
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("NEW FAILURE      fixture/basic.any.js: 'fails on purpose': FAIL: "
                      "assert_true: always false expected true got false", result.stdout)
        self.assertIn("NEW FAILURE      fixture/variants.any.js?second: 'search is ?first'",
                      result.stdout)
        self.assertIn("NEW FAILURE      fixture/throws.any.js: harness ERROR: uncaught while loading: "
                      "fixture/throws.any.js:2:", result.stdout)
        self.assertIn("Error: thrown while loading", result.stdout)
        self.assertIn("NEW FAILURE      fixture/hangs.any.js: harness TIMEOUT", result.stdout)
        self.assertIn("NEW FAILURE      fixture/hangs.any.js: 'never finishes': TIMEOUT",
                      result.stdout)

    def test_unexpected_passes_and_stale_entries(self):
        expectations = json.loads(json.dumps(EXPECTED))
        expectations["fixture/basic.any.js"]["META scripts load"] = "a wrong expectation"
        expectations["fixture/basic.any.js"]["no such subtest"] = "a stale expectation"
        expectations["fixture/strict.any.js"] = "fail: a wrong whole-file expectation"
        result, _ = self.run_driver(expectations)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("UNEXPECTED PASS  fixture/basic.any.js: 'META scripts load' passes",
                      result.stdout)
        self.assertIn("STALE            fixture/basic.any.js: 'no such subtest' did not run",
                      result.stdout)
        self.assertIn("UNEXPECTED PASS  fixture/strict.any.js: \"a 'use strict' test file "
                      "stays strict\" passes", result.stdout)

    def test_skip_entries(self):
        expectations = dict(EXPECTED, **{"fixture/hangs.any.js": "skip: hangs"})
        result, _ = self.run_driver(expectations)
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertIn("SKIP fixture/hangs.any.js: hangs", result.stdout)

    def test_update_keeps_reasons_and_placeholders_are_refused(self):
        old = {
            "fixture/basic.any.js": {"fails on purpose": "kept reason",
                                     "META scripts load": "passes now"},
            "fixture/gone.any.js": {"x": "the file no longer exists"},
        }
        result, written = self.run_driver(old, "--update")
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertEqual(written["fixture/basic.any.js"], {"fails on purpose": "kept reason"})
        self.assertNotIn("fixture/gone.any.js", written)
        self.assertEqual(written["fixture/variants.any.js?second"], "fail: TODO")
        self.assertEqual(written["fixture/hangs.any.js"],
                         {"[harness]": "TODO", "never finishes": "TODO"})
        result, _ = self.run_driver(written)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("fixture/hangs.any.js: 'never finishes' needs a real reason, not 'TODO'",
                      result.stdout)
        self.assertIn("fixture/variants.any.js?second: a file entry must read", result.stdout)

    def test_check_expectations(self):
        result, _ = self.run_driver(dict(EXPECTED, **{"fixture/nope.any.js": "skip: x"}),
                                    "--check-expectations")
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("fixture/nope.any.js: no such test file", result.stdout)


if __name__ == "__main__":
    unittest.main()
