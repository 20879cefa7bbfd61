// Helpers shared by the streams modules (ext:streams/common.js): promises the way the
// Streams Standard uses them, the queue-with-sizes, ArrayBuffer transfer, strategies.
import * as webidl from 'ext:webidl/webidl.js';
import {
  op_stream_array_buffer_detached, op_stream_transfer_array_buffer,
} from 'ext:core/ops';

// Built-ins captured when the module is evaluated: user code replacing them later does
// not change what the streams do.
export const ReflectApply = Reflect.apply;
const NativePromise = Promise;
const PromiseResolve = Promise.resolve;
const PromiseReject = Promise.reject;
const PromisePrototypeThen = Promise.prototype.then;
export const NativeTypeError = TypeError;
export const NativeRangeError = RangeError;
const NumberIsNaN = Number.isNaN;
export const NativeArrayBuffer = ArrayBuffer;
const ArrayBufferPrototypeGetByteLength =
    Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;
const ArrayBufferPrototypeSlice = ArrayBuffer.prototype.slice;
const ArrayBufferIsView = ArrayBuffer.isView;
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const TypedArrayPrototypeGetBuffer =
    Object.getOwnPropertyDescriptor(TypedArrayPrototype, 'buffer').get;
const TypedArrayPrototypeGetByteOffset =
    Object.getOwnPropertyDescriptor(TypedArrayPrototype, 'byteOffset').get;
const TypedArrayPrototypeGetByteLength =
    Object.getOwnPropertyDescriptor(TypedArrayPrototype, 'byteLength').get;
const TypedArrayPrototypeGetToStringTag =
    Object.getOwnPropertyDescriptor(TypedArrayPrototype, Symbol.toStringTag).get;
const DataViewPrototypeGetBuffer =
    Object.getOwnPropertyDescriptor(DataView.prototype, 'buffer').get;
const DataViewPrototypeGetByteOffset =
    Object.getOwnPropertyDescriptor(DataView.prototype, 'byteOffset').get;
const DataViewPrototypeGetByteLength =
    Object.getOwnPropertyDescriptor(DataView.prototype, 'byteLength').get;
const Uint8ArrayPrototypeSet = Uint8Array.prototype.set;
const NativeUint8Array = Uint8Array;
const NativeDataView = DataView;

export const inspectCustom = Symbol.for('nodejs.util.inspect.custom');

// ---- Promises ----

// A promise with its resolving functions: the spec's "a new promise".
export class Deferred {
  constructor() {
    this.resolve = undefined;
    this.reject = undefined;
    this.promise = new NativePromise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

export function promiseResolvedWith(value) {
  return ReflectApply(PromiseResolve, NativePromise, [value]);
}

export function promiseRejectedWith(reason) {
  return ReflectApply(PromiseReject, NativePromise, [reason]);
}

// "React to" / "upon fulfillment" / "upon rejection": Promise.prototype.then as captured.
export function uponPromise(promise, onFulfilled, onRejected) {
  return ReflectApply(PromisePrototypeThen, promise, [onFulfilled, onRejected]);
}

export function uponFulfillment(promise, onFulfilled) {
  return ReflectApply(PromisePrototypeThen, promise, [onFulfilled, undefined]);
}

export function uponRejection(promise, onRejected) {
  return ReflectApply(PromisePrototypeThen, promise, [undefined, onRejected]);
}

function noop() {}

// "Set promise.[[PromiseIsHandled]] to true".
export function setPromiseIsHandled(promise) {
  ReflectApply(PromisePrototypeThen, promise, [undefined, noop]);
}

// One promise resolved with undefined, for results that stay inside the streams modules
// (algorithm results only ever get reactions): no allocation per chunk.
export const resolvedPromise = promiseResolvedWith(undefined);

// The promise of a callback's result, for the streams' own reactions (it never reaches
// user code): a throw becomes a rejection; undefined (the usual result of pull() and
// write()) is the shared resolved promise.
export function invokeCallback(method, self, args) {
  try {
    const result = ReflectApply(method, self, args);
    return result === undefined ? resolvedPromise : promiseResolvedWith(result);
  } catch (error) {
    return promiseRejectedWith(error);
  }
}

// A promise the streams make only when something asks for it. Many of the spec's
// promises are, in the common case, only reacted to by the streams themselves (a pipe's
// writer's ready promise, a TransformStream's backpressure-change promise); made eagerly
// they cost a promise and its resolving functions per chunk. A LazyPromise holds the
// state (pending, fulfilled with undefined, or rejected) and makes the promise on the
// first promise() call, in that state; reactions registered with upon() while it is
// pending wait without one. Timing is the promise's: a reaction runs in a microtask after
// the settlement (or after registration, if already settled), and reactions run in the
// order they were registered. A rejected LazyPromise's promise is marked as handled (the
// spec marks every promise this is used for).
// Fields that change only late in a stream's life (when it closes or errors) are stored
// twice in their constructors, first with this placeholder. V8 treats a field that no
// object of its shape has ever changed as a constant, folds it into optimized code, and
// deoptimizes all such code the first time one changes: the first stream to close took the
// optimized hot path of every stream down with it (a pipe's second round ran as slowly as
// its first, measured with --trace-deopt).
export const kChangesLate = Symbol('changes late');

// The slots of a head/tail queue: 8 undefined slots to start with, so that the first
// stores into a new queue are in bounds and of the kind (V8's PACKED_ELEMENTS) every
// queue's array has once it has held an object. A `[]` has no room and starts as an
// array of small integers: optimized code that has only seen grown, transitioned arrays
// deoptimizes at every new queue's first store ("out of bounds", "wrong map"), which kept
// a pipe's second round as slow as its first. (A `[]`'s allocation site would learn the
// kind, but a constructor run a few times has no feedback yet.)
export function newQueueSlots() {
  return [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined];
}

const kLazyPending = 0;
const kLazyFulfilled = 1;
const kLazyRejected = 2;

export class LazyPromise {
  constructor() {
    this.state = kLazyPending;
    this.reason = kChangesLate;
    this.reason = undefined;
    this.madePromise = undefined;
    this.resolveMade = undefined;
    this.rejectMade = undefined;
    // The first reaction registered while no promise was made.
    this.onFulfilled = undefined;
    this.onRejected = undefined;
  }

  // Becomes a new pending promise ("set p to a new promise"). The promise made before, if
  // any, stays as it was (pending forever, if it was), and so do reactions to it; a
  // reaction registered with upon() is dropped, as a reaction to that pending promise
  // would never run. The owner reuses its LazyPromise instead of making another.
  reset() {
    this.state = kLazyPending;
    this.reason = undefined;
    this.madePromise = this.resolveMade = this.rejectMade = undefined;
    this.onFulfilled = this.onRejected = undefined;
  }

  // ... a new promise fulfilled with undefined.
  resetFulfilled() {
    this.reset();
    this.state = kLazyFulfilled;
  }

  // ... a new promise rejected with reason.
  resetRejected(reason) {
    this.reset();
    this.state = kLazyRejected;
    this.reason = reason;
  }

  get isPending() {
    return this.state === kLazyPending;
  }

  // The promise, made now if it was not yet.
  promise() {
    let promise = this.madePromise;
    if (promise !== undefined) return promise;
    if (this.state === kLazyPending) {
      const deferred = new Deferred();
      promise = deferred.promise;
      this.resolveMade = deferred.resolve;
      this.rejectMade = deferred.reject;
    } else if (this.state === kLazyRejected) {
      promise = promiseRejectedWith(this.reason);
      setPromiseIsHandled(promise);
    } else {
      promise = promiseResolvedWith(undefined);
    }
    this.madePromise = promise;
    return promise;
  }

  // uponPromise(this.promise(), onFulfilled, onRejected), without making the promise when
  // this is the only reaction to a pending one.
  upon(onFulfilled, onRejected) {
    if (this.state === kLazyPending && this.madePromise === undefined &&
        this.onFulfilled === undefined) {
      this.onFulfilled = onFulfilled;
      this.onRejected = onRejected;
      return;
    }
    uponPromise(this.promise(), onFulfilled, onRejected);
  }

  resolve() {
    if (this.state !== kLazyPending) return;
    this.state = kLazyFulfilled;
    const onFulfilled = this.onFulfilled;
    if (onFulfilled !== undefined) {
      this.onFulfilled = this.onRejected = undefined;
      uponPromise(resolvedPromise, onFulfilled);
    }
    if (this.resolveMade !== undefined) {
      this.resolveMade(undefined);
      this.resolveMade = this.rejectMade = undefined;
    }
  }

  reject(reason) {
    if (this.state !== kLazyPending) return;
    this.state = kLazyRejected;
    this.reason = reason;
    const onRejected = this.onRejected;
    if (this.onFulfilled !== undefined) {
      this.onFulfilled = this.onRejected = undefined;
      if (onRejected !== undefined) uponPromise(resolvedPromise, () => onRejected(reason));
    }
    if (this.rejectMade !== undefined) {
      setPromiseIsHandled(this.madePromise);
      this.rejectMade(reason);
      this.resolveMade = this.rejectMade = undefined;
    }
  }
}

// ---- Queues ----

// A FIFO (read requests, write requests): slots [head, tail) of an array. An emptied
// queue starts again at slot 0 of the same array, so one that goes between empty and a few
// items (a pipe's) allocates nothing per item; one that grew past kQueueKeptSlots gets a
// fresh array instead, so a burst's length is not kept, and a long one is compacted once
// its consumed front dominates.
export class SlotQueue {
  constructor() {
    this.slots = kChangesLate;
    this.slots = newQueueSlots();
    this.head = 0;
    this.tail = 0;
  }
  get length() {
    return this.tail - this.head;
  }
  push(item) {
    const tail = this.tail;
    this.slots[tail] = item;
    this.tail = tail + 1;
  }
  shift() {
    const index = this.head;
    const slots = this.slots;
    const item = slots[index];
    slots[index] = undefined;
    const next = index + 1;
    if (next === this.tail) {
      this.head = 0;
      this.tail = 0;
      if (next > kQueueKeptSlots) this.slots = newQueueSlots();
    } else if (next > kQueueKeptSlots && next * 2 > this.tail) {
      this.slots = slots.slice(next, this.tail);
      this.head = 0;
      this.tail -= next;
    } else {
      this.head = next;
    }
    return item;
  }
  // Empties the queue; returns its items in order.
  takeAll() {
    const items = this.slots.slice(this.head, this.tail);
    this.slots = newQueueSlots();
    this.head = 0;
    this.tail = 0;
    return items;
  }
}

// ---- Queue-with-sizes ----

// A FIFO of values with a running total of their sizes: slots [head, tail) of two
// parallel arrays (values and sizes), so no per-chunk wrapper object is made. An emptied
// queue starts again at slot 0 of the same arrays, so a queue that goes between empty and
// a few chunks (a pipe's) allocates nothing per chunk; one that grew past
// kQueueKeptSlots is given fresh arrays instead, so a burst's length is not kept. A
// queue whose consumed front dominates is compacted, so enqueue and dequeue are O(1)
// amortised.
const kQueueKeptSlots = 1024;

export class SizedQueue {
  constructor() {
    this.values = newQueueSlots();
    this.sizes = newQueueSlots();
    this.head = 0;
    this.tail = 0;
    this.totalSize = 0;
  }
  get length() {
    return this.tail - this.head;
  }
  // EnqueueValueWithSize (the size already validated).
  push(value, size) {
    const tail = this.tail;
    this.values[tail] = value;
    this.sizes[tail] = size;
    this.tail = tail + 1;
    this.totalSize += size;
  }
  // DequeueValue.
  shift() {
    const index = this.head;
    const value = this.values[index];
    const size = this.sizes[index];
    this.values[index] = undefined;
    this.totalSize -= size;
    if (this.totalSize < 0) this.totalSize = 0;  // rounding errors
    const next = index + 1;
    if (next === this.tail) {
      this.head = 0;
      this.tail = 0;
      if (next > kQueueKeptSlots) {
        this.values = newQueueSlots();
        this.sizes = newQueueSlots();
      }
    } else if (next > kQueueKeptSlots && next * 2 > this.tail) {
      this.values = this.values.slice(next, this.tail);
      this.sizes = this.sizes.slice(next, this.tail);
      this.head = 0;
      this.tail -= next;
    } else {
      this.head = next;
    }
    return value;
  }
  // PeekQueueValue.
  peek() {
    return this.values[this.head];
  }
  // ResetQueue.
  reset() {
    this.values = newQueueSlots();
    this.sizes = newQueueSlots();
    this.head = 0;
    this.tail = 0;
    this.totalSize = 0;
  }
}

// EnqueueValueWithSize's check: a size must be a finite, non-negative number.
export function checkChunkSize(size) {
  if (typeof size !== 'number' || NumberIsNaN(size) || size < 0 || size === Infinity) {
    throw new NativeRangeError(
        'The return value of a queuing strategy\'s size function must be a finite, ' +
        'non-NaN, non-negative number');
  }
  return size;
}

// ---- Queuing strategies ----

// ExtractHighWaterMark.
export function extractHighWaterMark(strategy, defaultHWM) {
  const highWaterMark = strategy.highWaterMark;
  if (highWaterMark === undefined) return defaultHWM;
  if (NumberIsNaN(highWaterMark) || highWaterMark < 0) {
    throw new NativeRangeError('Invalid highWaterMark');
  }
  return highWaterMark;
}

// ExtractSizeAlgorithm: undefined stands for "return 1" (no call at all).
export function extractSizeAlgorithm(strategy) {
  return strategy.size;
}

const convertQueuingStrategySize = (value, prefix, context) =>
  webidl.converters.Function(value, prefix, context);

export const convertQueuingStrategy = webidl.createDictionaryConverter('QueuingStrategy', [
  { key: 'highWaterMark', converter: webidl.converters['unrestricted double'] },
  { key: 'size', converter: convertQueuingStrategySize },
]);

// ---- Buffers ----

export function isArrayBufferView(value) {
  return ArrayBufferIsView(value);
}

export function isDataView(view) {
  return TypedArrayPrototypeGetToStringTag.call(view) === undefined;
}

// The (buffer, byteOffset, byteLength) of a TypedArray or DataView, read with the
// built-in getters.
export function viewBuffer(view) {
  return isDataView(view) ? ReflectApply(DataViewPrototypeGetBuffer, view, [])
                          : ReflectApply(TypedArrayPrototypeGetBuffer, view, []);
}
export function viewByteOffset(view) {
  return isDataView(view) ? ReflectApply(DataViewPrototypeGetByteOffset, view, [])
                          : ReflectApply(TypedArrayPrototypeGetByteOffset, view, []);
}
export function viewByteLength(view) {
  return isDataView(view) ? ReflectApply(DataViewPrototypeGetByteLength, view, [])
                          : ReflectApply(TypedArrayPrototypeGetByteLength, view, []);
}
// The element size of a view (1 for a DataView) and the constructor to make another one.
export function viewElementSize(view) {
  return isDataView(view) ? 1 : viewConstructor(view).BYTES_PER_ELEMENT;
}
export function viewConstructor(view) {
  if (isDataView(view)) return NativeDataView;
  return typedArrayConstructors[TypedArrayPrototypeGetToStringTag.call(view)];
}
const typedArrayConstructors = {
  __proto__: null,
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
  Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};

export function arrayBufferByteLength(buffer) {
  return ReflectApply(ArrayBufferPrototypeGetByteLength, buffer, []);
}

// IsDetachedBuffer.
export function isDetachedBuffer(buffer) {
  return op_stream_array_buffer_detached(buffer);
}

// TransferArrayBuffer: a new ArrayBuffer with O's bytes, O detached. A TypeError for a
// buffer that cannot be detached (a WebAssembly.Memory's, a SharedArrayBuffer).
export function transferArrayBuffer(buffer) {
  return op_stream_transfer_array_buffer(buffer);
}

// CloneAsUint8Array.
export function cloneAsUint8Array(view) {
  const buffer = ReflectApply(ArrayBufferPrototypeSlice, viewBuffer(view),
                              [viewByteOffset(view), viewByteOffset(view) + viewByteLength(view)]);
  return new NativeUint8Array(buffer);
}

// CopyDataBlockBytes.
export function copyDataBlockBytes(toBuffer, toIndex, fromBuffer, fromIndex, count) {
  ReflectApply(Uint8ArrayPrototypeSet, new NativeUint8Array(toBuffer, toIndex, count),
               [new NativeUint8Array(fromBuffer, fromIndex, count)]);
}

// ArrayBuffer.prototype.slice as captured.
export function arrayBufferSlice(buffer, begin, end) {
  return ReflectApply(ArrayBufferPrototypeSlice, buffer, [begin, end]);
}

// ---- Printing ----

export function inspectAs(name, fields, depth, options, inspect) {
  if (typeof depth === 'number' && depth < 0) return `[${name}]`;
  const innerOptions = Object.assign({}, options, {
    depth: Number.isInteger(options.depth) ? options.depth - 1 : options.depth,
  });
  return `${name} ${inspect(fields, innerOptions)}`;
}

// A token private to the streams modules: constructors called with it skip their public
// steps (the spec's "create ... without running the constructor").
export const kInternal = Symbol('[[streams.internal]]');
