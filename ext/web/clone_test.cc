// structuredClone (every cloneable type, cycles, transfer, DataCloneErrors, DOMException),
// atob/btoa (forgiving-base64 against a JavaScript reference of the spec, errors, one- and
// two-byte strings, large inputs) and navigator.
#include <string>

#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "ext/crypto/crypto_extension.h"
#include "ext/encoding/encoding_extension.h"
#include "ext/timers/timers_extension.h"
#include "ext/web/web_extension.h"
#include "ext/webidl/webidl_extension.h"
#include "gtest/gtest.h"

namespace kiln::web {
namespace {

class CloneTest : public testing::RuntimeTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    // The `kiln` command's extensions, so the snapshot twin runs from its snapshot.
    options.extensions = {&extensions::webidl(), &extensions::timers(), &extensions::web(),
                          &extensions::encoding(), &extensions::crypto()};
    return options;
  }

  // `code` throws; returns "<constructor> <name> <code>: <message>".
  std::string Thrown(const std::string& code) {
    return EvalOrError("try { " + code +
                       "; 'no exception' } catch (e) { "
                       "`${e.constructor.name} ${e.name} ${e.code ?? '-'}: ${e.message}` }");
  }
};

// ---- structuredClone ----

TEST_F(CloneTest, StructuredCloneIsAGlobalFunction) {
  ExpectEval("typeof structuredClone", "'function'");
  ExpectEval(R"js({
    const d = Object.getOwnPropertyDescriptor(globalThis, 'structuredClone');
    [d.enumerable, d.writable, d.configurable, structuredClone.length, structuredClone.name]
  })js",
             "[ true, true, true, 1, 'structuredClone' ]");
  ExpectThrows("structuredClone()",
               "TypeError: Failed to execute 'structuredClone' on 'Window': 1 argument required, "
               "but only 0 present.");
  ExpectThrows("structuredClone(1, 5)",
               "TypeError: Failed to execute 'structuredClone' on 'Window': Argument 2 can not be "
               "converted to 'StructuredSerializeOptions'.");
  ExpectThrows("structuredClone(1, { transfer: 5 })",
               "TypeError: Failed to execute 'structuredClone' on 'Window': 'transfer' member of "
               "StructuredSerializeOptions (Argument 2) can not be converted to sequence.");
  ExpectThrows("structuredClone(1, { transfer: [1] })",
               "TypeError: Failed to execute 'structuredClone' on 'Window': 'transfer' member of "
               "StructuredSerializeOptions (Argument 2), index 0 is not of type 'object'.");
  ExpectEval("structuredClone(1, {})", "1");
  ExpectEval("structuredClone(1, null)", "1");
  ExpectEval("structuredClone(1, { transfer: [] })", "1");
}

TEST_F(CloneTest, Primitives) {
  ExpectEval(R"js({
    const values = [undefined, null, true, false, 0, -0, NaN, Infinity, -Infinity, 0.2,
                    9007199254740994, '', 'text', '\uD800', '\uDC00', '\u0000', '\uDBFF\uDFFD',
                    0n, -9007199254740994000900719925474099400090071992547409940009007199254740994000n];
    values.every((v) => Object.is(structuredClone(v), v))
  })js",
             "true");
}

TEST_F(CloneTest, ObjectsArraysAndBuiltIns) {
  ExpectEval(R"js({
    const date = new Date(8.64e15);
    const re = /a+b/gimsuy;
    re.lastIndex = 3;
    const original = {
      n: 1, s: 'x', nested: { deep: [1, [2, [3]]] },
      date, re,
      map: new Map([[1, { a: 1 }], ['k', [2]]]),
      set: new Set([1, 'two', { three: 3 }]),
      boxed: [new Boolean(false), new Number(-0), new String('\uD800'), Object(5n)],
    };
    const copy = structuredClone(original);
    [
      copy !== original && copy.nested !== original.nested,
      JSON.stringify(copy.nested) === JSON.stringify(original.nested),
      copy.date instanceof Date && copy.date !== date && copy.date.getTime() === 8.64e15,
      copy.re instanceof RegExp && copy.re !== re && copy.re.source === 'a+b' &&
          copy.re.flags === re.flags && copy.re.lastIndex === 0,
      copy.map instanceof Map && copy.map.get(1).a === 1 && copy.map.get('k')[0] === 2,
      copy.set instanceof Set && copy.set.has('two') && copy.set.size === 3,
      copy.boxed[0] instanceof Boolean && copy.boxed[0].valueOf() === false,
      Object.is(copy.boxed[1].valueOf(), -0),
      copy.boxed[2] instanceof String && copy.boxed[2].valueOf() === '\uD800',
      typeof copy.boxed[3] === 'object' && copy.boxed[3].valueOf() === 5n,
    ].every(Boolean)
  })js",
             "true");
  // What is lost: prototypes, non-enumerable and symbol-keyed properties; getters run.
  ExpectEval(R"js({
    class Point { constructor() { this.x = 1; } get double() { return 2; } }
    const source = new Point();
    Object.defineProperty(source, 'hidden', { value: 1, enumerable: false });
    source[Symbol('s')] = 1;
    let reads = 0;
    Object.defineProperty(source, 'computed', { get() { reads++; return 'got'; }, enumerable: true });
    const copy = structuredClone(source);
    [Object.getPrototypeOf(copy) === Object.prototype, Object.keys(copy).join(),
     'hidden' in copy, Object.getOwnPropertySymbols(copy).length, copy.computed, reads]
  })js",
             "[ true, 'x,computed', false, 0, 'got', 1 ]");
  // Arrays keep holes, length and extra properties.
  ExpectEval(R"js({
    const a = [1, , 3];
    a.length = 5;
    a.extra = 'e';
    const copy = structuredClone(a);
    [copy.length, 1 in copy, copy[2], copy.extra, Array.isArray(copy)]
  })js",
             "[ 5, false, 3, 'e', true ]");
  ExpectEval("Object.getPrototypeOf(structuredClone(Object.prototype)) === Object.prototype",
             "true");
}

TEST_F(CloneTest, CyclesAndSharedReferences) {
  ExpectEval(R"js({
    const shared = { v: 1 };
    const root = { a: shared, b: shared, list: [shared] };
    root.self = root;
    root.list.push(root.list);
    const map = new Map();
    map.set(map, root);
    root.map = map;
    const copy = structuredClone(root);
    [copy.self === copy, copy.a === copy.b, copy.list[0] === copy.a, copy.list[1] === copy.list,
     copy.map.get(copy.map) === copy, copy.a !== shared]
  })js",
             "[ true, true, true, true, true, true ]");
}

TEST_F(CloneTest, BuffersViewsAndSharedMemory) {
  ExpectEval(R"js({
    const buffer = new ArrayBuffer(16);
    new Uint8Array(buffer).set([1, 2, 3, 4, 5, 6, 7, 8]);
    const types = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
                   'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array',
                   'BigUint64Array'];
    const views = types.map((name) => new globalThis[name](buffer, 8, 8 / globalThis[name].BYTES_PER_ELEMENT));
    views.push(new DataView(buffer, 2, 4));
    const copy = structuredClone({ buffer, views });
    [
      copy.buffer !== buffer && copy.buffer.byteLength === 16,
      // every view shares the one cloned buffer, at the same offset and length
      copy.views.every((v, i) => v.buffer === copy.buffer && v.byteOffset === views[i].byteOffset &&
                              v.byteLength === views[i].byteLength &&
                              v.constructor === views[i].constructor),
      new Uint8Array(copy.buffer)[7] === 8,
      // a copy, not shared memory
      (new Uint8Array(buffer)[0] = 99, new Uint8Array(copy.buffer)[0] === 1),
    ]
  })js",
             "[ true, true, true, true ]");
  // A view alone clones its whole buffer.
  ExpectEval(R"js({
    const view = new Uint16Array(new ArrayBuffer(8), 2, 2);
    const copy = structuredClone(view);
    [copy.buffer.byteLength, copy.byteOffset, copy.length]
  })js",
             "[ 8, 2, 2 ]");
  // A SharedArrayBuffer is shared.
  ExpectEval(R"js({
    const shared = new SharedArrayBuffer(4);
    const copy = structuredClone(shared);
    new Uint8Array(shared)[0] = 42;
    [copy instanceof SharedArrayBuffer, copy !== shared, new Uint8Array(copy)[0]]
  })js",
             "[ true, true, 42 ]");
  ExpectEval("structuredClone(new Uint8Array(0)).length", "0");
}

TEST_F(CloneTest, ErrorsCloneWithTheirPrototypeMessageStackAndCause) {
  ExpectEval(R"js({
    const kinds = [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError];
    kinds.map((Kind) => {
      const error = new Kind('boom', { cause: { code: 7 } });
      const copy = structuredClone(error);
      return copy !== error && copy.constructor === Kind && copy.message === 'boom' &&
             copy.stack === error.stack && copy.cause.code === 7 && copy.cause !== error.cause;
    })
  })js",
             "[\n  true, true,\n  true, true,\n  true, true,\n  true\n]");
  // Other names become Error (HTML's serialization of errors).
  ExpectEval(R"js({
    class MyError extends Error {}
    const copy = structuredClone(new MyError('mine'));
    [copy.constructor === Error, copy.message]
  })js",
             "[ true, 'mine' ]");
}

TEST_F(CloneTest, UncloneableValuesThrowDataCloneError) {
  EXPECT_EQ(Thrown("structuredClone(function foo() {})"),
            "'DOMException DataCloneError 25: function foo() {} could not be cloned.'");
  EXPECT_EQ(Thrown("structuredClone({ nested: [() => 1] })"),
            "'DOMException DataCloneError 25: () => 1 could not be cloned.'");
  EXPECT_EQ(Thrown("structuredClone(Symbol('s'))"),
            "'DOMException DataCloneError 25: Symbol(s) could not be cloned.'");
  EXPECT_EQ(Thrown("structuredClone(new WeakMap())"),
            "'DOMException DataCloneError 25: #<WeakMap> could not be cloned.'");
  EXPECT_EQ(Thrown("structuredClone(new WeakSet())"),
            "'DOMException DataCloneError 25: #<WeakSet> could not be cloned.'");
  EXPECT_EQ(Thrown("structuredClone(Promise.resolve())"),
            "'DOMException DataCloneError 25: #<Promise> could not be cloned.'");
  EXPECT_EQ(Thrown("structuredClone(new Proxy({}, {}))"),
            "'DOMException DataCloneError 25: #<Object> could not be cloned.'");
  EXPECT_EQ(Thrown("structuredClone(new WeakRef({}))"),
            "'DOMException DataCloneError 25: #<WeakRef> could not be cloned.'");
  // The global object is a special (global proxy) object.
  EXPECT_EQ(Thrown("structuredClone(globalThis)").substr(0, 35), "'DOMException DataCloneError 25: #<");
  ExpectEval(R"js({
    try { structuredClone(() => {}); } catch (e) { [e instanceof DOMException, e instanceof Error] }
  })js",
             "[ true, true ]");
  // An exception of a getter goes through unchanged.
  ExpectEval(R"js({
    const boom = new RangeError('from a getter');
    try { structuredClone({ get x() { throw boom; } }); } catch (e) { e === boom }
  })js",
             "true");
  // Detached buffers cannot be cloned.
  EXPECT_EQ(Thrown(R"js({
    const buffer = new ArrayBuffer(4);
    structuredClone(buffer, { transfer: [buffer] });
    structuredClone(buffer)
  })js"),
            "'DOMException DataCloneError 25: An ArrayBuffer is detached and could not be "
            "cloned.'");
}

// Platform objects that are not serializable (interface_object.js, newPlatformObject):
// each class family is a DataCloneError named after the object's class, on both clone
// paths (direct: no transfer list; serializer: nested, and with a transfer list).
TEST_F(CloneTest, PlatformObjectsAreDataCloneErrors) {
  EXPECT_EQ(Thrown("structuredClone(new Event('x'))"),
            "'DOMException DataCloneError 25: #<Event> could not be cloned.'");
  EXPECT_EQ(Thrown("structuredClone({ list: [new CustomEvent('x', { detail: 1 })] })"),
            "'DOMException DataCloneError 25: #<CustomEvent> could not be cloned.'");
  EXPECT_EQ(Thrown("structuredClone(new ErrorEvent('error'))"),
            "'DOMException DataCloneError 25: #<ErrorEvent> could not be cloned.'");
  EXPECT_EQ(Thrown("structuredClone(new MessageEvent('message'))"),
            "'DOMException DataCloneError 25: #<MessageEvent> could not be cloned.'");
  EXPECT_EQ(Thrown("structuredClone(new EventTarget())"),
            "'DOMException DataCloneError 25: #<EventTarget> could not be cloned.'");
  EXPECT_EQ(Thrown("structuredClone(new AbortController())"),
            "'DOMException DataCloneError 25: #<AbortController> could not be cloned.'");
  EXPECT_EQ(Thrown("structuredClone(new AbortController().signal)"),
            "'DOMException DataCloneError 25: #<AbortSignal> could not be cloned.'");
  EXPECT_EQ(Thrown("structuredClone(AbortSignal.any([]))"),
            "'DOMException DataCloneError 25: #<AbortSignal> could not be cloned.'");
  EXPECT_EQ(Thrown("structuredClone(new MessageChannel())"),
            "'DOMException DataCloneError 25: #<MessageChannel> could not be cloned.'");
  EXPECT_EQ(Thrown("const c = new BroadcastChannel('b'); try { structuredClone(c) } finally { c.close() }"),
            "'DOMException DataCloneError 25: #<BroadcastChannel> could not be cloned.'");
  EXPECT_EQ(Thrown("structuredClone(new MessageChannel().port1)"),
            "'DOMException DataCloneError 25: A MessagePort could not be cloned because it was "
            "not transferred.'");
  // With a transfer list (the serializer from the start).
  EXPECT_EQ(Thrown("const b = new ArrayBuffer(1); structuredClone({ e: new Event('x'), b }, "
                   "{ transfer: [b] })"),
            "'DOMException DataCloneError 25: #<Event> could not be cloned.'");
  // A failed clone transfers nothing.
  ExpectEval("const b = new ArrayBuffer(1);"
             "try { structuredClone([b, new EventTarget()], { transfer: [b] }) } catch {}"
             "b.byteLength",
             "1");
}

// Subclasses, in kiln and in a program, make platform objects too; the interfaces keep
// WebIDL's shape and objects print and behave as before.
TEST_F(CloneTest, PlatformObjectsOfSubclassesAndShape) {
  EXPECT_EQ(Thrown("class MyEvent extends Event { constructor() { super('mine'); this.extra = 1; } }"
                   "structuredClone(new MyEvent())"),
            "'DOMException DataCloneError 25: #<MyEvent> could not be cloned.'");
  EXPECT_EQ(Thrown("class Target extends EventTarget {} structuredClone(new Target())"),
            "'DOMException DataCloneError 25: #<Target> could not be cloned.'");
  ExpectEval("class MyEvent extends CustomEvent { #own = 2; get own() { return this.#own; } }"
             "const e = new MyEvent('x', { detail: 3 });"
             "[e.own, e.detail, e.type, e instanceof Event, Object.getPrototypeOf(e) === MyEvent.prototype,"
             " Object.keys(e), Object.getOwnPropertyNames(e)]",
             "[ 2, 3, 'x', true, true, [ 'isTrusted' ], [ 'isTrusted' ] ]");
  ExpectEval("[Event, EventTarget, AbortController, MessageChannel].map((I) =>"
             " Object.getPrototypeOf(I) === Function.prototype &&"
             " Object.getPrototypeOf(I.prototype) === Object.prototype)",
             "[ true, true, true, true ]");
  ExpectEval("[Object.getPrototypeOf(CustomEvent) === Event, Object.getPrototypeOf(AbortSignal) === "
             "EventTarget, Object.getPrototypeOf(MessagePort) === EventTarget]",
             "[ true, true, true ]");
  ExpectEval("[Object.prototype.toString.call(new Event('x')), String(new EventTarget()),"
             " new AbortController().signal instanceof EventTarget, JSON.stringify(new EventTarget())]",
             "[ '[object Event]', '[object EventTarget]', true, '{}' ]");
  ExpectThrows("Event('x')", "TypeError: Class constructor Event cannot be invoked without 'new'");
  // new.target whose prototype is replaced: objects follow it.
  ExpectEval("function F() {} F.prototype = Object.create(EventTarget.prototype);"
             "const a = Reflect.construct(EventTarget, [], F);"
             "F.prototype = Object.create(EventTarget.prototype, { tag: { value: 'second' } });"
             "const b = Reflect.construct(EventTarget, [], F);"
             "[a.tag, b.tag, b instanceof EventTarget]",
             "[ undefined, 'second', true ]");
  // A frozen subclass and a Proxy as new.target still get platform objects.
  EXPECT_EQ(Thrown("class T extends EventTarget {} Object.freeze(T); structuredClone(new T())"),
            "'DOMException DataCloneError 25: #<T> could not be cloned.'");
  EXPECT_EQ(Thrown("class T extends EventTarget {}"
                   "structuredClone(Reflect.construct(EventTarget, [], new Proxy(T, {})))"),
            "'DOMException DataCloneError 25: #<T> could not be cloned.'");
}

// structuredClone(port, { transfer: [port] }): the clone is a new port entangled with the
// partner; the original is neutered.
TEST_F(CloneTest, TransferMessagePorts) {
  ExpectEval("const { port1, port2 } = new MessageChannel();"
             "const moved = structuredClone({ p: port2, again: port2 }, { transfer: [port2] });"
             "[moved.p instanceof MessagePort, moved.p === moved.again, moved.p === port2]",
             "[ true, true, false ]");
  EXPECT_EQ(Thrown("const { port1 } = new MessageChannel();"
                   "structuredClone(1, { transfer: [port1, port1] })"),
            "\"DOMException DataCloneError 25: Failed to execute 'structuredClone' on 'Window': "
            "Port at index 1 is a duplicate of an earlier port.\"");
  EXPECT_EQ(Thrown("const { port1 } = new MessageChannel();"
                   "structuredClone(port1, { transfer: [port1] });"
                   "structuredClone(1, { transfer: [port1] })"),
            "\"DOMException DataCloneError 25: Failed to execute 'structuredClone' on 'Window': "
            "Port at index 0 is already neutered.\"");
  // Buffers and ports in one list: indices are the list's.
  EXPECT_EQ(Thrown("const { port1 } = new MessageChannel(); const b = new ArrayBuffer(1);"
                   "structuredClone(1, { transfer: [port1, b, b] })"),
            "'DOMException DataCloneError 25: ArrayBuffer at index 2 is a duplicate of an earlier "
            "ArrayBuffer. Duplicate ArrayBuffers cannot be transferred.'");
  // A failed clone neuters nothing.
  ExpectEval("{ const { port1 } = new MessageChannel();"
             "try { structuredClone([port1, () => 1], { transfer: [port1] }) } catch {}"
             "structuredClone(port1, { transfer: [port1] }) instanceof MessagePort }",
             "true");
}

TEST_F(CloneTest, TransferMovesArrayBuffers) {
  ExpectEval(R"js({
    const buffer = new Uint8Array([1, 2, 3]).buffer;
    const view = new Uint8Array(buffer, 1);
    const copy = structuredClone({ buffer, view }, { transfer: [buffer] });
    [buffer.byteLength, view.length, copy.buffer.byteLength, copy.view.buffer === copy.buffer,
     [...copy.view].join()]
  })js",
             "[ 0, 0, 3, true, '2,3' ]");
  // A listed buffer the value does not reference is detached all the same.
  ExpectEval(R"js({
    const a = new ArrayBuffer(8);
    const b = new ArrayBuffer(8);
    const copy = structuredClone(a, { transfer: [a, b] });
    [a.byteLength, b.byteLength, copy.byteLength]
  })js",
             "[ 0, 0, 8 ]");
  // Any iterable is a transfer list.
  ExpectEval(R"js({
    const buffer = new ArrayBuffer(2);
    structuredClone(buffer, { transfer: new Set([buffer]) }).byteLength + buffer.byteLength
  })js",
             "2");
}

TEST_F(CloneTest, TransferErrors) {
  EXPECT_EQ(Thrown("const b = new ArrayBuffer(4); structuredClone(b, { transfer: [b, b] })"),
            "'DOMException DataCloneError 25: ArrayBuffer at index 1 is a duplicate of an earlier "
            "ArrayBuffer. Duplicate ArrayBuffers cannot be transferred.'");
  EXPECT_EQ(Thrown("structuredClone(1, { transfer: [{}] })"),
            "'DOMException DataCloneError 25: Value at index 0 does not have a transferable "
            "type.'");
  EXPECT_EQ(Thrown("structuredClone(1, { transfer: [new Uint8Array(4)] })"),
            "'DOMException DataCloneError 25: Value at index 0 does not have a transferable "
            "type.'");
  EXPECT_EQ(Thrown("structuredClone(1, { transfer: [new SharedArrayBuffer(4)] })"),
            "'DOMException DataCloneError 25: SharedArrayBuffer at index 0 is not "
            "transferable.'");
  EXPECT_EQ(Thrown(R"js({
    const b = new ArrayBuffer(4);
    structuredClone(b, { transfer: [b] });
    structuredClone(1, { transfer: [b] })
  })js"),
            "'DOMException DataCloneError 25: ArrayBuffer at index 0 is already detached.'");
  EXPECT_EQ(Thrown(R"js({
    const memory = new WebAssembly.Memory({ initial: 1 });
    structuredClone(1, { transfer: [memory.buffer] })
  })js"),
            "'DOMException DataCloneError 25: ArrayBuffer at index 0 is not detachable and could "
            "not be transferred.'");
  // A failed clone detaches nothing.
  ExpectEval(R"js({
    const b = new ArrayBuffer(4);
    try { structuredClone({ b, f() {} }, { transfer: [b] }); } catch {}
    b.byteLength
  })js",
             "4");
  // A getter that detaches a listed buffer during serialization.
  EXPECT_EQ(Thrown(R"js({
    const b = new ArrayBuffer(4);
    structuredClone({ get x() { structuredClone(b, { transfer: [b] }); return 1; } },
                    { transfer: [b] })
  })js"),
            "'DOMException DataCloneError 25: ArrayBuffer at index 0 is already detached.'");
}

TEST_F(CloneTest, DOMExceptionsCloneAsDOMExceptions) {
  ExpectEval(R"js({
    const original = new DOMException('no way', 'NotAllowedError');
    const abort = new DOMException('stop', 'AbortError');
    const copy = structuredClone({ original, again: original, list: [abort] });
    [copy.original instanceof DOMException, copy.original !== original,
     copy.original.name, copy.original.message, copy.original.code,
     copy.again === copy.original, copy.list[0].name, copy.list[0].code,
     copy.original.stack === original.stack,
     Object.getOwnPropertyDescriptor(copy.original, 'stack')?.enumerable].join()
  })js",
             "'true,true,NotAllowedError,no way,0,true,AbortError,20,true,false'");
  ExpectEval(R"js({
    class Sub extends DOMException {}
    const copy = structuredClone(new Sub('m', 'DataCloneError'));
    [Object.getPrototypeOf(copy) === DOMException.prototype, copy.code, String(copy)]
  })js",
             "[ true, 25, 'DataCloneError: m' ]");
  // The interface object keeps the prototype WebIDL gives it.
  ExpectEval("Object.getPrototypeOf(DOMException) === Function.prototype", "true");
  // A DataCloneError is cloneable too.
  ExpectEval(R"js({
    let error;
    try { structuredClone(Symbol()); } catch (e) { error = e; }
    structuredClone(error).name
  })js",
             "'DataCloneError'");
}

// The direct clone of structured_clone.js against the serializer: cloneBoth(v) clones `v`
// both ways (a non-empty transfer list sends a clone to the serializer) and describes the
// two results and what ran (getter calls, errors); they must be the same.
static const char kCloneBoth[] = R"js(
  globalThis.describe = (root) => {
    const ids = new Map();
    const walk = (v) => {
      if (typeof v !== 'object' || v === null) {
        return Object.is(v, -0) ? '-0' : typeof v === 'bigint' ? `${v}n` : JSON.stringify(v) ?? String(v);
      }
      if (ids.has(v)) return `#${ids.get(v)}`;
      ids.set(v, ids.size);
      const proto = Object.getPrototypeOf(v);
      let out = `${proto === null ? 'null' : proto.constructor.name}${ids.size - 1}`;
      if (v instanceof Date) out += `(${v.getTime()})`;
      if (v instanceof Map) out += `(${[...v].map(([k, x]) => `${walk(k)}=>${walk(x)}`).join(',')})`;
      if (v instanceof Set) out += `(${[...v].map(walk).join(',')})`;
      if (v instanceof RegExp) out += `(${v}/${v.lastIndex})`;
      if (ArrayBuffer.isView(v)) out += `(${v.byteOffset},${v.byteLength},${walk(v.buffer)})`;
      if (v instanceof Error) out += `(${v.message},${v.stack === undefined},${walk(v.cause)})`;
      if (Array.isArray(v)) out += `[${v.length}]`;
      const props = Reflect.ownKeys(v).map((k) => {
        const d = Object.getOwnPropertyDescriptor(v, k);
        const flags = `${d.writable ? 'w' : ''}${d.enumerable ? 'e' : ''}${d.configurable ? 'c' : ''}`;
        return `${String(k)}:${flags}:${'value' in d ? walk(d.value) : 'accessor'}`;
      });
      return `${out}{${props.join(';')}}${Object.isExtensible(v) ? '' : '!ext'}`;
    };
    return walk(root);
  };
  globalThis.log = [];
  globalThis.cloneBoth = (make) => {
    const outcome = (transfer) => {
      log.length = 0;
      const value = make();
      try {
        const clone = transfer ? structuredClone(value, { transfer: [new ArrayBuffer(1)] })
                               : structuredClone(value);
        return `${describe(clone)} log=${log.join(',')}`;
      } catch (e) {
        return `${e.constructor.name} ${e.name}: ${e.message} log=${log.join(',')}`;
      }
    };
    // Both from one line: errors made by `make` get the same stack.
    const [direct, serialized] = [false, true].map(outcome);
    return direct === serialized ? direct : `MISMATCH\n  direct:     ${direct}\n  serializer: ${serialized}`;
  };
)js";

TEST_F(CloneTest, DirectCloneEqualsTheSerializer) {
  ExpectEval(std::string(kCloneBoth) + "'ready'", "'ready'");
  // Each case: [name, maker]; the outcome of both paths is compared.
  std::string result = EvalOrError(R"js({
    class Point { constructor() { this.x = 1; this.y = [2]; } get norm() { log.push('norm'); return 3; } }
    const cases = {
      primitives: () => [undefined, null, true, 0, -0, NaN, 1.5, 'text', '\uD800', 12n],
      topLevelPrimitive: () => 'plain',
      topLevelNegativeZero: () => -0,
      plain: () => ({ a: 1, b: 'two', c: { d: [3, { e: null }] }, 10: 'ten', 2: 'two' }),
      nullPrototype: () => Object.assign(Object.create(null), { a: 1, b: { c: 2 } }),
      classInstance: () => new Point(),
      holes: () => [1, , 3, , ],
      sparse: () => { const a = []; a[5000000] = 'far'; a[3] = 'near'; return a; },
      arrayExtras: () => { const a = [1, 2]; a.extra = { v: 1 }; a[-1] = 'minus'; return a; },
      holeyExtras: () => { const a = [, 1]; a.name = 'n'; return a; },
      negativeZeroElements: () => [-0, 0, -0.0, [-0]],
      doubles: () => [1.5, 2.5, NaN, Infinity],
      shared: () => { const s = { s: 1 }; return { a: s, b: [s, s], c: new Map([[s, s]]) }; },
      cycle: () => { const o = { list: [] }; o.self = o; o.list.push(o, o.list); return o; },
      dates: () => [new Date(0), new Date(NaN), new Date(8.64e15)],
      dateWithProperties: () => Object.assign(new Date(5), { extra: 1 }),
      mapsAndSets: () => new Map([[{ k: 1 }, new Set([1, 'a', { b: 2 }])], [NaN, -0]]),
      mapWithProperties: () => Object.assign(new Map([[1, 2]]), { extra: 1 }),
      nonEnumerable: () => Object.defineProperty({ a: 1 }, 'hidden', { value: 2, enumerable: false }),
      symbolKeys: () => ({ a: 1, [Symbol('s')]: 2, [Symbol.iterator]: 3 }),
      frozen: () => Object.freeze({ a: Object.freeze([1, 2]), b: Object.seal({ c: 1 }) }),
      protoKey: () => JSON.parse('{"__proto__": {"a": 1}, "b": 2}'),
      objectPrototypeNames: () => ({ toString: 1, constructor: 2, valueOf: { x: 1 } }),
      getters: () => ({ a: 1, get b() { log.push('b'); return { c: 2 }; }, d: 3 }),
      getterAddsAndDeletes: () => {
        const o = { get a() { log.push('a'); delete o.c; o.z = 1; return 1; }, b: 2, c: 3 };
        return o;
      },
      getterInArray: () => {
        const a = [1, 2, 3];
        Object.defineProperty(a, 1, { get() { log.push('1'); a.length = 0; return 'x'; }, enumerable: true });
        return a;
      },
      setterOnly: () => ({ set a(v) { log.push('set'); } }),
      throwingGetter: () => ({ a: { x: 1 }, get b() { log.push('b'); throw new RangeError('from b'); }, c: 3 }),
      getterAfterUncloneable: () => ({ f() {}, get b() { log.push('b'); return 1; } }),
      getterBeforeUncloneable: () => ({ get b() { log.push('b'); return 1; }, f() {} }),
      proxy: () => ({ a: 1, p: new Proxy({}, { get() { log.push('trap'); return 1; }, ownKeys() { log.push('keys'); return []; } }) }),
      proxyArray: () => [new Proxy([1], {})],
      proxyPrototype: () => Object.setPrototypeOf({ a: 1 }, new Proxy({}, { get() { log.push('trap'); } })),
      symbol: () => ({ s: Symbol('x') }),
      func: () => [function named() {}],
      weakMap: () => ({ w: new WeakMap() }),
      argumentsObject: function () { return (function () { return arguments; })(1, 2); },
      boxed: () => [Object(1), Object('s'), Object(true), Object(2n)],
      regexp: () => { const r = /a/g; r.lastIndex = 2; return { r }; },
      errors: () => [new TypeError('t', { cause: { c: 1 } }), new Error('e')],
      views: () => { const b = new ArrayBuffer(8); return [new Uint8Array(b, 1, 2), new DataView(b), b]; },
      mapDisguised: () => Object.setPrototypeOf(new Map([[1, 2]]), Object.prototype),
      arrayDisguised: () => Object.setPrototypeOf([1, 2], null),
      domException: () => ({ e: new DOMException('m', 'AbortError') }),
    };
    const out = [];
    for (const [name, make] of Object.entries(cases)) {
      const r = cloneBoth(make);
      if (r.startsWith('MISMATCH')) out.push(`${name}: ${r}`);
    }
    out.length === 0 ? 'same' : out.join('\n')
  })js");
  EXPECT_EQ(result, "'same'");
}

TEST_F(CloneTest, DirectCloneGetterCallsAndErrors) {
  ExpectEval(std::string(kCloneBoth) + "'ready'", "'ready'");
  // The getter runs once, in property order, and an error thrown by one goes through.
  ExpectEval("cloneBoth(() => ({ a: 1, get b() { log.push('b'); return 2; }, get c() { log.push('c'); return 3; } }))",
             "'Object0{a:wec:1;b:wec:2;c:wec:3} log=b,c'");
  ExpectEval("cloneBoth(() => ({ a: { x: 1 }, get b() { log.push('b'); throw new RangeError('from b'); } }))",
             "'RangeError RangeError: from b log=b'");
  ExpectEval("cloneBoth(() => ({ p: new Proxy({}, {}) }))",
             "'DOMException DataCloneError: #<Object> could not be cloned. log='");
  ExpectEval("cloneBoth(() => [1, Symbol('s')])",
             "'DOMException DataCloneError: Symbol(s) could not be cloned. log='");
}

TEST_F(CloneTest, DirectCloneIgnoresInheritedSettersAndElements) {
  ExpectEval(std::string(kCloneBoth) + "'ready'", "'ready'");
  // Stores into the clone are definitions, as the deserializer's: a setter or an element a
  // program put on Object.prototype or Array.prototype never runs or shows through (the
  // direct clone leaves such keys to the deserializer).
  ExpectEval(R"js({
    Object.defineProperty(Object.prototype, 'x', { set(v) { log.push('set x'); }, configurable: true });
    Object.defineProperty(Object.prototype, 1, { set(v) { log.push('set 1'); }, get() { return 'inherited'; }, configurable: true });
    Object.defineProperty(Array.prototype, 0, { set(v) { log.push('set 0'); }, configurable: true });
    const results = [{ x: 1, 1: 'own' }, [[5, , 7]]].map((v) => `${describe(structuredClone(v))} log=${log.join(',')}`);
    delete Object.prototype.x; delete Object.prototype[1]; delete Array.prototype[0];
    Array.prototype.length = 0;
    results.join(' | ')
  })js",
             "'Object0{1:wec:\"own\";x:wec:1} log= | Array0[1]{0:wec:Array1[3]{0:wec:5;2:wec:7;length:w:3};length:w:1} log='");
}

TEST_F(CloneTest, DirectCloneOfDeepGraphs) {
  ExpectEval(std::string(kCloneBoth) + "'ready'", "'ready'");
  // Deeper than the direct clone goes: the serializer's result (or its RangeError).
  ExpectEval(R"js({
    const make = (depth) => { let v = { end: true }; for (let i = 0; i < depth; i++) v = { v, a: [i] }; return v; };
    const outcome = (depth) => {
      try { let c = structuredClone(make(depth)); let n = 0; while (c.v) { c = c.v; n++; } return n; }
      catch (e) { return e.constructor.name; }
    };
    [outcome(10), outcome(999), outcome(2000), outcome(1e6)]
  })js",
             "[ 10, 999, 2000, 'RangeError' ]");
}

// ---- atob / btoa ----

TEST_F(CloneTest, Base64Globals) {
  ExpectEval("[typeof atob, typeof btoa, atob.length, btoa.length]",
             "[ 'function', 'function', 1, 1 ]");
  ExpectEval("btoa('hello')", "'aGVsbG8='");
  ExpectEval("atob('aGVsbG8=')", "'hello'");
  ExpectEval("[btoa(''), atob('')]", "[ '', '' ]");
  ExpectEval("[btoa('a'), btoa('ab'), btoa('abc'), btoa('abcd')]",
             "[ 'YQ==', 'YWI=', 'YWJj', 'YWJjZA==' ]");
  ExpectEval("btoa('\\xff\\xfe\\x00\\x80')", "'//4AgA=='");
  ExpectEval("[...atob('//4AgA==')].map((c) => c.charCodeAt(0))", "[ 255, 254, 0, 128 ]");
  // DOMString conversion of the argument.
  ExpectEval("[btoa(null), btoa(undefined), btoa(12), atob(null)]",
             "[ 'bnVsbA==', 'dW5kZWZpbmVk', 'MTI=', '\\x9Eée' ]");
  ExpectEval("btoa({ toString() { return 'x'; } })", "'eA=='");
}

TEST_F(CloneTest, Base64Errors) {
  EXPECT_EQ(Thrown("btoa('\\u0100')"),
            "\"DOMException InvalidCharacterError 5: Failed to execute 'btoa' on 'Window': The "
            "string to be encoded contains characters outside of the Latin1 range.\"");
  EXPECT_EQ(Thrown("btoa('abc\\uD800')"),
            "\"DOMException InvalidCharacterError 5: Failed to execute 'btoa' on 'Window': The "
            "string to be encoded contains characters outside of the Latin1 range.\"");
  EXPECT_EQ(Thrown("atob('a')"),
            "\"DOMException InvalidCharacterError 5: Failed to execute 'atob' on 'Window': The "
            "string to be decoded is not correctly encoded.\"");
  EXPECT_EQ(Thrown("atob(undefined)"),
            "\"DOMException InvalidCharacterError 5: Failed to execute 'atob' on 'Window': The "
            "string to be decoded is not correctly encoded.\"");
  ExpectThrows("btoa()",
               "TypeError: Failed to execute 'btoa' on 'Window': 1 argument required, but only 0 "
               "present.");
  ExpectThrows("atob()",
               "TypeError: Failed to execute 'atob' on 'Window': 1 argument required, but only 0 "
               "present.");
  ExpectThrows("atob(Symbol())",
               "TypeError: Failed to execute 'atob' on 'Window': Argument 1 is a symbol, which "
               "cannot be converted to a string.");
}

// https://infra.spec.whatwg.org/#forgiving-base64-decode, step by step, as the reference
// the native decoder is compared with.
constexpr char kReferenceBase64[] = R"js({
  globalThis.referenceAtob = (input) => {
    let data = input.replace(/[\t\n\f\r ]/g, '');
    if (data.length % 4 === 0) data = data.replace(/={1,2}$/, '');
    if (data.length % 4 === 1) return null;
    if (/[^A-Za-z0-9+/]/.test(data)) return null;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    let buffer = 0, bits = 0, output = '';
    for (const c of data) {
      buffer = (buffer << 6) | alphabet.indexOf(c);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        output += String.fromCharCode((buffer >> bits) & 0xff);
      }
    }
    return output;
  };
  globalThis.nativeAtob = (input) => {
    try { return atob(input); } catch (e) {
      if (e.name !== 'InvalidCharacterError') throw e;
      return null;
    }
  };
  undefined
})js";

TEST_F(CloneTest, AtobFollowsForgivingBase64) {
  ExpectEval(kReferenceBase64, "undefined");
  // Padding and whitespace cases (html/webappapis/atob has the full list).
  ExpectEval(R"js({
    const cases = ['', 'ab', 'ab=', 'ab==', 'ab===', 'abc', 'abc=', 'abc==', 'abcd', 'abcd=',
                   'a', 'abcde', '=', '==', '===', '====', 'a=', 'a==', 'a===', 'ab=c', 'ab=c=',
                   ' ab ', 'a b\tc\nd\fe\rf', 'ab\u000b', 'ab\u00a0', 'ab =\n=', 'a\u0000',
                   '\u00ff\u00ff', 'YQ', 'YR', 'YR==', '////', '++++', '-_-_', 'ab\uD800',
                   'Zm9v\u0100', 'aGVsbG8gd29ybGQ', ' \t\n\f\r'];
    const mismatches = cases.filter((c) => nativeAtob(c) !== referenceAtob(c));
    mismatches.length === 0 ? 'all agree' : JSON.stringify(mismatches)
  })js",
             "'all agree'");
  // Random strings over an alphabet that makes valid and invalid inputs both likely.
  ExpectEval(R"js({
    const alphabet = 'AQgw/+9z= \n\t\u00e9';
    let seed = 7, mismatches = [], valid = 0;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8;
    for (let i = 0; i < 20000; i++) {
      let s = '';
      const length = random() % 24;
      for (let j = 0; j < length; j++) s += alphabet[random() % alphabet.length];
      const expected = referenceAtob(s);
      if (expected !== null) valid++;
      if (nativeAtob(s) !== expected) mismatches.push(s);
    }
    [mismatches.slice(0, 5), valid > 1000, valid < 19000]
  })js",
             "[ [], true, true ]");
}

TEST_F(CloneTest, Base64RoundTripsLargeAndTwoByteStrings) {
  ExpectEval(kReferenceBase64, "undefined");
  // 1 MiB of every byte value: round trip, and the native encoder against the reference
  // decoder.
  ExpectEval(R"js({
    const bytes = new Uint8Array(1 << 20);
    crypto.getRandomValues(bytes.subarray(0, 65536));
    for (let i = 65536; i < bytes.length; i++) bytes[i] = (bytes[i - 65536] + i) & 0xff;
    let binary = '';
    for (let i = 0; i < bytes.length; i += 8192) {
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
    }
    const encoded = btoa(binary);
    [encoded.length === 4 * Math.ceil(binary.length / 3), atob(encoded) === binary,
     referenceAtob(encoded) === binary,
     atob(encoded.replace(/(.{76})/g, '$1\n')) === binary]
  })js",
             "[ true, true, true, true ]");
  // A string stored two bytes per character whose code units are all Latin-1 (a slice of
  // a two-byte string), and base64 text stored that way.
  ExpectEval(R"js({
    const twoByte = ('\u0100' + 'h\u00e9llo').slice(1);
    const encoded = btoa(twoByte);
    const encodedTwoByte = ('\u0100' + encoded).slice(1);
    [encoded, atob(encodedTwoByte) === twoByte]
  })js",
             "[ 'aOlsbG8=', true ]");
}

// ---- navigator ----

TEST_F(CloneTest, Navigator) {
  ExpectEval("navigator", "Navigator {}");
  ExpectEval("navigator.userAgent === `kiln/${kiln.version.kiln}`", "true");
  ExpectEval("navigator.userAgent.startsWith('kiln/')", "true");
  ExpectEval(R"js({
    const n = navigator.hardwareConcurrency;
    [typeof n, Number.isInteger(n) && n >= 1]
  })js",
             "[ 'number', true ]");
  ExpectEval("[navigator.language, navigator.languages]", "[ 'en-US', [ 'en-US' ] ]");
  ExpectEval("[Object.isFrozen(navigator.languages), navigator.languages === navigator.languages]",
             "[ true, true ]");
  ExpectEval("[navigator instanceof Navigator, Object.prototype.toString.call(navigator)]",
             "[ true, '[object Navigator]' ]");
  ExpectEval(R"js({
    const g = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    const i = Object.getOwnPropertyDescriptor(globalThis, 'Navigator');
    [g.enumerable, i.enumerable, Object.keys(Navigator.prototype).join()]
  })js",
             "[ true, false, 'userAgent,hardwareConcurrency,language,languages' ]");
  ExpectThrows("new Navigator()", "TypeError: Illegal constructor");
  ExpectThrows(
      "Object.getOwnPropertyDescriptor(Navigator.prototype, 'hardwareConcurrency').get.call({})",
      "TypeError: Illegal invocation");
}

}  // namespace
}  // namespace kiln::web
