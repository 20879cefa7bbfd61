// Console/inspect corpus: every case prints a label line ("## name") and then
// the value(s). The expected output (corpus.stdout, corpus.stderr) was
// produced once by real Node (see regenerate.sh); kiln must reproduce it byte
// for byte.
//
// A classic script: no imports, no Node APIs, nothing that depends on file
// paths, time, the V8 version or the machine. Error stacks are set to fixed
// strings.

var customInspect = Symbol.for('nodejs.util.inspect.custom');
var caseCount = 0;

function label(name) {
  caseCount++;
  console.log('## ' + name);
}

function show(name, ...values) {
  label(name);
  console.log(...values);
}

function fixedStack(error, frames) {
  var header = error.message ? error.name + ': ' + error.message : error.name;
  error.stack = [header].concat(frames || [
    '    at inner (/app/src/inner.js:10:11)',
    '    at outer (/app/src/outer.js:20:3)',
  ]).join('\n');
  return error;
}

// ---------------------------------------------------------------------------
// Primitives
// ---------------------------------------------------------------------------

show('undefined', undefined);
show('null', null);
show('true/false', true, false);
show('integer', 42);
show('negative zero', -0);
show('negative zero in array', [-0, 0, -1]);
show('NaN and infinities', NaN, Infinity, -Infinity);
show('large numbers', 1e21, 2 ** 53, Number.MAX_SAFE_INTEGER, Number.MAX_VALUE);
show('small numbers', 1e-7, 5e-324, 0.1 + 0.2, -1.5e-10);
show('bigint', 0n, 123n, -45n, 2n ** 100n);
show('string top level', 'plain string, printed raw');
show('empty string in array', ['']);
show('symbols', Symbol(), Symbol('desc'), Symbol.for('registered'), Symbol.iterator);
show('symbol with spaces in array', [Symbol('a b'), Symbol("it's")]);
show('no arguments');
console.log();
show('empty string argument', '');
show('mixed primitives', 1, 'two', 3n, null, undefined, true, Symbol('s'));

// ---------------------------------------------------------------------------
// Strings and quoting
// ---------------------------------------------------------------------------

show('quote selection', [
  'single',
  "it's",
  'say "hi"',
  'both \' and "',
  'all \' " `',
  'template ${x} \' "',
]);
show('escapes', ['new\nline', 'tab\tstop', 'nul\0', 'bell\x07', 'esc\x1b[0m',
  'del\x7f', 'c1\x85', 'back\\slash', 'cr\r', 'vt\v', 'ff\f', 'bs\b']);
show('unicode', ['é', '日本語', '😀', 'e\u0301', '\u200b']);
show('lone surrogates', ['\ud800', 'a\udc00b', '\ud83d\ude00']);
show('multiline string in object', {
  text: 'first line\nsecond line\nthird line is a bit longer than the others',
});
show('short multiline string in object', { s: 'a\nb' });
show('long string in array', ['x'.repeat(100)]);
show('long strings in array', ['a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40)]);
show('long multiline string nested', {
  outer: { inner: 'line one of the text\nline two of the text\nline three\n' },
});
show('string keys needing quotes', {
  valid_id: 1,
  'a-b': 2,
  '1': 3,
  '': 4,
  'with space': 5,
  "it's": 6,
  $dollar: 7,
  'ünï': 8,
  'new\nline': 9,
  __proto__x: 10,
});
show('__proto__ own key', JSON.parse('{"__proto__": 1, "a": 2}'));

// ---------------------------------------------------------------------------
// Arrays
// ---------------------------------------------------------------------------

show('empty array', []);
show('small array', [1, 'two', [3, [4, [5, [6]]]]]);
show('holes', [1, , 3], [, , 1, , ,], new Array(5));
show('holes at start', [, 'a']);
show('array with extra props', Object.assign([1, 2], { foo: 'bar', 'x-y': 1 }));
show('empty array with props', Object.assign([], { only: true }));
show('seven numbers', [1, 2, 3, 4, 5, 6, 7]);
show('six numbers', [1, 2, 3, 4, 5, 6]);
show('numbers grouped', Array.from({ length: 30 }, (_, i) => i * 37));
show('long array', Array.from({ length: 120 }, (_, i) => i));
show('101 items', Array.from({ length: 101 }, () => 0));
show('strings grouped', 'abcdefghijklmnopqrstuvwxyz'.split(''));
show('words grouped', ['apple', 'banana', 'cherry', 'date', 'elderberry',
  'fig', 'grape', 'honeydew', 'kiwi', 'lemon', 'mango', 'nectarine']);
show('mixed lengths not grouped', ['a', 'b', 'c', 'd', 'e', 'f',
  'a much longer string that prevents grouping of the entries']);
show('bigint array grouped', Array.from({ length: 12 }, (_, i) => BigInt(i) ** 5n));
show('mixed numbers and strings grouped',
  [1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e', 6, 'f', 7, 'g']);
show('array of objects', [{ a: 1 }, { b: 2 }, { c: { d: { e: 1 } } }]);
show('array of 101 objects', Array.from({ length: 101 }, (_, i) => ({ i })));
show('matrix', { matrix: [[1, 2, 3], [4, 5, 6], [7, 8, 9]] });
show('nested arrays past depth', [[[[['deep']]]]]);
show('array subclass', (() => {
  class Stack extends Array {}
  return Stack.from([1, 2, 3]);
})());
show('sparse long', (() => {
  var a = [];
  a[150] = 'end';
  a[3] = 'three';
  return a;
})());

// ---------------------------------------------------------------------------
// Objects
// ---------------------------------------------------------------------------

show('empty object', {});
show('simple object', { a: 1, b: 'two', c: null, d: undefined });
show('nested past depth 2', { a: { b: { c: { d: { e: 1 } } } } });
show('nested arrays in object past depth', { l1: { l2: { l3: [1, 2] } } });
show('object breaking 80 columns', {
  alpha: 'aaaaaaaaaa', beta: 'bbbbbbbbbb', gamma: 'cccccccccc',
  delta: 'dddddddddd', epsilon: 'eeeeeeeeee',
});
show('object just fitting', { key1: 'value1', key2: 'value2', key3: 'value3', key4: 'v4' });
show('many short keys', Object.fromEntries(
  'abcdefghijklmnopqrstuvwxyz'.split('').map((k, i) => [k, i])));
show('nested objects layout', {
  name: 'config',
  server: { host: 'localhost', port: 8080, tls: { enabled: false } },
  tags: ['a', 'b'],
  handlers: { onStart: null, onStop: null },
});
show('four levels with compact', {
  level1: { level2: { level3: 'x' }, sibling: [1, 2, 3] }, other: true,
});
show('symbol keys', { [Symbol('k')]: 1, regular: 2, [Symbol.for('g')]: 3 });
show('symbol key with quote', { [Symbol("it's")]: 'v' });
show('non-enumerable hidden', Object.defineProperty({ shown: 1 }, 'hidden', {
  value: 2, enumerable: false,
}));
show('getters and setters', {
  get onlyGet() { return 1; },
  set onlySet(v) {},
  get both() { return 2; },
  set both(v) {},
  plain: 3,
});
show('null prototype', Object.assign(Object.create(null), { a: 1, b: [2] }));
show('empty null prototype', Object.create(null));
show('null prototype with tag', Object.defineProperty(Object.create(null),
  Symbol.toStringTag, { value: 'Tagged' }));
show('toStringTag non-enumerable', Object.defineProperty({ x: 1 },
  Symbol.toStringTag, { value: 'Custom' }));
show('toStringTag empty object', Object.defineProperty({},
  Symbol.toStringTag, { value: 'Empty' }));
show('toStringTag enumerable own', { [Symbol.toStringTag]: 'Visible', y: 2 });
show('prototype without constructor', Object.create({ inherited: 1 }));
show('prototype chain to null prototype', Object.create(Object.create(null)));
show('constructor property not a function', { constructor: 'nope' });
show('arguments object', (function () { return arguments; })(1, 'two', [3]));
show('empty arguments', (function () { return arguments; })());
show('object with method', { method() {}, arrow: () => {}, fn: function () {} });
show('generator object', (function* gen() { yield 1; })());

// ---------------------------------------------------------------------------
// Circular references
// ---------------------------------------------------------------------------

(() => {
  var a = { name: 'a' };
  a.self = a;
  show('self reference', a);

  var x = { name: 'x' };
  var y = { name: 'y', x };
  x.y = y;
  var root = { x, y, list: [] };
  root.list.push(root, x);
  show('multiple circular refs', root);

  var arr = [1];
  arr.push(arr);
  show('circular array', arr);

  var m = new Map();
  m.set('self', m);
  show('circular map', m);

  var parent = { children: [] };
  parent.children.push({ parent }, { parent });
  show('circular through array', parent);
})();

// ---------------------------------------------------------------------------
// Classes and instances
// ---------------------------------------------------------------------------

class Point {
  constructor(x, y) {
    this.x = x;
    this.y = y;
  }
  get length() { return Math.hypot(this.x, this.y); }
  toString() { return `(${this.x}, ${this.y})`; }
}
class Point3D extends Point {
  constructor(x, y, z) {
    super(x, y);
    this.z = z;
  }
}
class Empty {}
class Config {
  static version = 1;
  static names = ['a', 'b'];
}
class Tagged {
  get [Symbol.toStringTag]() { return 'TagName'; }
}
class MyMap extends Map {}
class MySet extends Set {}
class MyError extends Error {}
class NamedError extends Error {
  constructor(message) {
    super(message);
    this.name = 'NamedError';
  }
}

show('class instance', new Point(1, 2));
show('subclass instance', new Point3D(1, 2, 3));
show('empty instance', new Empty());
show('instance of anonymous class', new (class {})());
show('instance in array', [new Point(0, 0), new Empty()]);
show('class', Point);
show('derived class', Point3D);
show('anonymous class', class {});
show('class with static members', Config);
show('class instance with toStringTag', new Tagged());
show('map subclass', new MyMap([['k', 'v']]));
show('set subclass', new MySet([1]));
show('constructor renamed prototype', (() => {
  function Legacy() { this.v = 1; }
  Legacy.prototype.method = function () {};
  return new Legacy();
})());

// ---------------------------------------------------------------------------
// Functions
// ---------------------------------------------------------------------------

function namedFunction() {}
var arrowFunction = () => {};
async function asyncFunction() {}
function* generatorFunction() {}
async function* asyncGeneratorFunction() {}
var withProps = function withProps() {};
withProps.a = 1;
withProps.nested = { b: 2 };

show('named function', namedFunction);
show('anonymous function', [function () {}, () => {}]);
show('arrow function', arrowFunction);
show('async function', asyncFunction);
show('generator function', generatorFunction);
show('async generator function', asyncGeneratorFunction);
show('async arrow', [async () => {}]);
show('bound function', namedFunction.bind(null));
show('function with properties', withProps);
show('function null prototype', Object.setPrototypeOf(function nullProto() {}, null));
show('function with toStringTag', Object.defineProperty(function tagged() {},
  Symbol.toStringTag, { value: 'Tag' }));
show('class with properties', Object.assign(class Props {}, { extra: true }));

// ---------------------------------------------------------------------------
// Boxed primitives
// ---------------------------------------------------------------------------

show('boxed number', new Number(3), new Number(-0));
show('boxed string', new String('abc'));
show('boxed boolean', new Boolean(false));
show('boxed symbol', Object(Symbol('boxed')));
show('boxed bigint', Object(9n));
show('boxed with props', Object.assign(new String('ab'), { extra: true }));
show('boxed in object', { n: new Number(1), s: new String('s') });

// ---------------------------------------------------------------------------
// Dates and regular expressions
// ---------------------------------------------------------------------------

show('dates', new Date(0), new Date(1700000000000));
show('invalid date', new Date(NaN));
show('date in object', { when: new Date(86400000) });
show('date with props', Object.assign(new Date(0), { tz: 'UTC' }));
show('date subclass', (() => {
  class Day extends Date {}
  return new Day(0);
})());
show('null prototype date', Object.setPrototypeOf(new Date(0), null));
show('regexps', /ab+c/, /x/gimsuy, /[/]\//, new RegExp('a.b', 'd'));
show('regexp with props', Object.assign(/re/g, { extra: 1 }));
show('regexp in object', { pattern: /^\d+$/ });
show('null prototype regexp', Object.setPrototypeOf(/np/g, null));

// ---------------------------------------------------------------------------
// Errors (stacks are fixed strings)
// ---------------------------------------------------------------------------

(() => {
  var basic = fixedStack(new Error('basic failure'));
  show('error', basic);

  show('type error', fixedStack(new TypeError('bad type')));

  var noFrames = new Error('no frames');
  noFrames.stack = 'Error: no frames';
  show('error without frames', noFrames);

  var emptyStack = new RangeError('empty stack');
  emptyStack.stack = '';
  show('error with empty stack', emptyStack);

  var withProps = fixedStack(new Error('with props'));
  withProps.code = 'E_CODE';
  withProps.details = { retry: false };
  show('error with props', withProps);

  var inner = fixedStack(new Error('inner cause'));
  var outer = fixedStack(new Error('outer', { cause: inner }));
  show('error with cause', outer);

  var primitiveCause = fixedStack(new Error('primitive cause', { cause: 'reason' }));
  show('error with primitive cause', primitiveCause);

  var shared = [
    '    at a (/app/a.js:1:1)',
    '    at b (/app/b.js:2:2)',
    '    at c (/app/c.js:3:3)',
    '    at d (/app/d.js:4:4)',
    '    at e (/app/e.js:5:5)',
  ];
  var causeShared = fixedStack(new Error('cause'),
    ['    at cause (/app/cause.js:9:9)'].concat(shared));
  var topShared = fixedStack(new Error('top', { cause: causeShared }),
    ['    at top (/app/top.js:8:8)'].concat(shared));
  show('error cause with shared frames', topShared);

  show('error in object', { error: fixedStack(new Error('nested')), ok: false });
  show('errors in array', [fixedStack(new Error('one')), noFrames]);
  show('error in map', new Map([['e', fixedStack(new SyntaxError('syntax'))]]));

  var aggregate = fixedStack(new AggregateError([
    fixedStack(new Error('first')),
    fixedStack(new TypeError('second')),
  ], 'many failures'));
  show('aggregate error', aggregate);

  show('error subclass', fixedStack(new MyError('sub')));
  show('error subclass with name', fixedStack(new NamedError('named')));

  var renamed = fixedStack(new Error('renamed'));
  renamed.name = 'CustomName';
  show('error name not in stack', renamed);

  var multiline = new Error('line one\nline two');
  multiline.stack = 'Error: line one\nline two\n    at x (/app/x.js:1:1)';
  show('error multiline message', multiline);

  var nullProto = fixedStack(new Error('null proto'));
  Object.setPrototypeOf(nullProto, null);
  show('error null prototype', nullProto);

  var stackless = new Error('not a string');
  stackless.stack = undefined;
  show('error with undefined stack', stackless);

  var nested = { level1: { level2: { err: fixedStack(new Error('deep')) } } };
  show('error nested deeply', nested);

  var errWithStackProp = fixedStack(new Error('own message prop'));
  show('error message property', [errWithStackProp.message]);
})();

// ---------------------------------------------------------------------------
// Collections
// ---------------------------------------------------------------------------

show('map', new Map([['a', 1], [{ k: 1 }, [1, 2]], [null, undefined]]));
show('empty map', new Map());
show('nested map', new Map([['inner', new Map([['x', new Map([['y', 1]])]])]]));
show('set', new Set([1, 'two', { three: 3 }, [4]]));
show('empty set', new Set());
show('large set', new Set(Array.from({ length: 105 }, (_, i) => i)));
show('map with props', Object.assign(new Map([[1, 2]]), { extra: 'x' }));
show('null prototype map', Object.setPrototypeOf(new Map([['a', 1]]), null));
show('null prototype set', Object.setPrototypeOf(new Set(['a']), null));
(() => {
  var map = new Map([['a', 1], ['b', 2], ['c', 3]]);
  show('map entries iterator', map.entries());
  show('map keys iterator', map.keys());
  show('map values iterator', map.values());
  var partial = map.entries();
  partial.next();
  show('partially consumed map iterator', partial);
  var set = new Set(['x', 'y']);
  show('set values iterator', set.values());
  show('set entries iterator', set.entries());
  var done = set.values();
  done.next();
  done.next();
  show('exhausted set iterator', done);
})();
var weakKey1 = { id: 1 };
var weakKey2 = { id: 2 };
var weakMap = new WeakMap([[weakKey1, 'one'], [weakKey2, 'two']]);
var weakSet = new WeakSet([weakKey1, weakKey2]);
show('weakmap', weakMap);
show('weakset', weakSet);
label('weakmap showHidden');
console.dir(weakMap, { showHidden: true });
label('weakset showHidden');
console.dir(weakSet, { showHidden: true });

// ---------------------------------------------------------------------------
// Binary data
// ---------------------------------------------------------------------------

show('Uint8Array', new Uint8Array([1, 2, 255]));
show('Uint8ClampedArray', new Uint8ClampedArray([0, 128, 255]));
show('Int8Array', new Int8Array([-128, 0, 127]));
show('Uint16Array', new Uint16Array([65535]));
show('Int16Array', new Int16Array([-1, 1]));
show('Uint32Array', new Uint32Array([4294967295]));
show('Int32Array', new Int32Array([-2147483648]));
show('Float32Array', new Float32Array([1.5, 0.1, -0]));
show('Float64Array', new Float64Array([Math.PI, NaN, -Infinity]));
show('BigInt64Array', new BigInt64Array([1n, -1n]));
show('BigUint64Array', new BigUint64Array([2n ** 64n - 1n]));
show('empty typed array', new Uint8Array(0));
show('long typed array', new Uint8Array(130).map((_, i) => i));
show('typed array with props', Object.assign(new Int8Array(2), { tag: 'x' }));
show('typed array subarray', new Uint8Array([1, 2, 3, 4]).subarray(1, 3));
show('null prototype typed array', Object.setPrototypeOf(new Uint16Array([7, 8]), null));
show('ArrayBuffer', new Uint8Array([0, 1, 16, 255]).buffer);
show('empty ArrayBuffer', new ArrayBuffer(0));
show('long ArrayBuffer', new ArrayBuffer(120));
show('DataView', new DataView(new ArrayBuffer(4), 1, 2));
show('SharedArrayBuffer', new SharedArrayBuffer(3));
label('typed array showHidden');
console.dir(new Uint8Array([5, 6]), { showHidden: true });

// ---------------------------------------------------------------------------
// Promises and proxies
// ---------------------------------------------------------------------------

(() => {
  var rejected = Promise.reject(fixedStack(new Error('rejected')));
  rejected.catch(() => {});
  show('promises', Promise.resolve(42), new Promise(() => {}));
  show('rejected promise', rejected);
  show('promise of object', Promise.resolve({ nested: { value: [1, 2] } }));
  show('promise in object', { p: Promise.resolve('done') });
  var rejectedPrimitive = Promise.reject('reason');
  rejectedPrimitive.catch(() => {});
  show('rejected with primitive', rejectedPrimitive);
})();

(() => {
  var handler = {
    get() { return 'trapped'; },
    ownKeys() { return ['trapped']; },
  };
  var proxy = new Proxy({ a: 1, b: { c: 2 } }, handler);
  show('proxy object', proxy);
  show('proxy array', new Proxy([1, 2, 3], {}));
  show('proxy function', new Proxy(function proxied() {}, {}));
  show('proxy in object', { p: proxy });
  var revocable = Proxy.revocable({}, {});
  revocable.revoke();
  show('revoked proxy', revocable.proxy);
  label('proxy showProxy');
  console.dir(proxy, { showProxy: true });
  label('nested proxy showProxy');
  console.dir(new Proxy(new Proxy({}, {}), {}), { showProxy: true });
})();

// ---------------------------------------------------------------------------
// Custom inspection
// ---------------------------------------------------------------------------

(() => {
  var customString = { [customInspect]() { return 'CUSTOM!'; } };
  var customObject = {
    [customInspect](depth, options, inspect) {
      return { replaced: true, depth, typeofInspect: typeof inspect,
               breakLength: options.breakLength };
    },
  };
  var customMultiline = { [customInspect]() { return 'first\nsecond'; } };
  var customSelf = {
    data: 1,
    [customInspect]() { return this; },
  };
  class Money {
    constructor(amount) { this.amount = amount; }
    [customInspect](depth, options, inspect) {
      return `Money<${inspect(this.amount, options)}>`;
    }
  }
  show('custom inspect string', customString);
  show('custom inspect object', customObject);
  show('custom inspect nested', { a: { b: customObject } });
  show('custom inspect multiline nested', { key: customMultiline });
  show('custom inspect returning this', customSelf);
  show('custom inspect class', [new Money(5), new Money(10n)]);
  label('console.dir ignores custom inspect');
  console.dir(customString);
  show('custom inspect on prototype object', Money.prototype);
})();

// ---------------------------------------------------------------------------
// format()
// ---------------------------------------------------------------------------

show('%s string', '%s', 'str');
label('%s variants');
console.log('%s|%s|%s|%s|%s|%s', 42, -0, 10n, Symbol('s'), null, undefined);
console.log('%s', { a: { b: 1 } }, 'after');
console.log('%s', [1, [2, [3]]]);
console.log('%s', { toString() { return 'custom toString'; } });
console.log('%s', new Point(3, 4));
console.log('%s', fixedStack(new Error('as string')));
console.log('%s', new Date(0));
console.log('%s', Object.create(null));
label('%d variants');
console.log('%d|%d|%d|%d|%d|%d|%d', '42', '0x10', 1.5, {}, 10n, Symbol('x'), -0);
label('%i variants');
console.log('%i|%i|%i|%i', '42.9px', 10n, 'abc', -7.9);
label('%f variants');
console.log('%f|%f|%f', '3.14abc', Symbol('f'), '1e3');
label('%j variants');
console.log('%j|%j|%j', { a: [1, 'x'] }, 'str', undefined);
(() => {
  var c = { name: 'c' };
  c.self = c;
  console.log('%j', c);
})();
label('%o and %O');
console.log('%o', [1, { a: 2 }]);
console.log('%o', { nested: { deeper: { deepest: { bottom: { x: 1 } } } } });
console.log('%O', { nested: { deeper: { deepest: { bottom: { x: 1 } } } } });
label('%c and %%');
console.log('%cstyled%c text', 'color: red', 'font-weight: bold');
console.log('100%% sure', 'extra');
console.log('100%% no args');
console.log('%s%%%s', 'a', 'b');
label('unknown placeholders and missing args');
console.log('%x %s', 'a');
console.log('%s and %s', 'only one');
console.log('trailing %', 1);
console.log('%', 'lonely');
label('extra arguments');
console.log('%s:', 'label', { a: 1 }, [2], 'str', 3);
label('non-string first argument');
console.log(1, '%s', 2);
console.log({ a: 1 }, '%d', 5);

// ---------------------------------------------------------------------------
// console.dir options
// ---------------------------------------------------------------------------

var deep = { l1: { l2: { l3: { l4: { l5: 'bottom' } } } }, list: [[1, [2, [3, [4]]]]] };
label('dir default');
console.dir(deep);
label('dir depth 0');
console.dir(deep, { depth: 0 });
label('dir depth null');
console.dir(deep, { depth: null });
label('dir showHidden');
console.dir({ arr: [1, 2], hidden: Object.defineProperty({}, 'h', { value: 1 }) },
  { showHidden: true });
label('dir showHidden boxed string');
console.dir(new String('ab'), { showHidden: true });
label('dir compact false');
console.dir({ a: 1, b: { c: [1, 2] } }, { compact: false });
label('dir compact true');
console.dir({ a: 1, b: { c: [1, 2] }, long: 'x'.repeat(70) }, { compact: true });
label('dir compact 1');
console.dir({ a: { b: { c: {} } } }, { compact: 1 });
label('dir breakLength 40');
console.dir({ alpha: 1, beta: 2, gamma: 3, delta: 4, epsilon: 5, zeta: 6 },
  { breakLength: 40 });
label('dir breakLength Infinity');
console.dir({ alpha: 'a'.repeat(30), beta: 'b'.repeat(30), gamma: 'c'.repeat(30) },
  { breakLength: Infinity });
label('dir sorted');
console.dir({ c: 3, a: 1, b: 2, [Symbol('s')]: 0 }, { sorted: true });
label('dir sorted map');
console.dir(new Map([['z', 1], ['a', 2]]), { sorted: true });
label('dir getters true');
console.dir({
  get num() { return 42; },
  get obj() { return { inner: true }; },
  get nil() { return null; },
  get throws() { throw new Error('getter failed'); },
  get rw() { return 'rw'; },
  set rw(v) {},
}, { getters: true });
label('dir getters get');
console.dir({ get a() { return 1; }, get b() { return 2; }, set b(v) {} },
  { getters: 'get' });
label('dir getters set');
console.dir({ get a() { return 1; }, get b() { return 2; }, set b(v) {} },
  { getters: 'set' });
label('dir maxArrayLength 2');
console.dir({ arr: [1, 2, 3, 4], set: new Set([1, 2, 3]), map: new Map([[1, 1], [2, 2], [3, 3]]),
  typed: new Uint8Array(5) }, { maxArrayLength: 2 });
label('dir maxArrayLength 0');
console.dir([1, 2, 3], { maxArrayLength: 0 });
label('dir maxStringLength');
console.dir(['abcdefghij', 'xy'], { maxStringLength: 4 });
label('dir numericSeparator');
console.dir([1234567.891, -9876543, 1234n, 0.0001234, 12345.6789], { numericSeparator: true });
label('dir colors false explicit');
console.dir({ a: 'b' }, { colors: false });
label('dir string');
console.dir('a string');

// ---------------------------------------------------------------------------
// console methods
// ---------------------------------------------------------------------------

label('info/debug/dirxml');
console.info('info message', { a: 1 });
console.debug('debug message');
console.dirxml('dirxml', [1]);
label('error and warn (stderr)');
console.error('error message', { code: 1 });
console.warn('warn message %d', 7);
console.error(fixedStack(new Error('to stderr')));

label('groups');
console.group('Group A');
console.log('inside A');
console.log({ multi: 'line object that is long enough to break onto more lines', x: [1, 2, 3] });
console.group();
console.log('inside anonymous nested group');
console.warn('warn inside group');
console.error('error\nwith newline');
console.groupEnd();
console.groupCollapsed('Collapsed %s', 'label');
console.log(Array.from({ length: 30 }, (_, i) => i));
console.groupEnd();
console.group({ objectLabel: true });
console.table([{ a: 1 }]);
console.groupEnd();
console.groupEnd();
console.groupEnd();
console.log('after groups');

label('assert');
console.assert(true, 'never printed');
console.assert(false);
console.assert(0, 'zero %d', 5);
console.assert(null, 'a', 'b');
console.assert('', { a: 1 });
console.assert(false, 'with object', { b: 2 });

label('count');
console.count();
console.count();
console.count('x');
console.count('x');
console.countReset('x');
console.count('x');
console.countReset();
console.count();
console.count(42);
console.count({ toString() { return 'obj'; } });

label('table');
console.table([{ a: 1, b: 'two' }, { a: 3, c: { nested: true } }]);
console.table([1, 'two', { three: 3 }]);
console.table({ row1: { col: 1 }, row2: { col: 2, other: [1, 2, 3, 4] } });
console.table([{ a: 1, b: 2 }, { a: 3, b: 4 }], ['a']);
console.table(new Map([['key', { v: 1 }], ['k2', 'value']]));
console.table(new Set(['s1', 's2']));
console.table(new Map([['a', 1], ['b', 2]]).entries());
console.table(new Set([1]).values());
console.table([]);
console.table('not tabular');
console.table(null);
console.table([[1, 2], [3, 4, 5]]);
console.table({ x: { a: { deep: { deeper: 1 } }, b: { p: 1, q: 2, r: 3 } } });
console.table([{ name: 'long name here', value: 1 }, { name: 's', value: 12345 }]);

// ---------------------------------------------------------------------------
// Raw output bytes, prototypes, showHidden on functions
// ---------------------------------------------------------------------------

// Printed as is: a lone surrogate becomes U+FFFD (EF BF BD) in UTF-8, NUL is
// written as a 0 byte.
show('raw lone surrogate and NUL', 'lone:\ud800|nul:\0|end');
show('raw non-ASCII', 'héllo wörld ✓ 日本 😀');
label('%s with lone surrogate');
console.log('%s', '\udc00');
show('objects with builtin prototypes', [Object.create(Array.prototype),
  Object.create(Map.prototype), Object.create(Error.prototype), Object.create(Date.prototype)]);
(() => {
  class Base {
    constructor() { this.own = 1; }
    method() {}
  }
  Base.prototype.protoData = 'data';
  class Derived extends Base {}
  Derived.prototype.derivedData = [1];
  label('prototype properties with showHidden');
  console.dir(new Derived(), { showHidden: true });
  label('class with showHidden');
  console.dir(class Shown { static s = 1; m() {} }, { showHidden: true });
})();
label('%o with a function');
console.log('%o', function oFunction() {});
show('function named by a number', Object.defineProperty(function f() {}, 'name', { value: 42 }));
show('set of long strings', new Set(['x'.repeat(50), 'y'.repeat(50)]));
show('map with long entries', new Map([['k'.repeat(40), 'v'.repeat(40)]]));
show('array of pairs', Array.from({ length: 10 }, (_, i) => [i, i * 2]));
show('multiplication table', Array.from({ length: 8 }, (_, i) =>
  Array.from({ length: 8 }, (_, j) => i * j)));
show('strings with newlines in array', Array.from({ length: 8 }, (_, i) => `a\nb${i}`));

// ---------------------------------------------------------------------------
// Wide characters (string width decides grouping and table columns)
// ---------------------------------------------------------------------------

show('grouped wide strings', Array.from({ length: 7 }, (_, i) => '日'.repeat(i)));
show('grouped emoji strings', Array.from({ length: 10 }, (_, i) => '😀'.repeat(i % 3)));
show('grouped accented strings', Array.from({ length: 7 }, (_, i) => 'é'.repeat(i)));
label('table with wide characters');
console.table([{ 名前: '日本語', emoji: '😀👍', combining: 'e\u0301' }, { 名前: 'abc', x: 1 }]);
label('table of typed array and nested values');
console.table(new Uint8Array([1, 2, 3]));
console.table([{ a: [1, 2, 3, 4, 5] }, { a: { x: 1, y: 2, z: 3 } }]);
console.table([{ a: 1 }, 'prim', null], ['a', 'b']);
label('unbound console methods');
(() => {
  var log = console.log;
  var group = console.group;
  var groupEnd = console.groupEnd;
  group('unbound group');
  log('unbound log', 1);
  groupEnd();
})();

label('end');
console.log('cases:', caseCount);
