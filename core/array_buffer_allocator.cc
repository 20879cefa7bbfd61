#include "core/array_buffer_allocator.h"

#include <sys/mman.h>

#include <atomic>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>

namespace kiln {
namespace {

// Contents of kLargeBlockBytes or more are mapped directly, in transparent huge pages
// where the kernel gives them on request (its default is `madvise`), and kept for reuse
// when freed (up to kMaxPooledBytes per runtime). Filling a fresh block of tens of MiB costs
// more in page faults and the kernel's zeroing of the new pages than in the copy itself; a
// reused block costs only the copy (or, for zero-filled contents, a memset).
constexpr size_t kHugePageBytes = size_t{2} << 20;
constexpr size_t kLargeBlockBytes = size_t{4} << 20;
constexpr size_t kMaxPooledBytes = size_t{128} << 20;

class LargeBlockPool {
 public:
  LargeBlockPool() = default;
  LargeBlockPool(const LargeBlockPool&) = delete;
  LargeBlockPool& operator=(const LargeBlockPool&) = delete;
  ~LargeBlockPool() {
    for (const auto& [capacity, block] : free_) munmap(block, capacity);
  }

  static bool IsLarge(size_t length) { return length >= kLargeBlockBytes; }

  // A block for `length` bytes (IsLarge): a freed one of the same capacity, or a new
  // mapping (zero-filled by the kernel). `zeroed`: the caller needs zeros.
  void* Take(size_t length, bool zeroed) {
    size_t capacity = CapacityFor(length);
    void* block = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = free_.find(capacity);
      if (it != free_.end()) {
        block = it->second;
        free_.erase(it);
        pooled_bytes_ -= capacity;
      }
    }
    if (block != nullptr) {
      if (zeroed) std::memset(block, 0, length);
      return block;
    }
    block = mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (block == MAP_FAILED) return nullptr;
    // Advice only: where the kernel declines, the block is faulted in 4 KiB pages.
    madvise(block, capacity, MADV_HUGEPAGE);
    return block;
  }

  // Takes back a block Take gave for `length` bytes: kept while the pool has room.
  void Give(void* block, size_t length) {
    size_t capacity = CapacityFor(length);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (pooled_bytes_ + capacity <= kMaxPooledBytes) {
        free_.emplace(capacity, block);
        pooled_bytes_ += capacity;
        return;
      }
    }
    munmap(block, capacity);
  }

 private:
  static size_t CapacityFor(size_t length) {
    return (length + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
  }

  std::mutex mutex_;
  std::multimap<size_t, void*> free_;  // capacity -> block
  size_t pooled_bytes_ = 0;
};

class CountingAllocator : public v8::ArrayBuffer::Allocator {
 public:
  CountingAllocator(size_t limit, std::function<void()> on_limit)
      : base_(v8::ArrayBuffer::Allocator::NewDefaultAllocator()),
        limit_(limit),
        on_limit_(std::move(on_limit)) {}

  void* Allocate(size_t length) override {
    void* data = LargeBlockPool::IsLarge(length) ? large_.Take(length, /*zeroed=*/true)
                                                 : base_->Allocate(length);
    return Counted(data, length);
  }
  void* AllocateUninitialized(size_t length) override {
    void* data = LargeBlockPool::IsLarge(length) ? large_.Take(length, /*zeroed=*/false)
                                                 : base_->AllocateUninitialized(length);
    return Counted(data, length);
  }
  void Free(void* data, size_t length) override {
    if (data == nullptr) return;
    live_.fetch_sub(length);
    if (LargeBlockPool::IsLarge(length)) {
      large_.Give(data, length);
    } else {
      base_->Free(data, length);
    }
  }

 private:
  void* Counted(void* data, size_t length) {
    if (data == nullptr) return nullptr;
    size_t live = live_.fetch_add(length) + length;
    if (limit_ != 0 && live > limit_ && !reported_.exchange(true)) on_limit_();
    return data;
  }

  std::unique_ptr<v8::ArrayBuffer::Allocator> base_;
  LargeBlockPool large_;
  const size_t limit_;
  const std::function<void()> on_limit_;
  std::atomic<size_t> live_{0};
  std::atomic<bool> reported_{false};
};

}  // namespace

std::unique_ptr<v8::ArrayBuffer::Allocator> NewCountingAllocator(size_t limit_bytes,
                                                                 std::function<void()> on_limit) {
  return std::make_unique<CountingAllocator>(limit_bytes, std::move(on_limit));
}

}  // namespace kiln
