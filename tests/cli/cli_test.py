"""Runs the `kiln` binary as a process and checks exit codes, stdout and stderr."""
import os
import re
import stat
import subprocess
import tempfile
import textwrap
import unittest

KILN = os.path.join(os.environ.get("TEST_SRCDIR", ""), "kiln", "kiln")


def run(*args, input_text=None, cwd=None, timeout=60):
    return subprocess.run([KILN, *args], input=input_text, capture_output=True, text=True,
                          cwd=cwd, timeout=timeout, errors="replace")


class CliTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))

    def write(self, name, content, mode=None):
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(textwrap.dedent(content))
        if mode is not None:
            os.chmod(path, mode)
        return path

    def assertFails(self, result, *stderr_patterns):
        self.assertEqual(result.returncode, 1, result.stderr)
        for pattern in stderr_patterns:
            self.assertRegex(result.stderr, pattern)
        self.assertNotIn("Segmentation", result.stderr)
        self.assertNotIn("AddressSanitizer", result.stderr)

    # --- success paths ---

    def test_hello(self):
        path = self.write("hello.js", "console.log('hello', 1 + 1);\n")
        result = run("run", path)
        self.assertEqual((result.returncode, result.stdout, result.stderr), (0, "hello 2\n", ""))

    def test_run_is_optional(self):
        path = self.write("hello.js", "console.log('short');\n")
        self.assertEqual(run(path).stdout, "short\n")

    def test_args_reach_javascript(self):
        path = self.write("args.js", "console.log(JSON.stringify(kiln.args));\n")
        result = run("run", path, "a", "--b", "c d")
        self.assertEqual(result.stdout, '["a","--b","c d"]\n')
        self.assertEqual(result.returncode, 0)

    def test_version(self):
        result = run("--version")
        self.assertEqual(result.returncode, 0)
        self.assertRegex(result.stdout, r"^kiln \d+\.\d+\.\d+\nv8 10\.2\.\d+\.\d+")

    def test_help(self):
        result = run("--help")
        self.assertEqual(result.returncode, 0)
        self.assertIn("kiln run", result.stdout)
        self.assertIn("kiln eval", result.stdout)

    def test_eval(self):
        result = run("eval", "console.log(kiln.version.kiln.split('.').length)")
        self.assertEqual((result.returncode, result.stdout), (0, "3\n"))
        result = run("eval", "-p", "({ a: 1 })")
        self.assertEqual(result.stdout, "{ a: 1 }\n")

    def test_usage_errors(self):
        self.assertEqual(run().returncode, 2)
        result = run("run")
        self.assertEqual(result.returncode, 2)
        self.assertIn("missing file to run", result.stderr)
        result = run("run", "--bogus", "x.js")
        self.assertEqual(result.returncode, 2)
        self.assertIn("unknown option '--bogus'", result.stderr)

    def test_module_by_extension_and_flag(self):
        self.write("dep.mjs", "export const x = 5;\n")
        mjs = self.write("main.mjs", "import { x } from './dep.mjs';\nconsole.log(x, typeof require);\n")
        self.assertEqual(run("run", mjs).stdout, "5 undefined\n")
        # .js is classic: `import` is a syntax error ...
        js = self.write("main.js", "import { x } from './dep.mjs';\nconsole.log(x);\n")
        self.assertFails(run("run", js), r"SyntaxError: Cannot use import statement outside a module",
                         r"kiln: .*main\.js ran as a classic script \(\.js files are\); "
                         r"to run it as an ES module, name it \.mjs or use `kiln run --module`\n$")
        for name, source in [("export.js", "const y = 1;\nexport { y };\n"),
                             ("meta.js", "console.log(import.meta.url);\n"),
                             ("tla.js", "await Promise.resolve(1);\n")]:
            self.assertFails(run("run", self.write(name, source)), r"ran as a classic script")
        # A syntax error of another kind, in a module, or from eval at run time gets no such
        # note.
        evaluated = self.write("evaluated.js", "eval('import x from \\'./dep.mjs\\'');\n")
        self.assertFails(run("run", evaluated), r"Cannot use import statement outside a module")
        self.assertNotIn("classic script", run("run", evaluated).stderr)
        other = self.write("other.js", "let = ;\n")
        self.assertNotIn("classic script", run("run", other).stderr)
        bad_mjs = self.write("bad.mjs", "import { x } from './dep.mjs';\nexport let = ;\n")
        self.assertNotIn("classic script", run("run", bad_mjs).stderr)
        # ... unless --module forces module mode.
        self.assertEqual(run("run", "--module", js).stdout, "5\n")

    def test_commonjs_main(self):
        # A .cjs file runs as a CommonJS module: require(), module, __filename.
        self.write("lib/data.json", '{"n": 2}\n')
        self.write("lib/util.cjs", "exports.twice = (x) => 2 * x;\n")
        main = self.write("main.cjs",
                          "#!/usr/bin/env kiln\n"
                          "const { twice } = require('./lib/util.cjs');\n"
                          "const { n } = require('./lib/data.json');\n"
                          "console.log(twice(n), require.main === module, __filename.endsWith('main.cjs'),\n"
                          "            typeof module.exports, this === exports);\n")
        self.assertEqual(run("run", main).stdout, "4 true true object true\n")
        esm = self.write("esm.cjs", "import x from './lib/util.cjs';\n")
        self.assertFails(run("run", esm), r"Cannot use import statement outside a module",
                         r"kiln: .*esm\.cjs ran as a CommonJS module \(\.cjs files are\); "
                         r"to run it as an ES module")
        missing = self.write("missing.cjs", "require('./nowhere');\n")
        self.assertFails(run("run", missing),
                         r"Error: Cannot find module '\./nowhere' required from .*missing\.cjs")

    def test_output_is_complete_when_piped_before_an_error(self):
        path = self.write("many.js", """\
            for (let i = 0; i < 20000; i++) console.log('line ' + i);
            console.error('to stderr');
            throw new Error('stop');
        """)
        result = run("run", path)
        self.assertEqual(result.returncode, 1)
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 20000)
        self.assertEqual(lines[-1], "line 19999")
        self.assertTrue(result.stderr.startswith("to stderr\n"), result.stderr[:200])

    # --- bad input ---

    def test_missing_file(self):
        path = os.path.join(self.dir, "absent.js")
        self.assertFails(run("run", path), re.escape(f"Error: Cannot find module '{path}'"))

    def test_unreadable_directory(self):
        self.assertFails(run("run", self.dir), "Is a directory")

    @unittest.skipIf(os.geteuid() == 0, "root can read files without read permission")
    def test_unreadable_file(self):
        path = self.write("secret.js", "1", mode=0)
        self.assertFails(run("run", path), "Permission denied")

    def test_syntax_error(self):
        path = self.write("syntax.js", "let a = 1;\nlet b = ;\n")
        result = run("run", path)
        self.assertFails(result, re.escape(f"{path}:2:9\n") + r"let b = ;\n        \^\n",
                         r"SyntaxError: Unexpected token ';'")

    def test_uncaught_error_report(self):
        path = self.write("throws.js", """\
            function deep() {
              throw new TypeError('bad thing');
            }
            deep();
        """)
        result = run("run", path)
        self.assertFails(result)
        expected_head = f"{path}:2:3\n  throw new TypeError('bad thing');\n  ^\n\nTypeError: bad thing\n"
        self.assertTrue(result.stderr.startswith(expected_head), result.stderr)
        self.assertIn(f"    at deep ({path}:2:9)", result.stderr)
        self.assertIn(f"    at {path}:4:1", result.stderr)
        self.assertEqual(result.stdout, "")

    def test_exit_with_blocking_work_in_flight(self):
        # The run ends on an error while RSA keys are generated and gzip blocks compressed on
        # the blocking pool: the process exits cleanly (the tasks do not outlive the
        # libraries they use; a sanitizer build runs every exit handler).
        path = self.write("in_flight.mjs", """\
            for (let i = 0; i < 2; i++) {
              crypto.subtle.generateKey({ name: 'RSA-PSS', modulusLength: 4096,
                publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, false, ['sign']);
            }
            new Blob([new Uint8Array(4 << 20)]).stream()
                .pipeThrough(new CompressionStream('gzip')).pipeTo(new WritableStream());
            setTimeout(() => { throw new Error('bye'); }, 20);
        """)
        self.assertFails(run("run", path), r"Error: bye")

    def test_throw_primitives(self):
        for code, shown in [("throw 42", "Uncaught 42"), ("throw null", "Uncaught null"),
                            ("throw undefined", "Uncaught undefined"),
                            ("throw 'words'", "Uncaught words"),
                            ("throw {a: 1}", r"Uncaught \{ a: 1 \}")]:
            with self.subTest(code=code):
                path = self.write("prim.js", code + "\n")
                self.assertFails(run("run", path), re.escape(f"{path}:1:1\n"), shown)

    def test_ten_megabyte_message(self):
        path = self.write("huge.js", "throw new Error('m'.repeat(10 * 1024 * 1024));\n")
        result = run("run", path)
        self.assertFails(result, r"Error: m{1000}", r"more bytes\]")
        self.assertLess(len(result.stderr), 256 * 1024)

    def test_unbounded_recursion(self):
        path = self.write("recurse.js", "function f(n) { return f(n + 1) + 1; }\nf(0);\n")
        self.assertFails(run("run", path), r"RangeError: Maximum call stack size exceeded")

    def test_unhandled_rejection(self):
        path = self.write("reject.js", "Promise.reject(new Error('nobody'));\n")
        self.assertFails(run("run", path), r"Uncaught \(in promise\) Error: nobody")

    def test_top_level_await_never_settles(self):
        path = self.write("tla.mjs", "await new Promise(() => {});\n")
        self.assertFails(run("run", path), "top-level await never settled")

    def test_module_not_found(self):
        path = self.write("imp.mjs", "import './nope.mjs';\n")
        self.assertFails(run("run", path),
                         re.escape(f"Cannot find module './nope.mjs' imported from {path}"))

    def test_error_in_eval(self):
        result = run("eval", "undefinedFunction()")
        self.assertFails(result, r"\[eval\]:1:1", "ReferenceError: undefinedFunction is not defined")

    # --- V8 platform tasks under `kiln run` ---

    def test_wasm_async_compile_then_runs(self):
        path = self.write("wasm.js", """\
            // (module (func (export "add") (param i32 i32) (result i32) ...))
            const bytes = new Uint8Array([0,97,115,109,1,0,0,0,1,7,1,96,2,127,127,1,127,3,2,1,0,
              7,7,1,3,97,100,100,0,0,10,9,1,7,0,32,0,32,1,106,11]);
            WebAssembly.compile(bytes)
              .then((module) => WebAssembly.instantiate(module))
              .then((instance) => console.log('add', instance.exports.add(40, 2)));
        """)
        result = run("run", path)
        self.assertEqual((result.returncode, result.stdout, result.stderr), (0, "add 42\n", ""))

    def test_finalization_registry_after_gc(self):
        path = self.write("finalize.js", """\
            const registry = new FinalizationRegistry((held) => console.log('finalized', held));
            (function () { registry.register({}, 'token'); })();
            gc();
        """)
        result = run("run", "--v8-flags=--expose-gc", path)
        self.assertEqual((result.returncode, result.stdout, result.stderr),
                         (0, "finalized token\n", ""))

    def test_max_heap_size_stops_the_script_with_one_line(self):
        path = self.write("hungry.js", """\
            console.log('start');
            const kept = [];
            while (true) kept.push({ index: kept.length, payload: new Array(64).fill(0) });
        """)
        result = run("run", "--max-heap-size=32", path, timeout=120)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(result.stdout, "start\n")
        self.assertEqual(result.stderr, "HeapLimitError: JavaScript heap limit of 32 MiB exceeded\n")

    def test_max_heap_size_reached_by_array_buffers_and_in_a_timer(self):
        path = self.write("buffers.mjs", """\
            const kept = [];
            setTimeout(() => { while (true) kept.push(new Uint8Array(1 << 20)); }, 1);
        """)
        result = run("run", "--max-heap-size=16", path, timeout=120)
        self.assertEqual((result.returncode, result.stderr),
                         (1, "HeapLimitError: JavaScript heap limit of 16 MiB exceeded\n"))

    def test_max_heap_size_counts_what_ops_allocate(self):
        # TextEncoder's bytes are malloc'd by an op; TextDecoder's strings live outside the heap.
        for code in ["const e = new TextEncoder(); const s = 'a'.repeat(1 << 22); const kept = [];"
                     " while (true) kept.push(e.encode(s));",
                     "const d = new TextDecoder(); const b = new Uint8Array(1 << 22).fill(97);"
                     " const kept = []; while (true) kept.push(d.decode(b));"]:
            result = run("eval", "--max-heap-size=32", code, timeout=120)
            self.assertEqual((result.returncode, result.stdout, result.stderr),
                             (1, "", "HeapLimitError: JavaScript heap limit of 32 MiB exceeded\n"),
                             code)

    def test_max_heap_size_leaves_a_modest_script_alone(self):
        path = self.write("modest.js", """\
            const list = Array.from({ length: 10000 }, (_, i) => ({ i }));
            console.log(list.length);
        """)
        result = run("run", "--max-heap-size=64", path)
        self.assertEqual((result.returncode, result.stdout, result.stderr), (0, "10000\n", ""))

    def test_max_heap_size_needs_a_positive_number(self):
        for value in ["", "0", "-5", "12MB", "abc"]:
            result = run("run", f"--max-heap-size={value}", "x.js")
            self.assertEqual(result.returncode, 2, value)
            self.assertIn("--max-heap-size wants a size in MiB", result.stderr)

    def test_awaiting_two_webassembly_compiles_in_a_module(self):
        path = self.write("twice.mjs", """\
            const bytes = new Uint8Array([0,97,115,109,1,0,0,0,1,7,1,96,2,127,127,1,127,3,2,1,0,
                                          7,7,1,3,97,100,100,0,0,10,9,1,7,0,32,0,32,1,106,11]);
            const first = await WebAssembly.compile(bytes);
            console.log('first', first instanceof WebAssembly.Module);
            const second = await WebAssembly.compile(bytes);
            console.log('add', new WebAssembly.Instance(second).exports.add(1, 2));
        """)
        result = run("run", path)
        self.assertEqual((result.returncode, result.stdout, result.stderr),
                         (0, "first true\nadd 3\n", ""))


if __name__ == "__main__":
    unittest.main(verbosity=2)
