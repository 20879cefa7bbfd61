"""kiln_ops(): op headers -> V8 bindings, an op table and TypeScript declarations.

    load("//codegen:defs.bzl", "kiln_ops")

    kiln_ops(
        name = "fs_ops",
        hdrs = ["fs_ops.h"],        # KILN_OP / KILN_STRUCT declarations
        srcs = ["fs_ops.cc"],       # their definitions
        deps = ["//some:dep"],
    )

For each header `dir/x.h` (a file of this package) the generator writes `dir/x_bindings.cc`,
`dir/x_table.h` (declares `kiln::generated::x`, the header's kiln::OpTable) and
`dir/x.d.ts`. `name` is a cc_library of srcs + the bindings, exporting hdrs + the table
headers; `name + "_dts"` is a filegroup of the .d.ts files. Sources are compiled with
-Werror=missing-declarations, so an op definition that does not match its KILN_OP
declaration fails the build instead of leaving the declared op undefined.
"""

_GEN = "//codegen:gen"

# What generated bindings need, besides the user's deps.
_SUPPORT_DEPS = [
    "//core:op_support",
    "//ops",
    "//third_party:absl",
    "@libnode//:v8",
]

def _normalize(label):
    """'//ops' and '//ops:ops' are the same target (for de-duplicating deps)."""
    if ":" in label:
        return label
    return label + ":" + label.split("/")[-1]

def kiln_ops(name, hdrs, srcs = [], deps = [], visibility = None, **kwargs):
    """Generates bindings for `hdrs` and builds them with `srcs` into cc_library `name`.

    Args:
      name: the cc_library; `name + "_dts"` is the filegroup of .d.ts files.
      hdrs: op headers (files of this package, ending in .h).
      srcs: the ops' definitions (and anything else the library needs).
      deps: extra dependencies; //core:op_support, //ops, absl and V8 are always added.
      visibility: of the library and the filegroup.
      **kwargs: passed to the cc_library (testonly, tags, ...); testonly and tags also
        apply to the generator actions and the filegroup.
    """
    package = native.package_name()
    bindings = []
    tables = []
    dts = []
    common = {}
    for key in ("testonly", "tags"):
        if key in kwargs:
            common[key] = kwargs[key]
    for hdr in hdrs:
        if ":" in hdr or hdr.startswith("/") or not hdr.endswith(".h"):
            fail("kiln_ops(%s): hdrs are .h files of this package, got %r" % (name, hdr))
        base = hdr[:-len(".h")]
        outs = [base + "_bindings.cc", base + "_table.h", base + ".d.ts"]
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
                "--out-dts $(location %s)" % outs[2],
            ]),
            tools = [_GEN],
            message = "Generating op bindings for " + header_path,
            visibility = ["//visibility:private"],
            **common
        )
        bindings.append(outs[0])
        tables.append(outs[1])
        dts.append(outs[2])

    copts = ["-Werror=missing-declarations"] + kwargs.pop("copts", [])
    seen = [_normalize(d) for d in deps]
    all_deps = list(deps)
    for dep in _SUPPORT_DEPS:
        if _normalize(dep) not in seen:
            all_deps.append(dep)

    native.cc_library(
        name = name,
        srcs = srcs + bindings,
        hdrs = hdrs + tables,
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
