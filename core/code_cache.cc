#include "core/code_cache.h"

#include <utility>

namespace kiln {

uint64_t CodeCache::HashSource(std::string_view source) {
  uint64_t hash = 1469598103934665603ull;  // FNV-1a, 64-bit
  for (unsigned char c : source) hash = (hash ^ c) * 1099511628211ull;
  return hash ^ source.size();
}

std::shared_ptr<const std::string> CodeCache::Find(const std::string& url,
                                                   uint64_t source_hash) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(Key(url, source_hash));
  return it == entries_.end() ? nullptr : it->second;
}

void CodeCache::Store(const std::string& url, uint64_t source_hash, std::string data) {
  auto entry = std::make_shared<const std::string>(std::move(data));
  std::lock_guard<std::mutex> lock(mutex_);
  auto [it, inserted] = entries_.try_emplace(Key(url, source_hash), entry);
  if (!inserted) {
    stats_.bytes -= it->second->size();
    it->second = entry;
  }
  stats_.bytes += entry->size();
  ++stats_.produced;
}

void CodeCache::Reject(const std::string& url, uint64_t source_hash) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++stats_.rejected;
  auto it = entries_.find(Key(url, source_hash));
  if (it == entries_.end()) return;
  stats_.bytes -= it->second->size();
  entries_.erase(it);
}

void CodeCache::CountHit() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++stats_.hits;
}

void CodeCache::CountMiss() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++stats_.misses;
}

CodeCache::Stats CodeCache::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  Stats stats = stats_;
  stats.entries = entries_.size();
  return stats;
}

}  // namespace kiln
