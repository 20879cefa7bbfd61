// The WebIDL layer (ext:webidl/webidl.js): conversions of JavaScript values to IDL types,
// argument checks, dictionaries, enums, sequences, records, branded interface objects and
// pair iterators, with the TypeErrors browsers give ("<prefix>: <context> is not of type
// '<T>'."). https://webidl.spec.whatwg.org/#es-type-mapping
//
// Built-ins are captured when the module is evaluated, so user code replacing
// Array.prototype.push or Symbol.iterator's methods cannot change a conversion.

import { newPlatformObject } from './platform_object.js';

const ObjectDefineProperty = Object.defineProperty;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ObjectGetOwnPropertyDescriptors = Object.getOwnPropertyDescriptors;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectCreate = Object.create;
const ObjectIs = Object.is;
const ObjectPrototypeIsPrototypeOf = Object.prototype.isPrototypeOf;
const ReflectApply = Reflect.apply;
const ReflectOwnKeys = Reflect.ownKeys;
const ReflectGetOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor;
const ArrayPrototypePush = Array.prototype.push;
const ArrayPrototypeSort = Array.prototype.sort;
const MathFloor = Math.floor;
const MathTrunc = Math.trunc;
const MathMin = Math.min;
const MathMax = Math.max;
const MathFround = Math.fround;
const NumberIsFinite = Number.isFinite;
const NumberIsNaN = Number.isNaN;
const StringPrototypeCharCodeAt = String.prototype.charCodeAt;
const StringFromCharCode = String.fromCharCode;
const RegExpPrototypeTest = RegExp.prototype.test;
const SymbolIterator = Symbol.iterator;
const SymbolToStringTag = Symbol.toStringTag;
const NativeTypeError = TypeError;
const NativeSet = Set;
const SetPrototypeHas = Set.prototype.has;
const ArrayBufferIsView = ArrayBuffer.isView;
const ArrayBufferByteLength =
    ObjectGetOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;
const ArrayBufferPrototypeSlice = ArrayBuffer.prototype.slice;
const SharedArrayBufferByteLength = typeof SharedArrayBuffer === 'function' ?
    ObjectGetOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'byteLength').get : null;
const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
const TypedArrayToStringTag =
    ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, SymbolToStringTag).get;
const TypedArrayBuffer = ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, 'buffer').get;
const DataViewBuffer = ObjectGetOwnPropertyDescriptor(DataView.prototype, 'buffer').get;

// ---- Errors ----

// `new ErrorType("<prefix>: <context> <message>")`; prefix and context may be empty.
export function makeException(ErrorType, message, prefix, context) {
  let text = message;
  if (context) text = `${context} ${text}`;
  if (prefix) text = `${prefix}: ${text}`;
  return new ErrorType(text);
}

function typeError(message, prefix, context) {
  return makeException(NativeTypeError, message, prefix, context);
}

// "<prefix>: 2 arguments required, but only 1 present." when fewer than `required`.
export function requiredArguments(received, required, prefix) {
  if (received < required) {
    const noun = required === 1 ? 'argument' : 'arguments';
    throw new NativeTypeError(
        `${prefix}: ${required} ${noun} required, but only ${received} present.`);
  }
}

// WebIDL's Type(V), as far as conversions care.
function isObject(value) {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

// ---- Primitive types ----

// ToNumber: unary plus throws for Symbol and BigInt, as the spec wants (Number(1n) would
// not).
function toNumber(value) {
  return +value;
}

// ConvertToInt(V, bitLength, signedness) for the integer types up to 32 bits and the
// 64-bit ones (whose range is limited to 2^53 - 1 in ECMAScript numbers).
function createIntegerConverter(bitLength, unsigned) {
  let lowerBound, upperBound;
  if (bitLength === 64) {
    upperBound = Number.MAX_SAFE_INTEGER;
    lowerBound = unsigned ? 0 : Number.MIN_SAFE_INTEGER;
  } else if (unsigned) {
    lowerBound = 0;
    upperBound = 2 ** bitLength - 1;
  } else {
    lowerBound = -(2 ** (bitLength - 1));
    upperBound = 2 ** (bitLength - 1) - 1;
  }
  const twoToBitLength = 2 ** bitLength;
  const twoToOneLessThanBitLength = 2 ** (bitLength - 1);

  return (value, prefix = undefined, context = undefined, opts = undefined) => {
    let x = toNumber(value);
    if (ObjectIs(x, -0)) x = 0;
    if (opts !== undefined && opts.enforceRange) {
      if (!NumberIsFinite(x)) {
        throw typeError(`is not a finite number.`, prefix, context);
      }
      x = MathTrunc(x);
      if (x < lowerBound || x > upperBound) {
        throw typeError(
            `is outside the accepted range of ${lowerBound} to ${upperBound}, inclusive.`,
            prefix, context);
      }
      return x === 0 ? 0 : x;
    }
    if (!NumberIsNaN(x) && opts !== undefined && opts.clamp) {
      x = MathMin(MathMax(x, lowerBound), upperBound);
      // Round half to even.
      const floor = MathFloor(x);
      const fraction = x - floor;
      if (fraction > 0.5 || (fraction === 0.5 && floor % 2 !== 0)) {
        x = floor + 1;
      } else {
        x = floor;
      }
      return x === 0 ? 0 : x;
    }
    if (!NumberIsFinite(x) || x === 0) return 0;
    x = MathTrunc(x);
    if (x >= lowerBound && x <= upperBound) return x;
    if (bitLength === 64) {
      // Modulo 2^64 is not representable exactly; keep the low 53 bits' behaviour of
      // BigInt.asIntN/asUintN on the truncated value.
      const big = BigInt(x);
      x = Number(unsigned ? BigInt.asUintN(64, big) : BigInt.asIntN(64, big));
      return x === 0 ? 0 : x;
    }
    x %= twoToBitLength;
    if (x < 0) x += twoToBitLength;
    if (!unsigned && x >= twoToOneLessThanBitLength) x -= twoToBitLength;
    return x === 0 ? 0 : x;
  };
}

function createFloatConverter(single, restricted) {
  return (value, prefix = undefined, context = undefined, opts = undefined) => {
    const x = toNumber(value);
    if (restricted && !NumberIsFinite(x)) {
      throw typeError(`is not a finite floating-point value.`, prefix, context);
    }
    if (!single) return x;
    if (ObjectIs(x, -0)) return x;
    const y = MathFround(x);
    if (restricted && !NumberIsFinite(y)) {
      throw typeError(`is outside the range of a single-precision float.`, prefix, context);
    }
    return y;
  };
}

function toDOMString(value, prefix, context, opts) {
  if (typeof value === 'string') return value;
  if (typeof value === 'symbol') {
    throw typeError(`is a symbol, which cannot be converted to a string.`, prefix, context);
  }
  if (value === null && opts !== undefined && opts.treatNullAsEmptyString) return '';
  return `${value}`;
}

const LONE_SURROGATE = /[\uD800-\uDFFF]/;

// Replaces every lone surrogate with U+FFFD.
function toWellFormed(string) {
  if (!ReflectApply(RegExpPrototypeTest, LONE_SURROGATE, [string])) return string;
  let result = '';
  const length = string.length;
  for (let i = 0; i < length; i++) {
    const c = ReflectApply(StringPrototypeCharCodeAt, string, [i]);
    if (c < 0xd800 || c > 0xdfff) {
      result += StringFromCharCode(c);
    } else if (c <= 0xdbff && i + 1 < length) {
      const d = ReflectApply(StringPrototypeCharCodeAt, string, [i + 1]);
      if (d >= 0xdc00 && d <= 0xdfff) {
        result += StringFromCharCode(c, d);
        i++;
      } else {
        result += '\uFFFD';
      }
    } else {
      result += '\uFFFD';
    }
  }
  return result;
}

const NON_LATIN1 = /[^\x00-\xFF]/;

// ---- Buffer sources ----

function isArrayBuffer(value) {
  if (!isObject(value)) return false;
  try {
    ReflectApply(ArrayBufferByteLength, value, []);
    return true;
  } catch {
    return false;
  }
}

function isSharedArrayBuffer(value) {
  if (SharedArrayBufferByteLength === null || !isObject(value)) return false;
  try {
    ReflectApply(SharedArrayBufferByteLength, value, []);
    return true;
  } catch {
    return false;
  }
}

// Whether an ArrayBuffer is detached: its length reads 0 and slicing it throws.
export function isDetachedBuffer(buffer) {
  if (ReflectApply(ArrayBufferByteLength, buffer, []) !== 0) return false;
  try {
    ReflectApply(ArrayBufferPrototypeSlice, buffer, [0, 0]);
    return false;
  } catch {
    return true;
  }
}

// The TypedArray kind ('Uint8Array', ...) of a value, or undefined.
function typedArrayName(value) {
  return ReflectApply(TypedArrayToStringTag, value, []);
}

function isDataView(value) {
  return ArrayBufferIsView(value) && typedArrayName(value) === undefined;
}

function viewBuffer(view) {
  return typedArrayName(view) !== undefined ? ReflectApply(TypedArrayBuffer, view, []) :
                                              ReflectApply(DataViewBuffer, view, []);
}

// The checks every view type shares: not backed by a SharedArrayBuffer unless
// [AllowShared], not detached.
function checkViewBuffer(view, prefix, context, opts) {
  const buffer = viewBuffer(view);
  if (isSharedArrayBuffer(buffer)) {
    if (opts === undefined || !opts.allowShared) {
      throw typeError(`is a view on a SharedArrayBuffer, which is not allowed.`, prefix,
                      context);
    }
    return;
  }
  if (isDetachedBuffer(buffer)) {
    throw typeError(`is a view on a detached ArrayBuffer.`, prefix, context);
  }
}

function convertArrayBuffer(value, prefix, context, opts) {
  if (isArrayBuffer(value)) {
    if (isDetachedBuffer(value)) throw typeError(`is a detached ArrayBuffer.`, prefix, context);
    return value;
  }
  if (opts !== undefined && opts.allowShared && isSharedArrayBuffer(value)) return value;
  throw typeError(`is not of type 'ArrayBuffer'.`, prefix, context);
}

function convertArrayBufferView(value, prefix, context, opts) {
  if (!ArrayBufferIsView(value)) {
    throw typeError(`is not of type 'ArrayBufferView'.`, prefix, context);
  }
  checkViewBuffer(value, prefix, context, opts);
  return value;
}

function convertBufferSource(value, prefix, context, opts) {
  if (ArrayBufferIsView(value)) {
    checkViewBuffer(value, prefix, context, opts);
    return value;
  }
  if (isArrayBuffer(value)) {
    if (isDetachedBuffer(value)) throw typeError(`is a detached ArrayBuffer.`, prefix, context);
    return value;
  }
  if (opts !== undefined && opts.allowShared && isSharedArrayBuffer(value)) return value;
  throw typeError(`is not of type '(ArrayBuffer or ArrayBufferView)'.`, prefix, context);
}

function convertDataView(value, prefix, context, opts) {
  if (!isDataView(value)) throw typeError(`is not of type 'DataView'.`, prefix, context);
  checkViewBuffer(value, prefix, context, opts);
  return value;
}

function createTypedArrayConverter(name) {
  return (value, prefix = undefined, context = undefined, opts = undefined) => {
    if (!ArrayBufferIsView(value) || typedArrayName(value) !== name) {
      throw typeError(`is not of type '${name}'.`, prefix, context);
    }
    checkViewBuffer(value, prefix, context, opts);
    return value;
  };
}

// ---- The converters ----

export const converters = {};

converters.any = (value) => value;
converters.undefined = () => undefined;
converters.boolean = (value) => !!value;
converters.byte = createIntegerConverter(8, false);
converters.octet = createIntegerConverter(8, true);
converters.short = createIntegerConverter(16, false);
converters['unsigned short'] = createIntegerConverter(16, true);
converters.long = createIntegerConverter(32, false);
converters['unsigned long'] = createIntegerConverter(32, true);
converters['long long'] = createIntegerConverter(64, false);
converters['unsigned long long'] = createIntegerConverter(64, true);
converters.float = createFloatConverter(true, true);
converters['unrestricted float'] = createFloatConverter(true, false);
converters.double = createFloatConverter(false, true);
converters['unrestricted double'] = createFloatConverter(false, false);

converters.DOMString = (value, prefix = undefined, context = undefined, opts = undefined) =>
  toDOMString(value, prefix, context, opts);

converters.ByteString = (value, prefix = undefined, context = undefined, opts = undefined) => {
  const string = toDOMString(value, prefix, context, opts);
  if (ReflectApply(RegExpPrototypeTest, NON_LATIN1, [string])) {
    throw typeError(`is not a valid ByteString.`, prefix, context);
  }
  return string;
};

converters.USVString = (value, prefix = undefined, context = undefined, opts = undefined) =>
  toWellFormed(toDOMString(value, prefix, context, opts));

converters.object = (value, prefix = undefined, context = undefined) => {
  if (!isObject(value)) throw typeError(`is not of type 'object'.`, prefix, context);
  return value;
};

converters.ArrayBuffer = convertArrayBuffer;
converters.ArrayBufferView = convertArrayBufferView;
converters.BufferSource = convertBufferSource;
converters.DataView = convertDataView;
for (const name of [
  'Int8Array', 'Int16Array', 'Int32Array', 'Uint8Array', 'Uint16Array', 'Uint32Array',
  'Uint8ClampedArray', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
]) {
  converters[name] = createTypedArrayConverter(name);
}

// Callback functions: anything callable, kept as is.
function createCallbackFunctionConverter(typeName) {
  return (value, prefix = undefined, context = undefined) => {
    if (typeof value !== 'function') {
      throw typeError(`is not of type '${typeName}'.`, prefix, context);
    }
    return value;
  };
}
converters.Function = createCallbackFunctionConverter('Function');
converters.VoidFunction = createCallbackFunctionConverter('VoidFunction');

// ---- Type constructors ----

// A dictionary type: `memberLists` from the least derived dictionary to the most derived,
// each a list of { key, converter, defaultValue, required }. Members are read in that
// order, each list sorted by key, as the spec wants.
export function createDictionaryConverter(name, ...memberLists) {
  const members = [];
  let hasRequired = false;
  for (const list of memberLists) {
    const sorted = [...list];
    ReflectApply(ArrayPrototypeSort, sorted, [(a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)]);
    for (const member of sorted) {
      if (member.required) hasRequired = true;
      ReflectApply(ArrayPrototypePush, members, [member]);
    }
  }
  return (value, prefix = undefined, context = undefined, opts = undefined) => {
    if (value !== undefined && value !== null && !isObject(value)) {
      throw typeError(`can not be converted to '${name}'.`, prefix, context);
    }
    const result = {};
    const source = value === undefined || value === null ? undefined : value;
    if (source === undefined && !hasRequired) {
      for (let i = 0; i < members.length; i++) {
        const member = members[i];
        if (member.defaultValue !== undefined) {
          result[member.key] = convertDefault(member);
        }
      }
      return result;
    }
    for (let i = 0; i < members.length; i++) {
      const member = members[i];
      const key = member.key;
      const memberValue = source === undefined ? undefined : source[key];
      if (memberValue !== undefined) {
        const memberContext = `'${key}' member of ${name}`;
        result[key] = member.converter(
            memberValue, prefix, context ? `${memberContext} (${context})` : memberContext,
            opts);
      } else if (member.required) {
        throw typeError(
            `can not be converted to '${name}' because '${key}' is required in '${name}'.`,
            prefix, context || `Member '${key}'`);
      } else if (member.defaultValue !== undefined) {
        result[key] = convertDefault(member);
      }
    }
    return result;
  };
}

// A default value, as given (a function makes a fresh value each time: `() => []`).
function convertDefault(member) {
  const value = member.defaultValue;
  return typeof value === 'function' ? value() : value;
}

// An enumeration: the value converted to a DOMString must be one of `values`.
export function createEnumConverter(name, values) {
  const allowed = new NativeSet(values);
  return (value, prefix = undefined, context = undefined) => {
    const string = toDOMString(value, prefix, context);
    if (!ReflectApply(SetPrototypeHas, allowed, [string])) {
      throw typeError(`The provided value '${string}' is not a valid enum value of type ${name}.`,
                      prefix, undefined);
    }
    return string;
  };
}

// T?: null and undefined become null.
export function createNullableConverter(converter) {
  return (value, prefix = undefined, context = undefined, opts = undefined) => {
    if (value === null || value === undefined) return null;
    return converter(value, prefix, context, opts);
  };
}

// sequence<T>: any iterable object, read through its iterator.
export function createSequenceConverter(converter) {
  return (value, prefix = undefined, context = undefined, opts = undefined) => {
    if (!isObject(value)) {
      throw typeError(`can not be converted to sequence.`, prefix, context);
    }
    const method = value[SymbolIterator];
    if (typeof method !== 'function') {
      throw typeError(`can not be converted to sequence.`, prefix, context);
    }
    const iterator = ReflectApply(method, value, []);
    if (!isObject(iterator)) {
      throw typeError(`can not be converted to sequence: its iterator is not an object.`,
                      prefix, context);
    }
    const next = iterator.next;
    const result = [];
    for (let index = 0; ; index++) {
      const step = ReflectApply(next, iterator, []);
      if (!isObject(step)) {
        throw typeError(`can not be converted to sequence: an iterator result is not an object.`,
                        prefix, context);
      }
      if (step.done) break;
      const elementContext = context ? `${context}, index ${index}` : `Index ${index}`;
      ReflectApply(ArrayPrototypePush, result,
                   [converter(step.value, prefix, elementContext, opts)]);
    }
    return result;
  };
}

// record<K, V>: the enumerable own properties of an object, keys converted with K, values
// with V, into a null-prototype object (so '__proto__' is an ordinary key).
export function createRecordConverter(keyConverter, valueConverter) {
  return (value, prefix = undefined, context = undefined, opts = undefined) => {
    if (!isObject(value)) {
      throw typeError(`can not be converted to a record.`, prefix, context);
    }
    const result = ObjectCreate(null);
    const keys = ReflectOwnKeys(value);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const descriptor = ReflectGetOwnPropertyDescriptor(value, key);
      if (descriptor === undefined || !descriptor.enumerable) continue;
      const typedKey = keyConverter(key, prefix, context, opts);
      const typedValue = valueConverter(value[key], prefix, context, opts);
      result[typedKey] = typedValue;
    }
    return result;
  };
}

converters['sequence<DOMString>'] = createSequenceConverter(converters.DOMString);
converters['sequence<USVString>'] = createSequenceConverter(converters.USVString);
converters['sequence<ByteString>'] = createSequenceConverter(converters.ByteString);
converters['record<DOMString, DOMString>'] =
    createRecordConverter(converters.DOMString, converters.DOMString);
converters['record<USVString, USVString>'] =
    createRecordConverter(converters.USVString, converters.USVString);
converters['record<ByteString, ByteString>'] =
    createRecordConverter(converters.ByteString, converters.ByteString);

// ---- Interfaces ----

// The internal mark of objects made by an interface's constructor or createBranded: a
// platform object has it as an own property keyed by this symbol.
export const brand = Symbol('[[webidl.brand]]');

// An object of Type's interface made without running its constructor (for objects the
// platform creates: AbortSignal from a controller, ...).
export function createBranded(Type) {
  const object = newPlatformObject(Type);  // structuredClone refuses it
  ObjectDefineProperty(object, brand, { value: brand });  // not shown by console.log
  return object;
}

// Whether `value` is a platform object implementing the interface of `prototype`.
export function implementsInterface(value, prototype) {
  return isObject(value) && value[brand] === brand &&
      ReflectApply(ObjectPrototypeIsPrototypeOf, prototype, [value]);
}

// A method or accessor called on an object that does not implement its interface.
export function assertBranded(self, prototype) {
  if (!implementsInterface(self, prototype)) throw new NativeTypeError('Illegal invocation');
}

// An interface object that cannot be constructed from script.
export function illegalConstructor() {
  throw new NativeTypeError('Illegal constructor');
}

// A converter to an interface type: the value must be an object implementing it.
export function createInterfaceConverter(name, prototype) {
  return (value, prefix = undefined, context = undefined) => {
    if (!implementsInterface(value, prototype)) {
      throw typeError(`is not of type '${name}'.`, prefix, context);
    }
    return value;
  };
}

// Makes a class look like a WebIDL interface: the prototype's Symbol.toStringTag is the
// class name, and its operations and attributes (string-keyed, but `constructor`) are
// enumerable, as are the static ones.
export function configureInterface(Class) {
  configureProperties(Class.prototype, false);
  configureProperties(Class, true);
  ObjectDefineProperty(Class.prototype, SymbolToStringTag, {
    value: Class.name, writable: false, enumerable: false, configurable: true,
  });
}

// `isInterfaceObject`: the class itself, whose own `length`, `name` and `prototype` stay
// as they are.
function configureProperties(object, isInterfaceObject) {
  const descriptors = ObjectGetOwnPropertyDescriptors(object);
  for (const key of ReflectOwnKeys(descriptors)) {
    if (typeof key !== 'string' || key === 'constructor') continue;
    if (isInterfaceObject && (key === 'prototype' || key === 'length' || key === 'name')) {
      continue;
    }
    const descriptor = descriptors[key];
    if (descriptor.enumerable) continue;
    if (typeof descriptor.value === 'function' || descriptor.get !== undefined ||
        descriptor.set !== undefined) {
      ObjectDefineProperty(object, key, { enumerable: true });
    }
  }
}

// WebIDL constants on an interface object and its prototype: enumerable, read-only,
// non-configurable.
export function defineConstants(Class, constants) {
  for (const key of ReflectOwnKeys(constants)) {
    const descriptor = {
      value: constants[key], writable: false, enumerable: true, configurable: false,
    };
    ObjectDefineProperty(Class, key, descriptor);
    ObjectDefineProperty(Class.prototype, key, descriptor);
  }
}

// ---- Pair iterators ----

// `iterable<K, V>` on an interface whose objects hold their entries as an array in
// this[dataSymbol], each entry an object or array with the key at entry[keyKey] and the
// value at entry[valueKey]: entries(), keys(), values(), forEach() and @@iterator, with an
// iterator prototype "<name> Iterator" whose next() sees entries added while iterating.
export function mixinPairIterable(name, prototype, dataSymbol, keyKey, valueKey) {
  const iteratorData = Symbol(`[[${name} iterator]]`);
  const IteratorPrototype = ObjectGetPrototypeOf(ObjectGetPrototypeOf([][SymbolIterator]()));
  const iteratorPrototype = ObjectCreate(IteratorPrototype, {
    [SymbolToStringTag]: { value: `${name} Iterator`, configurable: true },
  });
  ObjectDefineProperty(iteratorPrototype, 'next', {
    value: function next() {
      const data = this !== null && typeof this === 'object' ? this[iteratorData] : undefined;
      if (data === undefined) {
        throw new NativeTypeError(
            `'next' called on an object that is not a valid instance of ${name} Iterator.`);
      }
      const entries = data.target[dataSymbol];
      if (data.index >= entries.length) return { value: undefined, done: true };
      const entry = entries[data.index++];
      let value;
      if (data.kind === 'key') {
        value = entry[keyKey];
      } else if (data.kind === 'value') {
        value = entry[valueKey];
      } else {
        value = [entry[keyKey], entry[valueKey]];
      }
      return { value, done: false };
    },
    writable: true, enumerable: true, configurable: true,
  });

  function createIterator(target, kind) {
    const iterator = ObjectCreate(iteratorPrototype);
    iterator[iteratorData] = { target, kind, index: 0 };
    return iterator;
  }

  const methods = {
    entries() {
      assertBranded(this, prototype);
      return createIterator(this, 'key+value');
    },
    keys() {
      assertBranded(this, prototype);
      return createIterator(this, 'key');
    },
    values() {
      assertBranded(this, prototype);
      return createIterator(this, 'value');
    },
    forEach(callback, thisArg = undefined) {
      assertBranded(this, prototype);
      const prefix = `Failed to execute 'forEach' on '${name}'`;
      requiredArguments(arguments.length, 1, prefix);
      converters.Function(callback, prefix, 'Argument 1');
      const entries = this[dataSymbol];
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i];
        ReflectApply(callback, thisArg, [entry[valueKey], entry[keyKey], this]);
      }
    },
  };
  for (const key of ['entries', 'keys', 'values', 'forEach']) {
    ObjectDefineProperty(prototype, key, {
      value: methods[key], writable: true, enumerable: true, configurable: true,
    });
  }
  ObjectDefineProperty(prototype, SymbolIterator, {
    value: methods.entries, writable: true, enumerable: false, configurable: true,
  });
}
