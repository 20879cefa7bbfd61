// structuredClone (ext:web/structured_clone.js): HTML's structured clone.
// https://html.spec.whatwg.org/multipage/structured-data.html#dom-structuredclone
//
// Two ways to the same result:
// - the serializer (op_web_structured_clone, web_clone_ops.cc): one V8 ValueSerializer
//   pass and one ValueDeserializer pass; it handles every value, the transfer list and the
//   DataCloneErrors.
// - a direct clone here, for graphs of plain objects, arrays, Dates, Maps, Sets and
//   primitives: each object copied straight into its clone, about twice as fast as the
//   serializer's two passes. It copies only what it can prove runs no JavaScript (no
//   getter, setter or Proxy trap): on the first value it cannot (an accessor, a Proxy,
//   any other type, a key an inherited setter could catch, a very deep graph) it gives up,
//   having run nothing observable, and the serializer clones the value from the start.
//   So the result is always the serializer's, with its errors and getter calls.
import { op_web_clone_kind, op_web_structured_clone } from 'ext:core/ops';
import * as webidl from 'ext:webidl/webidl.js';
import { DOMException } from './dom_exception.js';

const ObjectDefineProperty = Object.defineProperty;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectKeys = Object.keys;
const ObjectPrototype = Object.prototype;
const ArrayPrototype = Array.prototype;
const ReflectOwnKeys = Reflect.ownKeys;
const NativeDate = Date;
const NativeMap = Map;
const NativeSet = Set;
const NumberIsInteger = Number.isInteger;
const FunctionPrototypeCall = Function.prototype.call;
// f(receiver, ...args) for a method captured now: later changes to the prototypes do not
// reach it.
const uncurryThis = (method) => FunctionPrototypeCall.bind(method);
const ObjectPrototypeHasOwnProperty = uncurryThis(Object.prototype.hasOwnProperty);
// eslint-disable-next-line no-restricted-properties
const ObjectPrototypeLookupGetter = uncurryThis(Object.prototype.__lookupGetter__);
const DatePrototypeGetTime = uncurryThis(Date.prototype.getTime);
const MapPrototypeGet = uncurryThis(Map.prototype.get);
const MapPrototypeSet = uncurryThis(Map.prototype.set);
const MapPrototypeForEach = uncurryThis(Map.prototype.forEach);
const SetPrototypeAdd = uncurryThis(Set.prototype.add);
const SetPrototypeForEach = uncurryThis(Set.prototype.forEach);

// sequence<object>, and the StructuredSerializeOptions dictionary ({ transfer }), which
// MessagePort's postMessage takes too (messaging.js).
export const convertObjects = webidl.createSequenceConverter(webidl.converters.object);
export const convertStructuredSerializeOptions = webidl.createDictionaryConverter(
    'StructuredSerializeOptions',
    [{ key: 'transfer', converter: convertObjects, defaultValue: () => [] }]);

// ---- the direct clone ----

// op_web_clone_kind's answers.
const kPlainObject = 1;
const kArray = 2;
const kDate = 3;
const kMap = 4;
const kSet = 5;

// Thrown (and caught in structuredClone) when the direct clone gives up.
const giveUp = { reason: 'the direct clone cannot copy this value' };
// Objects nested deeper than this go to the serializer (whose own limit is the stack).
const kMaxDepth = 1000;

// One clone: the original -> clone map (shared references and cycles), and whether a
// store of an array element into a fresh array is a plain definition, as the
// deserializer's is: no inherited element (a setter, a read-only one) can catch it.
class DirectClone {
  constructor() {
    this.memory = new NativeMap();
    this.elementStoresChecked = false;
  }

  // Array.prototype and Object.prototype have no elements (Array.prototype's length
  // grows with any it gets), and Array.prototype still inherits from Object.prototype
  // (which is immutable). Checked once per clone, at its first array.
  checkElementStores() {
    if (ArrayPrototype.length !== 0 || ObjectGetPrototypeOf(ArrayPrototype) !== ObjectPrototype) {
      throw giveUp;
    }
    // Integer keys come first in an object's own keys.
    const first = ReflectOwnKeys(ObjectPrototype)[0];
    if (typeof first === 'string' && first !== '' && NumberIsInteger(+first)) throw giveUp;
    this.elementStoresChecked = true;
  }

  value(value, depth) {
    if (typeof value !== 'object') {
      // Symbols are a DataCloneError, functions too: the serializer says so.
      if (typeof value === 'symbol' || typeof value === 'function') throw giveUp;
      return value;
    }
    if (value === null) return null;
    const memory = this.memory;
    const known = MapPrototypeGet(memory, value);
    if (known !== undefined) return known;
    if (depth > kMaxDepth) throw giveUp;
    switch (op_web_clone_kind(value)) {
      case kPlainObject: return this.plainObject(value, depth);
      case kArray: return this.array(value, depth);
      case kDate: {
        const clone = new NativeDate(DatePrototypeGetTime(value));
        MapPrototypeSet(memory, value, clone);
        return clone;
      }
      case kMap: return this.map(value, depth);
      case kSet: return this.set(value, depth);
      default: throw giveUp;
    }
  }

  // The own enumerable string-keyed properties, in order, into a fresh object (whose
  // prototype is Object.prototype, as the deserializer's is). A getter would run in the
  // serializer: given up. So is a key Object.prototype has (`__proto__`, or any a user
  // gave it a setter or made read-only), which a plain store could not define.
  plainObject(original, depth) {
    const clone = {};
    MapPrototypeSet(this.memory, original, clone);
    const keys = ObjectKeys(original);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (ObjectPrototypeHasOwnProperty(ObjectPrototype, key) ||
          ObjectPrototypeLookupGetter(original, key) !== undefined) {
        throw giveUp;
      }
      clone[key] = this.value(original[key], depth + 1);
    }
    return clone;
  }

  // The length, the elements (holes stay holes) and the other own enumerable properties,
  // in that order, as the serializer writes them.
  array(original, depth) {
    if (!this.elementStoresChecked) this.checkElementStores();
    const clone = [];
    MapPrototypeSet(this.memory, original, clone);
    const length = original.length;
    const keys = ObjectKeys(original);
    // Elements from index 0 up to the first hole; own keys list elements first, in order,
    // so the rest of `keys` is what follows (by key: a sparse array's length may be huge).
    let next = 0;
    for (; next < length && next < keys.length; next++) {
      if (!ObjectPrototypeHasOwnProperty(original, next)) break;
      if (ObjectPrototypeLookupGetter(original, next) !== undefined) throw giveUp;
      clone[next] = this.value(original[next], depth + 1);
    }
    clone.length = length;
    for (let i = next; i < keys.length; i++) {
      const key = keys[i];
      if (ObjectPrototypeHasOwnProperty(ArrayPrototype, key) ||
          ObjectPrototypeHasOwnProperty(ObjectPrototype, key) ||
          ObjectPrototypeLookupGetter(original, key) !== undefined) {
        throw giveUp;
      }
      clone[key] = this.value(original[key], depth + 1);
    }
    return clone;
  }

  // Entries as they are now (the serializer reads Map and Set tables directly, not
  // through their iterators), cloned in order: key, value, key, value ...
  map(original, depth) {
    const clone = new NativeMap();
    MapPrototypeSet(this.memory, original, clone);
    const entries = [];
    MapPrototypeForEach(original, (value, key) => { entries[entries.length] = key; entries[entries.length] = value; });
    for (let i = 0; i < entries.length; i += 2) {
      const key = this.value(entries[i], depth + 1);
      MapPrototypeSet(clone, key, this.value(entries[i + 1], depth + 1));
    }
    return clone;
  }

  set(original, depth) {
    const clone = new NativeSet();
    MapPrototypeSet(this.memory, original, clone);
    const values = [];
    SetPrototypeForEach(original, (value) => { values[values.length] = value; });
    for (let i = 0; i < values.length; i++) SetPrototypeAdd(clone, this.value(values[i], depth + 1));
    return clone;
  }
}

// After the direct clone gave up, the next clones go straight to the serializer for a
// while (doubling after each failure in a row, up to 64 calls): a program cloning values
// the direct clone cannot copy then pays little for trying. Only speed depends on this.
let skipDirectClone = 0;
let directCloneFailures = 0;

function directClone(value) {
  try {
    const clone = new DirectClone().value(value, 0);
    directCloneFailures = 0;
    return clone;
  } catch {
    // giveUp, or a RangeError of a stack too deep for this recursion: nothing ran that a
    // program could see, and the serializer starts over.
    if (directCloneFailures < 6) directCloneFailures++;
    skipDirectClone = (1 << directCloneFailures) - 1;
    return giveUp;
  }
}

// any structuredClone(any value, optional StructuredSerializeOptions options = {})
function structuredClone(value, options = undefined) {
  const prefix = "Failed to execute 'structuredClone' on 'Window'";
  webidl.requiredArguments(arguments.length, 1, prefix);
  // No options: nothing to transfer, and no dictionary to convert.
  const transfer = options === undefined ? undefined :
      convertStructuredSerializeOptions(options, prefix, 'Argument 2').transfer;
  if (transfer === undefined || transfer.length === 0) {
    if (skipDirectClone === 0) {
      const clone = directClone(value);
      if (clone !== giveUp) return clone;
    } else {
      skipDirectClone--;
    }
    return op_web_structured_clone(value, transfer, DOMException, cloneHostObject);
  }
  return cloneWithTransfer(value, transfer, prefix).value;
}

// ---- transferable platform objects ----

// The [Transferable] interfaces other modules register (MessagePort, messaging.js): each
// { name, noun, Noun, isInstance(value), isDetached(value), receive(value),
// transfer(value, receiver) }. Their objects must be host objects (objects with internal
// fields), which the serializer hands to cloneHostObject.
const transferableInterfaces = [];

// Registers a [Transferable] interface. In a transfer list, an object for which
// isInstance(object) is true must not be detached (isDetached) nor listed twice, else a
// DataCloneError names the entry as `Noun` or `noun` ('Port at index 1 is already
// neutered.'; the interface is `name`). While the value is serialized, receive(object) makes the object the clone gets (once
// per listed object, whether or not the value refers to it); after the value was
// serialized and deserialized without an error, transfer(object, receiver) moves the
// object's state to its receiver and detaches the object. A failed clone transfers
// nothing. An object of the interface that is not in the transfer list is a
// DataCloneError.
export function registerTransferableInterface(steps) {
  transferableInterfaces[transferableInterfaces.length] = steps;
}

function transferableInterfaceOf(value) {
  for (let i = 0; i < transferableInterfaces.length; i++) {
    if (transferableInterfaces[i].isInstance(value)) return transferableInterfaces[i];
  }
  return undefined;
}

// The transfer of the clone being serialized (a getter may start another clone: each
// restores the one it interrupted): the listed transferable platform objects, their
// interfaces and their receivers (made when the serializer first meets them).
let currentTransfer = null;

function dataCloneError(prefix, message) {
  return new DOMException(prefix === undefined ? message : `${prefix}: ${message}`,
                          'DataCloneError');
}

// HTML's StructuredSerializeWithTransfer and StructuredDeserializeWithTransfer in one:
// { value: the clone, transferred: the receivers of the listed transferable platform
// objects, in list order }. `transfer` is a sequence<object>; `prefix` starts the
// messages of the DataCloneErrors thrown here (the serializer's carry none, as
// Chrome's).
export function cloneWithTransfer(value, transfer, prefix = undefined) {
  let buffers = transfer;
  const objects = [];
  const interfaces = [];
  for (let i = 0; i < transfer.length; i++) {
    const object = transfer[i];
    const steps = transferableInterfaceOf(object);
    if (steps === undefined) continue;
    for (let j = 0; j < objects.length; j++) {
      if (objects[j] === object) {
        throw dataCloneError(prefix, `${steps.Noun} at index ${i} is a duplicate of an ` +
                                     `earlier ${steps.noun}.`);
      }
    }
    if (steps.isDetached(object)) {
      throw dataCloneError(prefix, `${steps.Noun} at index ${i} is already neutered.`);
    }
    if (buffers === transfer) {
      buffers = [];
      for (let j = 0; j < transfer.length; j++) buffers[j] = transfer[j];
    }
    buffers[i] = undefined;  // op_web_structured_clone skips it
    objects[objects.length] = object;
    interfaces[interfaces.length] = steps;
  }
  if (objects.length === 0) {
    return {
      value: op_web_structured_clone(value, transfer, DOMException, cloneHostObject),
      transferred: [],
    };
  }
  const receivers = [];
  const interrupted = currentTransfer;
  currentTransfer = { objects, interfaces, receivers };
  let clone;
  try {
    clone = op_web_structured_clone(value, buffers, DOMException, cloneHostObject);
  } finally {
    currentTransfer = interrupted;
  }
  for (let i = 0; i < objects.length; i++) {
    if (receivers[i] === undefined) receivers[i] = interfaces[i].receive(objects[i]);
  }
  for (let i = 0; i < objects.length; i++) interfaces[i].transfer(objects[i], receivers[i]);
  return { value: clone, transferred: receivers };
}

// ---- serializable platform objects ----

// The [Serializable] interfaces other extensions register (DOMException is built in):
// each { isInstance(value), clone(value) }, asked in the order they were registered.
const serializableInterfaces = [];

// Registers a [Serializable] interface whose objects are host objects (its interface
// object made by ext:web/interface_object.js): structuredClone clones an object for
// which isInstance(object) is true as clone(object). clone runs while the value is
// serialized and may run JavaScript; an exception it throws goes through.
export function registerSerializableInterface(isInstance, clone) {
  serializableInterfaces[serializableInterfaces.length] = { isInstance, clone };
}

// For the serializer's delegate: the clone of a host object, or undefined when no
// registered interface has it (a DataCloneError). A transferable platform object is
// replaced by its receiver when the clone's transfer list has it, else it is a
// DataCloneError.
function cloneHostObject(object) {
  if (transferableInterfaces.length > 0) {
    const transfer = currentTransfer;
    if (transfer !== null) {
      const objects = transfer.objects;
      for (let i = 0; i < objects.length; i++) {
        if (objects[i] !== object) continue;
        const receivers = transfer.receivers;
        if (receivers[i] === undefined) receivers[i] = transfer.interfaces[i].receive(object);
        return receivers[i];
      }
    }
    const steps = transferableInterfaceOf(object);
    if (steps !== undefined) {
      throw dataCloneError(undefined, `A ${steps.name} could not be cloned because it was ` +
                                      'not transferred.');
    }
  }
  for (let i = 0; i < serializableInterfaces.length; i++) {
    const entry = serializableInterfaces[i];
    if (entry.isInstance(object)) return entry.clone(object);
  }
  return undefined;
}

ObjectDefineProperty(globalThis, 'structuredClone', {
  value: structuredClone, writable: true, enumerable: true, configurable: true,
});

export { structuredClone };
