#include "ext/compression/compression_ops.h"

#include <v8.h>
#include <isa-l/igzip_lib.h>
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

// What V8 is told one stream holds outside its heap, so that garbage collection weighs
// abandoned streams: zlib deflate's window, hash chains and pending buffer at the default
// memLevel 8 (zconf.h: (1 << (windowBits+2)) + (1 << (memLevel+9))); ISA-L's inflate
// state (its Huffman tables and history buffer); plus the output chunk each has.
constexpr int64_t kDeflateMemory = (1 << 17) + (1 << 17) + (1 << 16);
constexpr int64_t kInflateMemory = sizeof(inflate_state) + (1 << 16);

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

// What the stream streams: Write/Finish/Next with their contracts (compression_ops.h),
// the input the codec has not consumed yet and the 64 KiB output chunk. The codec itself
// (Process) is zlib's deflate (DeflateStream) or ISA-L's inflate (InflateStream).
class CodecStream : public Resource {
 public:
  // Takes `input` (borrowed for this call only) and returns the first output chunk.
  absl::StatusOr<std::optional<ByteBuffer>> Write(ByteView input) {
    if (!failure_.ok()) return failure_;
    if (input_size_ != 0 || finishing_) {
      return absl::FailedPreconditionError("the previous chunk's output is not read yet");
    }
    if (input.size == 0) return std::nullopt;
    input_ = input.data;
    input_size_ = input.size;
    absl::StatusOr<std::optional<ByteBuffer>> output = Step();
    // What the codec has not consumed yet must outlive the caller's buffer.
    if (input_size_ != 0) {
      pending_input_.assign(input_, input_ + input_size_);
      input_ = pending_input_.data();
    }
    return output;
  }

  // The end of the input. The previous write's input must be consumed (by Next) first.
  absl::StatusOr<std::optional<ByteBuffer>> Finish() {
    if (!failure_.ok()) return failure_;
    if (input_size_ != 0) {
      return absl::FailedPreconditionError("the previous chunk's output is not read yet");
    }
    finishing_ = true;
    return Step();
  }

  absl::StatusOr<std::optional<ByteBuffer>> Next() {
    if (!failure_.ok()) return failure_;
    return Step();
  }

 protected:
  // What one Process call did.
  struct Progress {
    size_t consumed = 0;  // input bytes
    size_t produced = 0;  // output bytes
  };

  CodecStream(OpState& state, bool decompress)
      : runtime_state_(*state.extension_state<CompressionState>()), decompress_(decompress) {}

  // Runs the codec once on [input, input + input_size) into [output, output + room) (room
  // is never 0). Sets ended_ when the (de)compressed stream is complete.
  virtual absl::StatusOr<Progress> Process(const uint8_t* input, size_t input_size,
                                           uint8_t* output, size_t room) = 0;

  // Input bytes the codec took in but did not use, once the stream has ended (a
  // decoder's read-ahead): data after the end.
  virtual bool HasUnusedInputAfterEnd() const { return false; }

  bool finishing() const { return finishing_; }
  bool ended_ = false;

 private:
  // Remembers the first error: the stream is unusable after it (JavaScript closes it).
  absl::Status Fail(absl::Status status) {
    failure_ = status;
    input_ = nullptr;
    input_size_ = 0;
    std::vector<uint8_t>().swap(pending_input_);
    return status;
  }

  // Runs the codec until the output chunk is full, the input is consumed or the stream
  // ends.
  absl::StatusOr<std::optional<ByteBuffer>> Step() {
    if (ended_) {
      if (input_size_ != 0 || HasUnusedInputAfterEnd()) return Fail(JunkAfterEnd());
      return std::nullopt;
    }
    size_t produced = 0;
    while (!ended_ && produced < kCompressionChunkSize) {
      absl::StatusOr<Progress> progress =
          Process(input_, input_size_, output_ + produced, kCompressionChunkSize - produced);
      if (!progress.ok()) return Fail(progress.status());
      input_ += progress->consumed;
      input_size_ -= progress->consumed;
      produced += progress->produced;
      // Without input the codec goes on only while it still makes output (a deflate
      // being finished); without progress it waits for more input.
      if (progress->consumed == 0 && progress->produced == 0) break;
      if (input_size_ == 0 && !(finishing_ && !decompress_)) break;
    }
    if (input_size_ == 0 && !pending_input_.empty()) {
      std::vector<uint8_t>().swap(pending_input_);
      input_ = nullptr;
    }
    if (ended_ && decompress_ && (input_size_ != 0 || HasUnusedInputAfterEnd())) {
      return Fail(JunkAfterEnd());
    }
    if (decompress_ && finishing_ && !ended_ && produced < kCompressionChunkSize) {
      return Fail(absl::InvalidArgumentError("Compressed input was truncated."));
    }
    if (produced == 0) return std::nullopt;
    runtime_state_.NoteOutput(produced);
    return ByteBuffer(std::vector<uint8_t>(output_, output_ + produced));
  }

  static absl::Status JunkAfterEnd() {
    return absl::InvalidArgumentError("Junk found after end of compressed data.");
  }

  CompressionState& runtime_state_;
  const bool decompress_;
  // The input has ended (Finish was called).
  bool finishing_ = false;
  // The first error; every later call returns it.
  absl::Status failure_;
  // The input the codec has not consumed: the caller's buffer during Write, else a part
  // of pending_input_ (a copy of what a Write left).
  const uint8_t* input_ = nullptr;
  size_t input_size_ = 0;
  std::vector<uint8_t> pending_input_;
  uint8_t output_[kCompressionChunkSize];
};

// The largest input or output zlib and ISA-L take in one call (their counts are 32-bit).
constexpr size_t kMaxCodecSpan = size_t{1} << 30;

size_t Span(size_t size) { return size < kMaxCodecSpan ? size : kMaxCodecSpan; }

// A CompressionStream: zlib's deflate at level 6, memLevel 8, with the format's wrapper.
class DeflateStream : public CodecStream {
 public:
  static absl::StatusOr<std::unique_ptr<DeflateStream>> Create(OpState& state,
                                                              int window_bits) {
    std::unique_ptr<DeflateStream> stream(new DeflateStream(state));
    int result = deflateInit2(&stream->zlib_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, window_bits,
                              8, Z_DEFAULT_STRATEGY);
    if (result != Z_OK) {
      if (result == Z_MEM_ERROR) {
        return absl::ResourceExhaustedError("out of memory for a zlib stream");
      }
      return absl::InternalError(absl::StrCat("zlib could not start a stream (", result, ")"));
    }
    stream->initialized_ = true;
    stream->isolate_->AdjustAmountOfExternalAllocatedMemory(kDeflateMemory);
    return stream;
  }

  ~DeflateStream() override {
    if (!initialized_) return;
    deflateEnd(&zlib_);
    isolate_->AdjustAmountOfExternalAllocatedMemory(-kDeflateMemory);
  }

  std::string name() const override { return "compressionStream"; }

 private:
  explicit DeflateStream(OpState& state)
      : CodecStream(state, /*decompress=*/false), isolate_(state.isolate()) {
    std::memset(&zlib_, 0, sizeof(zlib_));
  }

  absl::StatusOr<Progress> Process(const uint8_t* input, size_t input_size, uint8_t* output,
                                   size_t room) override {
    zlib_.next_in = const_cast<uint8_t*>(input);
    zlib_.avail_in = static_cast<uInt>(Span(input_size));
    zlib_.next_out = output;
    zlib_.avail_out = static_cast<uInt>(Span(room));
    // Finish is only called once all input is consumed, so Z_FINISH sees no input left.
    int result = deflate(&zlib_, finishing() ? Z_FINISH : Z_NO_FLUSH);
    if (result == Z_STREAM_END) {
      ended_ = true;
    } else if (result != Z_OK && result != Z_BUF_ERROR) {  // Z_BUF_ERROR: nothing to do
      return absl::InternalError(absl::StrCat("zlib failed to compress (", result, ")"));
    }
    return Progress{Span(input_size) - zlib_.avail_in, Span(room) - zlib_.avail_out};
  }

  v8::Isolate* isolate_;
  bool initialized_ = false;
  z_stream zlib_;
};

// The gzip (RFC 1952) or zlib (RFC 1950) header in front of a deflate stream, read in
// pieces as they come, with zlib's checks and messages (ISA-L's own header parsing reports
// coarser errors, accepts what zlib rejects and gives no way to tell a preset dictionary
// from a bad header check).
class WrapperHeader {
 public:
  enum class Kind { kNone, kGzip, kZlib };

  explicit WrapperHeader(Kind kind) : kind_(kind) {
    field_ = kind == Kind::kNone ? Field::kDone : Field::kFixed;
  }

  bool done() const { return field_ == Field::kDone; }

  // Consumes header bytes from [data, data + size); returns how many (all of them unless
  // the header ends inside).
  absl::StatusOr<size_t> Read(const uint8_t* data, size_t size) {
    size_t at = 0;
    while (at < size && field_ != Field::kDone) {
      uint8_t byte = data[at++];
      if (field_ != Field::kHeaderCrc) header_crc_ = crc32(header_crc_, &byte, 1);
      absl::Status taken = kind_ == Kind::kGzip ? TakeGzip(byte) : TakeZlib(byte);
      if (!taken.ok()) return taken;
    }
    return at;
  }

 private:
  enum class Field { kFixed, kExtraLength, kExtra, kName, kComment, kHeaderCrc, kDone };

  // RFC 1952 2.3's FLG bits.
  static constexpr uint8_t kHeaderCrcFlag = 0x02;
  static constexpr uint8_t kExtraFlag = 0x04;
  static constexpr uint8_t kNameFlag = 0x08;
  static constexpr uint8_t kCommentFlag = 0x10;
  static constexpr uint8_t kReservedFlags = 0xe0;

  static absl::Status Invalid(const char* reason) {
    return absl::InvalidArgumentError(
        absl::StrCat("The compressed data was not valid: ", reason, "."));
  }

  absl::Status TakeZlib(uint8_t byte) {
    fixed_[count_++] = byte;
    if (count_ < 2) return absl::OkStatus();
    // CMF, FLG: the check bits first, then the method, the window, the dictionary flag.
    if (((fixed_[0] << 8) | fixed_[1]) % 31 != 0) return Invalid("incorrect header check");
    if ((fixed_[0] & 0x0f) != Z_DEFLATED) return Invalid("unknown compression method");
    if ((fixed_[0] >> 4) + 8 > 15) return Invalid("invalid window size");
    if ((fixed_[1] & 0x20) != 0) return Invalid("a preset dictionary is required");
    field_ = Field::kDone;
    return absl::OkStatus();
  }

  absl::Status TakeGzip(uint8_t byte) {
    switch (field_) {
      case Field::kFixed:
        fixed_[count_++] = byte;
        if (count_ == 2 && (fixed_[0] != 0x1f || fixed_[1] != 0x8b)) {
          return Invalid("incorrect header check");
        }
        if (count_ == 3 && fixed_[2] != Z_DEFLATED) return Invalid("unknown compression method");
        if (count_ == 4 && (fixed_[3] & kReservedFlags) != 0) {
          return Invalid("unknown header flags set");
        }
        if (count_ == 10) {
          flags_ = fixed_[3];
          count_ = 0;
          NextGzipField(Field::kFixed);
        }
        return absl::OkStatus();
      case Field::kExtraLength:
        left_ |= static_cast<size_t>(byte) << (8 * count_++);
        if (count_ == 2) {
          count_ = 0;
          if (left_ == 0) NextGzipField(Field::kExtra);
          else field_ = Field::kExtra;
        }
        return absl::OkStatus();
      case Field::kExtra:
        if (--left_ == 0) NextGzipField(Field::kExtra);
        return absl::OkStatus();
      case Field::kName:
      case Field::kComment:
        if (byte == 0) NextGzipField(field_);
        return absl::OkStatus();
      case Field::kHeaderCrc:
        stored_crc_ |= static_cast<uint32_t>(byte) << (8 * count_++);
        if (count_ == 2) {
          if (stored_crc_ != (header_crc_ & 0xffff)) return Invalid("header crc mismatch");
          field_ = Field::kDone;
        }
        return absl::OkStatus();
      case Field::kDone:
        return absl::OkStatus();
    }
    return absl::OkStatus();
  }

  // The optional field after `after` that the flags announce (RFC 1952 order).
  void NextGzipField(Field after) {
    if (after < Field::kExtraLength && (flags_ & kExtraFlag)) {
      field_ = Field::kExtraLength;
    } else if (after < Field::kName && (flags_ & kNameFlag)) {
      field_ = Field::kName;
    } else if (after < Field::kComment && (flags_ & kCommentFlag)) {
      field_ = Field::kComment;
    } else if (after < Field::kHeaderCrc && (flags_ & kHeaderCrcFlag)) {
      field_ = Field::kHeaderCrc;
    } else {
      field_ = Field::kDone;
    }
  }

  const Kind kind_;
  Field field_;
  uint8_t fixed_[10] = {};
  size_t count_ = 0;
  uint8_t flags_ = 0;
  size_t left_ = 0;  // FEXTRA bytes still to skip
  uint32_t header_crc_ = 0;
  uint32_t stored_crc_ = 0;
};

// A DecompressionStream: ISA-L's inflate for the deflate data and the trailer (its
// *_NO_HDR_VER modes check the gzip CRC-32 and length or the zlib Adler-32), after
// WrapperHeader has read the header.
class InflateStream : public CodecStream {
 public:
  InflateStream(OpState& state, WrapperHeader::Kind kind)
      : CodecStream(state, /*decompress=*/true),
        isolate_(state.isolate()),
        header_(kind),
        isal_(std::make_unique<inflate_state>()) {
    isal_inflate_init(isal_.get());
    isal_->crc_flag = kind == WrapperHeader::Kind::kGzip   ? ISAL_GZIP_NO_HDR_VER
                      : kind == WrapperHeader::Kind::kZlib ? ISAL_ZLIB_NO_HDR_VER
                                                           : ISAL_DEFLATE;
    isolate_->AdjustAmountOfExternalAllocatedMemory(kInflateMemory);
  }

  ~InflateStream() override { isolate_->AdjustAmountOfExternalAllocatedMemory(-kInflateMemory); }

  std::string name() const override { return "decompressionStream"; }

 private:
  absl::StatusOr<Progress> Process(const uint8_t* input, size_t input_size, uint8_t* output,
                                   size_t room) override {
    size_t header_bytes = 0;
    if (!header_.done()) {
      absl::StatusOr<size_t> read = header_.Read(input, input_size);
      if (!read.ok()) return read.status();
      header_bytes = *read;
      if (!header_.done()) return Progress{header_bytes, 0};
      input += header_bytes;
      input_size -= header_bytes;
    }
    inflate_state& isal = *isal_;
    isal.next_in = const_cast<uint8_t*>(input);
    isal.avail_in = static_cast<uint32_t>(Span(input_size));
    isal.next_out = output;
    isal.avail_out = static_cast<uint32_t>(Span(room));
    int result = isal_inflate(&isal);
    if (result < 0) return InflateError(result);
    if (isal.block_state == ISAL_BLOCK_FINISH) ended_ = true;
    return Progress{header_bytes + Span(input_size) - isal.avail_in,
                    Span(room) - isal.avail_out};
  }

  // ISA-L reads ahead up to 8 bytes into a bit buffer: whole bytes left in it after the
  // end belong to what follows the stream.
  bool HasUnusedInputAfterEnd() const override { return isal_->read_in_length >= 8; }

  static absl::Status InflateError(int result) {
    const char* reason;
    switch (result) {
      case ISAL_INVALID_BLOCK:  // a block type of 3, stored lengths that do not match,
        reason = "invalid block header";  // or Huffman code lengths that make no code
        break;
      case ISAL_INVALID_SYMBOL:
        reason = "invalid literal/length or distance code";
        break;
      case ISAL_INVALID_LOOKBACK:
        reason = "invalid distance too far back";
        break;
      case ISAL_INCORRECT_CHECKSUM:  // the trailer's CRC-32, length or Adler-32
        reason = "incorrect data check";
        break;
      default:
        return absl::InternalError(absl::StrCat("ISA-L failed to decompress (", result, ")"));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("The compressed data was not valid: ", reason, "."));
  }

  v8::Isolate* isolate_;
  WrapperHeader header_;
  // About 85 KiB (the Huffman tables and a 64 KiB history buffer): on the heap.
  std::unique_ptr<inflate_state> isal_;
};

absl::StatusOr<CodecStream*> StreamOf(OpState& state, ResourceId rid) {
  return state.resources().Get<CodecStream>(rid);
}

}  // namespace

absl::StatusOr<ResourceId> op_compression_open(OpState& state, std::string format,
                                               bool decompress) {
  int window_bits = WindowBitsFor(format);
  if (window_bits == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("Unsupported compression format: '", format, "'"));
  }
  if (decompress) {
    WrapperHeader::Kind kind = window_bits > 15    ? WrapperHeader::Kind::kGzip
                               : window_bits > 0 ? WrapperHeader::Kind::kZlib
                                                 : WrapperHeader::Kind::kNone;
    return state.resources().Add(std::make_unique<InflateStream>(state, kind));
  }
  absl::StatusOr<std::unique_ptr<DeflateStream>> stream =
      DeflateStream::Create(state, window_bits);
  if (!stream.ok()) return stream.status();
  return state.resources().Add(std::move(*stream));
}

absl::StatusOr<std::optional<ByteBuffer>> op_compression_write(OpState& state, ResourceId rid,
                                                               ByteView input) {
  absl::StatusOr<CodecStream*> stream = StreamOf(state, rid);
  if (!stream.ok()) return stream.status();
  return (*stream)->Write(input);
}

absl::StatusOr<std::optional<ByteBuffer>> op_compression_finish(OpState& state, ResourceId rid) {
  absl::StatusOr<CodecStream*> stream = StreamOf(state, rid);
  if (!stream.ok()) return stream.status();
  return (*stream)->Finish();
}

absl::StatusOr<std::optional<ByteBuffer>> op_compression_next(OpState& state, ResourceId rid) {
  absl::StatusOr<CodecStream*> stream = StreamOf(state, rid);
  if (!stream.ok()) return stream.status();
  return (*stream)->Next();
}

}  // namespace kiln::compression
