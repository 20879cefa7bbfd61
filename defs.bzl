"""kiln's public Bazel rules: ops, extensions and startup snapshots.

    load("//:defs.bzl", "kiln_ops", "kiln_extension", "kiln_snapshot")

kiln_ops (codegen/defs.bzl) turns op headers into V8 bindings and an op table.

kiln_extension bundles kiln_ops targets, ES modules, dependencies on other extensions and
a per-runtime state type into a kiln::Extension:

    kiln_extension(
        name = "timers",                 # the extension's name: modules are ext:timers/...
        ops = [":timers_ops"],           # kiln_ops targets
        esm = ["timers.js"],             # the first is the entry module
        deps = ["//ext/web"],            # other kiln_extension targets
        state = "kiln::timers::TimerState",  # constructed as T(kiln::OpState&) per runtime
        hdrs = ["timer_state.h"],        # declare the state type
        srcs = ["timer_state.cc"],
    )

It is a cc_library `name` whose header `<package>/<name>_extension.h` declares
`const kiln::Extension& kiln::extensions::<name>()`.

kiln_snapshot(name, extensions) builds, at build time, a V8 startup snapshot holding the
core extension and `extensions` evaluated: a cc_library whose header `<package>/<name>.h`
declares `const kiln::Snapshot& kiln::snapshots::<name>()`, for RuntimeOptions::snapshot.
"""

load("//codegen:defs.bzl", _kiln_ops = "kiln_ops")

kiln_ops = _kiln_ops

_EMBED_JS = "//tools:embed_js.py"
_GEN_EXTENSION = "//tools:gen_extension.py"
_GEN_SNAPSHOT_CC = "//tools:gen_snapshot_cc.py"

def _package_of(label):
    """(package, name) of a label string, relative ones resolved against this package."""
    if label.startswith(":"):
        return native.package_name(), label[1:]
    if label.startswith("@"):
        label = label[label.index("//"):]
    if not label.startswith("//"):
        # A file-like target name in this package.
        return native.package_name(), label
    label = label[2:]
    if ":" in label:
        package, name = label.split(":")
    else:
        package, name = label, label.split("/")[-1]
    return package, name

def _source_root():
    """Where this package's sources sit in the execution root."""
    repo = native.repository_name()
    package = native.package_name()
    if repo in ("@", ""):
        return package if package else "."
    return "external/" + repo[1:] + ("/" + package if package else "")

def kiln_extension(
        name,
        ops = [],
        esm = [],
        deps = [],
        state = None,
        published = {},
        srcs = [],
        hdrs = [],
        cc_deps = [],
        visibility = None,
        **kwargs):
    """A kiln::Extension named `name` (see the file's docstring).

    Args:
      name: the extension's name (letters, digits, _) and the cc_library's.
      ops: kiln_ops targets whose op tables the extension installs.
      esm: its JavaScript modules (ext:<name>/<path in this package>); the first is the
        entry module, which installs the extension's globals.
      deps: kiln_extension targets this one needs loaded first.
      state: optional C++ type of its per-runtime state, constructed as T(kiln::OpState&)
        when a runtime is created; ops reach it with state.extension_state<T>().
      published: {"kiln:<name>": "ext:<name>/<module>"}: user-facing modules.
      srcs: C++ sources (the state type's definition, helpers).
      hdrs: C++ headers (one of them declares `state`).
      cc_deps: other C++ dependencies.
      visibility: of the library.
      **kwargs: testonly, tags.
    """
    if not name.replace("_", "a").isalnum():
        fail("kiln_extension(%s): the name must be letters, digits and _" % name)
    common = {k: kwargs[k] for k in ("testonly", "tags") if k in kwargs}
    modules_cc = name + "_modules.cc"
    native.genrule(
        name = name + "_modules",
        srcs = esm,
        outs = [modules_cc],
        cmd = ("/usr/bin/python3 $(location %s) --table kiln::generated::%s_modules " +
               "--prefix ext:%s/ --strip %s $@ $(SRCS)") % (_EMBED_JS, name, name, _source_root()),
        tools = [_EMBED_JS],
        message = "Embedding the modules of extension " + name,
        **common
    )
    package = native.package_name()
    header = (package + "/" if package else "") + name + "_extension.h"
    args = [
        "--name " + name,
        "--header " + header,
        "--modules kiln::generated::%s_modules" % name,
    ]
    for op_label in ops:
        op_package, op_name = _package_of(op_label)
        args.append("--ops %s/%s_tables.h:%s_tables" % (op_package, op_name, op_name))
    for dep in deps:
        args.append("--dep " + _package_of(dep)[1])
    if state:
        args.append("--state " + state)
    for specifier, module in published.items():
        args.append("--publish %s=%s" % (specifier, module))
    for hdr in hdrs:
        args.append("--include " + (package + "/" if package else "") + hdr)
    native.genrule(
        name = name + "_extension_gen",
        outs = [name + "_extension.h", name + "_extension.cc"],
        cmd = "/usr/bin/python3 $(location %s) %s --out-h $(location %s) --out-cc $(location %s)" % (
            _GEN_EXTENSION,
            " ".join(args),
            name + "_extension.h",
            name + "_extension.cc",
        ),
        tools = [_GEN_EXTENSION],
        message = "Generating extension " + name,
        **common
    )
    native.cc_library(
        name = name,
        srcs = srcs + [modules_cc, name + "_extension.cc"],
        hdrs = hdrs + [name + "_extension.h"],
        deps = ops + deps + cc_deps + [
            "//core:op_support",
            "//js:embedded_js",
            "//ops",
        ],
        visibility = visibility,
        **kwargs
    )

def kiln_snapshot(name, extensions = [], visibility = None, **kwargs):
    """A startup snapshot of the core extension plus `extensions` (kiln_extension targets).

    Args:
      name: the cc_library; its header <package>/<name>.h declares
        `const kiln::Snapshot& kiln::snapshots::<name>()` and
        `kiln::snapshots::<name>_extensions()`, the extensions it holds.
      extensions: kiln_extension targets the snapshot holds evaluated.
      visibility: of the library.
      **kwargs: testonly, tags.
    """
    common = {k: kwargs[k] for k in ("testonly", "tags") if k in kwargs}
    includes = []
    functions = []
    for label in extensions:
        package, ext_name = _package_of(label)
        includes.append("%s/%s_extension.h" % (package, ext_name))
        functions.append(ext_name)
    native.genrule(
        name = name + "_generator_main",
        outs = [name + "_generator_main.cc"],
        cmd = "/usr/bin/python3 $(location %s) main %s %s > $@" % (
            _GEN_SNAPSHOT_CC,
            ",".join(includes) or "-",
            ",".join(functions) or "-",
        ),
        tools = [_GEN_SNAPSHOT_CC],
        **common
    )
    native.cc_binary(
        name = name + "_generator",
        srcs = [name + "_generator_main.cc"],
        deps = extensions + ["//core"],
        visibility = ["//visibility:private"],
        **common
    )
    native.genrule(
        name = name + "_blob",
        outs = [name + ".bin"],
        # LeakSanitizer (--config=asan) would fail the build on V8's process-lifetime
        # allocations in a generator that exits right after writing the blob.
        cmd = "ASAN_OPTIONS=detect_leaks=0 $(location %s) $@" % (":" + name + "_generator"),
        tools = [":" + name + "_generator"],
        message = "Making the startup snapshot " + name,
        **common
    )
    package = native.package_name()
    native.genrule(
        name = name + "_cc",
        srcs = [name + ".bin"],
        outs = [name + ".cc", name + ".h"],
        cmd = "/usr/bin/python3 $(location %s) embed %s %s $(location %s) $(location %s) $(location %s) %s %s" % (
            _GEN_SNAPSHOT_CC,
            name,
            (package + "/" if package else "") + name + ".h",
            name + ".bin",
            name + ".cc",
            name + ".h",
            ",".join(includes) or "-",
            ",".join(functions) or "-",
        ),
        tools = [_GEN_SNAPSHOT_CC],
        **common
    )
    native.cc_library(
        name = name,
        srcs = [name + ".cc"],
        hdrs = [name + ".h"],
        deps = extensions + ["//core"],
        visibility = visibility,
        **kwargs
    )
