#include "core/array_buffer_allocator.h"

#include <sys/mman.h>

#include <atomic>
#include <cstring>
#include <deque>
#include <iterator>
#include <mutex>
#include <utility>
#include <vector>

namespace kiln {
namespace {

// Contents of kLargeBlockBytes or more are mapped directly and kept for reuse when freed
// (the most recently freed kMaxPooledBytes per runtime: blocks of a MiB or two, the garbage
// of a loop, come back at once; a 64 MiB one is unmapped, since keeping it idle would raise
// the peak RSS by as much). Filling a fresh block of a MiB or more costs more in page
// faults and the kernel's zeroing of the new pages than in the copy itself; a reused block
// costs only the copy (or, for zero-filled contents, a memset). malloc gives such blocks
// back to the kernel on free (mmap, or a trimmed heap top), so they come back fresh every
// time. Blocks of kHugePageAdviceBytes or more ask for transparent huge pages (the kernel's
// default is `madvise`): one fault per 2 MiB.
constexpr size_t kLargeBlockBytes = size_t{256} << 10;
constexpr size_t kHugePageAdviceBytes = size_t{4} << 20;
constexpr size_t kMaxPooledBytes = size_t{32} << 20;

class LargeBlockPool {
 public:
  LargeBlockPool() = default;
  LargeBlockPool(const LargeBlockPool&) = delete;
  LargeBlockPool& operator=(const LargeBlockPool&) = delete;
  ~LargeBlockPool() {
    for (const FreeBlock& free : free_) munmap(free.block, free.capacity);
  }

  static bool IsLarge(size_t length) { return length >= kLargeBlockBytes; }

  // A block for `length` bytes (IsLarge): the most recently freed one of the same
  // capacity, or a new mapping (zero-filled by the kernel). `zeroed`: the caller needs
  // zeros.
  void* Take(size_t length, bool zeroed) {
    size_t capacity = CapacityFor(length);
    void* block = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto it = free_.rbegin(); it != free_.rend(); ++it) {
        if (it->capacity != capacity) continue;
        block = it->block;
        free_.erase(std::next(it).base());
        pooled_bytes_ -= capacity;
        break;
      }
    }
    if (block != nullptr) {
      if (zeroed) std::memset(block, 0, length);
      return block;
    }
    block = mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (block == MAP_FAILED) return nullptr;
    // Advice only: where the kernel declines, the block is faulted in 4 KiB pages.
    if (capacity >= kHugePageAdviceBytes) madvise(block, capacity, MADV_HUGEPAGE);
    return block;
  }

  // Takes back a block Take gave for `length` bytes; the oldest free blocks are unmapped
  // when the pool holds more than kMaxPooledBytes.
  void Give(void* block, size_t length) {
    size_t capacity = CapacityFor(length);
    std::vector<FreeBlock> unmap;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      free_.push_back({block, capacity});
      pooled_bytes_ += capacity;
      while (pooled_bytes_ > kMaxPooledBytes) {
        unmap.push_back(free_.front());
        pooled_bytes_ -= free_.front().capacity;
        free_.pop_front();
      }
    }
    for (const FreeBlock& free : unmap) munmap(free.block, free.capacity);
  }

 private:
  struct FreeBlock {
    void* block;
    size_t capacity;
  };

  // Whole 64 KiB units below kHugePageAdviceBytes, whole huge pages from it on.
  static size_t CapacityFor(size_t length) {
    size_t unit = length >= kHugePageAdviceBytes ? size_t{2} << 20 : size_t{64} << 10;
    return (length + unit - 1) & ~(unit - 1);
  }

  std::mutex mutex_;
  std::deque<FreeBlock> free_;  // oldest first
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
    Unref();
  }

  // The owner is done with the allocator: it goes once every block it gave is freed.
  void Release() { Unref(); }

 private:
  void* Counted(void* data, size_t length) {
    if (data == nullptr) return nullptr;
    refs_.fetch_add(1);
    size_t live = live_.fetch_add(length) + length;
    if (limit_ != 0 && live > limit_ && !reported_.exchange(true)) on_limit_();
    return data;
  }

  void Unref() {
    if (refs_.fetch_sub(1) == 1) delete this;
  }

  std::unique_ptr<v8::ArrayBuffer::Allocator> base_;
  LargeBlockPool large_;
  const size_t limit_;
  const std::function<void()> on_limit_;
  std::atomic<size_t> live_{0};
  std::atomic<bool> reported_{false};
  // The owner's reference and one per block given and not yet freed.
  std::atomic<size_t> refs_{1};
};

}  // namespace

void ReleaseCountingAllocator::operator()(v8::ArrayBuffer::Allocator* allocator) const {
  static_cast<CountingAllocator*>(allocator)->Release();
}

CountingAllocatorPtr NewCountingAllocator(size_t limit_bytes, std::function<void()> on_limit) {
  return CountingAllocatorPtr(new CountingAllocator(limit_bytes, std::move(on_limit)));
}

}  // namespace kiln
