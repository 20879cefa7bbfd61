#include "ops/resource.h"

namespace kiln {

ResourceTable::~ResourceTable() { CloseAll(); }

void ResourceTable::CloseAll() {
  while (!resources_.empty()) {
    auto newest = std::prev(resources_.end());
    std::unique_ptr<Resource> resource = std::move(newest->second);
    resources_.erase(newest);
    resource->OnClose();
  }
}

ResourceId ResourceTable::Add(std::unique_ptr<Resource> resource) {
  ResourceId id{next_id_++};
  auto placed = resources_.emplace(id.value, std::move(resource)).first;
  if (observer_ != nullptr) observer_->ResourceAdded(id, *placed->second);
  return id;
}

absl::Status ResourceTable::Close(ResourceId id) {
  auto it = resources_.find(id.value);
  if (it == resources_.end()) return BadResourceError();
  // Unlink first: OnClose may add or close other resources.
  std::unique_ptr<Resource> resource = std::move(it->second);
  resources_.erase(it);
  resource->OnClose();
  return absl::OkStatus();
}

std::vector<std::pair<ResourceId, std::string>> ResourceTable::List() const {
  std::vector<std::pair<ResourceId, std::string>> open;
  open.reserve(resources_.size());
  for (const auto& [id, resource] : resources_) open.emplace_back(ResourceId{id}, resource->name());
  return open;
}

absl::Status ResourceTable::BadResourceError() {
  return ErrorOfClass("BadResource", "Bad resource ID");
}

}  // namespace kiln
