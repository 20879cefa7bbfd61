// The generated bindings of input.h, called from JavaScript in a real kiln::Runtime: every
// type converts both ways, errors name the op and argument, buffers convert last.
#include <string>

#include "codegen/testdata/all_types/input_table.h"
#include "core/extension.h"
#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"

namespace all_types {
namespace {

const kiln::Extension kExtension{"all_types", {&kiln::generated::input}};

class AllTypesTest : public kiln::testing::RuntimeTest {
 protected:
  kiln::RuntimeOptions MakeOptions() override {
    kiln::RuntimeOptions options;
    options.extensions = {&kExtension};
    return options;
  }
};

TEST_F(AllTypesTest, TableDescribesTheHeader) {
  const kiln::OpTable& table = kiln::generated::input;
  EXPECT_STREQ(table.header, "codegen/testdata/all_types/input.h");
  ASSERT_EQ(table.op_count, 27u);
  EXPECT_STREQ(table.ops[0].name, "op_bool");
  EXPECT_NE(table.ops[0].fast, nullptr);
  EXPECT_STREQ(table.ops[3].name, "op_int64");
  EXPECT_EQ(table.ops[3].fast, nullptr);
  size_t references = 0;
  for (size_t i = 0; i < table.op_count; ++i) references += table.ops[i].fast ? 3 : 1;
  for (size_t i = 0; i < references; ++i) EXPECT_NE(table.external_references[i], 0) << i;
  EXPECT_EQ(table.external_references[references], 0);
}

TEST_F(AllTypesTest, Arity) {
  ExpectEval("kiln.ops.op_bool.length", "1");
  ExpectEval("kiln.ops.op_void.length", "0");
  ExpectEval("kiln.ops.op_injected.length", "0");
  ExpectEval("kiln.ops.op_mixed.length", "6");
  ExpectEval("kiln.ops.op_read.length", "2");
}

TEST_F(AllTypesTest, Scalars) {
  ExpectEval("kiln.ops.op_bool(true)", "true");
  ExpectEval("kiln.ops.op_int32(-5)", "-5");
  ExpectEval("kiln.ops.op_uint32(4294967295)", "4294967295");
  ExpectEval("kiln.ops.op_int64(-(2 ** 53) + 1)", "-9007199254740991");
  ExpectEval("kiln.ops.op_int64(2n ** 62n)", "4611686018427387904n");
  ExpectEval("kiln.ops.op_uint64(18446744073709551615n)", "18446744073709551615n");
  ExpectEval("kiln.ops.op_double(0.5)", "0.5");
  ExpectEval("kiln.ops.op_float(0.1) === Math.fround(0.1)", "true");
  ExpectEval("kiln.ops.op_resource(7)", "7");
  // Op arguments: ToBoolean, ToInt32 / ToUint32 of a Number (WebIDL boolean, long,
  // unsigned long); 64-bit integers and ResourceId stay range-checked.
  ExpectEval("kiln.ops.op_bool(1)", "true");
  ExpectEval("kiln.ops.op_bool('')", "false");
  ExpectEval("kiln.ops.op_int32(2 ** 31)", "-2147483648");
  ExpectEval("kiln.ops.op_uint32(-1.5)", "4294967295");
  ExpectThrows("kiln.ops.op_int32('1')",
               "TypeError: op_int32: argument 1 (value): expected number, received string");
  ExpectThrows("kiln.ops.op_int64(1.5)",
               "TypeError: op_int64: argument 1 (value): expected integer, received 1.5");
  ExpectThrows("kiln.ops.op_resource(2 ** 32)",
               "RangeError: op_resource: argument 1 (rid): expected integer in [0, "
               "4294967295], received 4294967296");
}

TEST_F(AllTypesTest, StringsAndBytes) {
  ExpectEval("kiln.ops.op_string('héllo')", "'héllo'");
  ExpectEval("kiln.ops.op_string_view('abc')", "3");
  ExpectEval("kiln.ops.op_string_view('x'.repeat(5000))", "5000");
  // ASCII strings take a one-copy path; a Latin-1 byte (one byte in V8, two in UTF-8)
  // anywhere, including both sides of an 8-byte word and the 1 KiB edge, must not.
  ExpectEval(R"js((() => {
    const utf8Length = (s) => unescape(encodeURIComponent(s)).length;
    const wrong = [];
    for (const n of [0, 1, 7, 8, 9, 15, 16, 17, 1023, 1024, 1025, 3000]) {
      for (const pos of [-1, 0, 7, 8, n - 1]) {
        for (const ch of ['\xe9', '\x80', '\xff', '\u20ac']) {
          if (pos >= n) continue;
          let s = 'a'.repeat(n);
          if (pos >= 0) s = s.slice(0, pos) + ch + s.slice(pos + 1);
          for (const t of [s, 'x' + s, [...s].join('')]) {
            if (kiln.ops.op_string(t) !== t || kiln.ops.op_string_view(t) !== utf8Length(t)) {
              wrong.push(`${n}/${pos}/${ch.charCodeAt(0)}`);
            }
          }
        }
      }
    }
    return wrong;
  })())js",
             "[]");
  ExpectEval("kiln.ops.op_byte_view(new Uint8Array(5))", "5");
  ExpectEval("kiln.ops.op_byte_view(new DataView(new ArrayBuffer(9), 2))", "7");
  ExpectEval("kiln.ops.op_shared_bytes(new ArrayBuffer(6))", "6");
  ExpectEval("kiln.ops.op_byte_buffer(3)", "Uint8Array(3) [ 0, 0, 0 ]");
  ExpectEval("kiln.ops.op_chunks([new Uint8Array(1), new ArrayBuffer(2)])",
             "[ Uint8Array(1) [ 0 ], Uint8Array(2) [ 0, 0 ] ]");
  ExpectEval("kiln.ops.op_read(1, 2)", "Uint8Array(2) [ 0, 0 ]");
}

TEST_F(AllTypesTest, Containers) {
  ExpectEval("kiln.ops.op_optional()", "null");
  ExpectEval("kiln.ops.op_optional(null)", "null");
  ExpectEval("kiln.ops.op_optional('x')", "'x'");
  ExpectEval("kiln.ops.op_vector(['a', 'b'])", "[ 'a', 'b' ]");
  ExpectThrows("kiln.ops.op_vector(['a', 1])",
               "TypeError: op_vector: argument 1 (values): element 1: expected string, "
               "received number");
  ExpectEval("kiln.ops.op_points([[1, 2], [3, 4]])", "[ { x: 1, y: 2 }, { x: 3, y: 4 } ]");
  ExpectEval("kiln.ops.op_find()", "null");
}

TEST_F(AllTypesTest, Structs) {
  ExpectEval(
      "kiln.ops.op_struct({flag: true, i32: -1, u32: 1, i64: 2n, u64: 3, f64: 0.5, f32: 1, "
      "text: 't', rid: 4, points: [{x: 1, y: 2}], origin: {x: 0, y: 0}})",
      "{\n  flag: true,\n  i32: -1,\n  u32: 1,\n  i64: 2,\n  u64: 3,\n  f64: 0.5,\n  f32: 1,\n"
      "  text: 't',\n  rid: 4,\n  note: null,\n  points: [ { x: 1, y: 2 } ],\n"
      "  maybe_list: null,\n  origin: { x: 0, y: 0 }\n}");
  ExpectThrows("kiln.ops.op_struct({flag: true})",
               "TypeError: op_struct: argument 1 (value): missing required field 'i32'");
  ExpectThrows("kiln.ops.op_struct(1)",
               "TypeError: op_struct: argument 1 (value): expected object, received number");
}

TEST_F(AllTypesTest, ValuesAndStatus) {
  ExpectEval("const o = {}; kiln.ops.op_value(o) === o", "true");
  ExpectEval("kiln.ops.op_void()", "undefined");
  ExpectEval("kiln.ops.op_injected()", "undefined");
  ExpectEval("kiln.ops.op_status(0)", "undefined");
  ExpectThrows("kiln.ops.op_status(1)", "TypeError: nonzero");
  ExpectEval("kiln.ops.op_status_or('ok')", "'ok'");
  ExpectThrows("kiln.ops.op_points([[1]])", "TypeError: expected [x, y]");
  ExpectThrows("kiln.ops.op_parse('{}')", "NotSupported: op_parse");
}

TEST_F(AllTypesTest, MixedArgumentsAndOptionals) {
  ExpectEval("kiln.ops.op_mixed(new Uint8Array(4), 'n', null, [{x: 1, y: 2}])", "[ 4, null ]");
  ExpectEval("kiln.ops.op_mixed(new Uint8Array(4), 'n', new Uint8Array(1), [], 2, [1n])",
             "[ 4, null ]");
  ExpectThrows("kiln.ops.op_mixed(new Uint8Array(4), 'n', null, [], 'x')",
               "TypeError: op_mixed: argument 5 (scale): expected number, received string");
}

// A getter run while converting `points` detaches the buffer `data` views. `data` is
// converted after every other argument, so the op never sees memory that was freed.
TEST_F(AllTypesTest, BuffersAreConvertedLast) {
  ExpectThrows(
      "const buffer = new ArrayBuffer(8);\n"
      "const point = {get x() { %ArrayBufferDetach(buffer); return 1; }, y: 2};\n"
      "kiln.ops.op_mixed(new Uint8Array(buffer), 'n', null, [point])",
      "TypeError: op_mixed: argument 1 (data): expected ArrayBuffer or ArrayBufferView, "
      "received a detached buffer");
}

}  // namespace
}  // namespace all_types
