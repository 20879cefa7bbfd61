#ifndef KILN_CORE_PACKAGE_RESOLVER_H_
#define KILN_CORE_PACKAGE_RESOLVER_H_

// Package specifiers ("hono", "@scope/pkg/sub", "#internal") resolved to files the way
// Node.js resolves them for ES modules (https://nodejs.org/api/esm.html, "Resolution
// algorithm specification"): the package's folder is found in the `node_modules` folders
// from the importer's folder up to the root, then its package.json's "exports" (or, for
// "#" specifiers, the importing package's "imports") maps the subpath to a file. Without
// "exports", the package's main entry is its "browser" field when that is a string (its
// build for browsers), then its "module" field (the ES module entry bundlers read), else
// "main", else index.js; a subpath names a file in the package.
//
// Conditions, in the order a package's "exports" lists them, match when they are one of
// the entry's conditions: kImportConditions for an import, kRequireConditions for a
// require() (core/commonjs.h). kiln is a web-platform runtime without Node's built-in
// modules, so it takes the builds made for workers and browsers, as Cloudflare's workerd
// does.
//
// A package in node_modules may also replace files and imports with its "browser" field,
// and its modules may leave out extensions (ResolvePackageFile).

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace kiln {

// What asks for a package: an ES module's import, or CommonJS's require().
enum class PackageEntry { kImport, kRequire };

// The conditions a package's "exports" and "imports" are matched against.
inline constexpr std::string_view kImportConditions[] = {"kiln",   "worker", "browser",
                                                         "import", "module", "default"};
inline constexpr std::string_view kRequireConditions[] = {"kiln", "worker", "browser",
                                                          "require", "default"};

// True for a specifier that names a package (or, with "#", an import of the importing
// package): not a path ("./", "../", "/"), not a URL with a scheme.
bool IsPackageSpecifier(std::string_view specifier);

// The module a package's "browser" field maps to false: an empty module.
inline constexpr char kEmptyModuleUrl[] = "data:text/javascript,export%20default%20%7B%7D%3B";

// The absolute path of the file `specifier` names, imported (or, with kRequire, required)
// from a module in the folder `importer_dir` (an absolute path), or kEmptyModuleUrl.
// Without "exports", an import's entry is the package's "browser" string, else "module",
// else "main"; a require()'s is "browser" (unless an .mjs file), else "main". The file
// itself is not checked: loading it reports a missing one. Errors, with messages that name
// the package.json at fault:
//   NotFound          no such package in any node_modules above `importer_dir`, or a "#"
//                     import the importing package does not define
//   InvalidArgument   an invalid specifier, package.json, or target in it
//   FailedPrecondition a subpath the package's "exports" does not export
absl::StatusOr<std::string> ResolvePackage(std::string_view specifier,
                                           const std::string& importer_dir,
                                           PackageEntry entry = PackageEntry::kImport);

// A file a module in node_modules imports (`imported`: the absolute path a relative
// specifier or a package resolved to), as bundlers resolve it, since the builds kiln's
// "browser" and "module" conditions pick are made for bundlers: a path without its
// extension finds the file with .js, .mjs or .json, or its folder's index.js; then the
// package's "browser" object may replace the file ("./lib/node.js": "./lib/browser.js",
// or false: kEmptyModuleUrl). Outside node_modules, `imported` as is: a project's own
// imports name their files exactly, as in Node. ResolvePackage applies the same "browser"
// field to the package names a package imports.
// With kRequire, anywhere, Node's require() probing: the path, then with .js, .json or
// .cjs, then as a folder (its package.json "main", else index.js or index.json).
absl::StatusOr<std::string> ResolvePackageFile(const std::string& imported,
                                               PackageEntry entry = PackageEntry::kImport);

// The "type" field ("module", "commonjs") of the package.json nearest above `file`, not
// looking past a node_modules folder; "" when there is none.
std::string PackageTypeOf(const std::string& file);

}  // namespace kiln

#endif  // KILN_CORE_PACKAGE_RESOLVER_H_
