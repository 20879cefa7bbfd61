#include "ext/web/structured_clone_v8.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/v8_util.h"
#include "v8-value-serializer.h"
#include "v8-wasm.h"

namespace kiln::web {
namespace {

// The serializer's buffer, kept by the thread between clones (up to kKeepBytes): a clone
// of a large graph would otherwise grow a fresh buffer by reallocation every time.
class SerializationBuffer {
 public:
  static constexpr size_t kKeepBytes = 16 * 1024 * 1024;

  ~SerializationBuffer() { std::free(kept_); }

  // V8's ReallocateBufferMemory: the kept buffer for a first allocation that fits.
  void* Reallocate(void* old_buffer, size_t size, size_t* actual_size) {
    if (old_buffer == nullptr && kept_ != nullptr && kept_capacity_ >= size) {
      void* buffer = kept_;
      *actual_size = kept_capacity_;
      kept_ = nullptr;
      kept_capacity_ = 0;
      return buffer;
    }
    void* buffer = std::realloc(old_buffer, size);
    if (buffer != nullptr) *actual_size = size;
    return buffer;
  }

  // Keeps `buffer` (of `capacity` bytes) for the next clone, or frees it.
  void Free(void* buffer, size_t capacity) {
    if (buffer == nullptr) return;
    if (capacity <= kKeepBytes && capacity > kept_capacity_) {
      std::free(kept_);
      kept_ = buffer;
      kept_capacity_ = capacity;
    } else {
      std::free(buffer);
    }
  }

 private:
  void* kept_ = nullptr;
  size_t kept_capacity_ = 0;
};

thread_local SerializationBuffer serialization_buffer;

// What a host object in the serialized data is (the first varint of its record).
enum class HostObjectKind : uint32_t {
  kDOMException = 1,
  kSerializable = 2,  // a platform object of a registered [Serializable] interface
};

// The two halves of one clone: the serializer's delegate (host objects, SharedArrayBuffers,
// WebAssembly modules, DataCloneErrors) and the deserializer's, which reads back what the
// first wrote. Lives on the stack of one op call.
class CloneDelegate final : public v8::ValueSerializer::Delegate,
                            public v8::ValueDeserializer::Delegate {
 public:
  // `cross_runtime`: the clone is read in another runtime (SerializeMessage), so nothing
  // of this isolate can be handed over: a DOMException is written by value, and other host
  // objects, SharedArrayBuffers and WebAssembly modules cannot be cloned.
  CloneDelegate(v8::Isolate* isolate, v8::Local<v8::Context> context,
                v8::Local<v8::Value> dom_exception, v8::Local<v8::Value> clone_host_object,
                bool cross_runtime = false)
      : isolate_(isolate), context_(context), cross_runtime_(cross_runtime) {
    if (clone_host_object->IsFunction()) {
      clone_host_object_ = clone_host_object.As<v8::Function>();
    }
    if (dom_exception->IsFunction()) {
      dom_exception_ = dom_exception.As<v8::Function>();
      v8::Local<v8::Value> prototype;
      if (dom_exception_->Get(context, OneByteString(isolate, "prototype"))
              .ToLocal(&prototype) &&
          prototype->IsObject()) {
        dom_exception_prototype_ = prototype.As<v8::Object>();
      }
    }
  }

  void set_serializer(v8::ValueSerializer* serializer) { serializer_ = serializer; }
  void set_deserializer(v8::ValueDeserializer* deserializer) { deserializer_ = deserializer; }

  // new DOMException(message, "DataCloneError"), thrown.
  void ThrowDataCloneError(v8::Local<v8::String> message) override {
    if (dom_exception_.IsEmpty()) {
      isolate_->ThrowException(v8::Exception::Error(message));
      return;
    }
    v8::Local<v8::Value> argv[] = {message, OneByteString(isolate_, "DataCloneError")};
    v8::Local<v8::Object> error;
    // A failed construction left its own exception pending.
    if (dom_exception_->NewInstance(context_, 2, argv).ToLocal(&error)) {
      isolate_->ThrowException(error);
    }
  }

  void ThrowDataCloneError(std::string_view message) {
    v8::Local<v8::String> text;
    if (v8::String::NewFromUtf8(isolate_, message.data(), v8::NewStringType::kNormal,
                                static_cast<int>(message.size()))
            .ToLocal(&text)) {
      ThrowDataCloneError(text);
    }
  }

  // V8 hands over objects with internal fields (objects of API templates). A DOMException,
  // or an object `clone_host_object` clones (Blob, File, ...), is cloned here, while
  // JavaScript may run (the deserializer forbids running any), and the record holds the
  // clone's index. Anything else cannot be cloned.
  v8::Maybe<bool> WriteHostObject(v8::Isolate* isolate, v8::Local<v8::Object> object) override {
    if (cross_runtime_) return WriteHostObjectByValue(isolate, object);
    HostObjectKind kind = HostObjectKind::kDOMException;
    v8::Local<v8::Object> clone;
    if (IsDOMException(object)) {
      if (!CloneDOMException(object).ToLocal(&clone)) return v8::Nothing<bool>();
    } else {
      kind = HostObjectKind::kSerializable;
      v8::Local<v8::Value> result = v8::Undefined(isolate);
      v8::Local<v8::Value> argv[] = {object};
      if (!clone_host_object_.IsEmpty() &&
          !clone_host_object_->Call(context_, v8::Undefined(isolate), 1, argv)
               .ToLocal(&result)) {
        return v8::Nothing<bool>();  // its exception is pending
      }
      if (!result->IsObject()) {
        v8::String::Utf8Value name(isolate, object->GetConstructorName());
        ThrowDataCloneError(
            absl::StrCat("#<", *name ? *name : "Object", "> could not be cloned."));
        return v8::Nothing<bool>();
      }
      clone = result.As<v8::Object>();
    }
    serializer_->WriteUint32(static_cast<uint32_t>(kind));
    serializer_->WriteUint32(static_cast<uint32_t>(host_object_clones_.size()));
    host_object_clones_.emplace_back(isolate, clone);
    return v8::Just(true);
  }

  v8::MaybeLocal<v8::Object> ReadHostObject(v8::Isolate* isolate) override {
    if (cross_runtime_) return ReadHostObjectByValue(isolate);
    uint32_t kind = 0;
    uint32_t index = 0;
    if (!deserializer_->ReadUint32(&kind) ||
        (kind != static_cast<uint32_t>(HostObjectKind::kDOMException) &&
         kind != static_cast<uint32_t>(HostObjectKind::kSerializable)) ||
        !deserializer_->ReadUint32(&index) || index >= host_object_clones_.size()) {
      isolate->ThrowException(v8::Exception::Error(
          OneByteString(isolate, "structuredClone: unreadable host object record")));
      return {};
    }
    return host_object_clones_[index].Get(isolate);
  }

  void* ReallocateBufferMemory(void* old_buffer, size_t size, size_t* actual_size) override {
    void* buffer = serialization_buffer.Reallocate(old_buffer, size, actual_size);
    if (buffer != nullptr) buffer_capacity_ = *actual_size;
    return buffer;
  }

  void FreeBufferMemory(void* buffer) override {
    serialization_buffer.Free(buffer, buffer_capacity_);
  }

  // A SharedArrayBuffer is shared, not copied: the clone is a SharedArrayBuffer over the
  // same memory.
  v8::Maybe<uint32_t> GetSharedArrayBufferId(v8::Isolate* isolate,
                                             v8::Local<v8::SharedArrayBuffer> buffer) override {
    if (cross_runtime_) {
      ThrowDataCloneError("#<SharedArrayBuffer> could not be cloned: kiln does not share "
                          "memory between runtimes.");
      return v8::Nothing<uint32_t>();
    }
    for (size_t i = 0; i < shared_buffers_.size(); ++i) {
      if (shared_buffers_[i] == buffer) return v8::Just(static_cast<uint32_t>(i));
    }
    shared_buffers_.emplace_back(isolate, buffer);
    return v8::Just(static_cast<uint32_t>(shared_buffers_.size() - 1));
  }

  v8::MaybeLocal<v8::SharedArrayBuffer> GetSharedArrayBufferFromId(v8::Isolate* isolate,
                                                                   uint32_t clone_id) override {
    if (clone_id >= shared_buffers_.size()) return {};
    return v8::SharedArrayBuffer::New(isolate,
                                      shared_buffers_[clone_id].Get(isolate)->GetBackingStore());
  }

  // A WebAssembly.Module is cloned as a new module object of the same compiled module.
  v8::Maybe<uint32_t> GetWasmModuleTransferId(v8::Isolate* isolate,
                                              v8::Local<v8::WasmModuleObject> module) override {
    if (cross_runtime_) {
      ThrowDataCloneError("#<WebAssembly.Module> could not be cloned to another runtime.");
      return v8::Nothing<uint32_t>();
    }
    wasm_modules_.emplace_back(isolate, module);
    return v8::Just(static_cast<uint32_t>(wasm_modules_.size() - 1));
  }

  v8::MaybeLocal<v8::WasmModuleObject> GetWasmModuleFromId(v8::Isolate* isolate,
                                                           uint32_t transfer_id) override {
    if (transfer_id >= wasm_modules_.size()) return {};
    return v8::WasmModuleObject::FromCompiledModule(
        isolate, wasm_modules_[transfer_id].Get(isolate)->GetCompiledModule());
  }

 private:
  // A DOMException crossing runtimes: its name, message and stack as strings, made into a
  // DOMException of the receiving runtime. Any other host object is a DataCloneError.
  v8::Maybe<bool> WriteHostObjectByValue(v8::Isolate* isolate, v8::Local<v8::Object> object) {
    if (!IsDOMException(object)) {
      v8::String::Utf8Value name(isolate, object->GetConstructorName());
      ThrowDataCloneError(absl::StrCat("#<", *name ? *name : "Object",
                                       "> could not be cloned to another runtime."));
      return v8::Nothing<bool>();
    }
    serializer_->WriteUint32(static_cast<uint32_t>(HostObjectKind::kDOMException));
    for (const char* field : {"name", "message", "stack"}) {
      v8::Local<v8::Value> value;
      if (!object->Get(context_, OneByteString(isolate, field)).ToLocal(&value)) {
        return v8::Nothing<bool>();
      }
      std::string text;
      if (value->IsString()) text = ToStdString(isolate, value);
      serializer_->WriteUint32(static_cast<uint32_t>(text.size()));
      serializer_->WriteRawBytes(text.data(), text.size());
    }
    return v8::Just(true);
  }

  v8::MaybeLocal<v8::Object> ReadHostObjectByValue(v8::Isolate* isolate) {
    uint32_t kind = 0;
    v8::Local<v8::Value> fields[3];
    bool readable = deserializer_->ReadUint32(&kind) &&
                    kind == static_cast<uint32_t>(HostObjectKind::kDOMException) &&
                    !dom_exception_.IsEmpty();
    for (int i = 0; readable && i < 3; ++i) {
      uint32_t size = 0;
      const void* bytes = nullptr;
      readable = deserializer_->ReadUint32(&size) && deserializer_->ReadRawBytes(size, &bytes) &&
                 v8::String::NewFromUtf8(isolate, static_cast<const char*>(bytes),
                                         v8::NewStringType::kNormal, static_cast<int>(size))
                     .ToLocal(&fields[i]);
    }
    if (!readable) {
      isolate->ThrowException(v8::Exception::Error(
          OneByteString(isolate, "unreadable host object record in a message")));
      return {};
    }
    v8::Local<v8::Value> argv[] = {fields[1], fields[0]};
    v8::Local<v8::Object> clone;
    if (!dom_exception_->NewInstance(context_, 2, argv).ToLocal(&clone)) return {};
    if (fields[2].As<v8::String>()->Length() > 0 &&
        clone->DefineOwnProperty(context_, OneByteString(isolate, "stack"), fields[2],
                                 v8::DontEnum)
            .IsNothing()) {
      return {};
    }
    return clone;
  }

  bool IsDOMException(v8::Local<v8::Object> object) {
    if (dom_exception_prototype_.IsEmpty()) return false;
    v8::Local<v8::Value> prototype = object->GetPrototype();
    for (int depth = 0; depth < 1000 && prototype->IsObject(); ++depth) {
      if (prototype == dom_exception_prototype_) return true;
      prototype = prototype.As<v8::Object>()->GetPrototype();
    }
    return false;
  }

  // new DOMException(message, name) with the original's own `stack` string (browsers
  // keep it): HTML's serialization steps of DOMException, and its deserialization steps.
  v8::MaybeLocal<v8::Object> CloneDOMException(v8::Local<v8::Object> original) {
    v8::Local<v8::Value> name;
    v8::Local<v8::Value> message;
    v8::Local<v8::Value> descriptor;
    if (!original->Get(context_, OneByteString(isolate_, "name")).ToLocal(&name) ||
        !original->Get(context_, OneByteString(isolate_, "message")).ToLocal(&message) ||
        !original->GetOwnPropertyDescriptor(context_, OneByteString(isolate_, "stack"))
             .ToLocal(&descriptor)) {
      return {};
    }
    v8::Local<v8::Value> stack;
    if (descriptor->IsObject() &&
        !descriptor.As<v8::Object>()->Get(context_, OneByteString(isolate_, "value"))
             .ToLocal(&stack)) {
      return {};
    }
    v8::Local<v8::Value> argv[] = {message, name};
    v8::Local<v8::Object> clone;
    if (!dom_exception_->NewInstance(context_, 2, argv).ToLocal(&clone)) return {};
    if (!stack.IsEmpty() && stack->IsString() &&
        clone->DefineOwnProperty(context_, OneByteString(isolate_, "stack"), stack, v8::DontEnum)
            .IsNothing()) {
      return {};
    }
    return clone;
  }

  v8::Isolate* isolate_;
  v8::Local<v8::Context> context_;
  bool cross_runtime_;
  v8::Local<v8::Function> dom_exception_;
  v8::Local<v8::Object> dom_exception_prototype_;
  v8::Local<v8::Function> clone_host_object_;
  v8::ValueSerializer* serializer_ = nullptr;
  size_t buffer_capacity_ = 0;  // of the serializer's buffer
  v8::ValueDeserializer* deserializer_ = nullptr;
  // Globals: V8 calls the delegate inside handle scopes of its own, which a Local made or
  // received there would not outlive.
  std::vector<v8::Global<v8::SharedArrayBuffer>> shared_buffers_;
  std::vector<v8::Global<v8::WasmModuleObject>> wasm_modules_;
  std::vector<v8::Global<v8::Object>> host_object_clones_;
};


// The ArrayBuffers of the transfer list, checked as HTML's StructuredSerializeWithTransfer
// does before serializing. False with a DataCloneError thrown. Entries that are undefined
// are skipped: structured_clone.js puts undefined where it took out a transferable
// platform object it handles itself (a MessagePort), so the indices in the messages stay
// those of the list it was given.
bool CollectTransfers(v8::Local<v8::Context> context, v8::Local<v8::Value> transfer,
                      CloneDelegate& delegate, std::vector<v8::Local<v8::ArrayBuffer>>* out) {
  if (!transfer->IsArray()) return true;  // undefined: nothing to transfer
  v8::Local<v8::Array> list = transfer.As<v8::Array>();
  uint32_t length = list->Length();
  for (uint32_t i = 0; i < length; ++i) {
    v8::Local<v8::Value> item;
    if (!list->Get(context, i).ToLocal(&item)) return false;
    if (item->IsUndefined()) continue;
    if (item->IsSharedArrayBuffer()) {
      delegate.ThrowDataCloneError(
          absl::StrCat("SharedArrayBuffer at index ", i, " is not transferable."));
      return false;
    }
    if (!item->IsArrayBuffer()) {
      delegate.ThrowDataCloneError(
          absl::StrCat("Value at index ", i, " does not have a transferable type."));
      return false;
    }
    v8::Local<v8::ArrayBuffer> buffer = item.As<v8::ArrayBuffer>();
    for (const v8::Local<v8::ArrayBuffer>& earlier : *out) {
      if (earlier == buffer) {
        delegate.ThrowDataCloneError(absl::StrCat(
            "ArrayBuffer at index ", i,
            " is a duplicate of an earlier ArrayBuffer. Duplicate ArrayBuffers cannot be "
            "transferred."));
        return false;
      }
    }
    if (buffer->WasDetached()) {
      delegate.ThrowDataCloneError(
          absl::StrCat("ArrayBuffer at index ", i, " is already detached."));
      return false;
    }
    if (!buffer->IsDetachable()) {
      delegate.ThrowDataCloneError(absl::StrCat(
          "ArrayBuffer at index ", i, " is not detachable and could not be transferred."));
      return false;
    }
    out->push_back(buffer);
  }
  return true;
}

// The serializer's bytes, given back to the delegate that allocated them when this goes.
struct SerializedBytes {
  explicit SerializedBytes(CloneDelegate& owner) : delegate(owner) {}
  ~SerializedBytes() { delegate.FreeBufferMemory(data); }
  SerializedBytes(const SerializedBytes&) = delete;
  SerializedBytes& operator=(const SerializedBytes&) = delete;
  CloneDelegate& delegate;
  uint8_t* data = nullptr;
  size_t size = 0;
};

// HTML's StructuredSerializeWithTransfer up to the transfers: `value` serialized with the
// buffers of `transfer` (an Array, or undefined) marked as transferred, into `*out`, and
// the buffers in `*transfers`. False with the exception pending (a DataCloneError, or what
// a getter threw); a getter that detached a listed buffer is a DataCloneError too.
bool SerializeWithTransfers(v8::Isolate* isolate, v8::Local<v8::Context> context,
                            CloneDelegate& delegate, v8::Local<v8::Value> value,
                            v8::Local<v8::Value> transfer,
                            std::vector<v8::Local<v8::ArrayBuffer>>* transfers,
                            SerializedBytes* out) {
  if (!CollectTransfers(context, transfer, delegate, transfers)) return false;
  v8::ValueSerializer serializer(isolate, &delegate);
  delegate.set_serializer(&serializer);
  serializer.WriteHeader();
  for (size_t i = 0; i < transfers->size(); ++i) {
    serializer.TransferArrayBuffer(static_cast<uint32_t>(i), (*transfers)[i]);
  }
  bool written = serializer.WriteValue(context, value).FromMaybe(false);
  std::pair<uint8_t*, size_t> released = serializer.Release();
  out->data = released.first;
  out->size = released.second;
  if (!written) return false;
  for (size_t i = 0; i < transfers->size(); ++i) {
    if ((*transfers)[i]->WasDetached()) {
      delegate.ThrowDataCloneError(
          absl::StrCat("ArrayBuffer at index ", i, " is already detached."));
      return false;
    }
  }
  return true;
}

}  // namespace

v8::MaybeLocal<v8::Value> StructuredClone(v8::Isolate* isolate, v8::Local<v8::Value> value,
                                          v8::Local<v8::Value> transfer,
                                          v8::Local<v8::Value> dom_exception,
                                          v8::Local<v8::Value> clone_host_object) {
  v8::EscapableHandleScope scope(isolate);
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  CloneDelegate delegate(isolate, context, dom_exception, clone_host_object);
  std::vector<v8::Local<v8::ArrayBuffer>> transfers;
  SerializedBytes serialized(delegate);
  if (!SerializeWithTransfers(isolate, context, delegate, value, transfer, &transfers,
                              &serialized)) {
    return {};
  }
  // The memory moves: each listed buffer is detached and a new one takes its store.
  std::vector<v8::Local<v8::ArrayBuffer>> received;
  received.reserve(transfers.size());
  for (const v8::Local<v8::ArrayBuffer>& buffer : transfers) {
    std::shared_ptr<v8::BackingStore> store = buffer->GetBackingStore();
    buffer->Detach();
    received.push_back(v8::ArrayBuffer::New(isolate, std::move(store)));
  }

  v8::ValueDeserializer deserializer(isolate, serialized.data, serialized.size, &delegate);
  delegate.set_deserializer(&deserializer);
  if (!deserializer.ReadHeader(context).FromMaybe(false)) return {};
  for (size_t i = 0; i < received.size(); ++i) {
    deserializer.TransferArrayBuffer(static_cast<uint32_t>(i), received[i]);
  }
  v8::Local<v8::Value> clone;
  if (!deserializer.ReadValue(context).ToLocal(&clone)) return {};
  return scope.Escape(clone);
}


std::optional<Message> SerializeMessage(v8::Isolate* isolate, v8::Local<v8::Value> value,
                                        v8::Local<v8::Value> transfer,
                                        v8::Local<v8::Value> dom_exception) {
  v8::HandleScope scope(isolate);
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  CloneDelegate delegate(isolate, context, dom_exception, v8::Undefined(isolate),
                         /*cross_runtime=*/true);
  std::vector<v8::Local<v8::ArrayBuffer>> transfers;
  SerializedBytes serialized(delegate);
  if (!SerializeWithTransfers(isolate, context, delegate, value, transfer, &transfers,
                              &serialized)) {
    return std::nullopt;
  }
  Message message;
  message.data.assign(serialized.data, serialized.data + serialized.size);
  message.buffers.reserve(transfers.size());
  for (const v8::Local<v8::ArrayBuffer>& buffer : transfers) {
    message.buffers.push_back(buffer->GetBackingStore());
    buffer->Detach();
  }
  return message;
}

v8::MaybeLocal<v8::Value> DeserializeMessage(
    v8::Isolate* isolate, const uint8_t* data, size_t size,
    const std::vector<std::shared_ptr<v8::BackingStore>>& buffers,
    v8::Local<v8::Value> dom_exception) {
  v8::EscapableHandleScope scope(isolate);
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  CloneDelegate delegate(isolate, context, dom_exception, v8::Undefined(isolate),
                         /*cross_runtime=*/true);
  v8::ValueDeserializer deserializer(isolate, data, size, &delegate);
  delegate.set_deserializer(&deserializer);
  if (!deserializer.ReadHeader(context).FromMaybe(false)) return {};
  for (size_t i = 0; i < buffers.size(); ++i) {
    deserializer.TransferArrayBuffer(static_cast<uint32_t>(i),
                                     v8::ArrayBuffer::New(isolate, buffers[i]));
  }
  v8::Local<v8::Value> value;
  if (!deserializer.ReadValue(context).ToLocal(&value)) return {};
  return scope.Escape(value);
}

}  // namespace kiln::web
