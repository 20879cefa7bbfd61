// kiln: util.inspect / util.format, compatible with Node's output.
//
// The module ext:core/inspect.js. It exports:
//   inspect            util.inspect (with .custom, .defaultOptions, .colors, .styles)
//   format             util.format
//   formatWithOptions  util.formatWithOptions
//   getStringWidth     column width of a string (console.table)
//   stripVTControlCharacters, describeType  (helpers)
// A lazy module: not in the startup snapshot; evaluated when the console first
// needs it or kiln.inspect / internals.inspect (Runtime::Inspect) is first read
// (js/kiln.js). It relies only on standard ECMAScript globals and on the natives of ext:core/natives.js (see
// js/README.md for the exact contract of each native).
//
// Node's lib/internal/util/inspect.js is the reference for the behaviour;
// the output must match it byte for byte, so the layout rules below (line
// widths, grouping heuristics, quoting) are deliberately exact.

import { native } from 'ext:core/natives.js';

const types = native.types;

// ---------------------------------------------------------------------------
// Intrinsics, captured before user code can replace them.
// ---------------------------------------------------------------------------

const uncurry = (fn) => Function.prototype.call.bind(fn);
const getterOf = (proto, name) =>
  uncurry(Object.getOwnPropertyDescriptor(proto, name).get);

const ObjectKeys = Object.keys;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectGetOwnPropertyNames = Object.getOwnPropertyNames;
const ObjectGetOwnPropertySymbols = Object.getOwnPropertySymbols;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ObjectDefineProperty = Object.defineProperty;
const ObjectSetPrototypeOf = Object.setPrototypeOf;
const ObjectAssign = Object.assign;
const ObjectIs = Object.is;
const ReflectOwnKeys = Reflect.ownKeys;
const ArrayIsArray = Array.isArray;
const JSONStringify = JSON.stringify;
const hasOwn = uncurry(Object.prototype.hasOwnProperty);
const propertyIsEnumerable = uncurry(Object.prototype.propertyIsEnumerable);
const functionToString = uncurry(Function.prototype.toString);
const functionHasInstance = uncurry(Function.prototype[Symbol.hasInstance]);
const regExpToString = uncurry(RegExp.prototype.toString);
const dateGetTime = uncurry(Date.prototype.getTime);
const dateToISOString = uncurry(Date.prototype.toISOString);
const dateToString = uncurry(Date.prototype.toString);
const errorToString = uncurry(Error.prototype.toString);
const numberValueOf = uncurry(Number.prototype.valueOf);
const stringValueOf = uncurry(String.prototype.valueOf);
const booleanValueOf = uncurry(Boolean.prototype.valueOf);
const bigIntValueOf = uncurry(BigInt.prototype.valueOf);
const symbolValueOf = uncurry(Symbol.prototype.valueOf);
const symbolToString = uncurry(Symbol.prototype.toString);
const mapSize = getterOf(Map.prototype, 'size');
const mapEntries = uncurry(Map.prototype.entries);
const setSize = getterOf(Set.prototype, 'size');
const setValues = uncurry(Set.prototype.values);
const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
const typedArrayLength = getterOf(TypedArrayPrototype, 'length');
const typedArrayTag = getterOf(TypedArrayPrototype, Symbol.toStringTag);
const ObjectPrototype = Object.prototype;
const FunctionPrototype = Function.prototype;
const SymbolIterator = Symbol.iterator;
const SymbolToStringTag = Symbol.toStringTag;
const SymbolToPrimitive = Symbol.toPrimitive;

const typedArrayConstructors = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array,
  Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array,
  BigUint64Array,
};

// Globals that Node installs after its inspect module is loaded, so Node
// does not count them as built-in (SharedArrayBuffer included, on Node 20).
// Listed so that kiln behaves the same whether or not the runtime defines
// some of them before this file runs.
const notBuiltInGlobals = new Set([
  'AbortController', 'AbortSignal', 'Blob', 'BroadcastChannel', 'Buffer',
  'ByteLengthQueuingStrategy', 'CompressionStream', 'CountQueuingStrategy',
  'Crypto', 'CryptoKey', 'CustomEvent', 'DecompressionStream', 'Event',
  'EventTarget', 'File', 'FormData', 'Headers', 'MessageChannel',
  'MessageEvent', 'MessagePort', 'Performance', 'PerformanceEntry',
  'PerformanceMark', 'PerformanceMeasure', 'PerformanceObserver',
  'PerformanceObserverEntryList', 'PerformanceResourceTiming',
  'ReadableByteStreamController', 'ReadableStream',
  'ReadableStreamBYOBReader', 'ReadableStreamBYOBRequest',
  'ReadableStreamDefaultController', 'ReadableStreamDefaultReader', 'Request',
  'Response', 'SharedArrayBuffer', 'SubtleCrypto', 'TextDecoder',
  'TextDecoderStream', 'TextEncoder', 'TextEncoderStream', 'TransformStream',
  'TransformStreamDefaultController', 'URLSearchParams', 'WritableStream',
  'WritableStreamDefaultController', 'WritableStreamDefaultWriter',
]);

// Names of the global constructors and namespaces that exist before user code
// runs. Prototype chains ending in one of these are "built-in": their
// properties are not listed by `showHidden`, and their toString is not
// user-defined for `%s`.
const builtInObjects = new Set(
  ObjectGetOwnPropertyNames(globalThis).filter((name) =>
    /^[A-Z][a-zA-Z0-9]+$/.test(name) && !notBuiltInGlobals.has(name)),
);

// `document.all`-like objects (typeof 'undefined' while not undefined).
const isUndetectableObject = (v) => typeof v === 'undefined' && v !== undefined;

const isError = (value) => types.isNativeError(value) || value instanceof Error;

// v8::PropertyFilter bits, as taken by native.getOwnNonIndexProperties.
const ALL_PROPERTIES = 0;
const ONLY_ENUMERABLE = 2;

// v8::Promise::PromiseState, as returned by native.getPromiseDetails.
const kPending = 0;
const kRejected = 2;

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------

const inspectDefaultOptions = Object.seal({
  showHidden: false,
  depth: 2,
  colors: false,
  customInspect: true,
  showProxy: false,
  maxArrayLength: 100,
  maxStringLength: 10000,
  breakLength: 80,
  compact: 3,
  sorted: false,
  getters: false,
  numericSeparator: false,
});

// How the entries of a list are printed: as `key: value` pairs (objects),
// bare values (array elements), or `key: value` pairs of an array-like.
const kObjectType = 0;
const kArrayType = 1;
const kArrayExtrasType = 2;

// Iterator preview kinds.
const kWeak = 0;
const kIterator = 1;
const kMapEntries = 2;

// Strings shorter than this are never split across lines.
const kMinLineLength = 16;

function makeTypeError(code, message) {
  const err = new TypeError(message);
  err.code = code;
  return err;
}

// How an invalid argument is described in ERR_INVALID_ARG_TYPE messages:
// "type number (1)", "an instance of Map", "function f", "null" ...
function describeType(value) {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'bigint':
      return `type bigint (${value}n)`;
    case 'number':
      return `type number (${ObjectIs(value, -0) ? '-0' : value})`;
    case 'boolean':
      return `type boolean (${value})`;
    case 'symbol':
      return `type symbol (${String(value)})`;
    case 'function':
      return `function ${value.name}`;
    case 'object':
      if (value.constructor && 'name' in value.constructor) {
        return `an instance of ${value.constructor.name}`;
      }
      return inspect(value, { depth: -1 });
    case 'string':
      if (value.length > 28) value = `${value.slice(0, 25)}...`;
      return value.includes("'") ?
        `type string (${JSONStringify(value)})` :
        `type string ('${value}')`;
    default: {
      let shown = inspect(value, { colors: false });
      if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
      return `type ${typeof value} (${shown})`;
    }
  }
}

function validateObject(value, name, allowArray) {
  if (value === null || typeof value !== 'object' ||
      (!allowArray && ArrayIsArray(value))) {
    throw makeTypeError('ERR_INVALID_ARG_TYPE',
                        `The "${name}" argument must be of type object. ` +
                        `Received ${describeType(value)}`);
  }
}

// ---------------------------------------------------------------------------
// Styling (colors are only used when explicitly asked for)
// ---------------------------------------------------------------------------

const defaultFG = 39;
const defaultBG = 49;
const colors = {
  __proto__: null,
  reset: [0, 0],
  bold: [1, 22],
  dim: [2, 22],
  italic: [3, 23],
  underline: [4, 24],
  blink: [5, 25],
  inverse: [7, 27],
  hidden: [8, 28],
  strikethrough: [9, 29],
  doubleunderline: [21, 24],
  black: [30, defaultFG],
  red: [31, defaultFG],
  green: [32, defaultFG],
  yellow: [33, defaultFG],
  blue: [34, defaultFG],
  magenta: [35, defaultFG],
  cyan: [36, defaultFG],
  white: [37, defaultFG],
  bgBlack: [40, defaultBG],
  bgRed: [41, defaultBG],
  bgGreen: [42, defaultBG],
  bgYellow: [43, defaultBG],
  bgBlue: [44, defaultBG],
  bgMagenta: [45, defaultBG],
  bgCyan: [46, defaultBG],
  bgWhite: [47, defaultBG],
  framed: [51, 54],
  overlined: [53, 55],
  gray: [90, defaultFG],
  redBright: [91, defaultFG],
  greenBright: [92, defaultFG],
  yellowBright: [93, defaultFG],
  blueBright: [94, defaultFG],
  magentaBright: [95, defaultFG],
  cyanBright: [96, defaultFG],
  whiteBright: [97, defaultFG],
  bgGray: [100, defaultBG],
  bgRedBright: [101, defaultBG],
  bgGreenBright: [102, defaultBG],
  bgYellowBright: [103, defaultBG],
  bgBlueBright: [104, defaultBG],
  bgMagentaBright: [105, defaultBG],
  bgCyanBright: [106, defaultBG],
  bgWhiteBright: [107, defaultBG],
};

const colorAliases = [
  ['grey', 'gray'], ['blackBright', 'gray'], ['bgGrey', 'bgGray'],
  ['bgBlackBright', 'bgGray'], ['faint', 'dim'], ['crossedout', 'strikethrough'],
  ['strikeThrough', 'strikethrough'], ['crossedOut', 'strikethrough'],
  ['conceal', 'hidden'], ['swapColors', 'inverse'], ['swapcolors', 'inverse'],
  ['doubleUnderline', 'doubleunderline'],
];
for (const [alias, target] of colorAliases) {
  ObjectDefineProperty(colors, alias, {
    get() { return this[target]; },
    set(value) { this[target] = value; },
    configurable: true,
    enumerable: false,
  });
}

const styles = ObjectAssign({ __proto__: null }, {
  special: 'cyan',
  number: 'yellow',
  bigint: 'yellow',
  boolean: 'yellow',
  undefined: 'grey',
  null: 'bold',
  string: 'green',
  symbol: 'green',
  date: 'magenta',
  regexp: 'red',
  module: 'underline',
});

function stylizeWithColor(str, styleType) {
  const style = inspect.styles[styleType];
  if (style !== undefined) {
    const color = inspect.colors[style];
    if (color !== undefined) {
      return `\u001b[${color[0]}m${str}\u001b[${color[1]}m`;
    }
  }
  return str;
}

function stylizeNoColor(str) {
  return str;
}

// ANSI escape sequences (CSI and OSC), the same set Node strips before
// measuring text. Pattern from the MIT-licensed ansi-regex project.
const ansiPattern = new RegExp(
  '[\\u001B\\u009B][[\\]()#;?]*' +
  '(?:(?:(?:(?:;[-a-zA-Z\\d\\/\\#&.:=?%@~_]+)*' +
  '|[a-zA-Z\\d]+(?:;[-a-zA-Z\\d\\/\\#&.:=?%@~_]*)*)?' +
  '(?:\\u0007|\\u001B\\u005C|\\u009C))' +
  '|(?:(?:\\d{1,4}(?:;\\d{0,4})*)?' +
  '[\\dA-PR-TZcf-nq-uy=><~]))', 'g');

function stripVTControlCharacters(str) {
  return String(str).replace(ansiPattern, '');
}

// ---------------------------------------------------------------------------
// String width (columns a string takes in a terminal)
// ---------------------------------------------------------------------------

// Node asks ICU; without an ICU width API in JavaScript we combine Unicode
// property escapes (zero-width classes, emoji presentation) with the East
// Asian Wide/Fullwidth ranges. See "Differences from Node" in js/README.md.
const zeroWidthRegExp = /^[\p{Cc}\p{Cf}\p{Me}\p{Mn}\p{Emoji_Modifier}]$/u;
const emojiPresentationRegExp = /^\p{Emoji_Presentation}$/u;

function isFullWidthCodePoint(code) {
  return code >= 0x1100 && (
    code <= 0x115f || // Hangul Jamo
    code === 0x2329 || code === 0x232a || // Angle brackets
    (code >= 0x2e80 && code <= 0x3247 && code !== 0x303f) || // CJK ... Kanbun
    (code >= 0x3250 && code <= 0x4dbf) || // Enclosed CJK ... CJK Ext A
    (code >= 0x4e00 && code <= 0xa4c6) || // CJK Unified ... Yi Radicals
    (code >= 0xa960 && code <= 0xa97c) || // Hangul Jamo Extended-A
    (code >= 0xac00 && code <= 0xd7a3) || // Hangul Syllables
    (code >= 0xf900 && code <= 0xfaff) || // CJK Compatibility Ideographs
    (code >= 0xfe10 && code <= 0xfe19) || // Vertical Forms
    (code >= 0xfe30 && code <= 0xfe6b) || // CJK Compatibility Forms
    (code >= 0xff01 && code <= 0xff60) || // Fullwidth Forms
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1b000 && code <= 0x1b001) || // Kana Supplement
    (code >= 0x1f200 && code <= 0x1f251) || // Enclosed Ideographic Supplement
    (code >= 0x1f300 && code <= 0x1f64f) || // Pictographs and emoticons
    (code >= 0x20000 && code <= 0x3fffd) // CJK Ext B .. Tertiary plane
  );
}

function codePointWidth(char) {
  const code = char.codePointAt(0);
  if (code !== 0xad && zeroWidthRegExp.test(char)) return 0;
  if (isFullWidthCodePoint(code) || emojiPresentationRegExp.test(char)) {
    return 2;
  }
  return 1;
}

function getStringWidth(str, removeControlChars = true) {
  if (removeControlChars) str = stripVTControlCharacters(str);
  let width = 0;
  for (let i = 0; i < str.length; i++) {
    const code = str.charCodeAt(i);
    if (code >= 127) {
      // Everything from the first non-ASCII character on is measured per
      // code point, after NFC normalization.
      let rest = str.slice(i);
      try {
        rest = rest.normalize('NFC');
      } catch {
        // Keep the text as it is.
      }
      for (const char of rest) width += codePointWidth(char);
      break;
    }
    width += code >= 32 ? 1 : 0;
  }
  return width;
}

// ---------------------------------------------------------------------------
// Quoting and escaping
// ---------------------------------------------------------------------------

// Escapes for control characters, the backslash and the single quote.
function escapeCharacter(char) {
  const code = char.charCodeAt(0);
  switch (code) {
    case 0x08: return '\\b';
    case 0x09: return '\\t';
    case 0x0a: return '\\n';
    case 0x0c: return '\\f';
    case 0x0d: return '\\r';
    case 0x27: return "\\'";
    case 0x5c: return '\\\\';
    default:
      if (code < 0xa0) {
        return `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
      }
      // A lone surrogate.
      return `\\u${code.toString(16)}`;
  }
}

const loneSurrogate =
  '[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
// Everything that is escaped inside a single-quoted string ...
const escapeWithQuoteRegExp =
  new RegExp(`[\\x00-\\x1f\\x27\\x5c\\x7f-\\x9f]|${loneSurrogate}`, 'g');
// ... and inside a string quoted with " or `.
const escapeRegExp =
  new RegExp(`[\\x00-\\x1f\\x5c\\x7f-\\x9f]|${loneSurrogate}`, 'g');

// Escapes a key or symbol description shown in brackets: `[key]`.
function escapeBracketed(str) {
  return str.replace(escapeWithQuoteRegExp, escapeCharacter);
}

// Quotes a string the way Node does: single quotes unless the text contains
// one, then double quotes, then backticks; single quotes (escaped) when all
// three appear (or `${`, which would look like a template).
function quoteString(str) {
  let quote = "'";
  if (str.includes("'")) {
    if (!str.includes('"')) {
      quote = '"';
    } else if (!str.includes('`') && !str.includes('${')) {
      quote = '`';
    }
  }
  const pattern = quote === "'" ? escapeWithQuoteRegExp : escapeRegExp;
  return `${quote}${str.replace(pattern, escapeCharacter)}${quote}`;
}

// ---------------------------------------------------------------------------
// Primitives
// ---------------------------------------------------------------------------

// Inserts `_` every three digits of an integer string (keeping a leading -).
function addNumericSeparator(integerString) {
  const start = integerString[0] === '-' ? 1 : 0;
  let i = integerString.length;
  let result = '';
  for (; i >= start + 4; i -= 3) {
    result = `_${integerString.slice(i - 3, i)}${result}`;
  }
  return i === integerString.length ?
    integerString :
    `${integerString.slice(0, i)}${result}`;
}

// Same for a fraction's digits, grouped from the decimal point on.
function addNumericSeparatorEnd(digits) {
  let i = 0;
  let result = '';
  for (; i < digits.length - 3; i += 3) {
    result += `${digits.slice(i, i + 3)}_`;
  }
  return i === 0 ? digits : `${result}${digits.slice(i)}`;
}

function formatNumber(fn, number, numericSeparator) {
  if (!numericSeparator) {
    if (ObjectIs(number, -0)) return fn('-0', 'number');
    return fn(`${number}`, 'number');
  }
  const text = String(number);
  if (Math.trunc(number) === number) {
    if (!Number.isFinite(number) || text.includes('e')) {
      return fn(text, 'number');
    }
    return fn(addNumericSeparator(text), 'number');
  }
  if (Number.isNaN(number)) return fn(text, 'number');
  const dot = text.indexOf('.');
  return fn(`${addNumericSeparator(text.slice(0, dot))}.` +
            `${addNumericSeparatorEnd(text.slice(dot + 1))}`, 'number');
}

function formatBigInt(fn, bigint, numericSeparator) {
  const text = String(bigint);
  if (!numericSeparator) return fn(`${text}n`, 'bigint');
  return fn(`${addNumericSeparator(text)}n`, 'bigint');
}

function formatString(fn, value, ctx) {
  let trailer = '';
  if (value.length > ctx.maxStringLength) {
    const remaining = value.length - ctx.maxStringLength;
    value = value.slice(0, ctx.maxStringLength);
    trailer = `... ${remaining} more character${remaining > 1 ? 's' : ''}`;
  }
  // Long strings are split after each newline into `'...' +` lines.
  if (ctx.compact !== true &&
      value.length > kMinLineLength &&
      value.length > ctx.breakLength - ctx.indentationLvl - 4) {
    const indentation = ' '.repeat(ctx.indentationLvl + 2);
    return value.split(/(?<=\n)/)
      .map((line) => fn(quoteString(line), 'string'))
      .join(` +\n${indentation}`) + trailer;
  }
  return fn(quoteString(value), 'string') + trailer;
}

function formatPrimitive(fn, value, ctx) {
  switch (typeof value) {
    case 'string': return formatString(fn, value, ctx);
    case 'number': return formatNumber(fn, value, ctx.numericSeparator);
    case 'bigint': return formatBigInt(fn, value, ctx.numericSeparator);
    case 'boolean': return fn(`${value}`, 'boolean');
    case 'undefined': return fn('undefined', 'undefined');
    default: return fn(symbolToString(value), 'symbol');
  }
}

// ---------------------------------------------------------------------------
// inspect()
// ---------------------------------------------------------------------------

/**
 * Returns a string representation of `value` (Node's util.inspect).
 * Legacy signature: inspect(value, showHidden, depth, colors).
 */
function inspect(value, opts) {
  const ctx = {
    budget: {},
    indentationLvl: 0,
    seen: [],
    currentDepth: 0,
    stylize: stylizeNoColor,
    showHidden: inspectDefaultOptions.showHidden,
    depth: inspectDefaultOptions.depth,
    colors: inspectDefaultOptions.colors,
    customInspect: inspectDefaultOptions.customInspect,
    showProxy: inspectDefaultOptions.showProxy,
    maxArrayLength: inspectDefaultOptions.maxArrayLength,
    maxStringLength: inspectDefaultOptions.maxStringLength,
    breakLength: inspectDefaultOptions.breakLength,
    compact: inspectDefaultOptions.compact,
    sorted: inspectDefaultOptions.sorted,
    getters: inspectDefaultOptions.getters,
    numericSeparator: inspectDefaultOptions.numericSeparator,
  };
  if (arguments.length > 1) {
    if (arguments.length > 2) {
      if (arguments[2] !== undefined) ctx.depth = arguments[2];
      if (arguments.length > 3 && arguments[3] !== undefined) {
        ctx.colors = arguments[3];
      }
    }
    if (typeof opts === 'boolean') {
      ctx.showHidden = opts;
    } else if (opts) {
      for (const key of ObjectKeys(opts)) {
        if (hasOwn(inspectDefaultOptions, key) || key === 'stylize') {
          ctx[key] = opts[key];
        } else if (ctx.userOptions === undefined) {
          // Unknown options are handed through to custom inspect functions.
          ctx.userOptions = opts;
        }
      }
    }
  }
  if (ctx.colors) ctx.stylize = stylizeWithColor;
  if (ctx.maxArrayLength === null) ctx.maxArrayLength = Infinity;
  if (ctx.maxStringLength === null) ctx.maxStringLength = Infinity;
  return formatValue(ctx, value, 0);
}

inspect.custom = Symbol.for('nodejs.util.inspect.custom');
ObjectDefineProperty(inspect, 'defaultOptions', {
  get() {
    return inspectDefaultOptions;
  },
  set(options) {
    validateObject(options, 'options');
    return ObjectAssign(inspectDefaultOptions, options);
  },
});
inspect.colors = colors;
inspect.styles = styles;

const customInspectSymbol = inspect.custom;

// The options object handed to a custom inspect function.
function getUserOptions(ctx, isCrossContext) {
  const ret = {
    stylize: ctx.stylize,
    showHidden: ctx.showHidden,
    depth: ctx.depth,
    colors: ctx.colors,
    customInspect: ctx.customInspect,
    showProxy: ctx.showProxy,
    maxArrayLength: ctx.maxArrayLength,
    maxStringLength: ctx.maxStringLength,
    breakLength: ctx.breakLength,
    compact: ctx.compact,
    sorted: ctx.sorted,
    getters: ctx.getters,
    numericSeparator: ctx.numericSeparator,
    ...ctx.userOptions,
  };
  // Values that are not instances of this realm's Object (null-prototype
  // objects, proxies) only get primitives, and a stylize without prototype.
  if (isCrossContext) {
    ObjectSetPrototypeOf(ret, null);
    for (const key of ObjectKeys(ret)) {
      if ((typeof ret[key] === 'object' || typeof ret[key] === 'function') &&
          ret[key] !== null) {
        delete ret[key];
      }
    }
    ret.stylize = ObjectSetPrototypeOf((value, flavour) => {
      let stylized;
      try {
        stylized = `${ctx.stylize(value, flavour)}`;
      } catch {
        // Fall back to the plain value.
      }
      return typeof stylized === 'string' ? stylized : value;
    }, null);
  }
  return ret;
}

function isBeyondDepth(ctx, recurseTimes) {
  return recurseTimes > ctx.depth && ctx.depth !== null;
}

function formatValue(ctx, value, recurseTimes, typedArray) {
  if (typeof value !== 'object' &&
      typeof value !== 'function' &&
      !isUndetectableObject(value)) {
    return formatPrimitive(ctx.stylize, value, ctx);
  }
  if (value === null) {
    return ctx.stylize('null', 'null');
  }

  // Proxies are looked through without triggering any trap.
  const context = value;
  const proxy = native.getProxyDetails(value, !!ctx.showProxy);
  if (proxy !== undefined) {
    if (proxy === null || proxy[0] === null) {
      return ctx.stylize('<Revoked Proxy>', 'special');
    }
    if (ctx.showProxy) {
      return formatProxy(ctx, proxy, recurseTimes);
    }
    value = proxy;
  }

  if (ctx.customInspect) {
    const result = callCustomInspect(ctx, value, context, proxy, recurseTimes);
    if (result !== undefined) return result;
  }

  if (ctx.seen.includes(value)) {
    return ctx.stylize(`[Circular *${circularIndex(ctx, value)}]`, 'special');
  }

  return formatRaw(ctx, value, recurseTimes, typedArray);
}

// Runs `value[inspect.custom]` if there is one; returns undefined when the
// value has to be formatted normally.
function callCustomInspect(ctx, value, context, proxy, recurseTimes) {
  const custom = value[customInspectSymbol];
  if (typeof custom !== 'function' ||
      custom === inspect ||
      // Prototype objects (Foo.prototype) are shown as they are.
      (value.constructor && value.constructor.prototype === value)) {
    return undefined;
  }
  const depth = ctx.depth === null ? null : ctx.depth - recurseTimes;
  const isCrossContext = proxy !== undefined || !(context instanceof Object);
  const ret = custom.call(context, depth, getUserOptions(ctx, isCrossContext),
                          inspect);
  if (ret === context) return undefined;
  if (typeof ret !== 'string') return formatValue(ctx, ret, recurseTimes);
  return ret.replaceAll('\n', `\n${' '.repeat(ctx.indentationLvl)}`);
}

// Numbers the objects that are referenced circularly: *1, *2, ...
function circularIndex(ctx, value) {
  if (ctx.circular === undefined) ctx.circular = new Map();
  let index = ctx.circular.get(value);
  if (index === undefined) {
    index = ctx.circular.size + 1;
    ctx.circular.set(value, index);
  }
  return index;
}

function formatProxy(ctx, proxy, recurseTimes) {
  if (isBeyondDepth(ctx, recurseTimes)) {
    return ctx.stylize('Proxy [Array]', 'special');
  }
  recurseTimes += 1;
  ctx.indentationLvl += 2;
  const res = [
    formatValue(ctx, proxy[0], recurseTimes),
    formatValue(ctx, proxy[1], recurseTimes),
  ];
  ctx.indentationLvl -= 2;
  return reduceToSingleString(
    ctx, res, '', ['Proxy [', ']'], kArrayExtrasType, recurseTimes);
}

// ---------------------------------------------------------------------------
// Constructor names and prefixes
// ---------------------------------------------------------------------------

// Builtin prototypes whose `constructor` property may have been tampered with.
const wellKnownPrototypes = new Map([
  [ObjectPrototype, { name: 'Object', constructor: Object }],
  [FunctionPrototype, { name: 'Function', constructor: Function }],
]);

function isInstanceof(object, constructor) {
  try {
    return object instanceof constructor;
  } catch {
    return false;
  }
}

// The name of the closest constructor on the prototype chain, or null for
// objects without a prototype. With `showHidden`, user-defined properties
// found on the prototypes are appended to `protoProps`.
function getConstructorName(obj, ctx, recurseTimes, protoProps) {
  let firstProto;
  const original = obj;
  while (obj || isUndetectableObject(obj)) {
    const known = wellKnownPrototypes.get(obj);
    if (known !== undefined && functionHasInstance(known.constructor, original)) {
      if (protoProps !== undefined && firstProto !== obj) {
        addPrototypeProperties(
          ctx, original, firstProto || original, recurseTimes, protoProps);
      }
      return known.name;
    }
    const descriptor = ObjectGetOwnPropertyDescriptor(obj, 'constructor');
    if (descriptor !== undefined &&
        typeof descriptor.value === 'function' &&
        descriptor.value.name !== '' &&
        isInstanceof(original, descriptor.value)) {
      if (protoProps !== undefined &&
          (firstProto !== obj || !builtInObjects.has(descriptor.value.name))) {
        addPrototypeProperties(
          ctx, original, firstProto || original, recurseTimes, protoProps);
      }
      return String(descriptor.value.name);
    }
    obj = ObjectGetPrototypeOf(obj);
    if (firstProto === undefined) firstProto = obj;
  }

  if (firstProto === null) return null;

  // A prototype chain without a usable constructor: use V8's class name plus
  // a description of the prototype.
  const res = native.getConstructorName(original);
  if (isBeyondDepth(ctx, recurseTimes)) {
    return `${res} <Complex prototype>`;
  }
  const protoConstructor = getConstructorName(
    firstProto, ctx, recurseTimes + 1, protoProps);
  if (protoConstructor === null) {
    const shown = inspect(firstProto, {
      ...optionsOf(ctx),
      customInspect: false,
      depth: -1,
    });
    return `${res} <${shown}>`;
  }
  return `${res} <${protoConstructor}>`;
}

function optionsOf(ctx) {
  const options = { stylize: ctx.stylize };
  for (const key of ObjectKeys(inspectDefaultOptions)) options[key] = ctx[key];
  return options;
}

// Lists the non-function properties defined on up to three user-defined
// prototypes of `main` (showHidden only).
function addPrototypeProperties(ctx, main, obj, recurseTimes, output) {
  let depth = 0;
  let keys;
  let keySet;
  do {
    if (depth !== 0 || main === obj) {
      obj = ObjectGetPrototypeOf(obj);
      if (obj === null) return;
      const descriptor = ObjectGetOwnPropertyDescriptor(obj, 'constructor');
      if (descriptor !== undefined &&
          typeof descriptor.value === 'function' &&
          builtInObjects.has(descriptor.value.name)) {
        return;
      }
    }
    if (depth === 0) {
      keySet = new Set();
    } else {
      for (const key of keys) keySet.add(key);
    }
    keys = ReflectOwnKeys(obj);
    ctx.seen.push(main);
    for (const key of keys) {
      if (key === 'constructor' || hasOwn(main, key) ||
          (depth !== 0 && keySet.has(key))) {
        continue;
      }
      const desc = ObjectGetOwnPropertyDescriptor(obj, key);
      if (typeof desc.value === 'function') continue;
      const value = formatProperty(
        ctx, obj, recurseTimes, key, kObjectType, desc, main);
      output.push(ctx.colors ? `\u001b[2m${value}\u001b[22m` : value);
    }
    ctx.seen.pop();
  } while (++depth !== 3);
}

// "Foo ", "Foo(3) [tag] ", "[Array(3): null prototype] " ...
function getPrefix(constructor, tag, fallback, size = '') {
  if (constructor === null) {
    if (tag !== '' && fallback !== tag) {
      return `[${fallback}${size}: null prototype] [${tag}] `;
    }
    return `[${fallback}${size}: null prototype] `;
  }
  if (tag !== '' && constructor !== tag) {
    return `${constructor}${size} [${tag}] `;
  }
  return `${constructor}${size} `;
}

function getCtxStyle(value, constructor, tag) {
  let fallback = '';
  if (constructor === null) {
    fallback = native.getConstructorName(value);
    if (fallback === tag) fallback = 'Object';
  }
  return getPrefix(constructor, tag, fallback);
}

// Symbol.toStringTag, unless it is an own property that is listed anyway.
function getDisplayedTag(ctx, value) {
  const tag = value[SymbolToStringTag];
  if (typeof tag !== 'string') return '';
  if (tag !== '') {
    const listed = ctx.showHidden ?
      hasOwn(value, SymbolToStringTag) :
      propertyIsEnumerable(value, SymbolToStringTag);
    if (listed) return '';
  }
  return tag;
}

// Own keys to show: enumerable strings and symbols (all with showHidden).
function getKeys(value, showHidden) {
  const symbols = ObjectGetOwnPropertySymbols(value);
  let keys;
  if (showHidden) {
    keys = ObjectGetOwnPropertyNames(value);
    if (symbols.length !== 0) keys.push(...symbols);
    return keys;
  }
  try {
    keys = ObjectKeys(value);
  } catch (err) {
    // Namespace objects of modules that are not evaluated yet.
    if (!(types.isNativeError(err) && err.name === 'ReferenceError' &&
          types.isModuleNamespaceObject(value))) {
      throw err;
    }
    keys = ObjectGetOwnPropertyNames(value);
  }
  if (symbols.length !== 0) {
    keys.push(...symbols.filter((key) => propertyIsEnumerable(value, key)));
  }
  return keys;
}

// ---------------------------------------------------------------------------
// Objects
// ---------------------------------------------------------------------------

// How an object is laid out:
//   base        text before the braces ("[Function: f]", a date, a stack ...)
//   braces      opening and closing brace
//   keys        own properties listed after the formatter's entries
//   formatter   (ctx, value, recurseTimes) => entries
//   extrasType  kObjectType, or kArrayExtrasType for array-likes
function newLayout(keys, braces) {
  return {
    base: '',
    braces,
    keys,
    formatter: noEntries,
    extrasType: kObjectType,
  };
}

function noEntries() {
  return [];
}

function formatRaw(ctx, value, recurseTimes, typedArray) {
  let protoProps;
  if (ctx.showHidden && (recurseTimes <= ctx.depth || ctx.depth === null)) {
    protoProps = [];
  }
  const constructor = getConstructorName(value, ctx, recurseTimes, protoProps);
  if (protoProps !== undefined && protoProps.length === 0) {
    protoProps = undefined;
  }
  const tag = getDisplayedTag(ctx, value);

  // Either a finished string or a layout to fill in.
  const info = { ctx, value, recurseTimes, typedArray, constructor, tag,
                 hasProtoProps: protoProps !== undefined };
  let layout;
  if (SymbolIterator in value || constructor === null) {
    layout = describeIterable(info);
  }
  if (layout === undefined) layout = describeObject(info);
  if (typeof layout === 'string') return layout;

  if (isBeyondDepth(ctx, recurseTimes)) {
    let name = getCtxStyle(value, constructor, tag).slice(0, -1);
    if (constructor !== null) name = `[${name}]`;
    return ctx.stylize(name, 'special');
  }
  recurseTimes += 1;

  ctx.seen.push(value);
  ctx.currentDepth = recurseTimes;
  const { keys, braces, extrasType } = layout;
  let { base } = layout;
  let output;
  const indentationLvl = ctx.indentationLvl;
  try {
    output = layout.formatter(ctx, value, recurseTimes);
    for (let i = 0; i < keys.length; i++) {
      output.push(formatProperty(ctx, value, recurseTimes, keys[i], extrasType));
    }
    if (protoProps !== undefined) output.push(...protoProps);
  } catch (err) {
    if (!isStackOverflowError(err)) throw err;
    ctx.seen.pop();
    ctx.indentationLvl = indentationLvl;
    const name = getCtxStyle(value, constructor, tag).slice(0, -1);
    return ctx.stylize(`[${name}: Inspection interrupted prematurely. ` +
                       'Maximum call stack size exceeded.]', 'special');
  }

  if (ctx.circular !== undefined) {
    const index = ctx.circular.get(value);
    if (index !== undefined) {
      const reference = ctx.stylize(`<ref *${index}>`, 'special');
      if (ctx.compact !== true) {
        base = base === '' ? reference : `${reference} ${base}`;
      } else {
        braces[0] = `${reference} ${braces[0]}`;
      }
    }
  }
  ctx.seen.pop();

  if (ctx.sorted) sortOutput(ctx, output, keys.length, extrasType);

  const res = reduceToSingleString(
    ctx, output, base, braces, extrasType, recurseTimes, value);
  // Stop descending once the output gets huge (it could exceed the maximum
  // string length).
  const budget = (ctx.budget[ctx.indentationLvl] || 0) + res.length;
  ctx.budget[ctx.indentationLvl] = budget;
  if (budget > 2 ** 27) ctx.depth = -1;
  return res;
}

function sortOutput(ctx, output, keyCount, extrasType) {
  const comparator = ctx.sorted === true ? undefined : ctx.sorted;
  if (extrasType === kObjectType) {
    output.sort(comparator);
  } else if (keyCount > 1) {
    // Only the named properties after the entries are sorted.
    const start = output.length - keyCount;
    const sorted = output.slice(start).sort(comparator);
    output.splice(start, keyCount, ...sorted);
  }
}

// Arrays, Sets, Maps, typed arrays and their iterators. Returns undefined
// for other iterables.
function describeIterable(info) {
  const { ctx, value, constructor, tag, hasProtoProps } = info;
  const filter = ctx.showHidden ? ALL_PROPERTIES : ONLY_ENUMERABLE;

  if (ArrayIsArray(value)) {
    // Plain arrays get no prefix, subclasses and tagged arrays do.
    const prefix = (constructor !== 'Array' || tag !== '') ?
      getPrefix(constructor, tag, 'Array', `(${value.length})`) :
      '';
    const keys = native.getOwnNonIndexProperties(value, filter);
    const layout = newLayout(keys, [`${prefix}[`, ']']);
    if (value.length === 0 && keys.length === 0 && !hasProtoProps) {
      return `${layout.braces[0]}]`;
    }
    layout.extrasType = kArrayExtrasType;
    layout.formatter = formatArray;
    return layout;
  }

  if (types.isSet(value)) {
    const size = setSize(value);
    const prefix = getPrefix(constructor, tag, 'Set', `(${size})`);
    const keys = getKeys(value, ctx.showHidden);
    if (size === 0 && keys.length === 0 && !hasProtoProps) return `${prefix}{}`;
    const layout = newLayout(keys, [`${prefix}{`, '}']);
    const entries = constructor !== null ? value : setValues(value);
    layout.formatter = (ctx, _, recurseTimes) =>
      formatSet(ctx, entries, size, recurseTimes);
    return layout;
  }

  if (types.isMap(value)) {
    const size = mapSize(value);
    const prefix = getPrefix(constructor, tag, 'Map', `(${size})`);
    const keys = getKeys(value, ctx.showHidden);
    if (size === 0 && keys.length === 0 && !hasProtoProps) return `${prefix}{}`;
    const layout = newLayout(keys, [`${prefix}{`, '}']);
    const entries = constructor !== null ? value : mapEntries(value);
    layout.formatter = (ctx, _, recurseTimes) =>
      formatMap(ctx, entries, size, recurseTimes);
    return layout;
  }

  if (types.isTypedArray(value)) {
    const keys = native.getOwnNonIndexProperties(value, filter);
    let elements = value;
    let fallback = '';
    if (constructor === null) {
      // Without a prototype the elements can't be read: copy them into a
      // fresh array of the same kind.
      fallback = typedArrayTag(value);
      elements = new typedArrayConstructors[fallback](value);
    }
    const length = typedArrayLength(value);
    const prefix = getPrefix(constructor, tag, fallback, `(${length})`);
    const layout = newLayout(keys, [`${prefix}[`, ']']);
    if (value.length === 0 && keys.length === 0 && !ctx.showHidden) {
      return `${layout.braces[0]}]`;
    }
    layout.formatter = (ctx, _, recurseTimes) =>
      formatTypedArray(ctx, elements, length, recurseTimes);
    layout.extrasType = kArrayExtrasType;
    return layout;
  }

  if (types.isMapIterator(value) || types.isSetIterator(value)) {
    const kind = types.isMapIterator(value) ? 'Map' : 'Set';
    const keys = getKeys(value, ctx.showHidden);
    const braces = getIteratorBraces(kind, tag);
    const layout = newLayout(keys, braces);
    layout.formatter = (ctx, iterator, recurseTimes) =>
      formatIterator(ctx, iterator, recurseTimes, braces);
    return layout;
  }

  return undefined;
}

// Everything that is not handled by describeIterable.
function describeObject(info) {
  const { ctx, value, recurseTimes, typedArray, constructor, tag,
          hasProtoProps } = info;
  const keys = getKeys(value, ctx.showHidden);
  const layout = newLayout(keys, ['{', '}']);
  const noKeys = keys.length === 0 && !hasProtoProps;
  const { braces } = layout;

  if (typeof value === 'function') {
    layout.base = getFunctionBase(value, constructor, tag);
    if (noKeys) return ctx.stylize(layout.base, 'special');
  } else if (constructor === 'Object') {
    if (types.isArgumentsObject(value)) {
      braces[0] = '[Arguments] {';
    } else if (tag !== '') {
      braces[0] = `${getPrefix(constructor, tag, 'Object')}{`;
    }
    if (noKeys) return `${braces[0]}}`;
  } else if (types.isRegExp(value)) {
    let base = regExpToString(constructor !== null ? value : new RegExp(value));
    const prefix = getPrefix(constructor, tag, 'RegExp');
    if (prefix !== 'RegExp ') base = `${prefix}${base}`;
    if (noKeys || isBeyondDepth(ctx, recurseTimes)) {
      return ctx.stylize(base, 'regexp');
    }
    layout.base = base;
  } else if (types.isDate(value)) {
    let base = Number.isNaN(dateGetTime(value)) ?
      dateToString(value) :
      dateToISOString(value);
    const prefix = getPrefix(constructor, tag, 'Date');
    if (prefix !== 'Date ') base = `${prefix}${base}`;
    if (noKeys) return ctx.stylize(base, 'date');
    layout.base = base;
  } else if (isError(value)) {
    layout.base = formatError(value, constructor, tag, ctx, keys);
    if (keys.length === 0 && !hasProtoProps) return layout.base;
  } else if (types.isAnyArrayBuffer(value)) {
    const type = types.isArrayBuffer(value) ? 'ArrayBuffer' : 'SharedArrayBuffer';
    const prefix = getPrefix(constructor, tag, type);
    if (typedArray === undefined) {
      layout.formatter = formatArrayBuffer;
    } else if (noKeys) {
      // The `buffer` of a typed array shown with showHidden.
      return `${prefix}{ byteLength: ` +
        `${formatNumber(ctx.stylize, value.byteLength, false)} }`;
    }
    braces[0] = `${prefix}{`;
    keys.unshift('byteLength');
  } else if (types.isDataView(value)) {
    braces[0] = `${getPrefix(constructor, tag, 'DataView')}{`;
    // `buffer` goes last: it is the only one that is not a primitive.
    keys.unshift('byteLength', 'byteOffset', 'buffer');
  } else if (types.isPromise(value)) {
    braces[0] = `${getPrefix(constructor, tag, 'Promise')}{`;
    layout.formatter = formatPromise;
  } else if (types.isWeakSet(value)) {
    braces[0] = `${getPrefix(constructor, tag, 'WeakSet')}{`;
    layout.formatter = ctx.showHidden ? formatWeakSet : formatWeakCollection;
  } else if (types.isWeakMap(value)) {
    braces[0] = `${getPrefix(constructor, tag, 'WeakMap')}{`;
    layout.formatter = ctx.showHidden ? formatWeakMap : formatWeakCollection;
  } else if (types.isModuleNamespaceObject(value)) {
    braces[0] = `${getPrefix(constructor, tag, 'Module')}{`;
    // The bindings are formatted by the formatter (they may be
    // uninitialized), not as regular keys.
    const bindings = keys.slice();
    keys.length = 0;
    layout.formatter = (ctx, namespace, recurseTimes) =>
      formatNamespaceObject(ctx, namespace, recurseTimes, bindings);
  } else if (types.isBoxedPrimitive(value)) {
    layout.base = getBoxedBase(value, ctx, keys, constructor, tag);
    if (keys.length === 0 && !hasProtoProps) return layout.base;
  } else {
    if (noKeys) {
      if (types.isExternal(value)) {
        return ctx.stylize('[External: <address unavailable>]', 'special');
      }
      return `${getCtxStyle(value, constructor, tag)}{}`;
    }
    braces[0] = `${getCtxStyle(value, constructor, tag)}{`;
  }
  return layout;
}

function getIteratorBraces(type, tag) {
  if (tag !== `${type} Iterator`) {
    if (tag !== '') tag += '] [';
    tag += `${type} Iterator`;
  }
  return [`[${tag}] {`, '}'];
}

// [Number: 3], [String: 'abc'], [Symbol: Symbol(a)], [Number (Foo): 1] ...
function getBoxedBase(value, ctx, keys, constructor, tag) {
  let primitive;
  let type;
  if (types.isNumberObject(value)) {
    primitive = numberValueOf(value);
    type = 'Number';
  } else if (types.isStringObject(value)) {
    primitive = stringValueOf(value);
    type = 'String';
    // The character indices are implied by the string itself.
    keys.splice(0, value.length);
  } else if (types.isBooleanObject(value)) {
    primitive = booleanValueOf(value);
    type = 'Boolean';
  } else if (types.isBigIntObject(value)) {
    primitive = bigIntValueOf(value);
    type = 'BigInt';
  } else {
    primitive = symbolValueOf(value);
    type = 'Symbol';
  }
  let base = `[${type}`;
  if (type !== constructor) {
    base += constructor === null ? ' (null prototype)' : ` (${constructor})`;
  }
  base += `: ${formatPrimitive(stylizeNoColor, primitive, ctx)}]`;
  if (tag !== '' && tag !== constructor) base += ` [${tag}]`;
  if (keys.length !== 0 || ctx.stylize === stylizeNoColor) return base;
  return ctx.stylize(base, type.toLowerCase());
}

// ---------------------------------------------------------------------------
// Functions and classes
// ---------------------------------------------------------------------------

const classBodyRegExp = /^(\s+[^(]*?)\s*{/;
const commentsRegExp = /(\/\/.*?\n)|(\/\*(.|\n)*?\*\/)/g;

function isClassSource(source) {
  if (!source.startsWith('class') || source[source.length - 1] !== '}') {
    return false;
  }
  const afterKeyword = source.slice(5, -1);
  const brace = afterKeyword.indexOf('{');
  if (brace === -1) return false;
  // `class Foo extends (expression) {`: strip comments and look again.
  return !afterKeyword.slice(0, brace).includes('(') ||
    classBodyRegExp.test(afterKeyword.replace(commentsRegExp, ''));
}

function getClassBase(value, constructor, tag) {
  const name = (hasOwn(value, 'name') && value.name) || '(anonymous)';
  let base = `class ${name}`;
  if (constructor !== 'Function' && constructor !== null) {
    base += ` [${constructor}]`;
  }
  if (tag !== '' && constructor !== tag) base += ` [${tag}]`;
  if (constructor !== null) {
    const superName = ObjectGetPrototypeOf(value).name;
    if (superName) base += ` extends ${superName}`;
  } else {
    base += ' extends [null prototype]';
  }
  return `[${base}]`;
}

function getFunctionBase(value, constructor, tag) {
  if (isClassSource(functionToString(value))) {
    return getClassBase(value, constructor, tag);
  }
  let type = 'Function';
  if (types.isGeneratorFunction(value)) type = `Generator${type}`;
  if (types.isAsyncFunction(value)) type = `Async${type}`;
  let base = `[${type}`;
  if (constructor === null) base += ' (null prototype)';
  base += value.name === '' ? ' (anonymous)' : `: ${value.name}`;
  base += ']';
  if (constructor !== type && constructor !== null) base += ` ${constructor}`;
  if (tag !== '' && constructor !== tag) base += ` [${tag}]`;
  return base;
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

let stackOverflowMessage;
let stackOverflowName;

function isStackOverflowError(err) {
  if (stackOverflowMessage === undefined) {
    try {
      const overflow = () => overflow();
      overflow();
    } catch (e) {
      stackOverflowMessage = e.message;
      stackOverflowName = e.name;
    }
  }
  return Boolean(err) && err.name === stackOverflowName &&
    err.message === stackOverflowMessage;
}

function getStackString(error) {
  return error.stack ? String(error.stack) : errorToString(error);
}

// The longest run (over 3 lines) of `b` that also occurs in `a`.
function identicalSequenceRange(a, b) {
  for (let i = 0; i < a.length - 3; i++) {
    const pos = b.indexOf(a[i]);
    if (pos === -1) continue;
    const rest = b.length - pos;
    if (rest <= 3) continue;
    let len = 1;
    const maxLen = Math.min(a.length - i, rest);
    while (maxLen > len && a[i + len] === b[pos + len]) len++;
    if (len > 3) return { len, offset: i };
  }
  return { len: 0, offset: 0 };
}

// The stack frame lines, with the frames shared with `err.cause` collapsed.
function getStackFrames(ctx, err, stack) {
  const frames = stack.split('\n');
  let cause;
  try {
    ({ cause } = err);
  } catch {
    // A throwing `cause` getter is ignored.
  }
  if (cause != null && isError(cause)) {
    const causeStack = getStackString(cause);
    const causeStackStart = causeStack.indexOf('\n    at');
    if (causeStackStart !== -1) {
      const causeFrames = causeStack.slice(causeStackStart + 1).split('\n');
      const { len, offset } = identicalSequenceRange(frames, causeFrames);
      if (len > 0) {
        const skipped = len - 2;
        const msg = `    ... ${skipped} lines matching cause stack trace ...`;
        frames.splice(offset + 1, skipped, ctx.stylize(msg, 'undefined'));
      }
    }
  }
  return frames;
}

// Makes the first line name the constructor when it differs from `name`
// (e.g. "TypeError" thrown by a subclass `Foo` reads "Foo [TypeError]").
function improveStack(stack, constructor, name, tag) {
  let len = name.length;
  if (constructor === null ||
      (name.endsWith('Error') &&
       stack.startsWith(name) &&
       (stack.length === len || stack[len] === ':' || stack[len] === '\n'))) {
    let fallback = 'Error';
    if (constructor === null) {
      const start = /^([A-Z][a-z_ A-Z0-9[\]()-]+)(?::|\n {4}at)/.exec(stack) ||
        /^([a-z_A-Z0-9-]*Error)$/.exec(stack);
      fallback = (start && start[1]) || '';
      len = fallback.length;
      fallback = fallback || 'Error';
    }
    const prefix = getPrefix(constructor, tag, fallback).slice(0, -1);
    if (name !== prefix) {
      if (prefix.includes(name)) {
        stack = len === 0 ?
          `${prefix}: ${stack}` :
          `${prefix}${stack.slice(len)}`;
      } else {
        stack = `${prefix} [${name}]${stack.slice(len)}`;
      }
    }
  }
  return stack;
}

// `name`, `message` and `stack` are not listed when the stack shows them.
function removeDuplicateErrorKeys(ctx, keys, err, stack) {
  if (ctx.showHidden || keys.length === 0) return;
  for (const name of ['name', 'message', 'stack']) {
    const index = keys.indexOf(name);
    if (index !== -1 && stack.includes(err[name])) keys.splice(index, 1);
  }
}

// With colors: underline the package names in node_modules paths. (Node
// also greys out its own core-module frames and the working directory;
// kiln has neither.)
function highlightStackLine(ctx, line) {
  let result = '';
  let lastPos = 0;
  let searchFrom = 0;
  for (;;) {
    const at = line.indexOf('node_modules', searchFrom);
    if (at === -1) break;
    const separator = line[at - 1];
    const after = line[at + 12];
    if ((after !== '/' && after !== '\\') ||
        (separator !== '/' && separator !== '\\')) {
      searchFrom = at + 1;
      continue;
    }
    const moduleStart = at + 13;
    result += line.slice(lastPos, moduleStart);
    let moduleEnd = line.indexOf(separator, moduleStart);
    if (line[moduleStart] === '@') {
      moduleEnd = line.indexOf(separator, moduleEnd + 1);
    }
    result += ctx.stylize(line.slice(moduleStart, moduleEnd), 'module');
    lastPos = moduleEnd;
    searchFrom = moduleEnd;
  }
  return lastPos === 0 ? line : result + line.slice(lastPos);
}

function formatError(err, constructor, tag, ctx, keys) {
  const name = err.name != null ? String(err.name) : 'Error';
  let stack = getStackString(err);

  removeDuplicateErrorKeys(ctx, keys, err, stack);
  if ('cause' in err && (keys.length === 0 || !keys.includes('cause'))) {
    keys.push('cause');
  }
  // AggregateError
  if (ArrayIsArray(err.errors) &&
      (keys.length === 0 || !keys.includes('errors'))) {
    keys.push('errors');
  }

  stack = improveStack(stack, constructor, name, tag);

  // Look for the frames after the message (the message may contain
  // "\n    at" itself).
  let pos = (err.message && stack.indexOf(err.message)) || -1;
  if (pos !== -1) pos += err.message.length;
  const stackStart = stack.indexOf('\n    at', pos);
  if (stackStart === -1) {
    // No stack frames: show it like `[Error: message]`.
    stack = `[${stack}]`;
  } else {
    const lines = getStackFrames(ctx, err, stack.slice(stackStart + 1));
    let newStack = stack.slice(0, stackStart);
    if (ctx.colors) {
      for (const line of lines) newStack += `\n${highlightStackLine(ctx, line)}`;
    } else {
      newStack += `\n${lines.join('\n')}`;
    }
    stack = newStack;
  }
  if (ctx.indentationLvl !== 0) {
    stack = stack.replaceAll('\n', `\n${' '.repeat(ctx.indentationLvl)}`);
  }
  return stack;
}

// ---------------------------------------------------------------------------
// Entry formatters: each returns the list of entries shown inside the braces
// ---------------------------------------------------------------------------

const remainingText = (remaining) =>
  `... ${remaining} more item${remaining > 1 ? 's' : ''}`;

function formatArray(ctx, value, recurseTimes) {
  const length = value.length;
  const shown = Math.min(Math.max(0, ctx.maxArrayLength), length);
  const output = [];
  for (let i = 0; i < shown; i++) {
    if (!hasOwn(value, i)) {
      return formatSparseArray(ctx, value, recurseTimes, shown, output, i);
    }
    output.push(formatProperty(ctx, value, recurseTimes, i, kArrayType));
  }
  if (length > shown) output.push(remainingText(length - shown));
  return output;
}

// Arrays with holes: runs of missing indices become `<n empty items>`.
// `output` already holds the entries before index `i`.
function formatSparseArray(ctx, value, recurseTimes, maxLength, output, i) {
  const keys = ObjectKeys(value);
  let index = i;
  for (; i < keys.length && output.length < maxLength; i++) {
    const key = keys[i];
    const keyIndex = +key;
    if (keyIndex > 2 ** 32 - 2) break; // Not an array index.
    if (`${index}` !== key) {
      if (!/^(0|[1-9][0-9]*)$/.test(key)) break;
      const emptyItems = keyIndex - index;
      output.push(ctx.stylize(
        `<${emptyItems} empty item${emptyItems > 1 ? 's' : ''}>`, 'undefined'));
      index = keyIndex;
      if (output.length === maxLength) break;
    }
    output.push(formatProperty(ctx, value, recurseTimes, key, kArrayType));
    index++;
  }
  const remaining = value.length - index;
  if (output.length !== maxLength) {
    if (remaining > 0) {
      output.push(ctx.stylize(
        `<${remaining} empty item${remaining > 1 ? 's' : ''}>`, 'undefined'));
    }
  } else if (remaining > 0) {
    output.push(remainingText(remaining));
  }
  return output;
}

function formatTypedArray(ctx, value, length, recurseTimes) {
  const shown = Math.min(Math.max(0, ctx.maxArrayLength), length);
  const remaining = value.length - shown;
  const output = new Array(shown);
  const formatElement = value.length > 0 && typeof value[0] === 'number' ?
    formatNumber :
    formatBigInt;
  for (let i = 0; i < shown; ++i) {
    output[i] = formatElement(ctx.stylize, value[i], ctx.numericSeparator);
  }
  if (remaining > 0) output[shown] = remainingText(remaining);
  if (ctx.showHidden) {
    // All but BYTES_PER_ELEMENT are prototype getters; `buffer` goes last.
    ctx.indentationLvl += 2;
    for (const key of
      ['BYTES_PER_ELEMENT', 'length', 'byteLength', 'byteOffset', 'buffer']) {
      const str = formatValue(ctx, value[key], recurseTimes, true);
      output.push(`[${key}]: ${str}`);
    }
    ctx.indentationLvl -= 2;
  }
  return output;
}

function hexByte(byte) {
  return byte < 16 ? `0${byte.toString(16)}` : byte.toString(16);
}

function formatArrayBuffer(ctx, value) {
  let bytes;
  try {
    bytes = new Uint8Array(value);
  } catch {
    return [ctx.stylize('(detached)', 'special')];
  }
  const shown = Math.min(ctx.maxArrayLength, bytes.length);
  const hex = [];
  for (let i = 0; i < shown; i++) hex.push(hexByte(bytes[i]));
  let str = hex.join(' ');
  const remaining = bytes.length - ctx.maxArrayLength;
  if (remaining > 0) {
    str += ` ... ${remaining} more byte${remaining > 1 ? 's' : ''}`;
  }
  return [`${ctx.stylize('[Uint8Contents]', 'special')}: <${str}>`];
}

// `entries` is the Set itself, or a values() iterator for a Set without
// prototype.
function formatSet(ctx, entries, size, recurseTimes) {
  const shown = Math.min(Math.max(0, ctx.maxArrayLength), size);
  const output = [];
  ctx.indentationLvl += 2;
  let i = 0;
  for (const v of entries) {
    if (i >= shown) break;
    output.push(formatValue(ctx, v, recurseTimes));
    i++;
  }
  if (size > shown) output.push(remainingText(size - shown));
  ctx.indentationLvl -= 2;
  return output;
}

function formatMap(ctx, entries, size, recurseTimes) {
  const shown = Math.min(Math.max(0, ctx.maxArrayLength), size);
  const output = [];
  ctx.indentationLvl += 2;
  let i = 0;
  for (const { 0: k, 1: v } of entries) {
    if (i >= shown) break;
    output.push(`${formatValue(ctx, k, recurseTimes)} => ` +
                formatValue(ctx, v, recurseTimes));
    i++;
  }
  if (size > shown) output.push(remainingText(size - shown));
  ctx.indentationLvl -= 2;
  return output;
}

function formatSetIterInner(ctx, recurseTimes, entries, state) {
  const shown = Math.min(Math.max(ctx.maxArrayLength, 0), entries.length);
  const output = new Array(shown);
  ctx.indentationLvl += 2;
  for (let i = 0; i < shown; i++) {
    output[i] = formatValue(ctx, entries[i], recurseTimes);
  }
  ctx.indentationLvl -= 2;
  // Weak collections have no stable order: sort for a halfway reliable
  // output.
  if (state === kWeak && !ctx.sorted) output.sort();
  const remaining = entries.length - shown;
  if (remaining > 0) output.push(remainingText(remaining));
  return output;
}

// `entries` is flat: [key1, value1, key2, value2, ...].
function formatMapIterInner(ctx, recurseTimes, entries, state) {
  const maxArrayLength = Math.max(ctx.maxArrayLength, 0);
  const length = entries.length / 2;
  const remaining = length - maxArrayLength;
  const shown = Math.min(maxArrayLength, length);
  const output = new Array(shown);
  ctx.indentationLvl += 2;
  if (state === kWeak) {
    for (let i = 0; i < shown; i++) {
      output[i] = `${formatValue(ctx, entries[2 * i], recurseTimes)} => ` +
        formatValue(ctx, entries[2 * i + 1], recurseTimes);
    }
    if (!ctx.sorted) output.sort();
  } else {
    for (let i = 0; i < shown; i++) {
      const pair = [
        formatValue(ctx, entries[2 * i], recurseTimes),
        formatValue(ctx, entries[2 * i + 1], recurseTimes),
      ];
      output[i] = reduceToSingleString(
        ctx, pair, '', ['[', ']'], kArrayExtrasType, recurseTimes);
    }
  }
  ctx.indentationLvl -= 2;
  if (remaining > 0) output.push(remainingText(remaining));
  return output;
}

function formatWeakCollection(ctx) {
  return [ctx.stylize('<items unknown>', 'special')];
}

function formatWeakSet(ctx, value, recurseTimes) {
  return formatSetIterInner(
    ctx, recurseTimes, native.previewEntries(value), kWeak);
}

function formatWeakMap(ctx, value, recurseTimes) {
  return formatMapIterInner(
    ctx, recurseTimes, native.previewEntries(value), kWeak);
}

function formatIterator(ctx, value, recurseTimes, braces) {
  const { 0: entries, 1: isKeyValue } = native.previewEntries(value, true);
  if (isKeyValue) {
    // `[Map Entries] {`, `[Set Entries] {`
    braces[0] = braces[0].replace(/ Iterator] {$/, ' Entries] {');
    return formatMapIterInner(ctx, recurseTimes, entries, kMapEntries);
  }
  return formatSetIterInner(ctx, recurseTimes, entries, kIterator);
}

function formatPromise(ctx, value, recurseTimes) {
  const { 0: state, 1: result } = native.getPromiseDetails(value);
  if (state === kPending) return [ctx.stylize('<pending>', 'special')];
  ctx.indentationLvl += 2;
  const str = formatValue(ctx, result, recurseTimes);
  ctx.indentationLvl -= 2;
  return [state === kRejected ?
    `${ctx.stylize('<rejected>', 'special')} ${str}` :
    str];
}

function formatNamespaceObject(ctx, value, recurseTimes, keys) {
  const output = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    try {
      output[i] = formatProperty(ctx, value, recurseTimes, keys[i], kObjectType);
    } catch (err) {
      if (!(types.isNativeError(err) && err.name === 'ReferenceError')) {
        throw err;
      }
      // An uninitialized binding: format the key with an empty string value
      // to get the layout right, then replace the value.
      const placeholder = { [keys[i]]: '' };
      const line = formatProperty(
        ctx, placeholder, recurseTimes, keys[i], kObjectType);
      output[i] = line.slice(0, line.lastIndexOf(' ') + 1) +
        ctx.stylize('<uninitialized>', 'special');
    }
  }
  return output;
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

const identifierRegExp = /^[a-zA-Z_][a-zA-Z_0-9]*$/;

function formatGetterValue(ctx, desc, original, recurseTimes, label) {
  const s = ctx.stylize;
  try {
    const value = desc.get.call(original);
    ctx.indentationLvl += 2;
    let str;
    if (value === null) {
      str = `${s(`[${label}:`, 'special')} ${s('null', 'null')}${s(']', 'special')}`;
    } else if (typeof value === 'object') {
      str = `${s(`[${label}]`, 'special')} ${formatValue(ctx, value, recurseTimes)}`;
    } else {
      const primitive = formatPrimitive(s, value, ctx);
      str = `${s(`[${label}:`, 'special')} ${primitive}${s(']', 'special')}`;
    }
    ctx.indentationLvl -= 2;
    return str;
  } catch (err) {
    const message = `<Inspection threw (${err.message})>`;
    return `${s(`[${label}:`, 'special')} ${message}${s(']', 'special')}`;
  }
}

function formatPropertyValue(ctx, desc, original, recurseTimes, type) {
  if (desc.value !== undefined) {
    const diff = (ctx.compact !== true || type !== kObjectType) ? 2 : 3;
    ctx.indentationLvl += diff;
    const str = formatValue(ctx, desc.value, recurseTimes);
    let separator = ' ';
    if (diff === 3 && ctx.breakLength < getStringWidth(str, ctx.colors)) {
      separator = `\n${' '.repeat(ctx.indentationLvl)}`;
    }
    ctx.indentationLvl -= diff;
    return { str, separator };
  }
  if (desc.get !== undefined) {
    const label = desc.set !== undefined ? 'Getter/Setter' : 'Getter';
    const { getters } = ctx;
    if (getters && (getters === true ||
        (getters === 'get' && desc.set === undefined) ||
        (getters === 'set' && desc.set !== undefined))) {
      return {
        str: formatGetterValue(ctx, desc, original, recurseTimes, label),
        separator: ' ',
      };
    }
    return { str: ctx.stylize(`[${label}]`, 'special'), separator: ' ' };
  }
  if (desc.set !== undefined) {
    return { str: ctx.stylize('[Setter]', 'special'), separator: ' ' };
  }
  return { str: ctx.stylize('undefined', 'undefined'), separator: ' ' };
}

function formatPropertyName(ctx, key, desc) {
  if (typeof key === 'symbol') {
    return `[${ctx.stylize(escapeBracketed(symbolToString(key)), 'symbol')}]`;
  }
  if (key === '__proto__') return "['__proto__']";
  if (desc.enumerable === false) return `[${escapeBracketed(key)}]`;
  if (identifierRegExp.test(key)) return ctx.stylize(key, 'name');
  return ctx.stylize(quoteString(key), 'string');
}

// One entry: `key: value`, or just the value for array elements.
function formatProperty(ctx, value, recurseTimes, key, type, desc,
                        original = value) {
  desc = desc || ObjectGetOwnPropertyDescriptor(value, key) ||
    { value: value[key], enumerable: true };
  const { str, separator } =
    formatPropertyValue(ctx, desc, original, recurseTimes, type);
  if (type === kArrayType) return str;
  return `${formatPropertyName(ctx, key, desc)}:${separator}${str}`;
}

// ---------------------------------------------------------------------------
// Layout: one line or several
// ---------------------------------------------------------------------------

// Whether the entries fit in `breakLength` columns, `start` being the space
// taken by what surrounds them.
function isBelowBreakLength(ctx, output, start, base) {
  let totalLength = output.length + start;
  if (totalLength + output.length > ctx.breakLength) return false;
  for (let i = 0; i < output.length; i++) {
    totalLength += ctx.colors ?
      stripVTControlCharacters(output[i]).length :
      output[i].length;
    if (totalLength > ctx.breakLength) return false;
  }
  // A multi-line base (an error stack) never shares its line.
  return base === '' || !base.includes('\n');
}

// Lines up many short array entries in columns.
function groupArrayElements(ctx, output, value) {
  let totalLength = 0;
  let maxLength = 0;
  let outputLength = output.length;
  // The "... more items" entry does not take part.
  if (ctx.maxArrayLength < output.length) outputLength--;
  const separatorSpace = 2; // ", "
  const dataLen = new Array(outputLength);
  for (let i = 0; i < outputLength; i++) {
    const len = getStringWidth(output[i], ctx.colors);
    dataLen[i] = len;
    totalLength += len + separatorSpace;
    if (maxLength < len) maxLength = len;
  }
  const actualMax = maxLength + separatorSpace;
  // At least three columns must fit, and entries must be of similar length
  // (no entry longer than 1/5 of all combined, unless all are short).
  if (actualMax * 3 + ctx.indentationLvl >= ctx.breakLength ||
      !(totalLength / actualMax > 5 || maxLength <= 6)) {
    return output;
  }

  // Aim for a square-ish block, characters being ~2.5 times as high as wide;
  // the bias gives short entries more columns.
  const approxCharHeights = 2.5;
  const averageBias = Math.sqrt(actualMax - totalLength / output.length);
  const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
  const columns = Math.min(
    Math.round(Math.sqrt(approxCharHeights * biasedMax * outputLength) /
               biasedMax),
    Math.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
    ctx.compact * 4,
    15,
  );
  if (columns <= 1) return output;

  const maxLineLength = [];
  for (let i = 0; i < columns; i++) {
    let lineMaxLength = 0;
    for (let j = i; j < output.length; j += columns) {
      if (dataLen[j] > lineMaxLength) lineMaxLength = dataLen[j];
    }
    maxLineLength.push(lineMaxLength + separatorSpace);
  }
  // Numbers are right-aligned, everything else left-aligned.
  let alignRight = true;
  if (value !== undefined) {
    for (let i = 0; i < output.length; i++) {
      if (typeof value[i] !== 'number' && typeof value[i] !== 'bigint') {
        alignRight = false;
        break;
      }
    }
  }
  const pad = (str, width) =>
    (alignRight ? str.padStart(width, ' ') : str.padEnd(width, ' '));

  const grouped = [];
  for (let i = 0; i < outputLength; i += columns) {
    const max = Math.min(i + columns, outputLength);
    let line = '';
    let j = i;
    for (; j < max - 1; j++) {
      // output[j].length - dataLen[j] is the width of invisible characters
      // (colors).
      const width = maxLineLength[j - i] + output[j].length - dataLen[j];
      line += pad(`${output[j]}, `, width);
    }
    if (alignRight) {
      const width = maxLineLength[j - i] + output[j].length - dataLen[j] -
        separatorSpace;
      line += output[j].padStart(width, ' ');
    } else {
      line += output[j];
    }
    grouped.push(line);
  }
  if (ctx.maxArrayLength < output.length) {
    grouped.push(output[outputLength]);
  }
  return grouped;
}

function reduceToSingleString(
  ctx, output, base, braces, extrasType, recurseTimes, value) {
  if (ctx.compact !== true) {
    if (typeof ctx.compact === 'number' && ctx.compact >= 1) {
      const entries = output.length;
      if (extrasType === kArrayExtrasType && entries > 6) {
        output = groupArrayElements(ctx, output, value);
      }
      // Objects are put on a single line when they are among the `compact`
      // innermost levels (ctx.currentDepth is the depth of the most recently
      // formatted object), were not grouped, and fit.
      if (ctx.currentDepth - recurseTimes < ctx.compact &&
          entries === output.length) {
        const start = output.length + ctx.indentationLvl +
          braces[0].length + base.length + 10;
        if (isBelowBreakLength(ctx, output, start, base)) {
          const joined = output.join(', ');
          if (!joined.includes('\n')) {
            return `${base ? `${base} ` : ''}${braces[0]} ${joined} ${braces[1]}`;
          }
        }
      }
    }
    const indentation = `\n${' '.repeat(ctx.indentationLvl)}`;
    return `${base ? `${base} ` : ''}${braces[0]}${indentation}  ` +
      `${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
  }

  // compact === true: as much as possible on each line.
  if (isBelowBreakLength(ctx, output, 0, base)) {
    return `${braces[0]}${base ? ` ${base}` : ''} ${output.join(', ')} ` +
      braces[1];
  }
  const indentation = ' '.repeat(ctx.indentationLvl);
  // A long opening brace ("Set {") pushes the first entry to its own line so
  // that the entries line up.
  const ln = base === '' && braces[0].length === 1 ?
    ' ' : `${base ? ` ${base}` : ''}\n${indentation}  `;
  return `${braces[0]}${ln}${output.join(`,\n${indentation}  `)} ${braces[1]}`;
}

// ---------------------------------------------------------------------------
// format()
// ---------------------------------------------------------------------------

// Whether `%s` may show the object with inspect() (its toString and
// Symbol.toPrimitive, if any, come from a built-in prototype).
function hasBuiltInToString(value) {
  const proxyTarget = native.getProxyDetails(value, false);
  if (proxyTarget !== undefined) {
    if (proxyTarget === null) return true;
    value = proxyTarget;
  }

  let checkToString = true;
  let checkToPrimitive = true;
  if (typeof value.toString !== 'function') {
    if (typeof value[SymbolToPrimitive] !== 'function') return true;
    if (hasOwn(value, SymbolToPrimitive)) return false;
    checkToString = false;
  } else if (hasOwn(value, 'toString')) {
    return false;
  } else if (typeof value[SymbolToPrimitive] !== 'function') {
    checkToPrimitive = false;
  } else if (hasOwn(value, SymbolToPrimitive)) {
    return false;
  }

  // Find the prototype that defines them and check whether it is built in.
  let pointer = value;
  do {
    pointer = ObjectGetPrototypeOf(pointer);
  } while (!(checkToString && hasOwn(pointer, 'toString')) &&
           !(checkToPrimitive && hasOwn(pointer, SymbolToPrimitive)));
  const descriptor = ObjectGetOwnPropertyDescriptor(pointer, 'constructor');
  return descriptor !== undefined &&
    typeof descriptor.value === 'function' &&
    builtInObjects.has(descriptor.value.name);
}

let circularJSONMessage;

function firstLine(message) {
  return String(message).split('\n', 1)[0];
}

function tryStringify(arg) {
  try {
    return JSONStringify(arg);
  } catch (err) {
    if (circularJSONMessage === undefined) {
      try {
        const a = {};
        a.a = a;
        JSONStringify(a);
      } catch (circularError) {
        circularJSONMessage = firstLine(circularError.message);
      }
    }
    if (err.name === 'TypeError' &&
        firstLine(err.message) === circularJSONMessage) {
      return '[Circular]';
    }
    throw err;
  }
}

function formatNumberNoColor(number, options) {
  return formatNumber(
    stylizeNoColor, number,
    options?.numericSeparator ?? inspectDefaultOptions.numericSeparator);
}

function formatBigIntNoColor(bigint, options) {
  return formatBigInt(
    stylizeNoColor, bigint,
    options?.numericSeparator ?? inspectDefaultOptions.numericSeparator);
}

// %s %j %d %O %o %i %f %c
const placeholderCodes = new Set(
  Array.from('sjdOoifc', (char) => char.charCodeAt(0)));

// The text for one placeholder (the character after '%') and its argument.
function formatPlaceholder(code, arg, inspectOptions) {
  switch (code) {
    case 0x73: // 's'
      if (typeof arg === 'number') return formatNumberNoColor(arg, inspectOptions);
      if (typeof arg === 'bigint') return formatBigIntNoColor(arg, inspectOptions);
      if (typeof arg !== 'object' || arg === null || !hasBuiltInToString(arg)) {
        return String(arg);
      }
      return inspect(arg, {
        ...inspectOptions,
        compact: 3,
        colors: false,
        depth: 0,
      });
    case 0x6a: // 'j'
      return tryStringify(arg);
    case 0x64: // 'd'
      if (typeof arg === 'bigint') return formatBigIntNoColor(arg, inspectOptions);
      if (typeof arg === 'symbol') return 'NaN';
      return formatNumberNoColor(Number(arg), inspectOptions);
    case 0x4f: // 'O'
      return inspect(arg, inspectOptions);
    case 0x6f: // 'o'
      return inspect(arg, {
        ...inspectOptions,
        showHidden: true,
        showProxy: true,
        depth: 4,
      });
    case 0x69: // 'i'
      if (typeof arg === 'bigint') return formatBigIntNoColor(arg, inspectOptions);
      if (typeof arg === 'symbol') return 'NaN';
      return formatNumberNoColor(Number.parseInt(arg), inspectOptions);
    case 0x66: // 'f'
      if (typeof arg === 'symbol') return 'NaN';
      return formatNumberNoColor(Number.parseFloat(arg), inspectOptions);
    default: // 'c': CSS is ignored.
      return '';
  }
}

function formatWithOptionsInternal(inspectOptions, args) {
  const first = args[0];
  let a = 0;
  let str = '';
  let join = '';

  if (typeof first === 'string') {
    if (args.length === 1) return first;
    let lastPos = 0;
    for (let i = 0; i < first.length - 1; i++) {
      if (first.charCodeAt(i) !== 0x25) continue; // '%'
      const nextChar = first.charCodeAt(++i);
      if (nextChar === 0x25) { // '%%' -> '%'
        str += first.slice(lastPos, i);
        lastPos = i + 1;
        continue;
      }
      if (a + 1 === args.length) continue; // No argument left.
      if (!placeholderCodes.has(nextChar)) continue; // Not a placeholder.
      const text = formatPlaceholder(nextChar, args[++a], inspectOptions);
      if (lastPos !== i - 1) str += first.slice(lastPos, i - 1);
      str += text;
      lastPos = i + 1;
    }
    if (lastPos !== 0) {
      a++;
      join = ' ';
      if (lastPos < first.length) str += first.slice(lastPos);
    }
  }

  // The remaining arguments, separated by spaces.
  while (a < args.length) {
    const value = args[a];
    str += join;
    str += typeof value !== 'string' ? inspect(value, inspectOptions) : value;
    join = ' ';
    a++;
  }
  return str;
}

function format(...args) {
  return formatWithOptionsInternal(undefined, args);
}

function formatWithOptions(inspectOptions, ...args) {
  validateObject(inspectOptions, 'inspectOptions', true);
  return formatWithOptionsInternal(inspectOptions, args);
}

export {
  inspect, format, formatWithOptions, getStringWidth, stripVTControlCharacters, describeType,
};
