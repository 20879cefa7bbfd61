"""kiln_repositories(): the external repositories kiln's targets need. Nothing is downloaded.

kiln's own WORKSPACE calls it, and so does the WORKSPACE of a project that uses kiln:

    local_repository(
        name = "kiln",
        path = "/path/to/kiln",  # a kiln checkout on which tools/setup ran
    )

    load("@kiln//:repositories.bzl", "kiln_repositories")

    kiln_repositories()

It declares, unless the WORKSPACE declared a repository of that name before:

- @libnode: V8 10.2 (inside Node 18's libnode) that tools/setup unpacked from Debian's
  libnode108 + libnode-dev into <kiln>/third_party/libnode, with the V8 headers libnode-dev
  lacks (<kiln>/third_party/v8_extra/include). BUILD file: third_party/libnode.BUILD.
- @rules_cc, @rules_java, @remote_coverage_tools: the offline stand-ins of
  <kiln>/third_party/bazel_offline. Bazel 4.2.3's WORKSPACE suffix declares these as
  downloads; declared first, as local directories, every build stays offline.
- The Python toolchain (tools/python): py_binary targets, such as the op binding generator
  (codegen/gen.py, Jinja2), run on Debian's /usr/bin/python3 with python3-jinja2.

Every path is found from kiln's own location (the repository this file belongs to), so the
same declarations work when kiln is the main workspace and when it is `@kiln`.
"""

# A file at the root of the repository this .bzl file belongs to: the main repository when
# kiln is built on its own, @kiln when another workspace uses it.
_KILN_ROOT_FILE = Label("//:repositories.bzl")

def _kiln_root(repository_ctx):
    return repository_ctx.path(_KILN_ROOT_FILE).dirname

def _kiln_path(repository_ctx, relative, what):
    path = repository_ctx.path("%s/%s" % (_kiln_root(repository_ctx), relative))
    if not path.exists:
        fail(("kiln: %s is missing (%s). Run tools/setup in the kiln checkout %s first.") % (
            relative,
            what,
            _kiln_root(repository_ctx),
        ))
    return path

def _libnode_impl(repository_ctx):
    usr = _kiln_path(repository_ctx, "third_party/libnode/usr", "V8 from Debian's libnode108")
    extra = _kiln_path(
        repository_ctx,
        "third_party/v8_extra/include",
        "the V8 headers libnode-dev does not ship",
    )
    repository_ctx.symlink(usr.get_child("include"), "include")
    repository_ctx.symlink(usr.get_child("lib"), "lib")
    repository_ctx.symlink(extra, "v8_extra/include")
    repository_ctx.symlink(repository_ctx.attr.build_file, "BUILD.bazel")
    repository_ctx.file("WORKSPACE", 'workspace(name = "%s")\n' % repository_ctx.name)

_libnode = repository_rule(
    implementation = _libnode_impl,
    attrs = {"build_file": attr.label(allow_single_file = True)},
    local = True,
    doc = "libnode (V8) as tools/setup unpacked it into kiln's third_party/.",
)

def _kiln_directory_impl(repository_ctx):
    source = _kiln_path(repository_ctx, repository_ctx.attr.path, "checked into kiln")
    for child in source.readdir():
        repository_ctx.symlink(child, child.basename)

_kiln_directory = repository_rule(
    implementation = _kiln_directory_impl,
    attrs = {"path": attr.string(mandatory = True)},
    local = True,
    doc = "A repository made of a directory of the kiln checkout (a local_repository " +
          "whose path is relative to kiln rather than to the main workspace).",
)

def kiln_repositories():
    """Declares the repositories kiln's targets use and registers its Python toolchain."""
    existing = native.existing_rules()
    if "libnode" not in existing:
        _libnode(
            name = "libnode",
            build_file = Label("//third_party:libnode.BUILD"),
        )
    for name in ("rules_cc", "rules_java", "remote_coverage_tools"):
        if name not in existing:
            _kiln_directory(name = name, path = "third_party/bazel_offline/" + name)
    native.register_toolchains(str(Label("//tools/python:py_toolchain")))
