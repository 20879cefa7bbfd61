#include "ext/compression/parallel_deflate.h"

#include <cstring>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"

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

DeflatePool::DeflatePool(size_t threads) : thread_count_(threads == 0 ? 1 : threads) {}

DeflatePool::~DeflatePool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  wake_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

bool DeflatePool::Submit(std::shared_ptr<DeflateBlock>& block) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (threads_.empty()) {
      for (size_t i = 0; i < thread_count_; i++) {
        try {
          threads_.emplace_back([this] { Run(); });
        } catch (const std::system_error&) {
          break;  // the system has no more threads to give: fewer will do
        }
      }
      if (threads_.empty()) return false;
    }
    queue_.push_back(block);
  }
  wake_.notify_one();
  return true;
}

void DeflatePool::Run() {
  BlockDeflater deflater;
  while (true) {
    std::shared_ptr<DeflateBlock> block;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) break;
      block = std::move(queue_.front());
      queue_.pop_front();
    }
    BlockSignal& signal = *block->signal;
    bool closed;
    {
      std::lock_guard<std::mutex> lock(signal.mutex);
      closed = signal.closed;
    }
    if (closed) continue;  // nobody will read it
    deflater.Compress(*block);
    Completer<void> waiter;
    {
      std::lock_guard<std::mutex> lock(signal.mutex);
      block->done.store(true, std::memory_order_release);
      if (signal.awaited == block.get()) {
        signal.awaited = nullptr;
        waiter = std::move(signal.waiter);
      }
    }
    waiter.Complete();  // outside the lock; does nothing if there was no waiter
  }
}

}  // namespace kiln::compression
