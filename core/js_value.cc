#include "core/js_value.h"

namespace kiln {

size_t HandleRegistry::Add(v8::Local<v8::Value> value) {
  size_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
    slots_[slot].Reset(isolate_, value);
  } else {
    slot = slots_.size();
    slots_.emplace_back(isolate_, value);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  ++live_;
  return slot;
}

v8::Local<v8::Value> HandleRegistry::Get(size_t slot) const {
  if (slot >= slots_.size()) return {};
  return slots_[slot].Get(isolate_);
}

void HandleRegistry::Release(size_t slot) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) return;
  released_.push_back(slot);
  --live_;
}

void HandleRegistry::ReleaseQueued() {
  std::vector<size_t> released;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    released.swap(released_);
  }
  for (size_t slot : released) {
    slots_[slot].Reset();
    free_slots_.push_back(slot);
  }
}

void HandleRegistry::Close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    released_.clear();
    live_ = 0;
  }
  slots_.clear();
  free_slots_.clear();
}

bool HandleRegistry::alive() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return !closed_;
}

size_t HandleRegistry::live_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return live_;
}

JsValue::JsValue(const std::shared_ptr<HandleRegistry>& registry, v8::Local<v8::Value> value)
    : slot_(std::make_shared<internal::HandleSlot>(registry, registry->Add(value))) {}

v8::Local<v8::Value> JsValue::Get(v8::Isolate* isolate) const {
  if (slot_ == nullptr || !slot_->registry()->alive()) return {};
  return slot_->registry()->Get(slot_->slot());
}

}  // namespace kiln
