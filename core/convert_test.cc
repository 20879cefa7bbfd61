#include "core/convert.h"

#include <cmath>

#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"

namespace kiln {
namespace {

using ::kiln::testing::RuntimeTest;

class ConvertTest : public RuntimeTest {
 protected:
  v8::Local<v8::Value> Eval(const char* code) {
    Result<v8::Global<v8::Value>> result = runtime().Eval(code);
    EXPECT_TRUE(result.ok());
    return result.ok() ? result.value().Get(runtime().isolate()) : v8::Local<v8::Value>();
  }
};

TEST_F(ConvertTest, ByteBufferFromJsCopies) {
  v8::Isolate* isolate = runtime().isolate();
  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope handle_scope(isolate);
  v8::Context::Scope context_scope(runtime().context());
  v8::Local<v8::Value> view = Eval("globalThis.bytes = new Uint8Array([9, 1, 2, 3]).subarray(1); bytes");
  ConversionContext context(isolate);
  ByteBuffer copy;
  ASSERT_TRUE(Converter<ByteBuffer>::FromV8(context, view, &copy));
  ASSERT_EQ(copy.size(), 3u);
  EXPECT_EQ(copy.data()[0], 1);
  copy.data()[0] = 77;
  ExpectEval("bytes[0]", "1");  // a copy: JS does not see the write
  EXPECT_FALSE(Converter<ByteBuffer>::FromV8(context, Eval("'text'"), &copy));
  EXPECT_EQ(context.message(), "expected ArrayBuffer or ArrayBufferView, received string");
}

TEST_F(ConvertTest, SharedBytesRoundTripSharesMemory) {
  v8::Isolate* isolate = runtime().isolate();
  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope handle_scope(isolate);
  v8::Local<v8::Context> v8_context = runtime().context();
  v8::Context::Scope context_scope(v8_context);
  v8::Local<v8::Value> view = Eval("globalThis.shared = new Uint8Array(8).subarray(2, 6); shared");
  ConversionContext context(isolate);
  SharedBytes bytes;
  ASSERT_TRUE(Converter<SharedBytes>::FromV8(context, view, &bytes));
  EXPECT_EQ(bytes.size(), 4u);
  v8::Local<v8::Value> back;
  ASSERT_TRUE(Converter<SharedBytes>::ToV8(isolate, bytes).ToLocal(&back));
  v8_context->Global()->Set(v8_context, v8::String::NewFromUtf8Literal(isolate, "back"), back).Check();
  bytes.data()[0] = 42;
  ExpectEval("[back.length, back[0], shared[0], back.byteOffset]", "[ 4, 42, 42, 2 ]");
}

// ECMAScript ToUint32 / ToInt32 (what V8's fast path computes for int32_t / uint32_t).
TEST(EcmaScriptToUint32Test, MatchesTheSpec) {
  EXPECT_EQ(EcmaScriptToUint32(1.9), 1u);
  EXPECT_EQ(EcmaScriptToUint32(-1.9), 4294967295u);
  EXPECT_EQ(EcmaScriptToUint32(-0.0), 0u);
  EXPECT_EQ(EcmaScriptToUint32(std::nan("")), 0u);
  EXPECT_EQ(EcmaScriptToUint32(INFINITY), 0u);
  EXPECT_EQ(EcmaScriptToUint32(-INFINITY), 0u);
  EXPECT_EQ(EcmaScriptToUint32(4294967296.0 + 5), 5u);
  EXPECT_EQ(static_cast<int32_t>(EcmaScriptToUint32(2147483648.0)), -2147483648);
  EXPECT_EQ(EcmaScriptToUint32(9007199254740994.0), 2u);          // 2^53 + 2
  EXPECT_EQ(EcmaScriptToUint32(-9223372036854775808.0), 0u);      // -2^63
  EXPECT_EQ(EcmaScriptToUint32(9223372036854775808.0), 0u);       // 2^63
  EXPECT_EQ(EcmaScriptToUint32(1e20), 1661992960u);               // 1e20 mod 2^32
  EXPECT_EQ(EcmaScriptToUint32(-1e20), 4294967296u - 1661992960u);
  EXPECT_EQ(EcmaScriptToUint32(1.7976931348623157e308), 0u);
}

// The two rule sets differ only for int32_t, uint32_t and bool; ResourceId and
// EnforceRange are the same under both.
TEST_F(ConvertTest, StrictRulesAndOpArgumentRules) {
  v8::Isolate* isolate = runtime().isolate();
  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope handle_scope(isolate);
  v8::Context::Scope context_scope(runtime().context());
  ConversionContext strict(isolate);
  ConversionContext lenient(isolate, ConversionRules::kOpArguments);
  EXPECT_EQ(strict.rules(), ConversionRules::kStrict);

  int32_t i = 0;
  EXPECT_FALSE(Converter<int32_t>::FromV8(strict, Eval("1.5"), &i));
  EXPECT_EQ(strict.message(), "expected integer, received 1.5");
  EXPECT_FALSE(Converter<int32_t>::FromV8(strict, Eval("2 ** 31"), &i));
  EXPECT_EQ(strict.kind(), ErrorKind::kRange);
  ASSERT_TRUE(Converter<int32_t>::FromV8(lenient, Eval("2 ** 31 + 1.5"), &i));
  EXPECT_EQ(i, -2147483647);
  EXPECT_FALSE(Converter<int32_t>::FromV8(lenient, Eval("'1'"), &i));
  EXPECT_EQ(lenient.message(), "expected number, received string");
  uint32_t u = 0;
  ASSERT_TRUE(Converter<uint32_t>::FromV8(lenient, Eval("-1"), &u));
  EXPECT_EQ(u, 4294967295u);
  EXPECT_FALSE(Converter<uint32_t>::FromV8(strict, Eval("-1"), &u));

  bool b = false;
  EXPECT_FALSE(Converter<bool>::FromV8(strict, Eval("1"), &b));
  EXPECT_EQ(strict.message(), "expected boolean, received number");
  ASSERT_TRUE(Converter<bool>::FromV8(lenient, Eval("'x'"), &b));
  EXPECT_TRUE(b);
  ASSERT_TRUE(Converter<bool>::FromV8(lenient, Eval("0"), &b));
  EXPECT_FALSE(b);

  ResourceId rid;
  EXPECT_FALSE(Converter<ResourceId>::FromV8(lenient, Eval("1.5"), &rid));
  EXPECT_EQ(lenient.message(), "expected integer, received 1.5");
  EXPECT_FALSE(Converter<ResourceId>::FromV8(lenient, Eval("-1"), &rid));
  EXPECT_EQ(lenient.kind(), ErrorKind::kRange);

  for (ConversionContext* context : {&strict, &lenient}) {
    EnforceRange<int32_t> e;
    ASSERT_TRUE(Converter<EnforceRange<int32_t>>::FromV8(*context, Eval("-7.9"), &e));
    EXPECT_EQ(e.value, -7);
    EXPECT_FALSE(Converter<EnforceRange<int32_t>>::FromV8(*context, Eval("2 ** 31"), &e));
    EXPECT_EQ(context->kind(), ErrorKind::kType);
    EXPECT_EQ(context->message(),
              "expected integer in [-2147483648, 2147483647], received 2147483648");
    EXPECT_FALSE(Converter<EnforceRange<int32_t>>::FromV8(*context, Eval("-Infinity"), &e));
    EXPECT_EQ(context->message(), "expected finite number, received -Infinity");
    EnforceRange<uint32_t> eu;
    ASSERT_TRUE(Converter<EnforceRange<uint32_t>>::FromV8(*context, Eval("-0.5"), &eu));
    EXPECT_EQ(eu.value, 0u);
  }
}

}  // namespace
}  // namespace kiln
