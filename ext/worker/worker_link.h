// Dedicated workers' native half (README.md): the queues between a worker and the runtime
// that made it, the worker's thread, and the worker's side of the link.
#ifndef KILN_EXT_WORKER_WORKER_LINK_H_
#define KILN_EXT_WORKER_WORKER_LINK_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "core/js_error.h"
#include "core/runtime.h"
#include "ext/web/structured_clone_v8.h"
#include "ops/bytes.h"
#include "ops/future.h"
#include "ops/op_state.h"
#include "ops/resource.h"

namespace kiln::worker {

// An event as the receive ops hand it to JavaScript (in a batch, EventQueue::Receive): its
// first byte is the kind, the rest its payload.
enum class EventKind : uint8_t {
  // A message: its parcel (uint64, 0 for none: the transferred ArrayBuffers' memory, held
  // by the queue until the message is read), then SerializeMessage's bytes.
  kMessage = 1,
  kError = 2,   // the worker's uncaught error: JSON {message, filename, lineno, colno, report}
  kClosed = 3,  // nothing more will come
};

using Buffers = std::vector<std::shared_ptr<v8::BackingStore>>;

// Events on their way to one runtime, pushed from any thread and received in order by
// that runtime's receive op (one receive pending at a time).
class EventQueue {
 public:
  // From any thread. False (the event dropped) once the queue is closed.
  bool Push(std::vector<uint8_t> event);
  // A kMessage event of `message`: the serializer's bytes are copied in, its buffers held
  // as the event's parcel.
  bool PushMessage(web::Message message);
  // No more events: the receiver gets those queued, then kClosed. Any thread.
  void Close();
  // The events queued (up to 1 MiB of them), or the next one when it comes: each as its
  // size (uint32) and its bytes. On the receiving runtime's thread.
  Future<ByteBuffer> Receive(OpState& state);
  // The transferred memory of the kMessage event `event` (empty for none).
  Buffers TakeParcel(const uint8_t* event, size_t size);

 private:
  std::mutex mutex_;
  std::deque<std::vector<uint8_t>> events_;
  std::optional<Completer<ByteBuffer>> waiting_;
  bool closed_ = false;
  uint64_t next_parcel_ = 1;
  std::map<uint64_t, Buffers> parcels_;
};

// One worker: its two queues and, while it runs, its runtime (for terminate()). Shared by
// the parent's WorkerHandle and the worker's thread and runtime.
class WorkerLink {
 public:
  EventQueue to_worker;
  EventQueue to_parent;

  // Stops the worker's JavaScript now and for good (worker.terminate(), close()'s end, the
  // parent going away). Any thread.
  void Terminate();
  bool terminated();
  // The worker's thread: its runtime from now on. False when it was terminated already.
  bool Attach(Runtime* runtime);
  void Detach();

 private:
  std::mutex mutex_;
  Runtime* runtime_ = nullptr;
  bool terminated_ = false;
};

// How a worker starts.
struct WorkerStart {
  RuntimeOptions options;  // the parent's, without its loop
  std::string name;        // `name` in the worker's global scope
  std::string url;         // the script's URL (its name in stack traces)
  std::string path;        // its file, for a file: URL the parent did not fetch
  std::string source;      // its text, when the parent fetched it (blob:, data:, http(s):)
  bool fetched = false;
  bool module = false;     // type: "module"; else a classic script
};

// The parent's side of a worker: its thread. Destroying it (the parent closes it once the
// worker's events end, or the parent runtime goes away) terminates the worker and joins
// its thread.
class WorkerHandle final : public Resource {
 public:
  WorkerHandle();
  ~WorkerHandle() override;
  std::string name() const override { return "worker"; }

  WorkerLink& link() { return *link_; }
  // Starts the worker's thread (once).
  absl::Status Start(WorkerStart start);

 private:
  std::shared_ptr<WorkerLink> link_;
  std::thread thread_;
};

// The worker extension's per-runtime state: in a worker's runtime, its link to the parent
// (null in any other runtime).
class WorkerScopeState {
 public:
  explicit WorkerScopeState(OpState&) {}
  ~WorkerScopeState();
  WorkerScopeState(const WorkerScopeState&) = delete;
  WorkerScopeState& operator=(const WorkerScopeState&) = delete;

  std::shared_ptr<WorkerLink> link;
};

}  // namespace kiln::worker

#endif  // KILN_EXT_WORKER_WORKER_LINK_H_
