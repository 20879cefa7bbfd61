// The encodings of the WHATWG Encoding Standard and their labels.
#ifndef KILN_EXT_ENCODING_ENCODINGS_H_
#define KILN_EXT_ENCODING_ENCODINGS_H_

#include <string_view>

namespace kiln::encoding {

// How an encoding's decoder is implemented (decoder.h).
enum class Family {
  kUtf8,
  kUtf16Le,
  kUtf16Be,
  kSingleByte,     // a 128-entry table for the bytes 0x80-0xFF (single_byte_tables.h)
  kXUserDefined,   // 0x80-0xFF -> U+F780-U+F7FF
  kIcu,            // an ICU converter (Encoding::icu_name) decodes
  // The standard's decoder state machines over index tables read from ICU's converter
  // Encoding::icu_name (multi_byte_decoders.cc).
  kShiftJis,
  kEucJp,
  kIso2022Jp,
  kEucKr,
  kBig5,
  kReplacement,    // no decoder: TextDecoder refuses it
};

struct Encoding {
  int id;                   // index in Encodings()
  std::string_view name;    // the standard's name, lowercased: what TextDecoder.encoding says
  Family family;
  // kSingleByte: the index of the table in single_byte_tables.h; kIcu: unused.
  int table;
  // kIcu and the index-table families: the ICU converter's name.
  const char* icu_name;
};

// Every encoding of the standard, in the standard's order.
const Encoding* Encodings(int* count);
// The encoding of `id`, or nullptr.
const Encoding* EncodingById(int id);
// "get an encoding": the label's encoding (ASCII case-insensitive, ASCII whitespace
// trimmed), or nullptr for an unknown label.
const Encoding* EncodingForLabel(std::string_view label);

}  // namespace kiln::encoding

#endif  // KILN_EXT_ENCODING_ENCODINGS_H_
