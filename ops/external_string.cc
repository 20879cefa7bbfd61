#include "ops/external_string.h"

#include <cstdlib>
#include <cstring>
#include <memory>

namespace kiln {

// ------------------------------------------------------------------- StringBlockPool --

StringBlockPool& StringBlockPool::Instance() {
  static StringBlockPool* pool = new StringBlockPool();
  return *pool;
}

char* StringBlockPool::Take(size_t size, size_t* capacity) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    size_t best = free_.size();
    for (size_t i = 0; i < free_.size(); ++i) {
      if (free_[i].capacity >= size && free_[i].capacity / 2 <= size &&
          (best == free_.size() || free_[i].capacity < free_[best].capacity)) {
        best = i;
      }
    }
    if (best != free_.size()) {
      Block block = free_[best];
      free_[best] = free_.back();
      free_.pop_back();
      free_bytes_ -= block.capacity;
      ++blocks_taken_;
      *capacity = block.capacity;
      return block.data;
    }
  }
  char* data = static_cast<char*>(std::malloc(size == 0 ? 1 : size));
  *capacity = data == nullptr ? 0 : size;
  if (data != nullptr) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++blocks_taken_;
  }
  return data;
}

void StringBlockPool::Give(char* block, size_t capacity) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --blocks_taken_;
    if (free_bytes_ + capacity <= kMaxPooledBytes) {
      free_.push_back({block, capacity});
      free_bytes_ += capacity;
      return;
    }
  }
  std::free(block);
}

StringBlockPool::Stats StringBlockPool::stats() {
  std::lock_guard<std::mutex> lock(mutex_);
  return Stats{free_.size(), free_bytes_, blocks_taken_};
}

void StringBlockPool::Trim() {
  std::vector<Block> blocks;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    blocks.swap(free_);
    free_bytes_ = 0;
  }
  for (const Block& block : blocks) std::free(block.data);
}

namespace {

// ------------------------------------------------------------ pooled external strings --

// An external string's characters in a pooled block. The block counts as external memory
// of the isolate while the string lives, so that garbage collection comes soon enough for
// blocks to be recycled rather than allocated anew. V8 disposes of the resource (deletes
// it) when the string dies, is internalized, or its isolate is disposed.
template <typename Char, typename Base>
class PooledExternalString final : public Base {
 public:
  using Unit = std::conditional_t<sizeof(Char) == 1, char, uint16_t>;

  PooledExternalString(v8::Isolate* isolate, Char* block, size_t capacity, size_t length)
      : isolate_(isolate), block_(block), capacity_(capacity), length_(length) {
    isolate_->AdjustAmountOfExternalAllocatedMemory(static_cast<int64_t>(capacity_));
  }
  ~PooledExternalString() override {
    isolate_->AdjustAmountOfExternalAllocatedMemory(-static_cast<int64_t>(capacity_));
    StringBlockPool::Instance().Give(reinterpret_cast<char*>(block_), capacity_);
  }
  const Unit* data() const override { return reinterpret_cast<const Unit*>(block_); }
  size_t length() const override { return length_; }

 private:
  v8::Isolate* const isolate_;
  Char* const block_;
  const size_t capacity_;
  const size_t length_;
};

using PooledOneByteString =
    PooledExternalString<char, v8::String::ExternalOneByteStringResource>;
using PooledTwoByteString = PooledExternalString<char16_t, v8::String::ExternalStringResource>;

v8::MaybeLocal<v8::String> NewExternal(v8::Isolate* isolate, char* block, size_t capacity,
                                       size_t length) {
  auto* resource = new PooledOneByteString(isolate, block, capacity, length);
  v8::Local<v8::String> string;
  if (!v8::String::NewExternalOneByte(isolate, resource).ToLocal(&string)) {
    delete resource;  // not adopted: gives the block back
    return {};
  }
  return string;
}

v8::MaybeLocal<v8::String> NewExternal(v8::Isolate* isolate, char16_t* block,
                                       size_t capacity, size_t length) {
  auto* resource = new PooledTwoByteString(isolate, block, capacity, length);
  v8::Local<v8::String> string;
  if (!v8::String::NewExternalTwoByte(isolate, resource).ToLocal(&string)) {
    delete resource;
    return {};
  }
  return string;
}

v8::MaybeLocal<v8::String> NewHeapString(v8::Isolate* isolate, const char* chars,
                                         size_t length) {
  return v8::String::NewFromOneByte(isolate, reinterpret_cast<const uint8_t*>(chars),
                                    v8::NewStringType::kNormal, static_cast<int>(length));
}

v8::MaybeLocal<v8::String> NewHeapString(v8::Isolate* isolate, const char16_t* units,
                                         size_t length) {
  return v8::String::NewFromTwoByte(isolate, reinterpret_cast<const uint16_t*>(units),
                                    v8::NewStringType::kNormal, static_cast<int>(length));
}

// ------------------------------------------------------------------- scratch memory --

// Memory for the characters of one small result per thread, at a time: results below
// kExternalMinBytes are copied into V8's heap, so their memory is needed only until
// Finish. Allocated on first use, freed when the thread ends.
struct Scratch {
  static constexpr size_t kBytes = StringResult<char>::kExternalMinBytes;
  std::unique_ptr<char16_t[]> memory;  // char16_t: aligned for either kind of character
  bool in_use = false;
};
thread_local Scratch scratch;

void* ClaimScratch() {
  if (scratch.in_use) return nullptr;
  if (scratch.memory == nullptr) scratch.memory.reset(new char16_t[Scratch::kBytes / 2]);
  scratch.in_use = true;
  return scratch.memory.get();
}

}  // namespace

// ---------------------------------------------------------------------- StringResult --

template <typename Char>
StringResult<Char>::StringResult(size_t max_length) : max_length_(max_length) {
  if (max_length > static_cast<size_t>(v8::String::kMaxLength)) return;
  size_t bytes = max_length * sizeof(Char);
  if (max_length >= kExternalMinLength) {
    data_ = reinterpret_cast<Char*>(StringBlockPool::Instance().Take(bytes, &capacity_));
    if (data_ != nullptr) memory_ = Memory::kPooled;
  } else if (void* memory = ClaimScratch()) {
    data_ = static_cast<Char*>(memory);
    memory_ = Memory::kScratch;
  } else {
    data_ = static_cast<Char*>(std::malloc(bytes == 0 ? 1 : bytes));
    if (data_ != nullptr) memory_ = Memory::kHeap;
  }
}

template <typename Char>
StringResult<Char>::~StringResult() {
  switch (memory_) {
    case Memory::kNone:
      break;
    case Memory::kScratch:
      scratch.in_use = false;
      break;
    case Memory::kHeap:
      std::free(data_);
      break;
    case Memory::kPooled:
      StringBlockPool::Instance().Give(reinterpret_cast<char*>(data_), capacity_);
      break;
  }
}

template <typename Char>
v8::MaybeLocal<v8::String> StringResult<Char>::Finish(v8::Isolate* isolate, size_t length) {
  if (data_ == nullptr || length > max_length_) return {};
  if (length == 0) return v8::String::Empty(isolate);
  if (memory_ == Memory::kPooled && length >= kExternalMinLength) {
    Char* block = data_;
    data_ = nullptr;  // the string's resource owns the block now
    memory_ = Memory::kNone;
    return NewExternal(isolate, block, capacity_, length);
  }
  return NewHeapString(isolate, data_, length);
}

template class StringResult<char>;
template class StringResult<char16_t>;

// ------------------------------------------------------------------ NewStringFromCopy --

namespace {

template <typename Char>
v8::MaybeLocal<v8::String> CopyToString(v8::Isolate* isolate, const Char* chars,
                                        size_t length) {
  if (length > static_cast<size_t>(v8::String::kMaxLength)) return {};
  if (length < StringResult<Char>::kExternalMinLength) {
    return NewHeapString(isolate, chars, length);
  }
  StringResult<Char> result(length);
  if (result.data() == nullptr) return {};
  std::memcpy(result.data(), chars, length * sizeof(Char));
  return result.Finish(isolate, length);
}

}  // namespace

v8::MaybeLocal<v8::String> NewStringFromCopy(v8::Isolate* isolate, const char* latin1,
                                             size_t length) {
  return CopyToString(isolate, latin1, length);
}

v8::MaybeLocal<v8::String> NewStringFromCopy(v8::Isolate* isolate, const char16_t* utf16,
                                             size_t length) {
  return CopyToString(isolate, utf16, length);
}

}  // namespace kiln
