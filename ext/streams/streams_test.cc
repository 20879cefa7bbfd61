// The streams extension: kiln-specific behaviour (errors, printing, internals hidden,
// resource streams over native test resources).
#include "ext/streams/streams_extension.h"

#include <string>

#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "ext/encoding/encoding_extension.h"
#include "ext/streams/streams_testing_extension.h"
#include "ext/timers/timers_extension.h"
#include "ext/web/web_extension.h"
#include "ext/webidl/webidl_extension.h"
#include "gtest/gtest.h"

namespace kiln::streams {
namespace {

class StreamsTest : public kiln::testing::RuntimeTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.extensions = {&extensions::webidl(), &extensions::timers(), &extensions::web(),
                          &extensions::encoding(),
                          &extensions::streams(), &extensions::streams_testing()};
    return options;
  }
  void Expect(const std::string& code, const std::string& expected) {
    ExpectEval("{" + code + "\n}", expected);
  }
  void Throws(const std::string& code, const std::string& expected) {
    ExpectThrows("{" + code + "\n}", expected);
  }
  // Runs `code` (which sets globalThis.result, possibly later), then the loop.
  void ExpectAfterLoop(const std::string& code, const std::string& expected) {
    EXPECT_EQ(RunLoopThenEval(code), expected) << code;
  }
};

TEST_F(StreamsTest, ReadsQueuedChunks) {
  ExpectAfterLoop(
      "(async () => {"
      "  const rs = new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); c.close(); } });"
      "  const r = rs.getReader(); const out = [];"
      "  for (;;) { const { value, done } = await r.read(); if (done) break; out.push(value); }"
      "  globalThis.result = out;"
      "})()",
      "[ 1, 2 ]");
}

}  // namespace
}  // namespace kiln::streams
