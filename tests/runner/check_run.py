"""Runs a kiln command and checks its exit status and output.

    check_run.py --exit <status> [--expect <file>] [--contains <text>]... -- <kiln> <args...>

The expectation file holds lines that must appear in the combined stdout and stderr in
that order (each a substring of one output line; blank lines and lines starting with "#"
are skipped); a line starting with "!" must appear nowhere. --contains adds a line to
find, --absent a text that must appear nowhere, --matches a regular expression some line
must match, --last the last line of stdout. Prints the output either way (the test log).
"""

import argparse
import re
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exit", type=int, required=True)
    parser.add_argument("--expect")
    parser.add_argument("--contains", action="append", default=[])
    parser.add_argument("--absent", action="append", default=[])
    parser.add_argument("--matches", action="append", default=[])
    parser.add_argument("--last")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    wanted = []
    absent = list(args.absent)
    if args.expect:
        with open(args.expect, encoding="utf-8") as file:
            for line in file.read().split("\n"):
                if not line.strip() or line.startswith("#"):
                    continue
                if line.startswith("!"):
                    absent.append(line[1:])
                else:
                    wanted.append(line)
    wanted += args.contains
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=240)
    stdout = result.stdout.decode("utf-8", "replace")
    stderr = result.stderr.decode("utf-8", "replace")
    print(stdout)
    print("---- stderr ----")
    print(stderr)
    problems = []
    if result.returncode != args.exit:
        problems.append(f"exit status {result.returncode}, expected {args.exit}")
    lines = (stdout + "\n" + stderr).split("\n")
    position = 0
    for want in wanted:
        found = next((i for i in range(position, len(lines)) if want in lines[i]), None)
        if found is None:
            problems.append(f"missing (in order, after output line {position}): {want!r}")
        else:
            position = found + 1
    for pattern in args.matches:
        if not any(re.search(pattern, line) for line in lines):
            problems.append(f"no line matches {pattern!r}")
    for text in absent:
        if any(text in line for line in lines):
            problems.append(f"unexpected: {text!r}")
    if args.last is not None:
        stdout_lines = stdout.rstrip("\n").split("\n")
        if stdout_lines[-1] != args.last:
            problems.append(f"last line {stdout_lines[-1]!r}, expected {args.last!r}")
    for problem in problems:
        print("FAIL:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
