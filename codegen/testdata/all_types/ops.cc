// Definitions of the ops in input.h: compiled with -Werror=missing-declarations by
// kiln_ops(), so each must match its KILN_OP declaration exactly.
#include "codegen/testdata/all_types/input.h"

#include <utility>

namespace all_types {

bool op_bool(bool value) { return value; }
int32_t op_int32(int32_t value) { return value; }
uint32_t op_uint32(uint32_t value) { return value; }
int64_t op_int64(int64_t value) { return value; }
uint64_t op_uint64(uint64_t value) { return value; }
double op_double(double value) { return value; }
float op_float(float value) { return value; }
std::string op_string(std::string value) { return value; }
uint32_t op_string_view(std::string_view value) { return value.size(); }
uint32_t op_byte_view(kiln::ByteView bytes) { return bytes.size; }
uint32_t op_shared_bytes(kiln::SharedBytes bytes) { return bytes.size(); }
kiln::ByteBuffer op_byte_buffer(uint32_t size) { return kiln::ByteBuffer(size); }
std::optional<std::string> op_optional(std::optional<std::string> value) { return value; }
std::vector<std::string> op_vector(std::vector<std::string> values) { return values; }
Everything op_struct(Everything value) { return value; }
kiln::ResourceId op_resource(kiln::ResourceId rid) { return rid; }
v8::Local<v8::Value> op_value(v8::Local<v8::Value> value) { return value; }
void op_void() {}
absl::Status op_status(int32_t code) {
  return code == 0 ? absl::OkStatus() : absl::InvalidArgumentError("nonzero");
}
absl::StatusOr<std::string> op_status_or(std::string value) { return value; }
void op_injected(kiln::OpState& state, v8::Isolate* isolate) {}

std::vector<std::optional<int64_t>> op_mixed(
    kiln::OpState& state, kiln::ByteView data, const std::string& name,
    std::optional<kiln::SharedBytes> extra, const std::vector<Point>& points,
    std::optional<double> scale, std::optional<std::vector<uint64_t>> ids) {
  return {static_cast<int64_t>(data.size), std::nullopt};
}

absl::StatusOr<std::vector<Point>> op_points(std::vector<std::vector<double>> xy) {
  std::vector<Point> points;
  for (const std::vector<double>& pair : xy) {
    if (pair.size() != 2) return absl::InvalidArgumentError("expected [x, y]");
    points.push_back({pair[0], pair[1]});
  }
  return points;
}

std::optional<Everything> op_find(std::optional<kiln::ResourceId> rid) { return std::nullopt; }

std::vector<kiln::ByteBuffer> op_chunks(std::vector<kiln::SharedBytes> parts) {
  std::vector<kiln::ByteBuffer> chunks;
  for (const kiln::SharedBytes& part : parts) chunks.emplace_back(part.size());
  return chunks;
}

absl::StatusOr<kiln::ByteBuffer> op_read(kiln::OpState& state, kiln::ResourceId rid,
                                         uint32_t size) {
  return kiln::ByteBuffer(size);
}

absl::StatusOr<v8::Local<v8::Value>> op_parse(v8::Isolate* isolate, std::string_view json) {
  return absl::UnimplementedError("op_parse");
}

}  // namespace all_types
