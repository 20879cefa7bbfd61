#ifndef KILN_OPS_RESOURCE_H_
#define KILN_OPS_RESOURCE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "ops/errors.h"

namespace kiln {

// A handle JavaScript holds to a native object (a file, a socket, a timer). Crosses into
// JS as a number. Ids are never reused within a runtime; 0 is never a valid id.
struct ResourceId {
  uint32_t value = 0;
  friend bool operator==(ResourceId a, ResourceId b) { return a.value == b.value; }
  friend bool operator!=(ResourceId a, ResourceId b) { return a.value != b.value; }
  friend bool operator<(ResourceId a, ResourceId b) { return a.value < b.value; }
};

// Base class of everything a ResourceTable holds.
class Resource {
 public:
  virtual ~Resource() = default;
  // Shown in leak reports and by op_resources() (ext:core/ops): "fsFile", "timer", ...
  virtual std::string name() const = 0;
  // Called by ResourceTable::Close before the resource is destroyed: cancel pending work,
  // release OS handles. Not called by Take (the taker owns the resource then).
  virtual void OnClose() {}
};

// Told about every resource added to a table while it is set (ResourceTable::set_observer):
// how a leak checker records where a resource was opened. Runtime's thread only.
class ResourceObserver {
 public:
  virtual void ResourceAdded(ResourceId id, const Resource& resource) = 0;

 protected:
  ~ResourceObserver() = default;
};

// The resources of one runtime, by id.
class ResourceTable {
 public:
  ResourceTable() = default;
  ResourceTable(const ResourceTable&) = delete;
  ResourceTable& operator=(const ResourceTable&) = delete;
  // Closes every resource still open, newest first.
  ~ResourceTable();
  // Closes every resource open now, newest first (the table stays usable).
  void CloseAll();

  ResourceId Add(std::unique_ptr<Resource> resource);

  // The resource `id` as a T. A missing id or a resource of another type is the same
  // error: BadResource "Bad resource ID".
  template <typename T>
  absl::StatusOr<T*> Get(ResourceId id) const {
    auto it = resources_.find(id.value);
    T* typed = it == resources_.end() ? nullptr : dynamic_cast<T*>(it->second.get());
    if (typed == nullptr) return BadResourceError();
    return typed;
  }

  // Removes the resource and hands it over without calling OnClose.
  template <typename T>
  absl::StatusOr<std::unique_ptr<T>> Take(ResourceId id) {
    absl::StatusOr<T*> found = Get<T>(id);
    if (!found.ok()) return found.status();
    auto it = resources_.find(id.value);
    it->second.release();
    resources_.erase(it);
    return std::unique_ptr<T>(*found);
  }

  // Runs the resource's OnClose hook, then destroys it. BadResource if `id` is not open.
  absl::Status Close(ResourceId id);

  bool Has(ResourceId id) const { return resources_.count(id.value) != 0; }
  size_t size() const { return resources_.size(); }
  // (id, name) of every open resource, in id order: for leak reports.
  std::vector<std::pair<ResourceId, std::string>> List() const;

  static absl::Status BadResourceError();

  // Null (the default) or the one observer told about each Add; not owned.
  void set_observer(ResourceObserver* observer) { observer_ = observer; }

 private:
  std::map<uint32_t, std::unique_ptr<Resource>> resources_;
  ResourceObserver* observer_ = nullptr;
  uint32_t next_id_ = 1;
};

}  // namespace kiln

#endif  // KILN_OPS_RESOURCE_H_
