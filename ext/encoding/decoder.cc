#include "ext/encoding/decoder.h"

#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucnv_err.h>

#include <cstring>
#include <string_view>
#include <string>
#include <utility>

#include "ext/encoding/multi_byte_decoders.h"
#include "ext/encoding/single_byte_tables.h"
#include "ops/external_string.h"
#include "simdutf.h"

namespace kiln::encoding {
namespace {

constexpr char16_t kReplacement = 0xFFFD;

void AppendCodePoint(uint32_t code_point, std::u16string* out) {
  if (code_point < 0x10000) {
    out->push_back(static_cast<char16_t>(code_point));
  } else {
    code_point -= 0x10000;
    out->push_back(static_cast<char16_t>(0xD800 + (code_point >> 10)));
    out->push_back(static_cast<char16_t>(0xDC00 + (code_point & 0x3FF)));
  }
}

bool FitsInString(size_t length) {
  return length <= static_cast<size_t>(v8::String::kMaxLength);
}

// ---------------------------------------------------------------------------------------
// UTF-8: the standard's UTF-8 decoder (a byte-at-a-time state machine that replaces each
// maximal subpart of an ill-formed sequence with one U+FFFD), behind a fast path for input
// simdutf validates.
class Utf8Decoder final : public Decoder {
 public:
  using Decoder::Decoder;

 protected:
  bool TryDecodeFast(v8::Isolate* isolate, const uint8_t* data, size_t size, bool flush,
                     v8::MaybeLocal<v8::String>* out) override;
  bool DecodeToUtf16(const uint8_t* data, size_t size, bool flush,
                     std::u16string* out) override;
  void ResetState() override {
    code_point_ = 0;
    bytes_seen_ = 0;
    bytes_needed_ = 0;
    lower_ = 0x80;
    upper_ = 0xBF;
  }

 private:
  // The state machine over `size` bytes, appending to *out; false on an error in fatal
  // mode.
  bool Run(const uint8_t* data, size_t size, bool flush, std::u16string* out);
  void Emit(uint32_t code_point, std::u16string* out) {
    if (ExpectingBom()) {
      SetBomSeen();
      if (code_point == 0xFEFF) return;
    }
    AppendCodePoint(code_point, out);
  }

  uint32_t code_point_ = 0;
  int bytes_seen_ = 0;
  int bytes_needed_ = 0;
  uint8_t lower_ = 0x80;
  uint8_t upper_ = 0xBF;
};

// How many bytes at the end of `data` start a sequence that continues past the end (0-3).
// Only the lead byte's length is looked at: whether the bytes are valid is decided later.
size_t IncompleteTailLength(const uint8_t* data, size_t size) {
  for (size_t back = 1; back <= 3 && back <= size; ++back) {
    uint8_t byte = data[size - back];
    if ((byte & 0xC0) == 0x80) continue;  // a continuation byte: look further back
    size_t length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

// Whether a large input's first 4 KiB hold a byte that can only lead a sequence of a
// character above U+00FF (0xC4-0xF4), or an invalid byte above those: then the text is not
// Latin-1.
bool StartsBeyondLatin1(const char* bytes, size_t size) {
  constexpr size_t kPrefix = 4096;
  if (size < 16 * kPrefix) return false;  // not worth a look: trying costs little
  for (size_t i = 0; i < kPrefix; ++i) {
    if (static_cast<uint8_t>(bytes[i]) >= 0xC4) return true;
  }
  return false;
}

// The string of `size` bytes of UTF-8, written once into the memory that becomes the
// string (ops/external_string.h): false when the bytes are not valid UTF-8. *out is empty
// when the text would be too long for V8.
bool StringFromUtf8(v8::Isolate* isolate, const char* bytes, size_t size,
                    v8::MaybeLocal<v8::String>* out) {
  // ASCII is its own one-byte string.
  if (simdutf::validate_ascii(bytes, size)) {
    *out = kiln::NewStringFromCopy(isolate, bytes, size);
    return true;
  }
  // Text of Latin-1 characters becomes a one-byte string (half the memory). simdutf checks
  // and converts in one pass, failing (0) at the first character above U+00FF, or at
  // invalid input. Some of its implementations (AVX2, SSE4) only fail at the end of the
  // input, so a large input whose start shows a character above U+00FF skips the attempt.
  if (!StartsBeyondLatin1(bytes, size)) {
    kiln::OneByteStringResult latin1(size);
    if (latin1.data() != nullptr) {
      size_t length = simdutf::convert_utf8_to_latin1(bytes, size, latin1.data());
      if (length != 0) {
        *out = latin1.Finish(isolate, length);
        return true;
      }
    }
  }
  if (!simdutf::validate_utf8(bytes, size)) return false;
  size_t units = simdutf::utf16_length_from_utf8(bytes, size);
  kiln::TwoByteStringResult utf16(units);
  if (utf16.data() == nullptr) {
    *out = {};
    return true;
  }
  size_t length = simdutf::convert_valid_utf8_to_utf16le(bytes, size, utf16.data());
  *out = utf16.Finish(isolate, length);
  return true;
}

bool Utf8Decoder::TryDecodeFast(v8::Isolate* isolate, const uint8_t* data, size_t size,
                                bool flush, v8::MaybeLocal<v8::String>* out) {
  if (bytes_needed_ != 0) return false;  // a sequence from the last call is pending
  size_t tail = IncompleteTailLength(data, size);
  const char* body = reinterpret_cast<const char*>(data);
  size_t body_size = size - tail;
  // A BOM is a valid sequence of its own: the text after it decides.
  size_t bom = ExpectingBom() && body_size >= 3 && std::memcmp(body, "\xEF\xBB\xBF", 3) == 0
                   ? 3
                   : 0;
  v8::MaybeLocal<v8::String> text;
  if (!StringFromUtf8(isolate, body + bom, body_size - bom, &text)) return false;
  if (body_size > 0 && ExpectingBom()) SetBomSeen();
  if (tail == 0 && !flush) {
    *out = text;
    return true;
  }
  // The tail through the state machine: kept for the next call, or (at a flush) errors.
  std::u16string rest;
  if (!Run(data + size - tail, tail, flush, &rest)) return false;  // fatal: caller resets
  v8::Local<v8::String> head;
  if (rest.empty() || !text.ToLocal(&head)) {
    *out = text;
    return true;
  }
  v8::Local<v8::String> rest_string;
  if (!NewStringFromUtf16(isolate, rest.data(), rest.size()).ToLocal(&rest_string) ||
      !FitsInString(static_cast<size_t>(head->Length()) + rest.size())) {
    *out = {};
    return true;
  }
  *out = v8::String::Concat(isolate, head, rest_string);
  return true;
}

bool Utf8Decoder::DecodeToUtf16(const uint8_t* data, size_t size, bool flush,
                                std::u16string* out) {
  out->reserve(size + 1);
  return Run(data, size, flush, out);
}

bool Utf8Decoder::Run(const uint8_t* data, size_t size, bool flush, std::u16string* out) {
  size_t i = 0;
  while (i < size) {
    uint8_t byte = data[i];
    if (bytes_needed_ == 0) {
      ++i;
      if (byte < 0x80) {
        Emit(byte, out);
      } else if (byte >= 0xC2 && byte <= 0xDF) {
        bytes_needed_ = 1;
        code_point_ = byte & 0x1F;
      } else if (byte >= 0xE0 && byte <= 0xEF) {
        if (byte == 0xE0) lower_ = 0xA0;
        if (byte == 0xED) upper_ = 0x9F;
        bytes_needed_ = 2;
        code_point_ = byte & 0xF;
      } else if (byte >= 0xF0 && byte <= 0xF4) {
        if (byte == 0xF0) lower_ = 0x90;
        if (byte == 0xF4) upper_ = 0x8F;
        bytes_needed_ = 3;
        code_point_ = byte & 0x7;
      } else {
        if (fatal()) return false;
        Emit(kReplacement, out);
      }
      continue;
    }
    if (byte < lower_ || byte > upper_) {
      // The sequence so far is a maximal subpart: one U+FFFD, and `byte` starts afresh.
      ResetState();
      if (fatal()) return false;
      Emit(kReplacement, out);
      continue;
    }
    ++i;
    lower_ = 0x80;
    upper_ = 0xBF;
    code_point_ = (code_point_ << 6) | (byte & 0x3F);
    if (++bytes_seen_ == bytes_needed_) {
      uint32_t code_point = code_point_;
      ResetState();
      Emit(code_point, out);
    }
  }
  if (flush && bytes_needed_ != 0) {
    ResetState();
    if (fatal()) return false;
    Emit(kReplacement, out);
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// UTF-16LE and UTF-16BE: the standard's shared UTF-16 decoder (lone surrogates become
// U+FFFD). The code units are copied (and byte-swapped for BE) in bulk, then simdutf finds
// the lone surrogates, which are replaced in place: linear in the input, whatever it holds.
class Utf16Decoder final : public Decoder {
 public:
  Utf16Decoder(const Encoding& encoding, bool fatal, bool ignore_bom)
      : Decoder(encoding, fatal, ignore_bom),
        big_endian_(encoding.family == Family::kUtf16Be) {}

 protected:
  bool TryDecodeFast(v8::Isolate* isolate, const uint8_t* data, size_t size, bool flush,
                     v8::MaybeLocal<v8::String>* out) override;
  bool DecodeToUtf16(const uint8_t* data, size_t size, bool flush,
                     std::u16string* out) override;
  void ResetState() override {
    lead_byte_ = -1;
    lead_surrogate_ = 0;
  }

 private:
  // Step 2 of a call, over the `*length` code units at `text` (with room for one more):
  // lone surrogates become U+FFFD (or fail in fatal mode); a lead surrogate at the end
  // waits for its trail unless the stream ends here; at a flush, an odd byte left over is
  // one more U+FFFD. Updates *length; false on an error in fatal mode.
  bool ReplaceLoneSurrogates(char16_t* text, size_t* length, bool flush);

  char16_t Unit(uint8_t first, uint8_t second) const {
    return big_endian_ ? static_cast<char16_t>((first << 8) | second)
                       : static_cast<char16_t>((second << 8) | first);
  }

  const bool big_endian_;
  int lead_byte_ = -1;           // the first byte of a code unit, or -1
  char16_t lead_surrogate_ = 0;  // a lead surrogate waiting for its trail, or 0
};

bool Utf16Decoder::DecodeToUtf16(const uint8_t* data, size_t size, bool flush,
                                 std::u16string* out) {
  // 1. The code units: a pending lead surrogate, a unit completing the pending byte, then
  //    every whole unit of `data`; an odd byte at the end waits for the next call.
  size_t start = out->size();
  size_t pending_bytes = lead_byte_ >= 0 ? 1 : 0;
  size_t units = (pending_bytes + size) / 2;
  // (+1: room for the U+FFFD of an odd byte at a flush)
  out->resize(start + (lead_surrogate_ != 0 ? 1 : 0) + units + 1);
  char16_t* text = out->data() + start;
  size_t length = 0;
  if (lead_surrogate_ != 0) text[length++] = lead_surrogate_;
  size_t i = 0;
  if (pending_bytes == 1 && size >= 1) {
    text[length++] = Unit(static_cast<uint8_t>(lead_byte_), data[0]);
    lead_byte_ = -1;
    i = 1;
  }
  size_t bulk = (size - i) / 2;
  std::memcpy(text + length, data + i, bulk * 2);
  if (big_endian_) simdutf::change_endianness_utf16(text + length, bulk, text + length);
  length += bulk;
  i += bulk * 2;
  if (i < size) lead_byte_ = data[i];
  lead_surrogate_ = 0;
  // 2. Lone surrogates and the odd byte.
  if (!ReplaceLoneSurrogates(text, &length, flush)) return false;
  out->resize(start + length);
  if (length > 0 && ExpectingBom()) {
    SetBomSeen();
    if ((*out)[start] == 0xFEFF) out->erase(start, 1);
  }
  return true;
}

bool Utf16Decoder::ReplaceLoneSurrogates(char16_t* text, size_t* length, bool flush) {
  size_t end = *length;
  size_t position = 0;
  while (position < end) {
    simdutf::result check = simdutf::validate_utf16le_with_errors(text + position, end - position);
    if (check.error == simdutf::error_code::SUCCESS) break;
    size_t bad = position + check.count;
    if (bad == end - 1 && text[bad] >= 0xD800 && text[bad] <= 0xDBFF) {
      if (!flush) {
        lead_surrogate_ = text[bad];
        --end;
        break;
      }
      if (lead_byte_ >= 0) {  // one error for the lead surrogate and the odd byte: below
        --end;
        break;
      }
    }
    if (fatal()) return false;
    text[bad] = kReplacement;
    position = bad + 1;
  }
  if (flush && lead_byte_ >= 0) {
    lead_byte_ = -1;
    if (fatal()) return false;
    text[end++] = kReplacement;  // the slot of the odd byte's unit
  }
  *length = end;
  return true;
}

// Nothing pending from the last call: the code units go straight into the result's memory
// (a BOM is skipped before the copy).
bool Utf16Decoder::TryDecodeFast(v8::Isolate* isolate, const uint8_t* data, size_t size,
                                 bool flush, v8::MaybeLocal<v8::String>* out) {
  if (lead_byte_ >= 0 || lead_surrogate_ != 0) return false;
  size_t bom = ExpectingBom() && size >= 2 && Unit(data[0], data[1]) == 0xFEFF ? 2 : 0;
  size_t units = (size - bom) / 2;
  kiln::TwoByteStringResult result(units + 1);  // + the U+FFFD of an odd byte at a flush
  if (result.data() == nullptr) {
    *out = {};
    return true;
  }
  char16_t* text = result.data();
  std::memcpy(text, data + bom, units * 2);
  if (big_endian_) simdutf::change_endianness_utf16(text, units, text);
  if (bom + units * 2 < size) lead_byte_ = data[size - 1];
  size_t length = units;
  if (!ReplaceLoneSurrogates(text, &length, flush)) {
    ResetState();  // as it was: DecodeToUtf16 meets the error again
    return false;
  }
  if (bom != 0 || length > 0) {
    if (ExpectingBom()) SetBomSeen();
  }
  *out = result.Finish(isolate, length);
  return true;
}

// ---------------------------------------------------------------------------------------
// Single-byte encodings: ASCII as is, 0x80-0xFF through a table (single_byte_tables.h);
// x-user-defined maps 0x80-0xFF to U+F780-U+F7FF. No state.

// The code unit of every byte of one single-byte encoding, U+FFFD for a byte without one
// (no encoding maps a byte to U+FFFD itself), so that decoding is one lookup per byte.
struct ByteTable {
  char16_t units[256];
  bool complete;  // every byte has a code point: fatal mode cannot fail
};

constexpr size_t kSingleByteTableCount = sizeof(kSingleByteTables) / sizeof(kSingleByteTables[0]);
constexpr size_t kXUserDefinedTable = kSingleByteTableCount;  // after the encodings' tables

struct ByteTables {
  ByteTable tables[kSingleByteTableCount + 1];
};

constexpr ByteTables MakeByteTables() {
  ByteTables all{};
  for (size_t t = 0; t <= kSingleByteTableCount; ++t) {
    ByteTable& table = all.tables[t];
    table.complete = true;
    for (int byte = 0; byte < 256; ++byte) {
      uint16_t unit = byte < 0x80                  ? byte
                      : t == kXUserDefinedTable ? 0xF780 + byte - 0x80
                                                : kSingleByteTables[t][byte - 0x80];
      if (unit == 0 && byte != 0) {
        unit = kReplacement;
        table.complete = false;
      }
      table.units[byte] = unit;
    }
  }
  return all;
}

constexpr ByteTables kByteTables = MakeByteTables();

class SingleByteDecoder final : public Decoder {
 public:
  SingleByteDecoder(const Encoding& encoding, bool fatal, const ByteTable& table)
      : Decoder(encoding, fatal, /*ignore_bom=*/true), table_(table) {}

 protected:
  // ASCII becomes a one-byte string as is; other text is mapped straight into the
  // result's memory. Fatal errors are left to DecodeToUtf16.
  bool TryDecodeFast(v8::Isolate* isolate, const uint8_t* data, size_t size, bool flush,
                     v8::MaybeLocal<v8::String>* out) override {
    if (simdutf::validate_ascii(reinterpret_cast<const char*>(data), size)) {
      *out = kiln::NewStringFromCopy(isolate, reinterpret_cast<const char*>(data), size);
      return true;
    }
    kiln::TwoByteStringResult result(size);
    if (result.data() == nullptr) {
      *out = {};
      return true;
    }
    if (!Map(data, size, result.data())) return false;
    *out = result.Finish(isolate, size);
    return true;
  }
  bool DecodeToUtf16(const uint8_t* data, size_t size, bool flush,
                     std::u16string* out) override {
    size_t start = out->size();
    out->resize(start + size);
    return Map(data, size, out->data() + start);
  }
  void ResetState() override {}

 private:
  // Writes the code unit of each of `size` bytes to `target`; false on an error in fatal
  // mode.
  bool Map(const uint8_t* data, size_t size, char16_t* target) const {
    const char16_t* units = table_.units;
    for (size_t i = 0; i < size; ++i) target[i] = units[data[i]];
    if (!fatal() || table_.complete) return true;
    bool replaced = false;
    for (size_t i = 0; i < size; ++i) replaced |= target[i] == kReplacement;
    return !replaced;
  }

  const ByteTable& table_;
};

// ---------------------------------------------------------------------------------------
// The legacy multi-byte encodings: an ICU converter, which keeps the stream's state between
// calls. Errors substitute one U+FFFD each (IcuReplace) or stop the conversion (fatal).
// What the to-Unicode callback needs to know.
struct IcuCallbackOptions {
  bool fatal;
  // gb18030 and GBK: the standard decodes a lone 0x80 as U+20AC, which ICU's gb18030
  // reports as illegal (and the decoder applies kGb18030Updates).
  bool euro_for_0x80;
};

// The to-Unicode callback: one U+FFFD for each illegal, unassigned or truncated sequence
// ICU reports, or (fatal) the error stays and stops the conversion.
void IcuToUnicodeError(const void* context, UConverterToUnicodeArgs* args,
                       const char* code_units, int32_t length,
                       UConverterCallbackReason reason, UErrorCode* error) {
  if (reason > UCNV_IRREGULAR) return;  // reset, close, clone: nothing to write
  const auto* options = static_cast<const IcuCallbackOptions*>(context);
  UChar replacement = kReplacement;
  if (options->euro_for_0x80 && length == 1 && static_cast<uint8_t>(code_units[0]) == 0x80) {
    replacement = 0x20AC;
  } else if (options->fatal) {
    return;
  }
  *error = U_ZERO_ERROR;
  ucnv_cbToUWriteUChars(args, &replacement, 1, 0, error);
}

class IcuDecoder final : public Decoder {
 public:
  IcuDecoder(const Encoding& encoding, bool fatal, UConverter* converter)
      : Decoder(encoding, fatal, /*ignore_bom=*/true),
        converter_(converter),
        callback_options_{fatal, std::string_view(encoding.icu_name) == "gb18030"} {}

  // Installs the to-Unicode callback (which points at this object: not movable).
  bool Init() {
    UErrorCode error = U_ZERO_ERROR;
    ucnv_setToUCallBack(converter_, IcuToUnicodeError, &callback_options_, nullptr, nullptr,
                        &error);
    return U_SUCCESS(error);
  }
  ~IcuDecoder() override { ucnv_close(converter_); }

 protected:
  bool DecodeToUtf16(const uint8_t* data, size_t size, bool flush,
                     std::u16string* out) override;
  void ResetState() override { ucnv_resetToUnicode(converter_); }

 private:
  // The conversion itself.
  bool DecodeWithIcu(const uint8_t* data, size_t size, bool flush, std::u16string* out);

  UConverter* converter_;
  const IcuCallbackOptions callback_options_;
};

// gb18030's two-byte sequences that ICU 72 (GB18030-2005) decodes to private-use code
// points and the standard's index (aligned with GB18030-2022) maps to these.
struct Gb18030Update {
  char16_t icu;
  char16_t standard;
};
constexpr Gb18030Update kGb18030Updates[] = {
    {0xE5E5, 0x3000}, {0xE78D, 0xFE10}, {0xE78E, 0xFE12}, {0xE78F, 0xFE11},
    {0xE790, 0xFE13}, {0xE791, 0xFE14}, {0xE792, 0xFE15}, {0xE793, 0xFE16},
    {0xE794, 0xFE17}, {0xE795, 0xFE18}, {0xE796, 0xFE19}, {0xE81E, 0x9FB4},
    {0xE826, 0x9FB5}, {0xE82B, 0x9FB6}, {0xE82C, 0x9FB7}, {0xE832, 0x9FB8},
    {0xE843, 0x9FB9}, {0xE854, 0x9FBA}, {0xE864, 0x9FBB},
};

void ApplyGb18030Updates(char16_t* text, size_t length) {
  for (size_t i = 0; i < length; ++i) {
    char16_t unit = text[i];
    if (unit < 0xE5E5 || unit > 0xE864) continue;
    for (const Gb18030Update& update : kGb18030Updates) {
      if (update.icu == unit) text[i] = update.standard;
    }
  }
}

bool IcuDecoder::DecodeToUtf16(const uint8_t* data, size_t size, bool flush,
                               std::u16string* out) {
  size_t first = out->size();
  bool decoded = DecodeWithIcu(data, size, flush, out);
  if (callback_options_.euro_for_0x80) {
    ApplyGb18030Updates(out->data() + first, out->size() - first);
  }
  return decoded;
}

bool IcuDecoder::DecodeWithIcu(const uint8_t* data, size_t size, bool flush,
                               std::u16string* out) {
  const char* source = reinterpret_cast<const char*>(data);
  const char* source_end = source + size;
  size_t start = out->size();
  size_t capacity = size + 16;
  while (true) {
    out->resize(start + capacity);
    UChar* target = reinterpret_cast<UChar*>(out->data() + start);
    UChar* target_begin = target;
    UErrorCode error = U_ZERO_ERROR;
    ucnv_toUnicode(converter_, &target, target_begin + capacity, &source, source_end,
                   nullptr, flush, &error);
    start += static_cast<size_t>(target - target_begin);
    if (error == U_BUFFER_OVERFLOW_ERROR) {
      capacity = capacity * 2;
      continue;
    }
    out->resize(start);
    if (U_FAILURE(error)) return false;  // fatal mode: the stop callback ended it
    return true;
  }
}

}  // namespace

v8::MaybeLocal<v8::String> NewStringFromUtf16(v8::Isolate* isolate, const char16_t* data,
                                              size_t length) {
  return kiln::NewStringFromCopy(isolate, data, length);
}

std::unique_ptr<Decoder> Decoder::Create(const Encoding& encoding, bool fatal,
                                         bool ignore_bom) {
  switch (encoding.family) {
    case Family::kUtf8:
      return std::unique_ptr<Decoder>(new Utf8Decoder(encoding, fatal, ignore_bom));
    case Family::kUtf16Le:
    case Family::kUtf16Be:
      return std::make_unique<Utf16Decoder>(encoding, fatal, ignore_bom);
    case Family::kSingleByte:
      return std::make_unique<SingleByteDecoder>(encoding, fatal,
                                                 kByteTables.tables[encoding.table]);
    case Family::kXUserDefined:
      return std::make_unique<SingleByteDecoder>(encoding, fatal,
                                                 kByteTables.tables[kXUserDefinedTable]);
    case Family::kIcu: {
      UErrorCode error = U_ZERO_ERROR;
      UConverter* converter = ucnv_open(encoding.icu_name, &error);
      if (U_FAILURE(error)) return nullptr;
      auto decoder = std::make_unique<IcuDecoder>(encoding, fatal, converter);
      if (!decoder->Init()) return nullptr;
      return decoder;
    }
    case Family::kShiftJis:
    case Family::kEucJp:
    case Family::kIso2022Jp:
    case Family::kEucKr:
    case Family::kBig5:
      return CreateMultiByteDecoder(encoding, fatal);
    case Family::kReplacement:
      return nullptr;
  }
  return nullptr;
}

void Decoder::Reset() {
  ResetState();
  bom_seen_ = false;
}

DecodeStatus Decoder::DecodeOnce(v8::Isolate* isolate, const Encoding& encoding, bool fatal,
                                 bool ignore_bom, const uint8_t* data, size_t size,
                                 v8::Local<v8::String>* out) {
  // The common encodings without a heap allocation.
  if (encoding.family == Family::kUtf8) {
    Utf8Decoder decoder(encoding, fatal, ignore_bom);
    return decoder.Decode(isolate, data, size, /*flush=*/true, out);
  }
  if (encoding.family == Family::kSingleByte) {
    SingleByteDecoder decoder(encoding, fatal, kByteTables.tables[encoding.table]);
    return decoder.Decode(isolate, data, size, /*flush=*/true, out);
  }
  std::unique_ptr<Decoder> decoder = Create(encoding, fatal, ignore_bom);
  if (decoder == nullptr) return DecodeStatus::kNoDecoder;
  return decoder->Decode(isolate, data, size, /*flush=*/true, out);
}

DecodeStatus Decoder::Decode(v8::Isolate* isolate, const uint8_t* data, size_t size,
                             bool flush, v8::Local<v8::String>* out) {
  v8::MaybeLocal<v8::String> text;
  bool handled = TryDecodeFast(isolate, data, size, flush, &text);
  if (!handled) {
    std::u16string units;
    if (!DecodeToUtf16(data, size, flush, &units)) {
      Reset();
      return DecodeStatus::kInvalid;
    }
    text = NewStringFromUtf16(isolate, units.data(), units.size());
  }
  if (flush) Reset();
  return text.ToLocal(out) ? DecodeStatus::kOk : DecodeStatus::kTooLong;
}

}  // namespace kiln::encoding
