// The compression extension's per-runtime state (kiln_extension(state = ...)).
#ifndef KILN_EXT_COMPRESSION_COMPRESSION_STATE_H_
#define KILN_EXT_COMPRESSION_COMPRESSION_STATE_H_

#include <cstddef>
#include <memory>

#include "ops/op_state.h"

namespace v8 {
class Isolate;
}

namespace kiln::compression {

class BlockDeflater;

// Also owns the deflater that compresses on the JavaScript thread a stream that ends
// before its first block is full (and any block, should the blocking pool start no
// thread), made on first use. Longer streams' blocks go to the process's blocking pool
// (parallel_deflate.h); blocks still running when the runtime goes away finish there and
// their results are dropped.
//
// Counts the bytes of the chunks the runtime's streams hand to JavaScript, and of those a
// CompressionStream takes from it. Each output chunk is a new ArrayBuffer that usually
// dies soon after it is read (and input chunks, once compressed, often die as soon), but
// V8 frees ArrayBuffers only when it collects garbage, and it starts that for external
// memory only after some 64 MiB of growth: a fast stream would hold that much dead data.
// A compressor's input counts too since its blocks go to other threads: the JavaScript
// thread, free, makes input as fast as they take it. So after every max(32 MiB, JS heap
// in use) bytes, the state tells V8 of critical memory pressure: a full collection at
// once (moderate pressure only starts incremental marking, and a fast stream's dead
// chunks piled up until it finished: README.md). Tying the interval to the heap's size
// keeps the collection work per output byte bounded in a runtime with a large heap.
class CompressionState {
 public:
  explicit CompressionState(OpState& state);
  ~CompressionState();
  CompressionState(const CompressionState&) = delete;
  CompressionState& operator=(const CompressionState&) = delete;

  void NoteChunkBytes(size_t bytes);

  // Made on first use.
  BlockDeflater& js_thread_deflater();

 private:
  static constexpr size_t kMinOutputPerHint = size_t{32} << 20;
  v8::Isolate* isolate_;
  size_t output_since_hint_ = 0;
  size_t next_hint_ = kMinOutputPerHint;
  std::unique_ptr<BlockDeflater> js_thread_deflater_;
};

}  // namespace kiln::compression

#endif  // KILN_EXT_COMPRESSION_COMPRESSION_STATE_H_
