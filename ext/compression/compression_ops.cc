#include "ext/compression/compression_ops.h"

#include <v8.h>
#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ext/compression/compression_state.h"

namespace kiln::compression {
namespace {

// zlib's window bits for each format: 15 is the largest window (32 KiB); +16 asks for the
// gzip wrapper (RFC 1952), a negative value for raw deflate (RFC 1951), plain 15 for the
// zlib wrapper (RFC 1950), which the Compression Standard calls "deflate".
int WindowBitsFor(const std::string& format) {
  if (format == "gzip") return 15 + 16;
  if (format == "deflate") return 15;
  if (format == "deflate-raw") return -15;
  return 0;
}

// What V8 is told one zlib stream holds outside its heap, so that garbage collection
// weighs abandoned streams: deflate's window, hash chains and pending buffer at the
// default memLevel 8 (zconf.h: (1 << (windowBits+2)) + (1 << (memLevel+9))), inflate's
// window, plus the output chunk each has.
constexpr int64_t kDeflateMemory = (1 << 17) + (1 << 17) + 6 * 1024;
constexpr int64_t kInflateMemory = (1 << 15) + 7 * 1024;

}  // namespace

CompressionState::CompressionState(OpState& state) : isolate_(state.isolate()) {}

void CompressionState::NoteOutput(size_t bytes) {
  output_since_hint_ += bytes;
  if (output_since_hint_ < next_hint_) return;
  output_since_hint_ = 0;
  isolate_->MemoryPressureNotification(v8::MemoryPressureLevel::kModerate);
  v8::HeapStatistics heap;
  isolate_->GetHeapStatistics(&heap);
  next_hint_ = heap.used_heap_size() > kMinOutputPerHint ? heap.used_heap_size()
                                                          : kMinOutputPerHint;
}

namespace {

// One CompressionStream's or DecompressionStream's zlib state. The z_stream is made in
// Create and ended in the destructor, whatever path closes the resource (close, error,
// cancel/abort, a collected stream, the runtime's end).
class ZlibStream : public Resource {
 public:
  static absl::StatusOr<std::unique_ptr<ZlibStream>> Create(OpState& state, int window_bits,
                                                           bool decompress) {
    std::unique_ptr<ZlibStream> stream(new ZlibStream(state, decompress));
    int result = decompress ? inflateInit2(&stream->zlib_, window_bits)
                            : deflateInit2(&stream->zlib_, Z_DEFAULT_COMPRESSION, Z_DEFLATED,
                                           window_bits, 8, Z_DEFAULT_STRATEGY);
    if (result != Z_OK) {
      if (result == Z_MEM_ERROR) {
        return absl::ResourceExhaustedError("out of memory for a zlib stream");
      }
      return absl::InternalError(absl::StrCat("zlib could not start a stream (", result, ")"));
    }
    stream->initialized_ = true;
    stream->external_memory_ = decompress ? kInflateMemory : kDeflateMemory;
    stream->isolate_->AdjustAmountOfExternalAllocatedMemory(stream->external_memory_);
    return stream;
  }

  ~ZlibStream() override {
    if (!initialized_) return;
    if (decompress_) {
      inflateEnd(&zlib_);
    } else {
      deflateEnd(&zlib_);
    }
    isolate_->AdjustAmountOfExternalAllocatedMemory(-external_memory_);
  }

  std::string name() const override {
    return decompress_ ? "decompressionStream" : "compressionStream";
  }

  // Takes `input` (borrowed for this call only) and returns the first output chunk.
  absl::StatusOr<std::optional<ByteBuffer>> Write(ByteView input) {
    if (!failure_.ok()) return failure_;
    if (HasInput() || finishing_) {
      return absl::FailedPreconditionError("the previous chunk's output is not read yet");
    }
    if (input.size == 0) return std::nullopt;
    if (input.size > kMaxZlibInput) {
      // zlib counts input in uInt: a larger chunk is copied and fed in parts.
      pending_input_.assign(input.data, input.data + input.size);
      pending_offset_ = 0;
      FeedPendingInput();
      return Step();
    }
    zlib_.next_in = input.data;
    zlib_.avail_in = static_cast<uInt>(input.size);
    absl::StatusOr<std::optional<ByteBuffer>> output = Step();
    // What zlib has not consumed yet must outlive the caller's buffer.
    if (zlib_.avail_in != 0) {
      pending_input_.assign(zlib_.next_in, zlib_.next_in + zlib_.avail_in);
      pending_offset_ = pending_input_.size();
      zlib_.next_in = pending_input_.data();
    }
    return output;
  }

  // The end of the input. The previous write's input must be consumed (by Next) first.
  absl::StatusOr<std::optional<ByteBuffer>> Finish() {
    if (!failure_.ok()) return failure_;
    if (HasInput()) {
      return absl::FailedPreconditionError("the previous chunk's output is not read yet");
    }
    finishing_ = true;
    return Step();
  }

  absl::StatusOr<std::optional<ByteBuffer>> Next() {
    if (!failure_.ok()) return failure_;
    return Step();
  }

 private:
  // The largest input zlib takes in one go (its avail_in is a uInt).
  static constexpr size_t kMaxZlibInput = size_t{1} << 30;

  ZlibStream(OpState& state, bool decompress)
      : isolate_(state.isolate()),
        runtime_state_(*state.extension_state<CompressionState>()),
        decompress_(decompress) {
    std::memset(&zlib_, 0, sizeof(zlib_));
  }

  bool HasInput() const {
    return zlib_.avail_in != 0 || pending_offset_ < pending_input_.size();
  }

  // Once zlib has consumed what it holds: points it at the next part of pending_input_, or
  // frees pending_input_ when all of it is consumed.
  void FeedPendingInput() {
    size_t left = pending_input_.size() - pending_offset_;
    if (left == 0) {
      std::vector<uint8_t>().swap(pending_input_);
      pending_offset_ = 0;
      return;
    }
    size_t part = left < kMaxZlibInput ? left : kMaxZlibInput;
    zlib_.next_in = pending_input_.data() + pending_offset_;
    zlib_.avail_in = static_cast<uInt>(part);
    pending_offset_ += part;
  }

  // Remembers the first error: the stream is unusable after it (JavaScript closes it).
  absl::Status Fail(absl::Status status) {
    failure_ = status;
    zlib_.next_in = nullptr;
    zlib_.avail_in = 0;
    std::vector<uint8_t>().swap(pending_input_);
    pending_offset_ = 0;
    return status;
  }

  // Runs zlib until the output chunk is full, the input is consumed or the stream ends.
  absl::StatusOr<std::optional<ByteBuffer>> Step() {
    if (ended_) {
      if (HasInput()) return Fail(JunkAfterEnd());
      return std::nullopt;
    }
    zlib_.next_out = output_;
    zlib_.avail_out = kCompressionChunkSize;
    while (true) {
      absl::Status ran = decompress_ ? InflateOnce() : DeflateOnce();
      if (!ran.ok()) return Fail(ran);
      if (ended_ || zlib_.avail_out != 0) {
        // zlib stopped with room left: the stream ended, or it consumed all it was given.
        if (zlib_.avail_in == 0) FeedPendingInput();
        if (ended_ || zlib_.avail_in == 0) break;
      } else {
        break;  // the output chunk is full
      }
    }
    if (ended_ && decompress_ && HasInput()) return Fail(JunkAfterEnd());
    if (decompress_ && finishing_ && !ended_ && zlib_.avail_out != 0) {
      return Fail(absl::InvalidArgumentError("Compressed input was truncated."));
    }
    size_t produced = kCompressionChunkSize - zlib_.avail_out;
    if (produced == 0) return std::nullopt;
    runtime_state_.NoteOutput(produced);
    return ByteBuffer(std::vector<uint8_t>(output_, output_ + produced));
  }

  absl::Status DeflateOnce() {
    int result = deflate(&zlib_, finishing_ ? Z_FINISH : Z_NO_FLUSH);
    if (result == Z_STREAM_END) {
      ended_ = true;
    } else if (result != Z_OK && result != Z_BUF_ERROR) {  // Z_BUF_ERROR: nothing to do
      return absl::InternalError(absl::StrCat("zlib failed to compress (", result, ")"));
    }
    return absl::OkStatus();
  }

  absl::Status InflateOnce() {
    int result = inflate(&zlib_, Z_NO_FLUSH);
    switch (result) {
      case Z_OK:
      case Z_BUF_ERROR:  // no progress possible: the input is consumed
        return absl::OkStatus();
      case Z_STREAM_END:
        ended_ = true;
        return absl::OkStatus();
      case Z_NEED_DICT:
        return absl::InvalidArgumentError(
            "The compressed data was not valid: a preset dictionary is required.");
      case Z_DATA_ERROR:
        return absl::InvalidArgumentError(absl::StrCat(
            "The compressed data was not valid: ",
            zlib_.msg != nullptr ? zlib_.msg : "corrupt data", "."));
      case Z_MEM_ERROR:
        return absl::ResourceExhaustedError("out of memory while decompressing");
      default:
        return absl::InternalError(absl::StrCat("zlib failed to decompress (", result, ")"));
    }
  }

  static absl::Status JunkAfterEnd() {
    return absl::InvalidArgumentError("Junk found after end of compressed data.");
  }

  v8::Isolate* isolate_;
  CompressionState& runtime_state_;
  const bool decompress_;
  bool initialized_ = false;
  // The input has ended (Finish was called).
  bool finishing_ = false;
  // zlib reported the end of the (de)compressed stream.
  bool ended_ = false;
  int64_t external_memory_ = 0;
  // The first error; every later call returns it.
  absl::Status failure_;
  z_stream zlib_;
  // Input zlib has not consumed yet, copied out of the caller's buffer; zlib reads it from
  // pending_input_[pending_offset_ - avail_in, pending_offset_).
  std::vector<uint8_t> pending_input_;
  size_t pending_offset_ = 0;
  uint8_t output_[kCompressionChunkSize];
};

absl::StatusOr<ZlibStream*> StreamOf(OpState& state, ResourceId rid) {
  return state.resources().Get<ZlibStream>(rid);
}

}  // namespace

absl::StatusOr<ResourceId> op_compression_open(OpState& state, std::string format,
                                               bool decompress) {
  int window_bits = WindowBitsFor(format);
  if (window_bits == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("Unsupported compression format: '", format, "'"));
  }
  absl::StatusOr<std::unique_ptr<ZlibStream>> stream =
      ZlibStream::Create(state, window_bits, decompress);
  if (!stream.ok()) return stream.status();
  return state.resources().Add(std::move(*stream));
}

absl::StatusOr<std::optional<ByteBuffer>> op_compression_write(OpState& state, ResourceId rid,
                                                               ByteView input) {
  absl::StatusOr<ZlibStream*> stream = StreamOf(state, rid);
  if (!stream.ok()) return stream.status();
  return (*stream)->Write(input);
}

absl::StatusOr<std::optional<ByteBuffer>> op_compression_finish(OpState& state, ResourceId rid) {
  absl::StatusOr<ZlibStream*> stream = StreamOf(state, rid);
  if (!stream.ok()) return stream.status();
  return (*stream)->Finish();
}

absl::StatusOr<std::optional<ByteBuffer>> op_compression_next(OpState& state, ResourceId rid) {
  absl::StatusOr<ZlibStream*> stream = StreamOf(state, rid);
  if (!stream.ok()) return stream.status();
  return (*stream)->Next();
}

}  // namespace kiln::compression
