#include "core/array_buffer_allocator.h"

#include <cstdint>
#include <cstring>

#include "gtest/gtest.h"

namespace kiln {
namespace {

bool AllZero(const void* data, size_t length) {
  const uint8_t* bytes = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < length; i++) {
    if (bytes[i] != 0) return false;
  }
  return true;
}

// Large blocks are reused at any length of the same capacity, and Allocate zero-fills a
// reused one (AllocateUninitialized need not).
TEST(CountingAllocatorTest, ReusedLargeBlocksAreZeroFilled) {
  auto allocator = NewCountingAllocator(0, [] {});
  constexpr size_t kLength = (size_t{1} << 20) - 100;
  void* first = allocator->Allocate(kLength);
  ASSERT_NE(first, nullptr);
  EXPECT_TRUE(AllZero(first, kLength));
  std::memset(first, 0xab, kLength);
  allocator->Free(first, kLength);

  void* second = allocator->AllocateUninitialized(kLength + 50);  // the same 64 KiB unit
  EXPECT_EQ(second, first);
  std::memset(second, 0xcd, kLength + 50);
  allocator->Free(second, kLength + 50);

  void* third = allocator->Allocate(kLength + 80);
  EXPECT_EQ(third, first);
  EXPECT_TRUE(AllZero(third, kLength + 80));
  allocator->Free(third, kLength + 80);
}

// Small contents come from malloc; Allocate zero-fills them.
TEST(CountingAllocatorTest, SmallBlocksAreZeroFilled) {
  auto allocator = NewCountingAllocator(0, [] {});
  for (int round = 0; round < 3; round++) {
    void* data = allocator->Allocate(4096);
    ASSERT_NE(data, nullptr);
    EXPECT_TRUE(AllZero(data, 4096));
    std::memset(data, 0xef, 4096);
    allocator->Free(data, 4096);
  }
}

// Blocks still in use when the owner lets go (memory a worker's message moved to another
// runtime) keep the allocator: freeing them later goes through it, and the last one
// deletes it (ASan reports a use after free or a leak otherwise).
TEST(CountingAllocatorTest, OutlivesItsOwnerWhileItsBlocksLive) {
  v8::ArrayBuffer::Allocator* raw = nullptr;
  void* small = nullptr;
  void* large = nullptr;
  {
    auto allocator = NewCountingAllocator(0, [] {});
    raw = allocator.get();
    small = allocator->Allocate(100);
    large = allocator->AllocateUninitialized(size_t{1} << 20);
    ASSERT_NE(small, nullptr);
    ASSERT_NE(large, nullptr);
  }
  std::memset(large, 1, size_t{1} << 20);
  raw->Free(small, 100);
  raw->Free(large, size_t{1} << 20);  // the last block: the allocator goes with it
}

// The limit is reported once, when live contents first pass it; memory is still given.
TEST(CountingAllocatorTest, ReportsTheLimitOnce) {
  int reports = 0;
  auto allocator = NewCountingAllocator(size_t{3} << 20, [&] { reports++; });
  constexpr size_t kMiB = size_t{1} << 20;
  void* a = allocator->Allocate(2 * kMiB);
  EXPECT_EQ(reports, 0);
  void* b = allocator->Allocate(2 * kMiB);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(reports, 1);
  void* c = allocator->AllocateUninitialized(2 * kMiB);
  EXPECT_EQ(reports, 1);
  allocator->Free(a, 2 * kMiB);
  allocator->Free(b, 2 * kMiB);
  allocator->Free(c, 2 * kMiB);
}

}  // namespace
}  // namespace kiln
