#include "ext/encoding/multi_byte_decoders.h"

#include <unicode/ucnv.h>
#include <unicode/utf16.h>

#include <mutex>
#include <string>

namespace kiln::encoding {
namespace {

constexpr char16_t kReplacement = 0xFFFD;
constexpr int kEnd = -1;  // end of the stream, as a "byte"

void Append(uint32_t code_point, std::u16string* out) {
  if (code_point < 0x10000) {
    out->push_back(static_cast<char16_t>(code_point));
  } else {
    code_point -= 0x10000;
    out->push_back(static_cast<char16_t>(0xD800 + (code_point >> 10)));
    out->push_back(static_cast<char16_t>(0xDC00 + (code_point & 0x3FF)));
  }
}

bool IsAscii(int byte) { return byte >= 0 && byte <= 0x7F; }

// ------------------------------------------------------------------ index tables ------

// The bytes ICU's converter is given for a pointer; `size` 0 means the pointer has none.
struct PointerBytes {
  char bytes[3];
  int size;
};

// Decodes each pointer's bytes with `converter_name` (errors stop: no code point) and keeps
// the result when it is exactly one code point.
std::vector<uint32_t> ReadIndex(const char* converter_name, int count,
                                PointerBytes (*bytes_of)(int pointer)) {
  std::vector<uint32_t> index(count, 0);
  UErrorCode error = U_ZERO_ERROR;
  UConverter* converter = ucnv_open(converter_name, &error);
  if (U_FAILURE(error)) return {};
  ucnv_setToUCallBack(converter, UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &error);
  for (int pointer = 0; pointer < count; ++pointer) {
    PointerBytes input = bytes_of(pointer);
    if (input.size == 0) continue;
    ucnv_reset(converter);
    error = U_ZERO_ERROR;
    UChar output[4];
    int32_t length = ucnv_toUChars(converter, output, 4, input.bytes, input.size, &error);
    if (U_FAILURE(error) || length == 0) continue;
    int32_t offset = 0;
    UChar32 code_point;
    U16_NEXT(output, offset, length, code_point);
    if (offset == length && code_point != 0xFFFD && code_point != 0x1A) {
      index[pointer] = static_cast<uint32_t>(code_point);
    }
  }
  ucnv_close(converter);
  return index;
}

// jis0208: 94 x 120 pointers, through Shift_JIS bytes (which reach all of them).
PointerBytes Jis0208Bytes(int pointer) {
  int lead = pointer / 188;
  int trail = pointer % 188;
  PointerBytes input{};
  input.bytes[0] = static_cast<char>(lead + (lead < 0x1F ? 0x81 : 0xC1));
  input.bytes[1] = static_cast<char>(trail + (trail < 0x3F ? 0x40 : 0x41));
  input.size = 2;
  return input;
}

// jis0212: 94 x 94 pointers, through EUC-JP's 0x8F sequences. ICU's EUC-JP has IBM
// extensions in rows 0xF3-0xF4 (pointers 7708 and up), which the standard's index has not.
PointerBytes Jis0212Bytes(int pointer) {
  PointerBytes input{};
  if (pointer >= 7708) return input;
  input.bytes[0] = static_cast<char>(0x8F);
  input.bytes[1] = static_cast<char>(0xA1 + pointer / 94);
  input.bytes[2] = static_cast<char>(0xA1 + pointer % 94);
  input.size = 3;
  return input;
}

// EUC-KR: leads 0x81-0xFE x trails 0x41-0xFE.
PointerBytes EucKrBytes(int pointer) {
  PointerBytes input{};
  input.bytes[0] = static_cast<char>(0x81 + pointer / 190);
  input.bytes[1] = static_cast<char>(0x41 + pointer % 190);
  input.size = 2;
  return input;
}

// Big5: leads 0x81-0xFE x trails 0x40-0x7E, 0xA1-0xFE. The standard's index has nothing
// below pointer 942 (lead 0x87): ICU's Big5-HKSCS maps private-use code points there.
PointerBytes Big5Bytes(int pointer) {
  PointerBytes input{};
  if (pointer < 942) return input;
  int trail = pointer % 157;
  input.bytes[0] = static_cast<char>(0x81 + pointer / 157);
  input.bytes[1] = static_cast<char>(trail + (trail < 0x3F ? 0x40 : 0x62));
  input.size = 2;
  return input;
}

struct IndexSource {
  const char* converter;
  // Pointers `converter` has no code point for are read from this one, if any.
  const char* fallback;
  int count;
  PointerBytes (*bytes_of)(int);
};

constexpr IndexSource kIndexSources[] = {
    {"ibm-943_P15A-2003", nullptr, 94 * 120, &Jis0208Bytes},
    {"euc-jp-2007", nullptr, 94 * 94, &Jis0212Bytes},
    {"windows-949-2000", nullptr, 126 * 190, &EucKrBytes},
    {"ibm-1375_P100-2008", "ibm-5471_P100-2006", 126 * 157, &Big5Bytes},
};

// A private-use code point ICU maps where the standard's index has none: dropped, except
// Shift_JIS's user-defined area, which the Shift_JIS decoder handles itself.
bool IsPrivateUse(uint32_t code_point) {
  return (code_point >= 0xE000 && code_point <= 0xF8FF) ||
         (code_point >= 0xF0000 && code_point <= 0x10FFFF);
}

}  // namespace

const std::vector<uint32_t>* IndexFromIcu(Index which) {
  static std::once_flag once[4];
  static std::vector<uint32_t> indexes[4];
  int i = static_cast<int>(which);
  std::call_once(once[i], [i] {
    const IndexSource& source = kIndexSources[i];
    indexes[i] = ReadIndex(source.converter, source.count, source.bytes_of);
    if (source.fallback != nullptr && !indexes[i].empty()) {
      std::vector<uint32_t> fallback = ReadIndex(source.fallback, source.count, source.bytes_of);
      for (size_t pointer = 0; pointer < fallback.size(); ++pointer) {
        if (indexes[i][pointer] == 0) indexes[i][pointer] = fallback[pointer];
      }
    }
    for (uint32_t& code_point : indexes[i]) {
      if (IsPrivateUse(code_point)) code_point = 0;
    }
  });
  return indexes[i].empty() ? nullptr : &indexes[i];
}

namespace {

// ------------------------------------------------------------------ state machines ----

// What a decoder's handler did with a byte (or the end of the stream).
enum class Step {
  kNext,        // consumed
  kRetry,       // not consumed: hand the same byte over again ("prepend")
  kError,       // consumed, an error (U+FFFD or fatal)
  kErrorRetry,  // an error, then the same byte again
  kFinished,    // only for kEnd: nothing more to write
};

// The standard's decoder loop: bytes (and at a flush the end of the stream) go through
// Handle one at a time; bytes a handler puts back are handled first.
class StateMachineDecoder : public Decoder {
 public:
  StateMachineDecoder(const Encoding& encoding, bool fatal, const std::vector<uint32_t>& index)
      : Decoder(encoding, fatal, /*ignore_bom=*/true), index_(index) {}

 protected:
  virtual Step Handle(int byte, std::u16string* out) = 0;
  virtual void ResetMachine() = 0;

  void ResetState() final {
    queued_ = 0;
    ResetMachine();
  }
  bool DecodeToUtf16(const uint8_t* data, size_t size, bool flush,
                     std::u16string* out) final {
    out->reserve(out->size() + size + 2);
    size_t i = 0;
    while (true) {
      int byte;
      if (queued_ > 0) {
        byte = queue_[0];
        queue_[0] = queue_[1];
        --queued_;
      } else if (i < size) {
        byte = data[i++];
      } else if (flush) {
        byte = kEnd;
      } else {
        break;
      }
      Step step = Handle(byte, out);
      if (step == Step::kFinished) break;
      if (step == Step::kError || step == Step::kErrorRetry) {
        if (fatal()) return false;
        out->push_back(kReplacement);
      }
      if ((step == Step::kRetry || step == Step::kErrorRetry) && byte != kEnd) {
        PutBack(byte);
      }
    }
    return true;
  }

  // Puts a byte back in front of the stream.
  void PutBack(int byte) {
    queue_[1] = queue_[0];
    queue_[0] = byte;
    ++queued_;
  }

  // The index's code point at `pointer`, or 0.
  uint32_t Lookup(int pointer) const {
    return pointer >= 0 && static_cast<size_t>(pointer) < index_.size() ? index_[pointer] : 0;
  }

 private:
  const std::vector<uint32_t>& index_;
  int queue_[2] = {0, 0};
  int queued_ = 0;
};

// https://encoding.spec.whatwg.org/#shift_jis-decoder
class ShiftJisDecoder final : public StateMachineDecoder {
 public:
  using StateMachineDecoder::StateMachineDecoder;

 protected:
  void ResetMachine() override { lead_ = 0; }
  Step Handle(int byte, std::u16string* out) override {
    if (byte == kEnd) {
      if (lead_ == 0) return Step::kFinished;
      lead_ = 0;
      return Step::kError;
    }
    if (lead_ != 0) {
      int lead = lead_;
      lead_ = 0;
      int pointer = -1;
      int offset = byte < 0x7F ? 0x40 : 0x41;
      int lead_offset = lead < 0xA0 ? 0x81 : 0xC1;
      if ((byte >= 0x40 && byte <= 0x7E) || (byte >= 0x80 && byte <= 0xFC)) {
        pointer = (lead - lead_offset) * 188 + byte - offset;
      }
      if (pointer >= 8836 && pointer <= 10715) {  // the user-defined area
        Append(0xE000 - 8836 + pointer, out);
        return Step::kNext;
      }
      uint32_t code_point = Lookup(pointer);
      if (code_point != 0) {
        Append(code_point, out);
        return Step::kNext;
      }
      return IsAscii(byte) ? Step::kErrorRetry : Step::kError;
    }
    if (byte <= 0x80) {
      Append(byte, out);
      return Step::kNext;
    }
    if (byte >= 0xA1 && byte <= 0xDF) {
      Append(0xFF61 - 0xA1 + byte, out);
      return Step::kNext;
    }
    if ((byte >= 0x81 && byte <= 0x9F) || (byte >= 0xE0 && byte <= 0xFC)) {
      lead_ = byte;
      return Step::kNext;
    }
    return Step::kError;
  }

 private:
  int lead_ = 0;
};

// https://encoding.spec.whatwg.org/#euc-jp-decoder
class EucJpDecoder final : public StateMachineDecoder {
 public:
  EucJpDecoder(const Encoding& encoding, bool fatal, const std::vector<uint32_t>& jis0208,
               const std::vector<uint32_t>& jis0212)
      : StateMachineDecoder(encoding, fatal, jis0208), jis0212_(jis0212) {}

 protected:
  void ResetMachine() override {
    lead_ = 0;
    jis0212_flag_ = false;
  }
  Step Handle(int byte, std::u16string* out) override {
    if (byte == kEnd) {
      if (lead_ == 0) return Step::kFinished;
      lead_ = 0;
      return Step::kError;
    }
    if (lead_ == 0x8E && byte >= 0xA1 && byte <= 0xDF) {
      lead_ = 0;
      Append(0xFF61 - 0xA1 + byte, out);
      return Step::kNext;
    }
    if (lead_ == 0x8F && byte >= 0xA1 && byte <= 0xFE) {
      jis0212_flag_ = true;
      lead_ = byte;
      return Step::kNext;
    }
    if (lead_ != 0) {
      int lead = lead_;
      lead_ = 0;
      uint32_t code_point = 0;
      if (lead >= 0xA1 && lead <= 0xFE && byte >= 0xA1 && byte <= 0xFE) {
        int pointer = (lead - 0xA1) * 94 + byte - 0xA1;
        code_point = jis0212_flag_ ? (static_cast<size_t>(pointer) < jis0212_.size()
                                          ? jis0212_[pointer]
                                          : 0)
                                   : Lookup(pointer);
      }
      jis0212_flag_ = false;
      if (code_point != 0) {
        Append(code_point, out);
        return Step::kNext;
      }
      return IsAscii(byte) ? Step::kErrorRetry : Step::kError;
    }
    if (IsAscii(byte)) {
      Append(byte, out);
      return Step::kNext;
    }
    if (byte == 0x8E || byte == 0x8F || (byte >= 0xA1 && byte <= 0xFE)) {
      lead_ = byte;
      return Step::kNext;
    }
    return Step::kError;
  }

 private:
  const std::vector<uint32_t>& jis0212_;
  int lead_ = 0;
  bool jis0212_flag_ = false;
};

// https://encoding.spec.whatwg.org/#iso-2022-jp-decoder
class Iso2022JpDecoder final : public StateMachineDecoder {
 public:
  using StateMachineDecoder::StateMachineDecoder;

 protected:
  enum class State { kAscii, kRoman, kKatakana, kLeadByte, kTrailByte, kEscapeStart, kEscape };

  void ResetMachine() override {
    state_ = State::kAscii;
    output_state_ = State::kAscii;
    lead_ = 0;
    output_ = false;
  }
  Step Handle(int byte, std::u16string* out) override {
    constexpr int kEsc = 0x1B;
    switch (state_) {
      case State::kAscii:
      case State::kRoman:
        if (byte == kEsc) {
          state_ = State::kEscapeStart;
          return Step::kNext;
        }
        if (byte == kEnd) return Step::kFinished;
        output_ = false;
        if (IsAscii(byte) && byte != 0x0E && byte != 0x0F) {
          if (state_ == State::kRoman && byte == 0x5C) {
            Append(0xA5, out);
          } else if (state_ == State::kRoman && byte == 0x7E) {
            Append(0x203E, out);
          } else {
            Append(byte, out);
          }
          return Step::kNext;
        }
        return Step::kError;
      case State::kKatakana:
        if (byte == kEsc) {
          state_ = State::kEscapeStart;
          return Step::kNext;
        }
        if (byte == kEnd) return Step::kFinished;
        output_ = false;
        if (byte >= 0x21 && byte <= 0x5F) {
          Append(0xFF61 - 0x21 + byte, out);
          return Step::kNext;
        }
        return Step::kError;
      case State::kLeadByte:
        if (byte == kEsc) {
          state_ = State::kEscapeStart;
          return Step::kNext;
        }
        if (byte == kEnd) return Step::kFinished;
        output_ = false;
        if (byte >= 0x21 && byte <= 0x7E) {
          lead_ = byte;
          state_ = State::kTrailByte;
          return Step::kNext;
        }
        return Step::kError;
      case State::kTrailByte: {
        if (byte == kEsc) {
          state_ = State::kEscapeStart;
          return Step::kError;
        }
        if (byte >= 0x21 && byte <= 0x7E) {
          state_ = State::kLeadByte;
          uint32_t code_point = Lookup((lead_ - 0x21) * 94 + byte - 0x21);
          if (code_point == 0) return Step::kError;
          Append(code_point, out);
          return Step::kNext;
        }
        state_ = State::kLeadByte;
        return byte == kEnd ? Step::kErrorRetry : Step::kError;
      }
      case State::kEscapeStart:
        if (byte == 0x24 || byte == 0x28) {
          lead_ = byte;
          state_ = State::kEscape;
          return Step::kNext;
        }
        output_ = false;
        state_ = output_state_;
        return Step::kErrorRetry;
      case State::kEscape: {
        int lead = lead_;
        lead_ = 0;
        bool valid = true;
        State next = State::kAscii;
        if (lead == 0x28 && byte == 0x42) {
          next = State::kAscii;
        } else if (lead == 0x28 && byte == 0x4A) {
          next = State::kRoman;
        } else if (lead == 0x28 && byte == 0x49) {
          next = State::kKatakana;
        } else if (lead == 0x24 && (byte == 0x40 || byte == 0x42)) {
          next = State::kLeadByte;
        } else {
          valid = false;
        }
        if (valid) {
          state_ = output_state_ = next;
          bool had_output = output_;
          output_ = true;
          return had_output ? Step::kError : Step::kNext;
        }
        // Not an escape sequence: lead (and byte) are read again.
        output_ = false;
        state_ = output_state_;
        if (byte != kEnd) PutBack(byte);
        PutBack(lead);
        return Step::kError;
      }
    }
    return Step::kError;
  }

 private:
  State state_ = State::kAscii;
  State output_state_ = State::kAscii;
  int lead_ = 0;
  bool output_ = false;
};

// https://encoding.spec.whatwg.org/#euc-kr-decoder
class EucKrDecoder final : public StateMachineDecoder {
 public:
  using StateMachineDecoder::StateMachineDecoder;

 protected:
  void ResetMachine() override { lead_ = 0; }
  Step Handle(int byte, std::u16string* out) override {
    if (byte == kEnd) {
      if (lead_ == 0) return Step::kFinished;
      lead_ = 0;
      return Step::kError;
    }
    if (lead_ != 0) {
      int lead = lead_;
      lead_ = 0;
      uint32_t code_point = 0;
      if (byte >= 0x41 && byte <= 0xFE) code_point = Lookup((lead - 0x81) * 190 + byte - 0x41);
      if (code_point != 0) {
        Append(code_point, out);
        return Step::kNext;
      }
      return IsAscii(byte) ? Step::kErrorRetry : Step::kError;
    }
    if (IsAscii(byte)) {
      Append(byte, out);
      return Step::kNext;
    }
    if (byte >= 0x81 && byte <= 0xFE) {
      lead_ = byte;
      return Step::kNext;
    }
    return Step::kError;
  }

 private:
  int lead_ = 0;
};

// https://encoding.spec.whatwg.org/#big5-decoder
class Big5Decoder final : public StateMachineDecoder {
 public:
  using StateMachineDecoder::StateMachineDecoder;

 protected:
  void ResetMachine() override { lead_ = 0; }
  Step Handle(int byte, std::u16string* out) override {
    if (byte == kEnd) {
      if (lead_ == 0) return Step::kFinished;
      lead_ = 0;
      return Step::kError;
    }
    if (lead_ != 0) {
      int lead = lead_;
      lead_ = 0;
      int pointer = -1;
      int offset = byte < 0x7F ? 0x40 : 0x62;
      if ((byte >= 0x40 && byte <= 0x7E) || (byte >= 0xA1 && byte <= 0xFE)) {
        pointer = (lead - 0x81) * 157 + byte - offset;
      }
      // Four pointers stand for two code points each.
      switch (pointer) {
        case 1133:
          out->append(u"\u00CA\u0304");
          return Step::kNext;
        case 1135:
          out->append(u"\u00CA\u030C");
          return Step::kNext;
        case 1164:
          out->append(u"\u00EA\u0304");
          return Step::kNext;
        case 1166:
          out->append(u"\u00EA\u030C");
          return Step::kNext;
      }
      uint32_t code_point = Lookup(pointer);
      if (code_point != 0) {
        Append(code_point, out);
        return Step::kNext;
      }
      return IsAscii(byte) ? Step::kErrorRetry : Step::kError;
    }
    if (IsAscii(byte)) {
      Append(byte, out);
      return Step::kNext;
    }
    if (byte >= 0x81 && byte <= 0xFE) {
      lead_ = byte;
      return Step::kNext;
    }
    return Step::kError;
  }

 private:
  int lead_ = 0;
};

}  // namespace

std::unique_ptr<Decoder> CreateMultiByteDecoder(const Encoding& encoding, bool fatal) {
  const std::vector<uint32_t>* jis0208 = IndexFromIcu(Index::kJis0208);
  switch (encoding.family) {
    case Family::kShiftJis:
      if (jis0208 == nullptr) return nullptr;
      return std::make_unique<ShiftJisDecoder>(encoding, fatal, *jis0208);
    case Family::kIso2022Jp:
      if (jis0208 == nullptr) return nullptr;
      return std::make_unique<Iso2022JpDecoder>(encoding, fatal, *jis0208);
    case Family::kEucJp: {
      const std::vector<uint32_t>* jis0212 = IndexFromIcu(Index::kJis0212);
      if (jis0208 == nullptr || jis0212 == nullptr) return nullptr;
      return std::make_unique<EucJpDecoder>(encoding, fatal, *jis0208, *jis0212);
    }
    case Family::kEucKr: {
      const std::vector<uint32_t>* index = IndexFromIcu(Index::kEucKr);
      if (index == nullptr) return nullptr;
      return std::make_unique<EucKrDecoder>(encoding, fatal, *index);
    }
    case Family::kBig5: {
      const std::vector<uint32_t>* index = IndexFromIcu(Index::kBig5);
      if (index == nullptr) return nullptr;
      return std::make_unique<Big5Decoder>(encoding, fatal, *index);
    }
    default:
      return nullptr;
  }
}

}  // namespace kiln::encoding
