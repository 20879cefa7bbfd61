'use strict';
// Differential check of js/inspect.js against the machine's Node: formats a
// large set of values with many option combinations through both kiln's
// inspect/format and Node's util.inspect/util.format, in the same process,
// and reports every difference.
//
//   node --expose-internals tests/console/node_differential.js [-v]
//
// A development tool (it needs Node's util module); the byte-for-byte
// contract for kiln itself is corpus.js + compare.sh.

const util = require('util');
const { bootstrap } = require('./node_harness.js');

const nodeConsole = globalThis.console;
const internals = bootstrap();
globalThis.console = nodeConsole;

const verbose = process.argv.includes('-v');
const custom = Symbol.for('nodejs.util.inspect.custom');

function fixedStack(error, frames) {
  const header = error.message ? `${error.name}: ${error.message}` : error.name;
  error.stack = [header].concat(frames || [
    '    at inner (/app/src/inner.js:10:11)',
    '    at outer (/app/node_modules/pkg/outer.js:20:3)',
    '    at node:internal/main:1:1',
  ]).join('\n');
  return error;
}

function values() {
  const v = [];
  const add = (name, value) => v.push([name, value]);

  add('primitives', [undefined, null, true, 0, -0, 1.5, NaN, -Infinity, 12345678901234567890n,
    'str', Symbol('s'), Symbol(), 1e21, 123456.789, -0.000001234]);
  add('strings', ["it's", 'a"b\'c', 'a"b\'c`d', 'x${y}\'"', '\n\t\x00\x7f\x9f\u2028',
    '\ud800x', 'é😀日本', 'a'.repeat(200), 'line\n'.repeat(20)]);
  add('long single string', 'word '.repeat(40));
  add('long multiline string', 'first line of text\nsecond line of text\n'.repeat(4));
  add('string exactly 16', 'abcdefghijklmnop');
  add('string 17 with newline', 'abcdefgh\nijklmnopq');
  add('nested strings', { a: { b: { c: 'x'.repeat(60) + '\n' + 'y'.repeat(10) } } });
  add('keys', { 'a b': 1, 0: 2, '-1': 3, '01': 4, é: 5, [Symbol('a\nb')]: 6, "'q'": 7 });
  add('deep', { a: { b: { c: { d: { e: { f: { g: {} } } } } } } });
  add('deep arrays', [[[[[[[1]]]]]], [[[]]]]);
  add('mixed deep', { arr: [{ m: new Map([[{ k: [1] }, new Set([[1, 2]])]]) }] });
  add('wide', Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`key${i}`, i])));
  add('wide nested', { a: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, 'v'.repeat(i)])) });
  add('arrays sizes', Array.from({ length: 12 }, (_, n) => Array.from({ length: n }, (_, i) => i * 1000)));
  add('array lengths near groups', [
    Array.from({ length: 6 }, (_, i) => 'x'.repeat(i)),
    Array.from({ length: 7 }, (_, i) => 'x'.repeat(i)),
    Array.from({ length: 26 }, (_, i) => 'x'.repeat(i % 7)),
    Array.from({ length: 40 }, (_, i) => (i % 2 ? i : `s${i}`)),
    Array.from({ length: 200 }, (_, i) => i ** 3),
    Array.from({ length: 50 }, (_, i) => ({ i })),
    Array.from({ length: 20 }, () => [1, 2]),
    Array.from({ length: 9 }, (_, i) => BigInt(i) * 10n ** BigInt(i)),
    Array.from({ length: 16 }, (_, i) => (i % 3 === 0 ? -i : i / 7)),
  ]);
  add('sparse', [, 1, , , 2, ...new Array(3), 'x']);
  add('sparse long', Object.assign(new Array(300), { 5: 1, 250: 2 }));
  add('array props', Object.assign([1, 2, 3], { a: 1, [Symbol('s')]: 2 }));
  add('array -0', [-0, 0, -0.0]);
  add('typed', [new Float32Array([0.1, -0]), new BigInt64Array([-(2n ** 63n)]),
    new Uint8Array(300), new Float64Array(20).map((_, i) => i / 3)]);
  add('buffers', [new ArrayBuffer(3), new SharedArrayBuffer(2), new DataView(new ArrayBuffer(2))]);
  add('collections', [new Map([[1, { a: [1, { b: 2 }] }]]), new Set([new Set([new Set([1])])]),
    new Map([[new Map([[1, 2]]), new Map()]]), new Map(Array.from({ length: 120 }, (_, i) => [i, i]))]);
  add('iterators', [new Map([[1, 2], [3, 4]]).entries(), new Map([[1, 2]]).keys(),
    new Set([1, 2]).entries(), [1, 2][Symbol.iterator](), 'ab'[Symbol.iterator](),
    new Map(Array.from({ length: 120 }, (_, i) => [i, i])).values()]);
  add('weak', [new WeakMap(), new WeakSet()]);
  add('functions', [function a() {}, () => {}, async () => {}, function* g() {}, async function* ag() {},
    class A {}, class B extends Array {}, class extends Object {}, Math.max, Function.prototype,
    Object.assign(function p() {}, { x: 1 }), Object.setPrototypeOf(() => {}, null)]);
  add('class tricky', [class /* c */ C /* { */ extends (Object) {}, class D { constructor() {} }]);
  add('errors', [fixedStack(new Error('e')), fixedStack(new RangeError('r'), []),
    Object.assign(fixedStack(new Error('props')), { code: 1, message2: 'x' }),
    fixedStack(new Error('c', { cause: fixedStack(new Error('inner')) })),
    fixedStack(new AggregateError([fixedStack(new Error('x'))], 'agg')),
    fixedStack(new Error('')), fixedStack(new TypeError())]);
  {
    const e = fixedStack(new Error('msg'));
    e.name = 'TypeError';
    const f = fixedStack(new Error('msg'));
    f.name = 'Foo';
    const g = new Error('no stack');
    delete g.stack;
    g.stack = null;
    const h = fixedStack(new Error('x'));
    Object.defineProperty(h, 'name', { value: 'Shown', enumerable: true });
    const i = new Error('message in stack');
    i.stack = 'Something else entirely';
    const j = fixedStack(new Error('x'));
    j.stack = 'Error: x\n    at a\n    at b';
    j.message = '';
    class Sub extends TypeError {}
    const k = fixedStack(new Sub('sub'));
    k.name = 'TypeError';
    add('errors tricky', [e, f, g, h, i, j, k]);
  }
  add('error cause kinds', [
    new Error('undefined cause', { cause: undefined }),
    new Error('object cause', { cause: { a: 1 } }),
    Object.create(new Error('proto')),
  ].map((x) => (x instanceof Error ? fixedStack(x) : x)));
  add('boxed', [new Number(-0), new String('a\nb'), Object(Symbol('x')), Object(1n), new Boolean(true),
    Object.assign(new Number(1), { a: 1 }), Object.setPrototypeOf(new String('np'), null)]);
  add('dates', [new Date(0), new Date(NaN), Object.setPrototypeOf(new Date(0), null),
    Object.assign(new Date(1e12), { a: { b: 1 } })]);
  add('regexps', [/a/g, Object.setPrototypeOf(/b/, null), Object.assign(/c/, { x: [1] })]);
  add('promises', [Promise.resolve(Promise.resolve(1)), new Promise(() => {}),
    Object.assign(Promise.resolve(2), { extra: 1 })]);
  add('null protos', [Object.create(null), Object.setPrototypeOf([1], null),
    Object.setPrototypeOf(new Map([[1, 2]]), null), Object.setPrototypeOf(new Set([1]), null),
    Object.setPrototypeOf(new Uint8Array(2), null), Object.setPrototypeOf(new Promise(() => {}), null),
    Object.setPrototypeOf(new ArrayBuffer(1), null)]);
  {
    class Base { constructor() { this.own = 1; } }
    Base.prototype.protoData = 'data';
    Object.defineProperty(Base.prototype, 'acc', { get() { return 1; }, enumerable: true });
    class Derived extends Base {}
    Derived.prototype.derivedData = [1];
    function Legacy() {}
    Legacy.prototype = { legacyProp: 1 };
    add('prototype props', [new Base(), new Derived(), new Legacy(), Object.create(new Derived())]);
  }
  {
    const protoNoCtor = Object.create(Object.create(Array.prototype));
    const weird = Object.create(Object.create(null, { constructor: { value: 1 } }));
    const fakeCtor = { constructor: function Fake() {} };
    const tampered = {};
    Object.defineProperty(tampered, 'constructor', { value: Map });
    add('constructor oddities', [protoNoCtor, weird, fakeCtor, tampered]);
  }
  {
    const a = { name: 'a' };
    const b = { a, arr: [a] };
    a.b = b;
    a.m = new Map([[a, b]]);
    const s = new Set();
    s.add(s);
    const e = fixedStack(new Error('circ'));
    e.self = e;
    add('circular', [a, b, s, e]);
  }
  add('proxies', [new Proxy({ a: 1 }, {}), new Proxy([1, 2], { get() { throw new Error('trap'); } }),
    new Proxy(function f() {}, {}), new Proxy(new Map([[1, 2]]), {})]);
  add('customs', [
    { [custom]: () => 'str' },
    { [custom]: (depth) => ({ depth }) },
    { [custom]: (depth, opts, insp) => insp({ nested: { x: 1 } }, opts) },
    { a: { b: { [custom]: (depth, opts) => `d=${depth} ${opts.showHidden}` } } },
    Object.setPrototypeOf({ [custom]: () => 'np' }, null),
    { [custom]: () => 'a\nb\nc' },
    { [custom]: () => 42 },
  ]);
  add('getters', {
    get a() { return 1; },
    get b() { return { x: 1 }; },
    set c(v) {},
    get d() { throw new Error('boom'); },
    get e() { return null; },
    get f() { return 'x'.repeat(100); },
  });
  add('arguments', (function () { return arguments; })(1, [2]));
  add('tags', [Object.defineProperty({}, Symbol.toStringTag, { value: 'T' }),
    Object.defineProperty(new Map(), Symbol.toStringTag, { value: 'M' }),
    Object.defineProperty([], Symbol.toStringTag, { value: 'A' }),
    Object.defineProperty(() => {}, Symbol.toStringTag, { value: 'F' }),
    Object.defineProperty(class Q {}, Symbol.toStringTag, { value: 'Q' }),
    Object.defineProperty(fixedStack(new Error('x')), Symbol.toStringTag, { value: 'E' }),
    Object.defineProperty({}, Symbol.toStringTag, { value: '' }),
    Object.defineProperty({}, Symbol.toStringTag, { value: 1 })]);
  add('global-ish', [Math, JSON, Reflect, Atomics, Intl, globalThis.WebAssembly]);
  add('object with many types', {
    u: undefined, n: null, s: 'x', sym: Symbol('v'), big: 1n, fn() {}, arr: [1], map: new Map(),
    date: new Date(5), re: /x/, err: fixedStack(new Error('in obj')), nested: { deeper: { deepest: {} } },
  });
  add('array-like prototypes', [Object.create(Array.prototype), Object.create(Map.prototype),
    Object.create(Set.prototype), Object.create(Uint8Array.prototype), Object.create(Error.prototype),
    Object.create(Date.prototype), Object.create(Promise.prototype), Object.create(Function.prototype)]);
  add('function names', [Object.defineProperty(function f() {}, 'name', { value: 42 }),
    Object.defineProperty(function f() {}, 'name', { value: '' }),
    Object.defineProperty(class K {}, 'name', { value: 'Renamed' }),
    class { static name = 'StaticName'; }]);
  add('error odd fields', (() => {
    const a = fixedStack(new Error('num'));
    a.message = 42;
    const b = fixedStack(new Error('sym'));
    b.name = undefined;
    const c = fixedStack(new Error('x'));
    c.stack = 'x\n    at y';
    const d = fixedStack(new Error('in brackets'));
    d.stack = '[weird] stack\n    at z';
    const e = fixedStack(new Error('stack is not string'));
    e.stack = { toString() { return 'Obj stack\n    at q'; } };
    return [a, b, c, d, e];
  })());
  add('sets and maps layout', [new Set(['x'.repeat(50), 'y'.repeat(50)]),
    new Map([['k'.repeat(40), 'v'.repeat(40)]]), new Set(Array.from({ length: 30 }, (_, i) => i)),
    new Map([[{ a: { b: { c: 1 } } }, [[[1]]]]])]);
  add('arrays of arrays', [Array.from({ length: 10 }, (_, i) => [i, i * 2]),
    Array.from({ length: 8 }, (_, i) => Array.from({ length: 8 }, (_, j) => i * j))]);
  add('strings with newlines in arrays', Array.from({ length: 8 }, (_, i) => `a\nb${i}`));
  add('string object with index props', Object.assign(new String('ab'), { 5: 'x', name: 'n' }));
  add('holes and limits', [Object.assign(new Array(10), { 2: 1, 7: 2 }), [, , , 1, 2, 3, , , 4]]);
  {
    class WithAccessors {
      constructor() { this.own = 1; }
      get computed() { return this.own + 1; }
      set computed(v) {}
    }
    WithAccessors.prototype.data = { x: 1 };
    add('accessors on prototype', new WithAccessors());
  }
  add('proxy custom', [new Proxy({ [custom]() { return 'via proxy'; } }, {}),
    new Proxy({ [custom](d, o) { return Object.getPrototypeOf(o) === null; } }, {})]);
  add('numbers sep', [-1e-7, 1e21, 123.456e5, -0, 1000, 999, -1000.5, 0.1234567, 1n, -1234567n]);
  add('deep custom', { [custom]: () => ({ [custom]: () => ({ inner: { deep: { deeper: 1 } } }) }) });
  add('symbols odd', [Symbol('\n'), Symbol("'"), { [Symbol('a\'b')]: 1, [Symbol('')]: 2 }]);
  add('keys odd', Object.defineProperty({ 'a\nb': 1, "'": 2 }, 'non enum\n', { value: 3 }));
  add('big object', Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, [i]])));
  add('date edge', [new Date(-1), new Date(8.64e15), Object.defineProperty(new Date(0), Symbol.toStringTag, { value: 'D' })]);
  add('bound and natives', [Function.prototype.bind.call(function x() {}, null), Math.max, Array.prototype.push,
    Symbol, Proxy, Object.getOwnPropertyDescriptor(Object.prototype, '__proto__').get]);
  return v;
}

const optionSets = [
  undefined,
  {},
  { depth: 0 }, { depth: 1 }, { depth: null }, { depth: Infinity }, { depth: -1 },
  { showHidden: true },
  { showHidden: true, depth: 4 },
  { compact: false }, { compact: true }, { compact: 0 }, { compact: 1 }, { compact: 5 },
  { breakLength: 20 }, { breakLength: 40 }, { breakLength: Infinity }, { breakLength: 120 },
  { compact: true, breakLength: 30 },
  { sorted: true }, { sorted: (a, b) => (a < b ? 1 : a > b ? -1 : 0) },
  { maxArrayLength: 0 }, { maxArrayLength: 1 }, { maxArrayLength: null },
  { maxStringLength: 3 }, { maxStringLength: 0 }, { maxStringLength: null },
  { getters: true }, { getters: 'get' }, { getters: 'set' },
  { numericSeparator: true },
  { showProxy: true },
  { customInspect: false },
  { colors: true },
  { colors: true, showHidden: true, compact: true },
  { userOption: 1 },
];

let failures = 0;
let checks = 0;

function show(s) {
  return JSON.stringify(s);
}

function compare(description, expectedFn, actualFn) {
  checks++;
  let expected;
  let actual;
  try {
    expected = expectedFn();
  } catch (err) {
    expected = `<threw ${err && err.name}: ${err && err.message}>`;
  }
  try {
    actual = actualFn();
  } catch (err) {
    actual = `<threw ${err && err.name}: ${err && err.message}>`;
    if (verbose) process.stdout.write(`${err.stack}\n`);
  }
  if (expected !== actual) {
    failures++;
    process.stdout.write(`DIFF ${description}\n  node: ${show(expected)}\n  kiln: ${show(actual)}\n`);
  }
}

for (const [name, value] of values()) {
  for (const options of optionSets) {
    const label = `${name} ${options === undefined ? '(no options)' : util.inspect(options)}`;
    if (options === undefined) {
      compare(label, () => util.inspect(value), () => internals.inspect(value));
    } else {
      compare(label, () => util.inspect(value, { ...options }),
              () => internals.inspect(value, { ...options }));
    }
  }
  compare(`${name} legacy args`, () => util.inspect(value, true, 1, false),
          () => internals.inspect(value, true, 1, false));
}

const formatCases = [
  ['%s', 'a'], ['%s %s', 1], ['%d%%', 5], ['%%s', 'x'], ['%s', { toString: () => 'ts' }],
  ['%s', Object.create({ toString() { return 'inherited'; } })],
  ['%s', { [Symbol.toPrimitive]: () => 'prim' }],
  ['%s', new (class X { toString() { return 'X!'; } })()],
  ['%s', new (class Y {})()],
  ['%s', new Proxy({}, {})], ['%s', [1, [2, [3]]]], ['%s', new Map([[1, { a: 1 }]])],
  ['%s', fixedStack(new Error('e'))], ['%s', () => 1], ['%s', 1n], ['%s', -0], ['%s', Symbol('q')],
  ['%d', '0b101'], ['%d', ''], ['%d', []], ['%d', [5]], ['%d', new Number(3)], ['%d', null],
  ['%i', 1e21], ['%i', '-0'], ['%i', -0], ['%f', '-0'], ['%f', {}], ['%f', 1n],
  ['%j', { a: 1n }], ['%j', { toJSON() { return 'j'; } }], ['%j', Symbol('x')],
  ['%o', { a: { b: { c: { d: { e: { f: 1 } } } } } }], ['%o', function named() {}],
  ['%o', new Proxy({ a: 1 }, {})], ['%O', new Proxy({ a: 1 }, {})],
  ['%c%s', 'css', 'x'], ['a %', 1], ['%', 1], ['%%', 1], ['%%%s', 1], ['%s%', 1],
  ['%x%y%z', 1, 2], [1, 2, 3], [{}, '%s', 1], [Symbol('first'), 'x'], ['no placeholders', 1, 'a', {}],
  ['%s', 'a', 'b', { c: 1 }, ['d']], ['%d %i %f', '1.5', '2.5', '3.5'], [], [undefined], ['%s'],
  ['%s:%s', 'a'], ['%O', 'str'], ['%o', 'str'], ['%j', 'str'], ['%s', null, undefined],
];
for (const args of formatCases) {
  compare(`format ${util.inspect(args)}`, () => util.format(...args),
          () => internals.format(...args));
  compare(`formatWithOptions ${util.inspect(args)}`,
          () => util.formatWithOptions({ numericSeparator: true, depth: 0 }, ...args),
          () => internals.formatWithOptions({ numericSeparator: true, depth: 0 }, ...args));
}
compare('formatWithOptions invalid', () => util.formatWithOptions(1, 'x'),
        () => internals.formatWithOptions(1, 'x'));
compare('defaultOptions', () => JSON.stringify(util.inspect.defaultOptions),
        () => JSON.stringify(internals.inspect.defaultOptions));

for (const str of ['abc', '日本語', '😀👍', 'e\u0301', '\u200b', 'a\tb', '\x1b[31mred\x1b[39m',
  'ＡＢ', '한국어', '\u00ad', 'Ω≈ç√', '\u{1F1FA}\u{1F1F8}', '👨‍👩‍👧']) {
  compare(`getStringWidth ${show(str)}`,
          () => String(require('internal/util/inspect').getStringWidth(str)),
          () => String(internals.getStringWidth(str)));
}

process.stdout.write(`differential: ${checks - failures} passed, ${failures} failed\n`);
process.exitCode = failures === 0 ? 0 : 1;
