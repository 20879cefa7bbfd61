// The native half of the streams extension: resource I/O for resource_streams.js and the
// ArrayBuffer operations the Streams Standard needs (TransferArrayBuffer,
// IsDetachedBuffer), which JavaScript cannot do by itself on V8 10.2.
#ifndef KILN_EXT_STREAMS_STREAMS_OPS_H_
#define KILN_EXT_STREAMS_STREAMS_OPS_H_

#include <cstdint>

#include "ops/op.h"

namespace kiln::streams {

// Reads into `buffer` from the ByteStreamResource `rid`: resolves with the number of bytes
// written into it, 0 at the end of the stream.
KILN_OP() kiln::Future<uint32_t> op_stream_read(kiln::OpState& state, kiln::ResourceId rid,
                                                kiln::SharedBytes buffer);
// Writes all of `bytes` to the ByteStreamResource `rid`.
KILN_OP() kiln::Future<void> op_stream_write(kiln::OpState& state, kiln::ResourceId rid,
                                             kiln::SharedBytes bytes);
// Finishes the write direction of the ByteStreamResource `rid` (before op_close).
KILN_OP() kiln::Future<void> op_stream_shutdown(kiln::OpState& state, kiln::ResourceId rid);

// TransferArrayBuffer: a new ArrayBuffer over `buffer`'s memory, `buffer` detached. A
// TypeError for anything but a detachable, non-detached ArrayBuffer.
KILN_OP(nofast) absl::StatusOr<v8::Local<v8::Value>> op_stream_transfer_array_buffer(
    v8::Isolate* isolate, v8::Local<v8::Value> buffer);
// A new ArrayBuffer of `size` bytes whose contents are NOT initialised: for a buffer that
// a read fills at once, whose caller zeroes whatever the read did not fill before any
// script can reach it (resource streams' default reads). A RangeError when the memory
// cannot be had.
KILN_OP(nofast) absl::StatusOr<v8::Local<v8::Value>> op_stream_new_unfilled_buffer(
    v8::Isolate* isolate, uint32_t size);
// A default reader's next chunk as the resource `rid` already holds it: an ArrayBuffer of
// exactly `size` bytes, all filled (ByteStreamResource::TakeFullChunk), or undefined.
KILN_OP(nofast) absl::StatusOr<v8::Local<v8::Value>> op_stream_take_full_chunk(
    kiln::OpState& state, v8::Isolate* isolate, kiln::ResourceId rid, uint32_t size);
// IsDetachedBuffer (false for anything that is not an ArrayBuffer).
KILN_OP() bool op_stream_array_buffer_detached(v8::Local<v8::Value> buffer);

}  // namespace kiln::streams

#endif  // KILN_EXT_STREAMS_STREAMS_OPS_H_
