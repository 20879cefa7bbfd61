#include "bench/bench_ops.h"

#include <utility>

#include "tests/async/next_turn_queue.h"

namespace kiln::bench {

int32_t op_bench_add(int32_t a, int32_t b) { return a + b; }
int32_t op_bench_add_int64(int64_t a, int64_t b) { return static_cast<int32_t>(a + b); }
int32_t op_bench_add_enforce_range(EnforceRange<int32_t> a, EnforceRange<int32_t> b) {
  return a.value + b.value;
}
int32_t op_bench_add_slow(int32_t a, int32_t b) { return a + b; }
uint32_t op_bench_string_length(std::string_view text) {
  return static_cast<uint32_t>(text.size());
}
uint32_t op_bench_byte_view_sum(kiln::ByteView bytes) {
  // Touch both ends: the view is real memory, not just a length.
  return bytes.size == 0 ? 0 : bytes.data[0] + bytes.data[bytes.size - 1];
}
int32_t op_bench_struct(BenchPoint point) { return point.x + point.y; }
kiln::ByteBuffer op_bench_owned_bytes(uint32_t size) { return kiln::ByteBuffer(size); }

kiln::Future<int32_t> op_bench_ready(int32_t value) { return value; }
kiln::Future<int32_t> op_bench_next_turn(kiln::OpState& state, int32_t value) {
  auto [future, completer] = kiln::MakeFuture<int32_t>(state);
  kiln::testing::NextTurnQueue::Of(state).Add(std::move(completer), value);
  return std::move(future);
}

}  // namespace kiln::bench
