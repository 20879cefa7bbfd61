// The WebIDL layer's converters, type constructors and interface helpers, called directly
// through the test-only extension webidl_testing (globalThis.webidl).
#include "ext/webidl/webidl_extension.h"
#include "ext/webidl/webidl_testing_extension.h"

#include <string>

#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"

namespace kiln::webidl {
namespace {

class WebidlTest : public testing::RuntimeTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.extensions = {&extensions::webidl(), &extensions::webidl_testing()};
    return options;
  }
  // Each check in its own block scope, so checks of one test may reuse names.
  void Expect(const std::string& code, const std::string& expected) {
    ExpectEval("{" + code + "\n}", expected);
  }
  void Throws(const std::string& code, const std::string& expected) {
    ExpectThrows("{" + code + "\n}", expected);
  }
  // Detaches the ArrayBuffer `expression` evaluates to (V8 10.2 has no script-visible way
  // to detach one without a structured clone).
  void Detach(const std::string& expression) {
    Result<v8::Global<v8::Value>> value = runtime().Eval(expression);
    ASSERT_TRUE(value.ok());
    v8::Isolate* isolate = runtime().isolate();
    v8::Isolate::Scope isolate_scope(isolate);
    v8::HandleScope scope(isolate);
    value.value().Get(isolate).As<v8::ArrayBuffer>()->Detach();
  }
};

TEST_F(WebidlTest, IntegerTypesWrapModuloTheirWidth) {
  Expect("const c = webidl.converters; [c.long(2 ** 31), c.long(2 ** 32 + 5), c.long(-1.9),"
             " c.long(NaN), c.long(Infinity), c.long('12'), c.long(-0)]",
             "[ -2147483648, 5, -1, 0, 0, 12, 0 ]");
  Expect("const c = webidl.converters; [c.octet(256), c.octet(-1), c.byte(128), c.byte(255),"
             " c['unsigned short'](65537), c.short(32768), c['unsigned long'](-1)]",
             "[ 0, 255, -128, -1, 1, -32768, 4294967295 ]");
  Expect("const c = webidl.converters; [c['long long'](2 ** 53 - 1), c['unsigned long long'](-1),"
             " c['long long'](2 ** 63), c['unsigned long long'](2 ** 64 + 2 ** 12)]",
             "[ 9007199254740991, 18446744073709552000, -9223372036854776000, 4096 ]");
}

TEST_F(WebidlTest, EnforceRangeRejectsNonFiniteAndOutOfRange) {
  Expect("webidl.converters.octet(255.9, 'p', 'c', { enforceRange: true })", "255");
  Throws("webidl.converters.octet(256, 'Failed to execute \\'f\\' on \\'X\\'', 'Argument 1',"
               " { enforceRange: true })",
               "TypeError: Failed to execute 'f' on 'X': Argument 1 is outside the accepted range "
               "of 0 to 255, inclusive.");
  Throws("webidl.converters.long(NaN, 'P', 'Argument 2', { enforceRange: true })",
               "TypeError: P: Argument 2 is not a finite number.");
  Throws("webidl.converters['unsigned long long'](-1, 'P', 'Argument 1', { enforceRange: true })",
               "TypeError: P: Argument 1 is outside the accepted range of 0 to 9007199254740991, "
               "inclusive.");
}

TEST_F(WebidlTest, ClampRoundsHalfToEven) {
  Expect("const o = { clamp: true }; const c = webidl.converters;"
             "[c.octet(300, '', '', o), c.octet(-5, '', '', o), c.octet(2.5, '', '', o),"
             " c.octet(3.5, '', '', o), c.octet(NaN, '', '', o), c.byte(-0.5, '', '', o),"
             " c.long(-Infinity, '', '', o)]",
             "[ 255, 0, 2, 4, 0, 0, -2147483648 ]");
}

TEST_F(WebidlTest, ToNumberThrowsForSymbolsAndBigInts) {
  Throws("webidl.converters.long(1n)", "TypeError: Cannot convert a BigInt value to a number");
  Throws("webidl.converters.double(Symbol())",
               "TypeError: Cannot convert a Symbol value to a number");
  Expect("webidl.converters.long({ valueOf() { return 7; } })", "7");
}

TEST_F(WebidlTest, FloatingPointTypes) {
  Expect("const c = webidl.converters; [c.double('1.5'), c['unrestricted double'](NaN),"
             " c.float(0.1), c['unrestricted float'](1e40), c.float(-0)]",
             "[ 1.5, NaN, 0.10000000149011612, Infinity, -0 ]");
  Throws("webidl.converters.double(NaN, 'P', 'Argument 1')",
               "TypeError: P: Argument 1 is not a finite floating-point value.");
  Throws("webidl.converters.float(1e40, 'P', 'Argument 1')",
               "TypeError: P: Argument 1 is outside the range of a single-precision float.");
}

TEST_F(WebidlTest, StringTypes) {
  Expect("const c = webidl.converters; [c.DOMString(null), c.DOMString(undefined),"
             " c.DOMString(null, '', '', { treatNullAsEmptyString: true }), c.DOMString(12),"
             " c.DOMString({ toString() { return 'x'; } })]",
             "[ 'null', 'undefined', '', '12', 'x' ]");
  Throws("webidl.converters.DOMString(Symbol('s'), 'P', 'Argument 1')",
               "TypeError: P: Argument 1 is a symbol, which cannot be converted to a string.");
  Expect("const c = webidl.converters; [c.USVString('a\\uD800b'), c.USVString('\\uDC00'),"
             " c.USVString('\\uD83D\\uDE00') === '\\u{1F600}', c.USVString('\\uD83D')]",
             "[ 'a\uFFFDb', '\uFFFD', true, '\uFFFD' ]");
  Expect("webidl.converters.ByteString('\\xff\\x00')", "'ÿ\\x00'");
  Throws("webidl.converters.ByteString('\\u0100', 'P', 'Argument 1')",
               "TypeError: P: Argument 1 is not a valid ByteString.");
}

TEST_F(WebidlTest, ObjectsAndCallbacks) {
  Expect("const f = () => {}; webidl.converters.object(f) === f && "
             "webidl.converters.Function(f) === f",
             "true");
  Throws("webidl.converters.object(1, 'P', 'Argument 1')",
               "TypeError: P: Argument 1 is not of type 'object'.");
  Throws("webidl.converters.Function({}, 'P', 'Argument 1')",
               "TypeError: P: Argument 1 is not of type 'Function'.");
  Throws("webidl.converters.VoidFunction(null, 'P', 'Argument 1')",
               "TypeError: P: Argument 1 is not of type 'VoidFunction'.");
}

TEST_F(WebidlTest, BufferSources) {
  Expect("const c = webidl.converters; const b = new ArrayBuffer(4);"
             "[c.ArrayBuffer(b) === b, c.BufferSource(new Uint8Array(b)).length,"
             " c.ArrayBufferView(new DataView(b)).byteLength, c.DataView(new DataView(b)).byteLength,"
             " c.Uint8Array(new Uint8Array(2)).length, c.ArrayBuffer(new ArrayBuffer(0)).byteLength]",
             "[ true, 4, 4, 4, 2, 0 ]");
  Throws("webidl.converters.ArrayBuffer(new Uint8Array(1), 'P', 'Argument 1')",
               "TypeError: P: Argument 1 is not of type 'ArrayBuffer'.");
  Throws("webidl.converters.Uint8Array(new Int8Array(1), 'P', 'Argument 1')",
               "TypeError: P: Argument 1 is not of type 'Uint8Array'.");
  Throws("webidl.converters.DataView(new Int8Array(1), 'P', 'Argument 1')",
               "TypeError: P: Argument 1 is not of type 'DataView'.");
  Throws("webidl.converters.BufferSource('abc', 'P', 'Argument 1')",
               "TypeError: P: Argument 1 is not of type '(ArrayBuffer or ArrayBufferView)'.");
  Throws("webidl.converters.BufferSource(new SharedArrayBuffer(4), 'P', 'Argument 1')",
               "TypeError: P: Argument 1 is not of type '(ArrayBuffer or ArrayBufferView)'.");
  Throws("webidl.converters.ArrayBufferView(new Uint8Array(new SharedArrayBuffer(4)),"
               " 'P', 'Argument 1')",
               "TypeError: P: Argument 1 is a view on a SharedArrayBuffer, which is not allowed.");
  Expect("const s = new SharedArrayBuffer(4); const c = webidl.converters;"
             "[c.BufferSource(s, '', '', { allowShared: true }) === s,"
             " c.Uint8Array(new Uint8Array(s), '', '', { allowShared: true }).length]",
             "[ true, 4 ]");
}

TEST_F(WebidlTest, DetachedBuffersAreRejected) {
  Detach("globalThis.detached = new ArrayBuffer(8)");
  Expect("detached.byteLength", "0");
  Throws("webidl.converters.ArrayBuffer(detached, 'P', 'Argument 1')",
         "TypeError: P: Argument 1 is a detached ArrayBuffer.");
  Throws("webidl.converters.BufferSource(detached, 'P', 'Argument 1')",
         "TypeError: P: Argument 1 is a detached ArrayBuffer.");
  Detach("globalThis.view = new Uint8Array(8); view.buffer");
  Throws("webidl.converters.BufferSource(view, 'P', 'Argument 1')",
         "TypeError: P: Argument 1 is a view on a detached ArrayBuffer.");
  Throws("webidl.converters.Uint8Array(view, 'P', 'Argument 1')",
         "TypeError: P: Argument 1 is a view on a detached ArrayBuffer.");
  Expect("webidl.converters.ArrayBuffer(new ArrayBuffer(0)).byteLength", "0");
}

TEST_F(WebidlTest, Dictionaries) {
  Expect(R"js(
    const log = [];
    const c = webidl.converters;
    const Base = [{ key: 'zeta', converter: c.long, defaultValue: 3 },
                  { key: 'alpha', converter: c.DOMString }];
    const Derived = [{ key: 'beta', converter: c.boolean, required: true },
                     { key: 'list', converter: webidl.createSequenceConverter(c.long),
                       defaultValue: () => [] }];
    const convert = webidl.createDictionaryConverter('Derived', Base, Derived);
    const source = new Proxy({ alpha: 1, beta: 0 }, {
      get(target, key) { log.push(key); return target[key]; },
    });
    const value = convert(source);
    [log.join(), value, Object.keys(value).join()]
  )js",
             "[\n  'alpha,zeta,beta,list',\n  { alpha: '1', zeta: 3, beta: false, list: [] },\n"
             "  'alpha,zeta,beta,list'\n]");
  Throws("webidl.createDictionaryConverter('D', [{ key: 'x', converter:"
               " webidl.converters.long, required: true }])({}, 'P', 'Argument 1')",
               "TypeError: P: Argument 1 can not be converted to 'D' because 'x' is required in "
               "'D'.");
  Throws("webidl.createDictionaryConverter('D', [])(5, 'P', 'Argument 1')",
               "TypeError: P: Argument 1 can not be converted to 'D'.");
  Throws("webidl.createDictionaryConverter('EventInit', [{ key: 'n', converter:"
               " webidl.converters.long, }])({ n: 1n }, 'P', 'Argument 2')",
               "TypeError: Cannot convert a BigInt value to a number");
  Throws("webidl.createDictionaryConverter('Opts', [{ key: 'f', converter:"
               " webidl.converters.Function }])({ f: 1 }, 'P', 'Argument 2')",
               "TypeError: P: 'f' member of Opts (Argument 2) is not of type 'Function'.");
  Expect("const d = webidl.createDictionaryConverter('D', [{ key: 'x', converter:"
             " webidl.converters.long, defaultValue: 7 }]); [d(undefined), d(null), d({ x: undefined })]",
             "[ { x: 7 }, { x: 7 }, { x: 7 } ]");
}

TEST_F(WebidlTest, EnumsAndNullable) {
  Expect("const e = webidl.createEnumConverter('Mode', ['a', 'b']); [e('a'), e({ toString: () => 'b' })]",
             "[ 'a', 'b' ]");
  Throws("webidl.createEnumConverter('Mode', ['a'])('c', 'P', 'Argument 1')",
               "TypeError: P: The provided value 'c' is not a valid enum value of type Mode.");
  Expect("const n = webidl.createNullableConverter(webidl.converters.long);"
             "[n(null), n(undefined), n('3')]",
             "[ null, null, 3 ]");
}

TEST_F(WebidlTest, SequencesUseTheIteratorProtocol) {
  Expect("const s = webidl.createSequenceConverter(webidl.converters.long);"
             "[s([1, '2']), s(new Set([3])), s({ *[Symbol.iterator]() { yield 4; yield 5; } }),"
             " webidl.converters['sequence<DOMString>']('ab'.split(''))]",
             "[ [ 1, 2 ], [ 3 ], [ 4, 5 ], [ 'a', 'b' ] ]");
  Throws("webidl.createSequenceConverter(webidl.converters.long)({}, 'P', 'Argument 1')",
               "TypeError: P: Argument 1 can not be converted to sequence.");
  Throws("webidl.createSequenceConverter(webidl.converters.long)('12', 'P', 'Argument 1')",
               "TypeError: P: Argument 1 can not be converted to sequence.");
  Throws("webidl.createSequenceConverter(webidl.converters.object)([1], 'P', 'Argument 1')",
               "TypeError: P: Argument 1, index 0 is not of type 'object'.");
}

TEST_F(WebidlTest, RecordsTakeEnumerableOwnProperties) {
  Expect(R"js(
    const r = webidl.converters['record<DOMString, DOMString>'];
    const source = Object.create({ inherited: 1 }, {
      b: { value: 2, enumerable: true }, hidden: { value: 3, enumerable: false },
      a: { value: 1, enumerable: true },
    });
    const value = r(source);
    [Object.getPrototypeOf(value), Object.entries(value)]
  )js",
             "[ null, [ [ 'b', '2' ], [ 'a', '1' ] ] ]");
  Throws("webidl.converters['record<DOMString, DOMString>'](1, 'P', 'Argument 1')",
               "TypeError: P: Argument 1 can not be converted to a record.");
}

TEST_F(WebidlTest, RequiredArguments) {
  Throws("webidl.requiredArguments(1, 2, \"Failed to execute 'append' on 'URLSearchParams'\")",
               "TypeError: Failed to execute 'append' on 'URLSearchParams': 2 arguments "
               "required, but only 1 present.");
  Throws("webidl.requiredArguments(0, 1, \"Failed to construct 'Event'\")",
               "TypeError: Failed to construct 'Event': 1 argument required, but only 0 present.");
  Expect("webidl.requiredArguments(2, 2, 'P')", "undefined");
  Throws("throw webidl.makeException(RangeError, 'is bad.', 'P', 'Argument 1')",
               "RangeError: P: Argument 1 is bad.");
}

TEST_F(WebidlTest, InterfacesBrandsAndConfiguration) {
  Expect(R"js(
    class Thing {
      constructor() { this[webidl.brand] = webidl.brand; }
      get size() { webidl.assertBranded(this, Thing.prototype); return 1; }
      grow(by, options = undefined) { webidl.assertBranded(this, Thing.prototype); }
      static make() {}
    }
    webidl.configureInterface(Thing);
    webidl.defineConstants(Thing, { BIG: 2 });
    const d = (o, k) => Object.getOwnPropertyDescriptor(o, k);
    const t = new Thing();
    const made = webidl.createBranded(Thing);
    const convert = webidl.createInterfaceConverter('Thing', Thing.prototype);
    [Object.prototype.toString.call(t), d(Thing.prototype, 'size').enumerable,
     d(Thing.prototype, 'grow').enumerable, d(Thing.prototype, 'constructor').enumerable,
     d(Thing, 'make').enumerable, Thing.prototype.grow.length, made.size, convert(t) === t,
     d(Thing, 'BIG'), t.BIG]
  )js",
             "[\n  '[object Thing]',\n  true,\n  true,\n  false,\n  true,\n  1,\n  1,\n  true,\n"
             "  { value: 2, writable: false, enumerable: true, configurable: false },\n  2\n]");
  Throws("class T { get x() { webidl.assertBranded(this, T.prototype); } }"
               "Object.create(T.prototype).x",
               "TypeError: Illegal invocation");
  Throws("webidl.createInterfaceConverter('AbortSignal', Object.prototype)({}, 'P', "
               "\"'signal' member of AddEventListenerOptions\")",
               "TypeError: P: 'signal' member of AddEventListenerOptions is not of type "
               "'AbortSignal'.");
  Throws("webidl.illegalConstructor()", "TypeError: Illegal constructor");
}

TEST_F(WebidlTest, PairIterables) {
  Expect(R"js(
    const data = Symbol('data');
    class Pairs {
      constructor(list) { this[webidl.brand] = webidl.brand; this[data] = list; }
    }
    webidl.mixinPairIterable('Pairs', Pairs.prototype, data, 0, 1);
    const p = new Pairs([['a', 1], ['b', 2]]);
    const it = p.keys();
    const first = it.next();
    p[data].push(['c', 3]);
    const seen = [];
    p.forEach(function (value, key, owner) { seen.push(key + value, owner === p, this); }, 'T');
    [first, [...it], [...p.values()], [...p], Object.prototype.toString.call(it),
     Object.getPrototypeOf(Object.getPrototypeOf(it)) ===
         Object.getPrototypeOf(Object.getPrototypeOf([].keys())), seen.join()]
  )js",
             "[\n  { value: 'a', done: false },\n  [ 'b', 'c' ],\n  [ 1, 2, 3 ],\n"
             "  [ [ 'a', 1 ], [ 'b', 2 ], [ 'c', 3 ] ],\n  '[object Pairs Iterator]',\n  true,\n"
             "  'a1,true,T,b2,true,T,c3,true,T'\n]");
  Throws("const d = Symbol(); class P {} webidl.mixinPairIterable('P', P.prototype, d, 0, 1);"
               "P.prototype.entries.call({})",
               "TypeError: Illegal invocation");
  Throws("const d = Symbol(); class P { constructor() { this[webidl.brand] = webidl.brand;"
               " this[d] = []; } } webidl.mixinPairIterable('P', P.prototype, d, 0, 1);"
               "new P().forEach(1)",
               "TypeError: Failed to execute 'forEach' on 'P': Argument 1 is not of type "
               "'Function'.");
}

}  // namespace
}  // namespace kiln::webidl
