#!/usr/bin/env bash
# Runs tests/console/nondeterministic.js with a runtime and checks its output
# with patterns (timings and stack frames differ from run to run).
#
#   check_nondeterministic.sh <nondeterministic.js> -- <command...>
#
# The command is run as `<command...> <nondeterministic.js>`, e.g.
#   tests/console/check_nondeterministic.sh tests/console/nondeterministic.js \
#     -- node --expose-internals tests/console/node_harness.js
# Without `-- <command...>` the command is taken from $CONSOLE_RUNNER. Real
# Node passes too (`-- node`). Exits non-zero if any check fails.
set -uo pipefail

usage() {
  echo "usage: $0 <nondeterministic.js> -- <command...>" >&2
  exit 2
}

[ $# -ge 1 ] || usage
script="$1"
shift
if [ $# -gt 0 ]; then
  [ "$1" = "--" ] || usage
  shift
fi
if [ $# -eq 0 ]; then
  [ -n "${CONSOLE_RUNNER:-}" ] || usage
  # shellcheck disable=SC2206
  set -- ${CONSOLE_RUNNER}
fi
[ -f "$script" ] || { echo "check_nondeterministic.sh: no such file: $script" >&2; exit 2; }

tmp="$(mktemp -d "${TEST_TMPDIR:-${TMPDIR:-/tmp}}/console-nondet.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
out="$tmp/stdout"
err="$tmp/stderr"

"$@" "$script" > "$out" 2> "$err" < /dev/null
status=$?

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  echo "FAIL: $*" >&2
}

# A duration as console.time prints it: 1.234ms, 1.234s, 1:02.345 (m:ss.mmm).
dur='([0-9]+(\.[0-9]+)?ms|[0-9]+\.[0-9]{3}s|[0-9:]+\.[0-9]{3} \((h:m)?m:ss\.mmm\))'

# expect_lines <file> <regex>...: the regexes match consecutive lines.
expect_lines() {
  local file="$1"
  shift
  local description="$*"
  if awk -v n="$#" '
      BEGIN { for (i = 1; i < ARGC; i++) re[i] = ARGV[i]; ARGC = 1 }
      { lines[NR] = $0 }
      END {
        for (start = 1; start + n - 1 <= NR; start++) {
          ok = 1
          for (k = 1; k <= n; k++) if (lines[start + k - 1] !~ re[k]) { ok = 0; break }
          if (ok) exit 0
        }
        exit 1
      }' "$@" < "$file"; then
    pass
  else
    fail "no lines in $(basename "$file") matching: $description"
  fi
}

# expect_count <file> <regex> <count>: exactly <count> lines match.
expect_count() {
  local n
  n="$(grep -cE -- "$2" "$1")"
  if [ "$n" -eq "$3" ]; then pass; else fail "$(basename "$1"): $n lines match '$2', expected $3"; fi
}

if [ "$status" -eq 0 ]; then pass; else fail "command exited with status $status: $*"; fi

# Timers (stdout).
expect_lines "$out" '^## timers$' "^t1: $dur\$" "^t1: $dur extra \\{ a: 1 \\}\$" "^t1: $dur\$" \
  "^default: $dur\$" "^42: $dur\$" '^timers in group$' "^  g: $dur\$" '^## trace$'
# Nothing but the labels and timers on stdout.
expect_count "$out" '.' 12

# Traces (stderr): "Trace: <message>" and then frames, the first of them in
# the caller of console.trace.
expect_lines "$err" '^Trace: trace message 1$' '^    at '
expect_lines "$err" '^Trace$' '^    at '
expect_lines "$err" '^Trace: from traceCaller$' '^    at traceCaller '
expect_lines "$err" '^  Trace: grouped$' '^      at '
expect_count "$err" '^ *Trace' 4
expect_count "$err" 'at .*console\.js' 0

# Warnings (stderr). Node writes "(node:PID) Warning: ...", kiln "Warning: ...".
expect_count "$err" "Warning: No such label 'no-such-timer' for console\\.timeEnd\\(\\)\$" 1
expect_count "$err" "Warning: No such label 'no-such-timer' for console\\.timeLog\\(\\)\$" 1
expect_count "$err" "Warning: Label 'twice' already exists for console\\.time\\(\\)\$" 1
expect_count "$err" "Warning: Count for 'never-counted' does not exist\$" 1

if [ "$failed" -ne 0 ]; then
  echo "--- stdout" >&2; cat "$out" >&2
  echo "--- stderr" >&2; cat "$err" >&2
fi
echo "console-nondeterministic: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
