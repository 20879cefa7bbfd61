#ifndef KILN_OPS_BYTES_H_
#define KILN_OPS_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace v8 {
class BackingStore;
}

namespace kiln {

// Borrowed bytes of an ArrayBuffer, TypedArray or DataView argument: no copy, writes are
// visible to JavaScript. Valid only until the op returns, so not allowed in async ops
// (use SharedBytes). A detached buffer is a TypeError before the op runs.
struct ByteView {
  uint8_t* data = nullptr;
  size_t size = 0;
};

// Bytes of an ArrayBuffer/TypedArray/DataView argument that keep the backing store alive
// for as long as this object lives, on any thread: for async ops. No copy.
class SharedBytes {
 public:
  SharedBytes() = default;
  SharedBytes(std::shared_ptr<v8::BackingStore> store, size_t offset, size_t size)
      : store_(std::move(store)), offset_(offset), size_(size) {}
  uint8_t* data() const;
  size_t size() const { return size_; }
  // The backing store and where these bytes start in it (for handing them back to JS).
  const std::shared_ptr<v8::BackingStore>& store() const { return store_; }
  size_t offset() const { return offset_; }

 private:
  std::shared_ptr<v8::BackingStore> store_;
  size_t offset_ = 0;
  size_t size_ = 0;
};

// Bytes allocated in C++ and handed to JavaScript as a Uint8Array without copying: the
// Uint8Array's backing store takes ownership. Its deleter may run on any V8 thread or at
// isolate disposal, so it frees memory and touches nothing else.
class ByteBuffer {
 public:
  ByteBuffer() = default;
  explicit ByteBuffer(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}
  explicit ByteBuffer(size_t size) : bytes_(size) {}
  uint8_t* data() { return bytes_.data(); }
  const uint8_t* data() const { return bytes_.data(); }
  size_t size() const { return bytes_.size(); }
  // Hands the storage over (used by the conversion to Uint8Array).
  std::vector<uint8_t> Release() { return std::move(bytes_); }

 private:
  std::vector<uint8_t> bytes_;
};

}  // namespace kiln

#endif  // KILN_OPS_BYTES_H_
