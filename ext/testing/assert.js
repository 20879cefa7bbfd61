// kiln:assert (ext:testing/assert.js): node:assert's functions and AssertionError.
// Failures carry actual/expected/operator and code 'ERR_ASSERTION'; messages of the
// comparisons show a line diff of the two values as util.inspect prints them (diff.js).
// The default export is assert.ok with every function attached, as in node:assert.
import { inspect } from 'ext:core/inspect.js';
import { formatDiff } from 'ext:testing/diff.js';

const ObjectIs = Object.is;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectKeys = Object.keys;
const ObjectGetOwnPropertySymbols = Object.getOwnPropertySymbols;
const ObjectPrototypeToString = Object.prototype.toString;
const ObjectPrototypePropertyIsEnumerable = Object.prototype.propertyIsEnumerable;
const ArrayIsArray = Array.isArray;
const NativeMap = Map;
const NativeSet = Set;
const NativePromise = Promise;

// How values are printed for messages and diffs: one property per line, keys sorted, no
// depth limit, custom inspect functions ignored (they would hide the difference).
const DIFF_OPTIONS = {
  compact: false, depth: 1000, maxArrayLength: Infinity, maxStringLength: Infinity,
  sorted: true, customInspect: false, breakLength: Infinity, getters: true,
};
function show(value) { return inspect(value, DIFF_OPTIONS); }
function showShort(value) { return inspect(value, { depth: 2, breakLength: Infinity, compact: 3 }); }

export class AssertionError extends Error {
  constructor(options) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError('The "options" argument must be of type object.');
    }
    const { message, actual, expected, operator, stackStartFn } = options;
    super(message !== undefined ? String(message) : defaultMessage(actual, expected, operator));
    this.generatedMessage = message === undefined;
    this.code = 'ERR_ASSERTION';
    this.actual = actual;
    this.expected = expected;
    this.operator = operator;
    if (typeof Error.captureStackTrace === 'function') {
      Error.captureStackTrace(this, stackStartFn || AssertionError);
    }
  }
  get name() { return 'AssertionError'; }
  toString() { return `AssertionError [ERR_ASSERTION]: ${this.message}`; }
}
Object.defineProperty(AssertionError.prototype, 'name', {
  value: 'AssertionError', writable: true, enumerable: false, configurable: true,
});

const HEADERS = {
  deepStrictEqual: 'Expected values to be strictly deep-equal:',
  strictEqual: 'Expected values to be strictly equal:',
  deepEqual: 'Expected values to be loosely deep-equal:',
  equal: 'Expected values to be loosely equal:',
};

function defaultMessage(actual, expected, operator) {
  const header = HEADERS[operator];
  if (header !== undefined) {
    const a = show(actual);
    const e = show(expected);
    if (!a.includes('\n') && !e.includes('\n') && a.length + e.length < 120) {
      if (a === e) return `${header}\n\n${a} !== ${e} (same text: different identity or type)\n`;
      const sign = operator === 'equal' || operator === 'deepEqual' ? '==' : '===';
      return `${header}\n\n${a} !${sign.slice(1)} ${e}\n`;
    }
    if (a === e) {
      return `${header} (they print the same but are not the same values)\n\n${a}\n`;
    }
    return `${header}\n${formatDiff(a, e)}\n`;
  }
  switch (operator) {
    case 'notDeepStrictEqual':
      return `Expected "actual" not to be strictly deep-equal to:\n\n${show(expected)}\n`;
    case 'notStrictEqual':
      return `Expected "actual" to be strictly unequal to: ${show(expected)}`;
    case 'notDeepEqual':
      return `Expected "actual" not to be loosely deep-equal to:\n\n${show(expected)}\n`;
    case 'notEqual':
      return `${showShort(actual)} != ${showShort(expected)}`;
    case '==':
      return `The expression evaluated to a falsy value:\n\n  assert.ok(${showShort(actual)})\n`;
    case 'fail':
      return 'Failed';
    default:
      return `${showShort(actual)} ${operator} ${showShort(expected)}`;
  }
}

// Throws `message` as is when it is an Error, else an AssertionError.
function failWith(message, actual, expected, operator, stackStartFn) {
  if (message instanceof Error) throw message;
  throw new AssertionError({ message, actual, expected, operator, stackStartFn });
}

// ---- Deep equality ----

function isBoxed(value) {
  return value instanceof Number || value instanceof String || value instanceof Boolean ||
         value instanceof BigInt || value instanceof Symbol;
}

function ownKeys(value, strict) {
  const keys = ObjectKeys(value);
  if (!strict) return keys;
  for (const symbol of ObjectGetOwnPropertySymbols(value)) {
    if (ObjectPrototypePropertyIsEnumerable.call(value, symbol)) keys.push(symbol);
  }
  return keys;
}

function sameBytes(a, b) {
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a.buffer ?? a, a.byteOffset ?? 0, a.byteLength);
  const y = new Uint8Array(b.buffer ?? b, b.byteOffset ?? 0, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function primitiveEqual(a, b, strict) {
  if (strict) return ObjectIs(a, b);
  // eslint-disable-next-line eqeqeq
  return a == b || (a !== a && b !== b);
}

// Whether `a` and `b` are deeply equal, node:assert's way: `strict` compares primitives
// with Object.is and checks prototypes and symbol keys; loose compares with ==.
function deepEqual(a, b, strict, memos) {
  if (a === b) return a !== 0 || !strict || ObjectIs(a, b);
  const aObject = a !== null && typeof a === 'object';
  const bObject = b !== null && typeof b === 'object';
  if (!aObject || !bObject) {
    if (aObject || bObject) return !strict && !aObject && !bObject ? primitiveEqual(a, b, false) : false;
    if (typeof a === 'function' || typeof b === 'function') return false;
    return primitiveEqual(a, b, strict);
  }
  if (strict && ObjectGetPrototypeOf(a) !== ObjectGetPrototypeOf(b)) return false;
  const tag = ObjectPrototypeToString.call(a);
  if (tag !== ObjectPrototypeToString.call(b)) return false;
  if (ArrayIsArray(a) !== ArrayIsArray(b)) return false;
  if (ArrayIsArray(a) && a.length !== b.length) return false;
  if (a instanceof Date) {
    if (!(b instanceof Date) || a.getTime() !== b.getTime()) return false;
  } else if (a instanceof RegExp) {
    if (!(b instanceof RegExp) || a.source !== b.source || a.flags !== b.flags ||
        a.lastIndex !== b.lastIndex) return false;
  } else if (a instanceof Error) {
    if (!(b instanceof Error) || a.message !== b.message || a.name !== b.name) return false;
  } else if (isBoxed(a)) {
    if (!isBoxed(b) || !ObjectIs(a.valueOf(), b.valueOf())) return false;
  } else if (ArrayBuffer.isView(a) || a instanceof ArrayBuffer) {
    if (!sameBytes(a, b)) return false;
    if (ArrayBuffer.isView(a) && !(a instanceof DataView)) {
      // Indices are compared as bytes; only non-index keys are left.
      return sameKeys(a, b, strict, memos, (key) => !/^\d+$/.test(key));
    }
  }
  // Cycles: a pair already being compared is assumed equal.
  if (memos === undefined) memos = { a: new NativeMap(), position: 0 };
  const seen = memos.a.get(a);
  if (seen !== undefined && seen.has(b)) return true;
  if (seen === undefined) memos.a.set(a, new NativeSet([b]));
  else seen.add(b);
  if (a instanceof NativeMap) {
    if (!(b instanceof NativeMap) || a.size !== b.size || !sameMapEntries(a, b, strict, memos)) return false;
  } else if (a instanceof NativeSet) {
    if (!(b instanceof NativeSet) || a.size !== b.size || !sameSetEntries(a, b, strict, memos)) return false;
  }
  return sameKeys(a, b, strict, memos, null);
}

function sameKeys(a, b, strict, memos, keep) {
  let aKeys = ownKeys(a, strict);
  let bKeys = ownKeys(b, strict);
  if (keep !== null) {
    aKeys = aKeys.filter(keep);
    bKeys = bKeys.filter(keep);
  }
  if (aKeys.length !== bKeys.length) return false;
  const bSet = new NativeSet(bKeys);
  for (const key of aKeys) {
    if (!bSet.has(key)) return false;
    if (!deepEqual(a[key], b[key], strict, memos)) return false;
  }
  return true;
}

function sameSetEntries(a, b, strict, memos) {
  let unmatched = null;
  for (const value of a) {
    if (value !== null && typeof value === 'object') {
      if (unmatched === null) unmatched = [];
      unmatched.push(value);
    } else if (!b.has(value)) {
      if (strict) return false;
      // Loose: a primitive may equal another one with ==.
      if (unmatched === null) unmatched = [];
      unmatched.push(value);
    }
  }
  if (unmatched === null) return true;
  const candidates = [];
  for (const value of b) {
    if ((value !== null && typeof value === 'object') || !a.has(value)) candidates.push(value);
  }
  for (const value of unmatched) {
    const index = candidates.findIndex((other) => deepEqual(value, other, strict, memos));
    if (index < 0) return false;
    candidates.splice(index, 1);
  }
  return true;
}

function sameMapEntries(a, b, strict, memos) {
  const unmatched = [];
  for (const [key, value] of a) {
    if ((key === null || typeof key !== 'object') && b.has(key)) {
      if (!deepEqual(value, b.get(key), strict, memos)) return false;
    } else {
      unmatched.push([key, value]);
    }
  }
  if (unmatched.length === 0) return true;
  const candidates = [];
  for (const entry of b) {
    if ((entry[0] !== null && typeof entry[0] === 'object') || !a.has(entry[0])) candidates.push(entry);
  }
  for (const [key, value] of unmatched) {
    const index = candidates.findIndex(([otherKey, otherValue]) =>
      deepEqual(key, otherKey, strict, memos) && deepEqual(value, otherValue, strict, memos));
    if (index < 0) return false;
    candidates.splice(index, 1);
  }
  return true;
}

// ---- The assertions ----

export function ok(...args) {
  if (args.length === 0) {
    throw new AssertionError({ message: 'No value argument passed to `assert.ok()`',
                               actual: undefined, expected: true, operator: '==', stackStartFn: ok });
  }
  const [value, message] = args;
  if (!value) failWith(message, value, true, '==', ok);
}

export function equal(actual, expected, message) {
  // eslint-disable-next-line eqeqeq
  if (!(actual == expected || (actual !== actual && expected !== expected))) {
    failWith(message, actual, expected, 'equal', equal);
  }
}

export function notEqual(actual, expected, message) {
  // eslint-disable-next-line eqeqeq
  if (actual == expected || (actual !== actual && expected !== expected)) {
    failWith(message, actual, expected, 'notEqual', notEqual);
  }
}

export function strictEqual(actual, expected, message) {
  if (!ObjectIs(actual, expected)) failWith(message, actual, expected, 'strictEqual', strictEqual);
}

export function notStrictEqual(actual, expected, message) {
  if (ObjectIs(actual, expected)) failWith(message, actual, expected, 'notStrictEqual', notStrictEqual);
}

export function deepStrictEqual(actual, expected, message) {
  if (!deepEqual(actual, expected, true)) {
    failWith(message, actual, expected, 'deepStrictEqual', deepStrictEqual);
  }
}

export function notDeepStrictEqual(actual, expected, message) {
  if (deepEqual(actual, expected, true)) {
    failWith(message, actual, expected, 'notDeepStrictEqual', notDeepStrictEqual);
  }
}

function looseDeepEqual(actual, expected, message) {
  if (!deepEqual(actual, expected, false)) {
    failWith(message, actual, expected, 'deepEqual', looseDeepEqual);
  }
}
export { looseDeepEqual as deepEqual };

export function notDeepEqual(actual, expected, message) {
  if (deepEqual(actual, expected, false)) {
    failWith(message, actual, expected, 'notDeepEqual', notDeepEqual);
  }
}

export function fail(message) {
  if (message instanceof Error) throw message;
  throw new AssertionError({ message: message ?? 'Failed', operator: 'fail', stackStartFn: fail });
}

function checkRegExp(regexp, name) {
  if (!(regexp instanceof RegExp)) {
    throw new TypeError(`The "regexp" argument of assert.${name}() must be a RegExp, received ${showShort(regexp)}`);
  }
}

export function match(string, regexp, message) {
  checkRegExp(regexp, 'match');
  if (typeof string !== 'string' || !regexp.test(string)) {
    failWith(message ?? (typeof string !== 'string'
      ? `The "string" argument must be of type string. Received ${showShort(string)}`
      : `The input did not match the regular expression ${regexp}. Input:\n\n${showShort(string)}\n`),
    string, regexp, 'match', match);
  }
}

export function doesNotMatch(string, regexp, message) {
  checkRegExp(regexp, 'doesNotMatch');
  if (typeof string !== 'string' || regexp.test(string)) {
    failWith(message ?? (typeof string !== 'string'
      ? `The "string" argument must be of type string. Received ${showShort(string)}`
      : `The input was expected to not match the regular expression ${regexp}. Input:\n\n${showShort(string)}\n`),
    string, regexp, 'doesNotMatch', doesNotMatch);
  }
}

const NO_EXCEPTION = Symbol('no exception');

function isErrorClass(value) {
  return typeof value === 'function' && value.prototype !== undefined &&
         (value === Error || value.prototype instanceof Error);
}

// Whether `error` is what `expected` describes: a class (instanceof), a RegExp (tested
// against String(error)), a validation function (returns true) or an object whose
// properties must all match (RegExps test string properties). Throws an AssertionError
// naming the difference for an object that does not match.
function matchesExpected(error, expected, operator, stackStartFn, message) {
  if (expected instanceof RegExp) {
    if (expected.test(String(error))) return true;
    failWith(message ?? `The error message did not match the regular expression ${expected}. ` +
                        `Input:\n\n${showShort(String(error))}\n`, error, expected, operator, stackStartFn);
  }
  if (typeof expected === 'function') {
    if (expected.prototype !== undefined && error instanceof expected) return true;
    if (isErrorClass(expected)) {
      failWith(message ?? `The error is expected to be an instance of "${expected.name}". ` +
                          `Received ${showShort(error)}`, error, expected, operator, stackStartFn);
    }
    const result = expected.call({}, error);
    if (result === true) return true;
    failWith(message ?? `The ${expected.name ? `"${expected.name}" ` : ''}validation function is ` +
                        `expected to return "true". Received ${showShort(result)}`,
    error, expected, operator, stackStartFn);
  }
  if (expected !== null && typeof expected === 'object') {
    if (error === null || typeof error !== 'object') {
      failWith(message ?? `Expected an object to compare with ${showShort(expected)}, received ` +
                          `${showShort(error)}`, error, expected, operator, stackStartFn);
    }
    const keys = ownKeys(expected, true);
    if (expected instanceof Error) keys.push('name', 'message');
    for (const key of keys) {
      const want = expected[key];
      const have = error[key];
      if (want instanceof RegExp && typeof have === 'string') {
        if (want.test(have)) continue;
      } else if (deepEqual(have, want, true)) {
        continue;
      }
      failWith(message ?? `${HEADERS.deepStrictEqual}\n` +
                          `${formatDiff(show(pick(error, keys)), show(pick(expected, keys)))}\n`,
      error, expected, operator, stackStartFn);
    }
    return true;
  }
  throw new TypeError(`The "expected" argument must be a function, RegExp or object, received ${showShort(expected)}`);
}

function pick(value, keys) {
  const picked = {};
  for (const key of keys) picked[key] = value[key];
  return picked;
}

function callForError(fn, name) {
  if (typeof fn !== 'function') {
    throw new TypeError(`The "fn" argument of assert.${name}() must be a function, received ${showShort(fn)}`);
  }
  try {
    fn();
  } catch (error) {
    return error;
  }
  return NO_EXCEPTION;
}

// (expected, message) from the optional arguments: a string second argument is the message.
function expectationArgs(expected, message) {
  if (typeof expected === 'string') return { expected: undefined, message: expected };
  return { expected, message };
}

function describeExpected(expected, message) {
  if (message !== undefined) return `: ${message}`;
  if (typeof expected === 'function' && expected.name) return ` (${expected.name}).`;
  return '.';
}

export function throws(fn, expectedArg, messageArg) {
  const { expected, message } = expectationArgs(expectedArg, messageArg);
  const error = callForError(fn, 'throws');
  if (error === NO_EXCEPTION) {
    throw new AssertionError({
      message: `Missing expected exception${describeExpected(expected, message)}`,
      actual: undefined, expected, operator: 'throws', stackStartFn: throws,
    });
  }
  if (expected !== undefined) matchesExpected(error, expected, 'throws', throws, message);
}

export function doesNotThrow(fn, expectedArg, messageArg) {
  const { expected, message } = expectationArgs(expectedArg, messageArg);
  const error = callForError(fn, 'doesNotThrow');
  if (error === NO_EXCEPTION) return;
  if (typeof expected === 'function' && expected.prototype !== undefined && !(error instanceof expected)) {
    throw error;  // not the kind of error this assertion is about
  }
  throw new AssertionError({
    message: `Got unwanted exception${message !== undefined ? `: ${message}` : '.'}\n` +
             `Actual message: "${error && error.message !== undefined ? error.message : String(error)}"`,
    actual: error, expected, operator: 'doesNotThrow', stackStartFn: doesNotThrow,
  });
}

async function settle(promiseOrFn, name) {
  let promise = promiseOrFn;
  if (typeof promiseOrFn === 'function') {
    promise = promiseOrFn();
    if (promise === null || typeof promise !== 'object' || typeof promise.then !== 'function') {
      throw new TypeError(`The function passed to assert.${name}() must return a promise, ` +
                          `received ${showShort(promise)}`);
    }
  } else if (promise === null || typeof promise !== 'object' || typeof promise.then !== 'function') {
    throw new TypeError(`The "promiseFn" argument of assert.${name}() must be a function or a ` +
                        `promise, received ${showShort(promiseOrFn)}`);
  }
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return NO_EXCEPTION;
}

export async function rejects(promiseOrFn, expectedArg, messageArg) {
  const { expected, message } = expectationArgs(expectedArg, messageArg);
  const error = await settle(promiseOrFn, 'rejects');
  if (error === NO_EXCEPTION) {
    throw new AssertionError({
      message: `Missing expected rejection${describeExpected(expected, message)}`,
      actual: undefined, expected, operator: 'rejects', stackStartFn: rejects,
    });
  }
  if (expected !== undefined) matchesExpected(error, expected, 'rejects', rejects, message);
}

export async function doesNotReject(promiseOrFn, expectedArg, messageArg) {
  const { expected, message } = expectationArgs(expectedArg, messageArg);
  const error = await settle(promiseOrFn, 'doesNotReject');
  if (error === NO_EXCEPTION) return;
  if (typeof expected === 'function' && expected.prototype !== undefined && !(error instanceof expected)) {
    throw error;
  }
  throw new AssertionError({
    message: `Got unwanted rejection${message !== undefined ? `: ${message}` : '.'}\n` +
             `Actual message: "${error && error.message !== undefined ? error.message : String(error)}"`,
    actual: error, expected, operator: 'doesNotReject', stackStartFn: doesNotReject,
  });
}

export function ifError(value) {
  if (value === null || value === undefined) return;
  if (value instanceof Error) throw value;
  throw new AssertionError({ message: `ifError got unwanted exception: ${showShort(value)}`,
                             actual: value, expected: null, operator: 'ifError', stackStartFn: ifError });
}

// assert(value) is assert.ok(value), with every function as a property. assert.strict
// (also the named export `strict`) is node's strict mode: equal, notEqual, deepEqual and
// notDeepEqual are the strict comparisons there.
function assert(...args) { ok(...args); }
Object.assign(assert, {
  ok, equal, notEqual, strictEqual, notStrictEqual, deepEqual: looseDeepEqual, notDeepEqual,
  deepStrictEqual, notDeepStrictEqual, throws, doesNotThrow, rejects, doesNotReject, match,
  doesNotMatch, fail, ifError, AssertionError,
});
export function strict(...args) { ok(...args); }
Object.assign(strict, assert, {
  equal: strictEqual, notEqual: notStrictEqual, deepEqual: deepStrictEqual,
  notDeepEqual: notDeepStrictEqual,
});
strict.strict = strict;
assert.strict = strict;
export default assert;
