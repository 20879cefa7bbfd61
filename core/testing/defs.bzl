"""kiln_runtime_test: a cc_test run twice, from source and from a startup snapshot."""

def kiln_runtime_test(name, **kwargs):
    """`name` builds every runtime from source; `name + "_snapshot"` from a snapshot.

    Args:
      name: the test; the twin is name + "_snapshot" (the test main's --kiln_snapshot).
      **kwargs: as for cc_test; deps must include //core/testing.
    """
    native.cc_test(name = name, **kwargs)
    args = kwargs.pop("args", [])
    native.cc_test(name = name + "_snapshot", args = args + ["--kiln_snapshot"], **kwargs)
