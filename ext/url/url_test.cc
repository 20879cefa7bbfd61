// The url extension: URL parsing, getters, setters, statics, errors, URLSearchParams and
// its link to URL, IDNA, WebIDL conversions and console output.
#include "ext/url/url_extension.h"
#include "ext/webidl/webidl_extension.h"

#include <string>

#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"

namespace kiln::url {
namespace {

class UrlTest : public testing::RuntimeTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.extensions = {&extensions::webidl(), &extensions::url()};
    return options;
  }
};

TEST_F(UrlTest, ParsesAndGetsEveryComponent) {
  ExpectEval(R"js(
    const u = new URL('https://user:pw@example.com:8080/p/a/t/h?query=1&b=%20#frag');
    [u.href, u.origin, u.protocol, u.username, u.password, u.host, u.hostname, u.port,
     u.pathname, u.search, u.hash, String(u), u.toJSON(), JSON.stringify({ u })]
  )js",
             "[\n"
             "  'https://user:pw@example.com:8080/p/a/t/h?query=1&b=%20#frag',\n"
             "  'https://example.com:8080',\n"
             "  'https:',\n"
             "  'user',\n"
             "  'pw',\n"
             "  'example.com:8080',\n"
             "  'example.com',\n"
             "  '8080',\n"
             "  '/p/a/t/h',\n"
             "  '?query=1&b=%20',\n"
             "  '#frag',\n"
             "  'https://user:pw@example.com:8080/p/a/t/h?query=1&b=%20#frag',\n"
             "  'https://user:pw@example.com:8080/p/a/t/h?query=1&b=%20#frag',\n"
             "  '{\"u\":\"https://user:pw@example.com:8080/p/a/t/h?query=1&b=%20#frag\"}'\n"
             "]");
}
}  // namespace
}  // namespace kiln::url
