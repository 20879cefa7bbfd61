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
// structs with a converter. A struct gets its converter one way, KILN_STRUCT_CONVERTER
// (core/convert.h), before the first call that converts it:
//   - an embedder's own struct: write it, at namespace scope outside any namespace,
//
//       namespace app {
//       struct Point { int32_t x; int32_t y; std::optional<std::string> label; };
//       }  // namespace app
//       KILN_STRUCT_CONVERTER(app::Point, x, y, label)
//
//   - a KILN_STRUCT of an op header dir/x_ops.h: codegen already wrote it; include
//     "dir/x_ops_structs.h" (exported by the header's kiln_ops() library):
//
//       #include "ext/fetch/fetch_ops_structs.h"
//       runtime->Call<kiln::fetch::FetchStats>(stats_function);
//
// A JsValue or JsFunction argument is passed as the value it holds; R may be void (the
// value is dropped), JsValue (held) or JsFunction (must be a function).
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
