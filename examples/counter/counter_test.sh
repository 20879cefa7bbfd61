#!/bin/bash
# Runs the counter example and checks what it prints.
set -euo pipefail
output="$("$1" "$2")"
expected="count after 10 ms: 42"
if [[ "$output" != "$expected" ]]; then
  echo "expected: $expected"
  echo "got:      $output"
  exit 1
fi
