#ifndef KILN_CORE_CODE_CACHE_H_
#define KILN_CORE_CODE_CACHE_H_

// V8 code cache for modules compiled through a runtime's module loader
// (RuntimeOptions::code_cache). Thread-safe: one cache may be shared by any number of
// runtimes on any threads (typically every worker of a pool), so the second runtime to
// load a bundle deserialises its bytecode instead of parsing it again.
//
// Entries are keyed by (URL, hash of the source): a changed source is a different entry.
// A module compiled without an entry produces one once its evaluation has run (then it
// also holds the functions the evaluation compiled). V8 checks an entry against its own
// version, flags and the source; an entry it rejects is counted, dropped and replaced by a
// fresh one. Entries live as long as the cache (no eviction).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"

namespace kiln {

class CodeCache {
 public:
  struct Stats {
    size_t hits = 0;       // compiled with an entry V8 accepted
    size_t misses = 0;     // compiled without an entry
    size_t rejected = 0;   // an entry V8 refused (version, flags or source mismatch)
    size_t produced = 0;   // entries stored
    size_t entries = 0;
    size_t bytes = 0;      // sum of the entries' sizes
  };

  CodeCache() = default;
  CodeCache(const CodeCache&) = delete;
  CodeCache& operator=(const CodeCache&) = delete;

  // The hash the cache keys a source by.
  static uint64_t HashSource(std::string_view source);

  // The entry for (url, source_hash), or null.
  std::shared_ptr<const std::string> Find(const std::string& url, uint64_t source_hash) const;
  // Stores (or replaces) an entry.
  void Store(const std::string& url, uint64_t source_hash, std::string data);
  // Drops an entry V8 rejected.
  void Reject(const std::string& url, uint64_t source_hash);
  void CountHit();
  void CountMiss();

  Stats stats() const;

 private:
  using Key = std::pair<std::string, uint64_t>;
  mutable std::mutex mutex_;
  absl::flat_hash_map<Key, std::shared_ptr<const std::string>> entries_;
  Stats stats_;
};

}  // namespace kiln

#endif  // KILN_CORE_CODE_CACHE_H_
