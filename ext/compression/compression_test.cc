// The compression extension: the globals and their WebIDL shape, printing, round trips of
// every format with every kind of BufferSource chunk and of data that reaches every copy
// path of an inflate, interop with bytes Python's zlib wrote, the gzip/zlib headers the
// decompressor reads itself, the errors (bad chunks, corrupt input, data after the end, a
// truncated stream, an unknown format), the parallel compressor's blocks (sizes around a
// block, output decoded by zlib's inflate, its size, threads only for long streams,
// cancel/abort/teardown with blocks in flight), output in chunks of at most 64 KiB with
// the transform pausing for a slow reader, memory bounded over a long round trip, and the
// codec resource released on every path (end, error, cancel, abort, garbage collection).
//
// The runtime installs every extension of the `kiln` command, so that the _snapshot twin
// runs from the command's own snapshot.
#include "ext/compression/compression_extension.h"

#include <zlib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "ext/crypto/crypto_extension.h"
#include "ext/encoding/encoding_extension.h"
#include "ext/file/file_extension.h"
#include "ext/streams/streams_extension.h"
#include "ext/timers/timers_extension.h"
#include "ext/url/url_extension.h"
#include "ext/web/web_extension.h"
#include "ext/webidl/webidl_extension.h"
#include "gtest/gtest.h"
#include "ext/compression/parallel_deflate.h"
#include "ops/blocking_pool.h"

#if defined(__SANITIZE_ADDRESS__)
#define KILN_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KILN_UNDER_ASAN 1
#endif
#endif

namespace kiln::compression {
namespace {

// Helpers every test gets (globalThis):
//   bytesOf(readable) -> Promise<{ bytes: Uint8Array, sizes: number[] }>: reads to the end;
//   compress(format, chunks) / decompress(format, chunks) -> Promise<Uint8Array>: writes the
//     chunks, closes and reads everything;
//   outcome(promise) -> Promise<string>: 'ok' or 'Class: message';
//   same(a, b): byte equality;  text(bytes): UTF-8 decoding;  sample(n): n bytes of
//   compressible, not trivial data;  compressionResources(): open codec resources.
constexpr char kHelpers[] = R"js(
  globalThis.bytesOf = async (readable) => {
    const chunks = [];
    let length = 0;
    for await (const chunk of readable) {
      if (!(chunk instanceof Uint8Array)) throw new Error('not a Uint8Array: ' + chunk);
      chunks.push(chunk);
      length += chunk.length;
    }
    const bytes = new Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return { bytes, sizes: chunks.map((chunk) => chunk.length) };
  };
  const through = async (stream, chunks) => {
    const writer = stream.writable.getWriter();
    for (const chunk of chunks) writer.write(chunk).catch(() => {});
    writer.close().catch(() => {});
    return (await bytesOf(stream.readable)).bytes;
  };
  globalThis.compress = (format, chunks) => through(new CompressionStream(format), chunks);
  globalThis.decompress = (format, chunks) => through(new DecompressionStream(format), chunks);
  globalThis.outcome = (promise) => promise.then(
      () => 'ok', (error) => `${error.constructor.name}: ${error.message}`);
  globalThis.same = (a, b) => a.length === b.length && a.every((byte, i) => byte === b[i]);
  globalThis.text = (bytes) => new TextDecoder().decode(bytes);
  globalThis.sample = (n) => {
    const bytes = new Uint8Array(n);
    let seed = 7;
    for (let i = 0; i < n; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      bytes[i] = 97 + ((seed >>> 16) % 20);
    }
    return bytes;
  };
  globalThis.compressionResources = () => kiln.ops.op_resources()
      .filter(({ name }) => name === 'compressionStream' || name === 'decompressionStream')
      .length;
  undefined
)js";

// Made by Python 3's zlib (level 6) from kInteropText: compressobj(6, DEFLATED, wbits)
// with wbits 31 (gzip), 15 (deflate) and -15 (deflate-raw).
constexpr char kInteropBytes[] = R"js(
  globalThis.interopText =
      "Compression Standard interop: kiln reads what Python's zlib wrote.\n".repeat(3);
  const body = [115, 206, 207, 45, 40, 74, 45, 46, 206, 204, 207, 83, 8, 46, 73, 204, 75, 73,
    44, 74, 81, 200, 204, 43, 73, 45, 202, 47, 176, 82, 200, 206, 204, 201, 83, 40, 74, 77,
    76, 41, 86, 40, 207, 72, 44, 81, 8, 168, 44, 201, 200, 207, 83, 47, 86, 168, 202, 201,
    76, 82, 40, 47, 202, 47, 73, 213, 227, 114, 30, 20, 70, 0, 0];
  globalThis.interop = {
    'gzip': new Uint8Array([31, 139, 8, 0, 0, 0, 0, 0, 0, 3, ...body,
                            198, 106, 129, 216, 201, 0, 0, 0]),
    'deflate': new Uint8Array([120, 156, ...body, 119, 56, 73, 240]),
    'deflate-raw': new Uint8Array(body),
  };
  // gzip.GzipFile(filename='kiln.txt', mtime=1700000000) of "named member\n": a header
  // with FNAME.
  globalThis.namedGzip = new Uint8Array([31, 139, 8, 8, 0, 241, 83, 101, 2, 255, 107, 105,
    108, 110, 46, 116, 120, 116, 0, 203, 75, 204, 77, 77, 81, 200, 77, 205, 77, 74, 45, 226,
    2, 0, 231, 210, 244, 237, 13, 0, 0, 0]);
  // zlib.compressobj(6, DEFLATED, 15, zdict=b'interop') of b'interop interop'.
  globalThis.presetDictionary = new Uint8Array([120, 187, 11, 246, 3, 2, 203, 132, 80, 10,
    80, 26, 0, 48, 245, 6, 35]);
  undefined
)js";

// Decompresses `compressed` with zlib's own inflate (window bits 31, 15 or -15): a decoder
// other than the one DecompressionStream uses. "ok" when it gives `expected` exactly and
// ends where the data ends.
std::string InflateWithZlib(const std::vector<uint8_t>& compressed, int window_bits,
                            const std::vector<uint8_t>& expected) {
  z_stream zlib;
  std::memset(&zlib, 0, sizeof(zlib));
  if (inflateInit2(&zlib, window_bits) != Z_OK) return "inflateInit2 failed";
  std::vector<uint8_t> output(expected.size() + 1);
  zlib.next_in = const_cast<uint8_t*>(compressed.data());
  zlib.avail_in = static_cast<uInt>(compressed.size());
  zlib.next_out = output.data();
  zlib.avail_out = static_cast<uInt>(output.size());
  int result = inflate(&zlib, Z_FINISH);
  size_t produced = output.size() - zlib.avail_out;
  uInt left = zlib.avail_in;
  inflateEnd(&zlib);
  if (result != Z_STREAM_END) return "inflate returned " + std::to_string(result);
  if (left != 0) return std::to_string(left) + " bytes after the end";
  output.resize(produced);
  return output == expected ? "ok" : "different output";
}

// Text-like bytes (words from a fixed list, about 5:1 at level 6), as bench/compression.mjs
// makes them.
constexpr char kTextLike[] = R"js(
  globalThis.textLike = (size) => {
    const words = ['stream', 'chunk', 'reader', 'writer', 'deflate', 'gzip', 'buffer', 'byte',
                   'pipe', 'close', 'the', 'of', 'and', 'a', 'to', 'in', 'is', 'it', 'kiln',
                   '{"id":', '"name":', 'null,', 'true,', '12345', '0.5', '\n'];
    const bytes = new Uint8Array(size);
    let seed = 12345;
    for (let at = 0; at < size;) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const word = words[(seed >>> 16) % words.length];
      for (let i = 0; i < word.length && at < size; i++) bytes[at++] = word.charCodeAt(i);
      if (at < size) bytes[at++] = 32;
    }
    return bytes;
  };
  undefined
)js";

class CompressionTest : public testing::RuntimeTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.extensions = {&extensions::webidl(),  &extensions::timers(),
                          &extensions::web(),     &extensions::encoding(),
                          &extensions::streams(), &extensions::url(),
                          &extensions::crypto(),  &extensions::file(),
                          &extensions::compression()};
    return options;
  }

  void SetUp() override {
    RuntimeTest::SetUp();
    if (HasFatalFailure()) return;
    ExpectEval(kHelpers, "undefined");
    ExpectEval(kInteropBytes, "undefined");
    ExpectEval(kTextLike, "undefined");
  }

  // Runs `setup` (which sets globalThis.result, possibly late) through the event loop.
  std::string Settle(const std::string& setup) { return RunLoopThenEval(setup); }

  // Evaluates `code`, which must give a string, and returns the string itself.
  std::string Text(const std::string& code) {
    Result<v8::Global<v8::Value>> value = runtime().Eval(code);
    if (!value.ok()) return "<eval: " + value.error().Report() + ">";
    v8::Isolate* isolate = runtime().isolate();
    v8::HandleScope scope(isolate);
    v8::Context::Scope context_scope(runtime().context());
    v8::Local<v8::Value> local = value.value().Get(isolate);
    if (!local->IsString()) return "<not a string>";
    v8::String::Utf8Value utf8(isolate, local);
    return std::string(*utf8, utf8.length());
  }

  // Runs `setup` through the event loop; then the lines of globalThis.result (an array).
  std::string SettleLines(const std::string& setup) {
    std::string settled = RunLoopThenEval(setup, "Array.isArray(globalThis.result)");
    if (settled != "true") return "<result: " + settled + ">";
    return Text("globalThis.result.join('\\n')");
  }

  // The bytes of the Uint8Array `code` evaluates to (empty for anything else).
  std::vector<uint8_t> Bytes(const std::string& code) {
    Result<v8::Global<v8::Value>> value = runtime().Eval(code);
    if (!value.ok()) return {};
    v8::Isolate* isolate = runtime().isolate();
    v8::HandleScope scope(isolate);
    v8::Context::Scope context_scope(runtime().context());
    v8::Local<v8::Value> local = value.value().Get(isolate);
    if (!local->IsUint8Array()) return {};
    v8::Local<v8::Uint8Array> array = local.As<v8::Uint8Array>();
    std::vector<uint8_t> bytes(array->ByteLength());
    array->CopyContents(bytes.data(), bytes.size());
    return bytes;
  }

  // Collects every garbage object and runs the loop (FinalizationRegistry cleanups).
  std::string CollectGarbageThenEval(const std::string& read) {
    {
      v8::HandleScope scope(runtime().isolate());
      runtime().isolate()->LowMemoryNotification();
    }
    return RunLoopThenEval("0", read);
  }
};

TEST_F(CompressionTest, GlobalsAndInterfaces) {
  for (const char* name : {"CompressionStream", "DecompressionStream"}) {
    std::string n = name;
    ExpectEval("const d" + n + " = Object.getOwnPropertyDescriptor(globalThis, '" + n +
                   "'); [typeof d" + n + ".value, d" + n + ".enumerable, d" + n +
                   ".writable, d" + n + ".configurable]",
               "[ 'function', false, true, true ]");
    ExpectEval(n + ".length", "1");
    ExpectEval("Object.keys(" + n + ".prototype)", "[ 'readable', 'writable' ]");
    ExpectEval("Object.prototype.toString.call(new " + n + "('gzip'))",
               "'[object " + n + "]'");
    ExpectEval("Reflect.ownKeys(new " + n + "('deflate'))", "[]");
    ExpectThrows(n + "('gzip')",
                 "TypeError: Class constructor " + n + " cannot be invoked without 'new'");
    ExpectThrows("Object.getOwnPropertyDescriptor(" + n + ".prototype, 'readable').get.call({})",
                 "TypeError: Illegal invocation");
    ExpectThrows("Object.getOwnPropertyDescriptor(" + n + ".prototype, 'writable').get.call(" +
                     "new (" + n + " === CompressionStream ? DecompressionStream : " +
                     "CompressionStream)('gzip'))",
                 "TypeError: Illegal invocation");
    ExpectEval("const s" + n + " = new " + n + "('deflate-raw');" +
                   "[s" + n + ".readable instanceof ReadableStream, s" + n +
                   ".writable instanceof WritableStream, s" + n + ".readable === s" + n +
                   ".readable]",
               "[ true, true, true ]");
  }
  EXPECT_EQ(RunLoopThenEval("0", "compressionResources()"), "8");
}

TEST_F(CompressionTest, PrintsAsNodeDoes) {
  // node -e "console.log(new CompressionStream('gzip'))" (Node 20.20).
  ExpectEval("new CompressionStream('gzip')",
             "CompressionStream {\n"
             "  readable: ReadableStream { locked: false, state: 'readable', "
             "supportsBYOB: false },\n"
             "  writable: WritableStream { locked: false, state: 'writable' }\n"
             "}");
  ExpectEval("new DecompressionStream('deflate')",
             "DecompressionStream {\n"
             "  readable: ReadableStream { locked: false, state: 'readable', "
             "supportsBYOB: false },\n"
             "  writable: WritableStream { locked: false, state: 'writable' }\n"
             "}");
  ExpectEval("[new CompressionStream('gzip')]",
             "[\n"
             "  CompressionStream {\n"
             "    readable: ReadableStream { locked: false, state: 'readable', "
             "supportsBYOB: false },\n"
             "    writable: WritableStream { locked: false, state: 'writable' }\n"
             "  }\n"
             "]");
  // Past the depth limit, Node 20 prints `undefined` for every web stream (its custom
  // inspect returns nothing there); kiln's streams print their class name.
  ExpectEval("({ nested: { deeper: { stream: new DecompressionStream('gzip') } } })",
             "{ nested: { deeper: { stream: [DecompressionStream] } } }");
}

TEST_F(CompressionTest, ConstructorRejectsUnknownFormats) {
  ExpectThrows("new CompressionStream('x')",
               "TypeError: Failed to construct 'CompressionStream': Unsupported compression "
               "format: 'x'");
  ExpectThrows("new DecompressionStream('brotli')",
               "TypeError: Failed to construct 'DecompressionStream': Unsupported compression "
               "format: 'brotli'");
  ExpectThrows("new CompressionStream('GZIP')",
               "TypeError: Failed to construct 'CompressionStream': Unsupported compression "
               "format: 'GZIP'");
  ExpectThrows("new CompressionStream(undefined)",
               "TypeError: Failed to construct 'CompressionStream': Unsupported compression "
               "format: 'undefined'");
  ExpectThrows("new CompressionStream()",
               "TypeError: Failed to construct 'CompressionStream': 1 argument required, but "
               "only 0 present.");
  ExpectThrows("new DecompressionStream()",
               "TypeError: Failed to construct 'DecompressionStream': 1 argument required, "
               "but only 0 present.");
  EXPECT_EQ(EvalError("new CompressionStream(Symbol('gzip'))").class_name, "TypeError");
  // A failed constructor leaves no resource behind.
  ExpectEval("compressionResources()", "0");
  // The format is converted to a string first (WebIDL enum).
  ExpectEval("new CompressionStream({ toString: () => 'gzip' }) instanceof CompressionStream",
             "true");
}

TEST_F(CompressionTest, RoundTripsEveryFormat) {
  EXPECT_EQ(SettleLines(R"js(
    (async () => {
      const lines = [];
      const big = sample(3 * 1024 * 1024 + 17);
      for (const format of ['gzip', 'deflate', 'deflate-raw']) {
        const cases = {
          empty: [],
          'empty chunk': [new Uint8Array(0)],
          byte: [new Uint8Array([42])],
          text: [new TextEncoder().encode('hello '), new TextEncoder().encode('world')],
          big: [big],
          'big in pieces': Array.from({ length: 50 }, (_, i) =>
              big.subarray(i * 65536, Math.min(big.length, (i + 1) * 65536))),
        };
        const results = [];
        for (const [name, chunks] of Object.entries(cases)) {
          const input = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
          let offset = 0;
          for (const chunk of chunks) { input.set(chunk, offset); offset += chunk.length; }
          const compressed = await compress(format, chunks);
          const output = await decompress(format, [compressed]);
          results.push(`${name}:${same(input, output) ? 'same' : 'DIFFERENT'}`);
        }
        lines.push(`${format} ${results.join(' ')}`);
      }
      globalThis.result = lines;
    })();
  )js"),
            "gzip empty:same empty chunk:same byte:same text:same big:same big in pieces:same\n"
            "deflate empty:same empty chunk:same byte:same text:same big:same "
            "big in pieces:same\n"
            "deflate-raw empty:same empty chunk:same byte:same text:same big:same "
            "big in pieces:same");
  EXPECT_EQ(RunLoopThenEval("0", "compressionResources()"), "0");
}

TEST_F(CompressionTest, TakesEveryBufferSource) {
  EXPECT_EQ(Settle(R"js(
    (async () => {
      const backing = new ArrayBuffer(16);
      new Uint8Array(backing).set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
      const chunks = [
        backing.slice(0, 2),                 // ArrayBuffer
        new DataView(backing, 2, 2),         // DataView
        new Int16Array(backing, 4, 2),       // a typed array of wider elements
        new Uint8Array(backing, 8, 3),       // a view into a larger buffer
        new Float64Array(0),                 // empty
        new Uint8ClampedArray(backing, 11),  // to the buffer's end
      ];
      const compressed = await compress('gzip', chunks);
      const output = await decompress('gzip', [compressed]);
      globalThis.result = [...output].join(',');
    })();
  )js"),
            "'0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15'");
}

TEST_F(CompressionTest, ReadsWhatPythonsZlibWrote) {
  EXPECT_EQ(Settle(R"js(
    (async () => {
      const lines = [];
      for (const format of ['gzip', 'deflate', 'deflate-raw']) {
        const whole = text(await decompress(format, [interop[format]]));
        // The same bytes a byte at a time.
        const bytes = [...interop[format]].map((byte) => new Uint8Array([byte]));
        const byByte = text(await decompress(format, bytes));
        lines.push(`${format}:${whole === interopText}:${byByte === interopText}`);
      }
      lines.push(JSON.stringify(text(await decompress('gzip', [namedGzip]))));
      globalThis.result = lines.join(' ');
    })();
  )js"),
            "'gzip:true:true deflate:true:true deflate-raw:true:true \"named member\\\\n\"'");
}

// The decompressor reads the gzip and zlib headers itself (ISA-L inflates what follows):
// every optional gzip field, whole and a byte at a time, and each header error with zlib's
// message.
TEST_F(CompressionTest, ReadsEveryHeaderFieldWithZlibsChecks) {
  EXPECT_EQ(SettleLines(R"js(
    (async () => {
      const crcTable = Array.from({ length: 256 }, (_, n) => {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        return c >>> 0;
      });
      const crc32 = (bytes) => {
        let crc = 0xffffffff;
        for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
        return (crc ^ 0xffffffff) >>> 0;
      };
      const body = interop['deflate-raw'];
      const trailer = interop['gzip'].subarray(interop['gzip'].length - 8);
      // A gzip member whose header has the flags `flags` and the fields after it.
      const member = (flags, fields, headerCrc) => {
        const header = [0x1f, 0x8b, 8, flags, 1, 2, 3, 4, 0, 255, ...fields];
        if (flags & 2) {
          const crc = headerCrc ?? crc32(header) & 0xffff;
          header.push(crc & 0xff, crc >> 8);
        }
        return new Uint8Array([...header, ...body, ...trailer]);
      };
      const extra = [6, 0, 65, 66, 2, 0, 1, 2];
      const name = [...new TextEncoder().encode('kiln.txt'), 0];
      const comment = [...new TextEncoder().encode('a comment'), 0];
      const cases = {
        'every field': member(2 | 4 | 8 | 16, [...extra, ...name, ...comment]),
        'empty extra, header crc': member(2 | 4, [0, 0]),
        'comment only': member(16, comment),
      };
      const lines = [];
      for (const [label, bytes] of Object.entries(cases)) {
        const whole = text(await decompress('gzip', [bytes])) === interopText;
        const byByte = text(await decompress(
            'gzip', [...bytes].map((byte) => new Uint8Array([byte])))) === interopText;
        lines.push(`${label}: ${whole} ${byByte}`);
      }
      const errors = {
        'header crc mismatch': ['gzip', member(2, [], 0x1234)],
        'reserved flag': ['gzip', member(0x20, [])],
        'method 9 (gzip)': ['gzip', new Uint8Array([0x1f, 0x8b, 9, 0, 0, 0, 0, 0, 0, 3])],
        'method 9 (zlib)': ['deflate', new Uint8Array([0x79, 0x18, 3, 0])],
        'window 64 KiB': ['deflate', new Uint8Array([0x88, 0x98, 3, 0])],
        'bad check bits': ['deflate', new Uint8Array([0x78, 0x9d, 3, 0])],
        'header cut short': ['gzip', member(8, name).subarray(0, 14)],
        'one junk byte (raw)': ['deflate-raw', new Uint8Array([...body, 0])],
        'stored block lengths': ['deflate-raw', new Uint8Array([1, 5, 0, 0xfa, 0xfe, 1, 2])],
      };
      for (const [label, [format, bytes]] of Object.entries(errors)) {
        lines.push(`${label}: ${await outcome(decompress(format, [bytes]))}`);
      }
      lines.push(`open: ${compressionResources()}`);
      globalThis.result = lines;
    })();
  )js"),
            "every field: true true\n"
            "empty extra, header crc: true true\n"
            "comment only: true true\n"
            "header crc mismatch: TypeError: The compressed data was not valid: header crc "
            "mismatch.\n"
            "reserved flag: TypeError: The compressed data was not valid: unknown header "
            "flags set.\n"
            "method 9 (gzip): TypeError: The compressed data was not valid: unknown "
            "compression method.\n"
            "method 9 (zlib): TypeError: The compressed data was not valid: unknown "
            "compression method.\n"
            "window 64 KiB: TypeError: The compressed data was not valid: invalid window "
            "size.\n"
            "bad check bits: TypeError: The compressed data was not valid: incorrect header "
            "check.\n"
            "header cut short: TypeError: Compressed input was truncated.\n"
            "one junk byte (raw): TypeError: Junk found after end of compressed data.\n"
            "stored block lengths: TypeError: The compressed data was not valid: invalid "
            "block header.\n"
            "open: 0");
}

TEST_F(CompressionTest, WritesWhatZlibWrites) {
  // At the same level (6), for this text, Chromium's zlib makes the same bytes as Python's
  // (the canonical zlib; Chromium's hashes strings differently and can choose other
  // matches in longer inputs); gzip's header has mtime 0 and OS 3 (Unix), as Python's
  // zlib.compressobj writes it.
  EXPECT_EQ(Settle(R"js(
    (async () => {
      const input = new TextEncoder().encode(interopText);
      const lines = [];
      for (const format of ['gzip', 'deflate', 'deflate-raw']) {
        const output = await compress(format, [input]);
        lines.push(`${format}:${same(output, interop[format])}`);
      }
      globalThis.result = lines.join(' ');
    })();
  )js"),
            "'gzip:true deflate:true deflate-raw:true'");
}

TEST_F(CompressionTest, BadChunksErrorTheStream) {
  EXPECT_EQ(SettleLines(R"js(
    (async () => {
      const bad = {
        undefined: undefined, null: null, number: 3.14, string: 'text', object: {},
        array: [1, 2, 3], SharedArrayBuffer: new SharedArrayBuffer(4),
        'shared view': new Uint8Array(new SharedArrayBuffer(4)),
      };
      const lines = [];
      for (const Stream of [CompressionStream, DecompressionStream]) {
        for (const [name, chunk] of Object.entries(bad)) {
          const stream = new Stream('deflate');
          const writer = stream.writable.getWriter();
          const reading = outcome(stream.readable.getReader().read());
          const written = await outcome(writer.write(chunk));
          const read = await reading;
          lines.push(`${name}: ${written}${read === written ? '' : ` (read: ${read})`}`);
        }
      }
      lines.push(`open: ${compressionResources()}`);
      globalThis.result = lines;
    })();
  )js"),
            "undefined: TypeError: Failed to execute 'write' on 'CompressionStream': The chunk "
            "is not of type '(ArrayBuffer or ArrayBufferView)'.\n"
            "null: TypeError: Failed to execute 'write' on 'CompressionStream': The chunk is "
            "not of type '(ArrayBuffer or ArrayBufferView)'.\n"
            "number: TypeError: Failed to execute 'write' on 'CompressionStream': The chunk "
            "is not of type '(ArrayBuffer or ArrayBufferView)'.\n"
            "string: TypeError: Failed to execute 'write' on 'CompressionStream': The chunk "
            "is not of type '(ArrayBuffer or ArrayBufferView)'.\n"
            "object: TypeError: Failed to execute 'write' on 'CompressionStream': The chunk "
            "is not of type '(ArrayBuffer or ArrayBufferView)'.\n"
            "array: TypeError: Failed to execute 'write' on 'CompressionStream': The chunk is "
            "not of type '(ArrayBuffer or ArrayBufferView)'.\n"
            "SharedArrayBuffer: TypeError: Failed to execute 'write' on 'CompressionStream': "
            "The chunk is not of type '(ArrayBuffer or ArrayBufferView)'.\n"
            "shared view: TypeError: Failed to execute 'write' on 'CompressionStream': The "
            "chunk is a view on a SharedArrayBuffer, which is not allowed.\n"
            "undefined: TypeError: Failed to execute 'write' on 'DecompressionStream': The "
            "chunk is not of type '(ArrayBuffer or ArrayBufferView)'.\n"
            "null: TypeError: Failed to execute 'write' on 'DecompressionStream': The chunk "
            "is not of type '(ArrayBuffer or ArrayBufferView)'.\n"
            "number: TypeError: Failed to execute 'write' on 'DecompressionStream': The chunk "
            "is not of type '(ArrayBuffer or ArrayBufferView)'.\n"
            "string: TypeError: Failed to execute 'write' on 'DecompressionStream': The chunk "
            "is not of type '(ArrayBuffer or ArrayBufferView)'.\n"
            "object: TypeError: Failed to execute 'write' on 'DecompressionStream': The chunk "
            "is not of type '(ArrayBuffer or ArrayBufferView)'.\n"
            "array: TypeError: Failed to execute 'write' on 'DecompressionStream': The chunk "
            "is not of type '(ArrayBuffer or ArrayBufferView)'.\n"
            "SharedArrayBuffer: TypeError: Failed to execute 'write' on 'DecompressionStream': "
            "The chunk is not of type '(ArrayBuffer or ArrayBufferView)'.\n"
            "shared view: TypeError: Failed to execute 'write' on 'DecompressionStream': The "
            "chunk is a view on a SharedArrayBuffer, which is not allowed.\n"
            "open: 0");
}

TEST_F(CompressionTest, CorruptTrailingAndTruncatedInputErrorTheStream) {
  EXPECT_EQ(SettleLines(R"js(
    (async () => {
      const lines = [];
      // The read's outcome; the close's and the writes' when they differ from it.
      const check = async (name, format, chunks) => {
        const stream = new DecompressionStream(format);
        const writer = stream.writable.getWriter();
        const writes = chunks.map((chunk) => outcome(writer.write(chunk)));
        const closed = outcome(writer.close());
        const read = await outcome(bytesOf(stream.readable));
        const others = [`close ${await closed}`,
                        ...(await Promise.all(writes)).map((w, i) => `write ${i} ${w}`)]
            .filter((line) => !line.endsWith(read));
        lines.push(`${name}: ${read}${others.length ? ` (${others.join('; ')})` : ''}`);
      };
      await check('garbage gzip', 'gzip', [new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])]);
      await check('garbage deflate', 'deflate', [new Uint8Array([0x78, 0x9c, 0xff, 0xff])]);
      await check('bad checksum', 'deflate', [(() => {
        const bytes = interop['deflate'].slice();
        bytes[bytes.length - 1] ^= 1;
        return bytes;
      })()]);
      await check('gzip as deflate', 'deflate', [interop['gzip']]);
      await check('trailing byte', 'gzip', [new Uint8Array([...interop['gzip'], 0])]);
      await check('trailing chunk', 'deflate', [interop['deflate'], new Uint8Array([1])]);
      await check('second member', 'gzip', [interop['gzip'], interop['gzip']]);
      await check('empty chunk after end', 'deflate-raw',
                  [interop['deflate-raw'], new Uint8Array(0)]);
      await check('truncated', 'gzip', [interop['gzip'].subarray(0, 40)]);
      await check('truncated trailer', 'deflate',
                  [interop['deflate'].subarray(0, interop['deflate'].length - 1)]);
      await check('empty', 'deflate-raw', []);
      await check('preset dictionary', 'deflate', [presetDictionary]);
      lines.push(`open: ${compressionResources()}`);
      globalThis.result = lines;
    })();
  )js"),
            "garbage gzip: TypeError: The compressed data was not valid: incorrect header "
            "check.\n"
            "garbage deflate: TypeError: The compressed data was not valid: invalid block "
            "header.\n"
            "bad checksum: TypeError: The compressed data was not valid: incorrect data "
            "check.\n"
            "gzip as deflate: TypeError: The compressed data was not valid: incorrect header "
            "check.\n"
            "trailing byte: TypeError: Junk found after end of compressed data.\n"
            "trailing chunk: TypeError: Junk found after end of compressed data. (write 0 ok)\n"
            "second member: TypeError: Junk found after end of compressed data. (write 0 ok)\n"
            "empty chunk after end: ok\n"
            "truncated: TypeError: Compressed input was truncated. (write 0 ok)\n"
            "truncated trailer: TypeError: Compressed input was truncated. (write 0 ok)\n"
            "empty: TypeError: Compressed input was truncated.\n"
            "preset dictionary: TypeError: The compressed data was not valid: a preset "
            "dictionary is required.\n"
            "open: 0");
}

// Data shaped to reach every copy path of an inflate (overlapping and far copies, literal
// runs; written for zlib's chunked inflate, contrib/optimizations, and kept for ISA-L's):
// runs of random literals, matches as far back as the 32 KiB window allows, overlapping
// copies with periods of 1 to 16 bytes, and matches up to 258 bytes long, 4 MiB of them,
// so that the output crosses the op's 64 KiB chunks many times. The checksums in the
// trailers (combined from the blocks' SIMD crc32 and adler32) are compared with plain
// JavaScript ones.
TEST_F(CompressionTest, MatchesAndLiteralRunsRoundTripThroughEveryInflateCopy) {
  EXPECT_EQ(SettleLines(R"js(
    (async () => {
      const size = 4 * 1024 * 1024 + 3;
      const input = new Uint8Array(size);
      let seed = 12345;
      const next = (limit) => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return (seed >>> 8) % limit;
      };
      const copy = (at, distance, length) => {
        const end = Math.min(size, at + length);
        for (; at < end; at++) input[at] = input[at - distance];
        return at;
      };
      const kinds = [0, 0, 0, 0];
      for (let at = 0; at < size;) {
        const kind = at < 32768 ? 0 : next(4);
        kinds[kind]++;
        if (kind === 0) {         // literals
          const end = Math.min(size, at + 1 + next(2000));
          while (at < end) input[at++] = next(256);
        } else if (kind === 1) {  // anywhere in the window
          at = copy(at, 1 + next(32768), 3 + next(1500));
        } else if (kind === 2) {  // overlapping: a period shorter than a SIMD chunk
          at = copy(at, 1 + next(16), 3 + next(600));
        } else {                  // at the window's far end
          at = copy(at, 32768 - next(4), 3 + next(300));
        }
      }
      const crcTable = Array.from({ length: 256 }, (_, n) => {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        return c >>> 0;
      });
      let crc = 0xffffffff;
      let a = 1;
      let b = 0;
      for (let i = 0; i < size; i++) {
        crc = crcTable[(crc ^ input[i]) & 0xff] ^ (crc >>> 8);
        a = (a + input[i]) % 65521;
        b = (b + a) % 65521;
      }
      crc = (crc ^ 0xffffffff) >>> 0;
      const adler = ((b << 16) | a) >>> 0;
      const pieces = (bytes, length) => Array.from(
          { length: Math.ceil(bytes.length / length) },
          (_, i) => bytes.subarray(i * length, (i + 1) * length));
      const lines = [`every kind: ${kinds.every((count) => count > 100)}`];
      for (const format of ['gzip', 'deflate', 'deflate-raw']) {
        const compressed = await compress(format, pieces(input, 65521));
        const view = new DataView(compressed.buffer);
        const end = compressed.length;
        const trailer = format === 'gzip' ?
            `crc32 ${view.getUint32(end - 8, true) === crc}, ` +
                `size ${view.getUint32(end - 4, true) === size}` :
            format === 'deflate' ? `adler32 ${view.getUint32(end - 4) === adler}` : '-';
        const whole = await decompress(format, [compressed]);
        const inPieces = await bytesOf(new ReadableStream({
          start(controller) {
            for (const piece of pieces(compressed, 4093)) controller.enqueue(piece);
            controller.close();
          },
        }).pipeThrough(new DecompressionStream(format)));
        lines.push(`${format}: ratio ${compressed.length < size * 0.8}, ${trailer}, ` +
                   `whole ${same(whole, input)}, in pieces ${same(inPieces.bytes, input)}, ` +
                   `chunks up to 64 KiB ${Math.max(...inPieces.sizes) <= 65536}`);
      }
      // Corruption in the middle of a large stream (the fast inflate loop's checks) is an
      // error, whatever check notices it first.
      const compressed = await compress('gzip', [input]);
      const known = new RegExp('^TypeError: (The compressed data was not valid: [a-z ]+|' +
          'Junk found after end of compressed data|Compressed input was truncated)\\.$');
      const outcomes = [];
      for (const fraction of [0.1, 0.3, 0.5, 0.7, 0.9]) {
        const corrupt = compressed.slice();
        corrupt[Math.floor(corrupt.length * fraction)] ^= 0x55;
        const found = await outcome(decompress('gzip', [corrupt]));
        outcomes.push(known.test(found) ? 'error' : found);
      }
      lines.push(`corrupt: ${outcomes.join(' ')}`);
      lines.push(`cut in half: ${await outcome(
          decompress('gzip', [compressed.subarray(0, compressed.length >> 1)]))}`);
      // A fixed-Huffman block whose first symbol copies from before the start, followed by
      // enough input for the fast loop to run.
      const tooFarBack = new Uint8Array(64);
      tooFarBack.set([0x03, 0x02, 0x00]);
      lines.push(`too far back: ${await outcome(decompress('deflate-raw', [tooFarBack]))}`);
      lines.push(`open: ${compressionResources()}`);
      globalThis.result = lines;
    })();
  )js"),
            "every kind: true\n"
            "gzip: ratio true, crc32 true, size true, whole true, in pieces true, "
            "chunks up to 64 KiB true\n"
            "deflate: ratio true, adler32 true, whole true, in pieces true, "
            "chunks up to 64 KiB true\n"
            "deflate-raw: ratio true, -, whole true, in pieces true, chunks up to 64 KiB true\n"
            "corrupt: error error error error error\n"
            "cut in half: TypeError: Compressed input was truncated.\n"
            "too far back: TypeError: The compressed data was not valid: invalid distance too "
            "far back.\n"
            "open: 0");
}

TEST_F(CompressionTest, OutputComesInChunksOfAtMost64KiB) {
  EXPECT_EQ(Settle(R"js(
    (async () => {
      // 8 MiB of zeros deflate to about 8 KiB, which inflate back in full 64 KiB chunks.
      const zeros = new Uint8Array(8 * 1024 * 1024);
      const stream = new CompressionStream('gzip');
      const writer = stream.writable.getWriter();
      writer.write(zeros);
      writer.close();
      const compressed = await bytesOf(stream.readable);
      const inflated = new DecompressionStream('gzip');
      const inflatedWriter = inflated.writable.getWriter();
      inflatedWriter.write(compressed.bytes);
      inflatedWriter.close();
      const { bytes, sizes } = await bytesOf(inflated.readable);
      // Incompressible input: the compressed output is larger than one chunk.
      const noise = new Uint8Array(1024 * 1024);
      crypto.getRandomValues(noise.subarray(0, 65536));
      for (let i = 65536; i < noise.length; i += 65536) {
        crypto.getRandomValues(noise.subarray(i, i + 65536));
      }
      const noisy = new CompressionStream('deflate-raw');
      const noisyWriter = noisy.writable.getWriter();
      noisyWriter.write(noise);
      noisyWriter.close();
      const noisyOut = await bytesOf(noisy.readable);
      globalThis.result = [
        compressed.bytes.length < 16384,
        bytes.length, bytes.every((b) => b === 0),
        sizes.length, sizes.every((size) => size === 65536),
        noisyOut.bytes.length > noise.length, Math.max(...noisyOut.sizes),
        noisyOut.sizes.length > 16,
        same(await decompress('deflate-raw', [noisyOut.bytes]), noise),
      ];
    })();
  )js"),
            "[\n  true,  8388608,\n  true,  128,\n  true,  true,\n  65536, true,\n  true\n]");
}

TEST_F(CompressionTest, TransformPausesForASlowReader) {
  // 64 MiB of zeros compress to about 64 KiB. Written to a DecompressionStream whose
  // reader reads once and then waits, the transform stops after a few chunks (the write
  // stays pending) instead of inflating everything into the readable side's queue; reading
  // on takes it to the end.
  EXPECT_EQ(Settle(R"js(
    (async () => {
      const bomb = await compress('deflate', [new Uint8Array(64 * 1024 * 1024)]);
      const stream = new DecompressionStream('deflate');
      const writer = stream.writable.getWriter();
      let writeSettled = false;
      const write = writer.write(bomb).then(() => { writeSettled = true; });
      // One read starts the transform (a TransformStream waits for its reader).
      const reader = stream.readable.getReader();
      let total = (await reader.read()).value.length;
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
      const pausedBeforeReading = !writeSettled;
      let largest = total;
      let reads = 1;
      const reading = (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          reads++;
          total += value.length;
          largest = Math.max(largest, value.length);
        }
      })();
      await write;
      await writer.close();
      await reading;
      globalThis.result = [bomb.length < 100000, pausedBeforeReading, total, largest, reads,
                           compressionResources()];
    })();
  )js"),
            "[ true, true, 67108864, 65536, 1024, 0 ]");
}

TEST_F(CompressionTest, PipesThroughBothStreams) {
  EXPECT_EQ(Settle(R"js(
    (async () => {
      const input = sample(1024 * 1024);
      const source = new ReadableStream({
        start(controller) {
          for (let i = 0; i < input.length; i += 10000) {
            controller.enqueue(input.slice(i, i + 10000));
          }
          controller.close();
        },
      });
      const output = await bytesOf(source
          .pipeThrough(new CompressionStream('gzip'))
          .pipeThrough(new DecompressionStream('gzip')));
      globalThis.result = [same(output.bytes, input), compressionResources()];
    })();
  )js"),
            "[ true, 0 ]");
}

// Peak resident memory over a 256 MiB compress -> decompress round trip stays within
// 64 MiB of where it started: output is made in 64 KiB chunks and the transforms wait for
// the reader instead of buffering.
TEST_F(CompressionTest, CompressesABlobsStream) {
  EXPECT_EQ(Settle(R"js(
    (async () => {
      const blob = new Blob(['kiln ', 'blob '.repeat(1000)]);
      const gzipped = await bytesOf(blob.stream().pipeThrough(new CompressionStream('gzip')));
      const back = new Blob([gzipped.bytes]).stream()
          .pipeThrough(new DecompressionStream('gzip'));
      const text = await new Blob([(await bytesOf(back)).bytes]).text();
      globalThis.result = [gzipped.bytes.length < 100, text === 'kiln ' + 'blob '.repeat(1000)];
    })();
  )js"),
            "[ true, true ]");
}

TEST_F(CompressionTest, LongRoundTripKeepsMemoryBounded) {
#ifdef KILN_UNDER_ASAN
  GTEST_SKIP() << "AddressSanitizer's quarantine keeps freed memory resident";
#endif
  auto resident_kib = [] {
    long pages = 0;
    long resident = 0;
    FILE* statm = std::fopen("/proc/self/statm", "r");
    if (statm == nullptr) return 0L;
    if (std::fscanf(statm, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(statm);
    return resident * 4;
  };
  long start = resident_kib();
  std::atomic<bool> running{true};
  std::atomic<long> peak{start};
  std::thread sampler([&] {
    while (running.load()) {
      long now = resident_kib();
      if (now > peak.load()) peak.store(now);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  std::string result = Settle(R"js(
    (async () => {
      // Zeros: about 900:1 (a single zlib stream reaches 1000:1; each 128 KiB block adds
      // a sync flush and a block header), so each 64 KiB chunk of compressed data
      // inflates to some 57 MiB at once (the case that needs the transform to wait for
      // the reader).
      const total = 256 * 1024 * 1024;
      let produced = 0;
      const source = new ReadableStream({
        pull(controller) {
          if (produced === total) return controller.close();
          controller.enqueue(new Uint8Array(65536));
          produced += 65536;
        },
      }, { highWaterMark: 0 });
      // The compressed data regrouped in 64 KiB chunks, as a file read would give it.
      let received = 0;
      let nonZero = 0;
      let compressedBytes = 0;
      let pending = new Uint8Array(65536);
      let filled = 0;
      const regroup = new TransformStream({
        transform(chunk, controller) {
          compressedBytes += chunk.length;
          for (let offset = 0; offset < chunk.length;) {
            const taken = Math.min(65536 - filled, chunk.length - offset);
            pending.set(chunk.subarray(offset, offset + taken), filled);
            filled += taken;
            offset += taken;
            if (filled === 65536) {
              controller.enqueue(pending);
              pending = new Uint8Array(65536);
              filled = 0;
            }
          }
        },
        flush(controller) {
          if (filled > 0) controller.enqueue(pending.subarray(0, filled));
        },
      });
      for await (const chunk of source.pipeThrough(new CompressionStream('gzip'))
                     .pipeThrough(regroup).pipeThrough(new DecompressionStream('gzip'))) {
        received += chunk.length;
        for (let i = 0; i < chunk.length; i += 4096) nonZero |= chunk[i];
      }
      globalThis.result = [received, nonZero, compressedBytes < total / 850];
    })();
  )js");
  running.store(false);
  sampler.join();
  EXPECT_EQ(result, "[ 268435456, 0, true ]");
  std::printf("resident memory: %ld KiB at the start, %ld KiB at the peak\n", start,
              peak.load());
  EXPECT_LT(peak.load() - start, 64 * 1024) << "start " << start << " KiB, peak " << peak.load()
                                             << " KiB";
}

// Sizes around the block size of the parallel compressor, in every format: each output is
// decoded by DecompressionStream (ISA-L) here and by zlib's inflate in C++, and a long
// stream's output is within 1% of what one zlib stream at level 6 makes of it.
TEST_F(CompressionTest, BlocksRoundTripAndDecodeWithZlib) {
  const size_t block = kDeflateBlockSize;
  const std::vector<size_t> sizes = {0, 1, block - 1, block, block + 1, 3 * block + 5,
                                     24 * block + 1000};
  std::string sizes_js;
  for (size_t size : sizes) sizes_js += std::to_string(size) + ",";
  EXPECT_EQ(SettleLines(R"js(
    (async () => {
      const sizes = [)js" + sizes_js + R"js(];
      const pieces = (bytes, length) => Array.from(
          { length: Math.ceil(bytes.length / length) },
          (_, i) => bytes.subarray(i * length, (i + 1) * length));
      globalThis.inputs = {};
      globalThis.outputs = {};
      const lines = [];
      for (const format of ['gzip', 'deflate', 'deflate-raw']) {
        const results = [];
        for (const size of sizes) {
          const input = textLike(size);
          inputs[size] = input;
          // Whole, and in 64 KiB writes (the bench's) and odd ones.
          const whole = await compress(format, [input]);
          const in64k = await compress(format, pieces(input, 65536));
          const odd = await compress(format, pieces(input, 10007));
          outputs[`${format} ${size}`] = in64k;
          const back = await decompress(format, [in64k]);
          results.push(same(back, input) && same(whole, in64k) && same(odd, in64k) ?
                       'ok' : `${size} DIFFERENT`);
        }
        lines.push(`${format}: ${results.join(' ')}`);
      }
      // Many tiny writes, across two block boundaries: blocks are cut by input offset
      // alone, so the output is the same as for one write.
      const tiny = textLike(2 * 131072 + 333);
      const tinyOut = await compress('gzip', pieces(tiny, 7));
      lines.push(`tiny writes: ${same(await decompress('gzip', [tinyOut]), tiny)} ${
          same(tinyOut, await compress('gzip', [tiny]))}`);
      globalThis.tinyInput = tiny;
      globalThis.tinyOutput = tinyOut;
      lines.push(`open: ${compressionResources()}`);
      globalThis.result = lines;
    })();
  )js"),
            "gzip: ok ok ok ok ok ok ok\n"
            "deflate: ok ok ok ok ok ok ok\n"
            "deflate-raw: ok ok ok ok ok ok ok\n"
            "tiny writes: true true\n"
            "open: 0");
  const struct {
    const char* format;
    int window_bits;
  } formats[] = {{"gzip", 31}, {"deflate", 15}, {"deflate-raw", -15}};
  for (const auto& format : formats) {
    for (size_t size : sizes) {
      std::vector<uint8_t> input = Bytes("inputs[" + std::to_string(size) + "]");
      std::vector<uint8_t> output =
          Bytes(std::string("outputs['") + format.format + " " + std::to_string(size) + "']");
      ASSERT_EQ(input.size(), size);
      EXPECT_EQ(InflateWithZlib(output, format.window_bits, input), "ok")
          << format.format << " " << size;
      if (size < 3 * block) continue;
      // One zlib stream at level 6 of the same input, same wrapper.
      z_stream zlib;
      std::memset(&zlib, 0, sizeof(zlib));
      ASSERT_EQ(deflateInit2(&zlib, 6, Z_DEFLATED, format.window_bits, 8, Z_DEFAULT_STRATEGY),
                Z_OK);
      std::vector<uint8_t> single(deflateBound(&zlib, input.size()));
      zlib.next_in = input.data();
      zlib.avail_in = static_cast<uInt>(input.size());
      zlib.next_out = single.data();
      zlib.avail_out = static_cast<uInt>(single.size());
      EXPECT_EQ(deflate(&zlib, Z_FINISH), Z_STREAM_END);
      size_t single_size = single.size() - zlib.avail_out;
      deflateEnd(&zlib);
      EXPECT_LT(output.size(), single_size + single_size / 100)
          << format.format << " " << size << ": " << output.size() << " bytes, one stream "
          << single_size;
    }
  }
  EXPECT_EQ(InflateWithZlib(Bytes("tinyOutput"), 31, Bytes("tinyInput")), "ok");
}

// A stream shorter than a block compresses on the JavaScript thread; one that fills a block
// hands its blocks to the process's blocking pool.
TEST_F(CompressionTest, OnlyStreamsLongerThanABlockUseThreads) {
  uint64_t before = BlockingPool::Shared().posted();
  EXPECT_EQ(Settle(R"js(
    (async () => {
      const input = textLike(131071);
      const out = await compress('gzip', [input.subarray(0, 1000), input.subarray(1000)]);
      globalThis.result = same(await decompress('gzip', [out]), input);
    })();
  )js"),
            "true");
  EXPECT_EQ(BlockingPool::Shared().posted(), before);
  EXPECT_EQ(Settle(R"js(
    (async () => {
      const input = textLike(131072 * 2);
      const out = await compress('gzip', [input]);
      globalThis.result = same(await decompress('gzip', [out]), input);
    })();
  )js"),
            "true");
  EXPECT_EQ(BlockingPool::Shared().posted(), before + 3);  // two full blocks and the empty last
}

// Canceling or aborting while blocks are being compressed (and a write waits for them)
// rejects the write with the reason and releases the stream; blocks still running finish
// on their threads and are dropped.
TEST_F(CompressionTest, CancelAndAbortWithBlocksInFlight) {
  EXPECT_EQ(SettleLines(R"js(
    (async () => {
      const lines = [];
      const big = textLike(4 * 1024 * 1024);
      for (const how of ['cancel', 'abort', 'cancel after output']) {
        const stream = new CompressionStream('gzip');
        const writer = stream.writable.getWriter();
        // More blocks than may be in flight: the write waits for the pool.
        const write = outcome(writer.write(big));
        const reader = stream.readable.getReader();
        if (how === 'cancel after output') await reader.read();
        if (how === 'abort') {
          await outcome(writer.abort(new Error('stop')));
        } else {
          await reader.cancel(new Error('enough'));
        }
        lines.push(`${how}: write ${await write}, open ${compressionResources()}`);
      }
      globalThis.result = lines;
    })();
  )js"),
            "cancel: write Error: enough, open 0\n"
            "abort: write Error: stop, open 0\n"
            "cancel after output: write Error: enough, open 0");
}

// The runtime goes away while blocks are being compressed: the resource closes, the pool
// waits for the running blocks and drops them (ASan/LSan check the rest).
TEST_F(CompressionTest, TeardownWithBlocksInFlight) {
  EXPECT_EQ(Settle(R"js(
    (async () => {
      globalThis.stream = new CompressionStream('deflate');
      globalThis.writer = stream.writable.getWriter();
      writer.write(textLike(4 * 1024 * 1024)).catch(() => {});
      writer.close().catch(() => {});
      globalThis.reader = stream.readable.getReader();
      const { value } = await reader.read();
      globalThis.result = value.length > 0 && compressionResources() === 1;
    })();
  )js"),
            "true");
}

TEST_F(CompressionTest, CancelAndAbortReleaseTheCodecState) {
  EXPECT_EQ(SettleLines(R"js(
    (async () => {
      const lines = [];
      // Canceling the readable side.
      const canceled = new CompressionStream('gzip');
      canceled.writable.getWriter().write(sample(1000)).catch(() => {});
      await canceled.readable.cancel(new Error('no more'));
      lines.push(`cancel: ${compressionResources()}`);
      // Aborting the writable side.
      const aborted = new DecompressionStream('gzip');
      const abortedWriter = aborted.writable.getWriter();
      await abortedWriter.abort(new Error('stop'));
      lines.push(`abort: ${compressionResources()} ${
          await outcome(aborted.readable.getReader().read())}`);
      // Canceling while the transform waits for the reader (a large inflation).
      const bomb = await compress('gzip', [new Uint8Array(16 * 1024 * 1024)]);
      const paused = new DecompressionStream('gzip');
      const pausedWriter = paused.writable.getWriter();
      const write = outcome(pausedWriter.write(bomb));
      const reader = paused.readable.getReader();
      await reader.read();
      await new Promise((resolve) => setTimeout(resolve, 0));
      await reader.cancel(new Error('enough'));
      lines.push(`cancel while paused: ${compressionResources()} write ${await write}`);
      // A pipe aborted by a signal.
      const controller = new AbortController();
      const source = new ReadableStream({ pull(c) { c.enqueue(sample(65536)); } });
      const piped = source.pipeThrough(new CompressionStream('deflate'),
                                       { signal: controller.signal });
      const pipedReader = piped.getReader();
      await pipedReader.read();
      controller.abort();
      const pipedRead = await outcome((async () => { for (;;) {
        if ((await pipedReader.read()).done) return;
      } })());
      lines.push(`signal: ${compressionResources()} ${pipedRead}`);
      // The end of the stream and an error release it too.
      await compress('deflate', [sample(10)]);
      await outcome(decompress('deflate', [new Uint8Array([1, 2, 3])]));
      lines.push(`end and error: ${compressionResources()}`);
      globalThis.result = lines;
    })();
  )js"),
            "cancel: 0\n"
            "abort: 0 Error: stop\n"
            "cancel while paused: 0 write Error: enough\n"
            "signal: 0 DOMException: signal is aborted without reason\n"
            "end and error: 0");
}

TEST_F(CompressionTest, AbandonedStreamsAreReleasedByGarbageCollection) {
  EXPECT_EQ(Settle(R"js(
    (() => {
      for (let i = 0; i < 5; i++) {
        const compressor = new CompressionStream('gzip');
        compressor.writable.getWriter().write(sample(100));
        new DecompressionStream('deflate');
      }
    })();
    globalThis.result = compressionResources();
  )js"),
            "10");
  EXPECT_EQ(CollectGarbageThenEval("compressionResources()"), "0");
}

TEST_F(CompressionTest, StreamsInUseAreNotCollected) {
  EXPECT_EQ(Settle(R"js(
    globalThis.kept = new CompressionStream('gzip').readable;
    globalThis.keptStream = new DecompressionStream('gzip');
    globalThis.keptWriter = keptStream.writable.getWriter();
    globalThis.result = compressionResources();
  )js"),
            "2");
  EXPECT_EQ(CollectGarbageThenEval("compressionResources()"), "2");
  // Still usable; the one read to its end is released.
  EXPECT_EQ(Settle(R"js(
    keptWriter.write(interop['gzip']);
    keptWriter.close();
    bytesOf(keptStream.readable).then(({ bytes }) => {
      globalThis.result = [text(bytes) === interopText, compressionResources()];
    });
  )js"),
            "[ true, 1 ]");
}

}  // namespace
}  // namespace kiln::compression
