// Parallel deflate, the way pigz does it: a long input is cut into blocks of
// kDeflateBlockSize bytes, and each block is compressed on its own, as raw deflate at
// level 6, with the 32 KiB of input before it as the dictionary, so that matches reach
// across block boundaries as in one stream. Every block but the last ends with a sync
// flush (an empty stored block: the output ends on a byte boundary), the last one with the
// final block. Concatenated in order, the blocks' outputs are one valid deflate stream; the
// gzip or zlib wrapper around it (header, CRC-32 / Adler-32 combined from the blocks'
// checksums, length) is written by the stream (compression_ops.cc).
//
// The blocks run on the process's blocking pool (ops/blocking_pool.h); a DeflateBlock is
// shared between the stream that made it and the thread compressing it, and BlockSignal
// tells the stream (through an async op's Completer) that a block it waits for is done.
#ifndef KILN_EXT_COMPRESSION_PARALLEL_DEFLATE_H_
#define KILN_EXT_COMPRESSION_PARALLEL_DEFLATE_H_

#include <zlib.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/status.h"
#include "ops/future.h"

namespace kiln::compression {

// The input one block holds (the last block of a stream holds what is left, maybe 0).
inline constexpr size_t kDeflateBlockSize = 128 * 1024;
// The dictionary a block starts with: the input's last 32 KiB before it (deflate's window).
inline constexpr size_t kDeflateWindowSize = 32 * 1024;

// Which checksum of its input a block computes (the wrapper's: gzip CRC-32, zlib Adler-32).
enum class BlockChecksum { kNone, kCrc32, kAdler32 };

// Tells a stream's JavaScript that a block finished. Shared by the stream and every block
// it submitted; the mutex orders a waiter's registration against a block's completion.
struct BlockSignal {
  std::mutex mutex;
  // The block the stream waits for (null when none) and the wait op's completer.
  const void* awaited = nullptr;
  Completer<void> waiter;
  // The stream was closed: blocks not yet started are skipped, results are dropped.
  bool closed = false;
};

// One block: made on the JavaScript thread, compressed on a pool thread, read back on the
// JavaScript thread once `done` is set (release/acquire: the results are visible then).
struct DeflateBlock {
  // This block's input, and the block before it (its last 32 KiB are the dictionary; null
  // for a stream's first block).
  std::shared_ptr<const std::vector<uint8_t>> input;
  std::shared_ptr<const std::vector<uint8_t>> previous;
  bool last = false;
  BlockChecksum checksum = BlockChecksum::kNone;
  std::shared_ptr<BlockSignal> signal;

  // Results.
  std::vector<uint8_t> output;
  uint32_t check = 0;  // the checksum of `input` alone (crc32(0, ...) / adler32(1, ...))
  absl::Status status;
  std::atomic<bool> done{false};
};

// A raw-deflate z_stream at level 6, memLevel 8 (about 260 KiB), reused for block after
// block (deflateReset).
class BlockDeflater {
 public:
  BlockDeflater();
  ~BlockDeflater();
  BlockDeflater(const BlockDeflater&) = delete;
  BlockDeflater& operator=(const BlockDeflater&) = delete;

  // Compresses `block`: sets its results (output, check, status), not `done`.
  void Compress(DeflateBlock& block);

 private:
  z_stream zlib_;
  bool initialized_ = false;
};

// Queues `block` on the process's blocking pool, where a thread compresses it with a
// BlockDeflater of its own (made on the thread's first block, kept for its life), unless
// its stream was closed by then. False (and nothing queued) when the pool could start no
// thread: the caller compresses it itself.
bool SubmitBlock(const std::shared_ptr<DeflateBlock>& block);
// The pool's thread count (how many blocks can be compressing at once).
size_t BlockThreads();

}  // namespace kiln::compression

#endif  // KILN_EXT_COMPRESSION_PARALLEL_DEFLATE_H_
