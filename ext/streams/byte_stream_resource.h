// The interface through which an extension exposes a native resource as a byte stream
// (README.md, "Resource streams"): ext:streams/resource_streams.js reads and writes any
// resource implementing it through op_stream_read / op_stream_write / op_stream_shutdown.
#ifndef KILN_EXT_STREAMS_BYTE_STREAM_RESOURCE_H_
#define KILN_EXT_STREAMS_BYTE_STREAM_RESOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "ops/op.h"
#include "v8-array-buffer.h"
#include "v8-local-handle.h"

namespace kiln::streams {

// A resource that produces and/or consumes bytes. Both directions are optional: the
// defaults fail with Unimplemented ("NotSupported" in JavaScript).
//
// Contract, for implementers:
// - Read(state, buffer): fill buffer.data()[0 .. n) with n <= buffer.size() bytes and
//   resolve with n; resolve with 0 only at the end of the stream. `buffer` keeps the
//   JavaScript ArrayBuffer's memory alive, so the bytes may be written from any thread
//   before the completer runs: they land in the reader's buffer with no copy. At most one
//   Read is pending at a time (the stream asks for the next one after the previous
//   settled). buffer.size() is never 0.
// - Write(state, bytes): consume all of `bytes` (the JavaScript chunk, kept alive by the
//   SharedBytes) and resolve once they are taken; the chunk must not be modified by
//   JavaScript meanwhile (resource_streams.js does not touch it). At most one Write is
//   pending at a time.
// - Shutdown(state): the writer closed: flush and finish the write direction. The stream
//   closes the resource (op_close) after the returned future resolves.
// - Like every Resource, OnClose must fail a pending Read/Write/Shutdown completer
//   (absl::CancelledError): cancel() and abort() close the resource while one may be
//   pending.
// - TakeFullChunk(state, size), optional: a resource that gathers bytes ahead of the reads
//   (fetch bodies, while JavaScript handles the previous chunk) can keep them in
//   ChunkBlocks and hand a full one of exactly `size` bytes over as a default reader's
//   next chunk, instead of copying it into a buffer JavaScript allocated. Return null
//   when no full block of that size is first in line; the stream then reads as usual.
//   The bytes handed over are gone from the resource (the next Read continues after
//   them).
// These run on the runtime's thread; MakeFuture(state) is valid inside them.
class ByteStreamResource : public Resource {
 public:
  virtual Future<uint32_t> Read(OpState& state, SharedBytes buffer);
  virtual Future<void> Write(OpState& state, SharedBytes bytes);
  virtual Future<void> Shutdown(OpState& state);
  virtual std::unique_ptr<v8::BackingStore> TakeFullChunk(OpState& state, size_t size);
};

// A new ArrayBuffer of `size` bytes of the runtime's allocator whose contents are NOT
// initialised, for bytes native code writes before any script can see them (a read's
// buffer, a concatenation); empty when the memory cannot be had. libnode108's V8 offers
// it only as NewBackingStoreForNodeLTS (Node's Buffer.allocUnsafeSlow): like every
// ArrayBuffer allocation, it first collects the young generation when young ArrayBuffers
// hold much memory.
v8::MaybeLocal<v8::ArrayBuffer> NewUnfilledArrayBuffer(v8::Isolate* isolate, size_t size);

// Memory for bytes gathered ahead of the reads: `capacity` bytes of the runtime's
// ArrayBuffer allocator (counted against its limit like any ArrayBuffer), not initialised,
// filled from the front. A full block becomes a chunk's ArrayBuffer with no copy
// (TakeFullChunk); a block freed unfilled goes back to the allocator.
class ChunkBlock {
 public:
  ChunkBlock() = default;
  // A block of `capacity` bytes; ok() is false when the allocator has no memory.
  ChunkBlock(v8::ArrayBuffer::Allocator* allocator, size_t capacity);
  ChunkBlock(ChunkBlock&& other) noexcept;
  ChunkBlock& operator=(ChunkBlock&& other) noexcept;
  ChunkBlock(const ChunkBlock&) = delete;
  ChunkBlock& operator=(const ChunkBlock&) = delete;
  ~ChunkBlock();

  bool ok() const { return data_ != nullptr; }
  uint8_t* data() const { return data_; }
  size_t capacity() const { return capacity_; }
  // Bytes written from the front.
  size_t filled() const { return filled_; }
  bool full() const { return filled_ == capacity_; }
  // Appends up to room() bytes of `bytes`; returns how many were taken.
  size_t Append(const uint8_t* bytes, size_t length);
  size_t room() const { return capacity_ - filled_; }
  // Forgets the bytes written: the block fills from its front again.
  void Clear() { filled_ = 0; }
  // The whole block as an ArrayBuffer backing store (freed by V8 through the allocator);
  // the block is empty afterwards.
  std::unique_ptr<v8::BackingStore> ToBackingStore() &&;

 private:
  void Free();

  v8::ArrayBuffer::Allocator* allocator_ = nullptr;
  uint8_t* data_ = nullptr;
  size_t capacity_ = 0;
  size_t filled_ = 0;
};

}  // namespace kiln::streams

#endif  // KILN_EXT_STREAMS_BYTE_STREAM_RESOURCE_H_
