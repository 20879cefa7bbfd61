// The streams extension: kiln-specific behaviour (errors, printing, internals hidden,
// resource streams over native test resources).
#include "ext/streams/streams_extension.h"

#include <string>

#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "ext/encoding/encoding_extension.h"
#include "ext/streams/streams_extensions_snapshot.h"
#include "ext/streams/streams_testing_extension.h"
#include "ext/timers/timers_extension.h"
#include "ext/web/web_extension.h"
#include "ext/webidl/webidl_extension.h"
#include "gtest/gtest.h"
#include "v8.h"

namespace kiln::streams {
namespace {

class StreamsTest : public kiln::testing::RuntimeTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.extensions = {&extensions::webidl(), &extensions::timers(), &extensions::web(),
                          &extensions::encoding(),
                          &extensions::streams(), &extensions::streams_testing()};
    if (kiln::testing::UsingSnapshots()) {
      options.snapshot = &snapshots::streams_extensions_snapshot();
    }
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

// ---- Interfaces, errors, internals ----

TEST_F(StreamsTest, GlobalsAreInterfaces) {
  Expect("['ReadableStream', 'ReadableStreamDefaultReader', 'ReadableStreamBYOBReader',"
         " 'ReadableStreamBYOBRequest', 'ReadableStreamDefaultController',"
         " 'ReadableByteStreamController', 'WritableStream', 'WritableStreamDefaultWriter',"
         " 'WritableStreamDefaultController', 'TransformStream',"
         " 'TransformStreamDefaultController', 'ByteLengthQueuingStrategy',"
         " 'CountQueuingStrategy', 'TextEncoderStream', 'TextDecoderStream']"
         ".filter((name) => typeof globalThis[name] !== 'function' ||"
         "  Object.getOwnPropertyDescriptor(globalThis, name).enumerable)",
         "[]");
  Expect("Object.prototype.toString.call(new ReadableStream())", "'[object ReadableStream]'");
  Expect("Object.getOwnPropertyDescriptor(ReadableStream.prototype, 'getReader').enumerable",
         "true");
}

TEST_F(StreamsTest, InternalsAreNotReachable) {
  Expect("const rs = new ReadableStream(); const r = rs.getReader();"
         "[Reflect.ownKeys(rs), Reflect.ownKeys(r), Reflect.ownKeys(new WritableStream()),"
         " Reflect.ownKeys(new TransformStream())]",
         "[ [], [], [], [] ]");
  Expect("let controller; new ReadableStream({ start(c) { controller = c; } });"
         "Reflect.ownKeys(controller)",
         "[]");
}

// Every public stream object is a platform object structuredClone refuses (ext/web's
// "Platform objects"), and the interfaces keep WebIDL's shape.
TEST_F(StreamsTest, PlatformObjectsAreDataCloneErrors) {
  Expect("let rc, bc, wc, tc;"
         "const rs = new ReadableStream({ start(c) { rc = c; } });"
         "const bs = new ReadableStream({ type: 'bytes', start(c) { bc = c; } });"
         "const ws = new WritableStream({ start(c) { wc = c; } });"
         "const ts = new TransformStream({ start(c) { tc = c; } });"
         "const objects = [rs, rs.getReader(), rc, bs, bs.getReader({ mode: 'byob' }), bc, ws,"
         " ws.getWriter(), wc, ts, tc, new CountQueuingStrategy({ highWaterMark: 1 }),"
         " new ByteLengthQueuingStrategy({ highWaterMark: 1 }), new TextEncoderStream(),"
         " new TextDecoderStream(), new TextEncoder(), new TextDecoder()];"
         "objects.map((object) => { try { structuredClone([object]); return 'cloned'; }"
         " catch (e) { return `${e.name}: ${e.message}`; } })",
         "[\n"
         "  'DataCloneError: #<ReadableStream> could not be cloned.',\n"
         "  'DataCloneError: #<ReadableStreamDefaultReader> could not be cloned.',\n"
         "  'DataCloneError: #<ReadableStreamDefaultController> could not be cloned.',\n"
         "  'DataCloneError: #<ReadableStream> could not be cloned.',\n"
         "  'DataCloneError: #<ReadableStreamBYOBReader> could not be cloned.',\n"
         "  'DataCloneError: #<ReadableByteStreamController> could not be cloned.',\n"
         "  'DataCloneError: #<WritableStream> could not be cloned.',\n"
         "  'DataCloneError: #<WritableStreamDefaultWriter> could not be cloned.',\n"
         "  'DataCloneError: #<WritableStreamDefaultController> could not be cloned.',\n"
         "  'DataCloneError: #<TransformStream> could not be cloned.',\n"
         "  'DataCloneError: #<TransformStreamDefaultController> could not be cloned.',\n"
         "  'DataCloneError: #<CountQueuingStrategy> could not be cloned.',\n"
         "  'DataCloneError: #<ByteLengthQueuingStrategy> could not be cloned.',\n"
         "  'DataCloneError: #<TextEncoderStream> could not be cloned.',\n"
         "  'DataCloneError: #<TextDecoderStream> could not be cloned.',\n"
         "  'DataCloneError: #<TextEncoder> could not be cloned.',\n"
         "  'DataCloneError: #<TextDecoder> could not be cloned.'\n"
         "]");
  // The async iterator too; it still iterates.
  ExpectAfterLoop(
      "(async () => {"
      "  const rs = new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); c.close(); } });"
      "  const iterator = rs.values();"
      "  let name; try { structuredClone(iterator); } catch (e) { name = e.name; }"
      "  const seen = []; for await (const chunk of iterator) seen.push(chunk);"
      "  globalThis.result = [name, seen, Object.prototype.toString.call(iterator)];"
      "})()",
      "[ 'DataCloneError', [ 1, 2 ], '[object ReadableStream AsyncIterator]' ]");
  Expect("[ReadableStream, WritableStream, TransformStream, CountQueuingStrategy].map((I) =>"
         " [I.name, I.length, Object.getPrototypeOf(I) === Function.prototype,"
         "  Object.getPrototypeOf(I.prototype) === Object.prototype,"
         "  I.prototype.constructor === I])",
         "[\n  [ 'ReadableStream', 0, true, true, true ],\n"
         "  [ 'WritableStream', 0, true, true, true ],\n"
         "  [ 'TransformStream', 0, true, true, true ],\n"
         "  [ 'CountQueuingStrategy', 1, true, true, true ]\n]");
  Throws("ReadableStream()", "TypeError: Class constructor ReadableStream cannot be invoked "
         "without 'new'");
  // A program's subclass: its fields and the stream's state on one object.
  Expect("class Numbers extends ReadableStream {"
         "  #label = 'n'; get label() { return this.#label; }"
         "  constructor() { super({ start(c) { c.enqueue(1); c.close(); } }); } }"
         "const n = new Numbers();"
         "[n.label, n.locked, n instanceof ReadableStream, Object.getPrototypeOf(n) === Numbers.prototype,"
         " typeof ReadableStream.from]",
         "[ 'n', false, true, true, 'function' ]");
}

TEST_F(StreamsTest, IllegalInvocationAndConstructors) {
  Throws("Object.getOwnPropertyDescriptor(ReadableStream.prototype, 'locked').get.call({})",
         "TypeError: Illegal invocation");
  Throws("ReadableStream.prototype.getReader.call(new WritableStream())",
         "TypeError: Illegal invocation");
  Throws("new ReadableStreamDefaultController()", "TypeError: Illegal constructor");
  Throws("new ReadableByteStreamController()", "TypeError: Illegal constructor");
  Throws("new ReadableStreamBYOBRequest()", "TypeError: Illegal constructor");
  Throws("new WritableStreamDefaultController()", "TypeError: Illegal constructor");
  Throws("new TransformStreamDefaultController()", "TypeError: Illegal constructor");
  Throws("new ReadableStreamDefaultReader()",
         "TypeError: Failed to construct 'ReadableStreamDefaultReader': 1 argument required, "
         "but only 0 present.");
  Throws("new ReadableStreamDefaultReader({})",
         "TypeError: Failed to construct 'ReadableStreamDefaultReader': Argument 1 is not of "
         "type 'ReadableStream'.");
  ExpectAfterLoop("ReadableStream.prototype.cancel.call(1).catch((e) => {"
                  " globalThis.result = String(e); })",
                  "'TypeError: Illegal invocation'");
}

TEST_F(StreamsTest, ConversionErrors) {
  Throws("new ReadableStream(null)",
         "TypeError: Failed to construct 'ReadableStream': Argument 1 is not of type 'object'.");
  Throws("new ReadableStream({ type: 'nope' })",
         "TypeError: Failed to construct 'ReadableStream': The provided value 'nope' is not a "
         "valid enum value of type ReadableStreamType.");
  Throws("new ReadableStream({ pull: 1 })",
         "TypeError: Failed to construct 'ReadableStream': 'pull' member of UnderlyingSource "
         "(Argument 1) is not of type 'Function'.");
  Throws("new ReadableStream({}, { highWaterMark: -1 })", "RangeError: Invalid highWaterMark");
  Throws("new ReadableStream({ type: 'bytes' }, { size() { return 1; } })",
         "RangeError: Failed to construct 'ReadableStream': The strategy for a byte stream "
         "cannot have a size function");
  Throws("new ReadableStream({ type: 'bytes', autoAllocateChunkSize: 0 })",
         "TypeError: Failed to construct 'ReadableStream': autoAllocateChunkSize must be "
         "greater than 0");
  Throws("new WritableStream({ type: 'bytes' })",
         "RangeError: Failed to construct 'WritableStream': Invalid type is specified");
  Throws("new TransformStream({ readableType: 'bytes' })",
         "RangeError: Failed to construct 'TransformStream': Invalid readableType specified");
  Throws("new ReadableStream().getReader({ mode: 'x' })",
         "TypeError: Failed to execute 'getReader' on 'ReadableStream': The provided value 'x' "
         "is not a valid enum value of type ReadableStreamReaderMode.");
  Throws("new ReadableStream().getReader({ mode: 'byob' })",
         "TypeError: Cannot construct a ReadableStreamBYOBReader for a stream not constructed "
         "with a byte source");
  Throws("const rs = new ReadableStream(); rs.getReader(); rs.getReader()",
         "TypeError: ReadableStream is locked");
  Throws("new CountQueuingStrategy()",
         "TypeError: Failed to construct 'CountQueuingStrategy': 1 argument required, but only "
         "0 present.");
  Throws("new CountQueuingStrategy({})",
         "TypeError: Failed to construct 'CountQueuingStrategy': Argument 1 can not be converted "
         "to 'QueuingStrategyInit' because 'highWaterMark' is required in "
         "'QueuingStrategyInit'.");
  Throws("new ReadableStream().pipeThrough({ readable: new ReadableStream() })",
         "TypeError: Failed to execute 'pipeThrough' on 'ReadableStream': Argument 1 can not be "
         "converted to 'ReadableWritablePair' because 'writable' is required in "
         "'ReadableWritablePair'.");
  ExpectAfterLoop("new ReadableStream().pipeTo({}).catch((e) => { globalThis.result = e.message; })",
                  "\"Failed to execute 'pipeTo' on 'ReadableStream': Argument 1 is not of type "
                  "'WritableStream'.\"");
  ExpectAfterLoop("new ReadableStream().pipeTo(new WritableStream(), { signal: 1 })"
                  ".catch((e) => { globalThis.result = e.message; })",
                  "\"Failed to execute 'pipeTo' on 'ReadableStream': 'signal' member of "
                  "StreamPipeOptions (Argument 2) is not of type 'AbortSignal'.\"");
  ExpectAfterLoop("const c = []; new ReadableStream({ start(ctl) { c.push(ctl); } });"
                  "c[0].close(); try { c[0].enqueue(1); } catch (e) { globalThis.result = e.message; }",
                  "\"Failed to execute 'enqueue' on 'ReadableStreamDefaultController': The "
                  "stream is not in a state that permits enqueue\"");
}

TEST_F(StreamsTest, PrintsAsNodeDoes) {
  Expect("kiln.inspect(new ReadableStream())",
         "\"ReadableStream { locked: false, state: 'readable', supportsBYOB: false }\"");
  Expect("kiln.inspect(new ReadableStream({ type: 'bytes' }))",
         "\"ReadableStream { locked: false, state: 'readable', supportsBYOB: true }\"");
  Expect("kiln.inspect(new WritableStream())",
         "\"WritableStream { locked: false, state: 'writable' }\"");
  Expect("kiln.inspect(new CountQueuingStrategy({ highWaterMark: 3 }))",
         "'CountQueuingStrategy { highWaterMark: 3 }'");
  Expect("kiln.inspect(new ByteLengthQueuingStrategy({ highWaterMark: 3 }))",
         "'ByteLengthQueuingStrategy { highWaterMark: 3 }'");
  // The same text as Node 20's util.inspect.
  Expect("kiln.inspect(new ReadableStream().getReader()) === ["
         "  'ReadableStreamDefaultReader {',"
         "  \"  stream: ReadableStream { locked: true, state: 'readable', supportsBYOB: false },\","
         "  '  readRequests: 0,', '  close: Promise { <pending> }', '}'].join('\\n')",
         "true");
  Expect("kiln.inspect(new TransformStream()) === ["
         "  'TransformStream {',"
         "  \"  readable: ReadableStream { locked: false, state: 'readable', supportsBYOB: false },\","
         "  \"  writable: WritableStream { locked: false, state: 'writable' },\","
         "  '  backpressure: true', '}'].join('\\n')",
         "true");
  Expect("kiln.inspect(new WritableStream().getWriter()) === ["
         "  'WritableStreamDefaultWriter {',"
         "  \"  stream: WritableStream { locked: true, state: 'writable' },\","
         "  '  close: Promise { <pending> },', '  ready: Promise { undefined },',"
         "  '  desiredSize: 1', '}'].join('\\n')",
         "true");
  Expect("kiln.inspect(new TextDecoderStream()) === ["
         "  'TextDecoderStream {', \"  encoding: 'utf-8',\", '  fatal: false,',"
         "  '  ignoreBOM: false,',"
         "  \"  readable: ReadableStream { locked: false, state: 'readable', supportsBYOB: false },\","
         "  \"  writable: WritableStream { locked: false, state: 'writable' }\", '}'].join('\\n')",
         "true");
}

// ---- Behaviour ----

TEST_F(StreamsTest, ByteStreamWithBYOBAndAutoAllocate) {
  ExpectAfterLoop(
      "(async () => {"
      "  let n = 0;"
      "  const rs = new ReadableStream({ type: 'bytes', autoAllocateChunkSize: 8,"
      "    pull(c) { const v = c.byobRequest.view; v[0] = ++n; c.byobRequest.respond(1);"
      "              if (n === 3) c.close(); } });"
      "  const r = rs.getReader();"
      "  const a = await r.read(); const b = await r.read(); r.releaseLock();"
      "  const br = rs.getReader({ mode: 'byob' });"
      "  const c = await br.read(new Uint8Array(4), { min: 1 });"
      "  const d = await br.read(new Uint8Array(1));"
      "  globalThis.result = [a.value, a.value.buffer.byteLength, b.value[0], c.value, d.done];"
      "})()",
      "[ Uint8Array(1) [ 1 ], 8, 2, Uint8Array(1) [ 3 ], true ]");
}

TEST_F(StreamsTest, BYOBReadWithMinimum) {
  ExpectAfterLoop(
      "(async () => {"
      "  let c; const rs = new ReadableStream({ type: 'bytes', start(ctl) { c = ctl; } });"
      "  const reader = rs.getReader({ mode: 'byob' });"
      "  const pending = reader.read(new Uint16Array(4), { min: 3 });"
      "  c.enqueue(new Uint8Array([1, 0, 2])); c.enqueue(new Uint8Array([0, 3, 0, 4]));"
      "  const { value } = await pending;"
      "  const errors = await Promise.all(["
      "    reader.read(new Uint8Array(2), { min: 0 }).catch((e) => e.constructor.name),"
      "    reader.read(new Uint8Array(2), { min: 3 }).catch((e) => e.constructor.name),"
      "    reader.read(new DataView(new ArrayBuffer(2)), { min: 3 }).catch((e) => e.constructor.name)]);"
      "  globalThis.result = [...value, ...errors].join(' ');"
      "})()",
      "'1 2 3 TypeError RangeError RangeError'");
}

TEST_F(StreamsTest, BackpressureThroughDesiredSize) {
  ExpectAfterLoop(
      "(async () => {"
      "  const sizes = [];"
      "  const rs = new ReadableStream({ start(c) { sizes.push(c.desiredSize); c.enqueue('a');"
      "    sizes.push(c.desiredSize); c.enqueue('bb'); sizes.push(c.desiredSize); } },"
      "    { highWaterMark: 4, size: (chunk) => chunk.length });"
      "  const w = new WritableStream({ write() { return new Promise(() => {}); } },"
      "    new CountQueuingStrategy({ highWaterMark: 2 })).getWriter();"
      "  sizes.push(w.desiredSize); w.write(1); w.write(2); sizes.push(w.desiredSize);"
      "  await Promise.resolve();"
      "  globalThis.result = sizes;"
      "})()",
      "[ 4, 3, 1, 2, 0 ]");
}

TEST_F(StreamsTest, PipeOptionsAndSignal) {
  ExpectAfterLoop(
      "(async () => {"
      "  const controller = new AbortController();"
      "  let canceled; const written = []; let next = 0;"
      "  const rs = new ReadableStream({ pull(c) { c.enqueue(next++); },"
      "                                  cancel(r) { canceled = r; } });"
      "  const ws = new WritableStream({ write(chunk) { written.push(chunk);"
      "    if (written.length === 3) controller.abort('stop'); } });"
      "  const error = await rs.pipeTo(ws, { signal: controller.signal, preventAbort: true })"
      "    .catch((e) => e);"
      "  globalThis.result = [error, canceled, written.slice(0, 3), ws.locked, rs.locked];"
      "})()",
      "[ 'stop', 'stop', [ 0, 1, 2 ], false, false ]");
  ExpectAfterLoop(
      "(async () => {"
      "  const rs = new ReadableStream({ start(c) { c.enqueue(1); c.close(); } });"
      "  const ws = new WritableStream();"
      "  await rs.pipeTo(ws, { preventClose: true });"
      "  const w = ws.getWriter(); await w.write(2);"
      "  globalThis.result = kiln.inspect(ws);"
      "})()",
      "\"WritableStream { locked: true, state: 'writable' }\"");
}

TEST_F(StreamsTest, TeeOfByteStreamClonesChunks) {
  ExpectAfterLoop(
      "(async () => {"
      "  const rs = new ReadableStream({ type: 'bytes', start(c) {"
      "    c.enqueue(new Uint8Array([1, 2])); c.close(); } });"
      "  const [a, b] = rs.tee();"
      "  const x = await a.getReader().read(); const y = await b.getReader().read();"
      "  x.value[0] = 9;"
      "  globalThis.result = [x.value, y.value, x.value.buffer === y.value.buffer];"
      "})()",
      "[ Uint8Array(2) [ 9, 2 ], Uint8Array(2) [ 1, 2 ], false ]");
}

TEST_F(StreamsTest, TeeCloningForBranch2CopiesViews) {
  ExpectAfterLoop(
      "(async () => {"
      "  const view = new Uint16Array([1, 2, 3]);"
      "  const rs = new ReadableStream({ start(c) { c.enqueue(view); c.enqueue('s'); c.close(); } });"
      "  const [a, b] = streamsTesting.teeCloning(rs);"
      "  const ra = a.getReader(); const rb = b.getReader();"
      "  const x = await ra.read(); const y = await rb.read();"
      "  const s = await rb.read();"
      "  globalThis.result = [x.value === view, y.value, y.value.buffer !== view.buffer, s.value];"
      "})()",
      "[ true, Uint16Array(3) [ 1, 2, 3 ], true, 's' ]");
}

TEST_F(StreamsTest, FromAndAsyncIteration) {
  ExpectAfterLoop(
      "(async () => {"
      "  async function* gen() { yield 1; yield 2; yield 3; }"
      "  const out = [];"
      "  for await (const x of ReadableStream.from(gen())) out.push(x);"
      "  const rs = ReadableStream.from(['a', 'b', 'c']);"
      "  for await (const x of rs.values({ preventCancel: true })) { out.push(x); break; }"
      "  const rest = []; for await (const x of rs) rest.push(x);"
      "  globalThis.result = [out, rest];"
      "})()",
      "[ [ 1, 2, 3, 'a' ], [ 'b', 'c' ] ]");
  // next() calls made together settle in order, also when chunks are queued.
  ExpectAfterLoop(
      "(async () => {"
      "  const rs = new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); c.close(); } });"
      "  const it = rs[Symbol.asyncIterator]();"
      "  const results = await Promise.all([it.next(), it.next(), it.next(), it.next()]);"
      "  globalThis.result = [results.map((r) => r.done ? 'done' : r.value), rs.locked];"
      "})()",
      "[ [ 1, 2, 'done', 'done' ], false ]");
  Throws("ReadableStream.from(1)",
         "TypeError: ReadableStream.from: the argument is not async iterable");
}

TEST_F(StreamsTest, TextStreams) {
  ExpectAfterLoop(
      "(async () => {"
      "  const out = [];"
      "  await ReadableStream.from(['h\\u00e9', '\\ud83d', '\\ude00!'])"
      "    .pipeThrough(new TextEncoderStream())"
      "    .pipeThrough(new TextDecoderStream())"
      "    .pipeTo(new WritableStream({ write(s) { out.push(s); } }));"
      "  globalThis.result = out.join('|');"
      "})()",
      "'hé|😀!'");
  Throws("new TextDecoderStream('nope')",
         "RangeError: Failed to construct 'TextDecoderStream': The encoding label provided "
         "('nope') is invalid.");
}

TEST_F(StreamsTest, TransformerCancelRunsOnceForAnAbortOrACancel) {
  ExpectAfterLoop(
      "(async () => {"
      "  const log = [];"
      "  const make = (cancel) => new TransformStream({ cancel, flush() { log.push('flush'); } });"
      // A cancel of the readable side: cancel(reason) with the transformer as `this`, once
      // (the abort that follows does not call it again); the writable side errors.
      "  const transformer = { cancel(reason) { log.push(`cancel:${reason}:${this === transformer}`); } };"
      "  const canceled = new TransformStream(transformer);"
      "  await canceled.readable.cancel('gone');"
      "  await canceled.writable.abort('later').catch(() => {});"
      "  log.push(await canceled.writable.getWriter().closed.catch((e) => `closed:${e}`));"
      // An abort of the writable side: the readable side errors with the reason, and abort()
      // waits for the promise cancel() returns.
      "  let finish;"
      "  const aborted = make(() => new Promise((resolve) => { finish = resolve; }));"
      "  const reader = aborted.readable.getReader();"
      "  let settled = false;"
      "  const abort = aborted.writable.abort('stop').then(() => { settled = true; });"
      "  log.push(await reader.read().catch((e) => `read:${e}`));"
      "  await null; log.push(`settled before cancel ended: ${settled}`);"
      "  finish(); await abort; log.push(`settled after: ${settled}`);"
      // A cancel() that throws or rejects rejects the call.
      "  log.push(await make(() => { throw new Error('thrown'); }).readable.cancel('x')"
      "      .catch((e) => `rejected:${e.message}`));"
      "  log.push(await make(async () => { throw new Error('async'); }).writable.abort('x')"
      "      .catch((e) => `rejected:${e.message}`));"
      // No cancel once closing began, nor after an error.
      "  let calls = 0;"
      "  const closed = make(() => { calls++; });"
      "  await new Promise((resolve) => setTimeout(resolve, 0));"  // started: close reaches flush
      "  const closing = closed.writable.close();"
      "  await closed.readable.cancel('after close');"
      "  await closing.catch(() => {});"
      "  const errored = new TransformStream({ start(c) { c.error(new Error('e')); },"
      "                                        cancel() { calls++; } });"
      "  await errored.readable.cancel('after error').catch(() => {});"
      "  log.push(`calls after close or error: ${calls}`);"
      "  globalThis.result = log;"
      "})()",
      "[\n"
      "  'cancel:gone:true',\n"
      "  'closed:gone',\n"
      "  'read:stop',\n"
      "  'settled before cancel ended: false',\n"
      "  'settled after: true',\n"
      "  'rejected:thrown',\n"
      "  'rejected:async',\n"
      "  'flush',\n"
      "  'calls after close or error: 0'\n"
      "]");
}

TEST_F(StreamsTest, TextDecoderStreamEndsItsDecoderWhenCanceledAbortedOrErrored) {
  // The decoder of a TextDecoderStream in the middle of a multi-byte sequence holds native
  // state; flush ends it, and so do a cancel of the readable side, an abort of the writable
  // side and an error of the transform (a fatal decoder), which never flush.
  ExpectAfterLoop(
      "(async () => {"
      "  const open = () => kiln.ops.op_resources().filter((r) => r.name === 'textDecoder').length;"
      "  const out = [];"
      "  const started = () => {"
      "    const s = new TextDecoderStream();"
      "    const writer = s.writable.getWriter();"
      "    const reader = s.readable.getReader();"
      "    writer.write(new Uint8Array([0x61, 0xE2])).catch(() => {});"
      "    return { writer, reader };"
      "  };"
      "  let s = started(); await s.reader.read(); out.push(open());"
      "  await s.reader.cancel('gone'); out.push(open());"
      "  s = started(); await s.reader.read(); await s.writer.abort('stop').catch(() => {});"
      "  out.push(open());"
      "  const fatal = new TextDecoderStream('utf-8', { fatal: true });"
      "  const fw = fatal.writable.getWriter(); const fr = fatal.readable.getReader();"
      "  fw.write(new Uint8Array([0x62, 0xE2])).catch(() => {});"
      "  await fr.read();"
      "  const failed = fw.write(new Uint8Array([0x41])).catch((e) => e.name);"
      "  out.push(await fr.read().catch((e) => e.name), await failed, open());"
      "  const piped = new ReadableStream({"
      "    start(c) { c.enqueue(new Uint8Array([0x63, 0xE2])); },"
      "    pull(c) { c.error(new Error('network')); } }).pipeThrough(new TextDecoderStream());"
      "  try { for await (const text of piped) out.push(text); } catch (e) { out.push(e.message); }"
      "  out.push(open());"
      "  globalThis.result = out;"
      "})()",
      "[ 1, 0, 0, 'TypeError', 'TypeError', 0, 'c', 'network', 0 ]");
}

// ---- Resource streams ----

TEST_F(StreamsTest, ResourceStreamTransfers64MiBWithBoundedMemory) {
  ExpectAfterLoop(
      "(async () => {"
      "  const t = streamsTesting;"
      "  const total = 64 * 1024 * 1024;"
      "  const source = t.readableStreamForRid(t.source({ total_bytes: total,"
      "                                                    chunk_size: 65536 }));"
      "  const sink = t.writableStreamForRid(t.sink());"
      "  await source.pipeTo(sink);"
      "  const s = t.stats();"
      "  globalThis.result = [s.bytes_read === total, s.bytes_written === total, s.pattern_ok,"
      "    s.max_buffered <= 4 * 65536, s.sources_closed, s.sinks_closed, s.shutdowns,"
      "    kiln.ops.op_resources().length].join(' ');"
      "})()",
      "'true true true true 1 1 1 0'");
}

TEST_F(StreamsTest, ResourceStreamReadsIntoTheReadersBuffer) {
  ExpectAfterLoop(
      "(async () => {"
      "  const t = streamsTesting;"
      "  const rs = t.readableStreamForRid(t.source({ total_bytes: 10, chunk_size: 4,"
      "                                                deferred: false }));"
      "  const reader = rs.getReader({ mode: 'byob' });"
      "  const buffer = new ArrayBuffer(16);"
      "  const first = await reader.read(new Uint8Array(buffer, 2, 8));"
      "  const sizes = [first.value.byteOffset, first.value.length, [...first.value]];"
      "  const rest = [];"
      "  for (;;) { const { value, done } = await reader.read(new Uint8Array(16));"
      "    if (done) break; rest.push(value.length); }"
      "  globalThis.result = [sizes, rest, buffer.byteLength, t.stats().sources_closed];"
      "})()",
      "[ [ 2, 4, [ 0, 1, 2, 3 ] ], [ 4, 2 ], 0, 1 ]");
}

// A default reader's buffers grow after full reads, up to maxChunkSize; without
// maxChunkSize, and for a trickle, they stay at chunkSize.
TEST_F(StreamsTest, ResourceStreamChunkSizeFollowsThePace) {
  ExpectAfterLoop(
      "(async () => {"
      "  const t = streamsTesting;"
      "  const sizes = async (options, source) => {"
      "    const rs = t.readableStreamForRid(t.source(source), options);"
      "    const seen = []; let total = 0;"
      "    for await (const chunk of rs) { seen.push(chunk.buffer.byteLength / 1024);"
      "                                    total += chunk.length; }"
      "    return seen.join(',') + ' = ' + total;"
      "  };"
      "  const fast = await sizes({ maxChunkSize: 262144 },"
      "                           { total_bytes: 1 << 20, chunk_size: 1 << 20 });"
      "  const fixed = await sizes({}, { total_bytes: 262144, chunk_size: 1 << 20 });"
      "  const trickle = await sizes({ maxChunkSize: 262144 },"
      "                              { total_bytes: 3000, chunk_size: 1000 });"
      // Reads of at most 128 KiB: the buffer grows to 256 KiB, which the last read (1,100
      // bytes) does not fill.
      "  const mixed = await sizes({ maxChunkSize: 262144 },"
      "                            { total_bytes: 65536 + 131072 + 1100, chunk_size: 131072 });"
      "  globalThis.result = [fast, fixed, trickle, mixed, t.stats().sources_closed];"
      "})()",
      "[\n  '64,128,256,256,256,256 = 1048576',\n  '64,64,64,64 = 262144',\n"
      "  '64,64,64 = 3000',\n  '64,128,256 = 197708',\n  4\n]");
}

TEST_F(StreamsTest, ResourceStreamChunksHoldNoStaleBytes) {
  // A default read's buffer is allocated unfilled (the read overwrites it): what a short
  // read leaves is zeroed before the chunk, a view on the whole buffer, is delivered. Full
  // reads of non-zero bytes, collected, leave their memory for the short reads to reuse.
  ExpectAfterLoop(
      "(async () => {"
      "  const t = streamsTesting;"
      "  let stale = 0, chunks = 0;"
      "  for (let round = 0; round < 20; round++) {"
      "    for await (const chunk of t.readableStreamForRid("
      "        t.source({ total_bytes: 1 << 20, chunk_size: 65536 }))) {"
      "      chunk.fill(0xa5);"
      "    }"
      "    gc();"
      "    for await (const chunk of t.readableStreamForRid("
      "        t.source({ total_bytes: 4000, chunk_size: 1000 }))) {"
      "      const whole = new Uint8Array(chunk.buffer);"
      "      for (let i = chunk.byteOffset + chunk.length; i < whole.length; i++) {"
      "        if (whole[i] !== 0) stale++;"
      "      }"
      "      chunks++;"
      "    }"
      "  }"
      "  globalThis.result = [chunks, stale];"
      "})()",
      "[ 80, 0 ]");
}

TEST_F(StreamsTest, ResourceStreamTakesFullChunksAsTheResourceHoldsThem) {
  // With takeFullChunks, a default read whose chunk the resource already holds takes that
  // memory as it is (no read op, no copy); the bytes stay in order whatever the reads do.
  ExpectAfterLoop(
      "(async () => {"
      "  const t = streamsTesting;"
      "  let expected = 0, ok = true;"
      "  const check = (chunk) => {"
      "    for (let i = 0; i < chunk.length; i++) if (chunk[i] !== ((expected + i) & 0xff)) ok = false;"
      "    expected += chunk.length;"
      "  };"
      "  const full = { total_bytes: 4 * 65536 + 1000, full_chunks: true };"
      // Read to the end: four whole chunks handed over, the last 1,000 bytes read.
      "  const sizes = [];"
      "  for await (const chunk of t.readableStreamForRid(t.source(full),"
      "                                                    { takeFullChunks: true })) {"
      "    sizes.push(chunk.length + '/' + chunk.buffer.byteLength); check(chunk);"
      "  }"
      "  const first = [sizes.join(' '), t.stats().chunks_handed_over, t.stats().reads];"
      // Two reads asked at once, the reader released with the second pending, a new
      // reader goes on: no byte is lost or repeated.
      "  expected = 0;"
      "  const rs = t.readableStreamForRid(t.source(full), { takeFullChunks: true });"
      "  const reader = rs.getReader();"
      "  check((await reader.read()).value);"
      "  const pending = [reader.read(), reader.read()];"
      "  reader.releaseLock();"
      "  let rejected = 0;"
      "  for (const read of pending) {"
      "    try { const r = await read; if (!r.done) check(r.value); }"
      "    catch (e) { if (e instanceof TypeError) rejected++; else throw e; }"
      "  }"
      "  for await (const chunk of rs) check(chunk);"
      "  const released = [rejected > 0, expected];"
      // Without the option, or with a BYOB reader, nothing is handed over.
      "  const before = t.stats().chunks_handed_over;"
      "  expected = 0;"
      "  for await (const chunk of t.readableStreamForRid(t.source(full))) check(chunk);"
      "  expected = 0;"
      "  const byob = t.readableStreamForRid(t.source(full), { takeFullChunks: true })"
      "      .getReader({ mode: 'byob' });"
      "  for (let r = await byob.read(new Uint8Array(70000)); !r.done;"
      "       r = await byob.read(new Uint8Array(r.value.buffer))) check(r.value);"
      "  const handedOverWithout = t.stats().chunks_handed_over - before;"
      // Canceled with a handed-over chunk waiting for its pull: the resource closes.
      "  const canceled = t.readableStreamForRid(t.source(full), { takeFullChunks: true })"
      "      .getReader();"
      "  await canceled.read();"
      "  const afterCancel = [canceled.read(), canceled.read()];"
      "  await canceled.cancel();"
      "  await Promise.all(afterCancel);"
      "  globalThis.result = [ok, first.join(' | '), released, handedOverWithout,"
      "                       kiln.ops.op_resources().length];"
      "})()",
      "[\n  true,\n  '65536/65536 65536/65536 65536/65536 65536/65536 1000/65536 | 4 | 2',\n"
      "  [ true, 263144 ],\n  0,\n  0\n]");
}

TEST_F(StreamsTest, ResourceStreamCancelClosesTheResource) {
  ExpectAfterLoop(
      "(async () => {"
      "  const t = streamsTesting;"
      "  const rid = t.source({ total_bytes: 1 << 20, stall_after: 65536 });"
      "  const rs = t.readableStreamForRid(rid);"
      "  const reader = rs.getReader();"
      "  const first = await reader.read();"
      "  const pending = reader.read();"
      "  await new Promise((resolve) => setTimeout(resolve, 1));"
      "  await reader.cancel('done');"
      "  const last = await pending;"
      "  const s = t.stats();"
      "  globalThis.result = [first.value.length, last.done, s.sources_closed,"
      "    s.reads_canceled, kiln.ops.op_resources().length];"
      "})()",
      "[ 65536, true, 1, 1, 0 ]");
}

TEST_F(StreamsTest, ResourceStreamReadErrorErrorsTheStream) {
  ExpectAfterLoop(
      "(async () => {"
      "  const t = streamsTesting;"
      "  const rs = t.readableStreamForRid(t.source({ total_bytes: 3, fail: true }));"
      "  const reader = rs.getReader();"
      "  await reader.read();"
      "  const error = await reader.read().catch((e) => e);"
      "  globalThis.result = [String(error), t.stats().sources_closed,"
      "    kiln.ops.op_resources().length];"
      "})()",
      "[ 'Error: test source failed', 1, 0 ]");
}

TEST_F(StreamsTest, ResourceSinkIsClosedOnEveryPath) {
  ExpectAfterLoop(
      "(async () => {"
      "  const t = streamsTesting;"
      "  const ws = t.writableStreamForRid(t.sink());"
      "  const w = ws.getWriter();"
      "  await w.write(new Uint8Array([0, 1, 2]));"
      "  const bad = await w.write('text').catch((e) => e.constructor.name);"
      "  const s = t.stats();"
      "  globalThis.result = [bad, s.bytes_written, s.sinks_closed, s.shutdowns,"
      "    kiln.ops.op_resources().length];"
      "})()",
      "[ 'TypeError', 3, 1, 0, 0 ]");
  // close() shuts the sink down, then closes it.
  ExpectAfterLoop(
      "(async () => {"
      "  const t = streamsTesting;"
      "  const w = t.writableStreamForRid(t.sink()).getWriter();"
      "  await w.write(new Uint8Array([0, 1]));"
      "  await w.close();"
      "  const s = t.stats();"
      "  globalThis.result = [s.bytes_written, s.shutdowns, kiln.ops.op_resources().length];"
      "})()",
      "[ 5, 1, 0 ]");
  // abort() closes it at once.
  ExpectAfterLoop(
      "(async () => {"
      "  const t = streamsTesting;"
      "  const ws = t.writableStreamForRid(t.sink());"
      "  await ws.abort('gone');"
      "  const s = t.stats();"
      "  globalThis.result = [s.sinks_closed, s.shutdowns, kiln.ops.op_resources().length];"
      "})()",
      "[ 3, 1, 0 ]");
}

TEST_F(StreamsTest, AbandonedResourceStreamsCloseTheirResources) {
  ExpectAfterLoop(
      "globalThis.t = streamsTesting;"
      "(() => { t.readableStreamForRid(t.source({ total_bytes: 10 }));"
      "         t.writableStreamForRid(t.sink()); })();"
      "globalThis.result = kiln.ops.op_resources().length;",
      "2");
  {
    v8::HandleScope scope(runtime().isolate());
    runtime().isolate()->LowMemoryNotification();
  }
  // The registry's cleanup runs as a task of the loop.
  EXPECT_EQ(RunLoopThenEval("0", "[t.stats().sources_closed, t.stats().sinks_closed,"
                                 "  kiln.ops.op_resources().length]"),
            "[ 1, 1, 0 ]");
}

}  // namespace
}  // namespace kiln::streams
