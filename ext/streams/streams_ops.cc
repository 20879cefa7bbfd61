#include "ext/streams/streams_ops.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "ext/streams/byte_stream_resource.h"
#include "v8.h"

namespace kiln::streams {

Future<uint32_t> op_stream_read(OpState& state, ResourceId rid, SharedBytes buffer) {
  absl::StatusOr<ByteStreamResource*> resource = state.resources().Get<ByteStreamResource>(rid);
  if (!resource.ok()) return resource.status();
  if (buffer.size() == 0) return absl::InvalidArgumentError("op_stream_read: empty buffer");
  // A read reports its count as a uint32_t: larger views are read in part.
  constexpr size_t kMaxRead = size_t{1} << 30;
  if (buffer.size() > kMaxRead) {
    buffer = SharedBytes(buffer.store(), buffer.offset(), kMaxRead);
  }
  return (*resource)->Read(state, std::move(buffer));
}

Future<void> op_stream_write(OpState& state, ResourceId rid, SharedBytes bytes) {
  absl::StatusOr<ByteStreamResource*> resource = state.resources().Get<ByteStreamResource>(rid);
  if (!resource.ok()) return resource.status();
  return (*resource)->Write(state, std::move(bytes));
}

Future<void> op_stream_shutdown(OpState& state, ResourceId rid) {
  absl::StatusOr<ByteStreamResource*> resource = state.resources().Get<ByteStreamResource>(rid);
  if (!resource.ok()) return resource.status();
  return (*resource)->Shutdown(state);
}

absl::StatusOr<v8::Local<v8::Value>> op_stream_transfer_array_buffer(
    v8::Isolate* isolate, v8::Local<v8::Value> buffer) {
  if (!buffer->IsArrayBuffer()) {
    return absl::InvalidArgumentError("The value is not an ArrayBuffer and cannot be transferred");
  }
  v8::Local<v8::ArrayBuffer> source = buffer.As<v8::ArrayBuffer>();
  if (source->WasDetached()) {
    return absl::InvalidArgumentError("The ArrayBuffer is detached and cannot be transferred");
  }
  if (!source->IsDetachable()) {
    return absl::InvalidArgumentError(
        "The ArrayBuffer cannot be detached, so it cannot be transferred");
  }
  std::shared_ptr<v8::BackingStore> store = source->GetBackingStore();
  source->Detach();
  return v8::ArrayBuffer::New(isolate, std::move(store)).As<v8::Value>();
}

absl::StatusOr<v8::Local<v8::Value>> op_stream_new_unfilled_buffer(v8::Isolate* isolate,
                                                                   uint32_t size) {
  v8::Local<v8::ArrayBuffer> buffer;
  if (!NewUnfilledArrayBuffer(isolate, size).ToLocal(&buffer)) {
    return absl::ResourceExhaustedError("Array buffer allocation failed");  // a RangeError
  }
  return buffer.As<v8::Value>();
}

absl::StatusOr<v8::Local<v8::Value>> op_stream_take_full_chunk(OpState& state,
                                                               v8::Isolate* isolate,
                                                               ResourceId rid, uint32_t size) {
  absl::StatusOr<ByteStreamResource*> resource = state.resources().Get<ByteStreamResource>(rid);
  if (!resource.ok()) return resource.status();
  std::unique_ptr<v8::BackingStore> store = (*resource)->TakeFullChunk(state, size);
  if (store == nullptr) return v8::Undefined(isolate).As<v8::Value>();
  if (store->ByteLength() != size) {
    return absl::InternalError(absl::StrCat("op_stream_take_full_chunk: resource ",
                                            (*resource)->name(), " handed over ",
                                            store->ByteLength(), " bytes for ", size));
  }
  return v8::ArrayBuffer::New(isolate, std::move(store)).As<v8::Value>();
}

bool op_stream_array_buffer_detached(v8::Local<v8::Value> buffer) {
  return buffer->IsArrayBuffer() && buffer.As<v8::ArrayBuffer>()->WasDetached();
}

}  // namespace kiln::streams
