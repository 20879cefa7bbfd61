#!/bin/bash
# Runs the embedding example and compares its output with expected_output.txt (the output
# is deterministic: threads' lines are printed in thread order, after all of them ended).
set -euo pipefail
binary="$1"
expected="$2"
actual="$(mktemp)"
trap 'rm -f "$actual"' EXIT
"$binary" > "$actual"
if ! diff -u "$expected" "$actual"; then
  echo "examples/embed: the output differs from $expected (above)" >&2
  exit 1
fi
echo "examples/embed: output as expected"
