#ifndef KILN_BENCH_BENCH_RUNTIME_H_
#define KILN_BENCH_BENCH_RUNTIME_H_

// What every op benchmark starts with: a runtime with the bench ops installed and exposed
// as `kiln.ops` (RuntimeOptions::expose_ops), loaded from source (no snapshot), and a
// `benchNowNs()` global (uv_hrtime as a double) for timing inside JavaScript; and how
// they summarise samples.

#include <memory>
#include <vector>

#include "core/runtime.h"

namespace kiln::bench {

// Null (after printing why) if the runtime cannot be created. `op_metrics`: count every
// op's fast and slow calls (Runtime::op_metrics). Such a runtime runs counting copies of
// the bindings, so time ops only in one without it and check paths in one with it.
std::unique_ptr<Runtime> CreateBenchRuntime(bool op_metrics = false);

// The median of `samples` (the upper one for an even count), or NaN if any sample is NaN
// (a sample that failed or left the intended path).
double MedianOrNaN(std::vector<double> samples);

}  // namespace kiln::bench

#endif  // KILN_BENCH_BENCH_RUNTIME_H_
