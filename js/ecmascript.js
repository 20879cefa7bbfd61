// The module ext:core/ecmascript.js: ECMAScript 2023 to 2025 built-ins that V8 10.2 does
// not have yet, written to the ECMAScript specification's algorithms (the step comments
// name them). Libraries compiled for current engines call these without checking for them:
//
//   Array.prototype.toReversed / toSorted / toSpliced / with          (ES2023)
//   %TypedArray%.prototype.toReversed / toSorted / with               (ES2023)
//   String.prototype.isWellFormed / toWellFormed                       (ES2024)
//   Object.groupBy, Map.groupBy                                        (ES2024)
//   Promise.withResolvers                                              (ES2024)
//   Promise.try                                                        (ES2025)
//   Set.prototype.union / intersection / difference / symmetricDifference /
//     isSubsetOf / isSupersetOf / isDisjointFrom                       (ES2025)
//   Iterator, Iterator.from, Iterator.prototype.map / filter / take / drop / flatMap /
//     reduce / toArray / forEach / some / every / find                 (ES2025)
//   Array.fromAsync                                                    (ES2026)
//   Symbol.dispose, Symbol.asyncDispose   (Explicit Resource Management's well-known
//                                          symbols, which transpiled `using` needs)
//
// This module holds the methods (`name` and `length` as the specification gives them, not
// constructors) and installs nothing: ecmascript_missing.js defines each one the engine
// lacks as a lazy property (internals.defineLazy), which evaluates this module at its
// first read; it also adds the well-known symbols and Array.prototype[Symbol.unscopables]'s
// three names. Everything this module uses is captured when it is evaluated, so user code
// that replaced a built-in (Array.prototype.sort, Symbol.iterator on Array.prototype, ...)
// before that first read is what it captures (core/README.md, "Lazy modules").
//
// Left out: what cannot be written in JavaScript on V8 10.2 (the RegExp `v` flag,
// resizable ArrayBuffers, ArrayBuffer.prototype.transfer and `detached`, which need the
// engine's detach), and for now the rest of ES2025 and later (RegExp.escape,
// Float16Array, Math.sumPrecise, ...).

const ArrayConstructor = Array;
const ArrayPrototypeSort = Array.prototype.sort;
const NativeTypeError = TypeError;
const NativeRangeError = RangeError;
const NativeMap = Map;
const MapPrototypeGet = Map.prototype.get;
const MapPrototypeSet = Map.prototype.set;
const MapPrototypeForEach = Map.prototype.forEach;
const MathTrunc = Math.trunc;
const MathMin = Math.min;
const MathMax = Math.max;
const NumberIsNaN = Number.isNaN;
const ObjectCreate = Object.create;
const ObjectDefineProperty = Object.defineProperty;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ReflectApply = Reflect.apply;
const NativeProxy = Proxy;
const ReflectOwnKeys = Reflect.ownKeys;
const StringConstructor = String;
const StringPrototypeCharCodeAt = String.prototype.charCodeAt;
const StringPrototypeSubstring = String.prototype.substring;
const BigIntAsIntN = BigInt.asIntN;
const ArrayBufferPrototypeGetByteLength =
    Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;
const NativeUint8Array = Uint8Array;
const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
const TypedArrayPrototypeGetLength =
    Object.getOwnPropertyDescriptor(TypedArrayPrototype, 'length').get;
const TypedArrayPrototypeGetBuffer =
    Object.getOwnPropertyDescriptor(TypedArrayPrototype, 'buffer').get;
const TypedArrayPrototypeGetToStringTag =
    Object.getOwnPropertyDescriptor(TypedArrayPrototype, Symbol.toStringTag).get;
const TypedArrayPrototypeSort = TypedArrayPrototype.sort;

// The intrinsic constructor of each typed array type, by its [[TypedArrayName]].
const typedArrayConstructors = {
  __proto__: null,
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
  Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};

const kMaxSafeInteger = 2 ** 53 - 1;
const kMaxArrayLength = 2 ** 32 - 1;

// ---- abstract operations ----

function isCallable(value) {
  return typeof value === 'function';
}

// IsConstructor without running user code: a Proxy has [[Construct]] exactly when its target
// has, and its construct trap answers instead of the target.
const constructTrap = { construct() { return constructTrap; } };
function isConstructor(value) {
  if (typeof value !== 'function') return false;
  try {
    new (new NativeProxy(value, constructTrap))();
    return true;
  } catch {
    return false;
  }
}

// https://tc39.es/ecma262/#sec-toobject
function toObject(value, method) {
  if (value === null || value === undefined) {
    throw new NativeTypeError(`${method} called on null or undefined`);
  }
  return Object(value);
}

// https://tc39.es/ecma262/#sec-tointegerorinfinity (unary + is ToNumber: it throws for
// Symbols and BigInts, as the specification does)
function toIntegerOrInfinity(value) {
  const number = +value;
  if (NumberIsNaN(number) || number === 0) return 0;
  return MathTrunc(number);
}

// https://tc39.es/ecma262/#sec-lengthofarraylike
function lengthOfArrayLike(object) {
  const length = toIntegerOrInfinity(object.length);
  if (length <= 0) return 0;
  return MathMin(length, kMaxSafeInteger);
}

// https://tc39.es/ecma262/#sec-arraycreate
function arrayCreate(length) {
  if (length > kMaxArrayLength) throw new NativeRangeError('Invalid array length');
  return new ArrayConstructor(length);
}

// https://tc39.es/ecma262/#sec-topropertykey
function toPropertyKey(value) {
  if (typeof value === 'symbol') return value;
  if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
    // ToPrimitive(value, string) then ToString unless a Symbol: exactly what a computed
    // property name does, once.
    return ReflectOwnKeys({ [value]: undefined })[0];
  }
  return StringConstructor(value);
}

// https://tc39.es/ecma262/#sec-validatetypedarray: the typed array's name ([[TypedArrayName]]);
// a TypeError for anything else or for one whose buffer is detached.
function validateTypedArray(value, method) {
  const name = ReflectApply(TypedArrayPrototypeGetToStringTag, value, []);
  if (name === undefined) {
    throw new NativeTypeError(`${method}: this is not a typed array.`);
  }
  const buffer = ReflectApply(TypedArrayPrototypeGetBuffer, value, []);
  if (ReflectApply(ArrayBufferPrototypeGetByteLength, buffer, []) === 0) {
    // A detached buffer has byte length 0; so has a buffer made empty. Only the detached
    // one cannot be viewed.
    try {
      new NativeUint8Array(buffer);
    } catch {
      throw new NativeTypeError(`${method}: Cannot perform ${method} on a detached ArrayBuffer`);
    }
  }
  return name;
}

// toSorted's first step, for arrays and typed arrays alike.
function checkComparefn(comparefn) {
  if (comparefn !== undefined && !isCallable(comparefn)) {
    throw new NativeTypeError('The comparison function must be either a function or undefined');
  }
}

// ---- Array.prototype (ES2023, "Change Array by copy") ----

const arrayMethods = {
  // https://tc39.es/ecma262/#sec-array.prototype.toreversed
  toReversed() {
    const object = toObject(this, 'Array.prototype.toReversed');
    const length = lengthOfArrayLike(object);
    const result = arrayCreate(length);
    for (let k = 0; k < length; k++) result[k] = object[length - k - 1];
    return result;
  },

  // https://tc39.es/ecma262/#sec-array.prototype.tosorted
  toSorted(comparefn) {
    checkComparefn(comparefn);
    const object = toObject(this, 'Array.prototype.toSorted');
    const length = lengthOfArrayLike(object);
    const result = arrayCreate(length);
    // SortIndexedProperties(obj, len, SortCompare, read-through-holes): every index is
    // read (holes read as undefined), then the list is sorted. Array.prototype.sort on the
    // new dense array is that sort: undefined last, comparefn for everything else.
    for (let k = 0; k < length; k++) result[k] = object[k];
    ReflectApply(ArrayPrototypeSort, result, [comparefn]);
    return result;
  },

  // https://tc39.es/ecma262/#sec-array.prototype.tospliced
  toSpliced(start, skipCount, ...items) {
    const object = toObject(this, 'Array.prototype.toSpliced');
    const length = lengthOfArrayLike(object);
    const relativeStart = toIntegerOrInfinity(start);
    let actualStart;
    if (relativeStart === -Infinity) actualStart = 0;
    else if (relativeStart < 0) actualStart = MathMax(length + relativeStart, 0);
    else actualStart = MathMin(relativeStart, length);
    const insertCount = items.length;
    let actualSkipCount;
    if (arguments.length === 0) {
      actualSkipCount = 0;
    } else if (arguments.length === 1) {
      actualSkipCount = length - actualStart;
    } else {
      const skip = toIntegerOrInfinity(skipCount);
      actualSkipCount = MathMin(MathMax(skip, 0), length - actualStart);
    }
    const newLength = length + insertCount - actualSkipCount;
    if (newLength > kMaxSafeInteger) {
      throw new NativeTypeError(`Invalid array length: ${newLength} exceeds 2^53 - 1`);
    }
    const result = arrayCreate(newLength);
    let i = 0;
    let r = actualStart + actualSkipCount;
    for (; i < actualStart; i++) result[i] = object[i];
    for (let e = 0; e < insertCount; e++, i++) result[i] = items[e];
    for (; i < newLength; i++, r++) result[i] = object[r];
    return result;
  },

  // https://tc39.es/ecma262/#sec-array.prototype.with
  with(index, value) {
    const object = toObject(this, 'Array.prototype.with');
    const length = lengthOfArrayLike(object);
    const relativeIndex = toIntegerOrInfinity(index);
    const actualIndex = relativeIndex >= 0 ? relativeIndex : length + relativeIndex;
    if (actualIndex >= length || actualIndex < 0) {
      throw new NativeRangeError('Invalid index : ' + StringConstructor(relativeIndex));
    }
    const result = arrayCreate(length);
    for (let k = 0; k < length; k++) result[k] = k === actualIndex ? value : object[k];
    return result;
  },
};

// ---- %TypedArray%.prototype (ES2023) ----

const typedArrayMethods = {
  // https://tc39.es/ecma262/#sec-%typedarray%.prototype.toreversed
  toReversed() {
    const name = validateTypedArray(this, '%TypedArray%.prototype.toReversed');
    const length = ReflectApply(TypedArrayPrototypeGetLength, this, []);
    const result = new typedArrayConstructors[name](length);
    for (let k = 0; k < length; k++) result[k] = this[length - k - 1];
    return result;
  },

  // https://tc39.es/ecma262/#sec-%typedarray%.prototype.tosorted
  toSorted(comparefn) {
    checkComparefn(comparefn);
    const name = validateTypedArray(this, '%TypedArray%.prototype.toSorted');
    const length = ReflectApply(TypedArrayPrototypeGetLength, this, []);
    const result = new typedArrayConstructors[name](length);
    for (let k = 0; k < length; k++) result[k] = this[k];
    ReflectApply(TypedArrayPrototypeSort, result, [comparefn]);
    return result;
  },

  // https://tc39.es/ecma262/#sec-%typedarray%.prototype.with
  with(index, value) {
    const name = validateTypedArray(this, '%TypedArray%.prototype.with');
    const length = ReflectApply(TypedArrayPrototypeGetLength, this, []);
    const relativeIndex = toIntegerOrInfinity(index);
    const actualIndex = relativeIndex >= 0 ? relativeIndex : length + relativeIndex;
    // ToBigInt or ToNumber, before the index is checked (the conversion may run user code).
    const numericValue = name === 'BigInt64Array' || name === 'BigUint64Array' ?
        BigIntAsIntN(64, value) : +value;
    // IsValidIntegerIndex: in bounds of the array as it is now (0 once detached).
    if (actualIndex < 0 || actualIndex >= ReflectApply(TypedArrayPrototypeGetLength, this, [])) {
      throw new NativeRangeError('Invalid typed array index');
    }
    const result = new typedArrayConstructors[name](length);
    for (let k = 0; k < length; k++) result[k] = k === actualIndex ? numericValue : this[k];
    return result;
  },
};

// ---- String.prototype (ES2024) ----

function isLeadSurrogate(code) {
  return code >= 0xd800 && code <= 0xdbff;
}
function isTrailSurrogate(code) {
  return code >= 0xdc00 && code <= 0xdfff;
}

// The index of the first lone surrogate of `string` at or after `from`, or -1.
function indexOfLoneSurrogate(string, from) {
  const length = string.length;
  for (let i = from; i < length; i++) {
    const code = ReflectApply(StringPrototypeCharCodeAt, string, [i]);
    if (code < 0xd800 || code > 0xdfff) continue;
    if (isLeadSurrogate(code) && i + 1 < length &&
        isTrailSurrogate(ReflectApply(StringPrototypeCharCodeAt, string, [i + 1]))) {
      i++;
      continue;
    }
    return i;
  }
  return -1;
}

function thisString(value, method) {
  if (value === null || value === undefined) {
    throw new NativeTypeError(`${method} called on null or undefined`);
  }
  return `${value}`;  // ToString: a TypeError for a Symbol
}

const stringMethods = {
  // https://tc39.es/ecma262/#sec-string.prototype.iswellformed
  isWellFormed() {
    const string = thisString(this, 'String.prototype.isWellFormed');
    return indexOfLoneSurrogate(string, 0) === -1;
  },

  // https://tc39.es/ecma262/#sec-string.prototype.towellformed: every lone surrogate
  // becomes U+FFFD.
  toWellFormed() {
    const string = thisString(this, 'String.prototype.toWellFormed');
    let lone = indexOfLoneSurrogate(string, 0);
    if (lone === -1) return string;
    let result = '';
    let copied = 0;
    while (lone !== -1) {
      result += ReflectApply(StringPrototypeSubstring, string, [copied, lone]) + '\ufffd';
      copied = lone + 1;
      lone = indexOfLoneSurrogate(string, copied);
    }
    return result + ReflectApply(StringPrototypeSubstring, string, [copied]);
  },
};

// ---- Object.groupBy, Map.groupBy (ES2024) ----

// https://tc39.es/ecma262/#sec-groupby: a Map from each key to the list of its values,
// in the order the keys were first seen.
function groupBy(items, callback, keyCoercion, method) {
  if (items === null || items === undefined) {
    throw new NativeTypeError(`${method}: the items are null or undefined`);
  }
  if (!isCallable(callback)) {
    throw new NativeTypeError(`${method}: the callback is not a function`);
  }
  const groups = new NativeMap();
  let k = 0;
  // for-of is GetIterator(items, sync) with IteratorClose when the body throws.
  for (const value of items) {
    if (k >= kMaxSafeInteger) {
      throw new NativeTypeError(`${method}: too many items`);
    }
    let key = callback(value, k);
    if (keyCoercion === 'property') {
      key = toPropertyKey(key);
    } else if (key === 0) {
      key = 0;  // -0 becomes +0
    }
    const group = ReflectApply(MapPrototypeGet, groups, [key]);
    if (group === undefined) {
      ReflectApply(MapPrototypeSet, groups, [key, [value]]);
    } else {
      group[group.length] = value;
    }
    k++;
  }
  return groups;
}

const objectStatics = {
  // https://tc39.es/ecma262/#sec-object.groupby
  groupBy(items, callback) {
    const groups = groupBy(items, callback, 'property', 'Object.groupBy');
    const result = ObjectCreate(null);
    ReflectApply(MapPrototypeForEach, groups, [(elements, key) => {
      ObjectDefineProperty(result, key, {
        value: elements, writable: true, enumerable: true, configurable: true,
      });
    }]);
    return result;
  },
};

const mapStatics = {
  // https://tc39.es/ecma262/#sec-map.groupby
  groupBy(items, callback) {
    const groups = groupBy(items, callback, 'zero', 'Map.groupBy');
    const result = new NativeMap();
    ReflectApply(MapPrototypeForEach, groups, [(elements, key) => {
      ReflectApply(MapPrototypeSet, result, [key, elements]);
    }]);
    return result;
  },
};

// ---- Promise.withResolvers (ES2024), Promise.try (ES2025) ----

// https://tc39.es/ecma262/#sec-newpromisecapability
function newPromiseCapability(constructor, method) {
  if (!isConstructor(constructor)) {
    throw new NativeTypeError(`${method} called on a non-constructor`);
  }
  let resolve;
  let reject;
  const executor = (resolveFunction, rejectFunction) => {
    if (resolve !== undefined || reject !== undefined) {
      throw new NativeTypeError('Promise executor has already been invoked with non-undefined arguments');
    }
    resolve = resolveFunction;
    reject = rejectFunction;
  };
  const promise = new constructor(executor);
  if (!isCallable(resolve)) throw new NativeTypeError('Promise resolve function is not callable');
  if (!isCallable(reject)) throw new NativeTypeError('Promise reject function is not callable');
  return { promise, resolve, reject };
}

const promiseStatics = {
  // https://tc39.es/ecma262/#sec-promise.withResolvers
  withResolvers() {
    return newPromiseCapability(this, 'Promise.withResolvers');
  },

  // https://tc39.es/ecma262/#sec-promise.try: callbackfn(...args) now; its result or what it
  // threw settles the promise.
  try(callbackfn, ...args) {
    if (this === null || (typeof this !== 'object' && typeof this !== 'function')) {
      throw new NativeTypeError('Promise.try called on a non-object');
    }
    const capability = newPromiseCapability(this, 'Promise.try');
    let result;
    try {
      result = ReflectApply(callbackfn, undefined, args);
    } catch (error) {
      ReflectApply(capability.reject, undefined, [error]);
      return capability.promise;
    }
    ReflectApply(capability.resolve, undefined, [result]);
    return capability.promise;
  },
};

// ---- Set methods (ES2025) ----
// https://tc39.es/ecma262/#sec-properties-of-the-set-prototype-object: union, intersection,
// difference, symmetricDifference, isSubsetOf, isSupersetOf, isDisjointFrom. `this` is read
// through the original Set methods (its [[SetData]]); the argument is any set-like object
// (GetSetRecord: `size`, `has`, `keys`). The results are new plain Sets.

const NativeSet = Set;
const SetPrototypeHas = Set.prototype.has;
const SetPrototypeAdd = Set.prototype.add;
const SetPrototypeDelete = Set.prototype.delete;
const SetPrototypeValues = Set.prototype.values;
const SetPrototypeGetSize = Object.getOwnPropertyDescriptor(Set.prototype, 'size').get;
const SetIteratorPrototypeNext = ObjectGetPrototypeOf(new Set().values()).next;

// SetDataSize(O.[[SetData]]); a TypeError (RequireInternalSlot) when `set` is no Set.
function setDataSize(set) {
  return ReflectApply(SetPrototypeGetSize, set, []);
}
function setDataHas(set, value) {
  return ReflectApply(SetPrototypeHas, set, [value]);
}
function setDataAdd(set, value) {
  ReflectApply(SetPrototypeAdd, set, [value]);
}
function setDataRemove(set, value) {
  ReflectApply(SetPrototypeDelete, set, [value]);
}

// Calls visit(element) for each element of `set`'s [[SetData]] as it is when reached
// (elements added meanwhile are visited, removed ones are not: the specification's walk by
// index), until visit returns true.
function someSetElement(set, visit) {
  const iterator = ReflectApply(SetPrototypeValues, set, []);
  for (;;) {
    const step = ReflectApply(SetIteratorPrototypeNext, iterator, []);
    if (step.done) return false;
    if (visit(step.value)) return true;
  }
}

function copySetData(set) {
  const copy = new NativeSet();
  someSetElement(set, (element) => {
    setDataAdd(copy, element);
    return false;
  });
  return copy;
}

// https://tc39.es/ecma262/#sec-getsetrecord
function getSetRecord(object, method) {
  if (object === null || (typeof object !== 'object' && typeof object !== 'function')) {
    throw new NativeTypeError(`${method}: the argument is not an object`);
  }
  const numSize = +object.size;  // ToNumber: a TypeError for a Symbol or a BigInt
  if (NumberIsNaN(numSize)) {
    throw new NativeTypeError(`${method}: the argument's size is not a number`);
  }
  const size = toIntegerOrInfinity(numSize);
  if (size < 0) throw new NativeRangeError(`${method}: the argument's size is negative`);
  const has = object.has;
  if (!isCallable(has)) throw new NativeTypeError(`${method}: the argument's has is not a function`);
  const keys = object.keys;
  if (!isCallable(keys)) throw new NativeTypeError(`${method}: the argument's keys is not a function`);
  return { set: object, size, has, keys };
}

// ToBoolean(Call(otherRec.[[Has]], otherRec.[[SetObject]], « value »))
function otherHas(record, value) {
  return !!ReflectApply(record.has, record.set, [value]);
}

const kIteratorDone = {};

// GetIteratorFromMethod(otherRec.[[SetObject]], otherRec.[[Keys]])
function otherKeys(record, method) {
  const iterator = ReflectApply(record.keys, record.set, []);
  if (iterator === null || (typeof iterator !== 'object' && typeof iterator !== 'function')) {
    throw new NativeTypeError(`${method}: keys() did not return an object`);
  }
  return { iterator, next: iterator.next, method };
}

// IteratorStepValue: the next value, or kIteratorDone.
function stepValue(keys) {
  const result = ReflectApply(keys.next, keys.iterator, []);
  if (result === null || (typeof result !== 'object' && typeof result !== 'function')) {
    throw new NativeTypeError(`${keys.method}: the keys iterator's result is not an object`);
  }
  if (result.done) return kIteratorDone;
  return result.value;
}

// IteratorClose with a normal completion.
function closeIterator(keys) {
  const returnMethod = keys.iterator.return;
  if (returnMethod === undefined || returnMethod === null) return;
  const result = ReflectApply(returnMethod, keys.iterator, []);
  if (result === null || (typeof result !== 'object' && typeof result !== 'function')) {
    throw new NativeTypeError(`${keys.method}: the keys iterator's return() result is not an object`);
  }
}

const setMethods = {
  // https://tc39.es/ecma262/#sec-set.prototype.union
  union(other) {
    setDataSize(this);
    const record = getSetRecord(other, 'Set.prototype.union');
    const keys = otherKeys(record, 'Set.prototype.union');
    const result = copySetData(this);
    for (let next = stepValue(keys); next !== kIteratorDone; next = stepValue(keys)) {
      setDataAdd(result, next === 0 ? 0 : next);
    }
    return result;
  },

  // https://tc39.es/ecma262/#sec-set.prototype.intersection
  intersection(other) {
    setDataSize(this);
    const record = getSetRecord(other, 'Set.prototype.intersection');
    const result = new NativeSet();
    if (setDataSize(this) <= record.size) {
      someSetElement(this, (element) => {
        if (otherHas(record, element)) setDataAdd(result, element);
        return false;
      });
    } else {
      const keys = otherKeys(record, 'Set.prototype.intersection');
      for (let next = stepValue(keys); next !== kIteratorDone; next = stepValue(keys)) {
        if (next === 0) next = 0;
        if (setDataHas(this, next)) setDataAdd(result, next);
      }
    }
    return result;
  },

  // https://tc39.es/ecma262/#sec-set.prototype.difference
  difference(other) {
    setDataSize(this);
    const record = getSetRecord(other, 'Set.prototype.difference');
    const result = copySetData(this);
    if (setDataSize(this) <= record.size) {
      // Walks the copy, which only this loop changes (removing the element it is at).
      someSetElement(result, (element) => {
        if (otherHas(record, element)) setDataRemove(result, element);
        return false;
      });
    } else {
      const keys = otherKeys(record, 'Set.prototype.difference');
      for (let next = stepValue(keys); next !== kIteratorDone; next = stepValue(keys)) {
        setDataRemove(result, next);
      }
    }
    return result;
  },

  // https://tc39.es/ecma262/#sec-set.prototype.symmetricdifference
  symmetricDifference(other) {
    setDataSize(this);
    const record = getSetRecord(other, 'Set.prototype.symmetricDifference');
    const keys = otherKeys(record, 'Set.prototype.symmetricDifference');
    const result = copySetData(this);
    for (let next = stepValue(keys); next !== kIteratorDone; next = stepValue(keys)) {
      if (next === 0) next = 0;
      const alreadyInResult = setDataHas(result, next);
      if (setDataHas(this, next)) {
        if (alreadyInResult) setDataRemove(result, next);
      } else if (!alreadyInResult) {
        setDataAdd(result, next);
      }
    }
    return result;
  },

  // https://tc39.es/ecma262/#sec-set.prototype.issubsetof
  isSubsetOf(other) {
    setDataSize(this);
    const record = getSetRecord(other, 'Set.prototype.isSubsetOf');
    if (setDataSize(this) > record.size) return false;
    return !someSetElement(this, (element) => !otherHas(record, element));
  },

  // https://tc39.es/ecma262/#sec-set.prototype.issupersetof
  isSupersetOf(other) {
    setDataSize(this);
    const record = getSetRecord(other, 'Set.prototype.isSupersetOf');
    if (setDataSize(this) < record.size) return false;
    const keys = otherKeys(record, 'Set.prototype.isSupersetOf');
    for (let next = stepValue(keys); next !== kIteratorDone; next = stepValue(keys)) {
      if (!setDataHas(this, next)) {
        closeIterator(keys);
        return false;
      }
    }
    return true;
  },

  // https://tc39.es/ecma262/#sec-set.prototype.isdisjointfrom
  isDisjointFrom(other) {
    setDataSize(this);
    const record = getSetRecord(other, 'Set.prototype.isDisjointFrom');
    if (setDataSize(this) <= record.size) {
      return !someSetElement(this, (element) => otherHas(record, element));
    }
    const keys = otherKeys(record, 'Set.prototype.isDisjointFrom');
    for (let next = stepValue(keys); next !== kIteratorDone; next = stepValue(keys)) {
      if (setDataHas(this, next)) {
        closeIterator(keys);
        return false;
      }
    }
    return true;
  },
};

// ---- Iterator helpers (ES2025) and Array.fromAsync (ES2026) ----

const IteratorPrototype = ObjectGetPrototypeOf(ObjectGetPrototypeOf([][Symbol.iterator]()));
const SymbolIterator = Symbol.iterator;
const SymbolAsyncIterator = Symbol.asyncIterator;
const NativeWeakMap = WeakMap;
const WeakMapPrototypeGet = WeakMap.prototype.get;
const WeakMapPrototypeSet = WeakMap.prototype.set;
const ObjectPrototypeIsPrototypeOf = Object.prototype.isPrototypeOf;

function isObject(value) {
  return value !== null && (typeof value === 'object' || typeof value === 'function');
}

// https://tc39.es/ecma262/#sec-getiteratordirect, as the record the Set methods use.
function getIteratorDirect(object, method) {
  return { iterator: object, next: object.next, method };
}

// IteratorClose(iteratorRecord, throwCompletion): return() is called, what it does is
// ignored, and the caller rethrows its own error.
function closeIteratorAfterError(record) {
  try {
    const returnMethod = record.iterator.return;
    if (returnMethod !== undefined && returnMethod !== null) {
      ReflectApply(returnMethod, record.iterator, []);
    }
  } catch {
    // The original error wins.
  }
}

// Calls fn(value, counter); an error closes the iterator and is rethrown.
function callClosing(record, fn, value, counter) {
  try {
    return fn(value, counter);
  } catch (error) {
    closeIteratorAfterError(record);
    throw error;
  }
}

function requireObjectThis(self, method) {
  if (!isObject(self)) throw new NativeTypeError(`${method} called on non-object`);
  return self;
}

// The steps every helper and consumer starts with: `this` an Object; a callable argument,
// else the iterator is closed and a TypeError thrown; then GetIteratorDirect.
function iteratedWithCallable(self, fn, method) {
  const object = requireObjectThis(self, method);
  if (!isCallable(fn)) {
    closeIteratorAfterError({ iterator: object });
    throw new NativeTypeError(`${method}: ${typeof fn} is not a function`);
  }
  return getIteratorDirect(object, method);
}

// take/drop's limit: ToNumber, not NaN, ToIntegerOrInfinity, not negative (RangeError);
// an error closes the iterator.
function iteratedWithLimit(self, limit, method) {
  const object = requireObjectThis(self, method);
  let integer;
  try {
    const number = +limit;
    if (NumberIsNaN(number)) throw new NativeRangeError(`${method}: ${String(limit)} must be positive`);
    integer = toIntegerOrInfinity(number);
    if (integer < 0) throw new NativeRangeError(`${method}: ${String(limit)} must be positive`);
  } catch (error) {
    closeIteratorAfterError({ iterator: object });
    throw error;
  }
  return { record: getIteratorDirect(object, method), limit: integer };
}

// %IteratorHelperPrototype%: an iterator helper runs like a generator (suspended at its
// start or at a yield, executing, completed); `step(state)` produces the next value or
// kIteratorDone, `close(state)` is what return() does to what it iterates.
const START = 0;
const YIELDED = 1;
const EXECUTING = 2;
const COMPLETED = 3;
const helperStates = new NativeWeakMap();

function helperState(self, method) {
  const state = isObject(self) ? ReflectApply(WeakMapPrototypeGet, helperStates, [self])
                               : undefined;
  if (state === undefined) {
    throw new NativeTypeError(`Method Iterator Helper.prototype.${method} called on incompatible receiver`);
  }
  if (state.phase === EXECUTING) throw new NativeTypeError('Generator is already running');
  return state;
}

const IteratorHelperPrototype = ObjectCreate(IteratorPrototype);
const iteratorHelperMethods = {
  next() {
    const state = helperState(this, 'next');
    if (state.phase === COMPLETED) return { value: undefined, done: true };
    state.phase = EXECUTING;
    let value;
    try {
      value = state.step(state);
    } catch (error) {
      state.phase = COMPLETED;
      throw error;
    }
    if (value === kIteratorDone) {
      state.phase = COMPLETED;
      return { value: undefined, done: true };
    }
    state.phase = YIELDED;
    return { value, done: false };
  },
  return() {
    const state = helperState(this, 'return');
    if (state.phase === COMPLETED) return { value: undefined, done: true };
    state.phase = COMPLETED;
    if (state.inner !== undefined) {
      const inner = state.inner;
      state.inner = undefined;
      try {
        closeIterator(inner);
      } catch (error) {
        closeIteratorAfterError(state.record);
        throw error;
      }
    }
    closeIterator(state.record);
    return { value: undefined, done: true };
  },
};
for (const name of ['next', 'return']) {
  ObjectDefineProperty(IteratorHelperPrototype, name, {
    value: iteratorHelperMethods[name], writable: true, enumerable: false, configurable: true,
  });
}
ObjectDefineProperty(IteratorHelperPrototype, Symbol.toStringTag, {
  value: 'Iterator Helper', writable: false, enumerable: false, configurable: true,
});

function createIteratorHelper(record, step, fields) {
  const helper = ObjectCreate(IteratorHelperPrototype);
  const state = { phase: START, record, step, inner: undefined, counter: 0, ...fields };
  ReflectApply(WeakMapPrototypeSet, helperStates, [helper, state]);
  return helper;
}

// https://tc39.es/ecma262/#sec-getiteratorflattenable
function getIteratorFlattenable(value, iterateStrings, method) {
  if (!isObject(value) && !(iterateStrings && typeof value === 'string')) {
    throw new NativeTypeError(`${method}: ${String(value)} is not an object`);
  }
  const iteratorMethod = value[SymbolIterator];
  const iterator = iteratorMethod === undefined || iteratorMethod === null
      ? value : ReflectApply(iteratorMethod, value, []);
  if (!isObject(iterator)) throw new NativeTypeError(`${method}: the iterator is not an object`);
  return getIteratorDirect(iterator, method);
}

// %WrapForValidIteratorPrototype%: what Iterator.from returns for an iterator that does
// not inherit from Iterator.prototype.
const wrappedRecords = new NativeWeakMap();
function wrappedRecord(self, method) {
  const record = isObject(self) ? ReflectApply(WeakMapPrototypeGet, wrappedRecords, [self])
                                : undefined;
  if (record === undefined) {
    throw new NativeTypeError(`Method ${method} called on incompatible receiver`);
  }
  return record;
}
const WrapForValidIteratorPrototype = ObjectCreate(IteratorPrototype);
const wrapForValidIteratorMethods = {
  next() {
    const record = wrappedRecord(this, 'next');
    return ReflectApply(record.next, record.iterator, []);
  },
  return() {
    const record = wrappedRecord(this, 'return');
    const returnMethod = record.iterator.return;
    if (returnMethod === undefined || returnMethod === null) return { value: undefined, done: true };
    return ReflectApply(returnMethod, record.iterator, []);
  },
};
for (const name of ['next', 'return']) {
  ObjectDefineProperty(WrapForValidIteratorPrototype, name, {
    value: wrapForValidIteratorMethods[name], writable: true, enumerable: false,
    configurable: true,
  });
}

// https://tc39.es/ecma262/#sec-iterator-constructor: abstract; subclasses construct.
function Iterator() {
  if (new.target === undefined || new.target === Iterator) {
    throw new NativeTypeError('Abstract class Iterator not directly constructable');
  }
}
ObjectDefineProperty(Iterator, 'prototype', {
  value: IteratorPrototype, writable: false, enumerable: false, configurable: false,
});
ObjectDefineProperty(Iterator, 'from', {
  // https://tc39.es/ecma262/#sec-iterator.from
  value: {
    from(value) {
      const record = getIteratorFlattenable(value, true, 'Iterator.from');
      if (ReflectApply(ObjectPrototypeIsPrototypeOf, IteratorPrototype, [record.iterator])) {
        return record.iterator;
      }
      const wrapper = ObjectCreate(WrapForValidIteratorPrototype);
      ReflectApply(WeakMapPrototypeSet, wrappedRecords, [wrapper, record]);
      return wrapper;
    },
  }.from,
  writable: true, enumerable: false, configurable: true,
});

const iteratorMethods = {
  // https://tc39.es/ecma262/#sec-iterator.prototype.map
  map(mapper) {
    const record = iteratedWithCallable(this, mapper, 'Iterator.prototype.map');
    return createIteratorHelper(record, (state) => {
      const value = stepValue(state.record);
      if (value === kIteratorDone) return kIteratorDone;
      return callClosing(state.record, mapper, value, state.counter++);
    });
  },

  // https://tc39.es/ecma262/#sec-iterator.prototype.filter
  filter(predicate) {
    const record = iteratedWithCallable(this, predicate, 'Iterator.prototype.filter');
    return createIteratorHelper(record, (state) => {
      for (;;) {
        const value = stepValue(state.record);
        if (value === kIteratorDone) return kIteratorDone;
        if (callClosing(state.record, predicate, value, state.counter++)) return value;
      }
    });
  },

  // https://tc39.es/ecma262/#sec-iterator.prototype.take
  take(limit) {
    const { record, limit: integer } = iteratedWithLimit(this, limit, 'Iterator.prototype.take');
    return createIteratorHelper(record, (state) => {
      if (state.remaining === 0) {
        closeIterator(state.record);
        return kIteratorDone;
      }
      if (state.remaining !== Infinity) state.remaining--;
      return stepValue(state.record);
    }, { remaining: integer });
  },

  // https://tc39.es/ecma262/#sec-iterator.prototype.drop
  drop(limit) {
    const { record, limit: integer } = iteratedWithLimit(this, limit, 'Iterator.prototype.drop');
    return createIteratorHelper(record, (state) => {
      while (state.remaining > 0) {
        if (state.remaining !== Infinity) state.remaining--;
        if (stepValue(state.record) === kIteratorDone) return kIteratorDone;
      }
      return stepValue(state.record);
    }, { remaining: integer });
  },

  // https://tc39.es/ecma262/#sec-iterator.prototype.flatmap
  flatMap(mapper) {
    const record = iteratedWithCallable(this, mapper, 'Iterator.prototype.flatMap');
    return createIteratorHelper(record, (state) => {
      for (;;) {
        if (state.inner === undefined) {
          const value = stepValue(state.record);
          if (value === kIteratorDone) return kIteratorDone;
          state.inner = callClosing(state.record, (v, counter) => getIteratorFlattenable(
              mapper(v, counter), false, 'Iterator.prototype.flatMap'), value, state.counter++);
        }
        let innerValue;
        try {
          innerValue = stepValue(state.inner);
        } catch (error) {
          state.inner = undefined;
          closeIteratorAfterError(state.record);
          throw error;
        }
        if (innerValue !== kIteratorDone) return innerValue;
        state.inner = undefined;
      }
    });
  },

  // https://tc39.es/ecma262/#sec-iterator.prototype.reduce
  reduce(reducer, ...initial) {
    const record = iteratedWithCallable(this, reducer, 'Iterator.prototype.reduce');
    let accumulator;
    let counter = 0;
    if (initial.length === 0) {
      accumulator = stepValue(record);
      if (accumulator === kIteratorDone) {
        throw new NativeTypeError('Reduce of empty iterator with no initial value');
      }
      counter = 1;
    } else {
      accumulator = initial[0];
    }
    for (let value = stepValue(record); value !== kIteratorDone; value = stepValue(record)) {
      accumulator = callClosing(record, (v, c) => reducer(accumulator, v, c), value, counter++);
    }
    return accumulator;
  },

  // https://tc39.es/ecma262/#sec-iterator.prototype.toarray
  toArray() {
    const record = getIteratorDirect(requireObjectThis(this, 'Iterator.prototype.toArray'),
                                     'Iterator.prototype.toArray');
    const items = [];
    for (let value = stepValue(record); value !== kIteratorDone; value = stepValue(record)) {
      items[items.length] = value;
    }
    return items;
  },

  // https://tc39.es/ecma262/#sec-iterator.prototype.foreach
  forEach(fn) {
    const record = iteratedWithCallable(this, fn, 'Iterator.prototype.forEach');
    let counter = 0;
    for (let value = stepValue(record); value !== kIteratorDone; value = stepValue(record)) {
      callClosing(record, fn, value, counter++);
    }
  },

  // https://tc39.es/ecma262/#sec-iterator.prototype.some
  some(predicate) {
    const record = iteratedWithCallable(this, predicate, 'Iterator.prototype.some');
    let counter = 0;
    for (let value = stepValue(record); value !== kIteratorDone; value = stepValue(record)) {
      if (callClosing(record, predicate, value, counter++)) {
        closeIterator(record);
        return true;
      }
    }
    return false;
  },

  // https://tc39.es/ecma262/#sec-iterator.prototype.every
  every(predicate) {
    const record = iteratedWithCallable(this, predicate, 'Iterator.prototype.every');
    let counter = 0;
    for (let value = stepValue(record); value !== kIteratorDone; value = stepValue(record)) {
      if (!callClosing(record, predicate, value, counter++)) {
        closeIterator(record);
        return false;
      }
    }
    return true;
  },

  // https://tc39.es/ecma262/#sec-iterator.prototype.find
  find(predicate) {
    const record = iteratedWithCallable(this, predicate, 'Iterator.prototype.find');
    let counter = 0;
    for (let value = stepValue(record); value !== kIteratorDone; value = stepValue(record)) {
      if (callClosing(record, predicate, value, counter++)) {
        closeIterator(record);
        return value;
      }
    }
    return undefined;
  },
};

const globals = { Iterator };

const arrayStatics = {
  // https://tc39.es/proposal-array-from-async/: like Array.from, awaiting each value (and
  // each mapped value); an async iterable first, then a sync iterable (its values
  // awaited), then an array-like.
  async fromAsync(asyncItems, mapfn = undefined, thisArg = undefined) {
    const constructor = this;
    const mapping = mapfn !== undefined;
    if (mapping && !isCallable(mapfn)) {
      throw new NativeTypeError('Array.fromAsync: the mapper is not a function');
    }
    const map = (value, k) => ReflectApply(mapfn, thisArg, [value, k]);
    const define = (array, k, value) => {
      ObjectDefineProperty(array, k, {
        value, writable: true, enumerable: true, configurable: true,
      });
    };
    let asyncMethod;
    let syncMethod;
    if (asyncItems !== null && asyncItems !== undefined) {
      asyncMethod = asyncItems[SymbolAsyncIterator];
      if (asyncMethod === null) asyncMethod = undefined;
      if (asyncMethod === undefined) {
        syncMethod = asyncItems[SymbolIterator];
        if (syncMethod === null) syncMethod = undefined;
      }
    }
    if (asyncMethod !== undefined || syncMethod !== undefined) {
      if (asyncMethod !== undefined && !isCallable(asyncMethod)) {
        throw new NativeTypeError('Array.fromAsync: Symbol.asyncIterator is not a function');
      }
      if (syncMethod !== undefined && !isCallable(syncMethod)) {
        throw new NativeTypeError('Array.fromAsync: Symbol.iterator is not a function');
      }
      const array = isConstructor(constructor) ? new constructor() : [];
      const iterable = asyncMethod !== undefined
          ? { [SymbolAsyncIterator]: () => ReflectApply(asyncMethod, asyncItems, []) }
          : { [SymbolIterator]: () => ReflectApply(syncMethod, asyncItems, []) };
      let k = 0;
      for await (const value of iterable) {
        if (k >= kMaxSafeInteger) throw new NativeTypeError('Array.fromAsync: too many values');
        define(array, k, mapping ? await map(value, k) : value);
        k++;
      }
      array.length = k;
      return array;
    }
    const arrayLike = toObject(asyncItems, 'Array.fromAsync');
    const length = lengthOfArrayLike(arrayLike);
    const array = isConstructor(constructor) ? new constructor(length) : arrayCreate(length);
    for (let k = 0; k < length; k++) {
      const value = await arrayLike[k];
      define(array, k, mapping ? await map(value, k) : value);
    }
    array.length = length;
    return array;
  },
};

// The tables, one per object the methods go on, for ecmascript_missing.js (which defines
// each missing one lazily: this module is evaluated at the first read of any of them).
export {
  arrayMethods, arrayStatics, globals, iteratorMethods, mapStatics, objectStatics,
  promiseStatics, setMethods, stringMethods, typedArrayMethods,
};
