#ifndef KILN_CORE_V8_PLATFORM_H_
#define KILN_CORE_V8_PLATFORM_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "node.h"
#include "uv.h"

namespace kiln {

// Appends V8 command-line flags ("--expose-gc --stack-size=500"). Only effective before
// the first InitializeV8(); afterwards it returns FailedPrecondition and changes nothing.
absl::Status AddV8Flags(std::string_view flags);

// Initialises V8 and its platform once per process; later calls return at once. Safe to
// call from several threads. V8 is never disposed (V8 cannot be initialised again after
// V8::Dispose). kiln's own V8 defaults come first (the Fast API, no snapshot checksum,
// TurboFan only for functions of at most 16 KiB of bytecode; core/README.md "V8
// defaults"); flags from AddV8Flags follow and override them.
//
// The platform is node::MultiIsolatePlatform from libnode: each runtime registers its
// isolate together with its uv loop, so a foreground task V8 posts (an async WebAssembly
// compile finishing, FinalizationRegistry cleanup) wakes that loop through a uv_async and
// runs inside uv_run. The runtime never waits for worker-thread tasks (DrainTasks): it
// stays alive only while Isolate::HasPendingBackgroundTasks() says a task will settle a
// promise.
void InitializeV8();

// The process-wide platform. Calls InitializeV8() first.
node::MultiIsolatePlatform* Platform();

// "10.2.154.26-node.37".
std::string V8VersionString();

// A bare isolate on V8's built-in snapshot, registered with the platform on `loop` as a
// runtime's is (a probe's, a baseline's, the snapshot's code-cache maker's; runtimes make
// their own). The destructor unregisters and disposes it and runs `loop` until the
// platform has closed its handle there; `loop` stays open (the caller's).
class PlainIsolate {
 public:
  explicit PlainIsolate(uv_loop_t* loop);
  ~PlainIsolate();
  PlainIsolate(const PlainIsolate&) = delete;
  PlainIsolate& operator=(const PlainIsolate&) = delete;
  v8::Isolate* get() const { return isolate_; }

 private:
  uv_loop_t* loop_;
  std::unique_ptr<v8::ArrayBuffer::Allocator> allocator_;
  v8::Isolate* isolate_;
};

}  // namespace kiln

#endif  // KILN_CORE_V8_PLATFORM_H_
