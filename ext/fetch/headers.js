// Headers (ext:fetch/headers.js). https://fetch.spec.whatwg.org/#headers-class
//
// A Headers object holds a header list: an array of [name, value] pairs in insertion
// order, names as given (compared case-insensitively), values normalized. Iteration, as
// the standard says, runs over the list sorted by lowercase name with values of the same
// name combined (", "), except `set-cookie`, whose values stay separate; that view is
// cached until the list changes. The guard ("immutable", "request", "request-no-cors",
// "response" or "none") decides whether the object may change.
import * as webidl from 'ext:webidl/webidl.js';
import {
  newPlatformObject, platformObjectAllocator, rootInterface,
} from 'ext:webidl/platform_object.js';

const ArrayPrototypeSort = Array.prototype.sort;
const ReflectApply = Reflect.apply;
const StringPrototypeToLowerCase = String.prototype.toLowerCase;
const StringPrototypeCharCodeAt = String.prototype.charCodeAt;
const StringPrototypeSlice = String.prototype.slice;
const RegExpPrototypeTest = RegExp.prototype.test;
const SymbolIterator = Symbol.iterator;
const NativeTypeError = TypeError;

const _list = Symbol('[[header list]]');
const _guard = Symbol('[[guard]]');
const _sorted = Symbol('[[sorted and combined]]');
const _iterationList = Symbol('[[value pairs to iterate over]]');

function lower(name) {
  return ReflectApply(StringPrototypeToLowerCase, name, []);
}

// https://httpwg.org/specs/rfc9110.html#fields.names: a token.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
export function isValidHeaderName(name) {
  return ReflectApply(RegExpPrototypeTest, TOKEN, [name]);
}

function isHttpWhitespace(code) {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

// Strips leading and trailing HTTP whitespace (tab, space, CR, LF).
export function normalizeHeaderValue(value) {
  let start = 0;
  let end = value.length;
  while (start < end && isHttpWhitespace(ReflectApply(StringPrototypeCharCodeAt, value, [start]))) {
    start++;
  }
  while (end > start &&
         isHttpWhitespace(ReflectApply(StringPrototypeCharCodeAt, value, [end - 1]))) {
    end--;
  }
  return start === 0 && end === value.length
      ? value : ReflectApply(StringPrototypeSlice, value, [start, end]);
}

// A normalized value: no NUL, CR or LF.
const INVALID_VALUE = /[\0\r\n]/;
export function isValidHeaderValue(value) {
  return !ReflectApply(RegExpPrototypeTest, INVALID_VALUE, [value]);
}

// ---- header lists: arrays of [name, value] ----

function findIndex(list, lowerName, from = 0) {
  for (let i = from; i < list.length; i++) {
    if (lower(list[i][0]) === lowerName) return i;
  }
  return -1;
}

// The combined value of `name` in `list`, or null.
export function getHeader(list, name) {
  const key = lower(name);
  let result = null;
  for (let i = 0; i < list.length; i++) {
    if (lower(list[i][0]) === key) {
      result = result === null ? list[i][1] : `${result}, ${list[i][1]}`;
    }
  }
  return result;
}

function appendToList(list, name, value) {
  const index = findIndex(list, lower(name));
  list[list.length] = [index === -1 ? name : list[index][0], value];
}

function deleteFromList(list, lowerName) {
  let j = 0;
  for (let i = 0; i < list.length; i++) {
    if (lower(list[i][0]) !== lowerName) list[j++] = list[i];
  }
  list.length = j;
}

function setInList(list, name, value) {
  const key = lower(name);
  const index = findIndex(list, key);
  if (index === -1) {
    list[list.length] = [name, value];
    return;
  }
  list[index] = [list[index][0], value];
  let j = index + 1;
  for (let i = index + 1; i < list.length; i++) {
    if (lower(list[i][0]) !== key) list[j++] = list[i];
  }
  list.length = j;
}

function compareNames(a, b) {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

// "sort and combine": lowercase names in order; set-cookie values each on their own.
function sortAndCombine(list) {
  const names = [];
  const combined = { __proto__: null };
  const cookies = [];
  for (let i = 0; i < list.length; i++) {
    const key = lower(list[i][0]);
    if (key === 'set-cookie') {
      if (cookies.length === 0) names[names.length] = [key];
      cookies[cookies.length] = list[i][1];
    } else if (combined[key] === undefined) {
      combined[key] = list[i][1];
      names[names.length] = [key];
    } else {
      combined[key] = `${combined[key]}, ${list[i][1]}`;
    }
  }
  ReflectApply(ArrayPrototypeSort, names, [compareNames]);
  const out = [];
  for (let i = 0; i < names.length; i++) {
    const key = names[i][0];
    if (key === 'set-cookie') {
      for (let k = 0; k < cookies.length; k++) out[out.length] = [key, cookies[k]];
    } else {
      out[out.length] = [key, combined[key]];
    }
  }
  return out;
}

function prefixOf(operation) {
  return `Failed to execute '${operation}' on 'Headers'`;
}

// The checks of append/set/delete/has/get on a name, then (for append/set) a value.
function checkName(name, operation) {
  if (!isValidHeaderName(name)) {
    throw new NativeTypeError(`${prefixOf(operation)}: Invalid name`);
  }
}

function checkValue(value, operation) {
  if (!isValidHeaderValue(value)) {
    throw new NativeTypeError(`${prefixOf(operation)}: Invalid value`);
  }
}

function checkMutable(headers, operation) {
  if (headers[_guard] === 'immutable') {
    throw new NativeTypeError(`${prefixOf(operation)}: Headers are immutable`);
  }
}

// "append" on a Headers object (after conversion).
function appendHeader(headers, name, value, operation) {
  value = normalizeHeaderValue(value);
  checkName(name, operation);
  checkValue(value, operation);
  checkMutable(headers, operation);
  appendToList(headers[_list], name, value);
  headers[_sorted] = null;
}

// "fill": from a sequence of pairs or a record.
function fillHeaders(headers, init, prefix) {
  if (init === undefined) return;
  if (webidl.implementsInterface(init, Headers.prototype)) {
    const list = init[_list];
    for (let i = 0; i < list.length; i++) appendHeader(headers, list[i][0], list[i][1], 'append');
    return;
  }
  if (init === null || (typeof init !== 'object' && typeof init !== 'function')) {
    throw new NativeTypeError(
        `${prefix}: The provided value is not of type '(record<ByteString, ByteString> or ` +
        "sequence<sequence<ByteString>>)'.");
  }
  if (init[SymbolIterator] !== undefined) {
    const pairs = [];
    for (const pair of init) {
      if (pair === null || (typeof pair !== 'object' && typeof pair !== 'function')) {
        throw new NativeTypeError(
            `${prefix}: The provided value cannot be converted to a sequence.`);
      }
      const items = [];
      for (const item of pair) items[items.length] = webidl.converters.ByteString(item, prefix);
      if (items.length !== 2) {
        throw new NativeTypeError(`${prefix}: Invalid value`);
      }
      pairs[pairs.length] = items;
    }
    for (let i = 0; i < pairs.length; i++) {
      appendHeader(headers, pairs[i][0], pairs[i][1], 'append');
    }
    return;
  }
  const record = webidl.converters['record<ByteString, ByteString>'](init, prefix, 'Argument 1');
  for (const key in record) appendHeader(headers, key, record[key], 'append');
}

// A root interface (ext:web/interface_object.js): its objects are platform objects,
// which structuredClone refuses.
export class Headers extends Object {
  constructor(init = undefined) {
    const prefix = "Failed to construct 'Headers'";
    const headers =
        new.target === Headers ? allocateHeaders() : newPlatformObject(new.target);
    headers[webidl.brand] = webidl.brand;
    headers[_list] = [];
    headers[_guard] = 'none';
    headers[_sorted] = null;
    fillHeaders(headers, init, prefix);
    return headers;
  }

  append(name, value) {
    webidl.assertBranded(this, HeadersPrototype);
    const prefix = prefixOf('append');
    webidl.requiredArguments(arguments.length, 2, prefix);
    name = webidl.converters.ByteString(name, prefix, 'Argument 1');
    value = webidl.converters.ByteString(value, prefix, 'Argument 2');
    appendHeader(this, name, value, 'append');
  }

  delete(name) {
    webidl.assertBranded(this, HeadersPrototype);
    const prefix = prefixOf('delete');
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = webidl.converters.ByteString(name, prefix, 'Argument 1');
    checkName(name, 'delete');
    checkMutable(this, 'delete');
    const key = lower(name);
    if (findIndex(this[_list], key) === -1) return;
    deleteFromList(this[_list], key);
    this[_sorted] = null;
  }

  get(name) {
    webidl.assertBranded(this, HeadersPrototype);
    const prefix = prefixOf('get');
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = webidl.converters.ByteString(name, prefix, 'Argument 1');
    checkName(name, 'get');
    return getHeader(this[_list], name);
  }

  getSetCookie() {
    webidl.assertBranded(this, HeadersPrototype);
    const list = this[_list];
    const out = [];
    for (let i = 0; i < list.length; i++) {
      if (lower(list[i][0]) === 'set-cookie') out[out.length] = list[i][1];
    }
    return out;
  }

  has(name) {
    webidl.assertBranded(this, HeadersPrototype);
    const prefix = prefixOf('has');
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = webidl.converters.ByteString(name, prefix, 'Argument 1');
    checkName(name, 'has');
    return findIndex(this[_list], lower(name)) !== -1;
  }

  set(name, value) {
    webidl.assertBranded(this, HeadersPrototype);
    const prefix = prefixOf('set');
    webidl.requiredArguments(arguments.length, 2, prefix);
    name = webidl.converters.ByteString(name, prefix, 'Argument 1');
    value = normalizeHeaderValue(webidl.converters.ByteString(value, prefix, 'Argument 2'));
    checkName(name, 'set');
    checkValue(value, 'set');
    checkMutable(this, 'set');
    setInList(this[_list], name, value);
    this[_sorted] = null;
  }

  get [_iterationList]() {
    if (this[_sorted] === null) this[_sorted] = sortAndCombine(this[_list]);
    return this[_sorted];
  }

  [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
    const object = {};
    const sorted = this[_iterationList];
    for (let i = 0; i < sorted.length; i++) {
      const [key, value] = sorted[i];
      if (key === 'set-cookie' && object[key] !== undefined) {
        object[key] = Array.isArray(object[key]) ? [...object[key], value] : [object[key], value];
      } else {
        object[key] = value;
      }
    }
    return `Headers ${inspect(object, options)}`;
  }
}
const HeadersPrototype = Headers.prototype;
rootInterface(Headers);
const allocateHeaders = platformObjectAllocator(Headers);
webidl.configureInterface(Headers);
webidl.mixinPairIterable('Headers', HeadersPrototype, _iterationList, 0, 1);
Object.defineProperty(HeadersPrototype, _iterationList, { enumerable: false });
Object.defineProperty(HeadersPrototype, Symbol.for('nodejs.util.inspect.custom'),
                      { enumerable: false });

// ---- for request.js, response.js and fetch.js ----

export const headersConverter = webidl.createInterfaceConverter('Headers', HeadersPrototype);

// A Headers object over `list` (adopted, not copied) with `guard`.
export function headersFromList(list, guard) {
  const headers = allocateHeaders();
  headers[webidl.brand] = webidl.brand;
  headers[_list] = list;
  headers[_guard] = guard;
  headers[_sorted] = null;
  return headers;
}

export function headerListOf(headers) {
  return headers[_list];
}

export function guardOf(headers) {
  return headers[_guard];
}

export function setGuard(headers, guard) {
  headers[_guard] = guard;
}

// Fills `headers` from a HeadersInit (the Request and Response constructors).
export function fillHeadersFrom(headers, init, prefix) {
  fillHeaders(headers, init, prefix);
}

// Replaces the list (Request constructor step "empty this's headers' header list").
export function replaceHeaderList(headers, list) {
  headers[_list] = list;
  headers[_sorted] = null;
}

export function appendToHeaderList(list, name, value) {
  appendToList(list, name, value);
}

export function setInHeaderList(list, name, value) {
  setInList(list, name, value);
}

export function deleteFromHeaderList(list, name) {
  deleteFromList(list, lower(name));
}

export function cloneHeaderList(list) {
  const copy = [];
  for (let i = 0; i < list.length; i++) copy[i] = [list[i][0], list[i][1]];
  return copy;
}
