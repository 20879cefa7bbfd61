// URLSearchParams and the application/x-www-form-urlencoded parser and serializer
// (ext:url/url_search_params.js). https://url.spec.whatwg.org/#interface-urlsearchparams
//
// A URLSearchParams object holds its list of name-value pairs as an array of two-element
// arrays at this[_list] (webidl's pair iterator reads it there). Every mutation changes
// that array in place, so iterators made earlier see the change. An object made by a URL
// (its searchParams) also holds the URL at this[_url]; after each mutation it hands the
// serialized list to the URL through the function url.js registered with
// setUrlQueryUpdater ("update steps").
import { createInterface } from 'ext:web/interface_object.js';
import * as webidl from 'ext:webidl/webidl.js';

const ArrayPrototypeSort = Array.prototype.sort;
const ReflectApply = Reflect.apply;
const StringFromCharCode = String.fromCharCode;
const StringPrototypeCharCodeAt = String.prototype.charCodeAt;
const StringPrototypeIndexOf = String.prototype.indexOf;
const StringPrototypeSlice = String.prototype.slice;
const StringPrototypeReplace = String.prototype.replace;
const RegExpPrototypeTest = RegExp.prototype.test;
const SymbolIterator = Symbol.iterator;
const NativeTypeError = TypeError;

const _list = Symbol('[[list]]');
const _url = Symbol('[[url object]]');
// The constructor's argument when createParamsForUrl makes a URL's URLSearchParams.
const kForUrl = Symbol('for a URL');

// ---- application/x-www-form-urlencoded ----

// Percent-decoded bytes -> string, as UTF-8 decode without BOM (the Encoding Standard's
// decoder: each maximal ill-formed subsequence becomes one U+FFFD).
function decodeUtf8(bytes) {
  let out = '';
  const length = bytes.length;
  let i = 0;
  while (i < length) {
    const first = bytes[i];
    if (first < 0x80) {
      out += StringFromCharCode(first);
      i++;
      continue;
    }
    let needed = 0;
    let codePoint = 0;
    let lower = 0x80;
    let upper = 0xbf;
    if (first >= 0xc2 && first <= 0xdf) {
      needed = 1;
      codePoint = first & 0x1f;
    } else if (first >= 0xe0 && first <= 0xef) {
      if (first === 0xe0) lower = 0xa0;
      if (first === 0xed) upper = 0x9f;
      needed = 2;
      codePoint = first & 0x0f;
    } else if (first >= 0xf0 && first <= 0xf4) {
      if (first === 0xf0) lower = 0x90;
      if (first === 0xf4) upper = 0x8f;
      needed = 3;
      codePoint = first & 0x07;
    } else {
      out += '\uFFFD';
      i++;
      continue;
    }
    i++;
    let seen = 0;
    while (seen < needed) {
      if (i >= length) break;
      const byte = bytes[i];
      if (byte < lower || byte > upper) break;
      lower = 0x80;
      upper = 0xbf;
      codePoint = (codePoint << 6) | (byte & 0x3f);
      seen++;
      i++;
    }
    if (seen < needed) {
      out += '\uFFFD';  // the byte that broke the sequence is read again
      continue;
    }
    if (codePoint > 0xffff) {
      codePoint -= 0x10000;
      out += StringFromCharCode(0xd800 + (codePoint >> 10), 0xdc00 + (codePoint & 0x3ff));
    } else {
      out += StringFromCharCode(codePoint);
    }
  }
  return out;
}

function hexValue(code) {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  return -1;
}

// Percent-decodes `text` (a string without lone surrogates) and UTF-8-decodes the result.
// Characters outside %XX triplets stand for their own UTF-8 bytes, which are always whole
// sequences, so decoding each run of triplets on its own gives what decoding the whole
// byte sequence at once would.
function percentDecode(text) {
  let out = '';
  const length = text.length;
  let copied = 0;  // text[copied, i) is still to be appended as it is
  let i = ReflectApply(StringPrototypeIndexOf, text, ['%']);
  while (i !== -1 && i + 2 < length) {
    let bytes = null;
    let j = i;
    while (j + 2 < length && ReflectApply(StringPrototypeCharCodeAt, text, [j]) === 0x25) {
      const high = hexValue(ReflectApply(StringPrototypeCharCodeAt, text, [j + 1]));
      const low = hexValue(ReflectApply(StringPrototypeCharCodeAt, text, [j + 2]));
      if (high < 0 || low < 0) break;
      if (bytes === null) bytes = [];
      bytes[bytes.length] = (high << 4) | low;
      j += 3;
    }
    if (bytes === null) {
      // a '%' that starts no triplet stays as it is
      i = ReflectApply(StringPrototypeIndexOf, text, ['%', i + 1]);
      continue;
    }
    out += ReflectApply(StringPrototypeSlice, text, [copied, i]) + decodeUtf8(bytes);
    copied = j;
    i = ReflectApply(StringPrototypeIndexOf, text, ['%', j]);
  }
  return out + ReflectApply(StringPrototypeSlice, text, [copied]);
}

const PLUS = /\+/g;
const PLUS_OR_PERCENT = /[+%]/;

// A name or value of the urlencoded parser: '+' is a space, then percent-decoding and
// UTF-8 decoding.
function decodeFormComponent(text) {
  if (!ReflectApply(RegExpPrototypeTest, PLUS_OR_PERCENT, [text])) return text;
  text = ReflectApply(StringPrototypeReplace, text, [PLUS, ' ']);
  if (ReflectApply(StringPrototypeIndexOf, text, ['%']) === -1) return text;
  return percentDecode(text);
}

// The application/x-www-form-urlencoded parser, over a string (a USVString, or a URL's
// ASCII query): its list of [name, value] pairs.
export function parseUrlencoded(input) {
  const list = [];
  const length = input.length;
  let start = 0;
  while (start < length) {
    let end = ReflectApply(StringPrototypeIndexOf, input, ['&', start]);
    if (end === -1) end = length;
    if (end > start) {
      const equals = ReflectApply(StringPrototypeIndexOf, input, ['=', start]);
      let name;
      let value;
      if (equals !== -1 && equals < end) {
        name = ReflectApply(StringPrototypeSlice, input, [start, equals]);
        value = ReflectApply(StringPrototypeSlice, input, [equals + 1, end]);
      } else {
        name = ReflectApply(StringPrototypeSlice, input, [start, end]);
        value = '';
      }
      list[list.length] = [decodeFormComponent(name), decodeFormComponent(value)];
    }
    start = end + 1;
  }
  return list;
}

// '%XX' for every byte value.
const PERCENT_ENCODED_BYTES = [];
for (let byte = 0; byte < 256; byte++) {
  PERCENT_ENCODED_BYTES[byte] = (byte < 16 ? '%0' : '%') + byte.toString(16).toUpperCase();
}
// For each ASCII code: null when the urlencoded serializer keeps it (alphanumerics and
// *-._), else what it writes ('+' for the space).
const ASCII_ENCODED = [];
for (let code = 0; code < 128; code++) {
  const keep = (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) ||
      (code >= 0x61 && code <= 0x7a) || code === 0x2a || code === 0x2d || code === 0x2e ||
      code === 0x5f;
  ASCII_ENCODED[code] = keep ? null : code === 0x20 ? '+' : PERCENT_ENCODED_BYTES[code];
}

// The urlencoded byte serializer of a string: UTF-8 (a lone surrogate as U+FFFD), every
// byte but ASCII alphanumerics and *-._ percent-encoded (uppercase hex), space as '+'.
function encodeFormComponent(text) {
  const length = text.length;
  let out = '';
  let copied = 0;  // text[copied, i) is still to be appended as it is
  for (let i = 0; i < length; i++) {
    const code = ReflectApply(StringPrototypeCharCodeAt, text, [i]);
    let encoded;
    const start = i;
    if (code < 0x80) {
      encoded = ASCII_ENCODED[code];
      if (encoded === null) continue;
    } else if (code < 0x800) {
      encoded = PERCENT_ENCODED_BYTES[0xc0 | (code >> 6)] +
          PERCENT_ENCODED_BYTES[0x80 | (code & 0x3f)];
    } else if (code < 0xd800 || code > 0xdfff) {
      encoded = PERCENT_ENCODED_BYTES[0xe0 | (code >> 12)] +
          PERCENT_ENCODED_BYTES[0x80 | ((code >> 6) & 0x3f)] +
          PERCENT_ENCODED_BYTES[0x80 | (code & 0x3f)];
    } else {
      const next = i + 1 < length ? ReflectApply(StringPrototypeCharCodeAt, text, [i + 1]) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const codePoint = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        encoded = PERCENT_ENCODED_BYTES[0xf0 | (codePoint >> 18)] +
            PERCENT_ENCODED_BYTES[0x80 | ((codePoint >> 12) & 0x3f)] +
            PERCENT_ENCODED_BYTES[0x80 | ((codePoint >> 6) & 0x3f)] +
            PERCENT_ENCODED_BYTES[0x80 | (codePoint & 0x3f)];
        i++;
      } else {
        encoded = '%EF%BF%BD';
      }
    }
    out += ReflectApply(StringPrototypeSlice, text, [copied, start]) + encoded;
    copied = i + 1;
  }
  if (copied === 0) return text;
  return out + ReflectApply(StringPrototypeSlice, text, [copied]);
}

// The application/x-www-form-urlencoded serializer.
export function serializeUrlencoded(list) {
  let out = '';
  for (let i = 0; i < list.length; i++) {
    const entry = list[i];
    if (i > 0) out += '&';
    out += encodeFormComponent(entry[0]) + '=' + encodeFormComponent(entry[1]);
  }
  return out;
}

// ---- The link to a URL ----

let updateUrlQuery = null;

// url.js registers how a URL takes its query from its URLSearchParams: fn(url, query),
// query being the serialized list ('' for an empty list, which means a null query).
export function setUrlQueryUpdater(fn) {
  updateUrlQuery = fn;
}

// The URLSearchParams of a URL: its list parsed from `query` (the URL's query without
// '?', or '' when it has none).
export function createParamsForUrl(url, query) {
  const params = new URLSearchParams(kForUrl);
  params[_list] = query === '' ? [] : parseUrlencoded(query);
  params[_url] = url;
  return params;
}

// Replaces the list of a URL's URLSearchParams (after the URL's href or search changed).
export function resetParamsList(params, query) {
  const list = params[_list];
  list.length = 0;
  if (query === '') return;
  const parsed = parseUrlencoded(query);
  for (let i = 0; i < parsed.length; i++) list[i] = parsed[i];
}

// The update steps: the URL's query follows the list.
function update(params) {
  const url = params[_url];
  if (url !== null && url !== undefined) updateUrlQuery(url, serializeUrlencoded(params[_list]));
}

// ---- URLSearchParams ----

const sequenceOfPairs =
    webidl.createSequenceConverter(webidl.createSequenceConverter(webidl.converters.USVString));
const recordOfStrings =
    webidl.createRecordConverter(webidl.converters.USVString, webidl.converters.USVString);

const ANSI_COLOURS = /\u001b\[\d\d?m/g;

function brandCheck(self) {
  webidl.assertBranded(self, URLSearchParamsPrototype);
}

function prefixFor(method) {
  return `Failed to execute '${method}' on 'URLSearchParams'`;
}

// The constructor steps of `new URLSearchParams(init)`, on the new object (`this`): a host
// object, as URL objects are (url.js says why).
function initializeURLSearchParams(init = undefined) {
  const prefix = "Failed to construct 'URLSearchParams'";
  let list;
  if (init === undefined || init === kForUrl) {
    list = [];
  } else if ((typeof init === 'object' && init !== null) || typeof init === 'function') {
    // (sequence<sequence<USVString>> or record<USVString, USVString> or USVString): an
    // object with an @@iterator method is a sequence, any other object a record.
    const method = init[SymbolIterator];
    if (method !== undefined && method !== null) {
      if (typeof method !== 'function') {
        throw new NativeTypeError(
            `${prefix}: The provided value's @@iterator is not a function.`);
      }
      const pairs = sequenceOfPairs(init, prefix, 'Argument 1');
      list = [];
      for (let i = 0; i < pairs.length; i++) {
        const pair = pairs[i];
        if (pair.length !== 2) {
          throw new NativeTypeError(
              `${prefix}: Sequence initializer must only contain pair elements ` +
              `(element ${i} has ${pair.length})`);
        }
        list[i] = [pair[0], pair[1]];
      }
    } else {
      const record = recordOfStrings(init, prefix, 'Argument 1');
      list = [];
      for (const name in record) list[list.length] = [name, record[name]];
    }
  } else {
    let query = webidl.converters.USVString(init, prefix, 'Argument 1');
    if (query.length > 0 && ReflectApply(StringPrototypeCharCodeAt, query, [0]) === 0x3f) {
      query = ReflectApply(StringPrototypeSlice, query, [1]);
    }
    list = parseUrlencoded(query);
  }
  this[webidl.brand] = webidl.brand;
  this[_list] = list;
  this[_url] = null;
}

// The methods and accessors of URLSearchParams.prototype.
class URLSearchParamsMembers {
  append(name, value) {
    brandCheck(this);
    const prefix = prefixFor('append');
    webidl.requiredArguments(arguments.length, 2, prefix);
    name = webidl.converters.USVString(name, prefix, 'Argument 1');
    value = webidl.converters.USVString(value, prefix, 'Argument 2');
    const list = this[_list];
    list[list.length] = [name, value];
    update(this);
  }

  delete(name, value = undefined) {
    brandCheck(this);
    const prefix = prefixFor('delete');
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = webidl.converters.USVString(name, prefix, 'Argument 1');
    if (value !== undefined) value = webidl.converters.USVString(value, prefix, 'Argument 2');
    const list = this[_list];
    let kept = 0;
    for (let i = 0; i < list.length; i++) {
      const entry = list[i];
      if (entry[0] === name && (value === undefined || entry[1] === value)) continue;
      list[kept++] = entry;
    }
    list.length = kept;
    update(this);
  }

  get(name) {
    brandCheck(this);
    const prefix = prefixFor('get');
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = webidl.converters.USVString(name, prefix, 'Argument 1');
    const list = this[_list];
    for (let i = 0; i < list.length; i++) {
      if (list[i][0] === name) return list[i][1];
    }
    return null;
  }

  getAll(name) {
    brandCheck(this);
    const prefix = prefixFor('getAll');
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = webidl.converters.USVString(name, prefix, 'Argument 1');
    const list = this[_list];
    const values = [];
    for (let i = 0; i < list.length; i++) {
      if (list[i][0] === name) values[values.length] = list[i][1];
    }
    return values;
  }

  has(name, value = undefined) {
    brandCheck(this);
    const prefix = prefixFor('has');
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = webidl.converters.USVString(name, prefix, 'Argument 1');
    if (value !== undefined) value = webidl.converters.USVString(value, prefix, 'Argument 2');
    const list = this[_list];
    for (let i = 0; i < list.length; i++) {
      const entry = list[i];
      if (entry[0] === name && (value === undefined || entry[1] === value)) return true;
    }
    return false;
  }

  set(name, value) {
    brandCheck(this);
    const prefix = prefixFor('set');
    webidl.requiredArguments(arguments.length, 2, prefix);
    name = webidl.converters.USVString(name, prefix, 'Argument 1');
    value = webidl.converters.USVString(value, prefix, 'Argument 2');
    const list = this[_list];
    let kept = 0;
    let found = false;
    for (let i = 0; i < list.length; i++) {
      const entry = list[i];
      if (entry[0] === name) {
        if (found) continue;
        found = true;
        entry[1] = value;
      }
      list[kept++] = entry;
    }
    list.length = kept;
    if (!found) list[list.length] = [name, value];
    update(this);
  }

  sort() {
    brandCheck(this);
    // Array.prototype.sort is stable; < on strings compares UTF-16 code units.
    ReflectApply(ArrayPrototypeSort, this[_list],
                 [(a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)]);
    update(this);
  }

  toString() {
    brandCheck(this);
    return serializeUrlencoded(this[_list]);
  }

  get size() {
    brandCheck(this);
    return this[_list].length;
  }

// Node's console form: URLSearchParams { 'a' => '1', 'b' => '2' }.
  [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
    brandCheck(this);
    if (typeof depth === 'number' && depth < 0) return options.stylize('[Object]', 'special');
    const inner = { ...options };
    if (depth !== null) inner.depth = depth - 1;
    const list = this[_list];
    const parts = [];
    let width = -2;  // of the one-line form without colours, less the braces
    for (let i = 0; i < list.length; i++) {
      const part = `${inspect(list[i][0], inner)} => ${inspect(list[i][1], inner)}`;
      parts[i] = part;
      width += ReflectApply(StringPrototypeReplace, part, [ANSI_COLOURS, '']).length + 2;
    }
    const name = this.constructor.name;
    if (parts.length === 0) return `${name} {}`;
    if (width > options.breakLength) return `${name} {\n  ${parts.join(',\n  ')} }`;
    return `${name} { ${parts.join(', ')} }`;
  }
}

const URLSearchParams =
    createInterface('URLSearchParams', 0, initializeURLSearchParams, URLSearchParamsMembers);
const URLSearchParamsPrototype = URLSearchParams.prototype;
webidl.mixinPairIterable('URLSearchParams', URLSearchParamsPrototype, _list, 0, 1);
webidl.configureInterface(URLSearchParams);
Object.defineProperty(URLSearchParamsPrototype, Symbol.for('nodejs.util.inspect.custom'),
                      { enumerable: false });

export { URLSearchParams };
