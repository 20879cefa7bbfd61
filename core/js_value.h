#ifndef KILN_CORE_JS_VALUE_H_
#define KILN_CORE_JS_VALUE_H_

// Host-held handles to JavaScript values: JsValue (any value), JsFunction (a function)
// and JsModule (an evaluated module: its namespace and URL).
//
// A handle belongs to the runtime that made it. It may be copied, kept across any number
// of calls, moved to and destroyed on any thread, and outlive its runtime:
//   - Reading the value (Get) and calling through it happen on the runtime's thread,
//     inside the runtime's public calls (Runtime::Call, CallExport, ...).
//   - Destroying the last copy never touches V8: the value is queued in the runtime's
//     HandleRegistry and released by the runtime on its own thread, at its next public
//     call or at shutdown. So a handle may be destroyed from any thread, at any time,
//     also while the runtime runs JavaScript on another thread.
//   - After the runtime is gone (Shutdown or its destructor), every handle is empty
//     (`alive()` is false) and destroying it does nothing.

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "v8.h"

namespace kiln {

// The runtime's table of host-held values. Shared (shared_ptr) by the runtime and every
// handle, so it outlives whichever goes last. Slots are v8::Global handles, touched only on
// the runtime's thread; the mutex guards the bookkeeping that handles on other threads do.
class HandleRegistry {
 public:
  explicit HandleRegistry(v8::Isolate* isolate) : isolate_(isolate) {}
  HandleRegistry(const HandleRegistry&) = delete;
  HandleRegistry& operator=(const HandleRegistry&) = delete;

  // Runtime's thread: stores `value` and returns its slot.
  size_t Add(v8::Local<v8::Value> value);
  // Runtime's thread: the value in `slot` (empty once the runtime is gone).
  v8::Local<v8::Value> Get(size_t slot) const;
  // Any thread: `slot` is no longer used; released at the next ReleaseQueued.
  void Release(size_t slot);
  // Runtime's thread: resets the slots released since the last call.
  void ReleaseQueued();
  // Runtime's thread, before the isolate is disposed: resets every slot; later calls of
  // Release do nothing and Get returns empty handles.
  void Close();

  bool alive() const;
  v8::Isolate* isolate() const { return isolate_; }
  // Slots in use (tests).
  size_t live_count() const;

 private:
  v8::Isolate* isolate_;
  mutable std::mutex mutex_;
  bool closed_ = false;
  std::vector<v8::Global<v8::Value>> slots_;  // runtime's thread only
  std::vector<size_t> free_slots_;            // runtime's thread only
  std::vector<size_t> released_;              // guarded by mutex_
  size_t live_ = 0;                           // guarded by mutex_
};

namespace internal {
// One registry slot; releases it when the last handle copy goes away.
class HandleSlot {
 public:
  HandleSlot(std::shared_ptr<HandleRegistry> registry, size_t slot)
      : registry_(std::move(registry)), slot_(slot) {}
  ~HandleSlot() { registry_->Release(slot_); }
  HandleSlot(const HandleSlot&) = delete;
  HandleSlot& operator=(const HandleSlot&) = delete;
  const std::shared_ptr<HandleRegistry>& registry() const { return registry_; }
  size_t slot() const { return slot_; }

 private:
  std::shared_ptr<HandleRegistry> registry_;
  size_t slot_;
};
}  // namespace internal

// Any JavaScript value, held for the host. Default-constructed: empty.
class JsValue {
 public:
  JsValue() = default;
  // Runtime's thread: holds `value` in `registry`.
  JsValue(const std::shared_ptr<HandleRegistry>& registry, v8::Local<v8::Value> value);

  // Holds a value (it may still belong to a runtime that is gone: see alive()).
  bool empty() const { return slot_ == nullptr; }
  // Holds a value of a runtime that still exists.
  bool alive() const { return slot_ != nullptr && slot_->registry()->alive(); }
  // Runtime's thread: the value (empty when empty() or the runtime is gone).
  v8::Local<v8::Value> Get(v8::Isolate* isolate) const;
  // Whether this handle belongs to `registry`'s runtime.
  bool BelongsTo(const HandleRegistry* registry) const {
    return slot_ != nullptr && slot_->registry().get() == registry;
  }

 private:
  std::shared_ptr<internal::HandleSlot> slot_;
};

// A JavaScript function, held for the host (Runtime::Call).
class JsFunction {
 public:
  JsFunction() = default;
  explicit JsFunction(JsValue value, std::string name = {})
      : value_(std::move(value)), name_(std::move(name)) {}
  const JsValue& value() const { return value_; }
  bool empty() const { return value_.empty(); }
  bool alive() const { return value_.alive(); }
  // The function's name when it was taken (for error messages), e.g. "transform".
  const std::string& name() const { return name_; }

 private:
  JsValue value_;
  std::string name_;
};

// An evaluated ES module: its namespace object and the URL it was loaded from
// (Runtime::LoadModule, Runtime::CallExport).
class JsModule {
 public:
  JsModule() = default;
  JsModule(JsValue module_namespace, std::string url)
      : namespace_(std::move(module_namespace)), url_(std::move(url)) {}
  const JsValue& module_namespace() const { return namespace_; }
  const std::string& url() const { return url_; }
  bool empty() const { return namespace_.empty(); }
  bool alive() const { return namespace_.alive(); }

 private:
  JsValue namespace_;
  std::string url_;
};

}  // namespace kiln

#endif  // KILN_CORE_JS_VALUE_H_
