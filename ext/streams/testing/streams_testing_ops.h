// Tests only: native byte sources and sinks (ByteStreamResource) for streams_test.cc.
#ifndef KILN_EXT_STREAMS_TESTING_STREAMS_TESTING_OPS_H_
#define KILN_EXT_STREAMS_TESTING_STREAMS_TESTING_OPS_H_

#include <cstdint>

#include "ops/op.h"

namespace kiln::streams::testing {

KILN_STRUCT() struct TestSourceOptions {
  double total_bytes = 0;    // bytes produced before the end of the stream
  double chunk_size = 65536; // at most this many bytes per read
  bool deferred = true;      // complete reads on a later loop turn (else: ready at once)
  double stall_after = -1;   // >= 0: once this many bytes are produced, reads stay pending
  bool fail = false;         // the read after total_bytes fails instead of reporting the end
  bool full_chunks = false;  // hands whole chunks over (TakeFullChunk) while it has them
};

KILN_STRUCT() struct TestStats {
  double bytes_read = 0;          // produced by sources
  double bytes_written = 0;       // consumed by sinks
  double max_buffered = 0;        // most bytes produced but not yet consumed, at any write
  double reads = 0;
  double writes = 0;
  bool pattern_ok = true;         // every byte a sink got was the byte a source produced there
  double sources_closed = 0;      // OnClose runs
  double sinks_closed = 0;
  double reads_canceled = 0;      // pending reads failed by OnClose
  double shutdowns = 0;
  double chunks_handed_over = 0;  // TakeFullChunk gave a chunk
};

// A source producing the bytes (offset & 0xff).
KILN_OP() kiln::ResourceId op_streams_test_source(kiln::OpState& state, TestSourceOptions options);
// A sink checking that pattern; `deferred` as for sources.
KILN_OP() kiln::ResourceId op_streams_test_sink(kiln::OpState& state, bool deferred);
// The runtime's counters so far.
KILN_OP() TestStats op_streams_test_stats(kiln::OpState& state);

}  // namespace kiln::streams::testing

#endif  // KILN_EXT_STREAMS_TESTING_STREAMS_TESTING_OPS_H_
