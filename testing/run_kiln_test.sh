#!/bin/bash
# Runs `<kiln> test <args...>` as a Bazel test (js_test.bzl): the output goes to the test
# log and the exit status is the test's.
set -u
kiln="$1"
shift
exec "$kiln" test "$@"
