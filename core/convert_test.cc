#include "core/convert.h"

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

}  // namespace
}  // namespace kiln
