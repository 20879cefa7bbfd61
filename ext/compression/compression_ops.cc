#include "ext/compression/compression_ops.h"

#include <v8.h>
#include <isa-l/igzip_lib.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ext/compression/compression_state.h"
#include "ext/compression/parallel_deflate.h"

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

// What V8 is told one DecompressionStream holds outside its heap, so that garbage
// collection weighs abandoned streams: ISA-L's inflate state (its Huffman tables and
// history buffer) and the output chunk.
constexpr int64_t kInflateMemory = sizeof(inflate_state) + (1 << 16);

}  // namespace

CompressionState::CompressionState(OpState& state) : isolate_(state.isolate()) {}

CompressionState::~CompressionState() = default;

BlockDeflater& CompressionState::js_thread_deflater() {
  if (js_thread_deflater_ == nullptr) js_thread_deflater_ = std::make_unique<BlockDeflater>();
  return *js_thread_deflater_;
}

void CompressionState::NoteChunkBytes(size_t bytes) {
  output_since_hint_ += bytes;
  if (output_since_hint_ < next_hint_) return;
  output_since_hint_ = 0;
  isolate_->MemoryPressureNotification(v8::MemoryPressureLevel::kCritical);
  v8::HeapStatistics heap;
  isolate_->GetHeapStatistics(&heap);
  next_hint_ = heap.used_heap_size() > kMinOutputPerHint ? heap.used_heap_size()
                                                          : kMinOutputPerHint;
}

namespace {

// What the ops call, with their contracts (compression_ops.h): ParallelDeflateStream or
// InflateStream.
class CodecStream : public Resource {
 public:
  virtual absl::StatusOr<std::optional<ByteBuffer>> Write(ByteView input) = 0;
  virtual absl::StatusOr<std::optional<ByteBuffer>> Finish() = 0;
  virtual absl::StatusOr<std::optional<ByteBuffer>> Next() = 0;
  // Whether Next gives more only after background work (op_compression_wait).
  virtual bool MustWait() const { return false; }
  // Settles once Next has more to give (now, when nothing is in the background).
  virtual Future<void> Wait(OpState& state) { return absl::OkStatus(); }
};

// The largest input or output zlib and ISA-L take in one call (their counts are 32-bit).
constexpr size_t kMaxCodecSpan = size_t{1} << 30;

size_t Span(size_t size) { return size < kMaxCodecSpan ? size : kMaxCodecSpan; }

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
// WrapperHeader has read the header. It runs inside the ops: it holds the input not yet
// consumed and the 64 KiB output chunk, and checks for data after the end and for a
// truncated stream.
class InflateStream : public CodecStream {
 public:
  InflateStream(OpState& state, WrapperHeader::Kind kind)
      : runtime_state_(*state.extension_state<CompressionState>()),
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

  // Takes `input` (borrowed for this call only) and returns the first output chunk.
  absl::StatusOr<std::optional<ByteBuffer>> Write(ByteView input) override {
    if (!failure_.ok()) return failure_;
    if (input_size_ != 0 || finishing_) {
      return absl::FailedPreconditionError("the previous chunk's output is not read yet");
    }
    if (input.size == 0) return std::nullopt;
    input_ = input.data;
    input_size_ = input.size;
    absl::StatusOr<std::optional<ByteBuffer>> output = Step();
    // What the decoder has not consumed yet must outlive the caller's buffer.
    if (input_size_ != 0) {
      pending_input_.assign(input_, input_ + input_size_);
      input_ = pending_input_.data();
    }
    return output;
  }

  // The end of the input. The previous write's input must be consumed (by Next) first.
  absl::StatusOr<std::optional<ByteBuffer>> Finish() override {
    if (!failure_.ok()) return failure_;
    if (input_size_ != 0) {
      return absl::FailedPreconditionError("the previous chunk's output is not read yet");
    }
    finishing_ = true;
    return Step();
  }

  absl::StatusOr<std::optional<ByteBuffer>> Next() override {
    if (!failure_.ok()) return failure_;
    return Step();
  }

 private:
  // What one Process call did.
  struct Progress {
    size_t consumed = 0;  // input bytes
    size_t produced = 0;  // output bytes
  };

  // Runs the decoder once on [input, input + input_size) into [output, output + room)
  // (room is never 0). Sets ended_ when the compressed stream is complete.
  absl::StatusOr<Progress> Process(const uint8_t* input, size_t input_size, uint8_t* output,
                                   size_t room) {
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
  bool HasUnusedInputAfterEnd() const { return isal_->read_in_length >= 8; }

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

  // Remembers the first error: the stream is unusable after it (JavaScript closes it).
  absl::Status Fail(absl::Status status) {
    failure_ = status;
    input_ = nullptr;
    input_size_ = 0;
    std::vector<uint8_t>().swap(pending_input_);
    return status;
  }

  // Runs the decoder until the output chunk is full, the input is consumed or the stream
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
      // Without progress or without input, the decoder waits for more input.
      if (progress->consumed == 0 && progress->produced == 0) break;
      if (input_size_ == 0) break;
    }
    if (input_size_ == 0 && !pending_input_.empty()) {
      std::vector<uint8_t>().swap(pending_input_);
      input_ = nullptr;
    }
    if (ended_ && (input_size_ != 0 || HasUnusedInputAfterEnd())) {
      return Fail(JunkAfterEnd());
    }
    if (finishing_ && !ended_ && produced < kCompressionChunkSize) {
      return Fail(absl::InvalidArgumentError("Compressed input was truncated."));
    }
    if (produced == 0) return std::nullopt;
    runtime_state_.NoteChunkBytes(produced);
    return ByteBuffer(std::vector<uint8_t>(output_, output_ + produced));
  }

  static absl::Status JunkAfterEnd() {
    return absl::InvalidArgumentError("Junk found after end of compressed data.");
  }

  CompressionState& runtime_state_;
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
  v8::Isolate* isolate_;
  WrapperHeader header_;
  // About 85 KiB (the Huffman tables and a 64 KiB history buffer): on the heap.
  std::unique_ptr<inflate_state> isal_;
  bool ended_ = false;
};

// A CompressionStream: the input is cut into blocks that the blocking pool compresses on
// its threads, a few at a time (parallel_deflate.h); their outputs leave in order, between the
// header and the trailer written here. A stream that ends before its first block is full
// never reaches the pool: Finish compresses it on the JavaScript thread, as one block.
class ParallelDeflateStream : public CodecStream {
 public:
  ParallelDeflateStream(OpState& state, WrapperHeader::Kind kind)
      : isolate_(state.isolate()),
        runtime_state_(*state.extension_state<CompressionState>()),
        kind_(kind),
        signal_(std::make_shared<BlockSignal>()) {
    if (kind == WrapperHeader::Kind::kGzip) {
      // RFC 1952: no flags, no mtime, XFL 0, OS 3 (Unix): what zlib writes at level 6.
      staged_ = {0x1f, 0x8b, Z_DEFLATED, 0, 0, 0, 0, 0, 0, 3};
      check_ = 0;  // crc32 of nothing
    } else if (kind == WrapperHeader::Kind::kZlib) {
      // RFC 1950: CM 8, CINFO 7 (32 KiB window), FLEVEL 2 (default), no dictionary.
      staged_ = {0x78, 0x9c};
      check_ = 1;  // adler32 of nothing
    }
    isolate_->AdjustAmountOfExternalAllocatedMemory(kParallelDeflateMemory);
  }

  ~ParallelDeflateStream() override {
    StopWaiting();
    isolate_->AdjustAmountOfExternalAllocatedMemory(-kParallelDeflateMemory);
  }

  std::string name() const override { return "compressionStream"; }

  // Blocks still on the pool finish there; their results are dropped. A pending
  // op_compression_wait rejects.
  void OnClose() override { StopWaiting(); }

  absl::StatusOr<std::optional<ByteBuffer>> Write(ByteView input) override {
    if (!failure_.ok()) return failure_;
    if (HasPendingInput() || finishing_) {
      return absl::FailedPreconditionError("the previous chunk's output is not read yet");
    }
    if (input.size == 0) return std::nullopt;
    runtime_state_.NoteChunkBytes(input.size);  // the input chunk is soon garbage too
    size_t taken = Absorb(input.data, input.size);
    if (taken < input.size) {
      // Too many blocks in flight: the rest waits here, copied (the caller's buffer may
      // change once the write returns).
      pending_input_.assign(input.data + taken, input.data + input.size);
      pending_offset_ = 0;
    }
    return Collect();
  }

  absl::StatusOr<std::optional<ByteBuffer>> Finish() override {
    if (!failure_.ok()) return failure_;
    if (HasPendingInput()) {
      return absl::FailedPreconditionError("the previous chunk's output is not read yet");
    }
    finishing_ = true;
    if (!any_block_submitted_) {
      // Less than a block in all: compressed here and now, as one block.
      std::shared_ptr<DeflateBlock> block = MakeBlock(/*last=*/true);
      runtime_state_.js_thread_deflater().Compress(*block);
      block->done.store(true, std::memory_order_relaxed);
      in_flight_.push_back(std::move(block));
      last_block_submitted_ = true;
    } else {
      Refill();
    }
    return Collect();
  }

  absl::StatusOr<std::optional<ByteBuffer>> Next() override {
    if (!failure_.ok()) return failure_;
    return Collect();
  }

  bool MustWait() const override {
    return failure_.ok() && (HasPendingInput() || (finishing_ && !ended_));
  }

  Future<void> Wait(OpState& state) override {
    if (!failure_.ok()) return failure_;
    if (in_flight_.empty()) return absl::OkStatus();
    DeflateBlock* front = in_flight_.front().get();
    if (front->done.load(std::memory_order_acquire)) return absl::OkStatus();
    auto [future, completer] = MakeFuture<void>(state);
    {
      std::lock_guard<std::mutex> lock(signal_->mutex);
      if (!front->done.load(std::memory_order_acquire)) {
        signal_->awaited = front;
        signal_->waiter = std::move(completer);
      }
    }
    if (completer.valid()) completer.Complete();  // it finished meanwhile
    return std::move(future);
  }

 private:
  // A filling block, the output chunk; the blocks in flight are transient.
  static constexpr int64_t kParallelDeflateMemory = kDeflateBlockSize + kCompressionChunkSize;

  bool HasPendingInput() const { return pending_offset_ < pending_input_.size(); }

  size_t MaxBlocksInFlight() {
    return BlockThreads() + 2;
  }

  std::shared_ptr<DeflateBlock> MakeBlock(bool last) {
    auto block = std::make_shared<DeflateBlock>();
    block->input = filling_ != nullptr ? std::move(filling_)
                                       : std::make_shared<std::vector<uint8_t>>();
    filling_.reset();
    block->previous = previous_;
    block->last = last;
    block->checksum = kind_ == WrapperHeader::Kind::kGzip   ? BlockChecksum::kCrc32
                      : kind_ == WrapperHeader::Kind::kZlib ? BlockChecksum::kAdler32
                                                            : BlockChecksum::kNone;
    block->signal = signal_;
    previous_ = block->input;
    return block;
  }

  // Hands a block to the pool when fewer than MaxBlocksInFlight are out.
  bool Submit(bool last) {
    if (in_flight_.size() >= MaxBlocksInFlight()) return false;
    std::shared_ptr<DeflateBlock> block = MakeBlock(last);
    in_flight_.push_back(block);
    if (!SubmitBlock(block)) {
      runtime_state_.js_thread_deflater().Compress(*block);  // no thread: here, now
      block->done.store(true, std::memory_order_relaxed);
    }
    any_block_submitted_ = true;
    if (last) last_block_submitted_ = true;
    return true;
  }

  // Copies input into blocks, handing each full one to the pool; stops at a full block
  // that cannot go yet. Returns how many bytes it took.
  size_t Absorb(const uint8_t* data, size_t size) {
    size_t taken = 0;
    while (true) {
      if (filling_ != nullptr && filling_->size() == kDeflateBlockSize) {
        if (!Submit(/*last=*/false)) break;
      }
      if (taken == size) break;
      if (filling_ == nullptr) {
        filling_ = std::make_shared<std::vector<uint8_t>>();
        // A stream past its first block is a long one: its blocks are allocated once.
        if (any_block_submitted_) filling_->reserve(kDeflateBlockSize);
      }
      size_t part = std::min(size - taken, kDeflateBlockSize - filling_->size());
      filling_->insert(filling_->end(), data + taken, data + taken + part);
      taken += part;
    }
    return taken;
  }

  // Once a block has left: takes what input waits, and after the end of the input hands
  // over the last block.
  void Refill() {
    if (HasPendingInput()) {
      pending_offset_ += Absorb(pending_input_.data() + pending_offset_,
                                pending_input_.size() - pending_offset_);
      if (!HasPendingInput()) {
        std::vector<uint8_t>().swap(pending_input_);
        pending_offset_ = 0;
      }
    }
    if (finishing_ && !HasPendingInput() && !last_block_submitted_) {
      if (filling_ != nullptr && filling_->size() == kDeflateBlockSize) {
        if (!Submit(/*last=*/false)) return;
      }
      Submit(/*last=*/true);
    }
  }

  // The next output chunk from what is ready: the header, finished blocks in order, the
  // trailer. Less than a full chunk (or null) when nothing more is ready now.
  absl::StatusOr<std::optional<ByteBuffer>> Collect() {
    size_t produced = 0;
    while (produced < kCompressionChunkSize) {
      size_t room = kCompressionChunkSize - produced;
      if (staged_offset_ < staged_.size()) {
        size_t part = std::min(room, staged_.size() - staged_offset_);
        std::memcpy(output_ + produced, staged_.data() + staged_offset_, part);
        staged_offset_ += part;
        produced += part;
        continue;
      }
      if (!in_flight_.empty()) {
        DeflateBlock& front = *in_flight_.front();
        if (!front.done.load(std::memory_order_acquire)) break;
        if (!front.status.ok()) return Fail(front.status);
        size_t part = std::min(room, front.output.size() - front_offset_);
        std::memcpy(output_ + produced, front.output.data() + front_offset_, part);
        front_offset_ += part;
        produced += part;
        if (front_offset_ == front.output.size()) {
          FoldChecksum(front);
          in_flight_.pop_front();
          front_offset_ = 0;
          Refill();
        }
        continue;
      }
      if (finishing_ && last_block_submitted_ && !ended_) {
        StageTrailer();
        ended_ = true;
        continue;
      }
      break;
    }
    if (produced == 0) return std::nullopt;
    runtime_state_.NoteChunkBytes(produced);
    return ByteBuffer(std::vector<uint8_t>(output_, output_ + produced));
  }

  void FoldChecksum(const DeflateBlock& block) {
    uint64_t length = block.input->size();
    if (kind_ == WrapperHeader::Kind::kGzip) {
      check_ = static_cast<uint32_t>(crc32_combine(check_, block.check, length));
    } else if (kind_ == WrapperHeader::Kind::kZlib) {
      check_ = static_cast<uint32_t>(adler32_combine(check_, block.check, length));
    }
    total_in_ += length;
  }

  void StageTrailer() {
    staged_.clear();
    staged_offset_ = 0;
    if (kind_ == WrapperHeader::Kind::kGzip) {  // CRC-32 and ISIZE, little-endian
      for (int shift = 0; shift < 32; shift += 8) staged_.push_back(check_ >> shift);
      for (int shift = 0; shift < 32; shift += 8) staged_.push_back(total_in_ >> shift);
    } else if (kind_ == WrapperHeader::Kind::kZlib) {  // Adler-32, big-endian
      for (int shift = 24; shift >= 0; shift -= 8) staged_.push_back(check_ >> shift);
    }
  }

  absl::Status Fail(absl::Status status) {
    failure_ = status;
    std::vector<uint8_t>().swap(pending_input_);
    pending_offset_ = 0;
    StopWaiting();
    in_flight_.clear();
    filling_.reset();
    previous_.reset();
    return status;
  }

  // Marks the stream closed for the pool (blocks not started are skipped) and rejects a
  // pending wait.
  void StopWaiting() {
    Completer<void> waiter;
    {
      std::lock_guard<std::mutex> lock(signal_->mutex);
      signal_->closed = true;
      signal_->awaited = nullptr;
      waiter = std::move(signal_->waiter);
    }
    waiter.Fail(absl::CancelledError("operation canceled"));
  }

  v8::Isolate* isolate_;
  CompressionState& runtime_state_;
  const WrapperHeader::Kind kind_;
  std::shared_ptr<BlockSignal> signal_;
  absl::Status failure_;
  bool finishing_ = false;
  bool any_block_submitted_ = false;
  bool last_block_submitted_ = false;
  bool ended_ = false;  // the trailer is staged: nothing more after staged_
  // The block being filled, and the one before it (the next block's dictionary).
  std::shared_ptr<std::vector<uint8_t>> filling_;
  std::shared_ptr<const std::vector<uint8_t>> previous_;
  // Blocks handed over (or compressed here), in stream order; output of the front one is
  // read from front_offset_ on.
  std::deque<std::shared_ptr<DeflateBlock>> in_flight_;
  size_t front_offset_ = 0;
  // A Write's input that did not fit while too many blocks were out.
  std::vector<uint8_t> pending_input_;
  size_t pending_offset_ = 0;
  // Bytes of our own to emit: the header, later the trailer.
  std::vector<uint8_t> staged_;
  size_t staged_offset_ = 0;
  uint32_t check_ = 0;     // CRC-32 or Adler-32 of the blocks emitted so far
  uint64_t total_in_ = 0;  // their input length
  uint8_t output_[kCompressionChunkSize];
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
  WrapperHeader::Kind kind = window_bits > 15    ? WrapperHeader::Kind::kGzip
                             : window_bits > 0 ? WrapperHeader::Kind::kZlib
                                               : WrapperHeader::Kind::kNone;
  if (decompress) return state.resources().Add(std::make_unique<InflateStream>(state, kind));
  return state.resources().Add(std::make_unique<ParallelDeflateStream>(state, kind));
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

bool op_compression_must_wait(OpState& state, ResourceId rid) {
  absl::StatusOr<CodecStream*> stream = StreamOf(state, rid);
  return stream.ok() && (*stream)->MustWait();
}

Future<void> op_compression_wait(OpState& state, ResourceId rid) {
  absl::StatusOr<CodecStream*> stream = StreamOf(state, rid);
  if (!stream.ok()) return stream.status();
  return (*stream)->Wait(state);
}

}  // namespace kiln::compression

