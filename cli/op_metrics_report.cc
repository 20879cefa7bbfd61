#include "cli/op_metrics_report.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace kiln::cli {

void MergeOpMetrics(const OpMetrics& from, OpMetrics* into) {
  for (const auto& [name, counts] : from.all()) {
    OpCallCounts& total = into->Of(name);
    total.fast_calls += counts.fast_calls;
    total.slow_calls += counts.slow_calls;
    total.async_completed += counts.async_completed;
    total.errors += counts.errors;
    total.async_latency.Merge(counts.async_latency);
  }
}

namespace {
// A latency in nanoseconds as "850ns", "12.5us", "3.20ms", "1.50s".
std::string FormatLatency(const LatencyHistogram& histogram, double fraction) {
  if (histogram.count() == 0) return "-";
  double ns = static_cast<double>(histogram.Percentile(fraction));
  if (ns < 1e3) return absl::StrFormat("%.0fns", ns);
  if (ns < 1e6) return absl::StrFormat("%.1fus", ns / 1e3);
  if (ns < 1e9) return absl::StrFormat("%.2fms", ns / 1e6);
  return absl::StrFormat("%.2fs", ns / 1e9);
}
}  // namespace

std::string FormatOpMetrics(const OpMetrics& metrics) {
  std::vector<std::pair<std::string, const OpCallCounts*>> rows;
  size_t width = 2;
  for (const auto& [name, counts] : metrics.all()) {
    uint64_t calls = counts.fast_calls + counts.slow_calls;
    if (calls == 0 && counts.async_completed == 0) continue;
    rows.emplace_back(name, &counts);
    width = std::max(width, name.size());
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    uint64_t calls_a = a.second->fast_calls + a.second->slow_calls;
    uint64_t calls_b = b.second->fast_calls + b.second->slow_calls;
    return calls_a != calls_b ? calls_a > calls_b : a.first < b.first;
  });
  const int name_width = static_cast<int>(width);
  std::string text = absl::StrFormat("%-*s %10s %10s %10s %11s %8s %9s %9s %9s\n", name_width,
                                     "op", "calls", "fast", "slow", "async done", "errors",
                                     "p50", "p90", "p99");
  for (const auto& [name, counts] : rows) {
    absl::StrAppend(
        &text,
        absl::StrFormat("%-*s %10d %10d %10d %11d %8d %9s %9s %9s\n", name_width, name,
                        counts->fast_calls + counts->slow_calls, counts->fast_calls,
                        counts->slow_calls, counts->async_completed, counts->errors,
                        FormatLatency(counts->async_latency, 0.50),
                        FormatLatency(counts->async_latency, 0.90),
                        FormatLatency(counts->async_latency, 0.99)));
  }
  if (rows.empty()) absl::StrAppend(&text, "(no op was called)\n");
  return text;
}

}  // namespace kiln::cli
