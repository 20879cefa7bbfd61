#!/usr/bin/python3
"""Runs web-platform-tests' `.any.js` files with kiln (or Node) and checks the results
against tests/wpt/expectations.json. See tests/wpt/README.md."""
import argparse
import ast
import concurrent.futures
import json
import mmap
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ORIGIN = "http://web-platform.test:8000"
PLACEHOLDER_REASON = "TODO"
HARNESS_KEY = "[harness]"
SKIP_PREFIX = "skip: "
FAIL_PREFIX = "fail: "
# The harness timeouts (WPT's): the reporter times the harness out after these.
NORMAL_TIMEOUT_S = 10
LONG_TIMEOUT_S = 60
# A process still running this long after its harness timeout is stopped.
KILL_MARGIN_S = 10
# After the harness reported completion, how long the process may take to exit (a test
# may leave a timer running) before it is stopped; its results stand.
EXIT_GRACE_S = 2
# The WPT server serves the WebIDL parser under this name (resources/webidl2 holds it).
SCRIPT_ALIASES = {"/resources/WebIDLParser.js": "/resources/webidl2/lib/webidl2.js"}
# Globals a `// META: global=` list names that kiln's global stands for.
WORKER_LIKE_GLOBALS = {"dedicatedworker", "sharedworker", "serviceworker", "shadowrealm",
                       "jsshell"}
MAX_EMBEDDED_FILE = 8 * 1024 * 1024
MAX_LISTED_MISMATCHES = 400


# --- locating things --------------------------------------------------------------------

def runfiles_root():
    for variable in ("TEST_SRCDIR", "RUNFILES_DIR"):
        if os.environ.get(variable):
            root = os.path.join(os.environ[variable], "kiln")
            if os.path.isdir(root):
                return root
    return None


def source_root():
    """The repository this script belongs to (runfiles hold symlinks into it)."""
    if os.environ.get("BUILD_WORKSPACE_DIRECTORY"):
        return os.environ["BUILD_WORKSPACE_DIRECTORY"]
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))


def default_path(relative):
    root = runfiles_root()
    if root and os.path.exists(os.path.join(root, relative)):
        return os.path.join(root, relative)
    return os.path.join(source_root(), relative)


def load_areas(path):
    """WPT_AREAS of areas.bzl, which is a Python literal as well as Starlark."""
    with open(path, encoding="utf-8") as f:
        module = ast.parse(f.read(), path)
    for node in module.body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets] == ["WPT_AREAS"]:
            return ast.literal_eval(node.value)
    raise SystemExit(f"{path}: no WPT_AREAS assignment")


def is_asan_binary(path):
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return data.find(b"__asan_init") >= 0


# --- test files and their META ----------------------------------------------------------

class TestFile:
    """One `.any.js` file: its META lines and the runs (one per variant) it makes."""

    def __init__(self, wpt_root, path, area):
        self.path = path                   # relative to the WPT root: 'url/url-origin.any.js'
        self.area = area
        with open(os.path.join(wpt_root, path), encoding="utf-8") as f:
            self.source = f.read()
        self.meta = parse_meta(self.source)
        self.variants = [value for key, value in self.meta if key == "variant"] or [""]
        self.long = ("timeout", "long") in self.meta
        titles = [value for key, value in self.meta if key == "title"]
        self.title = titles[0] if titles else None
        self.scripts = [value for key, value in self.meta if key == "script"]
        globals_ = [value for key, value in self.meta if key == "global"]
        self.globals = expand_globals(globals_[0] if globals_ else "default")

    def test_ids(self):
        return [self.path + variant for variant in self.variants]


def parse_meta(source):
    """The `// META: key=value` lines at the top of a test file, in order."""
    meta = []
    for line in source.splitlines():
        match = re.match(r"//\s*META:\s*(\w+)=(.*)$", line.strip())
        if not match:
            if line.strip() == "" or line.startswith("//"):
                continue
            break
        meta.append((match.group(1), match.group(2).strip()))
    return meta


def expand_globals(value):
    """WPT's `global=` list as the set of scopes the file runs in (tools/manifest rules:
    'default' is window and dedicatedworker, 'worker' every worker kind, '!x' removes x)."""
    aliases = {
        "default": {"window", "dedicatedworker"},
        "worker": {"dedicatedworker", "sharedworker", "serviceworker"},
    }
    scopes = set()
    for name in [part.strip() for part in value.split(",") if part.strip()]:
        negate = name.startswith("!")
        name = name.lstrip("!")
        names = aliases.get(name, {name})
        scopes = scopes - names if negate else scopes | names
    return scopes


def discover(wpt_root, areas, selected_areas, filters):
    files = []
    for area in selected_areas:
        paths = []
        for entry in areas[area]["paths"]:
            full = os.path.join(wpt_root, entry)
            if os.path.isfile(full):
                paths.append(entry)
                continue
            if not os.path.isdir(full):
                raise SystemExit(f"area {area}: {entry} does not exist under {wpt_root}")
            for directory, subdirectories, names in os.walk(full):
                subdirectories[:] = sorted(d for d in subdirectories if d != "resources")
                for name in sorted(names):
                    if name.endswith(".any.js"):
                        paths.append(os.path.relpath(os.path.join(directory, name), wpt_root))
        for path in sorted(set(paths)):
            if filters and not any(f in path for f in filters):
                continue
            files.append(TestFile(wpt_root, path, area))
    return files


def in_selection(path, areas, selected_areas, filters):
    """Whether a test file path (existing or not) lies in the areas and filters run."""
    if filters and not any(f in path for f in filters):
        return False
    return any(path == entry or path.startswith(entry.rstrip("/") + "/")
               for area in selected_areas for entry in areas[area]["paths"])


# --- bundles ----------------------------------------------------------------------------

class Bundle:
    """One classic script: prelude, testharness.js, reporter, META scripts, the test."""

    def __init__(self):
        self.parts = []          # (label, text)

    def add(self, label, text):
        self.parts.append((label, text if text.endswith("\n") else text + "\n"))

    def text(self):
        out, self.line_map, line = [], [], 1
        for label, text in self.parts:
            header = f";// ---- {label}\n"
            out.append(header)
            line += 1
            self.line_map.append((line, label))
            out.append(text)
            line += text.count("\n")
        return "".join(out)

    def locate(self, bundle_line):
        """(label, line within the part) for a line of the bundle."""
        found = None
        for start, label in self.line_map:
            if start <= bundle_line:
                found = (label, bundle_line - start + 1)
        return found


def resolve(test_path, reference):
    """A META script or fetch reference, as a path relative to the WPT root."""
    reference = re.sub(r"[?#].*$", "", reference)
    if reference.startswith(ORIGIN + "/"):
        reference = reference[len(ORIGIN):]
    if reference.startswith("/"):
        joined = reference.lstrip("/")
    else:
        joined = os.path.join(os.path.dirname(test_path), reference)
    return os.path.normpath(joined).replace(os.sep, "/")


def is_strict(source):
    """True if the source's directive prologue has 'use strict' (after comments)."""
    stripped = re.sub(r"^(\s+|//[^\n]*\n|/\*.*?\*/)*", "", source, flags=re.S)
    return re.match(r"""(['"])use strict\1""", stripped) is not None


STRING_LITERAL = re.compile(r"""(["'`])([^"'`\s\\$]+?\.[A-Za-z0-9]+)\1""")
IDL_TEST_CALL = re.compile(r"idl_test\(\s*\[([^\]]*)\]\s*,\s*\[([^\]]*)\]")


def data_files(wpt_root, test_path, sources):
    """Files the loader serves to this test: every string literal in the test and its
    META scripts naming an existing non-script file (resolved against the test's URL, as
    fetch() does), and the /interfaces/<spec>.idl files of idl_test() calls."""
    wanted = set()
    for source in sources:
        for match in STRING_LITERAL.finditer(source):
            reference = match.group(2)
            if reference.endswith(".js") or "://" in reference and not reference.startswith(ORIGIN):
                continue
            wanted.add(resolve(test_path, reference))
        for match in IDL_TEST_CALL.finditer(source):
            for spec in re.findall(r"""['"]([^'"]+)['"]""", match.group(1) + match.group(2)):
                wanted.add(f"interfaces/{spec}.idl")
    files = {}
    for path in sorted(wanted):
        full = os.path.join(wpt_root, path)
        if path.startswith("..") or not os.path.isfile(full):
            continue
        if os.path.getsize(full) > MAX_EMBEDDED_FILE:
            continue
        try:
            with open(full, encoding="utf-8") as f:
                files["/" + path] = f.read()
        except UnicodeDecodeError:
            continue           # the loader serves text files only
    return files


def build_bundle(wpt_root, test, variant, prelude, reporter, harness_timeout_s):
    """The bundle for one run of a test file, or raises ValueError naming what is missing."""
    bundle = Bundle()
    config = {
        "testPath": "/" + test.path,
        "search": variant,
        "title": test.title,
        "origin": ORIGIN,
        "files": {},
    }
    scripts = []
    for reference in test.scripts:
        path = resolve(test.path, SCRIPT_ALIASES.get(reference, reference))
        full = os.path.join(wpt_root, path)
        if not os.path.isfile(full):
            raise ValueError(f"META script {reference} ({path}) does not exist")
        with open(full, encoding="utf-8") as f:
            scripts.append((path, f.read()))
    config["files"] = data_files(wpt_root, test.path,
                                 [test.source] + [text for _, text in scripts])
    bundle.add("prelude.js (tests/wpt)",
               "const fetch = " + prelude.strip() + "(" + json.dumps(config) + ");")
    with open(os.path.join(wpt_root, "resources/testharness.js"), encoding="utf-8") as f:
        bundle.add("resources/testharness.js", f.read())
    bundle.add("reporter.js (tests/wpt)", "const wptScriptLoaded = " + reporter.strip() +
               f"({int(harness_timeout_s * 1000)});")
    for path, text in scripts:
        bundle.add(path, text)
    if is_strict(test.source):
        # A 'use strict' prologue only counts at the start of a script: keep the test
        # strict by making it a function's body (its declarations stay its own).
        bundle.add(test.path, "(function () {\n" + test.source + "\n}).call(self);")
    else:
        bundle.add(test.path, test.source)
    bundle.add("end of the bundle (tests/wpt)", "wptScriptLoaded();")
    return bundle


# --- running ----------------------------------------------------------------------------

class RunResult:
    def __init__(self, test_id, area):
        self.test_id = test_id
        self.area = area
        self.subtests = {}          # name -> (status, message)
        self.harness_status = None  # OK ERROR TIMEOUT PRECONDITION_FAILED CRASH INCOMPLETE
        self.harness_message = None
        self.skipped = None         # reason, when not run
        self.note = None            # what the log should tell besides the results
        self.seconds = 0.0

    def add_subtest(self, name, status, message):
        if name in self.subtests and self.subtests[name][0] != "PASS":
            return                  # a repeated name fails if any instance fails
        self.subtests[name] = (status, message)

    @property
    def passed(self):
        return sum(1 for status, _ in self.subtests.values() if status == "PASS")


def run_bundle(command, result, bundle, timeout, tmpdir):
    start = time.monotonic()
    with tempfile.TemporaryFile(dir=tmpdir) as stderr_file:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr_file,
                                   stdin=subprocess.DEVNULL)
        state = {"timed_out": False, "done_at": None, "stopped_after_done": False}

        def watchdog():
            while process.poll() is None:
                now = time.monotonic()
                if now - start > timeout:
                    state["timed_out"] = True
                    process.kill()
                    return
                if state["done_at"] is not None and now - state["done_at"] > EXIT_GRACE_S:
                    state["stopped_after_done"] = True
                    process.kill()
                    return
                time.sleep(0.05)

        watcher = threading.Thread(target=watchdog, daemon=True)
        watcher.start()
        done = None
        for raw in process.stdout:
            line = raw.decode("utf-8", errors="replace")
            if not line.startswith("@wpt "):
                continue
            try:
                record = json.loads(line[5:])
            except json.JSONDecodeError:
                continue
            if record.get("done"):
                done = record
                state["done_at"] = time.monotonic()
            else:
                result.add_subtest(record["name"], record["status"], record["message"])
        exit_code = process.wait()
        watcher.join()
        stderr_file.seek(0)
        stderr = stderr_file.read().decode("utf-8", errors="replace")
    result.seconds = time.monotonic() - start
    if done is not None and not done["loaded"]:
        # An uncaught exception while the bundle ran: a browser's harness reports ERROR.
        result.harness_status = "ERROR"
        result.harness_message = "uncaught while loading: " + describe_stderr(stderr, bundle)
    elif done is not None and exit_code in (0, 1) or state["stopped_after_done"]:
        # An uncaught exception after the harness completed (exit status 1) changes no
        # result, as in a browser; the log notes it.
        result.harness_status, result.harness_message = done["status"], done["message"]
        if exit_code == 1:
            result.note = "uncaught after completion: " + describe_stderr(stderr, bundle)
    elif exit_code == 1:
        # kiln and node exit with 1 after reporting an uncaught exception or an unhandled
        # rejection: a browser's harness reports ERROR.
        result.harness_status = "ERROR"
        result.harness_message = "uncaught: " + describe_stderr(stderr, bundle)
    elif state["timed_out"]:
        result.harness_status = "TIMEOUT"
        result.harness_message = f"stopped after {timeout:g} s: the harness did not complete"
    elif exit_code == 0:
        result.harness_status = "INCOMPLETE"
        result.harness_message = ("the event loop emptied while tests were still pending "
                                  "(a promise or callback that never came)")
    else:
        result.harness_status = "CRASH"
        result.harness_message = f"exit status {exit_code}: " + describe_stderr(stderr, bundle)
    if "AddressSanitizer" in stderr or "LeakSanitizer" in stderr:
        result.harness_status = "CRASH"
        result.harness_message = "sanitizer report: " + describe_stderr(stderr, bundle)


def describe_stderr(stderr, bundle):
    """The first lines of the runtime's error report, bundle positions mapped to files."""
    def mapped(match):
        place = bundle.locate(int(match.group(1)))
        return f"{place[0]}:{place[1]}" if place else match.group(0)
    lines = [line for line in stderr.splitlines() if line.strip()][:6]
    text = " | ".join(line.strip() for line in lines) or "(no output on stderr)"
    return re.sub(r"[\w./-]*wpt_bundle_\d+\.js:(\d+)", mapped, text)[:600]


# --- expectations -----------------------------------------------------------------------
#
# expectations.json maps a test id (the file's path under the WPT root plus its variant)
# to one of:
#   {"<subtest name>": "<why it fails>", "[harness]": "<why the file does not complete>"}
#   "fail: <why>"   no subtest passes (the whole file fails, e.g. its API is missing)
#   "skip: <why>"   the file is not run

def load_expectations(path):
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def bad_reason(reason):
    return not isinstance(reason, str) or not reason.strip() or \
        reason.strip().upper().startswith(PLACEHOLDER_REASON)


def whole_file_reason(entry, prefix):
    if isinstance(entry, str) and entry.startswith(prefix):
        return entry[len(prefix):]
    return None


def check_expectations_format(expectations, test_ids):
    """Problems with entries: unknown test ids, missing or placeholder reasons."""
    problems = []
    for test_id, entry in sorted(expectations.items()):
        if test_ids is not None and test_id not in test_ids:
            problems.append(f"{test_id}: no such test file or variant in the areas run")
        if isinstance(entry, str):
            reason = whole_file_reason(entry, SKIP_PREFIX)
            if reason is None:
                reason = whole_file_reason(entry, FAIL_PREFIX)
            if reason is None or bad_reason(reason):
                problems.append(f"{test_id}: a file entry must read 'skip: <reason>' or "
                                f"'fail: <reason>', not {entry!r}")
        elif isinstance(entry, dict) and entry:
            for name, reason in entry.items():
                if bad_reason(reason):
                    problems.append(f"{test_id}: {name!r} needs a real reason, not {reason!r}")
        else:
            problems.append(f"{test_id}: expected 'skip: <reason>', 'fail: <reason>' or a "
                            f"non-empty object")
    return problems


def one_line(message, limit=240):
    text = " ".join(str(message).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def expected_failures(result, entry):
    """How many of the run's failing subtests the entry expects."""
    failing = [name for name, (status, _) in result.subtests.items() if status != "PASS"]
    if whole_file_reason(entry, FAIL_PREFIX) is not None:
        return len(failing)
    entry = entry if isinstance(entry, dict) else {}
    return sum(1 for name in failing if name in entry)


def compare(result, entry):
    """Mismatches of one run with its expectations entry, as printable lines."""
    lines = []
    harness_ok = result.harness_status == "OK"
    harness = f"harness {result.harness_status}: {one_line(result.harness_message or '', 600)}"
    file_reason = whole_file_reason(entry, FAIL_PREFIX)
    if file_reason is not None:
        passing = sorted(name for name, (status, _) in result.subtests.items()
                         if status == "PASS")
        for name in passing:
            lines.append(f"UNEXPECTED PASS  {result.test_id}: {name!r} passes (the file is "
                         f"expected to fail entirely: {file_reason}); run --update to list "
                         f"its failures one by one")
        if harness_ok and len(result.subtests) == len(passing):
            lines.append(f"UNEXPECTED PASS  {result.test_id}: nothing fails (expected: "
                         f"{file_reason}); remove its entry")
        return lines
    expected = entry if isinstance(entry, dict) else {}
    if not harness_ok and HARNESS_KEY not in expected:
        lines.append(f"NEW FAILURE      {result.test_id}: {harness}")
    if harness_ok and HARNESS_KEY in expected:
        lines.append(f"UNEXPECTED PASS  {result.test_id}: the harness completed "
                     f"(expected: {expected[HARNESS_KEY]}); remove {HARNESS_KEY!r}")
    for name, (status, message) in sorted(result.subtests.items()):
        if status != "PASS" and name not in expected:
            lines.append(f"NEW FAILURE      {result.test_id}: {name!r}: {status}: "
                         f"{one_line(message)}")
        elif status == "PASS" and name in expected:
            lines.append(f"UNEXPECTED PASS  {result.test_id}: {name!r} passes "
                         f"(expected to fail: {expected[name]}); remove its entry")
    if harness_ok:
        for name in sorted(set(expected) - set(result.subtests) - {HARNESS_KEY}):
            lines.append(f"STALE            {result.test_id}: {name!r} did not run; "
                         f"remove its entry")
    return lines


def updated_entry(result, old):
    """The expectations entry for a run (None: nothing fails), keeping the old reasons.
    A file where nothing passes and every failure has the same reason becomes
    'fail: <reason>'."""
    file_reason = whole_file_reason(old, FAIL_PREFIX)
    old = old if isinstance(old, dict) else {}
    default = file_reason if file_reason is not None else PLACEHOLDER_REASON
    entry = {}
    if result.harness_status != "OK":
        entry[HARNESS_KEY] = old.get(HARNESS_KEY, default)
        # Subtests that never reported keep their entries: their outcome is unknown.
        for name, reason in old.items():
            if name not in result.subtests:
                entry[name] = reason
    for name, (status, _) in result.subtests.items():
        if status != "PASS":
            entry[name] = old.get(name, default)
    if not entry:
        return None
    if result.passed == 0 and len(set(entry.values())) == 1:
        return FAIL_PREFIX + next(iter(entry.values()))
    return dict(sorted(entry.items()))


def write_expectations(path, expectations):
    text = json.dumps(dict(sorted(expectations.items())), indent=2, ensure_ascii=False)
    # Subtest names may hold lone surrogates, which UTF-8 cannot carry: escape them.
    text = re.sub("[\ud800-\udfff]", lambda m: "\\u%04x" % ord(m.group(0)), text)
    with open(path + ".new", "w", encoding="utf-8") as f:
        f.write(text + "\n")
    os.replace(path + ".new", path)


# --- main -------------------------------------------------------------------------------

def print_table(headers, rows):
    widths = [max(len(str(row[i])) for row in [headers] + rows) for i in range(len(headers))]
    for row in [headers, ["-" * w for w in widths]] + rows:
        print("  ".join(str(cell).ljust(widths[i]) if i == 0 else str(cell).rjust(widths[i])
                        for i, cell in enumerate(row)).rstrip())


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--area", action="append", default=[],
                        help="run this area of areas.bzl (repeatable; default: all)")
    parser.add_argument("--filter", action="append", default=[],
                        help="run only test files whose path contains this (repeatable)")
    parser.add_argument("--runtime", choices=["kiln", "node"], default="kiln")
    parser.add_argument("--kiln", default=None, help="the kiln binary (default: //:kiln)")
    parser.add_argument("--node", default="/usr/bin/node", help="node, for --runtime=node")
    parser.add_argument("--wpt-root", default=None)
    parser.add_argument("--areas-file", default=os.path.join(HERE, "areas.bzl"))
    parser.add_argument("--expectations", default=None)
    parser.add_argument("--update", action="store_true",
                        help="rewrite the expectations of the files run from the results")
    parser.add_argument("--check-expectations", action="store_true",
                        help="only check that every entry names a test and has a reason")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout-multiplier", type=float, default=None,
                        help="default 1, or 3 for an AddressSanitizer build of kiln")
    parser.add_argument("--keep-bundles", metavar="DIR", default=None,
                        help="write the bundles to DIR and keep them")
    parser.add_argument("--verbose", action="store_true",
                        help="print every failing subtest, expected or not")
    args = parser.parse_args(argv)
    # Subtest names may hold lone surrogates.
    sys.stdout.reconfigure(errors="backslashreplace")

    if args.update and args.runtime != "kiln":
        parser.error("--update records kiln's results: it cannot go with --runtime=node")
    areas = load_areas(args.areas_file)
    wpt_root = args.wpt_root or default_path("third_party/node_deps/wpt")
    for area in args.area:
        if area not in areas:
            parser.error(f"unknown area {area!r}; areas: {', '.join(sorted(areas))}")
    selected = args.area or sorted(areas)
    if args.update:
        expectations_path = args.expectations or os.path.join(source_root(),
                                                              "tests/wpt/expectations.json")
    else:
        expectations_path = args.expectations or default_path("tests/wpt/expectations.json")
    expectations = load_expectations(expectations_path)

    if args.check_expectations:
        all_files = discover(wpt_root, areas, sorted(areas), [])
        test_ids = {test_id for test in all_files for test_id in test.test_ids()}
        problems = check_expectations_format(expectations, test_ids)
        for problem in problems:
            print(problem)
        print(f"{expectations_path}: {len(expectations)} entries, {len(problems)} problems")
        return 1 if problems else 0

    tests = discover(wpt_root, areas, selected, args.filter)
    if not tests:
        parser.error("no test file matches")

    if args.runtime == "kiln":
        kiln = args.kiln or (os.path.join(runfiles_root(), "kiln") if runfiles_root()
                             else os.path.join(source_root(), "bazel-bin/kiln"))
        if not os.path.isfile(kiln):
            parser.error(f"no kiln binary at {kiln} (bazel build //:kiln, or --kiln)")
        command = [os.path.abspath(kiln), "run"]
        multiplier = args.timeout_multiplier or (3 if is_asan_binary(kiln) else 1)
    else:
        # `node -e` defines require, module and exports as globals; the bundle runs as a
        # plain classic script without them (webidl2.js would export to `module`).
        launcher = ("const f = process.argv[1]; const vm = require('vm'); "
                    "const source = require('fs').readFileSync(f, 'utf8'); "
                    "for (const name of ['require', 'module', 'exports', '__filename', "
                    "'__dirname']) delete globalThis[name]; "
                    "vm.runInThisContext(source, { filename: f });")
        command = [args.node, "-e", launcher]
        multiplier = args.timeout_multiplier or 1

    with open(os.path.join(HERE, "prelude.js"), encoding="utf-8") as f:
        prelude = f.read()
    with open(os.path.join(HERE, "reporter.js"), encoding="utf-8") as f:
        reporter = f.read()

    tmpdir = args.keep_bundles or tempfile.mkdtemp(prefix="wpt_",
                                                   dir=os.environ.get("TEST_TMPDIR"))
    os.makedirs(tmpdir, exist_ok=True)
    jobs, results, counter = [], [], [0]
    for test in tests:
        for variant in test.variants:
            result = RunResult(test.path + variant, test.area)
            results.append(result)
            skip_reason = whole_file_reason(expectations.get(result.test_id), SKIP_PREFIX)
            if skip_reason is not None and args.runtime == "kiln":
                result.skipped = skip_reason
                continue
            if not test.globals & WORKER_LIKE_GLOBALS:
                result.skipped = f"META global={','.join(sorted(test.globals))}: no " \
                                 f"worker or shell-like scope"
                continue
            jobs.append((len(jobs), test, variant, result))

    print_lock = threading.Lock()

    def run_one(job):
        index, test, variant, result = job
        harness_timeout = (LONG_TIMEOUT_S if test.long else NORMAL_TIMEOUT_S) * multiplier
        try:
            bundle = build_bundle(wpt_root, test, variant, prelude, reporter, harness_timeout)
        except ValueError as error:
            result.harness_status, result.harness_message = "ERROR", f"runner: {error}"
        else:
            path = os.path.join(tmpdir, f"wpt_bundle_{index}.js")
            with open(path, "w", encoding="utf-8") as f:
                f.write(bundle.text())
            run_bundle(command + [path], result, bundle,
                       harness_timeout + KILL_MARGIN_S * multiplier, tmpdir)
        with print_lock:
            counter[0] += 1
            print(f"[{counter[0]}/{len(jobs)}] {result.test_id}: {result.harness_status}, "
                  f"{result.passed}/{len(result.subtests)} passed ({result.seconds:.1f} s)",
                  flush=True)
            if result.note:
                print(f"    note: {one_line(result.note, 600)}", flush=True)

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        list(pool.map(run_one, jobs))
    if not args.keep_bundles:
        shutil.rmtree(tmpdir, ignore_errors=True)
    elapsed = time.monotonic() - started

    for result in results:
        if result.skipped:
            print(f"SKIP {result.test_id}: {result.skipped}")
    if args.verbose:
        for result in results:
            if result.harness_status not in (None, "OK"):
                print(f"HARNESS {result.harness_status} {result.test_id}: "
                      f"{result.harness_message}")
            for name, (status, message) in sorted(result.subtests.items()):
                if status != "PASS":
                    print(f"{status} {result.test_id}: {name!r}: {one_line(message)}")

    if args.runtime == "node":
        rows = []
        for area in selected:
            ran = [r for r in results if r.area == area and not r.skipped]
            if not ran:
                continue
            rows.append([area, len(ran), sum(len(r.subtests) for r in ran),
                         sum(r.passed for r in ran),
                         sum(1 for r in ran if r.harness_status != "OK")])
        print(f"\n{args.node} ({elapsed:.1f} s):")
        print_table(["area", "files", "subtests", "passed", "harness not OK"], rows)
        return 0

    run_ids = {r.test_id for r in results}
    in_scope = {test_id for test_id in expectations
                if in_selection(test_id.split("?")[0], areas, selected, args.filter)}
    problems = [] if args.update else check_expectations_format(
        {k: v for k, v in expectations.items() if k in in_scope}, run_ids)
    mismatches = []
    for result in results:
        if result.skipped is None:
            mismatches += compare(result, expectations.get(result.test_id))

    rows = []
    for area in selected:
        mine = [r for r in results if r.area == area]
        if not mine:
            continue
        ran = [r for r in mine if not r.skipped]
        expected = sum(expected_failures(r, expectations.get(r.test_id)) for r in ran)
        rows.append([area, len(ran), len(mine) - len(ran), sum(len(r.subtests) for r in ran),
                     sum(r.passed for r in ran), expected,
                     sum(1 for r in ran if r.harness_status != "OK")])
    print(f"\nkiln: {os.path.abspath(kiln)} ({elapsed:.1f} s; harness timeouts "
          f"{NORMAL_TIMEOUT_S * multiplier:g} s, long {LONG_TIMEOUT_S * multiplier:g} s)")
    print_table(["area", "files", "skipped", "subtests", "passed", "expected failures",
                 "harness not OK"], rows)

    if args.update:
        for result in results:
            if result.skipped is not None:
                continue
            entry = updated_entry(result, expectations.get(result.test_id))
            if entry is not None:
                expectations[result.test_id] = entry
            else:
                expectations.pop(result.test_id, None)
        for test_id in in_scope - run_ids:
            del expectations[test_id]          # a variant or file that no longer exists
        write_expectations(expectations_path, expectations)
        todo = sum(1 for entry in expectations.values()
                   for reason in (entry.values() if isinstance(entry, dict) else [entry])
                   if reason in (PLACEHOLDER_REASON, FAIL_PREFIX + PLACEHOLDER_REASON))
        print(f"\nwrote {expectations_path}; {todo} entries need a reason in place of "
              f"{PLACEHOLDER_REASON!r}")
        return 0

    if problems or mismatches:
        print("\nThe results differ from tests/wpt/expectations.json:")
        shown = (problems + mismatches)[:MAX_LISTED_MISMATCHES]
        for line in shown:
            print("  " + line)
        if len(problems + mismatches) > len(shown):
            print(f"  ... and {len(problems + mismatches) - len(shown)} more")
        print("\nFix kiln, or record the failure with its reason in tests/wpt/"
              "expectations.json (run_wpt.py --update writes the entries).")
        return 1
    print("\nall results as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
