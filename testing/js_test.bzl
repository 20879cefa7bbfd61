"""kiln_js_test: JavaScript test files run by `kiln test` as a Bazel test.

    load("//testing:js_test.bzl", "kiln_js_test")

    kiln_js_test(
        name = "url_js_test",
        srcs = ["url_test.mjs"],          # test files (kiln:test / kiln:assert)
        data = ["fixtures/page.html"],    # files the tests read
    )

`bazel test :url_js_test` runs `<kiln> test <srcs>` from the runfiles root (paths in the
output are workspace paths); the output is the test log and any failing test fails the
target. `kiln` is the binary to run with (default //:kiln); `args` are extra `kiln test`
options (`--filter=...`, `--reporter=tap`, `--trace-leaks`).
"""

def kiln_js_test(name, srcs, data = [], kiln = "//:kiln", args = [], **kwargs):
    """A test target running `kiln test` on `srcs`.

    Args:
      name: the test target.
      srcs: the test files (or targets providing them), run in the order given.
      data: other files the tests need at run time.
      kiln: the kiln binary (a cc_binary with //cli:test_runner and //ext/testing).
      args: extra options for `kiln test`.
      **kwargs: size, timeout, tags, ... of the test.
    """
    native.sh_test(
        name = name,
        srcs = [Label("//testing:run_kiln_test.sh")],
        args = ["$(rootpath %s)" % kiln] + args + ["$(rootpaths %s)" % src for src in srcs],
        data = [kiln] + srcs + data,
        **kwargs
    )
