// The native half of the file extension (blob.js): where a Blob's bytes are allocated and
// how they are read back and streamed (README.md, "Invariants").
#ifndef KILN_EXT_FILE_FILE_OPS_H_
#define KILN_EXT_FILE_FILE_OPS_H_

#include <vector>

#include "ops/op.h"

namespace kiln::file {

// A new Uint8Array, over a new ArrayBuffer of exactly their total length, holding the bytes
// of `parts` (an Array of ArrayBufferViews) one after the other. The memory is one
// uninitialized allocation of the runtime's ArrayBuffer allocator (no zero-fill) and each
// part is copied into it once. RangeError "Array buffer allocation failed" when the total
// is larger than a typed array can be or the memory is not there; TypeError for anything
// but an Array of views.
KILN_OP(nofast) absl::StatusOr<v8::Local<v8::Value>> op_blob_concatenate(
    v8::Isolate* isolate, v8::Local<v8::Value> parts);

// Opens a kiln::streams::ByteStreamResource ("blobStream") that reads the bytes of
// `slices` one after the other: each read copies the next bytes straight into the reader's
// buffer, 0 at the end. The resource keeps the slices' memory alive (shared, not copied)
// until it is closed.
KILN_OP() kiln::ResourceId op_blob_stream_open(kiln::OpState& state,
                                               std::vector<kiln::SharedBytes> slices);

}  // namespace kiln::file

#endif  // KILN_EXT_FILE_FILE_OPS_H_
