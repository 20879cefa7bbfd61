// The native half of the compression extension (compression.js): one codec per
// CompressionStream / DecompressionStream, held as a resource. Every op returns at most
// kCompressionChunkSize bytes of output; when an op's output fills a whole chunk, more may
// follow and JavaScript asks for it with op_compression_next before it writes again or
// finishes. Decompression runs inside the ops (ISA-L). Compression of a long stream runs
// on background threads (parallel_deflate.h): an op returning less than a whole chunk has
// nothing more ready now, and when op_compression_must_wait says so, JavaScript awaits
// op_compression_wait before it calls op_compression_next again.
#ifndef KILN_EXT_COMPRESSION_COMPRESSION_OPS_H_
#define KILN_EXT_COMPRESSION_COMPRESSION_OPS_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "ops/future.h"
#include "ops/op.h"

namespace kiln::compression {

// The most output bytes one op returns (one chunk the stream's readable side enqueues).
inline constexpr size_t kCompressionChunkSize = 64 * 1024;

// A codec for `format` ("gzip", "deflate" or "deflate-raw"; compression.js has checked
// it), compressing or, when `decompress`, decompressing; the resource's id.
KILN_OP() absl::StatusOr<kiln::ResourceId> op_compression_open(kiln::OpState& state,
                                                               std::string format,
                                                               bool decompress);

// Feeds `input` to the stream and returns the first output it yields (null for none). The
// bytes are read during the call: what the codec has not taken (the output chunk is full,
// or too many blocks are being compressed) is copied into the resource. A TypeError for
// corrupt compressed data or data after the end of the compressed stream.
KILN_OP() absl::StatusOr<std::optional<kiln::ByteBuffer>> op_compression_write(
    kiln::OpState& state, kiln::ResourceId rid, kiln::ByteView input);

// The end of the input: returns the first of the remaining output (the compressor's
// trailer). A TypeError when decompressing and the compressed stream has not ended.
KILN_OP() absl::StatusOr<std::optional<kiln::ByteBuffer>> op_compression_finish(
    kiln::OpState& state, kiln::ResourceId rid);

// The next output chunk of the last write or finish (null when there is no more now).
KILN_OP() absl::StatusOr<std::optional<kiln::ByteBuffer>> op_compression_next(
    kiln::OpState& state, kiln::ResourceId rid);

// Whether output or the acceptance of input waits on background work: input of the last
// write not taken yet, or (after finish) output still to come. Always false for a
// DecompressionStream and for a bad id.
KILN_OP() bool op_compression_must_wait(kiln::OpState& state, kiln::ResourceId rid);

// Settles when op_compression_next has more (the oldest block in the background is done):
// at once when nothing is in the background. Rejects ("operation canceled") when the
// resource is closed meanwhile.
KILN_OP() kiln::Future<void> op_compression_wait(kiln::OpState& state, kiln::ResourceId rid);

// The resource is released with the core op_close(rid).

}  // namespace kiln::compression

#endif  // KILN_EXT_COMPRESSION_COMPRESSION_OPS_H_
