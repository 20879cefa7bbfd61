"""kiln_runtime_test: a cc_test run twice, from source and from a startup snapshot.

    load("@kiln//core/testing:defs.bzl", "kiln_runtime_test")   # "//core/testing:defs.bzl" in kiln

The macro adds no label of its own: everything comes from the caller's deps, which must
include the fixture and test main, "@kiln//core/testing" ("//core/testing" in kiln).
"""

def kiln_runtime_test(name, **kwargs):
    """`name` builds every runtime from source; `name + "_snapshot"` from a snapshot.

    Args:
      name: the test; the twin is name + "_snapshot" (the test main's --kiln_snapshot).
      **kwargs: as for cc_test; deps must include @kiln//core/testing.
    """
    native.cc_test(name = name, **kwargs)
    args = kwargs.pop("args", [])
    native.cc_test(name = name + "_snapshot", args = args + ["--kiln_snapshot"], **kwargs)
