#include "ext/encoding/encodings.h"

#include <cstddef>

namespace kiln::encoding {
namespace {

enum SingleByteTable {
#define SINGLE_BYTE(identifier, name, icu_name) identifier,
#include "ext/encoding/single_byte_encodings.inc"
#undef SINGLE_BYTE
};

// The standard's encodings (ids are indices). The multi-byte ones name the ICU converter
// whose mapping is closest to the standard's indexes (README.md lists what still differs).
constexpr Encoding kEncodings[] = {
    {0, "utf-8", Family::kUtf8, -1, nullptr},
#define SINGLE_BYTE(identifier, name, icu_name) \
  {1 + identifier, name, Family::kSingleByte, identifier, nullptr},
#include "ext/encoding/single_byte_encodings.inc"
#undef SINGLE_BYTE
    // The standard's GBK decoder is its gb18030 decoder.
    {29, "gbk", Family::kIcu, -1, "gb18030"},
    {30, "gb18030", Family::kIcu, -1, "gb18030"},
    {31, "big5", Family::kBig5, -1, "ibm-1375_P100-2008"},
    // EUC-JP's jis0208 table comes from Shift_JIS's converter, its jis0212 from this one.
    {32, "euc-jp", Family::kEucJp, -1, "ibm-33722_P12A_P12A-2009_U2"},
    {33, "iso-2022-jp", Family::kIso2022Jp, -1, "ibm-943_P15A-2003"},
    {34, "shift_jis", Family::kShiftJis, -1, "ibm-943_P15A-2003"},
    {35, "euc-kr", Family::kEucKr, -1, "windows-949-2000"},
    {36, "replacement", Family::kReplacement, -1, nullptr},
    {37, "utf-16be", Family::kUtf16Be, -1, nullptr},
    {38, "utf-16le", Family::kUtf16Le, -1, nullptr},
    {39, "x-user-defined", Family::kXUserDefined, -1, nullptr},
};
constexpr int kEncodingCount = sizeof(kEncodings) / sizeof(kEncodings[0]);
static_assert(kEncodings[28].name == std::string_view("x-mac-cyrillic"));
static_assert(kEncodings[29].id == 29 && kEncodingCount == 40);

struct Label {
  std::string_view label;
  int encoding;
};

// Every label of the standard (https://encoding.spec.whatwg.org/#names-and-labels),
// lowercase, with its encoding's id.
constexpr Label kLabels[] = {
    {"unicode-1-1-utf-8", 0}, {"unicode11utf8", 0}, {"unicode20utf8", 0}, {"utf-8", 0},
    {"utf8", 0}, {"x-unicode20utf8", 0},
    {"866", 1}, {"cp866", 1}, {"csibm866", 1}, {"ibm866", 1},
    {"csisolatin2", 2}, {"iso-8859-2", 2}, {"iso-ir-101", 2}, {"iso8859-2", 2},
    {"iso88592", 2}, {"iso_8859-2", 2}, {"iso_8859-2:1987", 2}, {"l2", 2}, {"latin2", 2},
    {"csisolatin3", 3}, {"iso-8859-3", 3}, {"iso-ir-109", 3}, {"iso8859-3", 3},
    {"iso88593", 3}, {"iso_8859-3", 3}, {"iso_8859-3:1988", 3}, {"l3", 3}, {"latin3", 3},
    {"csisolatin4", 4}, {"iso-8859-4", 4}, {"iso-ir-110", 4}, {"iso8859-4", 4},
    {"iso88594", 4}, {"iso_8859-4", 4}, {"iso_8859-4:1988", 4}, {"l4", 4}, {"latin4", 4},
    {"csisolatincyrillic", 5}, {"cyrillic", 5}, {"iso-8859-5", 5}, {"iso-ir-144", 5},
    {"iso8859-5", 5}, {"iso88595", 5}, {"iso_8859-5", 5}, {"iso_8859-5:1988", 5},
    {"arabic", 6}, {"asmo-708", 6}, {"csiso88596e", 6}, {"csiso88596i", 6},
    {"csisolatinarabic", 6}, {"ecma-114", 6}, {"iso-8859-6", 6}, {"iso-8859-6-e", 6},
    {"iso-8859-6-i", 6}, {"iso-ir-127", 6}, {"iso8859-6", 6}, {"iso88596", 6},
    {"iso_8859-6", 6}, {"iso_8859-6:1987", 6},
    {"csisolatingreek", 7}, {"ecma-118", 7}, {"elot_928", 7}, {"greek", 7}, {"greek8", 7},
    {"iso-8859-7", 7}, {"iso-ir-126", 7}, {"iso8859-7", 7}, {"iso88597", 7},
    {"iso_8859-7", 7}, {"iso_8859-7:1987", 7}, {"sun_eu_greek", 7},
    {"csiso88598e", 8}, {"csisolatinhebrew", 8}, {"hebrew", 8}, {"iso-8859-8", 8},
    {"iso-8859-8-e", 8}, {"iso-ir-138", 8}, {"iso8859-8", 8}, {"iso88598", 8},
    {"iso_8859-8", 8}, {"iso_8859-8:1988", 8}, {"visual", 8},
    {"csiso88598i", 9}, {"iso-8859-8-i", 9}, {"logical", 9},
    {"csisolatin6", 10}, {"iso-8859-10", 10}, {"iso-ir-157", 10}, {"iso8859-10", 10},
    {"iso885910", 10}, {"l6", 10}, {"latin6", 10},
    {"iso-8859-13", 11}, {"iso8859-13", 11}, {"iso885913", 11},
    {"iso-8859-14", 12}, {"iso8859-14", 12}, {"iso885914", 12},
    {"csisolatin9", 13}, {"iso-8859-15", 13}, {"iso8859-15", 13}, {"iso885915", 13},
    {"iso_8859-15", 13}, {"l9", 13},
    {"iso-8859-16", 14},
    {"cskoi8r", 15}, {"koi", 15}, {"koi8", 15}, {"koi8-r", 15}, {"koi8_r", 15},
    {"koi8-ru", 16}, {"koi8-u", 16},
    {"csmacintosh", 17}, {"mac", 17}, {"macintosh", 17}, {"x-mac-roman", 17},
    {"dos-874", 18}, {"iso-8859-11", 18}, {"iso8859-11", 18}, {"iso885911", 18},
    {"tis-620", 18}, {"windows-874", 18},
    {"cp1250", 19}, {"windows-1250", 19}, {"x-cp1250", 19},
    {"cp1251", 20}, {"windows-1251", 20}, {"x-cp1251", 20},
    {"ansi_x3.4-1968", 21}, {"ascii", 21}, {"cp1252", 21}, {"cp819", 21},
    {"csisolatin1", 21}, {"ibm819", 21}, {"iso-8859-1", 21}, {"iso-ir-100", 21},
    {"iso8859-1", 21}, {"iso88591", 21}, {"iso_8859-1", 21}, {"iso_8859-1:1987", 21},
    {"l1", 21}, {"latin1", 21}, {"us-ascii", 21}, {"windows-1252", 21}, {"x-cp1252", 21},
    {"cp1253", 22}, {"windows-1253", 22}, {"x-cp1253", 22},
    {"cp1254", 23}, {"csisolatin5", 23}, {"iso-8859-9", 23}, {"iso-ir-148", 23},
    {"iso8859-9", 23}, {"iso88599", 23}, {"iso_8859-9", 23}, {"iso_8859-9:1989", 23},
    {"l5", 23}, {"latin5", 23}, {"windows-1254", 23}, {"x-cp1254", 23},
    {"cp1255", 24}, {"windows-1255", 24}, {"x-cp1255", 24},
    {"cp1256", 25}, {"windows-1256", 25}, {"x-cp1256", 25},
    {"cp1257", 26}, {"windows-1257", 26}, {"x-cp1257", 26},
    {"cp1258", 27}, {"windows-1258", 27}, {"x-cp1258", 27},
    {"x-mac-cyrillic", 28}, {"x-mac-ukrainian", 28},
    {"chinese", 29}, {"csgb2312", 29}, {"csiso58gb231280", 29}, {"gb2312", 29},
    {"gb_2312", 29}, {"gb_2312-80", 29}, {"gbk", 29}, {"iso-ir-58", 29}, {"x-gbk", 29},
    {"gb18030", 30},
    {"big5", 31}, {"big5-hkscs", 31}, {"cn-big5", 31}, {"csbig5", 31}, {"x-x-big5", 31},
    {"cseucpkdfmtjapanese", 32}, {"euc-jp", 32}, {"x-euc-jp", 32},
    {"csiso2022jp", 33}, {"iso-2022-jp", 33},
    {"csshiftjis", 34}, {"ms932", 34}, {"ms_kanji", 34}, {"shift-jis", 34},
    {"shift_jis", 34}, {"sjis", 34}, {"windows-31j", 34}, {"x-sjis", 34},
    {"cseuckr", 35}, {"csksc56011987", 35}, {"euc-kr", 35}, {"iso-ir-149", 35},
    {"korean", 35}, {"ks_c_5601-1987", 35}, {"ks_c_5601-1989", 35}, {"ksc5601", 35},
    {"ksc_5601", 35}, {"windows-949", 35},
    {"csiso2022kr", 36}, {"hz-gb-2312", 36}, {"iso-2022-cn", 36}, {"iso-2022-cn-ext", 36},
    {"iso-2022-kr", 36}, {"replacement", 36},
    {"unicodefffe", 37}, {"utf-16be", 37},
    {"csunicode", 38}, {"iso-10646-ucs-2", 38}, {"ucs-2", 38}, {"unicode", 38},
    {"unicodefeff", 38}, {"utf-16", 38}, {"utf-16le", 38},
    {"x-user-defined", 39},
};

// ASCII whitespace: TAB, LF, FF, CR, SPACE.
bool IsAsciiWhitespace(char c) {
  return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

}  // namespace

const Encoding* Encodings(int* count) {
  *count = kEncodingCount;
  return kEncodings;
}

const Encoding* EncodingById(int id) {
  return id >= 0 && id < kEncodingCount ? &kEncodings[id] : nullptr;
}

const Encoding* EncodingForLabel(std::string_view label) {
  while (!label.empty() && IsAsciiWhitespace(label.front())) label.remove_prefix(1);
  while (!label.empty() && IsAsciiWhitespace(label.back())) label.remove_suffix(1);
  if (label.empty() || label.size() > 20) return nullptr;  // the longest label has 19
  char lower[20];
  for (size_t i = 0; i < label.size(); ++i) lower[i] = AsciiLower(label[i]);
  std::string_view key(lower, label.size());
  for (const Label& entry : kLabels) {
    if (entry.label == key) return &kEncodings[entry.encoding];
  }
  return nullptr;
}

}  // namespace kiln::encoding
