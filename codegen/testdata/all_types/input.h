// Every supported type, as a parameter and as a result (the golden "all_types" case; also
// compiled and linked by //codegen:compile_test).
#ifndef CODEGEN_TESTDATA_ALL_TYPES_INPUT_H_
#define CODEGEN_TESTDATA_ALL_TYPES_INPUT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ops/op.h"
#include "v8.h"

namespace all_types {

KILN_STRUCT() struct Point {
  double x;
  double y;
};

// Every field type.
KILN_STRUCT() struct Everything {
  bool flag;
  int32_t i32;
  uint32_t u32;
  int64_t i64;
  uint64_t u64;
  double f64;
  float f32;
  std::string text;
  kiln::ResourceId rid;
  std::optional<std::string> note;
  std::vector<Point> points;
  std::optional<std::vector<int32_t>> maybe_list;
  Point origin;
};

// One type each (as the parameter and, where it may be one, the result).
KILN_OP() bool op_bool(bool value);
KILN_OP() int32_t op_int32(int32_t value);
KILN_OP() uint32_t op_uint32(uint32_t value);
KILN_OP() int64_t op_int64(int64_t value);
KILN_OP() uint64_t op_uint64(uint64_t value);
KILN_OP() double op_double(double value);
KILN_OP() float op_float(float value);
KILN_OP() std::string op_string(std::string value);
KILN_OP() uint32_t op_string_view(std::string_view value);
KILN_OP() uint32_t op_byte_view(kiln::ByteView bytes);
KILN_OP() uint32_t op_shared_bytes(kiln::SharedBytes bytes);
KILN_OP() kiln::ByteBuffer op_byte_buffer(uint32_t size);
KILN_OP() std::optional<std::string> op_optional(std::optional<std::string> value);
KILN_OP() std::vector<std::string> op_vector(std::vector<std::string> values);
KILN_OP() Everything op_struct(Everything value);
KILN_OP() kiln::ResourceId op_resource(kiln::ResourceId rid);
KILN_OP() v8::Local<v8::Value> op_value(v8::Local<v8::Value> value);
KILN_OP() void op_void();
KILN_OP() absl::Status op_status(int32_t code);
KILN_OP() absl::StatusOr<std::string> op_status_or(std::string value);
KILN_OP() void op_injected(kiln::OpState& state, v8::Isolate* isolate);

// Buffers are converted after the other arguments; const& parameters; nested containers;
// a non-trailing optional and trailing optionals.
KILN_OP() std::vector<std::optional<int64_t>> op_mixed(
    kiln::OpState& state, kiln::ByteView data, const std::string& name,
    std::optional<kiln::SharedBytes> extra, const std::vector<Point>& points,
    std::optional<double> scale, std::optional<std::vector<uint64_t>> ids);

// Results that wrap containers and structs.
KILN_OP() absl::StatusOr<std::vector<Point>> op_points(std::vector<std::vector<double>> xy);
KILN_OP() std::optional<Everything> op_find(std::optional<kiln::ResourceId> rid);
KILN_OP() std::vector<kiln::ByteBuffer> op_chunks(std::vector<kiln::SharedBytes> parts);
KILN_OP() absl::StatusOr<kiln::ByteBuffer> op_read(kiln::OpState& state, kiln::ResourceId rid,
                                                   uint32_t size);
KILN_OP() absl::StatusOr<v8::Local<v8::Value>> op_parse(v8::Isolate* isolate,
                                                        std::string_view json);

}  // namespace all_types

#endif  // CODEGEN_TESTDATA_ALL_TYPES_INPUT_H_
