#include "ops/bytes.h"

#include "v8.h"

namespace kiln {

uint8_t* SharedBytes::data() const {
  if (!store_) return nullptr;
  return static_cast<uint8_t*>(store_->Data()) + offset_;
}

}  // namespace kiln
