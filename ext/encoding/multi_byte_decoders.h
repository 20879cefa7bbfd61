// The Encoding Standard's decoders for Shift_JIS, EUC-JP, ISO-2022-JP, EUC-KR and Big5:
// its byte-level state machines, over index tables (pointer -> code point) read once per
// process from ICU's converters.
#ifndef KILN_EXT_ENCODING_MULTI_BYTE_DECODERS_H_
#define KILN_EXT_ENCODING_MULTI_BYTE_DECODERS_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "ext/encoding/decoder.h"

namespace kiln::encoding {

// A decoder for an encoding of the families kShiftJis ... kBig5, or nullptr if ICU lacks
// the converter its tables come from.
std::unique_ptr<Decoder> CreateMultiByteDecoder(const Encoding& encoding, bool fatal);

// The standard's indexes as read from ICU (0: no code point), for tests.
enum class Index { kJis0208, kJis0212, kEucKr, kBig5 };
const std::vector<uint32_t>* IndexFromIcu(Index index);

}  // namespace kiln::encoding

#endif  // KILN_EXT_ENCODING_MULTI_BYTE_DECODERS_H_
