#include "ext/file/file_ops.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "ext/streams/byte_stream_resource.h"
#include "ops/blocking_pool.h"
#include "v8-array-buffer.h"
#include "v8-container.h"
#include "v8-isolate.h"
#include "v8-typed-array.h"

namespace kiln::file {
namespace {

absl::Status AllocationFailed() {
  return absl::ResourceExhaustedError("Array buffer allocation failed");  // a RangeError
}

// The bytes of a Blob, read in order by a stream. Reads are answered at once (the bytes
// are in memory), so there is never a pending read to fail on close.
class BlobStreamResource : public streams::ByteStreamResource {
 public:
  explicit BlobStreamResource(std::vector<SharedBytes> slices) : slices_(std::move(slices)) {}

  std::string name() const override { return "blobStream"; }

  Future<uint32_t> Read(OpState& state, SharedBytes buffer) override {
    uint8_t* target = buffer.data();
    size_t capacity = buffer.size();
    size_t filled = 0;
    while (filled < capacity && index_ < slices_.size()) {
      const SharedBytes& slice = slices_[index_];
      size_t count = std::min(slice.size() - offset_, capacity - filled);
      std::memcpy(target + filled, slice.data() + offset_, count);
      filled += count;
      offset_ += count;
      if (offset_ == slice.size()) {
        // Done with this slice: let its memory go as soon as nothing else holds it.
        slices_[index_] = SharedBytes();
        index_++;
        offset_ = 0;
      }
    }
    return static_cast<uint32_t>(filled);
  }

 private:
  std::vector<SharedBytes> slices_;
  size_t index_ = 0;   // the slice the next read starts in
  size_t offset_ = 0;  // and where in it
};

// From this many bytes, a concatenation is copied by the calling thread and idle threads of
// the blocking pool together, in parts of kCopyPartBytes of the result. Most of a large
// copy's time is the page faults of fresh memory and the kernel's zeroing of it, which
// two threads do in half the time (bench/blob.mjs case=arraybuffer_64m, bench/README.md).
constexpr size_t kParallelCopyBytes = size_t{8} << 20;
constexpr size_t kCopyPartBytes = size_t{2} << 20;

// Where one part of a concatenation comes from.
struct CopySource {
  const uint8_t* data;
  size_t size;
  size_t offset;  // in the result
};

// Copies `views` one after the other into `data` (`total` bytes), in parts run on the pool.
// Views without a buffer of their own (small typed arrays V8 keeps on its heap) are copied
// here first, through V8; the rest are read through their contents' addresses, which
// nothing moves or frees while this call holds their handles.
void CopyInParallel(const std::vector<v8::Local<v8::ArrayBufferView>>& views, uint8_t* data,
                    size_t total) {
  std::vector<CopySource> sources;
  sources.reserve(views.size());
  size_t offset = 0;
  for (const v8::Local<v8::ArrayBufferView>& view : views) {
    size_t size = view->ByteLength();
    if (size == 0) continue;
    if (!view->HasBuffer()) {
      offset += view->CopyContents(data + offset, total - offset);
      continue;
    }
    const auto* contents = static_cast<const uint8_t*>(view->Buffer()->Data());
    sources.push_back({contents + view->ByteOffset(), size, offset});
    offset += size;
  }
  size_t parts = (total + kCopyPartBytes - 1) / kCopyPartBytes;
  BlockingPool::Shared().RunInParts(parts, [&](size_t part) {
    size_t begin = part * kCopyPartBytes;
    size_t end = std::min(begin + kCopyPartBytes, total);
    // The first source that ends after `begin`, then each one that starts before `end`.
    auto it = std::upper_bound(sources.begin(), sources.end(), begin,
                               [](size_t at, const CopySource& source) {
                                 return at < source.offset + source.size;
                               });
    for (; it != sources.end() && it->offset < end; ++it) {
      size_t from = std::max(begin, it->offset);
      size_t to = std::min(end, it->offset + it->size);
      std::memcpy(data + from, it->data + (from - it->offset), to - from);
    }
  });
}

}  // namespace

absl::StatusOr<v8::Local<v8::Value>> op_blob_concatenate(v8::Isolate* isolate,
                                                         v8::Local<v8::Value> parts) {
  if (!parts->IsArray()) {
    return absl::InvalidArgumentError("op_blob_concatenate: expected an Array of byte views");
  }
  v8::Local<v8::Array> array = parts.As<v8::Array>();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  uint32_t count = array->Length();
  std::vector<v8::Local<v8::ArrayBufferView>> views;
  views.reserve(count);
  size_t total = 0;
  for (uint32_t i = 0; i < count; i++) {
    v8::Local<v8::Value> part;
    if (!array->Get(context, i).ToLocal(&part)) {
      return absl::InternalError("op_blob_concatenate: reading a part threw");
    }
    if (!part->IsArrayBufferView()) {
      return absl::InvalidArgumentError("op_blob_concatenate: a part is not an ArrayBufferView");
    }
    views.push_back(part.As<v8::ArrayBufferView>());
    total += views.back()->ByteLength();  // 0 for a detached buffer
  }
  if (total == 0) return v8::Uint8Array::New(v8::ArrayBuffer::New(isolate, 0), 0, 0).As<v8::Value>();
  if (total > v8::TypedArray::kMaxLength) return AllocationFailed();
  // Unfilled memory (every byte is copied in below). Its allocation first collects the
  // young generation when young ArrayBuffers hold much memory, so garbage results of
  // earlier calls are freed (and their blocks reused) before the next one is allocated.
  v8::Local<v8::ArrayBuffer> buffer;
  if (!streams::NewUnfilledArrayBuffer(isolate, total).ToLocal(&buffer)) {
    return AllocationFailed();
  }
  auto* data = static_cast<uint8_t*>(buffer->Data());
  // Nothing between the two passes runs JavaScript, so no part changed its length.
  if (total < kParallelCopyBytes) {
    size_t offset = 0;
    for (const v8::Local<v8::ArrayBufferView>& view : views) {
      offset += view->CopyContents(data + offset, total - offset);
    }
  } else {
    CopyInParallel(views, data, total);
  }
  return v8::Uint8Array::New(buffer, 0, total).As<v8::Value>();
}

ResourceId op_blob_stream_open(OpState& state, std::vector<SharedBytes> slices) {
  return state.resources().Add(std::make_unique<BlobStreamResource>(std::move(slices)));
}

}  // namespace kiln::file
