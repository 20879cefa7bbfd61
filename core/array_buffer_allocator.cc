#include "core/array_buffer_allocator.h"

#include <atomic>
#include <utility>

namespace kiln {
namespace {

class CountingAllocator : public v8::ArrayBuffer::Allocator {
 public:
  CountingAllocator(size_t limit, std::function<void()> on_limit)
      : base_(v8::ArrayBuffer::Allocator::NewDefaultAllocator()),
        limit_(limit),
        on_limit_(std::move(on_limit)) {}

  void* Allocate(size_t length) override { return Counted(base_->Allocate(length), length); }
  void* AllocateUninitialized(size_t length) override {
    return Counted(base_->AllocateUninitialized(length), length);
  }
  void Free(void* data, size_t length) override {
    if (data != nullptr) live_.fetch_sub(length);
    base_->Free(data, length);
  }

 private:
  void* Counted(void* data, size_t length) {
    if (data == nullptr) return nullptr;
    size_t live = live_.fetch_add(length) + length;
    if (limit_ != 0 && live > limit_ && !reported_.exchange(true)) on_limit_();
    return data;
  }

  std::unique_ptr<v8::ArrayBuffer::Allocator> base_;
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
