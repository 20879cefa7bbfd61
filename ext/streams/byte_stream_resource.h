// The interface through which an extension exposes a native resource as a byte stream
// (README.md, "Resource streams"): ext:streams/resource_streams.js reads and writes any
// resource implementing it through op_stream_read / op_stream_write / op_stream_shutdown.
#ifndef KILN_EXT_STREAMS_BYTE_STREAM_RESOURCE_H_
#define KILN_EXT_STREAMS_BYTE_STREAM_RESOURCE_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "ops/op.h"

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
// These run on the runtime's thread; MakeFuture(state) is valid inside them.
class ByteStreamResource : public Resource {
 public:
  virtual Future<uint32_t> Read(OpState& state, SharedBytes buffer);
  virtual Future<void> Write(OpState& state, SharedBytes bytes);
  virtual Future<void> Shutdown(OpState& state);
};

}  // namespace kiln::streams

#endif  // KILN_EXT_STREAMS_BYTE_STREAM_RESOURCE_H_
