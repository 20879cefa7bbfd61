#ifndef KILN_OPS_FUTURE_H_
#define KILN_OPS_FUTURE_H_

// Async ops. An op declared as returning kiln::Future<T> always gives JavaScript a native
// Promise. The op either answers now (a ready Future: an already settled promise, no
// bookkeeping) or later, through the Completer that MakeFuture hands out with a pending
// Future:
//
//   KILN_OP() kiln::Future<int32_t> op_delayed_double(kiln::OpState& state, int32_t x);
//
//   kiln::Future<int32_t> op_delayed_double(kiln::OpState& state, int32_t x) {
//     if (x < 0) return absl::InvalidArgumentError("negative");    // rejects now
//     if (x == 0) return 0;                                          // resolves now
//     auto [future, completer] = kiln::MakeFuture<int32_t>(state);
//     std::thread([x, completer = std::move(completer)]() mutable {
//       completer.Complete(2 * x);                                   // any thread
//     }).detach();
//     return std::move(future);
//   }
//
// A Completer can be moved to and completed from any thread. Completing wakes the
// runtime's loop (one coalesced uv_async for any number of completions); the results
// reach JavaScript in one call at the end of a loop turn. Completing after the op was
// canceled or after the runtime was destroyed does nothing. A Completer destroyed without
// completing rejects its promise (`Interrupted: <op>: operation dropped without a result`),
// so a forgotten completion is an error, not a promise that never settles.

#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ops/op_state.h"
#include "v8-forward.h"
#include "v8-local-handle.h"

namespace kiln {

struct Completion;

// Converts a completed value to JS on the runtime's thread (core/op_support.h generates
// one per result type: ConvertCompletion<T>).
using CompletionConverter = v8::MaybeLocal<v8::Value> (*)(v8::Isolate*, Completion&);

// One result on its way from a Completer to the runtime's thread.
struct Completion {
  enum class Kind : uint8_t {
    kNumber,     // resolves with `number` (int32_t, uint32_t, float, double results)
    kBoolean,    // resolves with `number != 0` (bool results)
    kUndefined,  // resolves with undefined (Future<void>)
    kConverted,  // resolves with `convert(boxed)` (every other result type)
    kError,      // rejects with the JS error `error` maps to (ops/errors.h)
    kDropped,    // rejects: the Completer was destroyed without a result
  };
  uint32_t id = 0;
  Kind kind = Kind::kUndefined;
  double number = 0;
  // kConverted: the heap-allocated value (freed on whichever thread drops the
  // completion) and how to convert it.
  std::unique_ptr<void, void (*)(void*)> boxed{nullptr, nullptr};
  CompletionConverter convert = nullptr;
  const char* op_name = "";  // for errors about this completion
  // The result an op returned ready after making a pending Future for the same call
  // (that Future's own Completer is then ignored; core/async_ops.h).
  bool ready_result = false;
  absl::Status error;

  Completion() = default;
  Completion(uint32_t id, Kind kind, const char* op_name) : id(id), kind(kind), op_name(op_name) {}
};

// Where completers push their completions: the runtime's thread-safe queue
// (core/completion_channel.h implements it). Shared by the runtime and every Completer of
// one runtime; once the runtime is gone, pushes are dropped.
class CompletionSink {
 public:
  virtual ~CompletionSink() = default;
  // Queues `completion` and wakes the runtime's loop; returns false (and drops it) once
  // the runtime no longer takes completions.
  virtual bool Push(Completion completion) = 0;
  // The same for many (moved out of `*completions`, which is left empty).
  virtual bool PushAll(std::vector<Completion>* completions) = 0;
};

// The op call a MakeFuture belongs to, as the runtime registered it.
struct PendingRegistration {
  // Where the call's Completer pushes; null when nothing was registered (no async op call
  // in progress, the call is already pending, or the runtime is going away).
  std::shared_ptr<CompletionSink> sink;
  uint32_t id = 0;
  const char* op_name = "";
  CompletionConverter convert = nullptr;
  bool ready_result = false;  // see Completion::ready_result

  bool registered() const { return sink != nullptr; }
};

// The runtime's side of MakeFuture: registers the async op call in progress as pending
// (core/async_ops.h implements it; OpState holds it). Runtime's thread only.
class PendingRegistrar {
 public:
  // Once per call; later calls (and calls outside an async op) register nothing.
  virtual PendingRegistration BeginPending() = 0;

 protected:
  ~PendingRegistrar() = default;
};

template <typename T>
inline constexpr bool kStoredAsNumber =
    std::is_same_v<T, int32_t> || std::is_same_v<T, uint32_t> || std::is_same_v<T, float> ||
    std::is_same_v<T, double>;

// Completes one pending op, once, from any thread. Move-only.
template <typename T>
class Completer {
 public:
  Completer() = default;
  // A Completer for `registration` (one that does nothing if nothing was registered).
  explicit Completer(PendingRegistration registration)
      : sink_(std::move(registration.sink)),
        id_(registration.id),
        op_name_(registration.op_name),
        convert_(registration.convert),
        ready_result_(registration.ready_result) {}
  Completer(Completer&& other) noexcept { *this = std::move(other); }
  Completer& operator=(Completer&& other) noexcept {
    if (this != &other) {
      Drop();
      sink_ = std::move(other.sink_);
      id_ = other.id_;
      op_name_ = other.op_name_;
      convert_ = other.convert_;
      ready_result_ = other.ready_result_;
    }
    return *this;
  }
  Completer(const Completer&) = delete;
  Completer& operator=(const Completer&) = delete;
  ~Completer() { Drop(); }

  // Resolves the promise with `value` (Complete() for Future<void>). Returns false if the
  // completer was already used or the runtime no longer takes completions.
  template <typename U = T, typename = std::enable_if_t<!std::is_void_v<U>>>
  bool Complete(U value) {
    if (!sink_) return false;
    Completion completion = ValueCompletion(std::move(value));
    return Send(std::move(completion));
  }
  template <typename U = T, typename = std::enable_if_t<std::is_void_v<U>>>
  bool Complete() {
    if (!sink_) return false;
    Completion completion = Start(Completion::Kind::kUndefined);
    return Send(std::move(completion));
  }
  // Rejects the promise with the JS error `error` maps to (ops/errors.h). An OK status
  // is turned into an Internal error.
  bool Fail(absl::Status error) {
    if (!sink_) return false;
    Completion completion = ErrorCompletion(std::move(error));
    return Send(std::move(completion));
  }

  bool valid() const { return sink_ != nullptr; }
  uint32_t id() const { return id_; }

 private:
  friend class CompletionBatch;

  Completion Start(Completion::Kind kind) const {
    Completion completion(id_, kind, op_name_);
    completion.ready_result = ready_result_;
    return completion;
  }
  template <typename U>
  Completion ValueCompletion(U value) const {
    if constexpr (std::is_same_v<U, bool>) {
      Completion completion = Start(Completion::Kind::kBoolean);
      completion.number = value ? 1 : 0;
      return completion;
    } else if constexpr (kStoredAsNumber<U>) {
      Completion completion = Start(Completion::Kind::kNumber);
      completion.number = static_cast<double>(value);
      return completion;
    } else {
      Completion completion = Start(Completion::Kind::kConverted);
      completion.boxed = {new U(std::move(value)),
                          [](void* boxed) { delete static_cast<U*>(boxed); }};
      completion.convert = convert_;
      return completion;
    }
  }
  Completion ErrorCompletion(absl::Status error) const {
    Completion completion = Start(Completion::Kind::kError);
    completion.error = error.ok()
                           ? absl::InternalError("Completer::Fail called with an OK status")
                           : std::move(error);
    return completion;
  }
  bool Send(Completion completion) {
    std::shared_ptr<CompletionSink> sink = std::move(sink_);
    return sink->Push(std::move(completion));
  }
  void Drop() {
    if (!sink_) return;
    Send(Start(Completion::Kind::kDropped));
  }

  std::shared_ptr<CompletionSink> sink_;
  uint32_t id_ = 0;
  const char* op_name_ = "";
  CompletionConverter convert_ = nullptr;
  bool ready_result_ = false;
};

// Completes many ops with one push (one lock of the runtime's queue): for code that
// completes a batch at once (a libuv callback that finishes many requests). Completions
// are queued in the batch and sent on Send() or destruction, in the order they were
// added. Completers of different runtimes may be mixed (each run of one runtime's
// completers is one push).
class CompletionBatch {
 public:
  CompletionBatch() = default;
  CompletionBatch(const CompletionBatch&) = delete;
  CompletionBatch& operator=(const CompletionBatch&) = delete;
  ~CompletionBatch() { Send(); }

  // Like completer.Complete(value) / completer.Complete() / completer.Fail(error); the
  // completer is used up. False if it was already used.
  template <typename T, typename U>
  bool Complete(Completer<T>& completer, U value) {
    return Add(completer, [&] { return completer.ValueCompletion(T(std::move(value))); });
  }
  bool Complete(Completer<void>& completer) {
    return Add(completer, [&] { return completer.Start(Completion::Kind::kUndefined); });
  }
  template <typename T>
  bool Fail(Completer<T>& completer, absl::Status error) {
    return Add(completer, [&] { return completer.ErrorCompletion(std::move(error)); });
  }

  // Room for `count` completions (optional).
  void Reserve(size_t count) { queued_.reserve(count); }
  // Pushes what was added so far.
  void Send();

 private:
  template <typename T, typename Make>
  bool Add(Completer<T>& completer, Make make) {
    if (!completer.sink_) return false;
    if (sink_ != completer.sink_) {
      Send();
      sink_ = completer.sink_;
    }
    queued_.push_back(make());
    completer.sink_.reset();
    return true;
  }

  std::shared_ptr<CompletionSink> sink_;
  std::vector<Completion> queued_;
};

// An async op's result: ready now (a value, or an error) or pending (its Completer
// settles it later).
template <typename T>
class Future {
 public:
  enum class State : uint8_t { kReady, kFailed, kPending };

  template <typename U = T, typename = std::enable_if_t<!std::is_void_v<U>>>
  Future(U value) : state_(State::kReady), value_(std::move(value)) {}  // NOLINT: implicit
  // A failed status rejects now; an OK status is a ready Future<void> (and an Internal
  // error for any other T).
  Future(absl::Status status)  // NOLINT: implicit, like absl::StatusOr
      : state_(status.ok() && std::is_void_v<T> ? State::kReady : State::kFailed),
        error_(status.ok() && !std::is_void_v<T>
                   ? absl::InternalError("Future<T> made from an OK status")
                   : std::move(status)) {}
  // A value or an error computed now (T != void): ready with the value, or failed.
  template <typename U = T, typename = std::enable_if_t<!std::is_void_v<U>>>
  Future(absl::StatusOr<U> result)  // NOLINT: implicit, like the two above
      : state_(result.ok() ? State::kReady : State::kFailed),
        value_(result.ok() ? std::move(*result) : Stored{}),
        error_(result.ok() ? absl::Status() : result.status()) {}

  State state() const { return state_; }
  // kReady (T != void): the value. kFailed: the error. kPending: the op id.
  template <typename U = T, typename = std::enable_if_t<!std::is_void_v<U>>>
  U& value() { return value_; }
  const absl::Status& error() const { return error_; }
  uint32_t pending_id() const { return pending_id_; }

 private:
  template <typename U>
  friend std::pair<Future<U>, Completer<U>> MakeFuture(OpState& state);
  struct PendingTag {};
  Future(PendingTag, uint32_t id) : state_(State::kPending), pending_id_(id) {}

  using Stored = std::conditional_t<std::is_void_v<T>, char, T>;
  State state_;
  Stored value_{};
  absl::Status error_;
  uint32_t pending_id_ = 0;
};

// A pending Future for the op call in progress, and the Completer that settles it.
// Only valid inside an async op's body (the runtime knows which call it belongs to).
// A second MakeFuture in the same call gets a Completer that does nothing (valid() is
// false): an op call settles one promise.
template <typename T>
std::pair<Future<T>, Completer<T>> MakeFuture(OpState& state) {
  PendingRegistrar* registrar = state.pending_registrar_;  // null outside a runtime
  PendingRegistration registration =
      registrar != nullptr ? registrar->BeginPending() : PendingRegistration{};
  uint32_t id = registration.id;
  return {Future<T>(typename Future<T>::PendingTag{}, id), Completer<T>(std::move(registration))};
}

}  // namespace kiln

#endif  // KILN_OPS_FUTURE_H_
