// The url extension: URL parsing, getters, setters, statics, errors, URLSearchParams and
// its link to URL, IDNA, WebIDL conversions and console output.
#include "ext/timers/timers_extension.h"
#include "ext/url/url_extension.h"
#include "ext/web/web_extension.h"
#include "ext/webidl/webidl_extension.h"

#include <string>

#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"
#include "kiln_snapshot.h"

namespace kiln::url {
namespace {

class UrlTest : public testing::RuntimeTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.extensions = {&extensions::timers(), &extensions::webidl(), &extensions::web(),
                          &extensions::url()};
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
TEST_F(UrlTest, ResolvesAgainstABaseAndNormalises) {
  ExpectEval("new URL('../x/./y?q#f', 'http://EXAMPLE.com:80/a/b/c').href",
             "'http://example.com/a/x/y?q#f'");
  ExpectEval("new URL('//other.org/p', 'https://a.com/').href", "'https://other.org/p'");
  ExpectEval("new URL('HTTP://[::1]:80/a b').href", "'http://[::1]/a%20b'");
  ExpectEval("new URL('http://0x7f.1/').hostname", "'127.0.0.1'");
  ExpectEval("new URL('file:///C:/x/../y').href", "'file:///C:/y'");
  ExpectEval("new URL('mailto:someone@example.com').pathname", "'someone@example.com'");
  // A URL object as input or base is converted with its toString (the href).
  ExpectEval("new URL('z', new URL('http://a/b/c')).href", "'http://a/b/z'");
  // Lone surrogates become U+FFFD (USVString), then percent-encoded.
  ExpectEval("new URL('http://x/\\uD800?\\uDC00#\\uD800').href",
             "'http://x/%EF%BF%BD?%EF%BF%BD#%EF%BF%BD'");
}

TEST_F(UrlTest, ComponentsOfUrlsWithoutSomeParts) {
  ExpectEval(R"js({
    const u = new URL('http://user@host/');
    [u.username, u.password, u.host, u.port, u.search, u.hash]
  })js",
             "[ 'user', '', 'host', '', '', '' ]");
  ExpectEval(R"js({
    const u = new URL('http://:secret@host:1/?#');
    [u.username, u.password, u.host, u.port, u.search, u.hash, u.href]
  })js",
             "[ '', 'secret', 'host:1', '1', '', '', 'http://:secret@host:1/?#' ]");
  ExpectEval(R"js({
    const u = new URL('sc:opaque path?q#h');
    [u.host, u.hostname, u.pathname, u.search, u.hash, u.origin]
  })js",
             "[ '', '', 'opaque path', '?q', '#h', 'null' ]");
  ExpectEval("new URL('file://host/share/x').host", "'host'");
}

TEST_F(UrlTest, Origins) {
  ExpectEval(R"js([
    new URL('https://a.com:443/x').origin,
    new URL('ws://a.com:81').origin,
    new URL('ftp://a.com').origin,
    new URL('file:///tmp/x').origin,
    new URL('blob:https://a.com:8443/uuid').origin,
    new URL('blob:ftp://a.com/uuid').origin,
    new URL('blob:not a url').origin,
    new URL('about:blank').origin,
  ])js",
             "[\n  'https://a.com',\n  'ws://a.com:81',\n  'ftp://a.com',\n  'null',\n"
             "  'https://a.com:8443',\n  'null',\n  'null',\n  'null'\n]");
}

TEST_F(UrlTest, HostnamesGoThroughIdna) {
  ExpectEval(R"js([
    new URL('https://例え.jp/').host,
    new URL('http://faß.ExAmple/').hostname,
    new URL('http://a\u00ADb.com').hostname,
    new URL('http://１２７.0.0.1/').hostname,
    new URL('http://xn--zca.de').hostname,
  ])js",
             "[\n  'xn--r8jz45g.jp',\n  'xn--fa-hia.example',\n  'ab.com',\n  '127.0.0.1',\n"
             "  'xn--zca.de'\n]");
  ExpectThrows("new URL('http://xn--a.com')",
               "TypeError: Failed to construct 'URL': Invalid URL: 'http://xn--a.com'");
  ExpectEval("{ const u = new URL('http://a/'); u.hostname = 'Bücher.DE'; u.href }",
             "'http://xn--bcher-kva.de/'");
}

TEST_F(UrlTest, InvalidUrlsThrowTypeErrorsWithNodesCode) {
  ExpectThrows("new URL('foo')", "TypeError: Failed to construct 'URL': Invalid URL: 'foo'");
  ExpectThrows("new URL('http://a b/')",
               "TypeError: Failed to construct 'URL': Invalid URL: 'http://a b/'");
  ExpectThrows("new URL('foo', 'bar')",
               "TypeError: Failed to construct 'URL': Invalid base URL: 'bar'");
  ExpectThrows("new URL('http://[::1', 'http://a/')",
               "TypeError: Failed to construct 'URL': Invalid URL: 'http://[::1' with base "
               "'http://a/'");
  ExpectEval(R"js({
    let e1, e2;
    try { new URL('foo'); } catch (e) { e1 = e; }
    try { new URL('x', 'bad'); } catch (e) { e2 = e; }
    [e1 instanceof TypeError, e1.code, e1.input, 'base' in e1, e2.code, e2.input, e2.base]
  })js",
             "[\n  true,\n  'ERR_INVALID_URL',\n  'foo',\n  false,\n  'ERR_INVALID_URL',\n"
             "  'x',\n  'bad'\n]");
  ExpectThrows("new URL()",
               "TypeError: Failed to construct 'URL': 1 argument required, but only 0 present.");
  ExpectThrows("URL('http://a')",
               "TypeError: Failed to construct 'URL': Please use the 'new' operator, this DOM "
               "object constructor cannot be called as a function.");
  ExpectThrows("new URL(Symbol())",
               "TypeError: Failed to construct 'URL': Argument 1 is a symbol, which cannot be "
               "converted to a string.");
  // undefined as base means no base (optional argument); null is the string 'null'.
  ExpectEval("new URL('http://a/', undefined).href", "'http://a/'");
  ExpectThrows("new URL('x', null)",
               "TypeError: Failed to construct 'URL': Invalid base URL: 'null'");
  // The input's toString runs, and its exception propagates.
  ExpectThrows("new URL({ toString() { throw new RangeError('mine'); } })", "RangeError: mine");
}

TEST_F(UrlTest, StaticParseAndCanParse) {
  ExpectEval(R"js([
    URL.parse('x'), URL.parse('x', 'http://a/b').href, URL.parse('http://a') instanceof URL,
    URL.canParse('x'), URL.canParse('x', 'http://a'), URL.canParse('http://a', 'bad'),
    URL.canParse('http://a/'), URL.parse.length, URL.canParse.length,
  ])js",
             "[ null, 'http://a/x', true, false, true, false, true, 1, 1 ]");
  ExpectThrows("URL.canParse()",
               "TypeError: Failed to execute 'canParse' on 'URL': 1 argument required, but only "
               "0 present.");
  ExpectThrows("URL.parse()",
               "TypeError: Failed to execute 'parse' on 'URL': 1 argument required, but only 0 "
               "present.");
  // A URL from URL.parse is a whole URL: setters and searchParams work.
  ExpectEval("{ const u = URL.parse('http://a/?x=1'); u.searchParams.append('y', '2'); u.href }",
             "'http://a/?x=1&y=2'");
}

TEST_F(UrlTest, SettersFollowTheStandard) {
  ExpectEval(R"js({
    const u = new URL('http://a.com/p?q#h');
    u.protocol = 'https:'; u.username = 'us er'; u.password = 'p@ss'; u.hostname = 'b.org';
    u.port = '8080'; u.pathname = '/x y'; u.search = 'k=v w'; u.hash = 'frag ment';
    u.href
  })js",
             "'https://us%20er:p%40ss@b.org:8080/x%20y?k=v%20w#frag%20ment'");
  ExpectEval(R"js({
    const u = new URL('http://a.com:99/');
    u.host = 'c.net:77'; const one = u.href;
    u.port = ''; const two = u.href;
    u.port = '80'; const three = u.href;
    u.port = '123abc'; const four = u.href;
    u.search = ''; u.hash = '';
    [one, two, three, four, u.href]
  })js",
             "[\n  'http://c.net:77/',\n  'http://c.net/',\n  'http://c.net/',\n"
             "  'http://c.net:123/',\n  'http://c.net:123/'\n]");
  ExpectEval("{ const u = new URL('http://a/'); u.href = 'https://b/c?d'; [u.host, u.search] }",
             "[ 'b', '?d' ]");
}

TEST_F(UrlTest, SettersIgnoreValuesTheStandardRefuses) {
  ExpectEval(R"js({
    const u = new URL('http://user@a.com:8080/p?q#h');
    const before = u.href;
    u.protocol = 'ht tp';       // not a scheme
    u.protocol = 'file';        // credentials and a port cannot go to file:
    u.port = '99999';           // out of range
    u.port = 'abc';             // not a number
    u.hostname = 'b.com:90';    // hostname takes no port
    u.host = '';                // a special URL needs a host
    u.hostname = 'a b';         // forbidden host code point
    [u.href === before, u.href]
  })js",
             "[ true, 'http://user@a.com:8080/p?q#h' ]");
  ExpectEval(R"js({
    const u = new URL('mailto:x@y');  // opaque path: no host, no credentials, fixed path
    u.host = 'z'; u.username = 'u'; u.port = '1'; u.pathname = '/other';
    u.href
  })js",
             "'mailto:x@y'");
  ExpectEval(R"js({
    const u = new URL('file:///tmp');
    u.username = 'u'; u.password = 'p'; u.port = '8';
    u.href
  })js",
             "'file:///tmp'");
  ExpectEval(R"js({
    const u = new URL('http://a/');
    let error;
    try { u.href = 'not a url'; } catch (e) { error = e; }
    [u.href, error instanceof TypeError, error.message, error.code]
  })js",
             "[\n  'http://a/',\n  true,\n"
             "  \"Failed to set the 'href' property on 'URL': Invalid URL: 'not a url'\",\n"
             "  'ERR_INVALID_URL'\n]");
}

TEST_F(UrlTest, IllegalInvocationAndSetterArguments) {
  ExpectThrows("Object.getOwnPropertyDescriptor(URL.prototype, 'href').get.call({})",
               "TypeError: Illegal invocation");
  ExpectThrows("Object.getOwnPropertyDescriptor(URL.prototype, 'search').set.call(1, 'x')",
               "TypeError: Illegal invocation");
  ExpectThrows("URL.prototype.toString.call(new URLSearchParams())",
               "TypeError: Illegal invocation");
  ExpectThrows("URL.prototype.toJSON.call(null)", "TypeError: Illegal invocation");
  ExpectThrows("URLSearchParams.prototype.get.call(new URL('http://a'), 'x')",
               "TypeError: Illegal invocation");
  ExpectThrows("Object.getOwnPropertyDescriptor(URLSearchParams.prototype, 'size').get.call({})",
               "TypeError: Illegal invocation");
  ExpectThrows("URLSearchParams.prototype.entries.call({})", "TypeError: Illegal invocation");
  ExpectThrows(
      "Object.getOwnPropertyDescriptor(URL.prototype, 'port').set.call(new URL('http://a'))",
      "TypeError: Failed to set the 'port' property on 'URL': 1 argument required, but only 0 "
      "present.");
  // A subclass instance is a URL.
  ExpectEval("{ class My extends URL {} new My('http://a/x').pathname }", "'/x'");
}

// URL and URLSearchParams are not [Serializable]: structuredClone refuses them, also deep
// in a graph, and the prototype chains stay WebIDL's.
TEST_F(UrlTest, StructuredCloneRefusesUrlsAndSearchParams) {
  ExpectEval(R"js(
    const outcome = (value) => {
      try { structuredClone(value); return 'cloned'; } catch (e) { return e.name; }
    };
    [outcome(new URL('http://a')), outcome(new URLSearchParams('a=1')),
     outcome({ list: [1, { url: new URL('http://b') }] }),
     outcome(new Map([['k', new URL('http://c').searchParams]])),
     outcome(new (class extends URL {})('http://e')),
     Object.getPrototypeOf(URL.prototype) === Object.prototype,
     Object.getPrototypeOf(URLSearchParams.prototype) === Object.prototype,
     new (class extends URL {})('http://d').href])js",
             "[\n  'DataCloneError',\n  'DataCloneError',\n  'DataCloneError',\n"
             "  'DataCloneError',\n  'DataCloneError',\n  true,\n  true,\n  'http://d/'\n]");
}

TEST_F(UrlTest, InterfaceShape) {
  ExpectEval(R"js([
    URL.length, URLSearchParams.length, URL.name,
    Object.prototype.toString.call(new URL('http://a')),
    Object.prototype.toString.call(new URLSearchParams()),
    Object.getOwnPropertyDescriptor(URL.prototype, 'href').enumerable,
    Object.getOwnPropertyDescriptor(URLSearchParams.prototype, 'append').enumerable,
    Object.getOwnPropertyDescriptor(globalThis, 'URL').enumerable,
    Object.keys(new URL('http://a')).length,
    typeof URL.createObjectURL,
    URLSearchParams.prototype[Symbol.iterator] === URLSearchParams.prototype.entries,
  ])js",
             "[\n  1,\n  0,\n  'URL',\n  '[object URL]',\n  '[object URLSearchParams]',\n"
             "  true,\n  true,\n  false,\n  0,\n  'undefined',\n  true\n]");
  ExpectEval("{ const u = new URL('http://a/?x'); u.searchParams === u.searchParams }", "true");
}

// The interface objects are API functions (ext/web/interface_object.h) with WebIDL's
// shape: Function.prototype as [[Prototype]], a read-only prototype, length and name.
TEST_F(UrlTest, InterfaceObjectsAreWebIdls) {
  ExpectEval(R"js({
    const attributes = (object, key) => {
      const d = Object.getOwnPropertyDescriptor(object, key);
      return `${d.writable} ${d.enumerable} ${d.configurable}`;
    };
    [Object.getPrototypeOf(URL) === Function.prototype,
     Object.getPrototypeOf(URLSearchParams) === Function.prototype,
     attributes(URL, 'prototype'), attributes(URLSearchParams, 'prototype'),
     attributes(URL, 'length'), attributes(URL, 'name'), URLSearchParams.name,
     attributes(URL.prototype, 'constructor'), URL.prototype.constructor === URL,
     // A strict-mode JavaScript function: no own arguments and caller (V8's API functions,
     // and so Chrome's interface objects, have them; Deno's URL class has not).
     Object.getOwnPropertyNames(URL).sort().join(),
     attributes(URL, 'parse'), attributes(URL.prototype, 'searchParams'),
     Function.prototype.toString.call(URLSearchParams)]
  })js",
             "[\n  true,\n  true,\n  'false false false',\n  'false false false',\n"
             "  'false false true',\n  'false false true',\n  'URLSearchParams',\n"
             "  'true false true',\n  true,\n"
             "  'canParse,length,name,parse,prototype',\n"
             "  'true true true',\n  'undefined true true',\n"
             "  'function URLSearchParams() { [native code] }'\n]");
  // Subclasses, and new.target other than the interface object.
  ExpectEval(R"js({
    class Page extends URL {
      constructor(path) { super(path, 'https://example.com/'); this.visits = 0; }
      get section() { return this.pathname.split('/')[1]; }
    }
    class Query extends URLSearchParams {}
    const page = new Page('docs/intro?x=1');
    const query = new Query('a=1&b=2');
    const other = Reflect.construct(URL, ['http://a/b'], Object);
    [page.href, page.section, page.visits, page.searchParams.get('x'), page instanceof URL,
     String(query), query.size, [...query.keys()].join(), query instanceof URLSearchParams,
     Object.getPrototypeOf(other) === Object.prototype, URL.prototype.toString.call(other),
     URL.parse('http://c/') instanceof URL, Page.parse('http://d/') instanceof Page]
  })js",
             "[\n  'https://example.com/docs/intro?x=1',\n  'docs',\n  0,\n  '1',\n  true,\n"
             "  'a=1&b=2',\n  2,\n  'a,b',\n  true,\n  true,\n  'http://a/b',\n  true,\n"
             "  false\n]");
  ExpectThrows("URL.call(new URL('http://a'), 'http://b')",
               "TypeError: Failed to construct 'URL': Please use the 'new' operator, this DOM "
               "object constructor cannot be called as a function.");
  ExpectThrows("{ class Bad extends URL { constructor() { super('nope'); } } new Bad() }",
               "TypeError: Failed to construct 'URL': Invalid URL: 'nope'");
}

// With every extension of the kiln command, so that the snapshot run uses the command's
// snapshot, which holds URL and URLSearchParams evaluated (their initializers and the
// callback the interface objects share).
class UrlInKilnSnapshotTest : public testing::RuntimeTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.extensions = snapshots::kiln_snapshot_extensions();
    if (testing::UsingSnapshots()) options.snapshot = &snapshots::kiln_snapshot();
    return options;
  }
};

TEST_F(UrlInKilnSnapshotTest, InterfaceObjectsWork) {
  EXPECT_EQ(runtime().from_snapshot(), testing::UsingSnapshots());
  ExpectEval(R"js({
    const url = new URL('/p?q=1', 'https://a.example');
    const clone = (value) => {
      try { structuredClone(value); return 'cloned'; } catch (e) { return e.name; }
    };
    [url.href, url.searchParams.get('q'), Object.getPrototypeOf(URL) === Function.prototype,
     clone(url), clone(new URLSearchParams('x=1')), new (class extends URL {})('http://b').host]
  })js",
             "[\n  'https://a.example/p?q=1',\n  '1',\n  true,\n  'DataCloneError',\n"
             "  'DataCloneError',\n  'b'\n]");
  ExpectThrows("URLSearchParams()",
               "TypeError: Failed to construct 'URLSearchParams': Please use the 'new' operator, "
               "this DOM object constructor cannot be called as a function.");
}

// URL and URLSearchParams are lazy globals (url_globals.js): non-enumerable, writable and
// configurable before and after the first read; the file extension's static operations are
// on URL whichever is evaluated first, url.js or blob_url.js.
TEST_F(UrlInKilnSnapshotTest, LazyGlobalsKeepTheirShapeAndGainFileStatics) {
  ExpectEval(R"js({
    const shape = (name) => {
      const d = Object.getOwnPropertyDescriptor(globalThis, name);
      return [typeof d.value, d.writable, d.enumerable, d.configurable].join(' ');
    };
    const before = shape('URLSearchParams');
    const statics = Object.keys(URL).join(',');
    const made = URL.createObjectURL(new Blob(['x'])).startsWith('blob:null/');
    [before, shape('URL'), statics, made, typeof URL.revokeObjectURL, URL.canParse('http://a')]
  })js",
             "[\n  'function true false true',\n  'function true false true',\n"
             "  'parse,canParse,createObjectURL,revokeObjectURL',\n  true,\n  'function',\n  true\n]");
}

TEST_F(UrlInKilnSnapshotTest, AnAssignmentBeforeTheFirstReadReplacesTheGlobal) {
  ExpectEval("URL = 1; [URL, typeof URLSearchParams]", "[ 1, 'function' ]");
}

TEST_F(UrlTest, SearchParamsFollowTheUrlAndUpdateIt) {
  ExpectEval(R"js({
    const u = new URL('http://a/?x=1&y=2#h');
    const p = u.searchParams;
    p.append('z', '3 4');
    const one = u.href;
    p.delete('x');
    const two = u.search;
    u.search = '?k=v&k=w';
    const three = p.getAll('k');
    u.href = 'http://b/?n=m';
    const four = [...p];
    p.delete('n');
    [one, two, three, four, u.href]
  })js",
             "[\n  'http://a/?x=1&y=2&z=3+4#h',\n  '?y=2&z=3+4',\n  [ 'v', 'w' ],\n"
             "  [ [ 'n', 'm' ] ],\n  'http://b/'\n]");
  // An empty list removes the query, and with it trailing spaces of an opaque path.
  ExpectEval(R"js({
    const u = new URL('data:space    ?test');
    u.searchParams.delete('test');
    u.href
  })js",
             "'data:space'");
  // The search setter's list is parsed from its input (less '?'), also when searchParams
  // is first used after it.
  ExpectEval(R"js({
    const a = new URL('http://a/'); const p = a.searchParams; a.search = '?x\ty=1';
    const b = new URL('http://a/'); b.search = '?x\ty=1';
    [a.href, p.get('x\ty'), b.searchParams.get('x\ty')]
  })js",
             "[ 'http://a/?xy=1', '1', '1' ]");
  ExpectEval(R"js({
    const u = new URL('http://a/?b=2&a=1&b=1');
    u.searchParams.sort(); u.searchParams.set('a', 'é');
    u.search = ''; const empty = u.searchParams.size;
    [u.href, empty]
  })js",
             "[ 'http://a/', 0 ]");
}

TEST_F(UrlTest, SearchParamsConstructors) {
  ExpectEval(R"js([
    new URLSearchParams('?a=1&b=2&&a=3').toString(),
    new URLSearchParams('??a=1').toString(),
    new URLSearchParams([['a', '1'], ['b', 2]]).toString(),
    new URLSearchParams({ b: 'x', a: 'y' }).toString(),
    new URLSearchParams(new URLSearchParams('c=d')).toString(),
    new URLSearchParams(new Map([['m', 'n']])).toString(),
    new URLSearchParams().toString(),
    new URLSearchParams(undefined).size,
    new URLSearchParams(null).toString(),
    new URLSearchParams(123).toString(),
  ])js",
             "[\n  'a=1&b=2&a=3', '%3Fa=1',\n  'a=1&b=2',     'b=x&a=y',\n"
             "  'c=d',         'm=n',\n  '',            0,\n  'null=',       '123='\n]");
  ExpectThrows("new URLSearchParams([['a', 'b', 'c']])",
               "TypeError: Failed to construct 'URLSearchParams': Sequence initializer must only "
               "contain pair elements (element 0 has 3)");
  ExpectThrows("new URLSearchParams([1])",
               "TypeError: Failed to construct 'URLSearchParams': Argument 1, index 0 can not be "
               "converted to sequence.");
  ExpectThrows("new URLSearchParams({ [Symbol.iterator]: 1 })",
               "TypeError: Failed to construct 'URLSearchParams': The provided value's "
               "@@iterator is not a function.");
  ExpectThrows("URLSearchParams()",
               "TypeError: Failed to construct 'URLSearchParams': Please use the 'new' "
               "operator, this DOM object constructor cannot be called as a function.");
}

TEST_F(UrlTest, UrlencodedParsingAndSerializing) {
  ExpectEval(R"js({
    const p = new URLSearchParams('a+b=c+d&%zz=%4&%C3%A9=%E2%82%AC&bad=%C3&%F0%9F%98%80=x&eq==&k');
    [...p]
  })js",
             "[\n  [ 'a b', 'c d' ],\n  [ '%zz', '%4' ],\n  [ 'é', '€' ],\n"
             "  [ 'bad', '\xEF\xBF\xBD' ],\n  [ '😀', 'x' ],\n  [ 'eq', '=' ],\n"
             "  [ 'k', '' ]\n]");
  ExpectEval(R"js({
    const p = new URLSearchParams('x=%C3%28%E2%82&y=%ED%A0%80z&w=%C3é');
    const codes = (s) => [...s].map((c) => c.codePointAt(0).toString(16));
    [codes(p.get('x')), codes(p.get('y')), codes(p.get('w'))]
  })js",
             "[\n  [ 'fffd', '28', 'fffd' ],\n  [ 'fffd', 'fffd', 'fffd', '7a' ],\n"
             "  [ 'fffd', 'e9' ]\n]");
  ExpectEval(R"js(new URLSearchParams([
    ['sp ace', "!'()~*-._"], ['é😀', '&=+%'], ['\uD800', 'x'],
  ]).toString())js",
             "'sp+ace=%21%27%28%29%7E*-._&%C3%A9%F0%9F%98%80=%26%3D%2B%25&%EF%BF%BD=x'");
}

TEST_F(UrlTest, SearchParamsMethods) {
  ExpectEval(R"js({
    const p = new URLSearchParams('a=1&b=2&a=3&c=4');
    const r = [p.get('a'), p.get('z'), p.getAll('a'), p.has('b'), p.has('a', '3'),
               p.has('a', '9'), p.size];
    p.delete('a', '1'); r.push(p.toString());
    p.set('a', 'x'); r.push(p.toString());
    p.set('new', 'y'); r.push(p.toString());
    p.delete('a'); r.push(p.toString());
    r
  })js",
             "[\n  '1',\n  null,\n  [ '1', '3' ],\n  true,\n  true,\n  false,\n  4,\n"
             "  'b=2&a=3&c=4',\n  'b=2&a=x&c=4',\n  'b=2&a=x&c=4&new=y',\n  'b=2&c=4&new=y'\n]");
  // sort: stable, by UTF-16 code units (U+FFFD sorts after the surrogates of U+1F600).
  ExpectEval(R"js({
    const p = new URLSearchParams([['\uFFFD', '1'], ['\u{1F600}', '2'], ['b', '1'], ['a', 'x'],
                                   ['b', '0'], ['a', 'y']]);
    p.sort();
    [...p.keys()].map((k) => k.codePointAt(0).toString(16)).concat([...p.values()])
  })js",
             "[\n  '61', '61',    '62',\n  '62', '1f600', 'fffd',\n  'x',  'y',     '1',\n"
             "  '0',  '2',     '1'\n]");
  ExpectThrows("new URLSearchParams().append('a')",
               "TypeError: Failed to execute 'append' on 'URLSearchParams': 2 arguments required, "
               "but only 1 present.");
  ExpectThrows("new URLSearchParams().set('a')",
               "TypeError: Failed to execute 'set' on 'URLSearchParams': 2 arguments required, "
               "but only 1 present.");
  ExpectThrows("new URLSearchParams().get()",
               "TypeError: Failed to execute 'get' on 'URLSearchParams': 1 argument required, "
               "but only 0 present.");
  ExpectThrows("new URLSearchParams().has()",
               "TypeError: Failed to execute 'has' on 'URLSearchParams': 1 argument required, "
               "but only 0 present.");
  ExpectThrows("new URLSearchParams().delete()",
               "TypeError: Failed to execute 'delete' on 'URLSearchParams': 1 argument required, "
               "but only 0 present.");
  ExpectThrows("new URLSearchParams().getAll()",
               "TypeError: Failed to execute 'getAll' on 'URLSearchParams': 1 argument "
               "required, but only 0 present.");
}

TEST_F(UrlTest, SearchParamsIteration) {
  ExpectEval(R"js({
    const p = new URLSearchParams('a=1&b=2');
    const seen = [];
    p.forEach(function (value, key, object) {
      seen.push(`${key}:${value}:${object === p}:${this.t}`);
    }, { t: 'this' });
    const iterator = p.entries();
    const first = iterator.next().value;
    p.append('c', '3');  // iterators see entries added while iterating
    const rest = [...iterator];
    [seen, first, rest, [...p.keys()], [...p.values()],
     Object.prototype.toString.call(iterator)]
  })js",
             "[\n  [ 'a:1:true:this', 'b:2:true:this' ],\n  [ 'a', '1' ],\n"
             "  [ [ 'b', '2' ], [ 'c', '3' ] ],\n  [ 'a', 'b', 'c' ],\n  [ '1', '2', '3' ],\n"
             "  '[object URLSearchParams Iterator]'\n]");
  ExpectThrows("new URLSearchParams().forEach(1)",
               "TypeError: Failed to execute 'forEach' on 'URLSearchParams': Argument 1 is not of "
               "type 'Function'.");
}

TEST_F(UrlTest, ConsoleFormLikeNode) {
  ExpectEval("new URLSearchParams('a=1&b=2&a=3')",
             "URLSearchParams { 'a' => '1', 'b' => '2', 'a' => '3' }");
  ExpectEval("new URLSearchParams()", "URLSearchParams {}");
  ExpectEval("({ a: { b: { c: new URLSearchParams('a=1') } } })",
             "{ a: { b: { c: [Object] } } }");
  ExpectEval("({ a: { b: { c: new URL('http://x') } } })", "{ a: { b: { c: URL {} } } }");
  ExpectEval(
      "new URLSearchParams("
      "'aaaaaaaaaaaaaaaaa=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&ccccccccccccccccccccccccccc=ddddd"
      "dddddddddddddddddddd')",
      "URLSearchParams {\n  'aaaaaaaaaaaaaaaaa' => 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',\n"
      "  'ccccccccccccccccccccccccccc' => 'ddddddddddddddddddddddddd' }");
  ExpectEval("new URL('https://user:pw@例え.jp:8080/p/a?x=1&y=%20#h')",
             "URL {\n"
             "  href: 'https://user:pw@xn--r8jz45g.jp:8080/p/a?x=1&y=%20#h',\n"
             "  origin: 'https://xn--r8jz45g.jp:8080',\n"
             "  protocol: 'https:',\n"
             "  username: 'user',\n"
             "  password: 'pw',\n"
             "  host: 'xn--r8jz45g.jp:8080',\n"
             "  hostname: 'xn--r8jz45g.jp',\n"
             "  port: '8080',\n"
             "  pathname: '/p/a',\n"
             "  search: '?x=1&y=%20',\n"
             "  searchParams: URLSearchParams { 'x' => '1', 'y' => ' ' },\n"
             "  hash: '#h'\n"
             "}");
}

TEST_F(UrlTest, OpsCheckTheirArguments) {
  ExpectThrows("kiln.ops.op_url_parse(new Int32Array(2), 'http://a')",
               "TypeError: url components: expected an Int32Array of 9 entries");
  ExpectThrows("kiln.ops.op_url_parse(new Uint32Array(9), 'http://a')",
               "TypeError: url components: expected an Int32Array of 9 entries");
  ExpectThrows("kiln.ops.op_url_parse(new Int32Array(9), 1)",
               "TypeError: op_url_parse: expected a string");
  ExpectThrows("kiln.ops.op_url_parse_with_base(new Int32Array(9), 'x', null)",
               "TypeError: op_url_parse_with_base: expected strings");
  ExpectThrows("kiln.ops.op_url_update(new Int32Array(9), 'http://a/', 9, 'x')",
               "RangeError: op_url_update: no URL setter 9");
  ExpectThrows("kiln.ops.op_url_update(new Int32Array(9), 'not a url', 0, 'x')",
               "TypeError: op_url_update: the href is not a valid URL");
  ExpectThrows("kiln.ops.op_url_clone_object('x')",
               "TypeError: op_url_clone_object: expected an object");
  // An omitted port, search or hash reads as -1 from the Int32Array.
  ExpectEval(R"js({
    const c = new Int32Array(9);
    const href = kiln.ops.op_url_parse(c, 'https://u:p@h.com:81/p?s#f');
    const before = Array.from(c);
    const shifted = new Int32Array(new ArrayBuffer(48), 8, 9);
    const other = kiln.ops.op_url_parse(shifted, 'HTTP://h/');
    [href, before.join(), other, Array.from(shifted).join()]
  })js",
             "[\n  'https://u:p@h.com:81/p?s#f',\n  '6,9,11,17,81,20,22,24,2',\n"
             "  'http://h/',\n  '5,7,7,8,-1,8,-1,-1,0'\n]");
}

// The parse ops return an ASCII input that is already its href as it is, make the href
// otherwise, and keep the last base they parsed: a different base, an equal one made
// anew, a non-ASCII one and an invalid one all resolve as they would alone.
TEST_F(UrlTest, ParseOpsReuseInputsAndBases) {
  ExpectEval(R"js({
    const c = new Int32Array(9);
    const p = (input, base) => base === undefined ? kiln.ops.op_url_parse(c, input)
                                                  : kiln.ops.op_url_parse_with_base(c, input, base);
    [p('https://a.example/x'), p('https://A.example/x'), p('y', 'https://a.example/x/'),
     p('y', 'https://a.example/x/'), p('y', 'https://a.example/' + 'z/'),
     p('y', 'https://b.\u00e9xample/'), p('y', 'nope'), p('y', 'https://a.example/x/'),
     p('\u00e9'), p('#q', 'data:,' + 'x'.repeat(5000)).length]
  })js",
             "[\n  'https://a.example/x',\n  'https://a.example/x',\n"
             "  'https://a.example/x/y',\n  'https://a.example/x/y',\n"
             "  'https://a.example/z/y',\n  'https://b.xn--xample-9ua/y',\n  null,\n"
             "  'https://a.example/x/y',\n  null,\n  5008\n]");
}

}  // namespace
}  // namespace kiln::url
