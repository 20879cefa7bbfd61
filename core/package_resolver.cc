#include "core/package_resolver.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/types/span.h"
#include "core/file_util.h"

namespace kiln {
namespace {

// Keys keep their order: a package's "exports" conditions are tried in the order written.
using Json = nlohmann::ordered_json;

bool IsDirectory(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

bool IsFile(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

// The first of `base` + each of `suffixes` that is a file (the probing of extensionless
// paths: Node's legacy main, and what bundlers do).
std::optional<std::string> FirstFile(const std::string& base,
                                     std::initializer_list<const char*> suffixes) {
  for (const char* suffix : suffixes) {
    std::string candidate = absl::StrCat(base, suffix);
    if (IsFile(candidate)) return candidate;
  }
  return std::nullopt;
}

// The file a package.json "main" (or "module", or "browser" string) `main` of the folder
// `dir` names, as Node's LEGACY_MAIN_RESOLVE tries it: the file, then with .js or .json,
// then its index.
std::optional<std::string> LegacyMainFile(const std::string& dir, const std::string& main) {
  return FirstFile(absl::StrCat(dir, "/", main), {"", ".js", ".json", "/index.js", "/index.json"});
}

bool IsRoot(const std::string& dir) { return dir.empty() || dir == "/"; }

std::string BaseName(const std::string& dir) {
  size_t slash = dir.rfind('/');
  return slash == std::string::npos ? dir : dir.substr(slash + 1);
}

// "scheme:" at the front: an absolute URL, not a package or a path.
bool HasUrlScheme(std::string_view text) {
  if (text.empty() || !absl::ascii_isalpha(static_cast<unsigned char>(text[0]))) return false;
  for (size_t i = 1; i < text.size(); i++) {
    char c = text[i];
    if (c == ':') return true;
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  return false;
}

struct PackageJson {
  std::string path;  // the package.json
  std::string dir;   // the package's folder
  Json json;         // an object
};
using PackageJsonRef = std::shared_ptr<const PackageJson>;

// Parsed package.json files by path, each with the modification time and size it was
// parsed at (a changed file is parsed again). Resolving every import of a library reads
// the same few files.
struct CachedPackageJson {
  struct timespec modified;
  off_t size;
  PackageJsonRef package;
};
std::mutex g_package_cache_mutex;
absl::flat_hash_map<std::string, CachedPackageJson>& PackageCache() {
  static auto* cache = new absl::flat_hash_map<std::string, CachedPackageJson>();
  return *cache;
}

// The package.json in `dir`: null when there is none, an error when it is not a JSON object.
absl::StatusOr<PackageJsonRef> ReadPackageJson(const std::string& dir) {
  std::string path = absl::StrCat(dir, "/package.json");
  struct stat info;
  if (stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return PackageJsonRef();
  {
    std::lock_guard<std::mutex> lock(g_package_cache_mutex);
    auto it = PackageCache().find(path);
    if (it != PackageCache().end() && it->second.size == info.st_size &&
        it->second.modified.tv_sec == info.st_mtim.tv_sec &&
        it->second.modified.tv_nsec == info.st_mtim.tv_nsec) {
      return it->second.package;
    }
  }
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  Json json = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Invalid package configuration ", path, ": not a JSON object"));
  }
  auto package = std::make_shared<const PackageJson>(PackageJson{path, dir, std::move(json)});
  std::lock_guard<std::mutex> lock(g_package_cache_mutex);
  PackageCache()[path] = CachedPackageJson{info.st_mtim, info.st_size, package};
  return PackageJsonRef(package);
}

// The folder of the package the module in `dir` belongs to: the nearest folder with a
// package.json, not looking past a node_modules folder (Node's LOOKUP_PACKAGE_SCOPE).
std::optional<std::string> PackageScope(std::string dir) {
  while (true) {
    if (BaseName(dir) == "node_modules") return std::nullopt;
    if (IsFile(absl::StrCat(dir, "/package.json"))) return dir;
    if (IsRoot(dir)) return std::nullopt;
    dir = DirName(dir);
  }
}

// What resolving a target gave: nothing matched (undefined), the package excludes the
// subpath (null), or a file.
enum class Match { kUndefined, kNull, kFile };
struct Target {
  Match match = Match::kUndefined;
  std::string path;
};

absl::Status InvalidTarget(const PackageJson& package, const std::string& key,
                           const std::string& target, bool imports) {
  return absl::InvalidArgumentError(absl::StrCat(
      "Invalid \"", imports ? "imports" : "exports", "\" target \"", target, "\" defined for '",
      key, "' in ", package.path, imports ? "" : "; targets must start with \"./\""));
}

// A path segment a target or a pattern's match must not have: empty, ".", ".." or
// "node_modules", also percent-encoded and in any case.
bool IsInvalidSegment(absl::string_view segment) {
  auto hex = [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c)) ? c - '0'
                                                              : absl::ascii_tolower(c) - 'a' + 10;
  };
  std::string decoded;
  for (size_t i = 0; i < segment.size(); i++) {
    if (segment[i] == '%' && i + 2 < segment.size() &&
        absl::ascii_isxdigit(static_cast<unsigned char>(segment[i + 1])) &&
        absl::ascii_isxdigit(static_cast<unsigned char>(segment[i + 2]))) {
      decoded.push_back(static_cast<char>(hex(segment[i + 1]) * 16 + hex(segment[i + 2])));
      i += 2;
    } else {
      decoded.push_back(segment[i]);
    }
  }
  absl::AsciiStrToLower(&decoded);
  return decoded.empty() || decoded == "." || decoded == ".." || decoded == "node_modules";
}

bool HasInvalidSegment(absl::string_view path) {
  for (absl::string_view segment : absl::StrSplit(path, absl::ByAnyChar("/\\"))) {
    if (IsInvalidSegment(segment)) return true;
  }
  return false;
}

// The conditions of an import or of a require().
absl::Span<const std::string_view> ConditionsOf(PackageEntry entry) {
  if (entry == PackageEntry::kRequire) return kRequireConditions;
  return kImportConditions;
}

// "kiln, worker, ...", for messages.
std::string ConditionList(PackageEntry entry) {
  std::string list;
  for (std::string_view condition : ConditionsOf(entry)) {
    if (!list.empty()) list += ", ";
    list.append(condition.data(), condition.size());
  }
  return list;
}

bool IsCondition(const std::string& key, PackageEntry entry) {
  absl::Span<const std::string_view> conditions = ConditionsOf(entry);
  return std::find(conditions.begin(), conditions.end(), key) != conditions.end();
}

// PACKAGE_RESOLVE from a module in `importer_dir`; `browser_field`: whether the importing
// package's "browser" field may replace the import (not for its own replacements).
absl::StatusOr<std::string> ResolveIn(std::string_view specifier, const std::string& importer_dir,
                                      PackageEntry entry, bool browser_field = true);

// PACKAGE_TARGET_RESOLVE: `target` (a string, conditions, an array of fallbacks or null)
// for the "exports"/"imports" key `key`; `pattern_match` replaces the target's "*".
absl::StatusOr<Target> ResolveTarget(const PackageJson& package, const std::string& key,
                                     const Json& target,
                                     const std::optional<std::string>& pattern_match,
                                     bool imports, PackageEntry entry) {
  if (target.is_string()) {
    std::string text = target.get<std::string>();
    if (!absl::StartsWith(text, "./")) {
      // Only "imports" may name another package ("#dep": "dep/sub").
      if (!imports || absl::StartsWith(text, "../") || absl::StartsWith(text, "/") ||
          HasUrlScheme(text)) {
        return InvalidTarget(package, key, text, imports);
      }
      if (pattern_match) text = absl::StrReplaceAll(text, {{"*", *pattern_match}});
      absl::StatusOr<std::string> path = ResolveIn(text, package.dir, entry);
      if (!path.ok()) return path.status();
      return Target{Match::kFile, *path};
    }
    if (HasInvalidSegment(absl::string_view(text).substr(2))) {
      return InvalidTarget(package, key, text, imports);
    }
    std::string path = absl::StrCat(package.dir, text.substr(1));
    if (!pattern_match) return Target{Match::kFile, path};
    if (HasInvalidSegment(*pattern_match)) {
      return absl::InvalidArgumentError(
          absl::StrCat("Invalid module specifier: '", *pattern_match, "' matched by '", key,
                       "' in ", package.path, " has an empty, '.', '..' or node_modules segment"));
    }
    return Target{Match::kFile, absl::StrReplaceAll(path, {{"*", *pattern_match}})};
  }
  if (target.is_object()) {
    for (auto it = target.begin(); it != target.end(); ++it) {
      if (it.key() != "default" && !IsCondition(it.key(), entry)) continue;
      absl::StatusOr<Target> resolved =
          ResolveTarget(package, key, it.value(), pattern_match, imports, entry);
      if (!resolved.ok()) return resolved.status();
      if (resolved->match == Match::kUndefined) continue;
      return resolved;
    }
    return Target{};
  }
  if (target.is_array()) {
    if (target.empty()) return Target{Match::kNull, ""};
    absl::StatusOr<Target> last = Target{Match::kNull, ""};
    for (const Json& fallback : target) {
      last = ResolveTarget(package, key, fallback, pattern_match, imports, entry);
      if (!last.ok()) {
        if (absl::IsInvalidArgument(last.status())) continue;
        return last.status();
      }
      if (last->match == Match::kUndefined) continue;
      return last;
    }
    return last;
  }
  if (target.is_null()) return Target{Match::kNull, ""};
  return InvalidTarget(package, key, target.dump(), imports);
}

// PATTERN_KEY_COMPARE: the more specific pattern first.
bool MoreSpecificPattern(const std::string& a, const std::string& b) {
  size_t base_a = a.find('*') + 1;
  size_t base_b = b.find('*') + 1;
  if (base_a != base_b) return base_a > base_b;
  return a.size() > b.size();
}

// PACKAGE_IMPORTS_EXPORTS_RESOLVE: `match_key` ("./sub" or "#name") in the map `map`.
absl::StatusOr<Target> ResolveInMap(const PackageJson& package, const std::string& match_key,
                                    const Json& map, bool imports, PackageEntry entry) {
  auto exact = map.find(match_key);
  if (exact != map.end() && match_key.find('*') == std::string::npos) {
    return ResolveTarget(package, match_key, exact.value(), std::nullopt, imports, entry);
  }
  std::vector<std::string> patterns;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string& key = it.key();
    size_t star = key.find('*');
    if (star != std::string::npos && key.find('*', star + 1) == std::string::npos) {
      patterns.push_back(key);
    }
  }
  std::stable_sort(patterns.begin(), patterns.end(), MoreSpecificPattern);
  for (const std::string& pattern : patterns) {
    size_t star = pattern.find('*');
    std::string base = pattern.substr(0, star);
    std::string trailer = pattern.substr(star + 1);
    if (!absl::StartsWith(match_key, base) || match_key == base) continue;
    if (!trailer.empty() &&
        !(absl::EndsWith(match_key, trailer) && match_key.size() >= pattern.size())) {
      continue;
    }
    std::string matched =
        match_key.substr(base.size(), match_key.size() - base.size() - trailer.size());
    return ResolveTarget(package, pattern, map[pattern], matched, imports, entry);
  }
  return Target{};
}

// PACKAGE_EXPORTS_RESOLVE: `subpath` ("." or "./sub") through the package's "exports".
absl::StatusOr<std::string> ResolveExports(const PackageJson& package, const std::string& subpath,
                                           PackageEntry entry) {
  const Json& exports = package.json["exports"];
  bool dot_keys = false;
  if (exports.is_object()) {
    bool other_keys = false;
    for (auto it = exports.begin(); it != exports.end(); ++it) {
      (absl::StartsWith(it.key(), ".") ? dot_keys : other_keys) = true;
    }
    if (dot_keys && other_keys) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid package configuration ", package.path,
          ": \"exports\" cannot mix subpaths (keys starting with \".\") and conditions"));
    }
  }
  absl::StatusOr<Target> resolved = Target{};
  if (subpath == ".") {
    if (!dot_keys) {
      resolved = ResolveTarget(package, ".", exports, std::nullopt, false, entry);
    } else if (exports.contains(".")) {
      resolved = ResolveTarget(package, ".", exports["."], std::nullopt, false, entry);
    }
  } else if (dot_keys) {
    resolved = ResolveInMap(package, subpath, exports, false, entry);
  }
  if (!resolved.ok()) return resolved.status();
  if (resolved->match == Match::kFile) return resolved->path;
  return absl::FailedPreconditionError(absl::StrCat(
      subpath == "." ? "No \"exports\" main defined"
                     : absl::StrCat("Package subpath '", subpath, "' is not defined by \"exports\""),
      " in ", package.path, " for the conditions ", ConditionList(entry)));
}

// Without "exports": a "browser" field that is a string (the package's build for
// browsers, as bundlers read it), then for an import the "module" field, else "main"; for
// a require() "main"; else index.js (each as Node's LEGACY_MAIN_RESOLVE tries a main: the
// file, then with .js or .json, then its index).
absl::StatusOr<std::string> ResolveMain(const PackageJson& package, PackageEntry entry) {
  std::initializer_list<const char*> import_fields = {"browser", "module", "main"};
  std::initializer_list<const char*> require_fields = {"browser", "main"};
  for (const char* field : entry == PackageEntry::kRequire ? require_fields : import_fields) {
    auto it = package.json.find(field);
    if (it == package.json.end() || !it->is_string()) continue;
    // An ES module build is no entry for require().
    if (entry == PackageEntry::kRequire && absl::EndsWith(it->get<std::string>(), ".mjs")) {
      continue;
    }
    if (auto file = LegacyMainFile(package.dir, it->get<std::string>())) return *file;
  }
  if (auto index = FirstFile(package.dir, {"/index.js", "/index.json"})) return *index;
  return absl::NotFoundError(absl::StrCat(
      "the package ", package.dir, " has no entry (no \"exports\", no ",
      entry == PackageEntry::kRequire ? "\"main\"" : "\"module\" or \"main\"",
      " file, no index.js)"));
}

// PACKAGE_IMPORTS_RESOLVE: "#name" through the importing package's "imports".
absl::StatusOr<std::string> ResolveImports(const std::string& specifier,
                                           const std::string& importer_dir, PackageEntry entry) {
  if (specifier == "#" || absl::StartsWith(specifier, "#/")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Invalid module specifier '", specifier, "': \"#\" imports name a key after the \"#\""));
  }
  std::optional<std::string> scope = PackageScope(importer_dir);
  if (scope) {
    absl::StatusOr<PackageJsonRef> package = ReadPackageJson(*scope);
    if (!package.ok()) return package.status();
    const Json& json = (*package)->json;
    auto imports = json.find("imports");
    if (imports != json.end() && imports->is_object()) {
      absl::StatusOr<Target> resolved =
          ResolveInMap(**package, specifier, *imports, true, entry);
      if (!resolved.ok()) return resolved.status();
      if (resolved->match == Match::kFile) return resolved->path;
    }
    return absl::NotFoundError(absl::StrCat("the package import '", specifier,
                                            "' is not defined by \"imports\" in ",
                                            (*package)->path));
  }
  return absl::NotFoundError(absl::StrCat("the package import '", specifier,
                                          "' has no package.json above ", importer_dir));
}

// The "browser" object of the package `package` (null when it has none).
const Json* BrowserMap(const PackageJson& package) {
  auto browser = package.json.find("browser");
  return browser != package.json.end() && browser->is_object() ? &*browser : nullptr;
}

bool InNodeModules(const std::string& path) { return absl::StrContains(path, "/node_modules/"); }

// A "browser" field's replacement `value` (false, "./file" or a package), in `package`.
absl::StatusOr<std::string> BrowserReplacement(const PackageJson& package, const Json& value,
                                               PackageEntry entry) {
  if (value.is_boolean() && !value.get<bool>()) return std::string(kEmptyModuleUrl);
  if (!value.is_string()) {
    return absl::InvalidArgumentError(absl::StrCat("Invalid \"browser\" replacement ",
                                                   value.dump(), " in ", package.path));
  }
  std::string target = value.get<std::string>();
  if (absl::StartsWith(target, "./") || absl::StartsWith(target, "../")) {
    std::string path = absl::StrCat(package.dir, "/", target);
    return FirstFile(path, {"", ".js", "/index.js"}).value_or(path);
  }
  if (absl::EndsWith(target, "/")) target.pop_back();  // "buffer/": the package, not a builtin
  return ResolveIn(target, package.dir, entry, /*browser_field=*/false);
}

absl::StatusOr<std::string> ResolveIn(std::string_view specifier_view,
                                      const std::string& importer_dir, PackageEntry entry,
                                      bool browser_field) {
  std::string specifier(specifier_view);
  if (absl::StartsWith(specifier, "#")) return ResolveImports(specifier, importer_dir, entry);

  size_t name_end = specifier.find('/');
  if (absl::StartsWith(specifier, "@")) {
    name_end = name_end == std::string::npos ? name_end : specifier.find('/', name_end + 1);
    if (specifier.find('/') == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid module specifier '", specifier, "': a scoped package name is @scope/name"));
    }
  }
  std::string name = specifier.substr(0, name_end);
  if (name.empty() || absl::StartsWith(name, ".") || absl::StrContains(name, "\\") ||
      absl::StrContains(name, "%")) {
    return absl::InvalidArgumentError(
        absl::StrCat("Invalid module specifier '", specifier, "': not a valid package name"));
  }
  std::string subpath =
      absl::StrCat(".", name_end == std::string::npos ? "" : specifier.substr(name_end));
  if (absl::EndsWith(subpath, "/")) {
    return absl::InvalidArgumentError(
        absl::StrCat("Invalid module specifier '", specifier, "': it ends with \"/\""));
  }

  // A package in node_modules whose "browser" field replaces this import (bundlers' rule
  // for the builds kiln's "browser" condition picks: "url": false, "ws": "./ws-shim.js").
  if (browser_field && InNodeModules(importer_dir)) {
    if (std::optional<std::string> scope = PackageScope(importer_dir)) {
      absl::StatusOr<PackageJsonRef> importer_package = ReadPackageJson(*scope);
      if (!importer_package.ok()) return importer_package.status();
      const Json* browser = BrowserMap(**importer_package);
      if (browser != nullptr) {
        auto replaced = browser->find(specifier);
        if (replaced != browser->end() &&
            !(replaced->is_string() && (*replaced == specifier || *replaced == specifier + "/"))) {
          return BrowserReplacement(**importer_package, *replaced, entry);
        }
      }
    }
  }

  // A package importing itself by name, through its own "exports".
  if (std::optional<std::string> scope = PackageScope(importer_dir)) {
    absl::StatusOr<PackageJsonRef> self = ReadPackageJson(*scope);
    if (!self.ok()) return self.status();
    const Json& json = (*self)->json;
    auto own_name = json.find("name");
    auto exports = json.find("exports");
    if (own_name != json.end() && own_name->is_string() && *own_name == name &&
        exports != json.end() && !exports->is_null()) {
      return ResolveExports(**self, subpath, entry);
    }
  }

  for (std::string dir = importer_dir;; dir = DirName(dir)) {
    std::string package_dir =
        absl::StrCat(IsRoot(dir) ? "" : dir, "/node_modules/", name);
    if (IsDirectory(package_dir)) {
      absl::StatusOr<PackageJsonRef> package = ReadPackageJson(package_dir);
      if (!package.ok()) return package.status();
      PackageJsonRef package_json = *package;
      if (package_json == nullptr) {
        package_json = std::make_shared<const PackageJson>(
            PackageJson{absl::StrCat(package_dir, "/package.json"), package_dir, Json::object()});
      }
      const PackageJson& found = *package_json;
      auto exports = found.json.find("exports");
      if (exports != found.json.end() && !exports->is_null()) {
        return ResolveExports(found, subpath, entry);
      }
      if (subpath == ".") return ResolveMain(found, entry);
      return absl::StrCat(package_dir, subpath.substr(1));
    }
    if (IsRoot(dir)) break;
  }
  return absl::NotFoundError(absl::StrCat("no package '", name, "' in node_modules of ",
                                          importer_dir, " or of a folder above it"));
}

}  // namespace

bool IsPackageSpecifier(std::string_view specifier_view) {
  absl::string_view specifier(specifier_view.data(), specifier_view.size());
  if (specifier.empty() || absl::StartsWith(specifier, "/") || absl::StartsWith(specifier, "./") ||
      absl::StartsWith(specifier, "../") || specifier == "." || specifier == "..") {
    return false;
  }
  return !HasUrlScheme(specifier_view);
}

namespace {

// The file a require() of the path `required` loads (Node's LOAD_AS_FILE, then
// LOAD_AS_DIRECTORY: the folder's package.json "main", else its index), or `required`.
std::string RequiredFile(const std::string& required) {
  if (auto file = FirstFile(required, {"", ".js", ".json", ".cjs"})) return *file;
  if (IsDirectory(required)) {
    absl::StatusOr<PackageJsonRef> package = ReadPackageJson(required);
    if (package.ok() && *package != nullptr) {
      auto main = (*package)->json.find("main");
      if (main != (*package)->json.end() && main->is_string()) {
        if (auto file = LegacyMainFile(required, main->get<std::string>())) return *file;
      }
    }
  }
  return FirstFile(required, {"/index.js", "/index.json"}).value_or(required);
}

}  // namespace

absl::StatusOr<std::string> ResolvePackageFile(const std::string& imported, PackageEntry entry) {
  bool in_node_modules = InNodeModules(imported);
  if (entry == PackageEntry::kImport && !in_node_modules) return imported;
  std::string path =
      entry == PackageEntry::kRequire
          ? RequiredFile(imported)
          : FirstFile(imported, {"", ".js", ".mjs", ".json", "/index.js", "/index.mjs"})
                .value_or(imported);
  if (!in_node_modules) return path;
  std::optional<std::string> scope = PackageScope(DirName(path));
  if (!scope) return path;
  absl::StatusOr<PackageJsonRef> package = ReadPackageJson(*scope);
  if (!package.ok()) return package.status();
  const Json* browser = BrowserMap(**package);
  if (browser == nullptr) return path;
  std::string relative = path.substr(scope->size() + 1);
  for (auto it = browser->begin(); it != browser->end(); ++it) {
    absl::string_view key = it.key();
    if (!absl::ConsumePrefix(&key, "./")) continue;  // a package, not a file
    for (const char* suffix : {"", ".js", ".mjs", "/index.js"}) {
      if (relative == absl::StrCat(key, suffix)) {
        return BrowserReplacement(**package, it.value(), entry);
      }
    }
  }
  return path;
}

absl::StatusOr<std::string> ResolvePackage(std::string_view specifier,
                                           const std::string& importer_dir, PackageEntry entry) {
  return ResolveIn(specifier, importer_dir, entry);
}

std::string PackageTypeOf(const std::string& file) {
  std::optional<std::string> scope = PackageScope(DirName(file));
  if (!scope) return "";
  absl::StatusOr<PackageJsonRef> package = ReadPackageJson(*scope);
  if (!package.ok() || *package == nullptr) return "";
  auto type = (*package)->json.find("type");
  if (type == (*package)->json.end() || !type->is_string()) return "";
  return type->get<std::string>();
}

}  // namespace kiln
