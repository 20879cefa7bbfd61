#ifndef KILN_CORE_CALL_H_
#define KILN_CORE_CALL_H_

// Typed calls from C++ into JavaScript:
//
//   kiln::Result<kiln::JsModule> lib = runtime->LoadModule("./lib.js");
//   kiln::Result<std::string> out = runtime->CallExport<std::string>(lib.value(), "render",
//                                                                     "title", 3);
//   kiln::Result<Point> p = runtime->Call<Point>(kiln::CallOptions{absl::Seconds(1)}, fn, q);
//
// Arguments go to JavaScript through Converter<T>::ToV8 and the result comes back through
// Converter<R>::FromV8 (core/convert.h, the rules ops use): bool, the integer types,
// double/float, std::string, std::optional<T>, std::vector<T>, ByteView/Bytes, and
// structs with a converter (KILN_CALL_STRUCT below). A JsValue or JsFunction argument is
// passed as the value it holds; R may be void (the value is dropped), JsValue (held) or
// JsFunction (must be a function).
//
// A result of the wrong type or out of range is a JsError (TypeError / RangeError naming
// the function and what was expected), never a truncated value. A thrown exception is a
// JsError with its stack. A returned promise is awaited: the runtime's loop runs until it
// settles (its rejection is the JsError), until the loop has nothing left that could
// settle it ("Error: the promise returned by <fn> never settled"), or until
// CallOptions::timeout ("TimeoutError: <fn> timed out after <N> ms").
//
// Calls run on the runtime's thread (Runtime is not thread-safe); handles may be kept
// across calls and destroyed anywhere (core/js_value.h).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/convert.h"
#include "core/js_error.h"
#include "core/js_value.h"
#include "core/runtime.h"
#include "core/v8_util.h"
#include "v8.h"

namespace kiln {

struct CallOptions {
  // How long the call may take, promise included. Unset: no limit.
  std::optional<absl::Duration> timeout;
};

// Declares the Converter of a plain struct for calls (and for ops, in code that is not
// generated): every listed field is read from / written to the object property of the
// same name, with the KILN_STRUCT rules (a missing required field is a TypeError naming
// it; std::optional fields may be absent). At namespace scope, outside any namespace:
//
//   namespace app { struct Point { int32_t x; int32_t y; std::optional<std::string> label; }; }
//   KILN_CALL_STRUCT(app::Point, x, y, label)
//
// A KILN_STRUCT declared in an op header gets its converter in that header's generated
// bindings; it must not also be declared here.
#define KILN_CALL_STRUCT(Type, ...)                                                        \
  namespace kiln {                                                                         \
  template <>                                                                              \
  struct Converter<Type> {                                                                 \
    static bool FromV8(ConversionContext& context, v8::Local<v8::Value> value, Type* out,  \
                       StringViewBuffer* = nullptr) {                                      \
      if (!value->IsObject()) return context.Fail(ErrorKind::kType, "object", value);      \
      v8::Local<v8::Object> object = value.As<v8::Object>();                               \
      (void)object;                                                                        \
      return KILN_CALL_STRUCT_INTERNAL_FOR_EACH(KILN_CALL_STRUCT_INTERNAL_READ,            \
                                                __VA_ARGS__) true;                         \
    }                                                                                      \
    static v8::MaybeLocal<v8::Value> ToV8(v8::Isolate* isolate, const Type& value) {       \
      v8::EscapableHandleScope scope(isolate);                                             \
      v8::Local<v8::Object> object = v8::Object::New(isolate);                             \
      if (!(KILN_CALL_STRUCT_INTERNAL_FOR_EACH(KILN_CALL_STRUCT_INTERNAL_WRITE,            \
                                               __VA_ARGS__) true)) {                       \
        return {};                                                                         \
      }                                                                                    \
      return scope.Escape(object);                                                         \
    }                                                                                      \
  };                                                                                       \
  }

#define KILN_CALL_STRUCT_INTERNAL_READ(field) \
  ::kiln::ReadField(context, object, #field, &out->field) &&
#define KILN_CALL_STRUCT_INTERNAL_WRITE(field) \
  ::kiln::WriteField(isolate, object, #field, value.field) &&

// Applies `macro` to each of up to 24 arguments.
#define KILN_CALL_STRUCT_INTERNAL_FOR_EACH(macro, ...)                                      \
  KILN_CALL_STRUCT_INTERNAL_PICK(__VA_ARGS__, KILN_CS_24, KILN_CS_23, KILN_CS_22,           \
                                 KILN_CS_21, KILN_CS_20, KILN_CS_19, KILN_CS_18, KILN_CS_17, \
                                 KILN_CS_16, KILN_CS_15, KILN_CS_14, KILN_CS_13, KILN_CS_12, \
                                 KILN_CS_11, KILN_CS_10, KILN_CS_9, KILN_CS_8, KILN_CS_7,    \
                                 KILN_CS_6, KILN_CS_5, KILN_CS_4, KILN_CS_3, KILN_CS_2,      \
                                 KILN_CS_1)(macro, __VA_ARGS__)
#define KILN_CALL_STRUCT_INTERNAL_PICK(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, \
                                       _14, _15, _16, _17, _18, _19, _20, _21, _22, _23, _24, \
                                       NAME, ...)                                            \
  NAME
#define KILN_CS_1(m, a) m(a)
#define KILN_CS_2(m, a, ...) m(a) KILN_CS_1(m, __VA_ARGS__)
#define KILN_CS_3(m, a, ...) m(a) KILN_CS_2(m, __VA_ARGS__)
#define KILN_CS_4(m, a, ...) m(a) KILN_CS_3(m, __VA_ARGS__)
#define KILN_CS_5(m, a, ...) m(a) KILN_CS_4(m, __VA_ARGS__)
#define KILN_CS_6(m, a, ...) m(a) KILN_CS_5(m, __VA_ARGS__)
#define KILN_CS_7(m, a, ...) m(a) KILN_CS_6(m, __VA_ARGS__)
#define KILN_CS_8(m, a, ...) m(a) KILN_CS_7(m, __VA_ARGS__)
#define KILN_CS_9(m, a, ...) m(a) KILN_CS_8(m, __VA_ARGS__)
#define KILN_CS_10(m, a, ...) m(a) KILN_CS_9(m, __VA_ARGS__)
#define KILN_CS_11(m, a, ...) m(a) KILN_CS_10(m, __VA_ARGS__)
#define KILN_CS_12(m, a, ...) m(a) KILN_CS_11(m, __VA_ARGS__)
#define KILN_CS_13(m, a, ...) m(a) KILN_CS_12(m, __VA_ARGS__)
#define KILN_CS_14(m, a, ...) m(a) KILN_CS_13(m, __VA_ARGS__)
#define KILN_CS_15(m, a, ...) m(a) KILN_CS_14(m, __VA_ARGS__)
#define KILN_CS_16(m, a, ...) m(a) KILN_CS_15(m, __VA_ARGS__)
#define KILN_CS_17(m, a, ...) m(a) KILN_CS_16(m, __VA_ARGS__)
#define KILN_CS_18(m, a, ...) m(a) KILN_CS_17(m, __VA_ARGS__)
#define KILN_CS_19(m, a, ...) m(a) KILN_CS_18(m, __VA_ARGS__)
#define KILN_CS_20(m, a, ...) m(a) KILN_CS_19(m, __VA_ARGS__)
#define KILN_CS_21(m, a, ...) m(a) KILN_CS_20(m, __VA_ARGS__)
#define KILN_CS_22(m, a, ...) m(a) KILN_CS_21(m, __VA_ARGS__)
#define KILN_CS_23(m, a, ...) m(a) KILN_CS_22(m, __VA_ARGS__)
#define KILN_CS_24(m, a, ...) m(a) KILN_CS_23(m, __VA_ARGS__)

namespace internal {

// What Runtime::CallWith calls: the function `value` holds, or with a non-empty
// `export_name` that export of the module namespace `value` holds.
struct CallTarget {
  const JsValue* value = nullptr;
  std::string_view export_name;
  std::string_view module_url;     // for messages about exports
  std::string_view function_name;  // for messages about a function
};

// Makes a call's arguments (Runtime::CallWith), inside the runtime's scopes.
class CallArguments {
 public:
  virtual size_t count() const = 0;
  // Fills argv[0..count); false (with an exception pending) if one cannot be made.
  virtual bool Make(v8::Isolate* isolate, v8::Local<v8::Value>* argv) = 0;

 protected:
  ~CallArguments() = default;
};

// Takes a call's settled value (Runtime::CallWith), inside the runtime's scopes.
class CallResult {
 public:
  // `what` names the function for error messages ("render", "export 'render' of ...").
  virtual Result<void> Take(v8::Isolate* isolate, v8::Local<v8::Value> value,
                            std::string_view what) = 0;

 protected:
  ~CallResult() = default;
};

template <typename T>
bool ArgumentToV8(v8::Isolate* isolate, T&& argument, v8::Local<v8::Value>* out) {
  using Decayed = std::decay_t<T>;
  if constexpr (std::is_same_v<Decayed, JsValue>) {
    *out = argument.Get(isolate);
    if (out->IsEmpty()) *out = v8::Undefined(isolate);
    return true;
  } else if constexpr (std::is_same_v<Decayed, JsFunction>) {
    *out = argument.value().Get(isolate);
    if (out->IsEmpty()) *out = v8::Undefined(isolate);
    return true;
  } else if constexpr (std::is_same_v<Decayed, const char*> || std::is_same_v<Decayed, char*>) {
    return Converter<std::string_view>::ToV8(isolate, std::string_view(argument)).ToLocal(out);
  } else {
    return Converter<Decayed>::ToV8(isolate, std::forward<T>(argument)).ToLocal(out);
  }
}

template <typename... Args>
class TypedArguments final : public CallArguments {
 public:
  explicit TypedArguments(Args&&... args) : args_(std::forward<Args>(args)...) {}
  size_t count() const override { return sizeof...(Args); }
  bool Make(v8::Isolate* isolate, v8::Local<v8::Value>* argv) override {
    return std::apply(
        [&](auto&&... args) {
          size_t i = 0;
          (void)i;
          return (ArgumentToV8(isolate, std::forward<decltype(args)>(args), &argv[i++]) && ... &&
                  true);
        },
        args_);
  }

 private:
  std::tuple<Args&&...> args_;
};

template <typename R>
class TypedResult final : public CallResult {
 public:
  static_assert(!std::is_same_v<R, std::string_view> && !std::is_same_v<R, ByteView>,
                "a call's result must own its data: use std::string / Bytes");

  Result<void> Take(v8::Isolate* isolate, v8::Local<v8::Value> value,
                    std::string_view what) override {
    if constexpr (std::is_same_v<R, void>) {
      return {};
    } else if constexpr (std::is_same_v<R, JsValue>) {
      value_ = JsValue(registry_, value);
      return {};
    } else if constexpr (std::is_same_v<R, JsFunction>) {
      if (!value->IsFunction()) {
        return HostError("TypeError", absl::StrCat("result of ", std::string(what),
                                                   ": expected function, received ",
                                                   DescribeType(value)));
      }
      value_ = JsFunction(JsValue(registry_, value),
                          ToStdString(isolate, value.As<v8::Function>()->GetName()));
      return {};
    } else {
      ConversionContext context(isolate);
      R out{};
      if (!Converter<R>::FromV8(context, value, &out)) {
        if (context.exception_pending()) {
          return HostError("Error", absl::StrCat("result of ", std::string(what),
                                                 ": reading it threw an exception"));
        }
        return HostError(context.kind() == ErrorKind::kRange ? "RangeError" : "TypeError",
                         absl::StrCat("result of ", std::string(what), ": ", context.message()));
      }
      value_ = std::move(out);
      return {};
    }
  }

  explicit TypedResult(std::shared_ptr<HandleRegistry> registry)
      : registry_(std::move(registry)) {}
  using Stored = std::conditional_t<std::is_void_v<R>, char, R>;
  std::optional<Stored> value_;

 private:
  std::shared_ptr<HandleRegistry> registry_;
};

template <typename R, typename... Args>
Result<R> TypedCall(Runtime& runtime, const CallOptions& options, const CallTarget& target,
                    Args&&... args) {
  TypedArguments<Args...> arguments(std::forward<Args>(args)...);
  TypedResult<R> result(runtime.handles());
  Result<void> outcome = runtime.CallWith(target, arguments, result, options);
  if (!outcome.ok()) return outcome.error();
  if constexpr (std::is_void_v<R>) {
    return {};
  } else {
    return std::move(*result.value_);
  }
}

}  // namespace internal

template <typename R, typename... Args>
Result<R> Runtime::Call(const JsFunction& function, Args&&... args) {
  return Call<R>(CallOptions{}, function, std::forward<Args>(args)...);
}

template <typename R, typename... Args>
Result<R> Runtime::Call(const CallOptions& options, const JsFunction& function, Args&&... args) {
  internal::CallTarget target;
  target.value = &function.value();
  target.function_name = function.name();
  return internal::TypedCall<R>(*this, options, target, std::forward<Args>(args)...);
}

template <typename R, typename... Args>
Result<R> Runtime::CallExport(const JsModule& module, std::string_view name, Args&&... args) {
  return CallExport<R>(CallOptions{}, module, name, std::forward<Args>(args)...);
}

template <typename R, typename... Args>
Result<R> Runtime::CallExport(const CallOptions& options, const JsModule& module,
                              std::string_view name, Args&&... args) {
  internal::CallTarget target;
  target.value = &module.module_namespace();
  target.export_name = name.empty() ? std::string_view("default") : name;
  target.module_url = module.url();
  return internal::TypedCall<R>(*this, options, target, std::forward<Args>(args)...);
}

}  // namespace kiln

#endif  // KILN_CORE_CALL_H_
