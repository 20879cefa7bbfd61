#ifndef KILN_CORE_FILE_UTIL_H_
#define KILN_CORE_FILE_UTIL_H_

#include <string>

#include "absl/status/statusor.h"

namespace kiln {

// Reads a whole file. NotFound when it does not exist; other errors name the path and the
// system's reason ("cannot read '/x': Permission denied", "... Is a directory").
absl::StatusOr<std::string> ReadFile(const std::string& path);

// `path` made absolute against the current directory and lexically normalised (no "."
// or ".." parts, no repeated slashes). Symlinks are not resolved.
std::string AbsolutePath(const std::string& path);

// The directory part of an absolute path ("/a/b.js" -> "/a").
std::string DirName(const std::string& path);

// Resolves symlinks; empty when the file does not exist.
std::string RealPath(const std::string& path);

// "file:///a/b%20c.mjs" for "/a/b c.mjs", and back.
std::string PathToFileUrl(const std::string& path);
std::string FileUrlToPath(const std::string& url);

}  // namespace kiln

#endif  // KILN_CORE_FILE_UTIL_H_
