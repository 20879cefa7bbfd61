// The table `kiln run --op-metrics` and `kiln test --op-metrics` print.
#ifndef KILN_CLI_OP_METRICS_REPORT_H_
#define KILN_CLI_OP_METRICS_REPORT_H_

#include <string>

#include "core/op_support.h"

namespace kiln::cli {

// Adds `from`'s counts to `into` (test files run in one runtime each).
void MergeOpMetrics(const OpMetrics& from, OpMetrics* into);

// One row per op that was called, most called first: calls, fast and slow calls, async
// completions, errors and the async latency percentiles p50/p90/p99 (registration to
// delivery of the result), e.g.
//   op                       calls     fast     slow  async done  errors    p50      p90      p99
//   op_timers_clock            120      118        2           0       0      -        -        -
std::string FormatOpMetrics(const OpMetrics& metrics);

}  // namespace kiln::cli

#endif  // KILN_CLI_OP_METRICS_REPORT_H_
