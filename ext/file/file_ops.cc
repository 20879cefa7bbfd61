#include "ext/file/file_ops.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "ext/streams/byte_stream_resource.h"
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
  // Uninitialized memory of the runtime's ArrayBuffer allocator (null when there is none).
  // libnode108's V8 offers it only under this name (Node's Buffer.allocUnsafeSlow uses it);
  // like every allocation V8 makes for an ArrayBuffer, it first collects the young
  // generation when young ArrayBuffers hold much memory, so garbage results of earlier
  // calls are freed (and their blocks reused) before the next one is allocated.
  std::unique_ptr<v8::BackingStore> store =
      v8::ArrayBuffer::NewBackingStoreForNodeLTS(isolate, total);
  if (store == nullptr) return AllocationFailed();
  auto* data = static_cast<uint8_t*>(store->Data());
  // Nothing between the two passes runs JavaScript, so no part changed its length.
  size_t offset = 0;
  for (const v8::Local<v8::ArrayBufferView>& view : views) {
    offset += view->CopyContents(data + offset, total - offset);
  }
  v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate, std::move(store));
  return v8::Uint8Array::New(buffer, 0, total).As<v8::Value>();
}

ResourceId op_blob_stream_open(OpState& state, std::vector<SharedBytes> slices) {
  return state.resources().Add(std::make_unique<BlobStreamResource>(std::move(slices)));
}

}  // namespace kiln::file
