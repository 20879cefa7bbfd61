// TextEncoder and TextDecoder: every encoding family, streaming split at every position,
// BOM handling, fatal mode, lone surrogates, argument errors, detached and shared buffers,
// console output; the web-platform-tests of encoding/ (through testharness.js in the
// runtime) and, for the legacy multi-byte encodings, WPT's reference decoders compared on
// every one- and two-byte input.
#include "ext/encoding/encoding_extension.h"
#include "ext/encoding/encoding_extensions_snapshot.h"
#include "ext/webidl/webidl_extension.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"
#include "v8-array-buffer.h"

namespace kiln::encoding {
namespace {

constexpr char kWpt[] = "third_party/node_deps/wpt/";

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  EXPECT_TRUE(file.good()) << "cannot read " << path;
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

class EncodingTest : public testing::RuntimeTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.extensions = {&extensions::encoding(), &extensions::webidl()};
    if (testing::UsingSnapshots()) options.snapshot = &snapshots::encoding_extensions_snapshot();
    return options;
  }
  // Each check in its own block scope, so checks of one test may reuse names.
  void Expect(const std::string& code, const std::string& expected) {
    ExpectEval("{" + code + "\n}", expected);
  }
  void Throws(const std::string& code, const std::string& expected) {
    ExpectThrows("{" + code + "\n}", expected);
  }
  void Detach(const std::string& expression) {
    Result<v8::Global<v8::Value>> value = runtime().Eval(expression);
    ASSERT_TRUE(value.ok());
    v8::Isolate* isolate = runtime().isolate();
    v8::Isolate::Scope isolate_scope(isolate);
    v8::HandleScope scope(isolate);
    value.value().Get(isolate).As<v8::ArrayBuffer>()->Detach();
  }
  // Runs a WPT test file (its META scripts first) under testharness.js and returns
  // "<passed>/<total>" followed by the names of the failed tests that are not in
  // `unsupported` (tests that need XMLHttpRequest, MessageChannel or a document).
  std::string RunWpt(const std::string& file, const std::vector<std::string>& unsupported = {},
                     const std::string& search = "") {
    std::string test = ReadFile(kWpt + file);
    std::string script = "globalThis.self = globalThis;\nglobalThis.location = { search: '" +
                         search + "' };\n" + ReadFile(std::string(kWpt) +
                                                      "resources/testharness.js");
    std::string unsupported_list = "[";
    for (const std::string& name : unsupported) unsupported_list += "'" + name + "',";
    unsupported_list += "]";
    script += R"js(
      add_completion_callback((tests, status) => {
        const unsupported = )js" + unsupported_list + R"js(;
        const passed = tests.filter((t) => t.status === 0).length;
        const failed = tests.filter((t) => t.status !== 0 &&
                                           !unsupported.some((u) => t.name.includes(u)));
        const skipped = tests.length - passed - failed.length;
        globalThis.wptResult = `${passed}/${tests.length} passed` +
            (skipped > 0 ? `, ${skipped} unsupported here` : '') +
            failed.map((t) => `; FAIL ${t.name}: ${t.message}`).join('') +
            (status.status !== 0 ? `; harness: ${status.message}` : '');
      });
    )js";
    std::string directory = file.substr(0, file.rfind('/') + 1);
    std::istringstream lines(test);
    for (std::string line; std::getline(lines, line);) {
      const std::string meta = "// META: script=";
      if (line.rfind(meta, 0) != 0) continue;
      std::string path = line.substr(meta.size());
      script += ReadFile(path[0] == '/' ? kWpt + path.substr(1) : kWpt + directory + path);
    }
    script += test;
    return RunLoopThenEval(script, "globalThis.wptResult");
  }
  // WPT's JavaScript reference decoders (the standard's algorithms over its indexes) against
  // TextDecoder on every one- and two-byte input (and EUC-JP's three-byte 0x8F sequences):
  // the mismatches, as "<bytes>: kiln <code points> whatwg <code points>".
  // `summary` is an expression over `mismatches`, the value returned.
  std::string CompareWithReference(const std::string& label,
                                   const std::string& function,
                                   const std::vector<std::string>& files,
                                   const std::string& summary =
                                       "`${mismatches.length} mismatches ${mismatches.slice(0, 10)}`") {
    std::string script;
    for (const std::string& file : files) script += ReadFile(kWpt + file) + "\n";
    script += "globalThis.label = '" + label + "'; globalThis.reference = " + function + ";\n";
    script += R"js(
      const hex = (bytes) => bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
      const show = (s) => [...s].map((c) => c.codePointAt(0).toString(16)).join(',');
      const inputs = [];
      for (let a = 0; a < 256; a++) inputs.push([a]);
      for (let a = 0x80; a < 256; a++) for (let b = 0; b < 256; b++) inputs.push([a, b]);
      if (label === 'euc-jp') {
        for (let b = 0xA1; b < 0xFF; b++) for (let c = 0xA1; c < 0xFF; c++) inputs.push([0x8F, b, c]);
      }
      const mismatches = [];
      for (const bytes of inputs) {
        const mine = new TextDecoder(label).decode(new Uint8Array(bytes));
        const expected = reference(hex(bytes));
        if (mine !== expected) mismatches.push(`${hex(bytes)}: kiln ${show(mine)} whatwg ${show(expected)}`);
      }
    )js" + summary;
    return EvalOrError(script);
  }
};

TEST_F(EncodingTest, GlobalsAndInterfaces) {
  Expect("[typeof TextEncoder, typeof TextDecoder, Object.keys(globalThis).includes('TextEncoder')]",
         "[ 'function', 'function', false ]");
  Expect("[Object.prototype.toString.call(new TextEncoder()),"
         " Object.prototype.toString.call(new TextDecoder())]",
         "[ '[object TextEncoder]', '[object TextDecoder]' ]");
  Expect("Object.keys(TextDecoder.prototype).sort()",
         "[ 'decode', 'encoding', 'fatal', 'ignoreBOM' ]");
  Expect("Object.keys(TextEncoder.prototype).sort()", "[ 'encode', 'encodeInto', 'encoding' ]");
  Throws("TextDecoder.prototype.decode.call({}, new Uint8Array(1))", "TypeError: Illegal invocation");
  Throws("Object.getOwnPropertyDescriptor(TextDecoder.prototype, 'encoding').get.call("
         "new TextEncoder())", "TypeError: Illegal invocation");
  Throws("TextEncoder.prototype.encode.call(Object.create(TextEncoder.prototype), 'x')",
         "TypeError: Illegal invocation");
  Throws("TextDecoder()", "TypeError: Class constructor TextDecoder cannot be invoked without 'new'");
}

TEST_F(EncodingTest, ConsoleOutputMatchesNode) {
  Expect("new TextEncoder()", "{ encoding: 'utf-8' }");
  Expect("new TextDecoder()", "TextDecoder { encoding: 'utf-8', fatal: false, ignoreBOM: false }");
  Expect("new TextDecoder(' SJIS ', { fatal: 1, ignoreBOM: 'yes' })",
         "TextDecoder { encoding: 'shift_jis', fatal: true, ignoreBOM: true }");
  Expect("[new TextEncoder()]", "[ { encoding: 'utf-8' } ]");
}

TEST_F(EncodingTest, EncodeWritesUtf8WithLoneSurrogatesReplaced) {
  Expect("Array.from(new TextEncoder().encode('a\\u00e9\\u20ac\\u{1F600}'))",
         "[\n   97, 195, 169, 226,\n  130, 172, 240, 159,\n  152, 128\n]");
  Expect("Array.from(new TextEncoder().encode('\\uD800x\\uDC00\\uDBFF'))",
         "[\n  239, 191, 189, 120,\n  239, 191, 189, 239,\n  191, 189\n]");
  Expect("const e = new TextEncoder(); [e.encoding, e.encode().length, e.encode(undefined).length,"
         " String.fromCharCode(...e.encode(null)), String.fromCharCode(...e.encode(12.5))]",
         "[ 'utf-8', 0, 0, 'null', '12.5' ]");
  // One-byte strings: ASCII is copied as is, Latin-1 above 0x7F takes two bytes.
  Expect("const e = new TextEncoder(); const a = e.encode('x'.repeat(100000));"
         " const l = e.encode('\\u00ff'.repeat(3));"
         " [a.length, a.buffer.byteLength, a[99999], Array.from(l)]",
         "[ 100000, 100000, 120, [ 195, 191, 195, 191, 195, 191 ] ]");
  Expect("const r = new TextEncoder().encode('\\u0100'); [r.constructor.name, r.byteOffset,"
         " r.buffer.byteLength]", "[ 'Uint8Array', 0, 2 ]");
  Throws("new TextEncoder().encode(Symbol())",
         "TypeError: Failed to execute 'encode' on 'TextEncoder': Argument 1 is a symbol, which "
         "cannot be converted to a string.");
}

TEST_F(EncodingTest, EncodeIntoNeverSplitsACodePoint) {
  Expect("const e = new TextEncoder(); const u = new Uint8Array(4);"
         " [e.encodeInto('\\u{1F600}A', u), e.encodeInto('\\u{1F600}', new Uint8Array(3)),"
         "  e.encodeInto('A\\u00e9', new Uint8Array(2)), e.encodeInto('\\uD800\\uD800', u)]",
         "[\n  { read: 2, written: 4 },\n  { read: 0, written: 0 },\n  { read: 1, written: 1 },"
         "\n  { read: 1, written: 3 }\n]");
  // Bytes after `written` are left alone; a view at an offset is written at its offset.
  Expect("const b = new Uint8Array(8).fill(7); const r = new TextEncoder().encodeInto('\\u20acz',"
         " b.subarray(2, 6)); [r, Array.from(b)]",
         "[\n  { read: 2, written: 4 },\n  [\n      7,   7, 226, 130,\n    172, 122,   7,   7\n  ]\n]");
  Expect("const s = new Uint8Array(new SharedArrayBuffer(4));"
         " [new TextEncoder().encodeInto('hi', s), Array.from(s)]",
         "[ { read: 2, written: 2 }, [ 104, 105, 0, 0 ] ]");
  Throws("new TextEncoder().encodeInto('x')",
         "TypeError: Failed to execute 'encodeInto' on 'TextEncoder': 2 arguments required, but "
         "only 1 present.");
  Throws("new TextEncoder().encodeInto('x', new Uint8ClampedArray(2))",
         "TypeError: Failed to execute 'encodeInto' on 'TextEncoder': parameter 2 is not of type "
         "'Uint8Array'.");
  Throws("new TextEncoder().encodeInto('x', new ArrayBuffer(2))",
         "TypeError: Failed to execute 'encodeInto' on 'TextEncoder': parameter 2 is not of type "
         "'Uint8Array'.");
}

TEST_F(EncodingTest, EncodeIntoADetachedBufferWritesNothing) {
  ExpectEval("globalThis.buffer = new ArrayBuffer(8); globalThis.view = new Uint8Array(buffer);"
             " 0", "0");
  Detach("buffer");
  Expect("new TextEncoder().encodeInto('test', view)", "{ read: 0, written: 0 }");
}

TEST_F(EncodingTest, LabelsResolveCaseInsensitivelyWithWhitespaceTrimmed) {
  Expect("['utf8', ' \\t\\n\\f\\rUnicode-1-1-UTF-8 ', 'latin1', 'ascii', 'UTF-16', 'ucs-2',"
         " 'unicodefffe', 'x-sjis', 'GB2312', 'koi8-ru', 'iso-8859-8-i', 'x-user-defined',"
         " 'cseucpkdfmtjapanese', 'ks_c_5601-1989', 'big5-hkscs', 'dos-874']"
         ".map((l) => new TextDecoder(l).encoding).join()",
         "'utf-8,utf-8,windows-1252,windows-1252,utf-16le,utf-16le,utf-16be,shift_jis,gbk,"
         "koi8-u,iso-8859-8-i,x-user-defined,euc-jp,euc-kr,big5,windows-874'");
  Throws("new TextDecoder('x')",
         "RangeError: Failed to construct 'TextDecoder': The encoding label provided ('x') is "
         "invalid.");
  Throws("new TextDecoder(' utf-7 ')",
         "RangeError: Failed to construct 'TextDecoder': The encoding label provided (' utf-7 ') "
         "is invalid.");
  // The replacement encoding's labels name no decoder TextDecoder offers.
  for (const char* label : {"replacement", "iso-2022-kr", "hz-gb-2312", "iso-2022-cn-ext"}) {
    Throws(std::string("new TextDecoder('") + label + "')",
           std::string("RangeError: Failed to construct 'TextDecoder': The encoding label "
                       "provided ('") + label + "') is invalid.");
  }
  // Non-ASCII whitespace is not trimmed; U+0130 does not lowercase to 'i'.
  Throws("new TextDecoder('\\u00a0utf-8')",
         "RangeError: Failed to construct 'TextDecoder': The encoding label provided "
         "('\xC2\xA0utf-8') is invalid.");
  Throws("new TextDecoder('utf-8', 5)",
         "TypeError: Failed to construct 'TextDecoder': Argument 2 can not be converted to "
         "'TextDecoderOptions'.");
  Expect("new TextDecoder(undefined, null).encoding", "'utf-8'");
}

TEST_F(EncodingTest, DecodeAcceptsEveryBufferSourceAndRejectsOtherTypes) {
  Expect("const d = new TextDecoder(); const b = new TextEncoder().encode('h\\u00e9llo').buffer;"
         " [d.decode(b), d.decode(new DataView(b, 1, 2)), d.decode(new Uint16Array(b, 0, 2)),"
         "  d.decode(new Uint8Array(b).subarray(3)), d.decode(), d.decode(undefined),"
         "  d.decode(new Float64Array(0))]",
         "[ 'héllo', 'é', 'hél', 'llo', '', '', '' ]");
  Expect("const s = new SharedArrayBuffer(3); new Uint8Array(s).set([0x61, 0x62, 0x63]);"
         " [new TextDecoder().decode(s), new TextDecoder().decode(new Uint8Array(s, 1))]",
         "[ 'abc', 'bc' ]");
  for (const char* input : {"'abc'", "null", "[97]", "{}", "12"}) {
    Throws(std::string("new TextDecoder().decode(") + input + ")",
           "TypeError: Failed to execute 'decode' on 'TextDecoder': parameter 1 is not of type "
           "'(ArrayBuffer or ArrayBufferView)'.");
  }
  Throws("new TextDecoder().decode(new Uint8Array(1), 3)",
         "TypeError: Failed to execute 'decode' on 'TextDecoder': Argument 2 can not be "
         "converted to 'TextDecodeOptions'.");
}

TEST_F(EncodingTest, DecodeOfADetachedBufferIsEmpty) {
  ExpectEval("globalThis.buffer = new Uint8Array([0x61, 0x62]).buffer;"
             " globalThis.view = new Uint8Array(buffer, 1); 0", "0");
  Detach("buffer");
  Expect("const d = new TextDecoder('utf-8', { fatal: true });"
         " [d.decode(buffer), d.decode(view), d.decode(view, { stream: true }), d.decode()]",
         "[ '', '', '', '' ]");
}

TEST_F(EncodingTest, Utf8ReplacesEachMaximalSubpartWithOneReplacementCharacter) {
  Expect("const d = new TextDecoder(); const h = (...b) => escape(d.decode(new Uint8Array(b)));"
         " [h(0xC0, 0x80), h(0xE0, 0x80, 0x41), h(0xED, 0xA0, 0x80), h(0xF4, 0x90, 0x80, 0x80),"
         "  h(0xF0, 0x9F, 0x98), h(0xF0, 0x9F, 0x98, 0x41), h(0xE2, 0x82), h(0xFF, 0xFE, 0x41),"
         "  h(0xC3, 0xA9, 0xE2, 0x82, 0xAC)]",
         "[\n  '%uFFFD%uFFFD',\n  '%uFFFD%uFFFDA',\n  '%uFFFD%uFFFD%uFFFD',\n"
         "  '%uFFFD%uFFFD%uFFFD%uFFFD',\n  '%uFFFD',\n  '%uFFFDA',\n  '%uFFFD',\n"
         "  '%uFFFD%uFFFDA',\n  '%E9%u20AC'\n]");
  // A long valid input with one bad byte in the middle (the fast path gives way).
  Expect("const b = new TextEncoder().encode('\\u00e9'.repeat(5000)); b[5001] = 0xFF;"
         " const t = new TextDecoder().decode(b); [t.length, t.indexOf('\\ufffd')]",
         "[ 5001, 2500 ]");
}

TEST_F(EncodingTest, StreamingSplitAtEveryPositionMatchesOneShot) {
  // For each encoding and sample, every split of the bytes into two chunks and the split
  // into single bytes give the one-shot result, in replacement and fatal mode.
  Expect(R"js(
    const samples = {
      'utf-8': [[0xEF, 0xBB, 0xBF, 0x41, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80,
                 0x42], [0xF0, 0x9F, 0x98, 0x41, 0xE0, 0x80, 0xC2]],
      'utf-16le': [[0xFF, 0xFE, 0x41, 0x00, 0x3D, 0xD8, 0x00, 0xDE, 0xAC, 0x20],
                   [0x3D, 0xD8, 0x41, 0x00, 0x00, 0xDC, 0x00]],
      'utf-16be': [[0xFE, 0xFF, 0x00, 0x41, 0xD8, 0x3D, 0xDE, 0x00, 0x20, 0xAC]],
      'shift_jis': [[0x82, 0xA0, 0x41, 0x93, 0xFA, 0xB1, 0x81, 0x41, 0x82]],
      'euc-jp': [[0xA4, 0xA2, 0x8E, 0xB1, 0x8F, 0xB0, 0xA1, 0x41, 0x8F, 0xA1, 0x41]],
      'iso-2022-jp': [[0x41, 0x1B, 0x24, 0x42, 0x30, 0x21, 0x1B, 0x28, 0x4A, 0x5C, 0x1B, 0x28,
                       0x49, 0x31, 0x1B, 0x28, 0x42, 0x1B, 0x41]],
      'euc-kr': [[0xB0, 0xA1, 0x41, 0x81, 0x41, 0xC8]],
      'big5': [[0xA4, 0x40, 0x88, 0x62, 0x41, 0x87, 0x40, 0xA4]],
      'gb18030': [[0x81, 0x30, 0x81, 0x30, 0xB0, 0xA1, 0x80, 0x41, 0x95, 0x32, 0x82, 0x36,
                   0x81]],
      'windows-1252': [[0x80, 0x41, 0x81, 0xFF]],
      'x-user-defined': [[0x80, 0x41, 0xFF]],
    };
    const problems = [];
    let checks = 0;
    for (const [label, inputs] of Object.entries(samples)) {
      for (const bytes of inputs) {
        const all = new Uint8Array(bytes);
        for (const fatal of [false, true]) {
          let whole;
          try { whole = new TextDecoder(label, { fatal }).decode(all); } catch (e) { whole = 'throws'; }
          const decoder = new TextDecoder(label, { fatal });
          const chunkings = [[...Array(all.length).keys()].map((i) => [i, i + 1])];
          for (let split = 0; split <= all.length; split++) chunkings.push([[0, split], [split, all.length]]);
          for (const chunks of chunkings) {
            let text = '';
            try {
              for (const [a, b] of chunks) text += decoder.decode(all.subarray(a, b), { stream: true });
              text += decoder.decode();
            } catch (e) {
              text = 'throws';
              decoder.decode();  // a fresh stream for the next chunking
            }
            checks++;
            if (text !== whole) problems.push(`${label} fatal=${fatal} ${JSON.stringify(chunks)}: ${escape(text)} vs ${escape(whole)}`);
          }
        }
      }
    }
    [checks, problems]
  )js", "[ 294, [] ]");
}

TEST_F(EncodingTest, BomIsDroppedOnceUnlessIgnored) {
  Expect("const u8 = [0xEF, 0xBB, 0xBF, 0x41]; const le = [0xFF, 0xFE, 0x41, 0x00];"
         " const be = [0xFE, 0xFF, 0x00, 0x41]; const d = (l, b, o) => escape(new TextDecoder(l, o)"
         ".decode(new Uint8Array(b)));"
         " [d('utf-8', u8), d('utf-8', u8, { ignoreBOM: true }), d('utf-8', [...u8, ...u8]),"
         "  d('utf-16le', le), d('utf-16le', le, { ignoreBOM: true }), d('utf-16be', be),"
         "  d('utf-16le', be), d('utf-8', le), d('windows-1252', u8)]",
         "[\n  'A',\n  '%uFEFFA',\n  'A%uFEFFA',\n  'A',\n  '%uFEFFA',\n  'A',\n"
         "  '%uFFFE%u4100',\n  '%uFFFD%uFFFDA%00',\n  '%EF%BB%BFA'\n]");
  // A new stream after a flush drops its BOM again; a stream drops only its first.
  Expect("const d = new TextDecoder(); const bom = new Uint8Array([0xEF, 0xBB, 0xBF]);"
         " [d.decode(bom, { stream: true }), escape(d.decode(bom, { stream: true })),"
         "  d.decode(), d.decode(bom).length]",
         "[ '', '%uFEFF', '', 0 ]");
}

TEST_F(EncodingTest, FatalModeThrowsTypeErrorAndStartsAfresh) {
  Throws("new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0x41, 0xFF]))",
         "TypeError: The encoded data was not valid for encoding utf-8");
  Throws("new TextDecoder('utf-16be', { fatal: true }).decode(new Uint8Array([0xD8, 0x00]))",
         "TypeError: The encoded data was not valid for encoding utf-16be");
  Throws("new TextDecoder('windows-1253', { fatal: true }).decode(new Uint8Array([0xAA]))",
         "TypeError: The encoded data was not valid for encoding windows-1253");
  Throws("new TextDecoder('shift_jis', { fatal: true }).decode(new Uint8Array([0x82]))",
         "TypeError: The encoded data was not valid for encoding shift_jis");
  Throws("new TextDecoder('gbk', { fatal: true }).decode(new Uint8Array([0xFF]))",
         "TypeError: The encoded data was not valid for encoding gbk");
  Expect("const d = new TextDecoder('utf-8', { fatal: true }); const r = [];"
         " try { d.decode(new Uint8Array([0xE2, 0x82]), { stream: true });"
         "       d.decode(new Uint8Array([0x41]), { stream: true }); } catch (e) { r.push(e.name); }"
         " r.push(d.decode(new Uint8Array([0x41]), { stream: true }).length);"
         " try { d.decode(); } catch (e) { r.push('no'); }"
         " r.push(d.decode(new Uint8Array([0x41]))); r",
         "[ 'TypeError', 1, 'A' ]");
}

TEST_F(EncodingTest, Utf16LoneSurrogatesAndOddBytes) {
  Expect("const d = (b, o) => escape(new TextDecoder('utf-16le', o).decode(new Uint8Array(b)));"
         " [d([0x00, 0xD8]), d([0x00, 0xDC, 0x41, 0x00]), d([0x00, 0xD8, 0x00, 0xD8, 0x00, 0xDC]),"
         "  d([0x41, 0x00, 0x42]), d([0x00, 0xD8, 0x41])]",
         "[ '%uFFFD', '%uFFFDA', '%uFFFD%uD800%uDC00', 'A%uFFFD', '%uFFFD' ]");
  // Long inputs take the bulk path; lone surrogates in them are replaced in place.
  Expect("const u = new Uint16Array(10000).fill(0x41); u[5000] = 0xDC00; u[9999] = 0xD800;"
         " const t = new TextDecoder('utf-16le').decode(u); [t.length, t.indexOf('\\ufffd'),"
         " t.lastIndexOf('\\ufffd')]",
         "[ 10000, 5000, 9999 ]");
}

// Results from 64 KiB on are pooled external strings (ops/external_string.h): the text is
// the same on both sides of the threshold, for one- and two-byte results, with a BOM, an
// incomplete sequence at the end, errors, and in streams.
TEST_F(EncodingTest, LargeResultsAcrossTheExternalStringThreshold) {
  Expect(R"js(
    const encoder = new TextEncoder();
    const problems = [];
    const check = (what, got, want) => {
      if (got !== want) problems.push(`${what}: ${got.length} vs ${want.length}`);
    };
    const text = (sample, length) => sample.repeat(Math.ceil(length / sample.length)).slice(0, length);
    for (const length of [32767, 32768, 32769, 65535, 65536, 65537, 1 << 20]) {
      for (const [kind, sample] of [['ascii', 'The quick brown fox. '], ['latin1', 'caf\u00e9 \u00e0 '],
                                    ['two-byte', '\u03ba\u03cc\u65e5 a\u{1F600}'],
                                    ['one two-byte', 'abcdefgh'.repeat(99) + '\u0100']]) {
        const t = text(sample, length).replace(/[\uD800-\uDBFF]$/, 'x');
        const bytes = encoder.encode(t);
        check(`${kind} ${length}`, new TextDecoder().decode(bytes), t);
        const withBom = new Uint8Array(bytes.length + 3);
        withBom.set([0xEF, 0xBB, 0xBF]);
        withBom.set(bytes, 3);
        check(`${kind} ${length} bom`, new TextDecoder().decode(withBom), t);
        check(`${kind} ${length} bom kept`, new TextDecoder('utf-8', { ignoreBOM: true }).decode(withBom), '\uFEFF' + t);
        // An incomplete sequence at the end: U+FFFD at a flush, kept in a stream.
        const cut = new Uint8Array(bytes.length + 2);
        cut.set(bytes);
        cut.set([0xE2, 0x82], bytes.length);
        check(`${kind} ${length} cut`, new TextDecoder().decode(cut), t + '\uFFFD');
        const stream = new TextDecoder();
        check(`${kind} ${length} stream`,
              stream.decode(cut, { stream: true }) + stream.decode(new Uint8Array([0xAC])), t + '\u20AC');
        // An invalid byte at the end: replaced, or a TypeError in fatal mode.
        const bad = new Uint8Array(bytes.length + 1);
        bad.set(bytes);
        bad[bytes.length] = 0xFF;
        check(`${kind} ${length} bad`, new TextDecoder().decode(bad), t + '\uFFFD');
        let threw = false;
        try { new TextDecoder('utf-8', { fatal: true }).decode(bad); } catch (e) { threw = e instanceof TypeError; }
        if (!threw) problems.push(`${kind} ${length}: fatal did not throw`);
      }
      // Single-byte encodings and UTF-16.
      const bytes = new Uint8Array(length).map((_, i) => 0x20 + i % 0xE0);
      const table = new TextDecoder('windows-1252').decode(bytes.subarray(0, 0xE0));
      check(`windows-1252 ${length}`, new TextDecoder('windows-1252').decode(bytes),
            table.repeat(Math.ceil(length / 0xE0)).slice(0, length));
      const ascii = bytes.map((b) => b & 0x7F);
      check(`windows-1252 ascii ${length}`, new TextDecoder('windows-1252').decode(ascii),
            String.fromCharCode(...ascii.subarray(0, 0xE0)).repeat(Math.ceil(length / 0xE0)).slice(0, length));
      const units = new Uint16Array(length).map((_, i) => 0x3B1 + i % 20);
      const unitText = String.fromCharCode(...units.subarray(0, 20)).repeat(length / 20 + 1).slice(0, length);
      check(`utf-16le ${length}`, new TextDecoder('utf-16le').decode(units), unitText);
      // UTF-16BE after a BOM, ending in a lead surrogate and an odd byte: one U+FFFD for both.
      const be = new Uint8Array(2 + length * 2 + 1);
      be.set([0xFE, 0xFF]);
      units.forEach((u, i) => { be[2 + 2 * i] = u >> 8; be[3 + 2 * i] = u & 0xFF; });
      be.set([0xD8, 0x00, 0x41], be.length - 3);
      check(`utf-16be ${length}`, new TextDecoder('utf-16be').decode(be), unitText.slice(0, -1) + '\uFFFD');
      const le = new Uint8Array(units.buffer.slice(0));
      le[5] = 0xDC;  // a lone trail surrogate
      check(`utf-16le lone ${length}`, new TextDecoder('utf-16le').decode(le),
            unitText.slice(0, 2) + '\uFFFD' + unitText.slice(3));
    }
    problems
  )js", "[]");
}

// Large results stay intact while garbage collections recycle the blocks of those that
// died: every kept string still holds its own text after many more were made.
TEST_F(EncodingTest, LargeResultsSurviveCollectionsOfOthers) {
  Expect(R"js(
    const decoder = new TextDecoder();
    const inputs = ['a', '\u00e9', '\u65e5'].map((c) => new TextEncoder().encode(c.repeat(100000)));
    const kept = [];
    for (let i = 0; i < 300; i++) {
      const text = decoder.decode(inputs[i % 3]);
      if (i % 25 === 0) kept.push([i % 3, text]);
      if (i % 50 === 49) gc();
    }
    gc();
    kept.every(([k, text]) => text === ['a', '\u00e9', '\u65e5'][k].repeat(100000)) && kept.length
  )js", "12");
}

TEST_F(EncodingTest, SingleByteEncodingsUseTheStandardsTables) {
  Expect("const d = (l, ...b) => escape(new TextDecoder(l).decode(new Uint8Array(b)));"
         " [d('windows-1252', 0x80, 0x81, 0x9F, 0xFF), d('iso-8859-1', 0x80),"
         "  d('iso-8859-2', 0xA1), d('iso-8859-16', 0xA4, 0xFE), d('koi8-u', 0xAE, 0xBE),"
         "  d('windows-874', 0xDB, 0xA1), d('windows-1253', 0xAA), d('windows-1255', 0xCA),"
         "  d('x-mac-cyrillic', 0xFF), d('ibm866', 0xF0), d('x-user-defined', 0x41, 0x80, 0xFF)]",
         "[\n  '%u20AC%81%u0178%FF',\n  '%u20AC',\n  '%u0104',\n  '%u20AC%u021B',\n"
         "  '%u045E%u040E',\n  '%uFFFD%u0E01',\n  '%uFFFD',\n  '%u05BA',\n  '%u20AC',\n"
         "  '%u0401',\n  'A%uF780%uF7FF'\n]");
}

TEST_F(EncodingTest, MultiByteEncodings) {
  Expect("const d = (l, ...b) => new TextDecoder(l).decode(new Uint8Array(b));"
         " [d('shift_jis', 0x82, 0xA0, 0x93, 0xFA, 0x96, 0x7B), d('euc-jp', 0xC6, 0xFC, 0xCB, 0xDC),"
         "  d('iso-2022-jp', 0x1B, 0x24, 0x42, 0x46, 0x7C, 0x4B, 0x5C, 0x1B, 0x28, 0x42),"
         "  d('euc-kr', 0xC7, 0xD1, 0xB1, 0xB9), d('big5', 0xA4, 0xA4, 0xA4, 0xE5),"
         "  d('gbk', 0xD6, 0xD0, 0xCE, 0xC4, 0x80), d('gb18030', 0x90, 0x30, 0x81, 0x30)]",
         "[\n  'あ日本', '日本',\n  '日本',   '한국',\n  '中文',   '中文€',\n  '𐀀'\n]");
  Expect("const d = (l, ...b) => escape(new TextDecoder(l).decode(new Uint8Array(b)));"
         " [d('shift_jis', 0x82, 0x41), d('shift_jis', 0xF0, 0x40), d('big5', 0x88, 0x62),"
         "  d('euc-kr', 0x81), d('iso-2022-jp', 0x1B, 0x24), d('iso-2022-jp', 0x0E)]",
         "[ '%uFFFDA', '%uE000', '%CA%u0304', '%uFFFD', '%uFFFD%24', '%uFFFD' ]");
}

TEST_F(EncodingTest, Gb18030FollowsTheStandardsCurrentIndex) {
  // Two-byte sequences ICU 72 decodes to private use (GB18030-2005) and the standard maps
  // to GB18030-2022's code points; their four-byte forms decode to the same code points.
  Expect("const d = (...b) => escape(new TextDecoder('gb18030').decode(new Uint8Array(b)));"
         " [d(0xA3, 0xA0), d(0xA6, 0xD9), d(0xFE, 0x59), d(0xFE, 0xA0), d(0x84, 0x31, 0x82, 0x36),"
         "  d(0xFE, 0x51), d(0x84, 0x31, 0xA4, 0x39), d(0xE3, 0x32, 0x9A, 0x35)]",
         "[\n  '%u3000',\n  '%uFE10',\n  '%u9FB4',\n  '%u9FBB',\n  '%uFE10',\n  '%uE816',"
         "\n  '%uFFFF',\n  '%uDBFF%uDFFF'\n]");
}

TEST_F(EncodingTest, AbandonedStreamsAreClosed) {
  Expect("const d = new TextDecoder('shift_jis'); d.decode(new Uint8Array([0x82]), { stream: true });"
         " const open = kiln.ops.op_resources().filter((r) => r.name === 'textDecoder').length;"
         " const text = escape(d.decode());"
         " [open, text, kiln.ops.op_resources().filter((r) => r.name === 'textDecoder').length]",
         "[ 1, '%uFFFD', 0 ]");
}

TEST_F(EncodingTest, EmptyStreamingInputHoldsNoState) {
  // A decoder given no bytes with { stream: true } is as new: no native state is opened,
  // and what follows decodes as from a new decoder (the BOM is still dropped).
  Expect("const open = () => kiln.ops.op_resources().filter((r) => r.name === 'textDecoder').length;"
         " const d = new TextDecoder();"
         " const empties = [d.decode(new Uint8Array(0), { stream: true }),"
         "   d.decode(new ArrayBuffer(0), { stream: true }), d.decode(undefined, { stream: true }),"
         "   d.decode(new DataView(new ArrayBuffer(4), 4), { stream: true })];"
         " const afterEmpty = open();"
         " const bom = d.decode(new Uint8Array([0xEF, 0xBB, 0xBF, 0x61, 0xE2]), { stream: true });"
         " const whileStreaming = open();"
         " [empties.join(''), afterEmpty, bom, whileStreaming, escape(d.decode()), open()]",
         "[ '', 0, 'a', 1, '%uFFFD', 0 ]");
  // The input is still checked.
  Throws("new TextDecoder().decode(42, { stream: true })",
         "TypeError: Failed to execute 'decode' on 'TextDecoder': parameter 1 is not of type "
         "'(ArrayBuffer or ArrayBufferView)'.");
}

// ---- web-platform-tests ----

// One runtime per file: test files declare globals.
#define WPT_TEST(name, file, expected) \
  TEST_F(EncodingTest, Wpt##name) { EXPECT_EQ(RunWpt(file), expected); }

WPT_TEST(ApiBasics, "encoding/api-basics.any.js", "'6/6 passed'")
WPT_TEST(ApiInvalidLabel, "encoding/api-invalid-label.any.js", "'3421/3421 passed'")
WPT_TEST(ApiReplacementEncodings, "encoding/api-replacement-encodings.any.js", "'6/6 passed'")
WPT_TEST(ApiSurrogatesUtf8, "encoding/api-surrogates-utf8.any.js", "'6/6 passed'")
WPT_TEST(TextDecoderArguments, "encoding/textdecoder-arguments.any.js", "'3/3 passed'")
WPT_TEST(TextDecoderCopy, "encoding/textdecoder-copy.any.js", "'2/2 passed'")
WPT_TEST(TextDecoderLabels, "encoding/textdecoder-labels.any.js", "'222/222 passed'")
WPT_TEST(TextEncoderConstructorNonUtf, "encoding/textencoder-constructor-non-utf.any.js",
         "'79/79 passed'")
WPT_TEST(ByteOrderMarks, "encoding/textdecoder-byte-order-marks.any.js", "'3/3 passed'")
WPT_TEST(Eof, "encoding/textdecoder-eof.any.js", "'2/2 passed'")
WPT_TEST(Fatal, "encoding/textdecoder-fatal.any.js", "'36/36 passed'")
WPT_TEST(FatalStreaming, "encoding/textdecoder-fatal-streaming.any.js", "'2/2 passed'")
WPT_TEST(IgnoreBom, "encoding/textdecoder-ignorebom.any.js", "'4/4 passed'")
WPT_TEST(Streaming, "encoding/textdecoder-streaming.any.js", "'32/32 passed'")
WPT_TEST(DecoderUtf16Surrogates, "encoding/textdecoder-utf16-surrogates.any.js", "'10/10 passed'")
WPT_TEST(EncoderUtf16Surrogates, "encoding/textencoder-utf16-surrogates.any.js", "'7/7 passed'")
WPT_TEST(FatalSingleByte, "encoding/textdecoder-fatal-single-byte.any.js", "'7168/7168 passed'")
WPT_TEST(Gb18030Decoder, "encoding/legacy-mb-schinese/gb18030/gb18030-decoder.any.js",
         "'238/238 passed'")
WPT_TEST(GbkDecoder, "encoding/legacy-mb-schinese/gbk/gbk-decoder.any.js", "'82/82 passed'")
WPT_TEST(Iso2022JpDecoder, "encoding/iso-2022-jp-decoder.any.js", "'34/34 passed'")

TEST_F(EncodingTest, WptEncodeInto) {
  // The detached-buffer case posts the buffer to a MessageChannel, which kiln lacks
  // (EncodeIntoADetachedBufferWritesNothing covers it).
  EXPECT_EQ(RunWpt("encoding/encodeInto.any.js", {"detached output buffer"}),
            "'108/109 passed, 1 unsupported here'");
}

TEST_F(EncodingTest, WptSingleByteDecoder) {
  // The TextDecoder variant of the file (its XMLHttpRequest and document variants need a
  // browser).
  EXPECT_EQ(RunWpt("encoding/single-byte-decoder.window.js", {}, "?TextDecoder"),
            "'168/168 passed'");
}

TEST_F(EncodingTest, ShiftJisMatchesTheReferenceDecoder) {
  const std::string dir = "encoding/legacy-mb-japanese/shift_jis/";
  EXPECT_EQ(CompareWithReference("shift_jis", "sjisDecoder",
                                 {dir + "jis0208_index.js", dir + "sjis-decoder.js"}),
            "'0 mismatches '");
}

TEST_F(EncodingTest, EucJpMatchesTheReferenceDecoder) {
  const std::string dir = "encoding/legacy-mb-japanese/euc-jp/";
  EXPECT_EQ(CompareWithReference("euc-jp", "eucjpDecoder",
                                 {dir + "jis0208_index.js", dir + "jis0212_index.js",
                                  dir + "eucjp-decoder.js"}),
            "'0 mismatches '");
}

TEST_F(EncodingTest, EucKrMatchesTheReferenceDecoder) {
  const std::string dir = "encoding/legacy-mb-korean/euc-kr/";
  EXPECT_EQ(CompareWithReference("euc-kr", "euckrDecoder",
                                 {dir + "euckr_index.js", dir + "euckr-decoder.js"}),
            "'0 mismatches '");
}

TEST_F(EncodingTest, Big5MatchesTheReferenceDecoderButForHkscs2008) {
  // ICU's Big5-HKSCS tables map 157 HKSCS-2004/2008 characters to private-use code points,
  // which kiln does not use: those pointers decode as errors (README.md).
  const std::string dir = "encoding/legacy-mb-tchinese/big5/";
  EXPECT_EQ(CompareWithReference(
                "big5", "big5Decoder", {dir + "big5_index.js", dir + "big5-decoder.js"},
                "[mismatches.length, mismatches.filter((line) =>"
                " !/^[0-9a-f]{2} [0-9a-f]{2}: kiln fffd(,[0-9a-f]+)? whatwg [0-9a-f]+$/.test(line))]"),
            "[ 157, [] ]");
}

}  // namespace
}  // namespace kiln::encoding
