#ifndef KILN_CORE_SNAPSHOT_H_
#define KILN_CORE_SNAPSHOT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace kiln {

struct Extension;

// A startup snapshot: the bytes CreateSnapshot made (kiln_snapshot() in //:defs.bzl
// embeds them in a binary). A small header (format version, the fingerprint of the
// ordered external references, the names of the extensions it holds) precedes V8's blob;
// V8 code caches of the extension modules it does not hold (the lazy ones) follow it
// (core/README.md, "Lazy modules"). The bytes must outlive every runtime made from them.
struct Snapshot {
  const char* data;
  size_t size;
};

// Makes a snapshot of a runtime with the core extension and `extensions` (plus nothing
// else) loaded and evaluated. Per-runtime facts (arguments, time origins, the loop, op and
// extension state) are not in it: each runtime attaches its own after deserialising.
absl::StatusOr<std::string> CreateSnapshot(std::vector<const Extension*> extensions);

// The names of the extensions `snapshot` holds (besides core), in load order. A runtime can
// use the snapshot when it installs all of them (others load on top). InvalidArgument if
// the bytes are not a kiln snapshot.
absl::StatusOr<std::vector<std::string>> SnapshotExtensions(const Snapshot& snapshot);

}  // namespace kiln

#endif  // KILN_CORE_SNAPSHOT_H_
