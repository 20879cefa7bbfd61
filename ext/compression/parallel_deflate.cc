#include "ext/compression/parallel_deflate.h"

#include <cstring>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/strings/str_cat.h"
#include "ops/blocking_pool.h"

namespace kiln::compression {

BlockDeflater::BlockDeflater() {
  std::memset(&zlib_, 0, sizeof(zlib_));
  initialized_ = deflateInit2(&zlib_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8,
                              Z_DEFAULT_STRATEGY) == Z_OK;
}

BlockDeflater::~BlockDeflater() {
  if (initialized_) deflateEnd(&zlib_);
}

void BlockDeflater::Compress(DeflateBlock& block) {
  if (!initialized_) {
    block.status = absl::ResourceExhaustedError("out of memory for a zlib stream");
    return;
  }
  z_stream& deflater = zlib_;
  const std::vector<uint8_t>& input = *block.input;
  int result = deflateReset(&deflater);
  if (result == Z_OK && block.previous != nullptr) {
    const std::vector<uint8_t>& previous = *block.previous;
    size_t length = previous.size() < kDeflateWindowSize ? previous.size() : kDeflateWindowSize;
    result = deflateSetDictionary(&deflater, previous.data() + previous.size() - length,
                                  static_cast<uInt>(length));
  }
  if (result != Z_OK) {
    block.status = absl::InternalError(absl::StrCat("zlib could not start a block (", result, ")"));
    return;
  }
  // deflateBound is for Z_FINISH; a sync flush adds an empty stored block (at most 5 bytes
  // with the bits before it). The loop grows the buffer should that ever not suffice.
  block.output.resize(deflateBound(&deflater, static_cast<uLong>(input.size())) + 16);
  deflater.next_in = const_cast<uint8_t*>(input.data());
  deflater.avail_in = static_cast<uInt>(input.size());
  size_t produced = 0;
  const int flush = block.last ? Z_FINISH : Z_SYNC_FLUSH;
  while (true) {
    if (produced == block.output.size()) block.output.resize(block.output.size() * 2);
    deflater.next_out = block.output.data() + produced;
    deflater.avail_out = static_cast<uInt>(block.output.size() - produced);
    result = deflate(&deflater, flush);
    produced = block.output.size() - deflater.avail_out;
    if (result == Z_STREAM_END) break;
    if (result != Z_OK && result != Z_BUF_ERROR) {
      block.status = absl::InternalError(absl::StrCat("zlib failed to compress (", result, ")"));
      return;
    }
    // A sync flush is complete once zlib stops with room left in the output.
    if (!block.last && deflater.avail_in == 0 && deflater.avail_out != 0) break;
  }
  block.output.resize(produced);
  switch (block.checksum) {
    case BlockChecksum::kCrc32:
      block.check = static_cast<uint32_t>(
          crc32(crc32(0, nullptr, 0), input.data(), static_cast<uInt>(input.size())));
      break;
    case BlockChecksum::kAdler32:
      block.check = static_cast<uint32_t>(
          adler32(adler32(0, nullptr, 0), input.data(), static_cast<uInt>(input.size())));
      break;
    case BlockChecksum::kNone:
      break;
  }
}

namespace {

// Runs on a pool thread.
void CompressOnThisThread(DeflateBlock& block) {
  BlockSignal& signal = *block.signal;
  {
    std::lock_guard<std::mutex> lock(signal.mutex);
    if (signal.closed) return;  // nobody will read it
  }
  thread_local BlockDeflater deflater;
  deflater.Compress(block);
  Completer<void> waiter;
  {
    std::lock_guard<std::mutex> lock(signal.mutex);
    block.done.store(true, std::memory_order_release);
    if (signal.awaited == &block) {
      signal.awaited = nullptr;
      waiter = std::move(signal.waiter);
    }
  }
  waiter.Complete();  // outside the lock; does nothing if there was no waiter
}

}  // namespace

bool SubmitBlock(const std::shared_ptr<DeflateBlock>& block) {
  absl::AnyInvocable<void() &&> task = [block] { CompressOnThisThread(*block); };
  return BlockingPool::Shared().Post(task);
}

size_t BlockThreads() { return BlockingPool::Shared().threads(); }

}  // namespace kiln::compression
