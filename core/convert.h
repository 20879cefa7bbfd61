#ifndef KILN_CORE_CONVERT_H_
#define KILN_CORE_CONVERT_H_

// Conversions between JavaScript values and the C++ types ops use. Generated bindings call
// Converter<T>::FromV8 / ToV8; the rules are the same on the slow and the fast path
// (V8's own fast-call conversions, or FastConvert below), so a call gives the same value or
// the same error on every tier.
//
// Two rule sets (ConversionRules), which differ only for int32_t, uint32_t and bool:
//   kOpArguments    what op arguments use (and everything inside them: struct fields,
//                   elements). WebIDL's `long` / `unsigned long` / `boolean`:
//                   int32_t, uint32_t: any Number, by ECMAScript ToInt32 / ToUint32
//                     (1.5 -> 1, 2^31 -> -2^31, NaN and ±Infinity -> 0,
//                     uint32 -1 -> 4294967295). This is exactly what V8's fast path
//                     does with an int32_t / uint32_t parameter, so the fast function
//                     cannot fail. Non-Numbers: TypeError "expected number".
//                   bool: ToBoolean of any value (V8's fast path does the same).
//   kStrict         the default: values JavaScript hands back to C++ (the embedding API's
//                   typed calls) are never silently changed:
//                   int32_t, uint32_t: a Number with an integral value in range (-0 is 0);
//                     non-integral, NaN, ±Infinity: TypeError "expected integer"; out of
//                     range: RangeError.
//                   bool: only true/false.
// The same under both:
//   EnforceRange<I> (ops/enforce_range.h) WebIDL [EnforceRange]: NaN/±Infinity TypeError,
//                   truncated towards zero, outside I's range TypeError.
//   int64_t/uint64  a Number with an integral value in range, or a BigInt that fits
//                   exactly. Out: a Number when |v| <= 2^53-1, otherwise a BigInt.
//   double, float   any Number (NaN and ±Infinity included), no coercion.
//   std::string     a string; lone surrogates become U+FFFD. Out: invalid UTF-8 -> U+FFFD.
//   optional<T>     undefined or null (or a missing argument) -> nullopt. Out: null.
//   vector<T>       an Array; element errors name the index.
//   structs         a plain object; missing required field: TypeError naming it
//                   (KILN_STRUCT_CONVERTER at the end of this file).
//   ResourceId      an integer in [0, 2^32-1], strictly (a wrapped or rounded id could
//                   name another resource).

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "ops/bytes.h"
#include "ops/enforce_range.h"
#include "ops/resource.h"
#include "v8.h"

namespace kiln {

enum class ErrorKind { kType, kRange };

// Which rules int32_t, uint32_t and bool follow (see the top of this file).
enum class ConversionRules {
  kStrict,        // integral and in range; only true/false
  kOpArguments,   // ToInt32 / ToUint32 of any Number; ToBoolean of any value
};

// Collects what went wrong while converting one argument, for the message
// "<op>: argument 2 (opts): field 'port': expected number, received string".
class ConversionContext {
 public:
  explicit ConversionContext(v8::Isolate* isolate,
                             ConversionRules rules = ConversionRules::kStrict)
      : isolate_(isolate), rules_(rules) {}
  v8::Isolate* isolate() const { return isolate_; }
  ConversionRules rules() const { return rules_; }
  v8::Local<v8::Context> context() const { return isolate_->GetCurrentContext(); }

  // Records "expected <expected>, received <description of value>"; returns false.
  bool Fail(ErrorKind kind, const char* expected, v8::Local<v8::Value> received);
  // Records a complete message (after the path); returns false.
  bool FailWith(ErrorKind kind, std::string message);
  // JavaScript threw during conversion (a getter, a proxy trap): that exception is
  // pending and is the error. Returns false.
  bool FailWithPendingException();

  // Nested values: "field 'port': ", "element 3: ".
  void PushField(const char* name);
  void PushElement(uint32_t index);
  void Pop();

  ErrorKind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  bool exception_pending() const { return exception_pending_; }

 private:
  // Where in a nested value the conversion is: a field name or an element index. Kept
  // as plain entries (no strings, no heap below 8 levels) and rendered only on failure.
  struct PathEntry {
    const char* field;  // nullptr for an element
    uint32_t index;
  };
  v8::Isolate* isolate_;
  ConversionRules rules_;
  absl::InlinedVector<PathEntry, 8> path_;
  ErrorKind kind_ = ErrorKind::kType;
  std::string message_;
  bool exception_pending_ = false;
};

// Internalized strings for property names that are C string literals (struct fields),
// created once per isolate and kept as v8::Eternal handles. A runtime owns one and puts it
// in isolate data slot kIsolateSlotPropertyKeys; without one, PropertyKey internalizes
// the name on every call.
class PropertyKeyCache {
 public:
  v8::Local<v8::String> Get(v8::Isolate* isolate, const char* name);
  // Drops every key (before the isolate goes away, or a snapshot is made of it).
  void Clear() { keys_.clear(); }

 private:
  // By literal address. Globals, not Eternals: a snapshot cannot be made while any
  // Eternal handle exists.
  absl::flat_hash_map<const char*, v8::Global<v8::String>> keys_;
};
inline constexpr uint32_t kIsolateSlotPropertyKeys = 2;
v8::Local<v8::String> PropertyKey(v8::Isolate* isolate, const char* name);

// "string", "undefined", "null", "bigint", "object", "array", "function", "symbol",
// "boolean", "number" (used in "received ...").
std::string DescribeType(v8::Local<v8::Value> value);
// A number or BigInt as JavaScript prints it ("1.5", "NaN", "-Infinity", "5n").
std::string DescribeNumber(v8::Isolate* isolate, v8::Local<v8::Value> value);

// Storage a std::string_view argument decodes into: on the stack up to 1 KiB.
// The common case of a short or medium one-byte string that is all ASCII: one copy, no
// UTF-8 measuring pass. Writes `string` into `out` (room for `capacity` bytes) and returns
// true with its size, or returns false (not one-byte, too long, or a byte above 0x7f,
// which UTF-8 encodes in two) and the caller converts the general way.
bool TryWriteAscii(v8::Isolate* isolate, v8::Local<v8::String> string, char* out,
                   size_t capacity, size_t* size);

struct StringViewBuffer {
  static constexpr size_t kInlineSize = 1024;
  char inline_bytes[kInlineSize];
  std::string heap;
};

template <typename T>
struct IsStatusOr : std::false_type {};
template <typename T>
struct IsStatusOr<absl::StatusOr<T>> : std::true_type {};

// --- the integer rule, shared by both tiers ---

enum class IntegerCheck { kOk, kNotInteger, kOutOfRange };

template <typename Int>
IntegerCheck DoubleToInteger(double in, Int* out) {
  if (!std::isfinite(in) || std::trunc(in) != in) return IntegerCheck::kNotInteger;
  // Compare in double: the bounds below are exact powers of two or small integers.
  constexpr double kMin = static_cast<double>(std::numeric_limits<Int>::min());
  constexpr double kMaxExclusive =
      (static_cast<double>(std::numeric_limits<Int>::max() / 2) + 1.0) * 2.0;
  if (in < kMin || in >= kMaxExclusive) return IntegerCheck::kOutOfRange;
  *out = static_cast<Int>(in);
  return IntegerCheck::kOk;
}

// ECMAScript ToUint32 of a Number (ToInt32 is the same bits as int32_t): NaN and ±Infinity
// are 0, otherwise the integer part modulo 2^32. V8's fast path computes the same for an
// int32_t / uint32_t parameter.
inline uint32_t EcmaScriptToUint32(double in) {
  if (!std::isfinite(in)) return 0;
  // Integral doubles in int64 range (the usual case) convert exactly; the low 32 bits are
  // the answer. Beyond that every double is a multiple of 2^11, and fmod is exact.
  if (in > -9223372036854775808.0 && in < 9223372036854775808.0) {
    return static_cast<uint32_t>(static_cast<uint64_t>(static_cast<int64_t>(in)));
  }
  double wrapped = std::fmod(std::trunc(in), 4294967296.0);
  if (wrapped < 0) wrapped += 4294967296.0;
  return static_cast<uint32_t>(wrapped);
}

// The "[min, max]" text of an integer type, for RangeError messages.
template <typename Int>
const char* IntegerRangeText() {
  if constexpr (std::is_same_v<Int, int32_t>) return "integer in [-2147483648, 2147483647]";
  if constexpr (std::is_same_v<Int, uint32_t>) return "integer in [0, 4294967295]";
  if constexpr (std::is_same_v<Int, int64_t>) {
    return "integer in [-9223372036854775808, 9223372036854775807]";
  }
  if constexpr (std::is_same_v<Int, uint64_t>) return "integer in [0, 18446744073709551615]";
}

// --- fast-path conversions (no allocation, no JS) ---
//
// int32_t, uint32_t and bool parameters reach a fast function as themselves: V8 converts
// them with ToInt32 / ToUint32 / ToBoolean (deoptimising to the slow callback for a
// non-Number integer argument), which are the op-argument rules, so there is nothing to
// check. The range-checked parameters (int64_t, uint64_t, ResourceId, EnforceRange<I>)
// arrive as int64_t: V8 10.2 passes only integral Numbers in int64 range there (-0 as 0)
// and deoptimises to the slow callback for everything else (1.5, NaN, ±Infinity, 2^63,
// strings, BigInts, ...), whose conversion handles it. What is left for the fast path is
// the target type's range.

template <typename Int, typename = std::enable_if_t<std::is_integral_v<Int>>>
inline bool FastConvert(int64_t in, Int* out) {
  if constexpr (std::is_same_v<Int, uint64_t>) {
    if (in < 0) return false;
  } else if constexpr (!std::is_same_v<Int, int64_t>) {
    if (in < static_cast<int64_t>(std::numeric_limits<Int>::min()) ||
        in > static_cast<int64_t>(std::numeric_limits<Int>::max())) {
      return false;
    }
  }
  *out = static_cast<Int>(in);
  return true;
}
inline bool FastConvert(int64_t in, ResourceId* out) { return FastConvert(in, &out->value); }
template <typename Int>
inline bool FastConvert(int64_t in, EnforceRange<Int>* out) {
  return FastConvert(in, &out->value);
}

// --- Converter<T> ---
// static bool FromV8(ConversionContext&, v8::Local<v8::Value>, T* out,
//                    StringViewBuffer* storage = nullptr);
// static v8::MaybeLocal<v8::Value> ToV8(v8::Isolate*, T value);   // empty: exception pending

template <typename T, typename Enable = void>
struct Converter;

// Converters may also have `static bool TryFromV8(v8::Local<v8::Value>, T* out)`: a quick
// success-only check the slow path tries before setting up a ConversionContext.
template <typename T, typename = void>
struct HasTryFromV8 : std::false_type {};
template <typename T>
struct HasTryFromV8<T, std::void_t<decltype(Converter<T>::TryFromV8(
                           std::declval<v8::Local<v8::Value>>(), std::declval<T*>()))>>
    : std::true_type {};

template <>
struct Converter<bool> {
  // true / false under either rule set.
  static bool TryFromV8(v8::Local<v8::Value> value, bool* out) {
    if (!value->IsBoolean()) return false;
    *out = value->IsTrue();
    return true;
  }
  static bool FromV8(ConversionContext& context, v8::Local<v8::Value> value, bool* out,
                     StringViewBuffer* = nullptr) {
    if (TryFromV8(value, out)) return true;
    if (context.rules() == ConversionRules::kOpArguments) {
      *out = value->BooleanValue(context.isolate());  // ToBoolean: cannot throw
      return true;
    }
    return context.Fail(ErrorKind::kType, "boolean", value);
  }
  static v8::MaybeLocal<v8::Value> ToV8(v8::Isolate* isolate, bool value) {
    return v8::Boolean::New(isolate, value);
  }
};

// Shared by the integer converters: Number with the integer rule.
template <typename Int>
bool NumberToInteger(ConversionContext& context, v8::Local<v8::Value> value, Int* out) {
  switch (DoubleToInteger(value.As<v8::Number>()->Value(), out)) {
    case IntegerCheck::kOk:
      return true;
    case IntegerCheck::kNotInteger:
      return context.FailWith(ErrorKind::kType,
                              "expected integer, received " +
                                  DescribeNumber(context.isolate(), value));
    case IntegerCheck::kOutOfRange:
      break;
  }
  return context.FailWith(ErrorKind::kRange, std::string("expected ") + IntegerRangeText<Int>() +
                                                 ", received " +
                                                 DescribeNumber(context.isolate(), value));
}

template <typename Int>
struct Converter<Int, std::enable_if_t<std::is_same_v<Int, int32_t> ||
                                       std::is_same_v<Int, uint32_t>>> {
  // The common case, without a ConversionContext: a Smi (or an int32 HeapNumber).
  static bool TryFromV8(v8::Local<v8::Value> value, Int* out) {
    if constexpr (std::is_same_v<Int, int32_t>) {
      if (!value->IsInt32()) return false;
      *out = value.As<v8::Int32>()->Value();
    } else {
      if (!value->IsUint32()) return false;
      *out = value.As<v8::Uint32>()->Value();
    }
    return true;
  }
  static bool FromV8(ConversionContext& context, v8::Local<v8::Value> value, Int* out,
                     StringViewBuffer* = nullptr) {
    if (TryFromV8(value, out)) return true;
    if (!value->IsNumber()) return context.Fail(ErrorKind::kType, "number", value);
    if (context.rules() == ConversionRules::kOpArguments) {
      *out = static_cast<Int>(EcmaScriptToUint32(value.As<v8::Number>()->Value()));
      return true;
    }
    return NumberToInteger(context, value, out);
  }
  // The strict rule whatever the context says (ResourceId).
  static bool StrictFromV8(ConversionContext& context, v8::Local<v8::Value> value, Int* out) {
    if (TryFromV8(value, out)) return true;
    if (!value->IsNumber()) return context.Fail(ErrorKind::kType, "number", value);
    return NumberToInteger(context, value, out);
  }
  static v8::MaybeLocal<v8::Value> ToV8(v8::Isolate* isolate, Int value) {
    if constexpr (std::is_same_v<Int, int32_t>) return v8::Integer::New(isolate, value);
    return v8::Integer::NewFromUnsigned(isolate, value);
  }
};

// WebIDL [EnforceRange] (ops/enforce_range.h), under either rule set.
template <typename Int>
struct Converter<EnforceRange<Int>> {
  static bool TryFromV8(v8::Local<v8::Value> value, EnforceRange<Int>* out) {
    return Converter<Int>::TryFromV8(value, &out->value);
  }
  static bool FromV8(ConversionContext& context, v8::Local<v8::Value> value,
                     EnforceRange<Int>* out, StringViewBuffer* = nullptr) {
    if (TryFromV8(value, out)) return true;
    if (!value->IsNumber()) return context.Fail(ErrorKind::kType, "number", value);
    double number = value.As<v8::Number>()->Value();
    if (!std::isfinite(number)) {
      return context.FailWith(ErrorKind::kType, "expected finite number, received " +
                                                    DescribeNumber(context.isolate(), value));
    }
    if (DoubleToInteger(std::trunc(number), &out->value) == IntegerCheck::kOk) return true;
    return context.FailWith(ErrorKind::kType, std::string("expected ") + IntegerRangeText<Int>() +
                                                  ", received " +
                                                  DescribeNumber(context.isolate(), value));
  }
  static v8::MaybeLocal<v8::Value> ToV8(v8::Isolate* isolate, EnforceRange<Int> value) {
    return Converter<Int>::ToV8(isolate, value.value);
  }
};

template <typename Int>
struct Converter<Int, std::enable_if_t<std::is_same_v<Int, int64_t> ||
                                       std::is_same_v<Int, uint64_t>>> {
  static bool FromV8(ConversionContext& context, v8::Local<v8::Value> value, Int* out,
                     StringViewBuffer* = nullptr);
  static v8::MaybeLocal<v8::Value> ToV8(v8::Isolate* isolate, Int value);
};

template <typename Float>
struct Converter<Float, std::enable_if_t<std::is_floating_point_v<Float>>> {
  static bool FromV8(ConversionContext& context, v8::Local<v8::Value> value, Float* out,
                     StringViewBuffer* = nullptr) {
    if (!value->IsNumber()) return context.Fail(ErrorKind::kType, "number", value);
    *out = static_cast<Float>(value.As<v8::Number>()->Value());
    return true;
  }
  static v8::MaybeLocal<v8::Value> ToV8(v8::Isolate* isolate, Float value) {
    return v8::Number::New(isolate, static_cast<double>(value));
  }
};

template <>
struct Converter<std::string> {
  static bool FromV8(ConversionContext& context, v8::Local<v8::Value> value, std::string* out,
                     StringViewBuffer* = nullptr);
  static v8::MaybeLocal<v8::Value> ToV8(v8::Isolate* isolate, const std::string& value);
};

template <>
struct Converter<std::string_view> {
  // Decodes into `storage` (stack up to 1 KiB, then its heap string).
  static bool FromV8(ConversionContext& context, v8::Local<v8::Value> value,
                     std::string_view* out, StringViewBuffer* storage);
  static v8::MaybeLocal<v8::Value> ToV8(v8::Isolate* isolate, std::string_view value);
};

template <>
struct Converter<ByteView> {
  static bool FromV8(ConversionContext& context, v8::Local<v8::Value> value, ByteView* out,
                     StringViewBuffer* = nullptr);
};

template <>
struct Converter<SharedBytes> {
  static bool FromV8(ConversionContext& context, v8::Local<v8::Value> value, SharedBytes* out,
                     StringViewBuffer* = nullptr);
  // A Uint8Array over the same backing store (no copy).
  static v8::MaybeLocal<v8::Value> ToV8(v8::Isolate* isolate, const SharedBytes& value);
};

template <>
struct Converter<ByteBuffer> {
  // Copies the bytes of an ArrayBuffer/TypedArray/DataView (a ByteBuffer owns its bytes).
  static bool FromV8(ConversionContext& context, v8::Local<v8::Value> value, ByteBuffer* out,
                     StringViewBuffer* = nullptr);
  // A Uint8Array that takes ownership of the bytes (no copy).
  static v8::MaybeLocal<v8::Value> ToV8(v8::Isolate* isolate, ByteBuffer value);
};

template <>
struct Converter<ResourceId> {
  static bool FromV8(ConversionContext& context, v8::Local<v8::Value> value, ResourceId* out,
                     StringViewBuffer* = nullptr) {
    return Converter<uint32_t>::StrictFromV8(context, value, &out->value);
  }
  static v8::MaybeLocal<v8::Value> ToV8(v8::Isolate* isolate, ResourceId value) {
    return v8::Integer::NewFromUnsigned(isolate, value.value);
  }
};

template <>
struct Converter<v8::Local<v8::Value>> {
  static bool FromV8(ConversionContext&, v8::Local<v8::Value> value, v8::Local<v8::Value>* out,
                     StringViewBuffer* = nullptr) {
    *out = value;
    return true;
  }
  static v8::MaybeLocal<v8::Value> ToV8(v8::Isolate*, v8::Local<v8::Value> value) {
    return value;
  }
};

template <typename T>
struct Converter<std::optional<T>> {
  static bool FromV8(ConversionContext& context, v8::Local<v8::Value> value,
                     std::optional<T>* out, StringViewBuffer* storage = nullptr) {
    if (value->IsNullOrUndefined()) {
      out->reset();
      return true;
    }
    out->emplace();
    return Converter<T>::FromV8(context, value, &**out, storage);
  }
  static v8::MaybeLocal<v8::Value> ToV8(v8::Isolate* isolate, std::optional<T> value) {
    if (!value) return v8::Null(isolate);
    return Converter<T>::ToV8(isolate, std::move(*value));
  }
};

template <typename T>
struct Converter<std::vector<T>> {
  static bool FromV8(ConversionContext& context, v8::Local<v8::Value> value,
                     std::vector<T>* out, StringViewBuffer* = nullptr) {
    if (!value->IsArray()) return context.Fail(ErrorKind::kType, "array", value);
    v8::Local<v8::Array> array = value.As<v8::Array>();
    uint32_t length = array->Length();
    out->clear();
    out->reserve(length);
    for (uint32_t i = 0; i < length; ++i) {
      v8::Local<v8::Value> element;
      if (!array->Get(context.context(), i).ToLocal(&element)) {
        return context.FailWithPendingException();
      }
      context.PushElement(i);
      out->emplace_back();
      if (!Converter<T>::FromV8(context, element, &out->back())) return false;
      context.Pop();
    }
    return true;
  }
  static v8::MaybeLocal<v8::Value> ToV8(v8::Isolate* isolate, std::vector<T> values) {
    v8::EscapableHandleScope scope(isolate);
    std::vector<v8::Local<v8::Value>> elements;
    elements.reserve(values.size());
    for (T& value : values) {
      v8::Local<v8::Value> element;
      if (!Converter<T>::ToV8(isolate, std::move(value)).ToLocal(&element)) return {};
      elements.push_back(element);
    }
    return scope.Escape(v8::Array::New(isolate, elements.data(), elements.size()));
  }
};

// --- struct fields (what KILN_STRUCT_CONVERTER below reads and writes with) ---

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

// Reads object[name] into *out. A missing (undefined) field is an error unless T is an
// optional; errors are reported under "field '<name>': ".
template <typename T>
bool ReadField(ConversionContext& context, v8::Local<v8::Object> object, const char* name,
               T* out) {
  v8::Local<v8::Value> value;
  if (!object->Get(context.context(), PropertyKey(context.isolate(), name)).ToLocal(&value)) {
    return context.FailWithPendingException();
  }
  if constexpr (!IsOptional<T>::value) {
    if (value->IsUndefined()) {
      return context.FailWith(ErrorKind::kType,
                              std::string("missing required field '") + name + "'");
    }
  }
  context.PushField(name);
  if (!Converter<T>::FromV8(context, value, out)) return false;
  context.Pop();
  return true;
}

template <typename T>
bool WriteField(v8::Isolate* isolate, v8::Local<v8::Object> object, const char* name,
                const T& value) {
  v8::Local<v8::Value> converted;
  if (!Converter<T>::ToV8(isolate, value).ToLocal(&converted)) return false;
  return object
      ->CreateDataProperty(isolate->GetCurrentContext(), PropertyKey(isolate, name), converted)
      .FromMaybe(false);
}

}  // namespace kiln

// --- struct converters ---
//
// KILN_STRUCT_CONVERTER(Type, field...) declares Converter<Type> for a plain struct, the
// one way to give a struct a converter: codegen emits it for every KILN_STRUCT of an op
// header (into the header's generated `<stem>_structs.h`, codegen/README.md), and
// embedders write it for their own structs used in typed calls (core/call.h). Each listed
// field is read from / written to the object property of the same name:
//   FromV8  a non-object is a TypeError "expected object"; each field in the listed order
//           through ReadField (a missing required field is a TypeError "missing required
//           field '<name>'"; an std::optional field may be absent, undefined or null);
//   ToV8    a new plain object with every listed field (std::nullopt becomes null).
// At namespace scope, outside any namespace, before the first conversion of Type; a
// struct's field types need their converters first. At most 64 fields; one per struct in
// a program (a KILN_STRUCT already has its converter in `<stem>_structs.h`).
//
//   namespace app {
//   struct Point { int32_t x; int32_t y; std::optional<std::string> label; };
//   }  // namespace app
//   KILN_STRUCT_CONVERTER(app::Point, x, y, label)
#define KILN_STRUCT_CONVERTER(...)                                                          \
  namespace kiln {                                                                          \
  template <>                                                                               \
  struct Converter<KILN_STRUCT_CONVERTER_INTERNAL_TYPE(__VA_ARGS__, unused)> {              \
    using Struct = KILN_STRUCT_CONVERTER_INTERNAL_TYPE(__VA_ARGS__, unused);                \
    static bool FromV8(ConversionContext& context, v8::Local<v8::Value> value, Struct* out, \
                       StringViewBuffer* = nullptr) {                                       \
      if (!value->IsObject()) return context.Fail(ErrorKind::kType, "object", value);       \
      v8::Local<v8::Object> object = value.As<v8::Object>();                                \
      (void)object;                                                                         \
      (void)out;                                                                            \
      return KILN_STRUCT_CONVERTER_INTERNAL_FIELDS(KILN_STRUCT_CONVERTER_INTERNAL_READ,     \
                                                   __VA_ARGS__) true;                       \
    }                                                                                       \
    static v8::MaybeLocal<v8::Value> ToV8(v8::Isolate* isolate, const Struct& value) {      \
      v8::EscapableHandleScope scope(isolate);                                              \
      v8::Local<v8::Object> object = v8::Object::New(isolate);                              \
      if (!(KILN_STRUCT_CONVERTER_INTERNAL_FIELDS(KILN_STRUCT_CONVERTER_INTERNAL_WRITE,     \
                                                  __VA_ARGS__) true)) {                     \
        return {};                                                                          \
      }                                                                                     \
      return scope.Escape(object);                                                          \
    }                                                                                       \
  };                                                                                        \
  }

// The implementation. The macro takes the type and the fields as one variadic list, so
// that a struct without fields needs no empty variadic argument (not valid C++17).
#define KILN_STRUCT_CONVERTER_INTERNAL_TYPE(Type, ...) Type
#define KILN_STRUCT_CONVERTER_INTERNAL_READ(field) \
  ::kiln::ReadField(context, object, #field, &out->field) &&
#define KILN_STRUCT_CONVERTER_INTERNAL_WRITE(field) \
  ::kiln::WriteField(isolate, object, #field, value.field) &&
// Applies `m` to each field of (Type, field...): picks KILN_SCF_<n> by the length n of
// the list (1 to 65), which skips the type.
#define KILN_STRUCT_CONVERTER_INTERNAL_FIELDS(m, ...)                                            \
  KILN_STRUCT_CONVERTER_INTERNAL_PICK(                                                           \
      __VA_ARGS__, KILN_SCF_65, KILN_SCF_64, KILN_SCF_63, KILN_SCF_62, KILN_SCF_61, KILN_SCF_60, \
      KILN_SCF_59, KILN_SCF_58, KILN_SCF_57, KILN_SCF_56, KILN_SCF_55, KILN_SCF_54, KILN_SCF_53, \
      KILN_SCF_52, KILN_SCF_51, KILN_SCF_50, KILN_SCF_49, KILN_SCF_48, KILN_SCF_47, KILN_SCF_46, \
      KILN_SCF_45, KILN_SCF_44, KILN_SCF_43, KILN_SCF_42, KILN_SCF_41, KILN_SCF_40, KILN_SCF_39, \
      KILN_SCF_38, KILN_SCF_37, KILN_SCF_36, KILN_SCF_35, KILN_SCF_34, KILN_SCF_33, KILN_SCF_32, \
      KILN_SCF_31, KILN_SCF_30, KILN_SCF_29, KILN_SCF_28, KILN_SCF_27, KILN_SCF_26, KILN_SCF_25, \
      KILN_SCF_24, KILN_SCF_23, KILN_SCF_22, KILN_SCF_21, KILN_SCF_20, KILN_SCF_19, KILN_SCF_18, \
      KILN_SCF_17, KILN_SCF_16, KILN_SCF_15, KILN_SCF_14, KILN_SCF_13, KILN_SCF_12, KILN_SCF_11, \
      KILN_SCF_10, KILN_SCF_9, KILN_SCF_8, KILN_SCF_7, KILN_SCF_6, KILN_SCF_5, KILN_SCF_4,       \
      KILN_SCF_3, KILN_SCF_2, KILN_SCF_1)                                                        \
  (m, __VA_ARGS__)
#define KILN_STRUCT_CONVERTER_INTERNAL_PICK(                                                       \
    _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18, _19, _20,     \
    _21, _22, _23, _24, _25, _26, _27, _28, _29, _30, _31, _32, _33, _34, _35, _36, _37, _38, _39, \
    _40, _41, _42, _43, _44, _45, _46, _47, _48, _49, _50, _51, _52, _53, _54, _55, _56, _57, _58, \
    _59, _60, _61, _62, _63, _64, _65, NAME, ...)                                                  \
  NAME
#define KILN_SCF_1(m, Type)
#define KILN_SCF_2(m, Type, a) m(a)
#define KILN_SCF_3(m, Type, a, ...) m(a) KILN_SCF_2(m, Type, __VA_ARGS__)
#define KILN_SCF_4(m, Type, a, ...) m(a) KILN_SCF_3(m, Type, __VA_ARGS__)
#define KILN_SCF_5(m, Type, a, ...) m(a) KILN_SCF_4(m, Type, __VA_ARGS__)
#define KILN_SCF_6(m, Type, a, ...) m(a) KILN_SCF_5(m, Type, __VA_ARGS__)
#define KILN_SCF_7(m, Type, a, ...) m(a) KILN_SCF_6(m, Type, __VA_ARGS__)
#define KILN_SCF_8(m, Type, a, ...) m(a) KILN_SCF_7(m, Type, __VA_ARGS__)
#define KILN_SCF_9(m, Type, a, ...) m(a) KILN_SCF_8(m, Type, __VA_ARGS__)
#define KILN_SCF_10(m, Type, a, ...) m(a) KILN_SCF_9(m, Type, __VA_ARGS__)
#define KILN_SCF_11(m, Type, a, ...) m(a) KILN_SCF_10(m, Type, __VA_ARGS__)
#define KILN_SCF_12(m, Type, a, ...) m(a) KILN_SCF_11(m, Type, __VA_ARGS__)
#define KILN_SCF_13(m, Type, a, ...) m(a) KILN_SCF_12(m, Type, __VA_ARGS__)
#define KILN_SCF_14(m, Type, a, ...) m(a) KILN_SCF_13(m, Type, __VA_ARGS__)
#define KILN_SCF_15(m, Type, a, ...) m(a) KILN_SCF_14(m, Type, __VA_ARGS__)
#define KILN_SCF_16(m, Type, a, ...) m(a) KILN_SCF_15(m, Type, __VA_ARGS__)
#define KILN_SCF_17(m, Type, a, ...) m(a) KILN_SCF_16(m, Type, __VA_ARGS__)
#define KILN_SCF_18(m, Type, a, ...) m(a) KILN_SCF_17(m, Type, __VA_ARGS__)
#define KILN_SCF_19(m, Type, a, ...) m(a) KILN_SCF_18(m, Type, __VA_ARGS__)
#define KILN_SCF_20(m, Type, a, ...) m(a) KILN_SCF_19(m, Type, __VA_ARGS__)
#define KILN_SCF_21(m, Type, a, ...) m(a) KILN_SCF_20(m, Type, __VA_ARGS__)
#define KILN_SCF_22(m, Type, a, ...) m(a) KILN_SCF_21(m, Type, __VA_ARGS__)
#define KILN_SCF_23(m, Type, a, ...) m(a) KILN_SCF_22(m, Type, __VA_ARGS__)
#define KILN_SCF_24(m, Type, a, ...) m(a) KILN_SCF_23(m, Type, __VA_ARGS__)
#define KILN_SCF_25(m, Type, a, ...) m(a) KILN_SCF_24(m, Type, __VA_ARGS__)
#define KILN_SCF_26(m, Type, a, ...) m(a) KILN_SCF_25(m, Type, __VA_ARGS__)
#define KILN_SCF_27(m, Type, a, ...) m(a) KILN_SCF_26(m, Type, __VA_ARGS__)
#define KILN_SCF_28(m, Type, a, ...) m(a) KILN_SCF_27(m, Type, __VA_ARGS__)
#define KILN_SCF_29(m, Type, a, ...) m(a) KILN_SCF_28(m, Type, __VA_ARGS__)
#define KILN_SCF_30(m, Type, a, ...) m(a) KILN_SCF_29(m, Type, __VA_ARGS__)
#define KILN_SCF_31(m, Type, a, ...) m(a) KILN_SCF_30(m, Type, __VA_ARGS__)
#define KILN_SCF_32(m, Type, a, ...) m(a) KILN_SCF_31(m, Type, __VA_ARGS__)
#define KILN_SCF_33(m, Type, a, ...) m(a) KILN_SCF_32(m, Type, __VA_ARGS__)
#define KILN_SCF_34(m, Type, a, ...) m(a) KILN_SCF_33(m, Type, __VA_ARGS__)
#define KILN_SCF_35(m, Type, a, ...) m(a) KILN_SCF_34(m, Type, __VA_ARGS__)
#define KILN_SCF_36(m, Type, a, ...) m(a) KILN_SCF_35(m, Type, __VA_ARGS__)
#define KILN_SCF_37(m, Type, a, ...) m(a) KILN_SCF_36(m, Type, __VA_ARGS__)
#define KILN_SCF_38(m, Type, a, ...) m(a) KILN_SCF_37(m, Type, __VA_ARGS__)
#define KILN_SCF_39(m, Type, a, ...) m(a) KILN_SCF_38(m, Type, __VA_ARGS__)
#define KILN_SCF_40(m, Type, a, ...) m(a) KILN_SCF_39(m, Type, __VA_ARGS__)
#define KILN_SCF_41(m, Type, a, ...) m(a) KILN_SCF_40(m, Type, __VA_ARGS__)
#define KILN_SCF_42(m, Type, a, ...) m(a) KILN_SCF_41(m, Type, __VA_ARGS__)
#define KILN_SCF_43(m, Type, a, ...) m(a) KILN_SCF_42(m, Type, __VA_ARGS__)
#define KILN_SCF_44(m, Type, a, ...) m(a) KILN_SCF_43(m, Type, __VA_ARGS__)
#define KILN_SCF_45(m, Type, a, ...) m(a) KILN_SCF_44(m, Type, __VA_ARGS__)
#define KILN_SCF_46(m, Type, a, ...) m(a) KILN_SCF_45(m, Type, __VA_ARGS__)
#define KILN_SCF_47(m, Type, a, ...) m(a) KILN_SCF_46(m, Type, __VA_ARGS__)
#define KILN_SCF_48(m, Type, a, ...) m(a) KILN_SCF_47(m, Type, __VA_ARGS__)
#define KILN_SCF_49(m, Type, a, ...) m(a) KILN_SCF_48(m, Type, __VA_ARGS__)
#define KILN_SCF_50(m, Type, a, ...) m(a) KILN_SCF_49(m, Type, __VA_ARGS__)
#define KILN_SCF_51(m, Type, a, ...) m(a) KILN_SCF_50(m, Type, __VA_ARGS__)
#define KILN_SCF_52(m, Type, a, ...) m(a) KILN_SCF_51(m, Type, __VA_ARGS__)
#define KILN_SCF_53(m, Type, a, ...) m(a) KILN_SCF_52(m, Type, __VA_ARGS__)
#define KILN_SCF_54(m, Type, a, ...) m(a) KILN_SCF_53(m, Type, __VA_ARGS__)
#define KILN_SCF_55(m, Type, a, ...) m(a) KILN_SCF_54(m, Type, __VA_ARGS__)
#define KILN_SCF_56(m, Type, a, ...) m(a) KILN_SCF_55(m, Type, __VA_ARGS__)
#define KILN_SCF_57(m, Type, a, ...) m(a) KILN_SCF_56(m, Type, __VA_ARGS__)
#define KILN_SCF_58(m, Type, a, ...) m(a) KILN_SCF_57(m, Type, __VA_ARGS__)
#define KILN_SCF_59(m, Type, a, ...) m(a) KILN_SCF_58(m, Type, __VA_ARGS__)
#define KILN_SCF_60(m, Type, a, ...) m(a) KILN_SCF_59(m, Type, __VA_ARGS__)
#define KILN_SCF_61(m, Type, a, ...) m(a) KILN_SCF_60(m, Type, __VA_ARGS__)
#define KILN_SCF_62(m, Type, a, ...) m(a) KILN_SCF_61(m, Type, __VA_ARGS__)
#define KILN_SCF_63(m, Type, a, ...) m(a) KILN_SCF_62(m, Type, __VA_ARGS__)
#define KILN_SCF_64(m, Type, a, ...) m(a) KILN_SCF_63(m, Type, __VA_ARGS__)
#define KILN_SCF_65(m, Type, a, ...) m(a) KILN_SCF_64(m, Type, __VA_ARGS__)

#endif  // KILN_CORE_CONVERT_H_
