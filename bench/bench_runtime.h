#ifndef KILN_BENCH_BENCH_RUNTIME_H_
#define KILN_BENCH_BENCH_RUNTIME_H_

// What every op benchmark starts with: a runtime with the bench ops installed and a
// `benchNowNs()` global (uv_hrtime as a double) for timing inside JavaScript.

#include <memory>

#include "core/runtime.h"

namespace kiln::bench {

// Null (after printing why) if the runtime cannot be created.
std::unique_ptr<Runtime> CreateBenchRuntime();

}  // namespace kiln::bench

#endif  // KILN_BENCH_BENCH_RUNTIME_H_
