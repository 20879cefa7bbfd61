"""kiln's public Bazel rules: ops, extensions, startup snapshots, kiln commands, JS tests.

    load("@kiln//:defs.bzl", "kiln_ops", "kiln_extension", "kiln_snapshot", "kiln_binary",
         "kiln_js_test")

(`//:defs.bzl` inside kiln itself.) Every label these macros add resolves in kiln's own
repository, whichever workspace calls them; the labels a caller passes (ops, deps,
extensions, srcs) resolve in the caller's package as usual. A workspace that uses kiln
declares it with local_repository(name = "kiln", ...) and calls kiln_repositories() from
@kiln//:repositories.bzl.

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
`const kiln::Extension& kiln::extensions::<name>()`. Extension names are global (one C++
function each): two extensions of one name cannot be linked together.

kiln_snapshot(name, extensions) builds, at build time, a V8 startup snapshot holding the
core extension and `extensions` evaluated: a cc_library whose header `<package>/<name>.h`
declares `const kiln::Snapshot& kiln::snapshots::<name>()`, for RuntimeOptions::snapshot.

kiln_binary(name, extensions) is a `kiln` command (cli/main.cc: run, eval, ...) with kiln's
standard extensions (cli/extensions.bzl) plus `extensions`, all in its startup snapshot.
`//:kiln` is kiln_binary(name = "kiln").

kiln_js_test(name, srcs, extensions, data) runs JavaScript test files (kiln:test,
kiln:assert) under `kiln test` as a `bazel test` target: with `//:kiln` when `extensions`
is empty, else with a kiln_binary of them (the rule itself: testing/js_test.bzl).
"""

load("//codegen:defs.bzl", _kiln_ops = "kiln_ops")
load("//cli:extensions.bzl", "KILN_STANDARD_EXTENSIONS")
load("//testing:js_test.bzl", _private_kiln_js_test = "kiln_js_test")

kiln_ops = _kiln_ops

# The extensions of the `kiln` command (cli/extensions.bzl), as labels of kiln's repository.
kiln_standard_extensions = [str(Label(label)) for label in KILN_STANDARD_EXTENSIONS]

def _kiln_label(label):
    """A label of kiln's repository, spelled for a BUILD file of the calling repository.

    Label() in a .bzl file resolves in the repository of that file, which is kiln's
    ("//core" inside kiln, "@kiln//core" from another workspace). A plain string passed to
    a native rule would resolve in the caller's repository instead.
    """
    return str(Label(label))

_EMBED_JS = _kiln_label("//tools:embed_js.py")
_GEN_EXTENSION = _kiln_label("//tools:gen_extension.py")
_GEN_SNAPSHOT_CC = _kiln_label("//tools:gen_snapshot_cc.py")
_CORE = _kiln_label("//core")
_CLI = _kiln_label("//cli")
_KILN = _kiln_label("//:kiln")

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

def _normalize(label):
    """'//ext/web' and '//ext/web:web' are the same target (for de-duplicating lists)."""
    if ":" in label:
        return label
    return label + ":" + label.split("/")[-1]

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
            _kiln_label("//core:op_support"),
            _kiln_label("//js:embedded_js"),
            _kiln_label("//ops"),
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
        deps = extensions + [_CORE],
        visibility = ["//visibility:private"],
        **common
    )
    _snapshot_blob(
        name = name + "_blob",
        generator = ":" + name + "_generator",
        out = name + ".bin",
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
        deps = extensions + [_CORE],
        visibility = visibility,
        **kwargs
    )

def _snapshot_blob_impl(ctx):
    ctx.actions.run(
        executable = ctx.attr.generator[DefaultInfo].files_to_run,
        arguments = [ctx.outputs.out.path],
        outputs = [ctx.outputs.out],
        # LeakSanitizer (--config=asan) would fail the build on V8's process-lifetime
        # allocations in a generator that exits right after writing the blob.
        env = {"ASAN_OPTIONS": "detect_leaks=0"},
        mnemonic = "KilnSnapshot",
        progress_message = "Making the startup snapshot %s" % ctx.label,
    )
    return [DefaultInfo(files = depset([ctx.outputs.out]))]

# Runs a snapshot generator built in the target configuration, as the binaries that embed
# its blob are: the V8 and extensions it serialises are those they run with, and a
# workspace without --nodistinct_host_configuration does not build kiln a second time for
# the host.
_snapshot_blob = rule(
    implementation = _snapshot_blob_impl,
    attrs = {
        "generator": attr.label(cfg = "target", executable = True, mandatory = True),
        "out": attr.output(mandatory = True),
    },
)

def _command_source_impl(ctx):
    ctx.actions.write(ctx.outputs.out, """// generated by kiln_binary(name = "{name}"); do not edit
#include "cli/command_extensions.h"

#include "{snapshot_header}"

namespace kiln::cli {{

std::vector<const Extension*> CommandExtensions() {{
  return snapshots::{snapshot}_extensions();
}}

const Snapshot& CommandSnapshot() {{ return snapshots::{snapshot}(); }}

}}  // namespace kiln::cli
""".format(
        name = ctx.attr.binary,
        snapshot = ctx.attr.snapshot,
        snapshot_header = ctx.attr.snapshot_header,
    ))
    return [DefaultInfo(files = depset([ctx.outputs.out]))]

# The definitions of cli/command_extensions.h for one kiln_binary.
_command_source = rule(
    implementation = _command_source_impl,
    attrs = {
        "binary": attr.string(mandatory = True),
        "snapshot": attr.string(mandatory = True),
        "snapshot_header": attr.string(mandatory = True),
        "out": attr.output(mandatory = True),
    },
)

def kiln_binary(name, extensions = [], deps = [], visibility = None, **kwargs):
    """A `kiln` command with kiln's standard extensions plus `extensions`.

    It is `kiln run`, `kiln eval`, ... (cli/main.cc) whose runtimes install
    kiln_standard_extensions + `extensions`, from a startup snapshot holding them all
    evaluated (kiln_snapshot `name + "_snapshot"`, header `<package>/<name>_snapshot.h`).

    Args:
      name: the cc_binary.
      extensions: kiln_extension targets besides the standard ones (a standard one listed
        again is ignored).
      deps: other C++ dependencies to link in.
      visibility: of the binary and its snapshot.
      **kwargs: testonly, tags, and other cc_binary attributes.
    """
    common = {k: kwargs[k] for k in ("testonly", "tags") if k in kwargs}
    all_extensions = list(kiln_standard_extensions)
    seen = [_normalize(label) for label in all_extensions]
    for label in extensions:
        if _normalize(label) not in seen:
            all_extensions.append(label)
            seen.append(_normalize(label))
    snapshot = name + "_snapshot"
    kiln_snapshot(
        name = snapshot,
        extensions = all_extensions,
        visibility = visibility,
        **common
    )
    package = native.package_name()
    _command_source(
        name = name + "_command",
        binary = name,
        snapshot = snapshot,
        snapshot_header = (package + "/" if package else "") + snapshot + ".h",
        out = name + "_command.cc",
        visibility = ["//visibility:private"],
        **common
    )
    native.cc_binary(
        name = name,
        srcs = [name + "_command.cc"],
        deps = [":" + snapshot, _CLI, _CORE] + deps,
        visibility = visibility,
        **kwargs
    )

def kiln_js_test(name, srcs, extensions = [], data = [], kiln = None, **kwargs):
    """Runs the JavaScript test files `srcs` under `kiln test`, as a `bazel test` target.

    The command is `@kiln//:kiln` when `extensions` is empty, else a kiln_binary
    `name + "_kiln"` of the standard extensions plus `extensions`. Output goes to the test
    log; a failing test (or a leak) fails the target.

    Args:
      name: the test.
      srcs: the test files (.js, .mjs), run in the order given.
      extensions: kiln_extension targets the tests need besides the standard ones.
      data: files the tests read or import at run time.
      kiln: instead of `extensions`, an existing kiln_binary target to run the tests with
        (several tests then share one binary and snapshot).
      **kwargs: size, timeout, tags, flaky, args (extra `kiln test` options such as
        "--filter=..." or "--reporter=tap"), ... of the test.
    """
    if kiln and extensions:
        fail("kiln_js_test(%s): give either extensions or kiln, not both" % name)
    if not kiln:
        kiln = _KILN
    if extensions:
        kiln = ":" + name + "_kiln"
        kiln_binary(
            name = name + "_kiln",
            extensions = extensions,
            testonly = True,
            tags = kwargs.get("tags", []),
            visibility = ["//visibility:private"],
        )
    _private_kiln_js_test(
        name = name,
        srcs = srcs,
        data = data,
        kiln = kiln,
        **kwargs
    )
