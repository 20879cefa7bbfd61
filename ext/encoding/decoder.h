// TextDecoder's decoders: bytes of one encoding -> a JavaScript string, one call at a time,
// with what a call leaves incomplete kept for the next (streaming).
#ifndef KILN_EXT_ENCODING_DECODER_H_
#define KILN_EXT_ENCODING_DECODER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "ext/encoding/encodings.h"
#include "v8-isolate.h"
#include "v8-local-handle.h"
#include "v8-primitive.h"

namespace kiln::encoding {

enum class DecodeStatus {
  kOk,
  kInvalid,  // fatal mode met invalid input (or input ended inside a sequence at a flush)
  kTooLong,  // the text exceeds V8's maximum string length
  kNoDecoder,  // DecodeOnce: the encoding has no decoder (replacement, or ICU lacks it)
};

// One stream of the Encoding Standard's "decode" for one encoding: the decoder's state,
// the BOM handling (UTF-8 and UTF-16 only) and the error mode (replacement or fatal).
//
// Invariants: after a call with flush = true, or one that returned an error, the decoder is
// back in its initial state (no pending bytes, BOM not seen), so the next call starts a new
// stream. Between calls with flush = false it holds at most the bytes of one incomplete
// sequence (UTF-8: 3, UTF-16: 1 byte + 1 lead surrogate, ICU: its converter's state).
class Decoder {
 public:
  // A decoder for `encoding` (any family but kReplacement).
  static std::unique_ptr<Decoder> Create(const Encoding& encoding, bool fatal,
                                         bool ignore_bom);
  virtual ~Decoder() = default;

  // Decodes `size` bytes as a whole stream, with a decoder of its own (on the stack for
  // UTF-8 and the single-byte encodings).
  static DecodeStatus DecodeOnce(v8::Isolate* isolate, const Encoding& encoding, bool fatal,
                                 bool ignore_bom, const uint8_t* data, size_t size,
                                 v8::Local<v8::String>* out);

  // Decodes `size` bytes after what earlier calls left pending; with `flush`, the stream
  // ends here (an incomplete sequence is an error). On kOk, *out is the decoded text.
  DecodeStatus Decode(v8::Isolate* isolate, const uint8_t* data, size_t size, bool flush,
                      v8::Local<v8::String>* out);

  const Encoding& encoding() const { return encoding_; }

 protected:
  Decoder(const Encoding& encoding, bool fatal, bool ignore_bom)
      : encoding_(encoding), fatal_(fatal), ignore_bom_(ignore_bom) {}

  // Appends the UTF-16 of `size` bytes to *out; false on an error in fatal mode.
  virtual bool DecodeToUtf16(const uint8_t* data, size_t size, bool flush,
                             std::u16string* out) = 0;
  // A faster route to the string for inputs it can handle: returns false (having changed
  // nothing) when it cannot, and DecodeToUtf16 is used instead.
  virtual bool TryDecodeFast(v8::Isolate* isolate, const uint8_t* data, size_t size,
                             bool flush, v8::MaybeLocal<v8::String>* out) {
    return false;
  }
  // Back to the initial state (the BOM is handled by the caller).
  virtual void ResetState() = 0;

  // Whether the next code point is the first of the stream and a BOM there is dropped.
  bool ExpectingBom() const { return !ignore_bom_ && !bom_seen_; }
  void SetBomSeen() { bom_seen_ = true; }
  bool fatal() const { return fatal_; }

 private:
  void Reset();

  const Encoding& encoding_;
  const bool fatal_;
  const bool ignore_bom_;
  bool bom_seen_ = false;
};

// A new V8 string of a copy of UTF-16 units (a pooled external string from 64 KiB on:
// ops/external_string.h); empty if it is too long.
v8::MaybeLocal<v8::String> NewStringFromUtf16(v8::Isolate* isolate, const char16_t* data,
                                              size_t length);

}  // namespace kiln::encoding

#endif  // KILN_EXT_ENCODING_DECODER_H_
