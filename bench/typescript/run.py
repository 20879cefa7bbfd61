#!/usr/bin/env python3
"""Times the TypeScript workload (transpile.js) under kiln, Node 20 and Node 18.

For each runtime, interleaved, --runs times: wall time to the last line, wall time to exit,
peak RSS (/usr/bin/time -v's "Maximum resident set size") and RSS when the last line was
printed (VmRSS of the process at that moment). Prints the medians.

  bench/typescript/install.sh
  bazel build -c opt //:kiln
  bench/typescript/run.py [--kiln bazel-bin/kiln] [--runs 5] [--kiln-v8-flags=...]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TYPESCRIPT = os.path.join(HERE, "node_modules", "typescript", "lib", "typescript.js")


def child_pid(time_pid):
    """The pid /usr/bin/time started."""
    for _ in range(1000):
        try:
            with open(f"/proc/{time_pid}/task/{time_pid}/children") as f:
                pids = f.read().split()
            if pids:
                return int(pids[0])
        except OSError:
            return None
        time.sleep(0.001)
    return None


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def run_once(command):
    start = time.monotonic()
    process = subprocess.Popen(["/usr/bin/time", "-v", *command], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    pid = child_pid(process.pid)
    last_line_at = None
    rss_at_last_line = None
    for line in process.stdout:
        if line.startswith("last line"):
            rss_at_last_line = rss_mib(pid) if pid else None
            last_line_at = time.monotonic() - start
    stderr = process.stderr.read()
    process.wait()
    exited_at = time.monotonic() - start
    if process.returncode != 0 or last_line_at is None:
        sys.exit(f"{command[0]} failed ({process.returncode}):\n{stderr}")
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr).group(1)) / 1024
    return last_line_at, exited_at, peak, rss_at_last_line


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kiln", default=os.path.join(REPO, "bazel-bin", "kiln"))
    parser.add_argument("--node20", default="/usr/bin/node")
    parser.add_argument("--node18", default="/work/shared/bench/peers/bin/node18")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--kiln-v8-flags", default=None,
                        help="passed to kiln as --v8-flags=... (to compare V8 settings)")
    args = parser.parse_args()
    if not os.path.exists(TYPESCRIPT):
        sys.exit(f"{TYPESCRIPT} is missing: run bench/typescript/install.sh first")

    workdir = tempfile.mkdtemp(prefix="kiln-ts-bench-")
    script = os.path.join(workdir, "typescript_transpile.js")
    with open(script, "w") as out:
        for part in (TYPESCRIPT, os.path.join(HERE, "transpile.js")):
            with open(part) as f:
                out.write(f.read())
            out.write("\n")

    kiln = [args.kiln, "run"]
    if args.kiln_v8_flags:
        kiln.append(f"--v8-flags={args.kiln_v8_flags}")
    runtimes = {"kiln": [*kiln, script], "node20": [args.node20, script],
                "node18": [args.node18, script]}
    results = {name: [] for name in runtimes}
    for _ in range(args.runs):
        for name, command in runtimes.items():
            results[name].append(run_once(command))

    print(f"{'runtime':8} {'last line s':>12} {'exit s':>8} {'peak RSS MiB':>13} "
          f"{'RSS at last line MiB':>21}   (medians of {args.runs})")
    medians = {}
    for name, rows in results.items():
        columns = list(zip(*rows))
        med = [statistics.median([v for v in column if v is not None] or [0]) for column in columns]
        medians[name] = med
        print(f"{name:8} {med[0]:12.2f} {med[1]:8.2f} {med[2]:13.0f} {med[3]:21.0f}")
    kiln_m, node_m = medians["kiln"], medians["node20"]
    print(f"kiln / node20: exit time {kiln_m[1] / node_m[1]:.2f}x, peak RSS {kiln_m[2] / node_m[2]:.2f}x")


if __name__ == "__main__":
    main()
