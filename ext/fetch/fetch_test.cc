// The fetch extension against a local HTTP server (testing/test_server.h): requests and
// responses, headers both ways, redirects, bodies (sized, chunked, compressed, streamed,
// uploaded), keep-alive, aborts at each stage, network errors, data: URLs, and the
// interfaces' own behaviour (Headers, Request, Response).
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "absl/strings/str_replace.h"
#include "core/file_util.h"
#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "ext/fetch/testing/test_server.h"
#include "gtest/gtest.h"
#include "kiln_snapshot.h"

namespace kiln::fetch {
namespace {

class FetchTest : public kiln::testing::RuntimeTest {
 protected:
  static void SetUpTestSuite() { server_ = new testing::TestServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.extensions = snapshots::kiln_snapshot_extensions();
    if (kiln::testing::UsingSnapshots()) options.snapshot = &snapshots::kiln_snapshot();
    return options;
  }

  // `code` may use `origin` (the server) and sets globalThis.result, possibly later.
  std::string Run(const std::string& code) {
    std::string setup = "globalThis.origin = '" + server_->origin() + "';\n" +
                        "globalThis.result = '<not set>';\n(async () => {\n" + code +
                        "\n})().catch((e) => { globalThis.result = `threw ${e}`; });";
    return RunLoopThenEval(setup);
  }
  void Expect(const std::string& code, const std::string& expected) {
    EXPECT_EQ(Run(code), expected) << code;
  }
  void Sync(const std::string& code, const std::string& expected) {
    ExpectEval("{" + code + "\n}", expected);
  }
  // Every resource closed.
  void ExpectNoResources() {
    ExpectEval("JSON.stringify(kiln.ops.op_resources())", "'[]'");
  }

  static testing::TestServer* server_;
};

testing::TestServer* FetchTest::server_ = nullptr;

// ---- interfaces ----

TEST_F(FetchTest, Globals) {
  Sync("[typeof fetch, fetch.length, typeof Headers, typeof Request, typeof Response,"
       " Object.prototype.toString.call(new Headers()),"
       " Object.getOwnPropertyDescriptor(globalThis, 'Headers').enumerable]",
       "[\n  'function',\n  1,\n  'function',\n  'function',\n  'function',\n"
       "  '[object Headers]',\n  false\n]");
}

TEST_F(FetchTest, HeadersBasics) {
  Sync("const h = new Headers({ 'Content-Type': 'text/plain', 'X-B': ' two ' });"
       "h.append('x-b', 'three'); h.append('Set-Cookie', 'a=1'); h.append('set-cookie', 'b=2');"
       "[h.get('content-type'), h.get('X-b'), h.has('X-B'), h.get('missing'),"
       " h.getSetCookie(), [...h]]",
       "[\n  'text/plain',\n  'two, three',\n  true,\n  null,\n  [ 'a=1', 'b=2' ],\n  [\n"
       "    [ 'content-type', 'text/plain' ],\n    [ 'set-cookie', 'a=1' ],\n"
       "    [ 'set-cookie', 'b=2' ],\n    [ 'x-b', 'two, three' ]\n  ]\n]");
  Sync("const h = new Headers([['a', '1'], ['b', '2']]); h.set('A', '3'); h.delete('b');"
       "[...h.keys()].concat([...h.values()])",
       "[ 'a', '3' ]");
  // Iteration sees changes made while iterating (the sorted list is recomputed).
  Sync("const h = new Headers({ b: '1' }); const seen = [];"
       "for (const [k] of h) { seen.push(k); if (k === 'b') h.append('c', '2'); } seen",
       "[ 'b', 'c' ]");
}

// Headers, Request and Response are platform objects structuredClone refuses (ext/web's
// "Platform objects"), however they were made.
TEST_F(FetchTest, PlatformObjectsAreDataCloneErrors) {
  ExpectEval("const request = new Request('http://example.com/');"
             "[new Headers(), request, request.headers, new Response('x'), Response.error(),"
             " Response.json(1).headers, request.clone()].map((object) => {"
             " try { structuredClone({ object }); return 'cloned'; }"
             " catch (e) { return `${e.name}: ${e.message}`; } })",
             "[\n"
             "  'DataCloneError: #<Headers> could not be cloned.',\n"
             "  'DataCloneError: #<Request> could not be cloned.',\n"
             "  'DataCloneError: #<Headers> could not be cloned.',\n"
             "  'DataCloneError: #<Response> could not be cloned.',\n"
             "  'DataCloneError: #<Response> could not be cloned.',\n"
             "  'DataCloneError: #<Headers> could not be cloned.',\n"
             "  'DataCloneError: #<Request> could not be cloned.'\n"
             "]");
  ExpectEval("class MyHeaders extends Headers { get size() { return [...this].length; } }"
             "const h = new MyHeaders({ a: '1' });"
             "[h.size, h.get('a'), Object.getPrototypeOf(Headers) === Function.prototype,"
             " Object.keys(h)]",
             "[ 1, '1', true, [] ]");
}

TEST_F(FetchTest, HeadersErrors) {
  ExpectThrows("new Headers().append('bad name', 'x')",
               "TypeError: Failed to execute 'append' on 'Headers': Invalid name");
  ExpectThrows("new Headers().set('x', 'a\\nb')",
               "TypeError: Failed to execute 'set' on 'Headers': Invalid value");
  ExpectThrows("new Headers().append('x', 'a\\0b')",
               "TypeError: Failed to execute 'append' on 'Headers': Invalid value");
  ExpectThrows("new Headers().get('x:y')",
               "TypeError: Failed to execute 'get' on 'Headers': Invalid name");
  ExpectThrows("new Headers().append('x', '\\u0100')",
               "TypeError: Failed to execute 'append' on 'Headers': Argument 2 is not a valid "
               "ByteString.");
  ExpectThrows("new Headers([['a']])",
               "TypeError: Failed to construct 'Headers': Invalid value");
  ExpectThrows("new Headers(5)",
               "TypeError: Failed to construct 'Headers': The provided value is not of type "
               "'(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'.");
  ExpectThrows("new Headers().append('a')",
               "TypeError: Failed to execute 'append' on 'Headers': 2 arguments required, but "
               "only 1 present.");
  ExpectThrows("Headers.prototype.get.call({}, 'a')", "TypeError: Illegal invocation");
  ExpectThrows("Response.error().headers.set('a', 'b')",
               "TypeError: Failed to execute 'set' on 'Headers': Headers are immutable");
}

TEST_F(FetchTest, RequestBasics) {
  Sync("const r = new Request('https://example.com/a#frag', { method: 'post', body: 'hi',"
       " headers: { 'X-A': '1' } });"
       "[r.method, r.url, r.headers.get('content-type'), r.headers.get('x-a'), r.redirect,"
       " r.mode, r.credentials, r.cache, r.referrer, r.bodyUsed, r.signal.aborted, r.duplex]",
       "[\n  'POST',\n  'https://example.com/a#frag',\n  'text/plain;charset=UTF-8',\n  '1',\n"
       "  'follow',\n  'cors',\n  'same-origin',\n  'default',\n  'about:client',\n  false,\n"
       "  false,\n  'half'\n]");
  Sync("const r = new Request('http://x/', { method: 'patch' }); r.method", "'patch'");
  ExpectThrows("new Request('/relative')",
               "TypeError: Failed to construct 'Request': Failed to parse URL from /relative");
  ExpectThrows("new Request('http://x/', { body: 'a' })",
               "TypeError: Failed to construct 'Request': Request with GET/HEAD method cannot "
               "have body.");
  ExpectThrows("new Request('http://x/', { method: 'CONNECT' })",
               "TypeError: Failed to construct 'Request': 'CONNECT' HTTP method is unsupported.");
  ExpectThrows("new Request('http://x/', { method: 'a b' })",
               "TypeError: Failed to construct 'Request': 'a b' is not a valid HTTP method.");
  ExpectThrows("new Request('http://x/', { redirect: 'nope' })",
               "TypeError: Failed to construct 'Request': The provided value 'nope' is not a "
               "valid enum value of type RequestRedirect.");
  ExpectThrows("new Request('http://x/', { method: 'POST', body: new ReadableStream() })",
               "TypeError: Failed to construct 'Request': The 'duplex' member must be specified "
               "for a request with a streaming body");
  ExpectThrows("new Request()",
               "TypeError: Failed to construct 'Request': 1 argument required, but only 0 "
               "present.");
}

TEST_F(FetchTest, RequestBodies) {
  Expect("const r = new Request('http://x/', { method: 'POST', body: 'hello' });"
         "const c = r.clone();"
         "const a = await r.text(); const b = await c.arrayBuffer();"
         "let again; try { await r.text(); } catch (e) { again = `${e}`; }"
         "result = [a, b.byteLength, r.bodyUsed, c.bodyUsed, again];",
         "[\n  'hello',\n  5,\n  true,\n  true,\n  \"TypeError: Failed to execute 'text' on "
         "'Request': body stream already read\"\n]");
  Expect("const p = new URLSearchParams({ a: '1 2', b: 'é' });"
         "const r = new Request('http://x/', { method: 'POST', body: p });"
         "result = [r.headers.get('content-type'), await r.text()];",
         "[ 'application/x-www-form-urlencoded;charset=UTF-8', 'a=1+2&b=%C3%A9' ]");
  Expect("const bytes = new Uint8Array([1, 2, 3]);"
         "const r = new Request('http://x/', { method: 'POST', body: bytes.subarray(1) });"
         "bytes[1] = 9;"
         "result = [r.headers.get('content-type'), [...await r.bytes()]];",
         "[ null, [ 2, 3 ] ]");
  // A request made from another takes its body.
  Expect("const a = new Request('http://x/', { method: 'POST', body: 'moved' });"
         "const b = new Request(a); result = [a.bodyUsed, await b.text()];",
         "[ true, 'moved' ]");
}

TEST_F(FetchTest, BlobAndFormDataBodies) {
  Expect("const blob = new Blob(['ab', new Uint8Array([99])], { type: 'Text/X' });"
         "const r = new Response(blob);"
         "const back = await r.clone().blob();"
         "result = [r.headers.get('content-type'), await r.text(), back.type, back.size];",
         "[ 'text/x', 'abc', 'text/x', 3 ]");
  Expect("const fd = new FormData(); fd.append('name', 'value');"
         "fd.append('file', new File(['hello'], 'h.txt', { type: 'text/plain' }));"
         "const r = new Response(fd);"
         "const type = r.headers.get('content-type');"
         "const parsed = await r.formData();"
         "result = [type.startsWith('multipart/form-data; boundary='), parsed.get('name'),"
         " parsed.get('file').name, await parsed.get('file').text()];",
         "[ true, 'value', 'h.txt', 'hello' ]");
  Expect("const r = new Response('a=1&b=%C3%A9', { headers: {"
         " 'Content-Type': 'application/x-www-form-urlencoded' } });"
         "const fd = await r.formData();"
         "let error; try { await new Response('x').formData(); } catch (e) { error = e.name; }"
         "result = [[...fd], error];",
         "[ [ [ 'a', '1' ], [ 'b', 'é' ] ], 'TypeError' ]");
  // Uploads of both kinds.
  Expect("const fd = new FormData(); fd.append('k', 'v');"
         "const e = await (await fetch(`${origin}/echo`, { method: 'POST', body: fd })).json();"
         "const b = await (await fetch(`${origin}/echo`, { method: 'POST',"
         " body: new Blob(['blob body'], { type: 'application/x-test' }) })).json();"
         "const type = (x) => x.headers.find(([k]) => k.toLowerCase() === 'content-type')[1];"
         "result = [e.body.includes('name=\"k\"'), e.body.includes('\\r\\nv\\r\\n'),"
         " type(e).startsWith('multipart/form-data'), b.body, type(b)];",
         "[ true, true, true, 'blob body', 'application/x-test' ]");
}

TEST_F(FetchTest, ResponseBasics) {
  Expect("const r = new Response('body', { status: 201, statusText: 'Made',"
         " headers: { 'X-A': 'b' } });"
         "result = [r.status, r.statusText, r.ok, r.type, r.url, r.redirected,"
         " r.headers.get('content-type'), r.headers.get('x-a'), await r.text()];",
         "[\n  201,\n  'Made',\n  true,\n  'default',\n  '',\n  false,\n"
         "  'text/plain;charset=UTF-8',\n  'b',\n  'body'\n]");
  Expect("const r = Response.json({ a: [1] }, { status: 200 });"
         "result = [r.headers.get('content-type'), await r.json()];",
         "[ 'application/json', { a: [ 1 ] } ]");
  Sync("const r = Response.redirect('http://x/next', 307);"
       "[r.status, r.headers.get('location'), r.body, Response.error().type,"
       " Response.error().status, new Response().body, new Response(null).bodyUsed]",
       "[ 307, 'http://x/next', null, 'error', 0, null, false ]");
  ExpectThrows("new Response('', { status: 99 })",
               "RangeError: Failed to construct 'Response': The status provided (99) is outside "
               "the range [200, 599].");
  ExpectThrows("new Response('x', { status: 204 })",
               "TypeError: Failed to construct 'Response': Response with null body status "
               "cannot have body");
  ExpectThrows("new Response('', { statusText: 'a\\nb' })",
               "TypeError: Failed to construct 'Response': Invalid statusText");
  ExpectThrows("Response.redirect('http://x/', 200)",
               "RangeError: Failed to execute 'redirect' on 'Response': Invalid status code");
  ExpectThrows("Response.json(undefined)",
               "TypeError: Failed to execute 'json' on 'Response': The data is not JSON "
               "serializable");
  // A locked body and a read body are told apart.
  Expect("const r = new Response('x'); r.body.getReader();"
         "try { await r.text(); } catch (e) { result = [e.message]; }"
         "const r2 = new Response('y'); await r2.text();"
         "try { await r2.json(); } catch (e) { result.push(e.message); }",
         "[\n  \"Failed to execute 'text' on 'Response': body stream is locked\",\n"
         "  \"Failed to execute 'json' on 'Response': body stream already read\"\n]");
  // clone tees the stream; body is a byte stream.
  Expect("const r = new Response(new Uint8Array([104, 105]));"
         "const c = r.clone(); const reader = r.body.getReader({ mode: 'byob' });"
         "const { value } = await reader.read(new Uint8Array(8));"
         "result = [[...value], await c.text(), r.bodyUsed];",
         "[ [ 104, 105 ], 'hi', true ]");
  Expect("const stream = new ReadableStream({ start(c) {"
         " c.enqueue(new TextEncoder().encode('a')); c.enqueue(new TextEncoder().encode('b'));"
         " c.close(); } });"
         "result = await new Response(stream).text();",
         "'ab'");
}

// ---- the network ----

TEST_F(FetchTest, GetText) {
  Expect("const r = await fetch(`${origin}/hello`);"
         "result = [r.status, r.statusText, r.ok, r.type, r.url === `${origin}/hello`,"
         " r.redirected, r.headers.get('content-type'), r.headers.get('content-length'),"
         " r.bodyUsed, await r.text(), r.bodyUsed];",
         "[\n  200,          'OK',\n  true,         'basic',\n  true,         false,\n"
         "  'text/plain', '11',\n  false,        'hello world',\n  true\n]");
  ExpectNoResources();
}

// text() and json() decode natively; the result is the Encoding Standard's UTF-8 decode
// (one BOM dropped, each invalid sequence one U+FFFD per maximal subpart), the same as
// TextDecoder's on the bytes.
TEST_F(FetchTest, TextDecodesUtf8) {
  Expect("const r = await fetch(`${origin}/text-bytes`); const copy = r.clone();"
         "const text = await r.text();"
         "const bytes = new Uint8Array(await (await fetch(`${origin}/text-bytes`)).arrayBuffer());"
         "result = [escape(text), text === await copy.text(),"
         " text === new TextDecoder().decode(bytes), r.headers.get('x-fold')];",
         "[ '%uFEFFa%uFFFD%uFFFD%uFFFDb%E9', true, true, 'one two' ]");
  ExpectNoResources();
}

TEST_F(FetchTest, RequestHeadersAndMethods) {
  Expect("const r = await fetch(`${origin}/echo?x=1`, { method: 'POST', body: 'payload',"
         " headers: { 'X-Custom': 'v', 'User-Agent': 'tester' } });"
         "const e = await r.json(); const h = Object.fromEntries(e.headers.map(([k, v]) =>"
         " [k.toLowerCase(), v]));"
         "result = [e.method, e.target, e.body, h['content-type'], h['content-length'],"
         " h['x-custom'], h['user-agent'], h['accept'], 'expect' in h,"
         " h['accept-encoding'].includes('gzip')];",
         "[\n  'POST',\n  '/echo?x=1',\n  'payload',\n  'text/plain;charset=UTF-8',\n  '7',\n"
         "  'v',\n  'tester',\n  '*/*',\n  false,\n  true\n]");
  // PUT without a body sends Content-Length: 0; DELETE none; no Content-Type is made up.
  Expect("const put = await (await fetch(`${origin}/echo`, { method: 'PUT' })).json();"
         "const del = await (await fetch(`${origin}/echo`, { method: 'DELETE' })).json();"
         "const bin = await (await fetch(`${origin}/echo`, { method: 'POST',"
         " body: new Uint8Array([0x61, 0x62]).buffer })).json();"
         "const has = (e, n) => e.headers.some(([k]) => k.toLowerCase() === n);"
         "result = [put.method, put.length, has(put, 'content-length'), del.method,"
         " has(del, 'content-length'), bin.body, has(bin, 'content-type'),"
         " new TextDecoder().decode(new Uint8Array([])) === ''];",
         "[\n  'PUT', 0,\n  true,  'DELETE',\n  false, 'ab',\n  false, true\n]");
  Expect("const r = await fetch(`${origin}/hello`, { method: 'HEAD' });"
         "result = [r.status, r.body, r.headers.get('content-length'), await r.text()];",
         "[ 200, null, '11', '' ]");
  ExpectNoResources();
}

TEST_F(FetchTest, ResponseHeaders) {
  Expect("const r = await fetch(`${origin}/headers`);"
         "result = [r.headers.get('x-multi'), r.headers.getSetCookie(), r.headers.get('x-a'),"
         " r.headers.get('x-latin1') === 'caf\\u00e9', [...r.headers.keys()].join(),"
         " await r.text()];",
         "[\n  'a, b',\n  [ 'a=1', 'b=2' ],\n  '1',\n  true,\n"
         "  'content-length,set-cookie,set-cookie,x-a,x-latin1,x-multi',\n  'ok'\n]");
  ExpectThrows("Response.error().headers.append('a', 'b')",
               "TypeError: Failed to execute 'append' on 'Headers': Headers are immutable");
  Expect("const r = await fetch(`${origin}/hello`);"
         "try { r.headers.set('a', 'b'); } catch (e) { result = `${e}`; } await r.text();",
         "\"TypeError: Failed to execute 'set' on 'Headers': Headers are immutable\"");
}

TEST_F(FetchTest, SlowResponseAndUserinfo) {
  Expect("const r = await fetch(`${origin}/slow-headers?ms=100`); result = await r.text();",
         "'slow'");
  // userinfo becomes basic authentication and stays out of Response.url.
  Expect("const url = origin.replace('http://', 'http://user:p%40ss@') + '/echo';"
         "const r = await fetch(url); const e = await r.json();"
         "const auth = e.headers.find(([k]) => k.toLowerCase() === 'authorization');"
         "result = [auth[1] === `Basic ${btoa('user:p@ss')}`, r.url === `${origin}/echo`];",
         "[ true, true ]");
}

TEST_F(FetchTest, StatusCodes) {
  Expect("const a = await fetch(`${origin}/status/404`);"
         "const b = await fetch(`${origin}/status/204`);"
         "const c = await fetch(`${origin}/status/500?reason=Very%20Bad`);"
         "result = [a.status, a.ok, a.statusText, await a.text(), b.status, b.body,"
         " c.status, c.statusText, await c.text()];",
         "[\n  404,          false,\n  'Not Found',  'status 404',\n  204,          null,\n"
         "  500,          'Very Bad',\n  'status 500'\n]");
  ExpectNoResources();
}

TEST_F(FetchTest, Redirects) {
  // 301/302 turn POST into GET; 303 turns everything but GET/HEAD into GET; 307/308 keep
  // the method and the body.
  Expect("const to = encodeURIComponent('/echo');"
         "const out = [];"
         "for (const code of [301, 302, 303, 307, 308]) {"
         "  const r = await fetch(`${origin}/redirect/${code}?to=${to}`, { method: 'POST',"
         "    body: 'data', headers: { 'Content-Type': 'text/x' } });"
         "  const e = await r.json();"
         "  const type = e.headers.find(([k]) => k.toLowerCase() === 'content-type');"
         "  out.push([code, r.status, r.redirected, r.url === `${origin}/echo`, e.method, e.body,"
         "            type ? type[1] : null]);"
         "}"
         "const put = await fetch(`${origin}/redirect/303?to=${to}`, { method: 'PUT', body: 'x' });"
         "out.push((await put.json()).method);"
         "const put301 = await fetch(`${origin}/redirect/301?to=${to}`, { method: 'PUT', body: 'x' });"
         "out.push((await put301.json()).method);"
         "result = out;",
         "[\n  [\n    301,   200,\n    true,  true,\n    'GET', '',\n    null\n  ],\n"
         "  [\n    302,   200,\n    true,  true,\n    'GET', '',\n    null\n  ],\n"
         "  [\n    303,   200,\n    true,  true,\n    'GET', '',\n    null\n  ],\n"
         "  [ 307, 200, true, true, 'POST', 'data', 'text/x' ],\n"
         "  [ 308, 200, true, true, 'POST', 'data', 'text/x' ],\n  'GET',\n  'PUT'\n]");
  Expect("const to = encodeURIComponent('/hello');"
         "const manual = await fetch(`${origin}/redirect/302?to=${to}`, { redirect: 'manual' });"
         "let error; try { await fetch(`${origin}/redirect/302?to=${to}`, { redirect: 'error' }); }"
         " catch (e) { error = e; }"
         "let loop; try { await fetch(`${origin}/redirect-loop`); } catch (e) { loop = e; }"
         "let scheme; try { await fetch(`${origin}/redirect/302?to=${encodeURIComponent('ftp://x/')}`); }"
         " catch (e) { scheme = e; }"
         "result = [manual.status, manual.headers.get('location'), manual.redirected,"
         " `${error}`, error.cause.message, `${loop}`, loop.cause.message, `${scheme}`,"
         " await manual.text()];",
         "[\n  302,\n  '/hello',\n  false,\n  'TypeError: fetch failed',\n"
         "  'unexpected redirect to /hello',\n  'TypeError: fetch failed',\n"
         "  'too many redirects',\n  'TypeError: fetch failed',\n  'redirecting'\n]");
  // Authorization, Cookie and Proxy-Authorization are dropped on a cross-origin redirect.
  Expect("const port = new URL(origin).port;"
         "const to = encodeURIComponent(`http://localhost:${port}/echo`);"
         "const headers = { Authorization: 'Basic x', Cookie: 'c=1', 'X-Kept': 'yes' };"
         "const cross = await (await fetch(`${origin}/redirect/302?to=${to}`, { headers })).json();"
         "const same = await (await fetch(`${origin}/redirect/302?to=%2Fecho`, { headers })).json();"
         "const names = (e) => e.headers.map(([k]) => k.toLowerCase()).filter((k) =>"
         " ['authorization', 'cookie', 'x-kept'].includes(k)).sort();"
         "result = [names(cross), names(same)];",
         "[ [ 'x-kept' ], [ 'authorization', 'cookie', 'x-kept' ] ]");
  ExpectNoResources();
}

TEST_F(FetchTest, ChunkedAndCompressedBodies) {
  Expect("const a = await (await fetch(`${origin}/chunked?parts=3`)).text();"
         "const r = await fetch(`${origin}/gzip`);"
         "const text = await r.text();"
         "result = [a, r.headers.get('content-encoding'), text.length,"
         " text.startsWith('compressed hello compressed')];",
         "[ 'part 0\\npart 1\\npart 2\\n', 'gzip', 17000, true ]");
}

TEST_F(FetchTest, KeepAliveReusesOneConnection) {
  Expect("const before = Number(await (await fetch(`${origin}/connections`)).text());"
         "for (let i = 0; i < 20; i++) await (await fetch(`${origin}/hello`)).text();"
         "const after = Number(await (await fetch(`${origin}/connections`)).text());"
         "result = after - before;",
         "0");
}

TEST_F(FetchTest, BigBodyStreamsWithBoundedMemory) {
  // 64 MiB read through the stream in the server's pattern, slowly at first: the
  // transfer pauses while nobody reads, so at most ~1 MiB is ever held for the body.
  Expect("const n = 64 * 1024 * 1024;"
         "const r = await fetch(`${origin}/bytes?n=${n}`);"
         "await new Promise((resolve) => setTimeout(resolve, 200));"
         "const reader = r.body.getReader(); let total = 0; let ok = true; let chunks = 0;"
         "let wholeBuffers = true;"
         "for (;;) { const { value, done } = await reader.read(); if (done) break;"
         "  for (let i = 0; i < value.length; i += 509) if (value[i] !== (total + i) % 251) ok = false;"
         "  if (value[value.length - 1] !== (total + value.length - 1) % 251) ok = false;"
         "  if (value.byteOffset !== 0) wholeBuffers = false;"
         "  total += value.length; chunks++; }"
         "const stats = kiln.ops.op_fetch_stats();"
         // Chunks read ahead while the script slept or handled the previous one are
         // handed over as they were (no copy): at least the first after the sleep.
         "result = [total === n, ok, stats.max_buffered <= (1 << 20) + 65536, chunks > 100,"
         "          wholeBuffers, stats.chunks_handed_over > 0];",
         "[ true, true, true, true, true, true ]");
  Expect("const n = 32 * 1024 * 1024 + 7;"
         "const a = await (await fetch(`${origin}/bytes-chunked?n=${n}`)).arrayBuffer();"
         "const v = new Uint8Array(a);"
         "result = [a.byteLength === n, v[n - 1] === (n - 1) % 251, v[1000] === 1000 % 251];",
         "[ true, true, true ]");
  ExpectNoResources();
}

TEST_F(FetchTest, Abort) {
  // Before the request: rejects with the signal's reason, nothing is sent.
  Expect("const c = new AbortController(); c.abort();"
         "try { await fetch(`${origin}/hello`, { signal: c.signal }); }"
         " catch (e) { result = [e.name, e instanceof DOMException]; }",
         "[ 'AbortError', true ]");
  // While waiting for the headers, with a custom reason.
  Expect("const c = new AbortController();"
         "setTimeout(() => c.abort(new Error('enough')), 50);"
         "try { await fetch(`${origin}/hang`, { signal: c.signal }); }"
         " catch (e) { result = e.message; }",
         "'enough'");
  // While reading the body (whole, and through the stream).
  Expect("const c = new AbortController();"
         "const r = await fetch(`${origin}/slow-body?ms=2000`, { signal: c.signal });"
         "setTimeout(() => c.abort(), 50);"
         "try { await r.text(); } catch (e) { result = [e.name]; }"
         "const c2 = new AbortController();"
         "const r2 = await fetch(`${origin}/slow-body?ms=2000`, { signal: c2.signal });"
         "const reader = r2.body.getReader();"
         "const first = await reader.read();"
         "c2.abort(new Error('stop'));"
         "try { await reader.read(); } catch (e) { result.push(first.value.length, e.message); }",
         "[ 'AbortError', 5, 'stop' ]");
  // After the headers, before anything reads the body: the body is errored with the reason,
  // whichever way it is read later.
  Expect("const c = new AbortController();"
         "const r = await fetch(`${origin}/slow-body?ms=2000`, { signal: c.signal });"
         "c.abort();"
         "try { await r.text(); } catch (e) { result = [e.name, e instanceof DOMException]; }"
         "const c2 = new AbortController();"
         "const r2 = await fetch(`${origin}/slow-body?ms=2000`, { signal: c2.signal });"
         "c2.abort(new Error('gone'));"
         "try { await r2.body.getReader().read(); } catch (e) { result.push(e.message); }"
         "const c3 = new AbortController();"
         "const r3 = await fetch(`${origin}/slow-body?ms=2000`, { signal: c3.signal });"
         "c3.abort(new Error('gone too'));"
         "try { await r3.arrayBuffer(); } catch (e) { result.push(e.message, r3.bodyUsed); }",
         "[ 'AbortError', true, 'gone', 'gone too', true ]");
  // Abort after the body was read changes nothing.
  Expect("const c = new AbortController();"
         "const r = await fetch(`${origin}/hello`, { signal: c.signal });"
         "const text = await r.text(); c.abort(); result = text;",
         "'hello world'");
  ExpectNoResources();
}

TEST_F(FetchTest, NetworkErrors) {
  Expect("try { await fetch('http://127.0.0.1:1/'); } catch (e) {"
         " result = [e.constructor.name, e.message, e.cause.code,"
         " e.cause.message.includes('127.0.0.1')]; }",
         "[ 'TypeError', 'fetch failed', 'CURLE_COULDNT_CONNECT', true ]");
  // A connection reset in the middle of the body.
  Expect("const r = await fetch(`${origin}/reset`);"
         "try { await r.text(); result = 'read'; } catch (e) {"
         " result = [e.constructor.name, typeof e.cause.code]; }",
         "[ 'TypeError', 'string' ]");
  Expect("const r = await fetch(`${origin}/reset`); const reader = r.body.getReader();"
         "try { for (;;) { const { done } = await reader.read(); if (done) break; }"
         " result = 'read'; } catch (e) { result = typeof e.code; }",
         "'string'");
  Expect("const out = [];"
         "for (const url of ['about:blank', 'ftp://x/', 'file:///etc/passwd']) {"
         "  try { await fetch(url); } catch (e) { out.push(`${e}: ${e.cause.message}`); } }"
         "result = out;",
         "[\n  'TypeError: fetch failed: fetching about: URLs is not supported',\n"
         "  'TypeError: fetch failed: fetching ftp: URLs is not supported',\n"
         "  'TypeError: fetch failed: fetching file: URLs is not supported'\n]");
  // Errors of the request fetch() makes name fetch, with or without init; a Request made
  // while converting init (by a getter) keeps its own prefix.
  Expect("try { await fetch('http://[bad'); } catch (e) { result = [`${e}`]; }"
         "try { await fetch('http://[bad', {}); } catch (e) { result.push(`${e}`); }"
         "try { await fetch('http://x/', { method: 'CONNECT' }); } catch (e) { result.push(`${e}`); }"
         "try { await fetch('http://x/', { get method() { new Request('http://[inner'); } }); }"
         " catch (e) { result.push(`${e}`); }",
         "[\n"
         "  \"TypeError: Failed to execute 'fetch' on 'Window': Failed to parse URL from http://[bad\",\n"
         "  \"TypeError: Failed to execute 'fetch' on 'Window': Failed to parse URL from http://[bad\",\n"
         "  \"TypeError: Failed to execute 'fetch' on 'Window': 'CONNECT' HTTP method is unsupported.\",\n"
         "  \"TypeError: Failed to construct 'Request': Failed to parse URL from http://[inner\"\n"
         "]");
  ExpectThrows("new Request('http://[bad')",
               "TypeError: Failed to construct 'Request': Failed to parse URL from http://[bad");
  ExpectNoResources();
}

TEST_F(FetchTest, DataUrls) {
  Expect("const a = await fetch('data:text/plain;charset=utf-8,hello%20there');"
         "const b = await fetch('data:;base64,aGk=');"
         "const c = await fetch('data:application/json,{\"a\":1}#frag');"
         "let bad; try { await fetch('data:;base64,a'); } catch (e) { bad = `${e}`; }"
         "result = [a.status, a.statusText, a.headers.get('content-type'), await a.text(),"
         " b.headers.get('content-type'), await b.text(), await c.json(), c.url, bad];",
         "[\n  200,\n  'OK',\n  'text/plain;charset=utf-8',\n  'hello there',\n"
         "  'text/plain;charset=US-ASCII',\n  'hi',\n  { a: 1 },\n"
         "  'data:application/json,{\"a\":1}',\n  'TypeError: fetch failed'\n]");
}

// Node's copy of web-platform-tests' data: URL cases (fetch/data-urls/resources).
TEST_F(FetchTest, DataUrlConformance) {
  auto cases = ReadFile("third_party/node_deps/wpt/fetch/data-urls/resources/data-urls.json");
  ASSERT_TRUE(cases.ok()) << cases.status();
  Expect("const cases = " + *cases + ";"
         "const failures = [];"
         "for (const [input, mime, bytes] of cases) {"
         "  try {"
         "    const r = await fetch(input);"
         "    const got = [...new Uint8Array(await r.arrayBuffer())];"
         "    if (mime === null || r.headers.get('content-type') !== mime ||"
         "        got.join() !== bytes.join()) failures.push(input);"
         "  } catch (e) { if (mime !== null) failures.push(`${input}: ${e}`); }"
         "}"
         "result = [cases.length > 50, failures];",
         "[ true, [] ]");
}

// Forgiving-base64 through data: URLs (web-platform-tests' base64.json cases).
TEST_F(FetchTest, DataUrlBase64Conformance) {
  auto cases = ReadFile("third_party/node_deps/wpt/fetch/data-urls/resources/base64.json");
  ASSERT_TRUE(cases.ok()) << cases.status();
  Expect("const cases = " + *cases + ";"
         "const failures = [];"
         "for (const [input, bytes] of cases) {"
         "  try {"
         "    const r = await fetch(`data:;base64,${input}`);"
         "    const got = [...new Uint8Array(await r.arrayBuffer())];"
         "    if (bytes === null || got.join() !== bytes.join()) failures.push(input);"
         "  } catch (e) { if (bytes !== null) failures.push(`${input}: ${e}`); }"
         "}"
         "result = [cases.length > 50, failures];",
         "[ true, [] ]");
}

TEST_F(FetchTest, StreamedUpload) {
  Expect("const parts = ['one ', 'two ', 'three'];"
         "const body = new ReadableStream({ pull(c) {"
         "  if (parts.length === 0) { c.close(); return; }"
         "  c.enqueue(new TextEncoder().encode(parts.shift())); } });"
         "const r = await fetch(`${origin}/echo`, { method: 'POST', body, duplex: 'half' });"
         "const e = await r.json(); result = [e.chunked, e.body];",
         "[ true, 'one two three' ]");
  // A body stream that errors aborts the request with a network error.
  Expect("const body = new ReadableStream({ pull(c) { c.error(new Error('broken')); } });"
         "try { await fetch(`${origin}/echo`, { method: 'POST', body, duplex: 'half' }); }"
         " catch (e) { result = `${e}`; }",
         "'TypeError: fetch failed'");
  ExpectNoResources();
}

// A Request made from a Request with a streamed body takes the body over ("creating a
// proxy"): fetch(new Request(...)) sends it; the input is used, and a stream a script took
// from it before is locked. A bytes body moves over whole.
TEST_F(FetchTest, RequestFromARequestSendsItsBody) {
  Expect("const stream = () => new ReadableStream({ start(c) {"
         "  c.enqueue(new TextEncoder().encode('one ')); c.enqueue(new TextEncoder().encode('two'));"
         "  c.close(); } });"
         "const direct = await (await fetch(new Request(`${origin}/echo`,"
         "  { method: 'POST', body: stream(), duplex: 'half' }))).json();"
         "const input = new Request(`${origin}/echo`, { method: 'POST', body: stream(), duplex: 'half' });"
         "const held = input.body;"
         "const copy = new Request(input);"
         "const state = [input.bodyUsed, held.locked, copy.bodyUsed];"
         "const proxied = await (await fetch(copy)).json();"
         "const bytes = new Request(`${origin}/echo`, { method: 'POST', body: 'three' });"
         "const moved = await (await fetch(new Request(bytes))).json();"
         "let again; try { new Request(bytes); } catch (e) { again = e.constructor.name; }"
         "result = [direct.body, state, proxied.body, bytes.bodyUsed, moved.body, again];",
         "[\n  'one two',\n  [ true, true, false ],\n  'one two',\n  true,\n  'three',\n"
         "  'TypeError'\n]");
  ExpectNoResources();
}

TEST_F(FetchTest, ManyRequestsInFlight) {
  Expect("const all = []; for (let i = 0; i < 1000; i++) all.push(fetch(`${origin}/hello`)"
         "  .then((r) => r.text()));"
         "const texts = await Promise.all(all);"
         "result = [texts.length, texts.every((t) => t === 'hello world')];",
         "[ 1000, true ]");
  ExpectNoResources();
}

TEST_F(FetchTest, ShutdownWithRequestsInFlight) {
  // The fixture's teardown checks that the runtime shuts down clean (no uv handle left).
  ExpectEval("fetch(`" + server_->origin() + "/hang`).catch(() => {});"
             "fetch(`" + server_->origin() + "/slow-body?ms=5000`).then((r) => r.body.getReader().read());"
             "typeof fetch",
             "'function'");
  ASSERT_TRUE(runtime().RunEventLoopOnce(false).ok());
}

TEST_F(FetchTest, UnreadBodyIsReleased) {
  // A response whose body nobody reads: its resource closes when the response is collected.
  Expect("await fetch(`${origin}/hello`);"
         "await new Promise((resolve) => setTimeout(resolve, 20));"
         "result = 'done';",
         "'done'");
}

TEST_F(FetchTest, Printing) {
  Sync("new Headers({ b: '2', a: '1' })", "Headers { a: '1', b: '2' }");
  Sync("new Headers({ 'Set-Cookie': 'a=1' })", "Headers { 'set-cookie': 'a=1' }");
}

// ---- HTTPS and HTTP/2: nginx (tools/setup installs nginx-light) with a test CA ----

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

bool CanConnect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  bool connected = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return connected;
}

// A CA and a certificate for 127.0.0.1 made with the openssl CLI, and nginx serving
// https://127.0.0.1:<port>/ with HTTP/2 from a temporary directory; stopped when destroyed.
class TlsServer {
 public:
  TlsServer() {
    dir_ = kiln::testing::TempDir() + "/tls";
    std::string d = dir_;
    std::string script =
        "set -e; mkdir -p " + d + "/www " + d + "/logs " + d + "/tmp; cd " + d + ";"
        "printf 'secure hello' > www/hello.txt;"
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1"
        " -subj /CN=kiln-test-ca -keyout ca.key -out ca.crt 2>/dev/null;"
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
        " -subj /CN=127.0.0.1 -keyout server.key -out server.csr 2>/dev/null;"
        "printf 'subjectAltName=IP:127.0.0.1' > san.cnf;"
        "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1"
        " -extfile san.cnf -out server.crt 2>/dev/null";
    ok_ = std::system(("/bin/sh -c \"" + script + "\"").c_str()) == 0;
    if (!ok_) return;
    port_ = FreePort();
    std::ofstream(d + "/nginx.conf")
        << (geteuid() == 0 ? "user root root; " : "") << "daemon off; master_process off; pid " << d << "/nginx.pid;\n"
        << "error_log " << d << "/logs/error.log warn;\n"
        << "events { worker_connections 64; }\n"
        << "http { access_log off; client_body_temp_path " << d << "/tmp/body;"
        << " proxy_temp_path " << d << "/tmp/proxy; fastcgi_temp_path " << d << "/tmp/fcgi;"
        << " uwsgi_temp_path " << d << "/tmp/uwsgi; scgi_temp_path " << d << "/tmp/scgi;\n"
        << " server { listen 127.0.0.1:" << port_ << " ssl http2;"
        << " ssl_certificate " << d << "/server.crt; ssl_certificate_key " << d << "/server.key;"
        << " root " << d << "/www; add_header X-Protocol $server_protocol;"
        << " location / { } } }\n";
    std::string prefix = d + "/";
    std::string conf = d + "/nginx.conf";
    std::string log = d + "/logs/error.log";
    const char* argv[] = {"/usr/sbin/nginx", "-p", prefix.c_str(), "-e", log.c_str(),
                          "-c", conf.c_str(), nullptr};
    ok_ = posix_spawn(&pid_, argv[0], nullptr, nullptr, const_cast<char**>(argv), environ) == 0;
    for (int i = 0; ok_ && i < 100 && !CanConnect(port_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ok_ = ok_ && CanConnect(port_);
  }
  ~TlsServer() {
    if (pid_ > 0) {
      kill(pid_, SIGQUIT);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool ok() const { return ok_; }
  int port() const { return port_; }
  std::string ca_file() const { return dir_ + "/ca.crt"; }
  std::string log() const {
    auto text = ReadFile(dir_ + "/logs/error.log");
    return text.ok() ? *text : std::string(text.status().message());
  }

 private:
  std::string dir_;
  bool ok_ = false;
  int port_ = 0;
  pid_t pid_ = 0;
};

TEST_F(FetchTest, HttpsAndHttp2) {
  TlsServer server;
  ASSERT_TRUE(server.ok()) << "needs openssl and nginx (tools/setup installs nginx-light): "
                           << server.log();
  std::string url = "https://127.0.0.1:" + std::to_string(server.port()) + "/hello.txt";
  // Not signed by a CA of the system store: verification fails.
  unsetenv("KILN_EXTRA_CA_CERTS");
  Expect("try { await fetch('" + url + "'); result = 'fetched'; } catch (e) {"
         " result = [e.message, e.cause.code]; }",
         "[ 'fetch failed', 'CURLE_PEER_FAILED_VERIFICATION' ]");
  // With the test CA added to the system store: HTTP/2 over TLS (ALPN).
  setenv("KILN_EXTRA_CA_CERTS", server.ca_file().c_str(), 1);
  Expect("const r = await fetch('" + url + "');"
         "const again = await fetch('" + url + "');"
         "result = [r.status, r.headers.get('x-protocol'), await r.text(), await again.text()];",
         "[ 200, 'HTTP/2.0', 'secure hello', 'secure hello' ]");
  unsetenv("KILN_EXTRA_CA_CERTS");
}

// ---- blob: URLs ----

TEST_F(FetchTest, BlobUrls) {
  Expect("const blob = new Blob(['test blob contents'], { type: 'image/png' });"
         "const url = URL.createObjectURL(blob);"
         "const other = URL.createObjectURL(new File(['x'], 'f'));"
         "const r = await fetch(url + '#fragment');"
         "result = [/^blob:null\\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/"
         "          .test(url), url !== other, new URL(url).origin, r.status, r.statusText,"
         "  r.headers.get('content-type'), r.headers.get('content-length'), r.url === url,"
         "  await r.text()];",
         "[\n  true,\n  true,\n  'null',\n  200,\n  'OK',\n  'image/png',\n  '18',\n"
         "  true,\n  'test blob contents'\n]");
}

TEST_F(FetchTest, BlobUrlRanges) {
  Expect("const url = URL.createObjectURL(new Blob(['0123456789']));"
         "const get = async (range) => {"
         "  try {"
         "    const r = await fetch(url, { headers: { range } });"
         "    return `${r.status} ${r.headers.get('content-range')} ${await r.text()}`;"
         "  } catch (e) { return `${e.name}: ${e.cause.message}`; }"
         "};"
         "result = [await get('bytes=2-4'), await get('bytes=-3'), await get('bytes=7-'),"
         "          await get('bytes=8-100'), await get('bytes=-100'), await get('bytes=5-2'),"
         "          await get('bytes=10-'), await get('items=1-2'), await get('bytes=1-2,4-5')];",
         "[\n  '206 bytes 2-4/10 234',\n  '206 bytes 7-9/10 789',\n  '206 bytes 7-9/10 789',\n"
         "  '206 bytes 8-9/10 89',\n  '206 bytes 0-9/10 0123456789',\n"
         "  'TypeError: invalid Range header',\n"
         "  \"TypeError: Range starts past the Blob's end\",\n"
         "  'TypeError: invalid Range header',\n  'TypeError: invalid Range header'\n]");
}

TEST_F(FetchTest, BlobUrlRevocationAndErrors) {
  Expect("const url = URL.createObjectURL(new Blob(['kept']));"
         "const request = new Request(url);"
         "const failure = async (promise) => {"
         "  try { await promise; return 'fetched'; } catch (e) { return e.cause.message; }"
         "};"
         "URL.revokeObjectURL(url + '#fragment');"  // not the same URL: nothing revoked
         "const before = await (await fetch(url)).text();"
         "URL.revokeObjectURL(url);"
         "URL.revokeObjectURL('not a url');"
         "URL.revokeObjectURL('https://example.com/');"
         "const errors = [];"
         "for (const f of [() => URL.createObjectURL('text'), () => URL.createObjectURL(),"
         "                 () => URL.revokeObjectURL()]) {"
         "  try { f(); errors.push('no error'); } catch (e) { errors.push(e.message); }"
         "}"
         "result = [before, await (await fetch(request)).text(), await failure(fetch(url)),"
         "          await failure(fetch(url + '?query')),"
         "          await failure(fetch(URL.createObjectURL(new Blob([])), { method: 'HEAD' })),"
         "          ...errors];",
         "[\n  'kept',\n  'kept',\n  'no Blob for this blob: URL (revoked or never created)',\n"
         "  'no Blob for this blob: URL (revoked or never created)',\n"
         "  'HEAD of a blob: URL',\n"
         "  \"Failed to execute 'createObjectURL' on 'URL': Overload resolution failed.\",\n"
         "  \"Failed to execute 'createObjectURL' on 'URL': 1 argument required, but only 0 "
         "present.\",\n"
         "  \"Failed to execute 'revokeObjectURL' on 'URL': 1 argument required, but only 0 "
         "present.\"\n]");
}

// ---- WebAssembly.compileStreaming / instantiateStreaming ----

TEST_F(FetchTest, WasmStreamingFromTheNetwork) {
  Expect("const { instance, module } = await WebAssembly.instantiateStreaming("
         "    fetch(`${origin}/wasm`));"
         "result = [module instanceof WebAssembly.Module, instance.exports.add(40, 2)];",
         "[ true, 42 ]");
  ExpectNoResources();
}

TEST_F(FetchTest, WasmStreamingFromAResponseObject) {
  Expect("const bytes = new Uint8Array(await (await fetch(`${origin}/wasm`)).arrayBuffer());"
         "const module = await WebAssembly.compileStreaming(new Response(bytes,"
         "    { headers: { 'Content-Type': ' APPLICATION/wasm ' } }));"
         "result = WebAssembly.Module.exports(module);",
         "[ { name: 'add', kind: 'function' } ]");
  ExpectNoResources();
}

TEST_F(FetchTest, WasmStreamingRejections) {
  // Each case rejects: a wrong or parametrised MIME type, a non-Response, a bad status, a
  // used body, invalid bytes, a rejected source.
  const char* kCases[][2] = {
      {"fetch(`${origin}/wasm?type=application/octet-stream`)",
       "TypeError: Failed to execute 'compile' on 'WebAssembly': Incorrect response MIME type. "
       "Expected 'application/wasm'."},
      {"fetch(`${origin}/wasm?type=application%2Fwasm%3Bx`)",
       "TypeError: Failed to execute 'compile' on 'WebAssembly': Incorrect response MIME type. "
       "Expected 'application/wasm'."},
      {"42",
       "TypeError: Failed to execute 'compile' on 'WebAssembly': An argument must be provided, "
       "which must be a Response or Promise<Response> object"},
      {"new Response('x', { status: 404, headers: { 'content-type': 'application/wasm' } })",
       "TypeError: Failed to execute 'compile' on 'WebAssembly': HTTP status code is not ok"},
      {"(async () => { const r = await fetch(`${origin}/wasm`); await r.arrayBuffer(); return r; })()",
       "TypeError: Failed to execute 'compile' on 'WebAssembly': The response body has already "
       "been used"},
      {"new Response(new Uint8Array([0, 97, 115]), { headers: { 'content-type': 'application/wasm' } })",
       "CompileError: WebAssembly.compileStreaming(): unexpected end of stream @+2"},
      {"Promise.reject(new RangeError('no source'))", "RangeError: no source"},
  };
  for (const auto& [source, expected] : kCases) {
    // A turned-down response's body stays readable; the test reads it (freeing a network
    // body's resources).
    Expect(std::string("const source = ") + source +
               "; try { await WebAssembly.compileStreaming(source); result = 'resolved'; } catch (e) {"
               " const got = `${e.name}: ${e.message}`;"
               " result = got === String.raw`" + expected + "` ? 'as expected' : got; }"
               "try { const r = await source; if (!r.bodyUsed) await r.arrayBuffer(); } catch {}",
           "'as expected'");
    ExpectNoResources();
  }
}

}  // namespace
}  // namespace kiln::fetch
