// The native half of TextEncoder and TextDecoder (text_coding.js).
#ifndef KILN_EXT_ENCODING_ENCODING_OPS_H_
#define KILN_EXT_ENCODING_ENCODING_OPS_H_

#include <string>

#include "ops/op.h"

namespace kiln::encoding {

// An encoding the label names: its id (for the decode ops) and its name.
KILN_STRUCT() struct ResolvedEncoding {
  int32_t id;
  std::string name;
};

// TextEncoder.encodeInto's result.
KILN_STRUCT() struct EncodeIntoResult {
  double read;
  double written;
};

// The encoding `label` names, for TextDecoder's constructor. An unknown label, and one of
// the replacement encoding, is a RangeError "Failed to construct 'TextDecoder': The
// encoding label provided ('<label>') is invalid."
KILN_OP() absl::StatusOr<ResolvedEncoding> op_encoding_resolve(std::string_view label);

// TextEncoder.encode: the UTF-8 of `input` (a string; lone surrogates become U+FFFD) in a
// new Uint8Array whose buffer holds exactly those bytes.
KILN_OP(nofast) v8::Local<v8::Value> op_encoding_encode(v8::Isolate* isolate,
                                                       v8::Local<v8::Value> input);

// TextEncoder.encodeInto: writes the UTF-8 of the longest prefix of `source` (a string)
// that fits into `destination` (a Uint8Array, shared or not, possibly detached), never
// splitting a code point.
KILN_OP(nofast) absl::StatusOr<EncodeIntoResult> op_encoding_encode_into(
    v8::Isolate* isolate, v8::Local<v8::Value> source, v8::Local<v8::Value> destination);

// TextDecoder.decode without a stream: decodes all of `input` (an ArrayBuffer,
// SharedArrayBuffer or ArrayBufferView; a detached one is empty) in encoding `encoding`.
// Invalid data in fatal mode is a TypeError "The encoded data was not valid for encoding
// <name>".
KILN_OP(nofast) absl::StatusOr<v8::Local<v8::Value>> op_encoding_decode(
    v8::Isolate* isolate, int32_t encoding, bool fatal, bool ignore_bom,
    v8::Local<v8::Value> input);

// A streaming decoder (a resource) for TextDecoder.decode(input, { stream: true }).
KILN_OP() absl::StatusOr<kiln::ResourceId> op_encoding_decoder_new(kiln::OpState& state,
                                                                   int32_t encoding,
                                                                   bool fatal,
                                                                   bool ignore_bom);

// Decodes `input` on the streaming decoder `rid`. With stream = false the stream ends: the
// decoder flushes and is closed (also when it throws).
KILN_OP(nofast) absl::StatusOr<v8::Local<v8::Value>> op_encoding_decoder_decode(
    kiln::OpState& state, v8::Isolate* isolate, kiln::ResourceId rid,
    v8::Local<v8::Value> input, bool stream);

}  // namespace kiln::encoding

#endif  // KILN_EXT_ENCODING_ENCODING_OPS_H_
