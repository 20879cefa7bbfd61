// The file extension: Blob (parts, types, endings, slicing, reading, sharing of bytes),
// File, FormData, FileReader and ProgressEvent, the multipart/form-data and urlencoded
// codecs, WebIDL errors and console output.
#include "ext/crypto/crypto_extension.h"
#include "ext/encoding/encoding_extension.h"
#include "ext/file/file_extension.h"
#include "ext/file/file_testing_extension.h"
#include "ext/streams/streams_extension.h"
#include "ext/timers/timers_extension.h"
#include "ext/url/url_extension.h"
#include "ext/web/web_extension.h"
#include "ext/webidl/webidl_extension.h"

#include <string>

#include "v8-isolate.h"
#include "v8-local-handle.h"

#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"

namespace kiln::file {
namespace {

// The `kiln` command's extensions (so the _snapshot twin starts from the command's snapshot,
// which holds the file extension evaluated) and the test-only file_testing on top.
class FileTest : public testing::RuntimeTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.extensions = {&extensions::crypto(),   &extensions::webidl(),  &extensions::timers(),
                          &extensions::web(),      &extensions::encoding(), &extensions::url(),
                          &extensions::streams(),  &extensions::file(),
                          &extensions::file_testing()};
    return options;
  }

  // Runs `setup` (which sets globalThis.result, possibly later), the loop, then reads it.
  std::string Settle(const std::string& setup) { return RunLoopThenEval(setup); }

  // Defines the helpers of kBytesHelpers (below) as globals.
  void DefineBytesHelpers();
};

TEST_F(FileTest, BlobFromEveryKindOfPart) {
  EXPECT_EQ(Settle(R"js(
    const buffer = new Uint8Array([1, 2, 3, 4, 5, 6]).buffer;
    const b = new Blob([
      'hé', buffer, new Uint16Array(buffer, 2, 1), new DataView(buffer, 4, 2),
      new Blob(['!']), '\uD800',
    ]);
    b.bytes().then((bytes) => { globalThis.result = [b.size, b.type, Array.from(bytes)]; });
  )js"),
            "[\n  17,\n  '',\n  [\n    104, 195, 169, 1, 2, 3,  4,\n      5,   6,   3, 4, 5, 6, 33,\n"
            "    239, 191, 189\n  ]\n]");
  // No parts, undefined parts, objects converted with toString.
  ExpectEval("[new Blob().size, new Blob(undefined).size, new Blob([{ toString() { return 'x'; } }, 1]).size]",
             "[ 0, 0, 2 ]");
  // Any iterable is a sequence.
  ExpectEval("new Blob(new Set(['ab', 'c'])).size", "3");
}

TEST_F(FileTest, BlobCopiesBuffersAtConstruction) {
  EXPECT_EQ(Settle(R"js(
    const bytes = new Uint8Array([1, 2, 3]);
    const b = new Blob([bytes]);
    bytes[0] = 9;
    b.arrayBuffer().then((buffer) => {
      const view = new Uint8Array(buffer);
      view[1] = 7;  // the result is the caller's: the Blob keeps its bytes
      return b.bytes().then((again) => {
        globalThis.result = [Array.from(view), Array.from(again), buffer.byteLength];
      });
    });
  )js"),
            "[ [ 1, 7, 3 ], [ 1, 2, 3 ], 3 ]");
}

TEST_F(FileTest, LargeConcatenationsCopyEveryPartInPlace) {
  // Past 8 MiB, arrayBuffer() copies in parts on several threads: parts of every kind and
  // alignment (strings, small typed arrays V8 keeps on its heap, views at odd offsets,
  // slices of another Blob, parts that straddle the 2 MiB copy parts) land where they
  // belong.
  EXPECT_EQ(Settle(R"js(
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8;
    const parts = [];
    let size = 0;
    while (size < 12 << 20) {
      const kind = next() % 4;
      let part;
      if (kind === 0) {
        part = 'x' + (next() % 1000);
      } else if (kind === 1) {
        part = new Uint8Array([next() & 255, next() & 255, next() & 255]);
      } else if (kind === 2) {
        const bytes = new Uint8Array(1 + next() % 300000);
        for (let i = 0; i < bytes.length; i += 97) bytes[i] = next() & 255;
        const start = next() % bytes.length;
        part = bytes.subarray(start);
      } else {
        const inner = new Uint8Array(70000);
        for (let i = 0; i < inner.length; i += 13) inner[i] = next() & 255;
        part = new Blob([inner]).slice(next() % 1000, 69000 - next() % 1000);
      }
      parts.push(part);
      size += typeof part === 'string' ? part.length : (part.size ?? part.byteLength);
    }
    (async () => {
      const expected = new Uint8Array(size);
      let offset = 0;
      for (const part of parts) {
        const bytes = typeof part === 'string' ? new TextEncoder().encode(part)
            : part instanceof Blob ? new Uint8Array(await part.arrayBuffer()) : part;
        expected.set(bytes, offset);
        offset += bytes.length;
      }
      const blob = new Blob(parts);
      const actual = new Uint8Array(await blob.arrayBuffer());
      let firstDifference = -1;
      for (let i = 0; i < size && firstDifference < 0; i++) {
        if (actual[i] !== expected[i]) firstDifference = i;
      }
      const sliced = new Uint8Array(await blob.slice(5, size - 5).arrayBuffer());
      let slicedDifference = -1;
      for (let i = 0; i < sliced.length && slicedDifference < 0; i++) {
        if (sliced[i] !== expected[i + 5]) slicedDifference = i;
      }
      globalThis.result = [blob.size === size, actual.length === size, firstDifference,
                           sliced.length === size - 10, slicedDifference];
    })();
  )js"),
            "[ true, true, -1, true, -1 ]");
}

TEST_F(FileTest, DetachedBuffersHoldNoBytes) {
  ExpectEval(R"js({
    const buffer = new ArrayBuffer(8);
    const view = new Uint8Array(buffer, 2);
    const dataView = new DataView(buffer);
    structuredClone(buffer, { transfer: [buffer] });
    [new Blob([buffer]).size, new Blob([view]).size, new Blob([dataView]).size]
  })js",
             "[ 0, 0, 0 ]");
}

TEST_F(FileTest, TypeIsLowercasedPrintableAscii) {
  ExpectEval(R"js([
    new Blob([], { type: 'Text/HTML; Charset=UTF-8' }).type,
    new Blob([], { type: 'a\u00e9' }).type,
    new Blob([], { type: 'a\x1f' }).type,
    new Blob([], { type: 'a\x7f' }).type,
    new Blob([], { type: null }).type,
  ])js",
             "[ 'text/html; charset=utf-8', '', '', '', 'null' ]");
}

TEST_F(FileTest, NativeEndings) {
  EXPECT_EQ(Settle(R"js(
    Promise.all([
      new Blob(['a\r\nb\rc\nd'], { endings: 'native' }).text(),
      new Blob(['a\r\nb\rc\nd']).text(),
      new Blob(['a\r\nb'], { endings: 'transparent' }).text(),
    ]).then((texts) => { globalThis.result = texts.map((t) => JSON.stringify(t)); });
  )js"),
            "[ '\"a\\\\nb\\\\nc\\\\nd\"', '\"a\\\\r\\\\nb\\\\rc\\\\nd\"', "
            "'\"a\\\\r\\\\nb\"' ]");
}

TEST_F(FileTest, SliceClampsAndSharesBytes) {
  EXPECT_EQ(Settle(R"js(
    const b = new Blob(['abc', 'def', new Blob(['ghi']), 'jkl'], { type: 'x/y' });
    const cases = [
      b.slice(), b.slice(1), b.slice(-4), b.slice(2, 7), b.slice(-5, -2), b.slice(7, 2),
      b.slice(100), b.slice(-100, 2), b.slice(1, 11).slice(2, -1), b.slice(0, 3, 'A/B'),
      b.slice(0, 1, '\u0100'), b.slice(1.9, 3.5),
    ];
    Promise.all(cases.map((c) => c.text())).then((texts) => {
      globalThis.result = texts.map((t, i) => `${t}|${cases[i].type}|${cases[i].size}`);
    });
  )js"),
            "[\n  'abcdefghijkl||12',\n  'bcdefghijkl||11',\n  'ijkl||4',\n  'cdefg||5',\n"
            "  'hij||3',\n  '||0',\n  '||0',\n  'ab||2',\n  'defghij||7',\n  'abc|a/b|3',\n"
            "  'a||1',\n  'cd||2'\n]");
}

TEST_F(FileTest, TextDecodesUtf8AndDropsBom) {
  EXPECT_EQ(Settle(R"js(
    Promise.all([
      new Blob([new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0xff])]).text(),
      new Blob(['\u00e9', '\u{1F600}']).text(),
      new Blob([new Uint8Array([0xf0, 0x9f]), new Uint8Array([0x98, 0x80])]).text(),
    ]).then((texts) => { globalThis.result = texts; });
  )js"),
            "[ 'a\xEF\xBF\xBD', '\xC3\xA9\xF0\x9F\x98\x80', '\xF0\x9F\x98\x80' ]");
}

TEST_F(FileTest, FileHasNameAndLastModified) {
  ExpectEval(R"js({
    const f = new File(['abc'], 'a/b.txt', { type: 'TEXT/plain', lastModified: 42.9 });
    [f.name, f.size, f.type, f.lastModified, f.webkitRelativePath, f instanceof Blob,
     Object.getPrototypeOf(File) === Blob, Object.prototype.toString.call(f)]
  })js",
             "[ 'a/b.txt', 3, 'text/plain', 42, '', true, true, '[object File]' ]");
  // lastModified defaults to the time of construction.
  ExpectEval(R"js({
    const before = Date.now();
    const f = new File([], 'x');
    const after = Date.now();
    f.lastModified >= before && f.lastModified <= after
  })js",
             "true");
  ExpectEval("new File([], '\\uD800').name === '\\uFFFD'", "true");
  // WebIDL inheritance: File's interface object and prototype chain to Blob's.
  ExpectEval("[Object.getPrototypeOf(File.prototype) === Blob.prototype, "
             "Function.prototype.toString.call(File), Object.getPrototypeOf(Blob) === "
             "Function.prototype]",
             "[ true, 'function File() { [native code] }', true ]");
  ExpectEval("new File([], 'x', { lastModified: new Date(5) }).lastModified", "5");
}

TEST_F(FileTest, ConstructorAndMethodErrors) {
  ExpectThrows("new Blob(5)",
               "TypeError: Failed to construct 'Blob': Argument 1 can not be converted to sequence.");
  ExpectThrows("new Blob('abc')",
               "TypeError: Failed to construct 'Blob': Argument 1 can not be converted to sequence.");
  ExpectThrows("new Blob([], 5)",
               "TypeError: Failed to construct 'Blob': Argument 2 can not be converted to "
               "'BlobPropertyBag'.");
  ExpectThrows("new Blob([], { endings: 'crlf' })",
               "TypeError: Failed to construct 'Blob': The provided value 'crlf' is not a valid "
               "enum value of type EndingType.");
  ExpectThrows("new Blob([Symbol()])",
               "TypeError: Failed to construct 'Blob': Argument 1, index 0 is a symbol, which cannot be "
               "converted to a string.");
  ExpectThrows("new Blob([new Uint8Array(new SharedArrayBuffer(4))])",
               "TypeError: Failed to construct 'Blob': Argument 1, index 0 is a view on a SharedArrayBuffer, "
               "which is not allowed.");
  ExpectThrows("Blob()",
               "TypeError: Failed to construct 'Blob': Please use the 'new' operator, this DOM "
               "object constructor cannot be called as a function.");
  ExpectThrows("File.call(new File([], 'a'), [], 'b')",
               "TypeError: Failed to construct 'File': Please use the 'new' operator, this DOM "
               "object constructor cannot be called as a function.");
  ExpectThrows("new File([])",
               "TypeError: Failed to construct 'File': 2 arguments required, but only 1 present.");
  ExpectThrows("new File(null, 'x')",
               "TypeError: Failed to construct 'File': Argument 1 can not be converted to sequence.");
  ExpectThrows("new File([], 'x', { lastModified: 1n })",
               "TypeError: Cannot convert a BigInt value to a number");
  ExpectThrows("Blob.prototype.size", "TypeError: Illegal invocation");
  ExpectThrows("Object.getOwnPropertyDescriptor(Blob.prototype, 'type').get.call({})",
               "TypeError: Illegal invocation");
  ExpectThrows("Blob.prototype.slice.call(new FormData())", "TypeError: Illegal invocation");
  ExpectThrows("Object.getOwnPropertyDescriptor(File.prototype, 'name').get.call(new Blob())",
               "TypeError: Illegal invocation");
  ExpectThrows("new Blob().slice(Symbol())",
               "TypeError: Cannot convert a Symbol value to a number");
  // Promise-returning operations reject instead of throwing.
  EXPECT_EQ(Settle(R"js(
    Blob.prototype.text.call({}).catch((e) => { globalThis.result = String(e); });
  )js"),
            "'TypeError: Illegal invocation'");
}

TEST_F(FileTest, ConversionsHappenInOrder) {
  ExpectEval(R"js({
    const log = [];
    new File([{ toString() { log.push('part'); return ''; } }],
             { toString() { log.push('name'); return 'n'; } },
             { get endings() { log.push('endings'); }, get lastModified() { log.push('lastModified'); },
               get type() { log.push('type'); } });
    log.join()
  })js",
             // BlobPropertyBag's members (sorted), then FilePropertyBag's.
             "'part,name,endings,type,lastModified'");
}

TEST_F(FileTest, InterfacesLookLikeWebIdl) {
  ExpectEval(R"js([
    Object.keys(Blob.prototype).join(), Object.keys(File.prototype).join(),
    Object.keys(FormData.prototype).join(), Object.keys(globalThis).includes('Blob'),
    Object.getPrototypeOf(Blob) === Function.prototype, Blob.length, File.length,
    FileReader.DONE, FormData.prototype[Symbol.iterator] === FormData.prototype.entries,
  ])js",
             "[\n  'size,type,slice,arrayBuffer,bytes,text,stream',\n"
             "  'name,lastModified,webkitRelativePath',\n"
             "  'append,delete,get,getAll,has,set,entries,keys,values,forEach',\n  false,\n"
             "  true,\n  0,\n  2,\n  2,\n  true\n]");
}

TEST_F(FileTest, PrintsAsNode) {
  ExpectEval("new Blob(['abc'])", "Blob { size: 3, type: '' }");
  ExpectEval("new File(['abc'], 'a.txt', { lastModified: 1700000000000 })",
             "File { size: 3, type: '', name: 'a.txt', lastModified: 1700000000000 }");
  ExpectEval("({ x: { y: { z: new Blob([]), f: new File([], 'f') } } })",
             "{ x: { y: { z: [Blob], f: [File] } } }");
  ExpectEval("new FormData()", "FormData {}");
  ExpectEval(R"js({
    const f = new FormData();
    f.append('a', '1');
    f.append('a', '2');
    f.append('a b', 'x');
    f.append('__proto__', 'y');
    f
  })js",
             "FormData {\n  a: [ '1', '2' ],\n  'a b': 'x',\n  ['__proto__']: 'y'\n}");
}

TEST_F(FileTest, FormDataOperations) {
  ExpectEval(R"js({
    const f = new FormData();
    f.append('a', 1);
    f.append('b', '2');
    f.append('a', '3');
    const r = [f.get('a'), f.getAll('a'), f.has('b'), f.has('c'), f.get('c')];
    f.set('a', 'x');
    r.push([...f]);
    f.delete('b');
    r.push([...f.keys()]);
    f.set('new', 'n');
    r.push([...f.values()]);
    r
  })js",
             "[\n  '1',\n  [ '1', '3' ],\n  true,\n  false,\n  null,\n  [ [ 'a', 'x' ], [ 'b', '2' ] ],\n"
             "  [ 'a' ],\n  [ 'x', 'n' ]\n]");
  // Lone surrogates in names and values become U+FFFD.
  ExpectEval(R"js({
    const f = new FormData();
    f.append('\uD800', '\uDC00x');
    JSON.stringify([...f][0]) === JSON.stringify(['\uFFFD', '\uFFFDx'])
  })js",
             "true");
  // Iterators see entries appended while iterating; forEach passes (value, key, form).
  ExpectEval(R"js({
    const f = new FormData();
    f.append('a', '1');
    const seen = [];
    for (const [k] of f) { seen.push(k); if (seen.length < 3) f.append('k' + seen.length, ''); }
    const each = [];
    f.forEach(function (v, k, form) { each.push(k, form === f, this.t); }, { t: 1 });
    [seen, each.length, Object.prototype.toString.call(f.entries())]
  })js",
             "[ [ 'a', 'k1', 'k2' ], 9, '[object FormData Iterator]' ]");
}

TEST_F(FileTest, FormDataBlobValuesBecomeFiles) {
  ExpectEval(R"js({
    const f = new FormData();
    const blob = new Blob(['xyz'], { type: 'text/plain' });
    const file = new File(['abc'], 'orig.txt', { type: 'a/b', lastModified: 7 });
    f.append('b', blob);
    f.append('named', blob, 'name.bin');
    f.append('file', file);
    f.append('renamed', file, 'new.txt');
    f.set('s', blob, '\uD800');
    const [b, named, same, renamed] = f.getAll('b').concat(f.getAll('named'), f.getAll('file'),
                                                            f.getAll('renamed'));
    [b instanceof File, b.name, b.type, b.size, named.name, same === file,
     renamed !== file, renamed.name, renamed.type, renamed.lastModified, f.get('s').name]
  })js",
             "[\n  true,         'blob',\n  'text/plain', 3,\n  'name.bin',   true,\n"
             "  true,         'new.txt',\n  'a/b',        7,\n  '\xEF\xBF\xBD'\n]");
}

TEST_F(FileTest, FormDataErrors) {
  ExpectThrows("new FormData({})",
               "TypeError: Failed to construct 'FormData': parameter 1 is not of type "
               "'HTMLFormElement'.");
  ExpectThrows("new FormData(null)",
               "TypeError: Failed to construct 'FormData': parameter 1 is not of type "
               "'HTMLFormElement'.");
  ExpectEval("new FormData(undefined).has('x')", "false");
  ExpectThrows("FormData()",
               "TypeError: Failed to construct 'FormData': Please use the 'new' operator, this "
               "DOM object constructor cannot be called as a function.");
  // A subclass instance is a FormData; structuredClone refuses it too.
  ExpectEval(R"js({
    class Fields extends FormData {
      constructor() { super(); this.append('made', 'here'); }
    }
    const fields = new Fields();
    let error;
    try { structuredClone(fields); } catch (e) { error = e; }
    [fields.get('made'), fields instanceof FormData, Object.getPrototypeOf(FormData) ===
     Function.prototype, Function.prototype.toString.call(FormData), error.name,
     error.message].join()
  })js",
             "'here,true,true,function FormData() { [native code] },DataCloneError,#<Fields> "
             "could not be cloned.'");
  ExpectThrows("new FormData().append('a')",
               "TypeError: Failed to execute 'append' on 'FormData': 2 arguments required, but "
               "only 1 present.");
  ExpectThrows("new FormData().append('a', 'b', 'c')",
               "TypeError: Failed to execute 'append' on 'FormData': parameter 2 is not of type "
               "'Blob'.");
  ExpectThrows("new FormData().set('a', {}, undefined)",
               "TypeError: Failed to execute 'set' on 'FormData': parameter 2 is not of type "
               "'Blob'.");
  ExpectThrows("new FormData().get()",
               "TypeError: Failed to execute 'get' on 'FormData': 1 argument required, but only "
               "0 present.");
  ExpectThrows("FormData.prototype.has.call({}, 'a')", "TypeError: Illegal invocation");
  ExpectThrows("FormData.prototype.entries.call(new Blob())", "TypeError: Illegal invocation");
  ExpectThrows("new FormData().forEach(1)",
               "TypeError: Failed to execute 'forEach' on 'FormData': Argument 1 is not of type "
               "'Function'.");
}

TEST_F(FileTest, SerializesMultipartFormData) {
  EXPECT_EQ(Settle(R"js(
    const f = new FormData();
    f.append('a\nb"c\r', 'line1\nline2\rline3\r\n');
    f.append('file', new File(['\u00e9\0'], 'x"\n.txt', { type: 'Text/Plain' }));
    f.append('bin', new Blob([new Uint8Array([0, 255])]));
    const { body, contentType } = fileTesting.serializeFormData(f, 'BOUNDARY');
    body.text().then((text) => {
      globalThis.result = [contentType, body instanceof Blob, body.type, JSON.stringify(text)];
    });
  )js"),
            "[\n  'multipart/form-data; boundary=BOUNDARY',\n  true,\n  '',\n"
            "  '\"--BOUNDARY\\\\r\\\\nContent-Disposition: form-data; "
            "name=\\\\\"a%0D%0Ab%22c%0D%0A\\\\\"\\\\r\\\\n\\\\r\\\\nline1\\\\r\\\\nline2\\\\r\\\\nline3\\\\r\\\\n"
            "\\\\r\\\\n--BOUNDARY\\\\r\\\\nContent-Disposition: form-data; name=\\\\\"file\\\\\"; "
            "filename=\\\\\"x%22%0A.txt\\\\\"\\\\r\\\\nContent-Type: text/plain\\\\r\\\\n\\\\r\\\\n"
            "\xC3\xA9\\\\u0000\\\\r\\\\n--BOUNDARY\\\\r\\\\nContent-Disposition: form-data; "
            "name=\\\\\"bin\\\\\"; filename=\\\\\"blob\\\\\"\\\\r\\\\nContent-Type: "
            "application/octet-stream\\\\r\\\\n\\\\r\\\\n\\\\u0000\xEF\xBF\xBD\\\\r\\\\n--BOUNDARY--\\\\r\\\\n\"'\n]");
  // A random boundary by default, different each time.
  ExpectEval(R"js({
    const a = fileTesting.serializeFormData(new FormData()).contentType;
    const b = fileTesting.serializeFormData(new FormData()).contentType;
    [a !== b, /^multipart\/form-data; boundary=[-\w]{27,70}$/.test(a)]
  })js",
             "[ true, true ]");
  ExpectThrows("fileTesting.serializeFormData({})",
               "TypeError: serializeFormData: argument 1 is not a FormData");
}

TEST_F(FileTest, LargeFileBodiesSitBetweenTheirHeaders) {
  // A 4 MiB file: its bytes, then the closing CRLF and boundary.
  EXPECT_EQ(Settle(R"js(
    const f = new FormData();
    const big = new Uint8Array(4 << 20).fill(7);
    f.append('big', new File([big], 'big.bin'));
    const { body } = fileTesting.serializeFormData(f, 'b');
    body.slice(body.size - 4 - 9).text().then((tail) => {
      globalThis.result = [body.size - (4 << 20), JSON.stringify(tail)];
    });
  )js"),
            "[ 120, '\"\\\\u0007\\\\u0007\\\\u0007\\\\u0007\\\\r\\\\n--b--\\\\r\\\\n\"' ]");
}

TEST_F(FileTest, RoundTripsThroughTheParser) {
  EXPECT_EQ(Settle(R"js(
    const f = new FormData();
    f.append('a\nb"c', 'v\u00e9\r\nw');
    f.append('file', new File([new Uint8Array([0, 13, 10, 45, 45, 1])], 'n"\r.bin', { type: 'x/y' }));
    f.append('empty', '');
    f.append('typeless', new File(['t'], 't.txt'));
    const { body, contentType } = fileTesting.serializeFormData(f);
    body.arrayBuffer().then(async (bytes) => {
      const parsed = fileTesting.parseMultipartFormData(bytes, contentType);
      const file = parsed.get('file');
      globalThis.result = [
        [...parsed.keys()], parsed.get('a\nb"c'), file.name, file.type,
        Array.from(await file.bytes()), parsed.get('empty'), parsed.get('typeless').type,
      ];
    });
  )js"),
            "[\n  [ 'a\\r\\nb\"c', 'file', 'empty', 'typeless' ],\n  null,\n  'n\"\\r.bin',\n"
            "  'x/y',\n  [ 0, 13, 10, 45, 45, 1 ],\n  '',\n  'application/octet-stream'\n]");
}

TEST_F(FileTest, ParsesWhatOthersSend) {
  ExpectEval(R"js({
    const body = new TextEncoder().encode(
        'preamble\r\n--XyZ  \r\n' +
        'content-disposition: Form-Data; filename=up.txt; name="f"\r\n' +
        'X-Other: ignored\r\n\r\n' +
        'file body\r\n' +
        '--XyZ\r\nContent-Disposition: form-data; name=plain\r\n\r\n\uFEFFtext\r\n' +
        '--XyZ--\r\nepilogue');
    const form = fileTesting.parseMultipartFormData(body, 'Multipart/Form-Data; charset=x; boundary="XyZ"');
    const file = form.get('f');
    [file.name, file.type, file.size, form.get('plain').length, form.get('plain').charCodeAt(0)]
  })js",
             "[ 'up.txt', 'text/plain', 9, 5, 65279 ]");
  ExpectEval(R"js(
    fileTesting.parseMultipartFormData(new TextEncoder().encode('--b--\r\n'),
                                       'multipart/form-data;boundary=b').has('x')
  )js",
             "false");
}

TEST_F(FileTest, MalformedMultipartBodiesAreTypeErrors) {
  const char* prefix = "TypeError: Failed to parse the body as multipart/form-data: ";
  auto parse = [](const std::string& body, const std::string& type) {
    return "fileTesting.parseMultipartFormData(new TextEncoder().encode(" + body + "), " + type +
           ")";
  };
  ExpectThrows(parse("''", "'text/plain'"),
               std::string(prefix) + "the Content-Type 'text/plain' is not multipart/form-data.");
  ExpectThrows(parse("''", "'multipart/form-data'"),
               std::string(prefix) + "the Content-Type has no boundary parameter.");
  ExpectThrows(parse("''", "'multipart/form-data; boundary=\"\"'"),
               std::string(prefix) + "the boundary must have 1 to 70 characters.");
  ExpectThrows(parse("'no boundary here'", "'multipart/form-data; boundary=b'"),
               std::string(prefix) + "the body does not contain the boundary.");
  ExpectThrows(parse("'--b'", "'multipart/form-data; boundary=b'"),
               std::string(prefix) + "the body ends without a closing boundary.");
  ExpectThrows(parse("'--bx\\r\\n'", "'multipart/form-data; boundary=b'"),
               std::string(prefix) + "a boundary is not followed by CRLF.");
  ExpectThrows(parse("'--b\\r\\nContent-Disposition: form-data; name=a\\r\\n'",
                     "'multipart/form-data; boundary=b'"),
               std::string(prefix) + "a part's headers do not end with an empty line.");
  ExpectThrows(parse("'--b\\r\\nno colon\\r\\n\\r\\n'", "'multipart/form-data; boundary=b'"),
               std::string(prefix) + "malformed part header 'no colon'.");
  ExpectThrows(parse("'--b\\r\\nX: y\\r\\n\\r\\nv\\r\\n--b--'", "'multipart/form-data; boundary=b'"),
               std::string(prefix) + "a part has no Content-Disposition header.");
  ExpectThrows(parse("'--b\\r\\nContent-Disposition: attachment; name=a\\r\\n\\r\\nv\\r\\n--b--'",
                     "'multipart/form-data; boundary=b'"),
               std::string(prefix) +
                   "a part's Content-Disposition is 'attachment', not 'form-data'.");
  ExpectThrows(parse("'--b\\r\\nContent-Disposition: form-data; filename=x\\r\\n\\r\\nv\\r\\n--b--'",
                     "'multipart/form-data; boundary=b'"),
               std::string(prefix) + "a part has no name in its Content-Disposition.");
  ExpectThrows(parse("'--b\\r\\nContent-Disposition: form-data; name=\"a\\r\\n\\r\\nv\\r\\n--b--'",
                     "'multipart/form-data; boundary=b'"),
               std::string(prefix) + "unterminated quoted string in Content-Disposition.");
  ExpectThrows(parse("'--b\\r\\nContent-Disposition: form-data; name=a\\r\\n\\r\\nvalue'",
                     "'multipart/form-data; boundary=b'"),
               std::string(prefix) + "the body ends without a closing boundary.");
  ExpectThrows("fileTesting.parseMultipartFormData(5, 'multipart/form-data; boundary=b')",
               "TypeError: parseMultipartFormData: the body must be an ArrayBuffer, a view or a "
               "Blob");
}

TEST_F(FileTest, ParsesUrlencodedAndMimeTypes) {
  ExpectEval(R"js([...fileTesting.parseUrlencodedFormData(
      new TextEncoder().encode('a=1&b=%C3%A9+x&&c&a=2'))])js",
             "[ [ 'a', '1' ], [ 'b', '\xC3\xA9 x' ], [ 'c', '' ], [ 'a', '2' ] ]");
  ExpectEval(R"js({
    const m = fileTesting.parseMimeType(' Text/HTML ;Charset="ut\\f-8";x=;charset=no; y = z ');
    [m.essence, [...m.parameters]]
  })js",
             "[ 'text/html', [ [ 'charset', 'utf-8' ] ] ]");
  ExpectEval("[fileTesting.parseMimeType('text'), fileTesting.parseMimeType('/x'), "
             "fileTesting.parseMimeType('a b/c')]",
             "[ null, null, null ]");
}

TEST_F(FileTest, FileReaderReadsEveryWay) {
  EXPECT_EQ(Settle(R"js(
    const blob = new Blob(['h\u00e9'], { type: 'text/plain' });
    const read = (method, ...args) => new Promise((resolve) => {
      const reader = new FileReader();
      const events = [];
      for (const type of ['loadstart', 'progress', 'load', 'loadend', 'error', 'abort']) {
        reader.addEventListener(type, (e) => events.push(`${type}:${e.loaded}/${e.total}`));
      }
      reader.onloadend = () => resolve([reader.readyState, reader.result, events.join()]);
      reader[method](...args);
      events.push(`state ${reader.readyState}`);
    });
    Promise.all([
      read('readAsText', blob), read('readAsText', new Blob([new Uint8Array([0xe9])]), 'latin1'),
      read('readAsDataURL', blob), read('readAsBinaryString', blob),
      read('readAsArrayBuffer', blob).then(([s, r, e]) => [s, Array.from(new Uint8Array(r)), e]),
      read('readAsText', new Blob([])),
    ]).then((results) => { globalThis.result = results; });
  )js"),
            "[\n  [\n    2,\n    'h\xC3\xA9',\n    'state 1,loadstart:0/3,progress:3/3,load:3/3,loadend:3/3'\n  ],\n"
            "  [ 2, '\xC3\xA9', 'state 1,loadstart:0/1,progress:1/1,load:1/1,loadend:1/1' ],\n"
            "  [\n    2,\n    'data:text/plain;base64,aMOp',\n"
            "    'state 1,loadstart:0/3,progress:3/3,load:3/3,loadend:3/3'\n  ],\n"
            "  [\n    2,\n    'h\xC3\x83\xC2\xA9',\n"
            "    'state 1,loadstart:0/3,progress:3/3,load:3/3,loadend:3/3'\n  ],\n"
            "  [\n    2,\n    [ 104, 195, 169 ],\n"
            "    'state 1,loadstart:0/3,progress:3/3,load:3/3,loadend:3/3'\n  ],\n"
            "  [ 2, '', 'state 1,loadstart:0/0,load:0/0,loadend:0/0' ]\n]");
}

TEST_F(FileTest, FileReaderAbortAndErrors) {
  EXPECT_EQ(Settle(R"js(
    const reader = new FileReader();
    const events = [];
    for (const type of ['loadstart', 'load', 'loadend', 'abort']) {
      reader.addEventListener(type, () => events.push(type));
    }
    reader.readAsText(new Blob(['x']));
    let busy;
    try { reader.readAsText(new Blob(['y'])); } catch (e) { busy = `${e.name}: ${e.message}`; }
    reader.abort();
    setTimeout(() => {
      globalThis.result = [events.join(), reader.readyState, reader.result, busy];
    }, 20);
  )js"),
            "[\n  'abort,loadend',\n  2,\n  null,\n"
            "  'InvalidStateError: The object is already busy reading Blobs.'\n]");
  ExpectThrows("new FileReader().readAsText('x')",
               "TypeError: Failed to execute 'readAsText' on 'FileReader': parameter 1 is not of "
               "type 'Blob'.");
  ExpectThrows("new FileReader().readAsArrayBuffer()",
               "TypeError: Failed to execute 'readAsArrayBuffer' on 'FileReader': 1 argument "
               "required, but only 0 present.");
  ExpectThrows("FileReader.prototype.abort.call({})", "TypeError: Illegal invocation");
  ExpectEval("[new ProgressEvent('p', { loaded: 2, total: 5, lengthComputable: true }).loaded, "
             "new ProgressEvent('p').total, new ProgressEvent('p') instanceof Event]",
             "[ 2, 0, true ]");
  ExpectThrows("new ProgressEvent()",
               "TypeError: Failed to construct 'ProgressEvent': 1 argument required, but only 0 "
               "present.");
}

TEST_F(FileTest, StructuredCloneKeepsBytesTypeNameAndTime) {
  EXPECT_EQ(Settle(R"js(
    const blob = new Blob(['ab', new Uint8Array([0, 255])], { type: 'x/y' });
    const file = new File(['\uD800z'], 'n.txt', { type: 'T/P', lastModified: 123 });
    const copy = structuredClone({ blob, file, again: blob, list: [file] });
    Promise.all([copy.blob.bytes(), copy.file.text()]).then(([bytes, text]) => {
      globalThis.result = [
        copy.blob !== blob, copy.blob instanceof Blob, copy.blob instanceof File,
        copy.blob.size, copy.blob.type, Array.from(bytes), copy.again === copy.blob,
        copy.file instanceof File, copy.file.name, copy.file.type, copy.file.lastModified,
        text === '\uFFFDz', copy.list[0] === copy.file,
      ];
    });
  )js"),
            "[\n  true,\n  true,\n  false,\n  4,\n  'x/y',\n  [ 97, 98, 0, 255 ],\n  true,\n"
            "  true,\n  'n.txt',\n  't/p',\n  123,\n  true,\n  true\n]");
  // FormData is a platform object that is not serializable; the error names the class.
  ExpectEval(R"js(
    [new FormData(), [new Blob(), new FormData()]].map((value) => {
      try {
        structuredClone(value);
        return 'cloned';
      } catch (e) {
        return `${e instanceof DOMException} ${e.name}: ${e.message}`;
      }
    })
  )js",
             "[\n  'true DataCloneError: #<FormData> could not be cloned.',\n"
             "  'true DataCloneError: #<FormData> could not be cloned.'\n]");
}

TEST_F(FileTest, SubclassesOfBlobAndFile) {
  EXPECT_EQ(Settle(R"js(
    class Labelled extends Blob {
      constructor(parts, label) { super(parts, { type: 'A/B' }); this.label = label; }
    }
    class Named extends File {
      describe() { return `${this.name} (${this.size})`; }
    }
    const blob = new Labelled(['ab'], 'l');
    const file = new Named(['abc'], 'n.txt', { lastModified: 7 });
    const copy = structuredClone([blob, file]);
    Promise.all([blob.text(), file.slice(1).text()]).then(([blobText, fileText]) => {
      globalThis.result = [
        blob instanceof Labelled, blob instanceof Blob, blob.label, blob.type, blobText,
        file instanceof Named, file instanceof File, file instanceof Blob, file.describe(),
        file.lastModified, fileText, Object.prototype.toString.call(file),
        Object.getPrototypeOf(copy[0]) === Blob.prototype, copy[0].type,
        Object.getPrototypeOf(copy[1]) === File.prototype, copy[1].name,
      ].join();
    });
  )js"),
            "'true,true,l,a/b,ab,true,true,true,n.txt (3),7,bc,[object File],true,a/b,true,"
            "n.txt'");
  ExpectThrows("Object.getOwnPropertyDescriptor(File.prototype, 'name').get.call(new Blob())",
               "TypeError: Illegal invocation");
}

TEST_F(FileTest, StreamIsAByteStreamOfTheBytes) {
  EXPECT_EQ(Settle(R"js(
    (async () => {
      const blob = new Blob(['abc', new Uint8Array(70000).fill(65), 'z']);
      const sizes = [];
      let last;
      for await (const chunk of blob.stream()) {
        sizes.push(chunk.length);
        last = chunk;
      }
      const reader = new Blob(['hello', ' world']).stream().getReader({ mode: 'byob' });
      const reads = [];
      for (const size of [4, 100, 1]) {
        const { value, done } = await reader.read(new Uint8Array(size));
        reads.push(`${new TextDecoder().decode(value)}|${done}`);
      }
      const empty = await new Blob().stream().getReader().read();
      const canceled = new Blob(['x']).stream();
      await canceled.cancel();
      globalThis.result = [sizes, last instanceof Uint8Array, last[last.length - 1], reads,
                           empty.done, blob.stream() instanceof ReadableStream];
    })();
  )js"),
            "[\n  [ 65536, 4468 ],\n  true,\n  122,\n  [ 'hell|false', 'o world|false', '|true' ],\n"
            "  true,\n  true\n]");
}

// ---- Native bytes and the native stream ----

// The JavaScript that the tests below share: `pattern(n, seed)` makes n bytes that differ
// from part to part, `expectBytes(actual, expected)` compares two byte sequences, and
// `blobNames()` lists the open blobStream resources.
constexpr char kBytesHelpers[] = R"js(
  globalThis.pattern = (n, seed) => {
    const bytes = new Uint8Array(n);
    for (let i = 0; i < n; i++) bytes[i] = (i * 7 + seed) & 0xff;
    return bytes;
  };
  globalThis.concat = (arrays) => {
    const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
    let offset = 0;
    for (const a of arrays) { out.set(a, offset); offset += a.length; }
    return out;
  };
  globalThis.sameBytes = (a, b) => {
    if (a.length !== b.length) return `length ${a.length} != ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) return `byte ${i}: ${a[i]} != ${b[i]}`;
    }
    return 'same';
  };
  globalThis.blobStreams = () =>
      kiln.ops.op_resources().filter((r) => r.name === 'blobStream').length;
)js";

void FileTest::DefineBytesHelpers() { ExpectEval(std::string(kBytesHelpers) + "0", "0"); }

TEST_F(FileTest, LargeBlobsHoldEveryPartsBytes) {
  DefineBytesHelpers();
  EXPECT_EQ(Settle(R"js(
    (async () => {
      // 1,000 parts of 3,001 bytes (about 2.9 MiB: the native copy), strings and a Blob
      // between them, some parts views with offsets.
      const parts = [];
      const expected = [];
      for (let i = 0; i < 1000; i++) {
        const bytes = pattern(3001 + (i % 3), i);
        const part = i % 5 === 0 ? new DataView(bytes.buffer, 1) : bytes;
        parts.push(part);
        expected.push(i % 5 === 0 ? bytes.subarray(1) : bytes);
        if (i % 100 === 0) {
          parts.push('é');
          expected.push(new Uint8Array([0xc3, 0xa9]));
        }
      }
      const inner = new Blob([pattern(200000, 3)]);
      parts.push(inner);
      expected.push(pattern(200000, 3));
      const blob = new Blob(parts);
      const all = concat(expected);
      // The parts are copied: changing them afterwards changes nothing.
      parts[2].fill(0);
      const buffer = await blob.arrayBuffer();
      const bytes = await blob.bytes();
      new Uint8Array(buffer).fill(1);  // the result is the caller's
      const again = new Uint8Array(await blob.arrayBuffer());
      const text = await new Blob([new Uint8Array(300000).fill(0x41), 'é']).text();
      globalThis.result = [blob.size === all.length, buffer.byteLength === all.length,
                           sameBytes(bytes, all), sameBytes(again, all),
                           bytes.byteOffset, bytes.buffer.byteLength === all.length,
                           text.length, text.slice(-2)].join(' ');
    })();
  )js"),
            "'true true same same 0 true 300001 Aé'");
}

TEST_F(FileTest, SlicesOfSlicesShareAndReadTheRightBytes) {
  DefineBytesHelpers();
  EXPECT_EQ(Settle(R"js(
    (async () => {
      const parts = [pattern(70000, 1), pattern(5, 2), pattern(130000, 3), pattern(1, 4)];
      const all = concat(parts);
      const blob = new Blob([parts[0], new Blob([parts[1]]), parts[2], parts[3]]);
      const results = [];
      // [start, end] pairs applied one after the other; each level's bytes are checked
      // with arrayBuffer(), text() lengths and a default-reader stream.
      const chains = [
        [[1, -1], [69990, 70020], [3, 8]],
        [[-131000], [0, 131000], [1000, 100000], [0, 99000]],
        [[69999, 70006], [1, 6], [2], [-1]],
        [[200005], []],
        [[5, 5]],
      ];
      for (const chain of chains) {
        let blob2 = blob;
        let expected = all;
        for (const [start, end] of chain) {
          blob2 = blob2.slice(start, end);
          expected = expected.slice(start, end);
        }
        const streamed = [];
        for await (const chunk of blob2.stream()) streamed.push(chunk);
        results.push([blob2.size === expected.length,
                      sameBytes(new Uint8Array(await blob2.arrayBuffer()), expected),
                      sameBytes(concat(streamed), expected)].join(' '));
      }
      globalThis.result = [results, blobStreams()];
    })();
  )js"),
            "[\n  [\n    'true same same',\n    'true same same',\n    'true same same',\n"
            "    'true same same',\n    'true same same'\n  ],\n  0\n]");
}

TEST_F(FileTest, ByobReadsOfOddSizesFillTheReadersView) {
  DefineBytesHelpers();
  EXPECT_EQ(Settle(R"js(
    (async () => {
      const parts = [pattern(65537, 1), 'xyz', pattern(3, 2), pattern(100001, 3)];
      const blob = new Blob(parts).slice(1);
      const expected = new Uint8Array(await blob.arrayBuffer());
      const reader = blob.stream().getReader({ mode: 'byob' });
      const sizes = [1, 7, 65529, 3, 65536, 2, 100000, 13];
      const got = [];
      const counts = [];
      let buffer = new ArrayBuffer(200000);
      for (let i = 0; ; i++) {
        const size = sizes[i % sizes.length];
        // A view that starts 5 bytes into its buffer: the bytes land exactly there.
        const view = new Uint8Array(buffer, 5, size);
        const { value, done } = await reader.read(view);
        if (done) {
          counts.push(`done ${value.byteLength}`);
          break;
        }
        counts.push(value.byteLength);
        got.push(value.slice());
        buffer = value.buffer;
        if (value.byteOffset !== 5) throw new Error('moved: ' + value.byteOffset);
      }
      globalThis.result = [counts.join(','), sameBytes(concat(got), expected), blobStreams()];
    })();
  )js"),
            "[ '1,7,65529,3,65536,2,34465,done 0', 'same', 0 ]");
}

TEST_F(FileTest, StreamCanceledMidwayClosesItsResource) {
  DefineBytesHelpers();
  EXPECT_EQ(Settle(R"js(
    (async () => {
      const blob = new Blob([pattern(1 << 20, 5)]);
      const stream = blob.stream();
      const before = blobStreams();
      const reader = stream.getReader();
      const first = await reader.read();
      const during = blobStreams();
      await reader.cancel('enough');
      const after = blobStreams();
      const next = await reader.read();
      // A BYOB reader canceled while its stream has bytes left.
      const byob = blob.stream().getReader({ mode: 'byob' });
      await byob.read(new Uint8Array(10));
      await byob.cancel();
      // Read to the end: the last read closes the resource.
      let total = 0;
      for await (const chunk of blob.stream()) total += chunk.length;
      globalThis.result = [before, first.value.length, during, after, next.done,
                           blobStreams(), total];
    })();
  )js"),
            "[ 1, 65536, 1, 0, true, 0, 1048576 ]");
}

TEST_F(FileTest, StreamClosesWithTheReadOfItsLastBytes) {
  DefineBytesHelpers();
  EXPECT_EQ(Settle(R"js(
    (async () => {
      const out = [];
      // A reader that reads exactly the blob's bytes sees the stream close: no further
      // read is needed to end it and release its resource.
      const reader = new Blob([pattern(50, 1)]).stream().getReader();
      const first = await reader.read();
      let closed = false;
      reader.closed.then(() => { closed = true; });
      await new Promise((resolve) => setTimeout(resolve, 0));
      out.push(`${first.value.length} ${closed} open ${blobStreams()}`);
      // Across chunks: the read of the last chunk closes it.
      const big = new Blob([pattern(65536 + 10, 2)]).stream().getReader();
      const sizes = [];
      for (;;) { const { done, value } = await big.read(); if (done) break; sizes.push(value.length); }
      out.push(`${sizes.join('+')} open ${blobStreams()}`);
      // An empty blob's stream is closed from the start and holds no resource.
      const empty = new Blob([]).stream();
      out.push(`empty ${blobStreams()} ${(await empty.getReader().read()).done}`);
      // A BYOB read asking for more than is left gets the rest, with done.
      const byob = new Blob(['abcdef']).stream().getReader({ mode: 'byob' });
      const a = await byob.read(new Uint8Array(4), { min: 4 });
      const b = await byob.read(new Uint8Array(4), { min: 4 });
      out.push(`byob ${a.value.length} ${a.done} ${b.value.length} ${b.done} open ${blobStreams()}`);
      globalThis.result = out;
    })();
  )js"),
            "[\n  '50 true open 0',\n  '65536+10 open 0',\n  'empty 0 true',\n"
            "  'byob 4 false 2 true open 0'\n]");
}

TEST_F(FileTest, UnreadStreamsAreCollectedWithTheirResources) {
  DefineBytesHelpers();
  EXPECT_EQ(Settle(R"js(
    (() => {
      const blob = new Blob([pattern(100000, 1)]);
      blob.stream();
      blob.stream().getReader();
      globalThis.result = blobStreams();
    })();
  )js"),
            "2");
  {
    v8::HandleScope scope(runtime().isolate());
    runtime().isolate()->LowMemoryNotification();
  }
  // The registry's cleanup runs as a task of the loop.
  EXPECT_EQ(RunLoopThenEval("0", "[blobStreams(), kiln.ops.op_resources().length]"), "[ 0, 0 ]");
}

TEST_F(FileTest, LargeBlobsCloneAndReadThroughFileReader) {
  DefineBytesHelpers();
  EXPECT_EQ(Settle(R"js(
    (async () => {
      const bytes = pattern(3 << 20, 9);
      const file = new File([bytes, 'tail'], 'big.bin', { type: 'x/y', lastModified: 7 });
      const clone = structuredClone(file);
      const expected = concat([bytes, new TextEncoder().encode('tail')]);
      const viaReader = await new Promise((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(new Uint8Array(reader.result));
        reader.onerror = () => reject(reader.error);
        reader.readAsArrayBuffer(clone.slice(2));
      });
      globalThis.result = [clone instanceof File, clone.name, clone.type, clone.size,
                           sameBytes(await clone.bytes(), expected),
                           sameBytes(viaReader, expected.subarray(2))];
    })();
  )js"),
            "[ true, 'big.bin', 'x/y', 3145732, 'same', 'same' ]");
}

}  // namespace
}  // namespace kiln::file
