"""kiln_ops(): op headers -> V8 bindings, an op table, its JS glue and TypeScript declarations.

    load("@kiln//:defs.bzl", "kiln_ops")   # the public file; this one is its definition

    kiln_ops(
        name = "fs_ops",
        hdrs = ["fs_ops.h"],        # KILN_OP / KILN_STRUCT declarations
        srcs = ["fs_ops.cc"],       # their definitions
        deps = ["//some:dep"],
    )

For each header `dir/x.h` (a file of this package) the generator writes `dir/x_bindings.cc`,
`dir/x_table.h` (declares `kiln::generated::x`, the header's kiln::OpTable),
`dir/x_structs.h` (the converters of its KILN_STRUCTs, for any C++ code that converts them,
e.g. typed calls), `dir/x.d.ts` and `dir/x_glue.js` (the table's JS glue, also embedded in
the bindings). `name` is a cc_library of srcs + the bindings, exporting hdrs + the table and
structs headers (included as "<package>/dir/x_structs.h"); `name + "_dts"` is a
filegroup of the .d.ts files and `name + "_js"` one of the glue files. Sources are
compiled with -Werror=missing-declarations, so an op definition that does not match its
KILN_OP declaration fails the build instead of leaving the declared op undefined.
"""

# Labels of kiln's own targets. Label() resolves in the repository of this file (kiln's,
# whatever workspace loads it); str() spells it so that a BUILD file of the calling
# repository means the same target ("//codegen:gen" inside kiln, "@kiln//codegen:gen"
# elsewhere). A plain string would resolve in the caller's repository.
def _kiln_label(label):
    return str(Label(label))

_GEN = _kiln_label("//codegen:gen")

# What generated bindings need, besides the user's deps.
_SUPPORT_DEPS = [
    _kiln_label("//core:op_support"),
    _kiln_label("//ops"),
    _kiln_label("//third_party:absl"),
    _kiln_label("@libnode//:v8"),
]

def _normalize(label):
    """'//ops' and '//ops:ops' are the same target (for de-duplicating deps)."""
    if ":" in label:
        return label
    return label + ":" + label.split("/")[-1]

def kiln_ops(name, hdrs, srcs = [], deps = [], visibility = None, **kwargs):
    """Generates bindings for `hdrs` and builds them with `srcs` into cc_library `name`.

    Args:
      name: the cc_library; `name + "_dts"` is the filegroup of .d.ts files, `name + "_js"`
        the filegroup of JS glue files.
      hdrs: op headers (files of this package, ending in .h).
      srcs: the ops' definitions (and anything else the library needs).
      deps: extra dependencies; kiln's //core:op_support, //ops, absl and V8 are always
        added.
      visibility: of the library and the filegroups.
      **kwargs: passed to the cc_library (testonly, tags, ...); testonly and tags also
        apply to the generator actions and the filegroups.
    """
    package = native.package_name()
    bindings = []
    tables = []
    structs = []
    dts = []
    glue = []
    common = {}
    for key in ("testonly", "tags"):
        if key in kwargs:
            common[key] = kwargs[key]
    for hdr in hdrs:
        if ":" in hdr or hdr.startswith("/") or not hdr.endswith(".h"):
            fail("kiln_ops(%s): hdrs are .h files of this package, got %r" % (name, hdr))
        base = hdr[:-len(".h")]
        outs = [
            base + "_bindings.cc",
            base + "_table.h",
            base + "_structs.h",
            base + ".d.ts",
            base + "_glue.js",
        ]
        header_path = package + "/" + hdr if package else hdr
        native.genrule(
            name = "%s_gen_%s" % (name, base.replace("/", "_")),
            srcs = [hdr],
            outs = outs,
            cmd = " ".join([
                "$(location %s)" % _GEN,
                "--header '%s'" % header_path,
                "--input $(location %s)" % hdr,
                "--out-cc $(location %s)" % outs[0],
                "--out-h $(location %s)" % outs[1],
                "--out-structs $(location %s)" % outs[2],
                "--out-dts $(location %s)" % outs[3],
                "--out-js $(location %s)" % outs[4],
            ]),
            tools = [_GEN],
            message = "Generating op bindings for " + header_path,
            visibility = ["//visibility:private"],
            **common
        )
        bindings.append(outs[0])
        tables.append(outs[1])
        structs.append(outs[2])
        dts.append(outs[3])
        glue.append(outs[4])

    copts = ["-Werror=missing-declarations"] + kwargs.pop("copts", [])
    seen = [_normalize(d) for d in deps]
    all_deps = list(deps)
    for dep in _SUPPORT_DEPS:
        if _normalize(dep) not in seen:
            all_deps.append(dep)

    # <name>_tables.h: kiln::generated::<name>_tables, every op table of this target (what
    # kiln_extension() in //:defs.bzl lists).
    table_symbols = []
    for hdr in hdrs:
        stem = hdr[:-len(".h")].split("/")[-1]
        table_symbols.append("".join([c if c.isalnum() else "_" for c in stem.elems()]))
    tables_h = name + "_tables.h"
    tables_lines = ["// generated by kiln_ops(name = \"%s\"); do not edit" % name, "#pragma once", ""]
    tables_lines += ["#include \"%s\"" % ((package + "/" if package else "") + t) for t in tables]
    tables_lines += [
        "",
        "namespace kiln::generated {",
        "inline const kiln::OpTable* const %s_tables[] = {%s};" % (
            name,
            ", ".join(["&" + t for t in table_symbols]),
        ),
        "}  // namespace kiln::generated",
    ]
    native.genrule(
        name = name + "_tables_gen",
        outs = [tables_h],
        cmd = "printf '%%s\\n' %s > $@" % " ".join(["'" + line + "'" for line in tables_lines]),
        visibility = ["//visibility:private"],
        **common
    )

    native.cc_library(
        name = name,
        srcs = srcs + bindings,
        hdrs = hdrs + tables + structs + [tables_h],
        deps = all_deps,
        copts = copts,
        visibility = visibility,
        **kwargs
    )
    native.filegroup(
        name = name + "_dts",
        srcs = dts,
        visibility = visibility,
        **common
    )
    native.filegroup(
        name = name + "_js",
        srcs = glue,
        visibility = visibility,
        **common
    )
