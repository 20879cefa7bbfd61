#include "ext/streams/byte_stream_resource.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace kiln::streams {

Future<uint32_t> ByteStreamResource::Read(OpState& state, SharedBytes buffer) {
  return absl::UnimplementedError(absl::StrCat("resource ", name(), " is not readable"));
}

Future<void> ByteStreamResource::Write(OpState& state, SharedBytes bytes) {
  return absl::UnimplementedError(absl::StrCat("resource ", name(), " is not writable"));
}

Future<void> ByteStreamResource::Shutdown(OpState& state) { return absl::OkStatus(); }

std::unique_ptr<v8::BackingStore> ByteStreamResource::TakeFullChunk(OpState& state,
                                                                     size_t size) {
  return nullptr;
}

v8::MaybeLocal<v8::ArrayBuffer> NewUnfilledArrayBuffer(v8::Isolate* isolate, size_t size) {
  std::unique_ptr<v8::BackingStore> store =
      v8::ArrayBuffer::NewBackingStoreForNodeLTS(isolate, size);
  if (store == nullptr) return {};
  return v8::ArrayBuffer::New(isolate, std::move(store));
}

ChunkBlock::ChunkBlock(v8::ArrayBuffer::Allocator* allocator, size_t capacity)
    : allocator_(allocator),
      data_(static_cast<uint8_t*>(allocator->AllocateUninitialized(capacity))),
      capacity_(data_ != nullptr ? capacity : 0) {}

ChunkBlock::ChunkBlock(ChunkBlock&& other) noexcept
    : allocator_(other.allocator_),
      data_(std::exchange(other.data_, nullptr)),
      capacity_(std::exchange(other.capacity_, 0)),
      filled_(std::exchange(other.filled_, 0)) {}

ChunkBlock& ChunkBlock::operator=(ChunkBlock&& other) noexcept {
  if (this != &other) {
    Free();
    allocator_ = other.allocator_;
    data_ = std::exchange(other.data_, nullptr);
    capacity_ = std::exchange(other.capacity_, 0);
    filled_ = std::exchange(other.filled_, 0);
  }
  return *this;
}

ChunkBlock::~ChunkBlock() { Free(); }

void ChunkBlock::Free() {
  if (data_ != nullptr) allocator_->Free(data_, capacity_);
  data_ = nullptr;
  capacity_ = filled_ = 0;
}

size_t ChunkBlock::Append(const uint8_t* bytes, size_t length) {
  size_t taken = std::min(length, room());
  std::memcpy(data_ + filled_, bytes, taken);
  filled_ += taken;
  return taken;
}

std::unique_ptr<v8::BackingStore> ChunkBlock::ToBackingStore() && {
  std::unique_ptr<v8::BackingStore> store = v8::ArrayBuffer::NewBackingStore(
      data_, capacity_,
      [](void* data, size_t length, void* allocator) {
        static_cast<v8::ArrayBuffer::Allocator*>(allocator)->Free(data, length);
      },
      allocator_);
  data_ = nullptr;
  capacity_ = filled_ = 0;
  return store;
}

}  // namespace kiln::streams
