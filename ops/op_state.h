#ifndef KILN_OPS_OP_STATE_H_
#define KILN_OPS_OP_STATE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <typeindex>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ops/resource.h"

namespace v8 {
class Isolate;
}

struct uv_loop_s;  // uv.h's uv_loop_t

namespace kiln {

class OpHost;            // ops/op_host.h
class OpState;
class PendingRegistrar;  // ops/future.h
template <typename T>
class Future;  // ops/future.h
template <typename T>
class Completer;  // ops/future.h
template <typename T>
std::pair<Future<T>, Completer<T>> MakeFuture(OpState& state);  // ops/future.h

namespace internal {
size_t NextExtensionStateSlot();
}  // namespace internal

// The slot of extension state type T in every OpState (one per type, process-wide).
template <typename T>
size_t ExtensionStateSlot() {
  static const size_t slot = internal::NextExtensionStateSlot();
  return slot;
}

// Per-runtime state for ops: at most one value per C++ type, plus the runtime's
// ResourceTable. Ops receive it by declaring an `OpState&` parameter (injected, never
// passed from JS). Not thread-safe: touch it only on the runtime's thread.
class OpState {
 public:
  OpState(v8::Isolate* isolate, uv_loop_s* loop, OpHost* host)
      : isolate_(isolate), loop_(loop), host_(host) {}
  OpState(const OpState&) = delete;
  OpState& operator=(const OpState&) = delete;
  // Closes the resources (newest first), then destroys the extension states in the
  // reverse order of their creation.
  ~OpState();

  // The state of type T that an extension declared (core/extension.h), made when the
  // runtime was created. An index, not a lookup; nullptr if no installed extension
  // declares a T.
  template <typename T>
  T* extension_state() {
    size_t slot = ExtensionStateSlot<T>();
    return slot < extension_states_.size() ? static_cast<T*>(extension_states_[slot]) : nullptr;
  }
  // Runtime::Create: installs an extension's state object (owned from then on).
  void AddExtensionState(size_t slot, void* state, void (*destroy)(void*));

  // Stores `value` as the T, replacing any earlier one.
  template <typename T>
  void Put(T value) {
    values_.insert_or_assign(KeyOf<T>(),
                             Holder(new T(std::move(value)), &Destroy<T>));
  }

  // The stored T, or FailedPrecondition "OpState has no value of type <T>".
  template <typename T>
  absl::StatusOr<T*> Get() {
    T* value = TryGet<T>();
    if (value == nullptr) return MissingType(typeid(T));
    return value;
  }

  // The stored T, or nullptr.
  template <typename T>
  T* TryGet() {
    auto it = values_.find(KeyOf<T>());
    return it == values_.end() ? nullptr : static_cast<T*>(it->second.get());
  }

  // The stored T, made with `make()` and stored first if there is none (for state an
  // extension creates on first use; T may be a std::unique_ptr to a non-movable object).
  template <typename T, typename Make>
  T& GetOrPut(Make&& make) {
    if (T* value = TryGet<T>()) return *value;
    Put<T>(make());
    return *TryGet<T>();
  }

  template <typename T>
  bool Has() const {
    return values_.count(KeyOf<T>()) != 0;
  }

  // Removes the T and returns it, or the same error as Get.
  template <typename T>
  absl::StatusOr<T> Take() {
    auto it = values_.find(KeyOf<T>());
    if (it == values_.end()) return MissingType(typeid(T));
    T value = std::move(*static_cast<T*>(it->second.get()));
    values_.erase(it);
    return value;
  }

  ResourceTable& resources() { return resources_; }

  // The runtime's libuv loop (for ops that start timers or I/O).
  uv_loop_s* loop() const { return loop_; }
  // Calls back into the runtime (ops/op_host.h).
  OpHost& host() const { return *host_; }
  v8::Isolate* isolate() const { return isolate_; }

 protected:
  // Set by the runtime's OpState (core/op_support.h, RuntimeOpState): how MakeFuture
  // (ops/future.h) registers a pending op call. Null outside a runtime.
  PendingRegistrar* pending_registrar_ = nullptr;

 private:
  template <typename T>
  friend std::pair<Future<T>, Completer<T>> MakeFuture(OpState& state);

  // Values are type-erased owners, so move-only types (std::unique_ptr) can be stored.
  using Holder = std::unique_ptr<void, void (*)(void*)>;
  // One address per type, so a lookup hashes a pointer (std::type_index hashes the
  // type's name on every lookup). An inline function's static is one object per program.
  template <typename T>
  static const void* KeyOf() {
    static const char key = 0;
    return &key;
  }
  template <typename T>
  static void Destroy(void* value) {
    delete static_cast<T*>(value);
  }
  static absl::Status MissingType(const std::type_info& type);

  v8::Isolate* isolate_;
  absl::flat_hash_map<const void*, Holder> values_;
  ResourceTable resources_;
  uv_loop_s* loop_;
  OpHost* host_;
  // Indexed by ExtensionStateSlot<T>(); null where no extension declared a T.
  std::vector<void*> extension_states_;
  // (state, destroy) in creation order.
  std::vector<std::pair<void*, void (*)(void*)>> owned_states_;
};

}  // namespace kiln

#endif  // KILN_OPS_OP_STATE_H_
