#ifndef KILN_CORE_V8_PLATFORM_H_
#define KILN_CORE_V8_PLATFORM_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "node.h"

namespace kiln {

// Appends V8 command-line flags ("--expose-gc --stack-size=500"). Only effective before
// the first InitializeV8(); afterwards it returns FailedPrecondition and changes nothing.
absl::Status AddV8Flags(std::string_view flags);

// Initialises V8 and its platform once per process; later calls return at once. Safe to
// call from several threads. V8 is never disposed (V8 cannot be initialised again after
// V8::Dispose). Always enables the Fast API (--turbo-fast-api-calls).
//
// The platform is node::MultiIsolatePlatform from libnode: each runtime registers its
// isolate together with its uv loop, so a foreground task V8 posts (an async WebAssembly
// compile finishing, FinalizationRegistry cleanup) wakes that loop through a uv_async and
// runs inside uv_run; DrainTasks() waits for worker-thread tasks still under way.
void InitializeV8();

// The process-wide platform. Calls InitializeV8() first.
node::MultiIsolatePlatform* Platform();

// "10.2.154.26-node.37".
std::string V8VersionString();

}  // namespace kiln

#endif  // KILN_CORE_V8_PLATFORM_H_
