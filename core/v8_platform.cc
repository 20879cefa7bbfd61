#include "core/v8_platform.h"

#include <memory>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "v8.h"

namespace kiln {
namespace {

// Worker threads for V8's background tasks (compilation, GC). Two cores is the common
// case here; four threads keep concurrent GC and wasm compilation from queueing.
constexpr int kPlatformWorkerThreads = 4;

// kiln's own V8 defaults, before the embedder's flags (AddV8Flags, `kiln run
// --v8-flags=...`), which override them (V8 keeps the last value of a flag):
// - the Fast API for ops;
// - snapshots are compiled into the binary (kiln's) or mapped read-only from libnode
//   (V8's): checksumming them at every isolate cost 0.3 ms of a 2 ms Runtime::Create
//   (bench/startup_bench);
// - import assertions (`import x from "./a.json" assert { type: "json" }`: JSON modules,
//   core/module_loader.h), as Node 18 turns them on; the snapshot generator initialises
//   V8 here too, so snapshots and runtimes agree on it;
// - TurboFan only for functions of at most 16 KiB of bytecode (V8's default: 60 KiB).
//   Larger ones are almost always run-once closures of a bundled library (TypeScript's
//   createTypeChecker: 28 KiB): V8 10.2's TurboFan spends seconds and hundreds of MB on
//   each, on worker threads, for nothing, and Isolate::Dispose waits for the job
//   (bench/typescript, a loaded machine: exit at 42.6 s with 1167 MiB peak RSS under
//   V8's default, 12.9 s with 158 MiB under this one; Node 20 12.5 s, 184 MiB).
constexpr char kKilnV8Defaults[] =
    "--turbo-fast-api-calls --no-verify-snapshot-checksum --harmony-import-assertions "
    "--max-optimized-bytecode-size=16384";

std::mutex g_init_mutex;
bool g_initialized = false;
std::string g_pending_flags;
// Intentionally leaked: V8 holds a pointer to the platform until process exit.
node::MultiIsolatePlatform* g_platform = nullptr;

}  // namespace

absl::Status AddV8Flags(std::string_view flags) {
  std::lock_guard<std::mutex> lock(g_init_mutex);
  if (g_initialized) {
    return absl::FailedPreconditionError(
        absl::StrCat("V8 is already initialised; flags '", std::string(flags), "' were not applied"));
  }
  g_pending_flags.append(" ").append(flags);
  return absl::OkStatus();
}

void InitializeV8() {
  std::lock_guard<std::mutex> lock(g_init_mutex);
  if (g_initialized) return;
  std::string flags = absl::StrCat(kKilnV8Defaults, g_pending_flags);
  v8::V8::SetFlagsFromString(flags.data(), flags.size());
  g_platform = node::MultiIsolatePlatform::Create(kPlatformWorkerThreads).release();
  v8::V8::InitializePlatform(g_platform);
  v8::V8::Initialize();
  g_initialized = true;
}

node::MultiIsolatePlatform* Platform() {
  InitializeV8();
  return g_platform;
}

std::string V8VersionString() { return v8::V8::GetVersion(); }

PlainIsolate::PlainIsolate(uv_loop_t* loop)
    : loop_(loop), allocator_(v8::ArrayBuffer::Allocator::NewDefaultAllocator()) {
  isolate_ = v8::Isolate::Allocate();
  Platform()->RegisterIsolate(isolate_, loop_);
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator = allocator_.get();
  v8::Isolate::Initialize(isolate_, params);
}

PlainIsolate::~PlainIsolate() {
  bool finished = false;
  Platform()->AddIsolateFinishedCallback(
      isolate_, [](void* done) { *static_cast<bool*>(done) = true; }, &finished);
  Platform()->UnregisterIsolate(isolate_);
  isolate_->Dispose();
  while (!finished) uv_run(loop_, UV_RUN_ONCE);
}

}  // namespace kiln
