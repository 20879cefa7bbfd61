// ReadableStream, its readers and controllers, byte streams, tee, ReadableStream.from,
// async iteration and piping (ext:streams/readable_stream.js), after
// https://streams.spec.whatwg.org/#rs-model.
//
// As in writable_stream.js, each public object keeps its spec slots in an internal object
// reached through a private field; the abstract operations work on internal objects and
// `pub` links back to the public one. Read requests are objects with chunkSteps,
// closeSteps and errorSteps methods (classes below, no per-read closures).
import * as webidl from 'ext:webidl/webidl.js';
import {
  PlatformObjectBase, exposeMembers, platformObjectAllocator, prototypeAllocator,
} from 'ext:webidl/platform_object.js';
import { AbortSignal, addSignalAlgorithm, removeSignalAlgorithm } from 'ext:web/abort.js';
import {
  Deferred, LazyPromise, NativeArrayBuffer, NativeRangeError, NativeTypeError, ReflectApply,
  SizedQueue, SlotQueue, kChangesLate,
  arrayBufferByteLength, arrayBufferSlice, checkChunkSize, cloneAsUint8Array,
  convertQueuingStrategy, copyDataBlockBytes, extractHighWaterMark, extractSizeAlgorithm,
  inspectAs, inspectCustom, invokeCallback, isArrayBufferView, isDataView, isDetachedBuffer,
  kInternal, promiseRejectedWith, promiseResolvedWith, resolvedPromise, setPromiseIsHandled,
  transferArrayBuffer, uponFulfillment, uponPromise, uponRejection, viewBuffer, viewByteLength,
  viewByteOffset, viewConstructor, viewElementSize,
} from './common.js';
import {
  acquireWritableStreamDefaultWriter, isWritableStreamLocked, writableStreamAbort,
  writableStreamCloseQueuedOrInFlight, writableStreamDefaultWriterCloseWithErrorPropagation,
  writableStreamDefaultWriterRelease, writableStreamDefaultWriterWriteWithRequest,
  writableStreamStateOf, uponWriterReady, writerReadyIsPending,
} from './writable_stream.js';

const ReflectConstruct = Reflect.construct;

const NativeUint8Array = Uint8Array;
const SymbolAsyncIterator = Symbol.asyncIterator;
const SymbolIterator = Symbol.iterator;
const MathMin = Math.min;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectSetPrototypeOf = Object.setPrototypeOf;
const ObjectDefineProperty = Object.defineProperty;

function queueMicrotask(callback) {
  uponFulfillment(resolvedPromise, callback);
}

function isObject(value) {
  return value !== null && (typeof value === 'object' || typeof value === 'function');
}

// ---- Internal state ----

export class ReadableStreamState {
  constructor(pub) {
    this.pub = pub;
    this.state = kChangesLate;  // common.js
    this.state = 'readable';
    this.reader = undefined;
    this.storedError = undefined;
    this.disturbed = false;
    this.controller = undefined;
  }
}

class ReaderState {
  constructor(pub, isBYOB) {
    this.pub = pub;
    this.isBYOB = isBYOB;
    this.stream = undefined;
    this.closedPromise = undefined;
    this.closedResolve = undefined;
    this.closedReject = undefined;
    this.closedPending = false;
    // Read requests (default reader) or read-into requests (BYOB reader).
    this.requests = new SlotQueue();
  }
}

class DefaultControllerState {
  constructor(pub) {
    this.pub = pub;
    this.isByteController = false;
    this.stream = undefined;
    this.queue = new SizedQueue();
    this.started = false;
    this.closeRequested = kChangesLate;  // common.js
    this.closeRequested = false;
    this.pullAgain = false;
    this.pulling = false;
    this.strategySize = undefined;  // undefined: every chunk has size 1
    this.strategyHWM = 1;
    this.pullAlgorithm = undefined;
    this.cancelAlgorithm = undefined;
    this.onPullFulfilled = undefined;
    this.onPullRejected = undefined;
  }
}

// An entry of a byte stream's queue.
class ByteQueueEntry {
  constructor(buffer, byteOffset, byteLength) {
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.byteLength = byteLength;
  }
}

// A pull-into descriptor.
class PullIntoDescriptor {
  constructor(buffer, bufferByteLength, byteOffset, byteLength, minimumFill, elementSize,
              ViewConstructor, readerType) {
    this.buffer = buffer;
    this.bufferByteLength = bufferByteLength;
    this.byteOffset = byteOffset;
    this.byteLength = byteLength;
    this.bytesFilled = 0;
    this.minimumFill = minimumFill;
    this.elementSize = elementSize;
    this.viewConstructor = ViewConstructor;
    this.readerType = readerType;  // 'default', 'byob' or 'none'
  }
}

class ByteControllerState {
  constructor(pub) {
    this.pub = pub;
    this.isByteController = true;
    this.stream = undefined;
    this.queue = [];  // ByteQueueEntry, from queueHead
    this.queueHead = 0;
    this.queueTotalSize = 0;
    this.started = false;
    this.closeRequested = kChangesLate;  // common.js
    this.closeRequested = false;
    this.pullAgain = false;
    this.pulling = false;
    this.strategyHWM = 0;
    this.pullAlgorithm = undefined;
    this.cancelAlgorithm = undefined;
    this.autoAllocateChunkSize = undefined;
    // null (new ArrayBuffer), or a resource stream's allocator of unfilled buffers: set
    // after construction, so stored twice (kChangesLate).
    this.allocateChunkBuffer = kChangesLate;
    this.allocateChunkBuffer = null;
    this.byobRequest = null;  // BYOBRequestState
    this.pendingPullIntos = [];
    this.onPullFulfilled = undefined;
    this.onPullRejected = undefined;
  }
}

class BYOBRequestState {
  constructor(pub) {
    this.pub = pub;
    this.controller = undefined;
    this.view = null;
  }
}

let streamState;
let defaultReaderState;
let byobReaderState;
let defaultControllerState;
let byteControllerState;
let byobRequestState;

// ---- Conversions ----

const convertUnderlyingSource = webidl.createDictionaryConverter('UnderlyingSource', [
  {
    key: 'autoAllocateChunkSize',
    converter: (value, prefix, context) =>
      webidl.converters['unsigned long long'](value, prefix, context, { enforceRange: true }),
  },
  { key: 'cancel', converter: webidl.converters.Function },
  { key: 'pull', converter: webidl.converters.Function },
  { key: 'start', converter: webidl.converters.Function },
  { key: 'type', converter: webidl.createEnumConverter('ReadableStreamType', ['bytes']) },
]);

const convertGetReaderOptions = webidl.createDictionaryConverter(
    'ReadableStreamGetReaderOptions', [
      { key: 'mode', converter: webidl.createEnumConverter('ReadableStreamReaderMode', ['byob']) },
    ]);

const convertIteratorOptions = webidl.createDictionaryConverter(
    'ReadableStreamIteratorOptions', [
      { key: 'preventCancel', converter: webidl.converters.boolean, defaultValue: false },
    ]);

const convertBYOBReaderReadOptions = webidl.createDictionaryConverter(
    'ReadableStreamBYOBReaderReadOptions', [
      {
        key: 'min',
        converter: (value, prefix, context) =>
          webidl.converters['unsigned long long'](value, prefix, context, { enforceRange: true }),
        defaultValue: 1,
      },
    ]);

function convertAbortSignalMember(value, prefix, context) {
  if (!webidl.implementsInterface(value, AbortSignal.prototype)) {
    throw webidl.makeException(NativeTypeError, "is not of type 'AbortSignal'.", prefix, context);
  }
  return value;
}

const convertStreamPipeOptions = webidl.createDictionaryConverter('StreamPipeOptions', [
  { key: 'preventAbort', converter: webidl.converters.boolean, defaultValue: false },
  { key: 'preventCancel', converter: webidl.converters.boolean, defaultValue: false },
  { key: 'preventClose', converter: webidl.converters.boolean, defaultValue: false },
  { key: 'signal', converter: convertAbortSignalMember },
]);

function convertReadableStream(value, prefix, context) {
  const stream = streamState(value);
  if (stream === undefined) {
    throw webidl.makeException(NativeTypeError, "is not of type 'ReadableStream'.", prefix, context);
  }
  return value;
}

function convertWritableStream(value, prefix, context) {
  const stream = writableStreamStateOf(value);
  if (stream === undefined) {
    throw webidl.makeException(NativeTypeError, "is not of type 'WritableStream'.", prefix, context);
  }
  return value;
}

const convertReadableWritablePair = webidl.createDictionaryConverter('ReadableWritablePair', [
  { key: 'readable', converter: convertReadableStream, required: true },
  { key: 'writable', converter: convertWritableStream, required: true },
]);

function illegalInvocation() {
  return new NativeTypeError('Illegal invocation');
}

// ---- ReadableStream ----

class ReadableStreamMembers extends PlatformObjectBase {
  #state;

  constructor(underlyingSource = undefined, strategy = undefined) {
    super(ReadableStreamMembers, ReadableStream, allocateReadableStream);
    if (underlyingSource === kInternal) {
      this.#state = new ReadableStreamState(this);
      return;
    }
    const prefix = "Failed to construct 'ReadableStream'";
    if (underlyingSource !== undefined) {
      underlyingSource = webidl.converters.object(underlyingSource, prefix, 'Argument 1');
    }
    strategy = convertQueuingStrategy(strategy, prefix, 'Argument 2');
    if (underlyingSource === undefined) underlyingSource = null;
    const sourceDict = convertUnderlyingSource(underlyingSource, prefix, 'Argument 1');
    const stream = this.#state = new ReadableStreamState(this);
    if (sourceDict.type === 'bytes') {
      if (strategy.size !== undefined) {
        throw new NativeRangeError(
            `${prefix}: The strategy for a byte stream cannot have a size function`);
      }
      const highWaterMark = extractHighWaterMark(strategy, 0);
      setUpReadableByteStreamControllerFromUnderlyingSource(
          stream, underlyingSource, sourceDict, highWaterMark);
    } else {
      const sizeAlgorithm = extractSizeAlgorithm(strategy);
      const highWaterMark = extractHighWaterMark(strategy, 1);
      setUpReadableStreamDefaultControllerFromUnderlyingSource(
          stream, underlyingSource, sourceDict, highWaterMark, sizeAlgorithm);
    }
  }

  static from(asyncIterable) {
    const prefix = "Failed to execute 'from' on 'ReadableStream'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    return readableStreamFromIterable(asyncIterable).pub;
  }

  get locked() {
    const stream = streamState(this);
    if (stream === undefined) throw illegalInvocation();
    return isReadableStreamLocked(stream);
  }

  cancel(reason = undefined) {
    const stream = streamState(this);
    if (stream === undefined) return promiseRejectedWith(illegalInvocation());
    if (isReadableStreamLocked(stream)) {
      return promiseRejectedWith(new NativeTypeError(
          "Failed to execute 'cancel' on 'ReadableStream': Cannot cancel a locked stream"));
    }
    return readableStreamCancel(stream, reason);
  }

  getReader(options = undefined) {
    const stream = streamState(this);
    if (stream === undefined) throw illegalInvocation();
    options = convertGetReaderOptions(
        options, "Failed to execute 'getReader' on 'ReadableStream'", 'Argument 1');
    if (options.mode === undefined) return acquireReadableStreamDefaultReader(stream).pub;
    return acquireReadableStreamBYOBReader(stream).pub;
  }

  pipeThrough(transform, options = undefined) {
    const stream = streamState(this);
    if (stream === undefined) throw illegalInvocation();
    const prefix = "Failed to execute 'pipeThrough' on 'ReadableStream'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    transform = convertReadableWritablePair(transform, prefix, 'Argument 1');
    options = convertStreamPipeOptions(options, prefix, 'Argument 2');
    if (isReadableStreamLocked(stream)) {
      throw new NativeTypeError(`${prefix}: The stream is locked.`);
    }
    const writable = writableStreamStateOf(transform.writable);
    if (isWritableStreamLocked(writable)) {
      throw new NativeTypeError(`${prefix}: The destination writable stream is locked.`);
    }
    const promise = readableStreamPipeTo(stream, writable, options.preventClose,
                                         options.preventAbort, options.preventCancel,
                                         options.signal);
    setPromiseIsHandled(promise);
    return transform.readable;
  }

  pipeTo(destination, options = undefined) {
    const stream = streamState(this);
    if (stream === undefined) return promiseRejectedWith(illegalInvocation());
    const prefix = "Failed to execute 'pipeTo' on 'ReadableStream'";
    let dest;
    try {
      webidl.requiredArguments(arguments.length, 1, prefix);
      convertWritableStream(destination, prefix, 'Argument 1');
      dest = writableStreamStateOf(destination);
      options = convertStreamPipeOptions(options, prefix, 'Argument 2');
    } catch (error) {
      return promiseRejectedWith(error);
    }
    if (isReadableStreamLocked(stream)) {
      return promiseRejectedWith(new NativeTypeError(`${prefix}: The stream is locked.`));
    }
    if (isWritableStreamLocked(dest)) {
      return promiseRejectedWith(
          new NativeTypeError(`${prefix}: The destination writable stream is locked.`));
    }
    return readableStreamPipeTo(stream, dest, options.preventClose, options.preventAbort,
                                options.preventCancel, options.signal);
  }

  tee() {
    const stream = streamState(this);
    if (stream === undefined) throw illegalInvocation();
    const [branch1, branch2] = readableStreamTee(stream, false);
    return [branch1.pub, branch2.pub];
  }

  values(options = undefined) {
    const stream = streamState(this);
    if (stream === undefined) throw illegalInvocation();
    options = convertIteratorOptions(
        options, "Failed to execute 'values' on 'ReadableStream'", 'Argument 1');
    return createReadableStreamAsyncIterator(stream, options.preventCancel);
  }

  [inspectCustom](depth, options, inspect) {
    const stream = streamState(this);
    if (stream === undefined) return this;
    return inspectAs('ReadableStream', {
      locked: isReadableStreamLocked(stream),
      state: stream.state,
      supportsBYOB: stream.controller !== undefined && stream.controller.isByteController,
    }, depth, options, inspect);
  }

  static {
    streamState = (value) => (value !== null && typeof value === 'object' && #state in value
                              ? value.#state : undefined);
  }
}

// The interface object of the members class above (ext:web/interface_object.js,
// "Interfaces whose members keep private fields"): its objects are platform
// objects, which structuredClone refuses.
export class ReadableStream extends Object {
  constructor(underlyingSource = undefined, strategy = undefined) {
    return ReflectConstruct(ReadableStreamMembers, arguments, new.target);
  }
}
exposeMembers(ReadableStream, ReadableStreamMembers);
const allocateReadableStream = platformObjectAllocator(ReadableStream);
webidl.configureInterface(ReadableStream);
ObjectDefineProperty(ReadableStream.prototype, SymbolAsyncIterator, {
  value: ReadableStream.prototype.values, writable: true, enumerable: false, configurable: true,
});

export function readableStreamStateOf(value) {
  return streamState(value);
}

// ---- Readers ----

class ReadableStreamDefaultReaderMembers extends PlatformObjectBase {
  #state;

  constructor(stream) {
    super(ReadableStreamDefaultReaderMembers, ReadableStreamDefaultReader, allocateReadableStreamDefaultReader);
    if (stream === kInternal) {
      this.#state = new ReaderState(this, false);
      return;
    }
    const prefix = "Failed to construct 'ReadableStreamDefaultReader'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    convertReadableStream(stream, prefix, 'Argument 1');
    this.#state = new ReaderState(this, false);
    setUpReadableStreamDefaultReader(this.#state, streamState(stream));
  }

  get closed() {
    const reader = defaultReaderState(this);
    if (reader === undefined) return promiseRejectedWith(illegalInvocation());
    return reader.closedPromise;
  }

  cancel(reason = undefined) {
    const reader = defaultReaderState(this);
    if (reader === undefined) return promiseRejectedWith(illegalInvocation());
    if (reader.stream === undefined) {
      return promiseRejectedWith(new NativeTypeError(
          'This readable stream reader has been released and cannot be used to cancel its previous owner stream'));
    }
    return readableStreamCancel(reader.stream, reason);
  }

  read() {
    const reader = defaultReaderState(this);
    if (reader === undefined) return promiseRejectedWith(illegalInvocation());
    const stream = reader.stream;
    if (stream === undefined) {
      return promiseRejectedWith(new NativeTypeError(
          'This readable stream reader has been released and cannot be used to read from its previous owner stream'));
    }
    // A controller with queued chunks answers at once: the same steps as [[PullSteps]]
    // with a read request whose chunk steps resolve the promise.
    const controller = stream.controller;
    if (stream.state === 'readable') {
      if (!controller.isByteController) {
        if (controller.queue.length > 0) {
          stream.disturbed = true;
          const chunk = readableStreamDefaultControllerDequeue(controller);
          return promiseResolvedWith({ value: chunk, done: false });
        }
      } else if (controller.queueTotalSize > 0) {
        stream.disturbed = true;
        const view = readableByteStreamControllerTakeQueueHead(controller);
        return promiseResolvedWith({ value: view, done: false });
      }
    }
    const request = new PromiseReadRequest();
    readableStreamDefaultReaderRead(reader, request);
    return request.promise;
  }

  releaseLock() {
    const reader = defaultReaderState(this);
    if (reader === undefined) throw illegalInvocation();
    if (reader.stream === undefined) return;
    readableStreamDefaultReaderRelease(reader);
  }

  [inspectCustom](depth, options, inspect) {
    const reader = defaultReaderState(this);
    if (reader === undefined) return this;
    return inspectAs('ReadableStreamDefaultReader', {
      stream: reader.stream === undefined ? undefined : reader.stream.pub,
      readRequests: reader.requests.length,
      close: reader.closedPromise,
    }, depth, options, inspect);
  }

  static {
    defaultReaderState = (value) => (value !== null && typeof value === 'object' &&
                                     #state in value ? value.#state : undefined);
  }
}

// The interface object of the members class above (ext:web/interface_object.js,
// "Interfaces whose members keep private fields"): its objects are platform
// objects, which structuredClone refuses.
export class ReadableStreamDefaultReader extends Object {
  constructor(stream) {
    return ReflectConstruct(ReadableStreamDefaultReaderMembers, arguments, new.target);
  }
}
exposeMembers(ReadableStreamDefaultReader, ReadableStreamDefaultReaderMembers);
const allocateReadableStreamDefaultReader = platformObjectAllocator(ReadableStreamDefaultReader);
webidl.configureInterface(ReadableStreamDefaultReader);

class ReadableStreamBYOBReaderMembers extends PlatformObjectBase {
  #state;

  constructor(stream) {
    super(ReadableStreamBYOBReaderMembers, ReadableStreamBYOBReader, allocateReadableStreamBYOBReader);
    if (stream === kInternal) {
      this.#state = new ReaderState(this, true);
      return;
    }
    const prefix = "Failed to construct 'ReadableStreamBYOBReader'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    convertReadableStream(stream, prefix, 'Argument 1');
    this.#state = new ReaderState(this, true);
    setUpReadableStreamBYOBReader(this.#state, streamState(stream));
  }

  get closed() {
    const reader = byobReaderState(this);
    if (reader === undefined) return promiseRejectedWith(illegalInvocation());
    return reader.closedPromise;
  }

  cancel(reason = undefined) {
    const reader = byobReaderState(this);
    if (reader === undefined) return promiseRejectedWith(illegalInvocation());
    if (reader.stream === undefined) {
      return promiseRejectedWith(new NativeTypeError(
          'This readable stream reader has been released and cannot be used to cancel its previous owner stream'));
    }
    return readableStreamCancel(reader.stream, reason);
  }

  read(view, options = undefined) {
    const reader = byobReaderState(this);
    if (reader === undefined) return promiseRejectedWith(illegalInvocation());
    const prefix = "Failed to execute 'read' on 'ReadableStreamBYOBReader'";
    try {
      webidl.requiredArguments(arguments.length, 1, prefix);
      view = webidl.converters.ArrayBufferView(view, prefix, 'Argument 1');
      options = convertBYOBReaderReadOptions(options, prefix, 'Argument 2');
    } catch (error) {
      return promiseRejectedWith(error);
    }
    if (viewByteLength(view) === 0) {
      return promiseRejectedWith(new NativeTypeError(`${prefix}: view must have non-zero byteLength`));
    }
    const buffer = viewBuffer(view);
    if (arrayBufferByteLength(buffer) === 0) {
      return promiseRejectedWith(new NativeTypeError(
          `${prefix}: view's buffer must have non-zero byteLength`));
    }
    if (isDetachedBuffer(buffer)) {
      return promiseRejectedWith(new NativeTypeError(`${prefix}: view's buffer has been detached`));
    }
    const min = options.min;
    if (min === 0) {
      return promiseRejectedWith(new NativeTypeError(`${prefix}: options.min must be greater than 0`));
    }
    if (!isDataView(view)) {
      if (min > viewByteLength(view) / viewElementSize(view)) {
        return promiseRejectedWith(new NativeRangeError(
            `${prefix}: options.min must be less than or equal to view's length`));
      }
    } else if (min > viewByteLength(view)) {
      return promiseRejectedWith(new NativeRangeError(
          `${prefix}: options.min must be less than or equal to view's byteLength`));
    }
    if (reader.stream === undefined) {
      return promiseRejectedWith(new NativeTypeError(
          'This readable stream reader has been released and cannot be used to read from its previous owner stream'));
    }
    const request = new PromiseReadRequest();
    readableStreamBYOBReaderRead(reader, view, min, request);
    return request.promise;
  }

  releaseLock() {
    const reader = byobReaderState(this);
    if (reader === undefined) throw illegalInvocation();
    if (reader.stream === undefined) return;
    readableStreamBYOBReaderRelease(reader);
  }

  [inspectCustom](depth, options, inspect) {
    const reader = byobReaderState(this);
    if (reader === undefined) return this;
    return inspectAs('ReadableStreamBYOBReader', {
      stream: reader.stream === undefined ? undefined : reader.stream.pub,
      readIntoRequests: reader.requests.length,
      close: reader.closedPromise,
    }, depth, options, inspect);
  }

  static {
    byobReaderState = (value) => (value !== null && typeof value === 'object' &&
                                  #state in value ? value.#state : undefined);
  }
}

// The interface object of the members class above (ext:web/interface_object.js,
// "Interfaces whose members keep private fields"): its objects are platform
// objects, which structuredClone refuses.
export class ReadableStreamBYOBReader extends Object {
  constructor(stream) {
    return ReflectConstruct(ReadableStreamBYOBReaderMembers, arguments, new.target);
  }
}
exposeMembers(ReadableStreamBYOBReader, ReadableStreamBYOBReaderMembers);
const allocateReadableStreamBYOBReader = platformObjectAllocator(ReadableStreamBYOBReader);
webidl.configureInterface(ReadableStreamBYOBReader);

// ---- Controllers ----

class ReadableStreamDefaultControllerMembers extends PlatformObjectBase {
  #state;

  constructor(token = undefined) {
    super(ReadableStreamDefaultControllerMembers, ReadableStreamDefaultController, allocateReadableStreamDefaultController);
    if (token !== kInternal) webidl.illegalConstructor();
    this.#state = new DefaultControllerState(this);
  }

  get desiredSize() {
    const controller = defaultControllerState(this);
    if (controller === undefined) throw illegalInvocation();
    return readableStreamDefaultControllerGetDesiredSize(controller);
  }

  close() {
    const controller = defaultControllerState(this);
    if (controller === undefined) throw illegalInvocation();
    if (!readableStreamDefaultControllerCanCloseOrEnqueue(controller)) {
      throw new NativeTypeError(
          "Failed to execute 'close' on 'ReadableStreamDefaultController': The stream is not in a state that permits close");
    }
    readableStreamDefaultControllerClose(controller);
  }

  enqueue(chunk = undefined) {
    const controller = defaultControllerState(this);
    if (controller === undefined) throw illegalInvocation();
    if (!readableStreamDefaultControllerCanCloseOrEnqueue(controller)) {
      throw new NativeTypeError(
          "Failed to execute 'enqueue' on 'ReadableStreamDefaultController': The stream is not in a state that permits enqueue");
    }
    readableStreamDefaultControllerEnqueue(controller, chunk);
  }

  error(e = undefined) {
    const controller = defaultControllerState(this);
    if (controller === undefined) throw illegalInvocation();
    readableStreamDefaultControllerError(controller, e);
  }

  [inspectCustom](depth, options, inspect) {
    if (defaultControllerState(this) === undefined) return this;
    return inspectAs('ReadableStreamDefaultController', {}, depth, options, inspect);
  }

  static {
    defaultControllerState = (value) => (value !== null && typeof value === 'object' &&
                                         #state in value ? value.#state : undefined);
  }
}

// The interface object of the members class above (ext:web/interface_object.js,
// "Interfaces whose members keep private fields"): its objects are platform
// objects, which structuredClone refuses.
export class ReadableStreamDefaultController extends Object {
  constructor(token = undefined) {
    return ReflectConstruct(ReadableStreamDefaultControllerMembers, arguments, new.target);
  }
}
exposeMembers(ReadableStreamDefaultController, ReadableStreamDefaultControllerMembers);
const allocateReadableStreamDefaultController = platformObjectAllocator(ReadableStreamDefaultController);
webidl.configureInterface(ReadableStreamDefaultController);

class ReadableByteStreamControllerMembers extends PlatformObjectBase {
  #state;

  constructor(token = undefined) {
    super(ReadableByteStreamControllerMembers, ReadableByteStreamController, allocateReadableByteStreamController);
    if (token !== kInternal) webidl.illegalConstructor();
    this.#state = new ByteControllerState(this);
  }

  get byobRequest() {
    const controller = byteControllerState(this);
    if (controller === undefined) throw illegalInvocation();
    const request = readableByteStreamControllerGetBYOBRequest(controller);
    return request === null ? null : request.pub;
  }

  get desiredSize() {
    const controller = byteControllerState(this);
    if (controller === undefined) throw illegalInvocation();
    return readableByteStreamControllerGetDesiredSize(controller);
  }

  close() {
    const controller = byteControllerState(this);
    if (controller === undefined) throw illegalInvocation();
    const prefix = "Failed to execute 'close' on 'ReadableByteStreamController'";
    if (controller.closeRequested) {
      throw new NativeTypeError(`${prefix}: The stream has already been closed`);
    }
    if (controller.stream.state !== 'readable') {
      throw new NativeTypeError(`${prefix}: The stream is not in the readable state and cannot be closed`);
    }
    readableByteStreamControllerClose(controller);
  }

  enqueue(chunk) {
    const controller = byteControllerState(this);
    if (controller === undefined) throw illegalInvocation();
    const prefix = "Failed to execute 'enqueue' on 'ReadableByteStreamController'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    chunk = webidl.converters.ArrayBufferView(chunk, prefix, 'Argument 1');
    if (viewByteLength(chunk) === 0) {
      throw new NativeTypeError(`${prefix}: chunk must have non-zero byteLength`);
    }
    if (arrayBufferByteLength(viewBuffer(chunk)) === 0) {
      throw new NativeTypeError(`${prefix}: chunk's buffer must have non-zero byteLength`);
    }
    if (controller.closeRequested) {
      throw new NativeTypeError(`${prefix}: The stream has already been closed`);
    }
    if (controller.stream.state !== 'readable') {
      throw new NativeTypeError(`${prefix}: The stream is not in the readable state and cannot be enqueued to`);
    }
    readableByteStreamControllerEnqueue(controller, chunk);
  }

  error(e = undefined) {
    const controller = byteControllerState(this);
    if (controller === undefined) throw illegalInvocation();
    readableByteStreamControllerError(controller, e);
  }

  [inspectCustom](depth, options, inspect) {
    if (byteControllerState(this) === undefined) return this;
    return inspectAs('ReadableByteStreamController', {}, depth, options, inspect);
  }

  static {
    byteControllerState = (value) => (value !== null && typeof value === 'object' &&
                                      #state in value ? value.#state : undefined);
  }
}

// The interface object of the members class above (ext:web/interface_object.js,
// "Interfaces whose members keep private fields"): its objects are platform
// objects, which structuredClone refuses.
export class ReadableByteStreamController extends Object {
  constructor(token = undefined) {
    return ReflectConstruct(ReadableByteStreamControllerMembers, arguments, new.target);
  }
}
exposeMembers(ReadableByteStreamController, ReadableByteStreamControllerMembers);
const allocateReadableByteStreamController = platformObjectAllocator(ReadableByteStreamController);
webidl.configureInterface(ReadableByteStreamController);

class ReadableStreamBYOBRequestMembers extends PlatformObjectBase {
  #state;

  constructor(token = undefined) {
    super(ReadableStreamBYOBRequestMembers, ReadableStreamBYOBRequest, allocateReadableStreamBYOBRequest);
    if (token !== kInternal) webidl.illegalConstructor();
    this.#state = new BYOBRequestState(this);
  }

  get view() {
    const request = byobRequestState(this);
    if (request === undefined) throw illegalInvocation();
    return request.view;
  }

  respond(bytesWritten) {
    const request = byobRequestState(this);
    if (request === undefined) throw illegalInvocation();
    const prefix = "Failed to execute 'respond' on 'ReadableStreamBYOBRequest'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    bytesWritten = webidl.converters['unsigned long long'](
        bytesWritten, prefix, 'Argument 1', { enforceRange: true });
    if (request.controller === undefined) {
      throw new NativeTypeError(`${prefix}: This BYOB request has been invalidated`);
    }
    if (isDetachedBuffer(viewBuffer(request.view))) {
      throw new NativeTypeError(`${prefix}: The BYOB request's buffer has been detached and so cannot be used as a response`);
    }
    readableByteStreamControllerRespond(request.controller, bytesWritten);
  }

  respondWithNewView(view) {
    const request = byobRequestState(this);
    if (request === undefined) throw illegalInvocation();
    const prefix = "Failed to execute 'respondWithNewView' on 'ReadableStreamBYOBRequest'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    view = webidl.converters.ArrayBufferView(view, prefix, 'Argument 1');
    if (request.controller === undefined) {
      throw new NativeTypeError(`${prefix}: This BYOB request has been invalidated`);
    }
    if (isDetachedBuffer(viewBuffer(view))) {
      throw new NativeTypeError(`${prefix}: The given view's buffer has been detached and so cannot be used as a response`);
    }
    readableByteStreamControllerRespondWithNewView(request.controller, view);
  }

  [inspectCustom](depth, options, inspect) {
    const request = byobRequestState(this);
    if (request === undefined) return this;
    return inspectAs('ReadableStreamBYOBRequest', {
      view: request.view,
      controller: request.controller === undefined ? undefined : request.controller.pub,
    }, depth, options, inspect);
  }

  static {
    byobRequestState = (value) => (value !== null && typeof value === 'object' &&
                                   #state in value ? value.#state : undefined);
  }
}

// The interface object of the members class above (ext:web/interface_object.js,
// "Interfaces whose members keep private fields"): its objects are platform
// objects, which structuredClone refuses.
export class ReadableStreamBYOBRequest extends Object {
  constructor(token = undefined) {
    return ReflectConstruct(ReadableStreamBYOBRequestMembers, arguments, new.target);
  }
}
exposeMembers(ReadableStreamBYOBRequest, ReadableStreamBYOBRequestMembers);
const allocateReadableStreamBYOBRequest = platformObjectAllocator(ReadableStreamBYOBRequest);
webidl.configureInterface(ReadableStreamBYOBRequest);

// ---- Read requests ----

// reader.read(): settles a promise with { value, done }.
class PromiseReadRequest {
  constructor() {
    this.resolve = undefined;
    this.reject = undefined;
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
  chunkSteps(chunk) {
    this.resolve({ value: chunk, done: false });
  }
  closeSteps(chunk) {
    this.resolve({ value: chunk, done: true });
  }
  errorSteps(error) {
    this.reject(error);
  }
}

// A read request made of three functions (tee, ReadableStream.from's users).
class CallbackReadRequest {
  constructor(chunkSteps, closeSteps, errorSteps) {
    this.chunkSteps = chunkSteps;
    this.closeSteps = closeSteps;
    this.errorSteps = errorSteps;
  }
}

// ---- Abstract operations: ReadableStream ----

function newStreamState() {
  return streamState(new ReadableStreamMembers(kInternal));
}

// CreateReadableStream. Algorithms are functions of the controller state:
// start(controller), pull(controller) -> promise, cancel(controller, reason) -> promise.
export function createReadableStream(startAlgorithm, pullAlgorithm, cancelAlgorithm,
                                     highWaterMark = 1, sizeAlgorithm = undefined) {
  const stream = newStreamState();
  const controller = defaultControllerState(new ReadableStreamDefaultControllerMembers(kInternal));
  setUpReadableStreamDefaultController(stream, controller, startAlgorithm, pullAlgorithm,
                                       cancelAlgorithm, highWaterMark, sizeAlgorithm);
  return stream;
}

// CreateReadableByteStream (highWaterMark 0; autoAllocateChunkSize as given).
// `allocateChunkBuffer(size, first)`, when given, makes the buffers auto-allocated for
// default reads instead of `new ArrayBuffer(size)` (resource streams: unfilled memory,
// which their pull zeroes where a read did not fill it, or a chunk the resource already
// filled). `first`: the buffer's read is the first pending one, the next the pull fills.
export function createReadableByteStream(startAlgorithm, pullAlgorithm, cancelAlgorithm,
                                         highWaterMark = 0, autoAllocateChunkSize = undefined,
                                         allocateChunkBuffer = null) {
  const stream = newStreamState();
  const controller = byteControllerState(new ReadableByteStreamControllerMembers(kInternal));
  setUpReadableByteStreamController(stream, controller, startAlgorithm, pullAlgorithm,
                                    cancelAlgorithm, highWaterMark, autoAllocateChunkSize);
  controller.allocateChunkBuffer = allocateChunkBuffer;
  return stream;
}

export function acquireReadableStreamDefaultReader(stream) {
  const reader = defaultReaderState(new ReadableStreamDefaultReaderMembers(kInternal));
  setUpReadableStreamDefaultReader(reader, stream);
  return reader;
}

export function acquireReadableStreamBYOBReader(stream) {
  const reader = byobReaderState(new ReadableStreamBYOBReaderMembers(kInternal));
  setUpReadableStreamBYOBReader(reader, stream);
  return reader;
}

export function isReadableStreamLocked(stream) {
  return stream.reader !== undefined;
}

export function readableStreamCancel(stream, reason) {
  stream.disturbed = true;
  if (stream.state === 'closed') return promiseResolvedWith(undefined);
  if (stream.state === 'errored') return promiseRejectedWith(stream.storedError);
  readableStreamClose(stream);
  const reader = stream.reader;
  if (reader !== undefined && reader.isBYOB) {
    const requests = reader.requests.takeAll();
    for (let i = 0; i < requests.length; i++) requests[i].closeSteps(undefined);
  }
  const controller = stream.controller;
  let sourceCancelPromise;
  if (controller.isByteController) {
    readableByteStreamControllerClearPendingPullIntos(controller);
    readableByteStreamControllerResetQueue(controller);
    sourceCancelPromise = controller.cancelAlgorithm(controller, reason);
    readableByteStreamControllerClearAlgorithms(controller);
  } else {
    controller.queue.reset();
    sourceCancelPromise = controller.cancelAlgorithm(controller, reason);
    readableStreamDefaultControllerClearAlgorithms(controller);
  }
  return uponFulfillment(sourceCancelPromise, returnUndefined);
}

function returnUndefined() {
  return undefined;
}

export function readableStreamClose(stream) {
  stream.state = 'closed';
  const reader = stream.reader;
  if (reader === undefined) return;
  readerClosedResolve(reader);
  if (!reader.isBYOB) {
    const requests = reader.requests.takeAll();
    for (let i = 0; i < requests.length; i++) requests[i].closeSteps(undefined);
  }
}

export function readableStreamError(stream, e) {
  stream.state = 'errored';
  stream.storedError = e;
  const reader = stream.reader;
  if (reader === undefined) return;
  readerClosedReject(reader, e);
  const requests = reader.requests.takeAll();
  for (let i = 0; i < requests.length; i++) requests[i].errorSteps(e);
}

function readableStreamFulfillReadRequest(stream, chunk, done) {
  const request = stream.reader.requests.shift();
  if (done) {
    request.closeSteps(undefined);
  } else {
    request.chunkSteps(chunk);
  }
}

function readableStreamFulfillReadIntoRequest(stream, chunk, done) {
  const request = stream.reader.requests.shift();
  if (done) {
    request.closeSteps(chunk);
  } else {
    request.chunkSteps(chunk);
  }
}

function readableStreamGetNumReadRequests(stream) {
  return stream.reader.requests.length;
}

function readableStreamHasDefaultReader(stream) {
  const reader = stream.reader;
  return reader !== undefined && !reader.isBYOB;
}

function readableStreamHasBYOBReader(stream) {
  const reader = stream.reader;
  return reader !== undefined && reader.isBYOB;
}

// ---- Abstract operations: readers ----

function readerClosedResolve(reader) {
  if (!reader.closedPending) return;
  reader.closedResolve(undefined);
  reader.closedResolve = reader.closedReject = undefined;
  reader.closedPending = false;
}

function readerClosedReject(reader, reason) {
  if (reader.closedPending) {
    setPromiseIsHandled(reader.closedPromise);
    reader.closedReject(reason);
    reader.closedResolve = reader.closedReject = undefined;
    reader.closedPending = false;
  } else {
    reader.closedPromise = promiseRejectedWith(reason);
    setPromiseIsHandled(reader.closedPromise);
  }
}

function readableStreamReaderGenericInitialize(reader, stream) {
  reader.stream = stream;
  stream.reader = reader;
  if (stream.state === 'readable') {
    const deferred = new Deferred();
    reader.closedPromise = deferred.promise;
    reader.closedResolve = deferred.resolve;
    reader.closedReject = deferred.reject;
    reader.closedPending = true;
  } else if (stream.state === 'closed') {
    reader.closedPromise = promiseResolvedWith(undefined);
    reader.closedPending = false;
  } else {
    reader.closedPromise = promiseRejectedWith(stream.storedError);
    setPromiseIsHandled(reader.closedPromise);
    reader.closedPending = false;
  }
}

function readableStreamReaderGenericRelease(reader) {
  const stream = reader.stream;
  const error = new NativeTypeError(
      'Releasing reader: the reader can no longer be used to monitor the stream\'s closedness');
  readerClosedReject(reader, error);
  // [[ReleaseSteps]]
  const controller = stream.controller;
  if (controller.isByteController && controller.pendingPullIntos.length > 0) {
    const first = controller.pendingPullIntos[0];
    first.readerType = 'none';
    controller.pendingPullIntos = [first];
  }
  stream.reader = undefined;
  reader.stream = undefined;
}

export function readableStreamDefaultReaderRelease(reader) {
  readableStreamReaderGenericRelease(reader);
  const error = new NativeTypeError('Releasing reader: pending reads are rejected');
  const requests = reader.requests.takeAll();
  for (let i = 0; i < requests.length; i++) requests[i].errorSteps(error);
}

export function readableStreamBYOBReaderRelease(reader) {
  readableStreamReaderGenericRelease(reader);
  const error = new NativeTypeError('Releasing reader: pending reads are rejected');
  const requests = reader.requests.takeAll();
  for (let i = 0; i < requests.length; i++) requests[i].errorSteps(error);
}

export function readableStreamDefaultReaderRead(reader, readRequest) {
  const stream = reader.stream;
  stream.disturbed = true;
  if (stream.state === 'closed') {
    readRequest.closeSteps(undefined);
  } else if (stream.state === 'errored') {
    readRequest.errorSteps(stream.storedError);
  } else {
    const controller = stream.controller;
    if (controller.isByteController) {
      readableByteStreamControllerPullSteps(controller, readRequest);
    } else {
      readableStreamDefaultControllerPullSteps(controller, readRequest);
    }
  }
}

export function readableStreamBYOBReaderRead(reader, view, min, readIntoRequest) {
  const stream = reader.stream;
  stream.disturbed = true;
  if (stream.state === 'errored') {
    readIntoRequest.errorSteps(stream.storedError);
  } else {
    readableByteStreamControllerPullInto(stream.controller, view, min, readIntoRequest);
  }
}

function setUpReadableStreamDefaultReader(reader, stream) {
  if (isReadableStreamLocked(stream)) {
    throw new NativeTypeError('ReadableStream is locked');
  }
  readableStreamReaderGenericInitialize(reader, stream);
}

function setUpReadableStreamBYOBReader(reader, stream) {
  if (isReadableStreamLocked(stream)) {
    throw new NativeTypeError('ReadableStream is locked');
  }
  if (!stream.controller.isByteController) {
    throw new NativeTypeError(
        'Cannot construct a ReadableStreamBYOBReader for a stream not constructed with a byte source');
  }
  readableStreamReaderGenericInitialize(reader, stream);
}

// ---- Abstract operations: the default controller ----

// [[PullSteps]].
function readableStreamDefaultControllerPullSteps(controller, readRequest) {
  const stream = controller.stream;
  if (controller.queue.length > 0) {
    const chunk = readableStreamDefaultControllerDequeue(controller);
    readRequest.chunkSteps(chunk);
  } else {
    stream.reader.requests.push(readRequest);
    readableStreamDefaultControllerCallPullIfNeeded(controller);
  }
}

// The first part of [[PullSteps]] with a non-empty queue: dequeue, then close or pull.
function readableStreamDefaultControllerDequeue(controller) {
  const chunk = controller.queue.shift();
  if (controller.closeRequested && controller.queue.length === 0) {
    readableStreamDefaultControllerClearAlgorithms(controller);
    readableStreamClose(controller.stream);
  } else {
    readableStreamDefaultControllerCallPullIfNeeded(controller);
  }
  return chunk;
}

function readableStreamDefaultControllerCallPullIfNeeded(controller) {
  if (!readableStreamDefaultControllerShouldCallPull(controller)) return;
  if (controller.pulling) {
    controller.pullAgain = true;
    return;
  }
  controller.pulling = true;
  const pullPromise = controller.pullAlgorithm(controller);
  // A pull algorithm of the streams' own may return a LazyPromise (a TransformStream's).
  if (pullPromise instanceof LazyPromise) {
    pullPromise.upon(controller.onPullFulfilled, controller.onPullRejected);
  } else {
    uponPromise(pullPromise, controller.onPullFulfilled, controller.onPullRejected);
  }
}

function onDefaultPullFulfilled(controller) {
  controller.pulling = false;
  if (controller.pullAgain) {
    controller.pullAgain = false;
    readableStreamDefaultControllerCallPullIfNeeded(controller);
  }
}

function readableStreamDefaultControllerShouldCallPull(controller) {
  const stream = controller.stream;
  if (!readableStreamDefaultControllerCanCloseOrEnqueue(controller)) return false;
  if (!controller.started) return false;
  if (isReadableStreamLocked(stream) && readableStreamGetNumReadRequests(stream) > 0) return true;
  return readableStreamDefaultControllerGetDesiredSize(controller) > 0;
}

function readableStreamDefaultControllerClearAlgorithms(controller) {
  controller.pullAlgorithm = undefined;
  controller.cancelAlgorithm = undefined;
  controller.strategySize = undefined;
}

export function readableStreamDefaultControllerClose(controller) {
  if (!readableStreamDefaultControllerCanCloseOrEnqueue(controller)) return;
  controller.closeRequested = true;
  if (controller.queue.length === 0) {
    readableStreamDefaultControllerClearAlgorithms(controller);
    readableStreamClose(controller.stream);
  }
}

export function readableStreamDefaultControllerEnqueue(controller, chunk) {
  if (!readableStreamDefaultControllerCanCloseOrEnqueue(controller)) return;
  const stream = controller.stream;
  if (isReadableStreamLocked(stream) && readableStreamGetNumReadRequests(stream) > 0) {
    readableStreamFulfillReadRequest(stream, chunk, false);
  } else {
    let chunkSize = 1;
    const size = controller.strategySize;
    if (size !== undefined) {
      try {
        chunkSize = ReflectApply(size, undefined, [chunk]);
      } catch (error) {
        readableStreamDefaultControllerError(controller, error);
        throw error;
      }
    }
    try {
      controller.queue.push(chunk, checkChunkSize(chunkSize));
    } catch (error) {
      readableStreamDefaultControllerError(controller, error);
      throw error;
    }
  }
  readableStreamDefaultControllerCallPullIfNeeded(controller);
}

export function readableStreamDefaultControllerError(controller, e) {
  const stream = controller.stream;
  if (stream.state !== 'readable') return;
  controller.queue.reset();
  readableStreamDefaultControllerClearAlgorithms(controller);
  readableStreamError(stream, e);
}

export function readableStreamDefaultControllerGetDesiredSize(controller) {
  const state = controller.stream.state;
  if (state === 'errored') return null;
  if (state === 'closed') return 0;
  return controller.strategyHWM - controller.queue.totalSize;
}

export function readableStreamDefaultControllerHasBackpressure(controller) {
  return !readableStreamDefaultControllerShouldCallPull(controller);
}

export function readableStreamDefaultControllerCanCloseOrEnqueue(controller) {
  return !controller.closeRequested && controller.stream.state === 'readable';
}

function setUpReadableStreamDefaultController(stream, controller, startAlgorithm, pullAlgorithm,
                                              cancelAlgorithm, highWaterMark, sizeAlgorithm) {
  controller.stream = stream;
  controller.queue.reset();
  controller.started = false;
  controller.closeRequested = false;
  controller.pullAgain = false;
  controller.pulling = false;
  controller.strategySize = sizeAlgorithm;
  controller.strategyHWM = highWaterMark;
  controller.pullAlgorithm = pullAlgorithm;
  controller.cancelAlgorithm = cancelAlgorithm;
  controller.onPullFulfilled = () => onDefaultPullFulfilled(controller);
  controller.onPullRejected = (e) => readableStreamDefaultControllerError(controller, e);
  stream.controller = controller;
  const startResult = startAlgorithm(controller);
  uponPromise(promiseResolvedWith(startResult), () => {
    controller.started = true;
    readableStreamDefaultControllerCallPullIfNeeded(controller);
  }, (r) => readableStreamDefaultControllerError(controller, r));
}

function setUpReadableStreamDefaultControllerFromUnderlyingSource(
    stream, underlyingSource, sourceDict, highWaterMark, sizeAlgorithm) {
  const controller = defaultControllerState(new ReadableStreamDefaultControllerMembers(kInternal));
  const { start, pull, cancel } = sourceDict;
  const startAlgorithm = start === undefined ? returnUndefined
      : (c) => ReflectApply(start, underlyingSource, [c.pub]);
  const pullAlgorithm = pull === undefined ? () => resolvedPromise
      : (c) => invokeCallback(pull, underlyingSource, [c.pub]);
  const cancelAlgorithm = cancel === undefined ? () => resolvedPromise
      : (c, reason) => invokeCallback(cancel, underlyingSource, [reason]);
  setUpReadableStreamDefaultController(stream, controller, startAlgorithm, pullAlgorithm,
                                       cancelAlgorithm, highWaterMark, sizeAlgorithm);
}

// ---- Abstract operations: the byte stream controller ----

function readableByteStreamControllerResetQueue(controller) {
  controller.queue = [];
  controller.queueHead = 0;
  controller.queueTotalSize = 0;
}

function byteQueueShift(controller) {
  const index = controller.queueHead;
  const entry = controller.queue[index];
  controller.queue[index] = undefined;
  if (index + 1 === controller.queue.length) {
    controller.queue = [];
    controller.queueHead = 0;
  } else {
    controller.queueHead = index + 1;
  }
  return entry;
}

// [[PullSteps]].
function readableByteStreamControllerPullSteps(controller, readRequest) {
  const stream = controller.stream;
  if (controller.queueTotalSize > 0) {
    readableByteStreamControllerFillReadRequestFromQueue(controller, readRequest);
    return;
  }
  const autoAllocateChunkSize = controller.autoAllocateChunkSize;
  if (autoAllocateChunkSize !== undefined) {
    let buffer;
    try {
      const allocate = controller.allocateChunkBuffer;
      buffer = allocate === null
          ? new NativeArrayBuffer(autoAllocateChunkSize)
          : allocate(autoAllocateChunkSize, controller.pendingPullIntos.length === 0);
    } catch (error) {
      readRequest.errorSteps(error);
      return;
    }
    controller.pendingPullIntos[controller.pendingPullIntos.length] = new PullIntoDescriptor(
        buffer, autoAllocateChunkSize, 0, autoAllocateChunkSize, 1, 1, NativeUint8Array,
        'default');
  }
  stream.reader.requests.push(readRequest);
  readableByteStreamControllerCallPullIfNeeded(controller);
}

function readableByteStreamControllerCallPullIfNeeded(controller) {
  if (!readableByteStreamControllerShouldCallPull(controller)) return;
  if (controller.pulling) {
    controller.pullAgain = true;
    return;
  }
  controller.pulling = true;
  const pullPromise = controller.pullAlgorithm(controller);
  uponPromise(pullPromise, controller.onPullFulfilled, controller.onPullRejected);
}

function onBytePullFulfilled(controller) {
  controller.pulling = false;
  if (controller.pullAgain) {
    controller.pullAgain = false;
    readableByteStreamControllerCallPullIfNeeded(controller);
  }
}

function readableByteStreamControllerClearAlgorithms(controller) {
  controller.pullAlgorithm = undefined;
  controller.cancelAlgorithm = undefined;
}

function readableByteStreamControllerClearPendingPullIntos(controller) {
  readableByteStreamControllerInvalidateBYOBRequest(controller);
  controller.pendingPullIntos = [];
}

export function readableByteStreamControllerClose(controller) {
  const stream = controller.stream;
  if (controller.closeRequested || stream.state !== 'readable') return;
  if (controller.queueTotalSize > 0) {
    controller.closeRequested = true;
    return;
  }
  if (controller.pendingPullIntos.length > 0) {
    const first = controller.pendingPullIntos[0];
    if (first.bytesFilled % first.elementSize !== 0) {
      const e = new NativeTypeError('Insufficient bytes to fill elements in the given buffer');
      readableByteStreamControllerError(controller, e);
      throw e;
    }
  }
  readableByteStreamControllerClearAlgorithms(controller);
  readableStreamClose(stream);
}

function readableByteStreamControllerCommitPullIntoDescriptor(stream, pullIntoDescriptor) {
  let done = false;
  if (stream.state === 'closed') done = true;
  const filledView = readableByteStreamControllerConvertPullIntoDescriptor(pullIntoDescriptor);
  if (pullIntoDescriptor.readerType === 'default') {
    readableStreamFulfillReadRequest(stream, filledView, done);
  } else {
    readableStreamFulfillReadIntoRequest(stream, filledView, done);
  }
}

function readableByteStreamControllerConvertPullIntoDescriptor(pullIntoDescriptor) {
  const { bytesFilled, elementSize } = pullIntoDescriptor;
  const buffer = transferArrayBuffer(pullIntoDescriptor.buffer);
  return new pullIntoDescriptor.viewConstructor(buffer, pullIntoDescriptor.byteOffset,
                                                bytesFilled / elementSize);
}

function readableByteStreamControllerEnqueueChunkToQueue(controller, buffer, byteOffset, byteLength) {
  controller.queue[controller.queue.length] = new ByteQueueEntry(buffer, byteOffset, byteLength);
  controller.queueTotalSize += byteLength;
}

function readableByteStreamControllerEnqueueClonedChunkToQueue(controller, buffer, byteOffset,
                                                               byteLength) {
  let cloneResult;
  try {
    cloneResult = arrayBufferSlice(buffer, byteOffset, byteOffset + byteLength);
  } catch (error) {
    readableByteStreamControllerError(controller, error);
    throw error;
  }
  readableByteStreamControllerEnqueueChunkToQueue(controller, cloneResult, 0, byteLength);
}

function readableByteStreamControllerEnqueueDetachedPullIntoToQueue(controller, pullIntoDescriptor) {
  if (pullIntoDescriptor.bytesFilled > 0) {
    readableByteStreamControllerEnqueueClonedChunkToQueue(
        controller, pullIntoDescriptor.buffer, pullIntoDescriptor.byteOffset,
        pullIntoDescriptor.bytesFilled);
  }
  readableByteStreamControllerShiftPendingPullInto(controller);
}

export function readableByteStreamControllerEnqueue(controller, chunk) {
  const stream = controller.stream;
  if (controller.closeRequested || stream.state !== 'readable') return;
  const buffer = viewBuffer(chunk);
  const byteOffset = viewByteOffset(chunk);
  const byteLength = viewByteLength(chunk);
  if (isDetachedBuffer(buffer)) {
    throw new NativeTypeError('chunk\'s buffer is detached and so cannot be enqueued');
  }
  const transferredBuffer = transferArrayBuffer(buffer);
  if (controller.pendingPullIntos.length > 0) {
    const first = controller.pendingPullIntos[0];
    if (isDetachedBuffer(first.buffer)) {
      throw new NativeTypeError(
          'The BYOB request\'s buffer has been detached and so cannot be filled with an enqueued chunk');
    }
    readableByteStreamControllerInvalidateBYOBRequest(controller);
    first.buffer = transferArrayBuffer(first.buffer);
    if (first.readerType === 'none') {
      readableByteStreamControllerEnqueueDetachedPullIntoToQueue(controller, first);
    }
  }
  if (readableStreamHasDefaultReader(stream)) {
    readableByteStreamControllerProcessReadRequestsUsingQueue(controller);
    if (readableStreamGetNumReadRequests(stream) === 0) {
      readableByteStreamControllerEnqueueChunkToQueue(controller, transferredBuffer, byteOffset,
                                                      byteLength);
    } else {
      if (controller.pendingPullIntos.length > 0) {
        readableByteStreamControllerShiftPendingPullInto(controller);
      }
      const transferredView = new NativeUint8Array(transferredBuffer, byteOffset, byteLength);
      readableStreamFulfillReadRequest(stream, transferredView, false);
    }
  } else if (readableStreamHasBYOBReader(stream)) {
    readableByteStreamControllerEnqueueChunkToQueue(controller, transferredBuffer, byteOffset,
                                                    byteLength);
    const filledPullIntos = readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(controller);
    for (let i = 0; i < filledPullIntos.length; i++) {
      readableByteStreamControllerCommitPullIntoDescriptor(stream, filledPullIntos[i]);
    }
  } else {
    readableByteStreamControllerEnqueueChunkToQueue(controller, transferredBuffer, byteOffset,
                                                    byteLength);
  }
  readableByteStreamControllerCallPullIfNeeded(controller);
}

export function readableByteStreamControllerError(controller, e) {
  const stream = controller.stream;
  if (stream.state !== 'readable') return;
  readableByteStreamControllerClearPendingPullIntos(controller);
  readableByteStreamControllerResetQueue(controller);
  readableByteStreamControllerClearAlgorithms(controller);
  readableStreamError(stream, e);
}

function readableByteStreamControllerFillHeadPullIntoDescriptor(controller, size, pullIntoDescriptor) {
  pullIntoDescriptor.bytesFilled += size;
}

function readableByteStreamControllerFillPullIntoDescriptorFromQueue(controller, pullIntoDescriptor) {
  const maxBytesToCopy = MathMin(controller.queueTotalSize,
                                 pullIntoDescriptor.byteLength - pullIntoDescriptor.bytesFilled);
  const maxBytesFilled = pullIntoDescriptor.bytesFilled + maxBytesToCopy;
  let totalBytesToCopyRemaining = maxBytesToCopy;
  let ready = false;
  const remainderBytes = maxBytesFilled % pullIntoDescriptor.elementSize;
  const maxAlignedBytes = maxBytesFilled - remainderBytes;
  if (maxAlignedBytes >= pullIntoDescriptor.minimumFill) {
    totalBytesToCopyRemaining = maxAlignedBytes - pullIntoDescriptor.bytesFilled;
    ready = true;
  }
  while (totalBytesToCopyRemaining > 0) {
    const head = controller.queue[controller.queueHead];
    const bytesToCopy = MathMin(totalBytesToCopyRemaining, head.byteLength);
    const destStart = pullIntoDescriptor.byteOffset + pullIntoDescriptor.bytesFilled;
    copyDataBlockBytes(pullIntoDescriptor.buffer, destStart, head.buffer, head.byteOffset,
                       bytesToCopy);
    if (head.byteLength === bytesToCopy) {
      byteQueueShift(controller);
    } else {
      head.byteOffset += bytesToCopy;
      head.byteLength -= bytesToCopy;
    }
    controller.queueTotalSize -= bytesToCopy;
    readableByteStreamControllerFillHeadPullIntoDescriptor(controller, bytesToCopy,
                                                          pullIntoDescriptor);
    totalBytesToCopyRemaining -= bytesToCopy;
  }
  return ready;
}

function readableByteStreamControllerFillReadRequestFromQueue(controller, readRequest) {
  readRequest.chunkSteps(readableByteStreamControllerTakeQueueHead(controller));
}

// The first steps of FillReadRequestFromQueue: the head entry as a Uint8Array, after
// handling the drain.
function readableByteStreamControllerTakeQueueHead(controller) {
  const entry = byteQueueShift(controller);
  controller.queueTotalSize -= entry.byteLength;
  readableByteStreamControllerHandleQueueDrain(controller);
  return new NativeUint8Array(entry.buffer, entry.byteOffset, entry.byteLength);
}

export function readableByteStreamControllerGetBYOBRequest(controller) {
  if (controller.byobRequest === null && controller.pendingPullIntos.length > 0) {
    const first = controller.pendingPullIntos[0];
    const view = new NativeUint8Array(first.buffer, first.byteOffset + first.bytesFilled,
                                      first.byteLength - first.bytesFilled);
    const request = byobRequestState(new ReadableStreamBYOBRequestMembers(kInternal));
    request.controller = controller;
    request.view = view;
    controller.byobRequest = request;
  }
  return controller.byobRequest;
}

export function readableByteStreamControllerGetDesiredSize(controller) {
  const state = controller.stream.state;
  if (state === 'errored') return null;
  if (state === 'closed') return 0;
  return controller.strategyHWM - controller.queueTotalSize;
}

function readableByteStreamControllerHandleQueueDrain(controller) {
  if (controller.queueTotalSize === 0 && controller.closeRequested) {
    readableByteStreamControllerClearAlgorithms(controller);
    readableStreamClose(controller.stream);
  } else {
    readableByteStreamControllerCallPullIfNeeded(controller);
  }
}

function readableByteStreamControllerInvalidateBYOBRequest(controller) {
  const request = controller.byobRequest;
  if (request === null) return;
  request.controller = undefined;
  request.view = null;
  controller.byobRequest = null;
}

function readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(controller) {
  const filledPullIntos = [];
  while (controller.pendingPullIntos.length > 0) {
    if (controller.queueTotalSize === 0) break;
    const pullIntoDescriptor = controller.pendingPullIntos[0];
    if (readableByteStreamControllerFillPullIntoDescriptorFromQueue(controller, pullIntoDescriptor)) {
      readableByteStreamControllerShiftPendingPullInto(controller);
      filledPullIntos[filledPullIntos.length] = pullIntoDescriptor;
    }
  }
  return filledPullIntos;
}

function readableByteStreamControllerProcessReadRequestsUsingQueue(controller) {
  const reader = controller.stream.reader;
  while (reader.requests.length > 0) {
    if (controller.queueTotalSize === 0) return;
    const readRequest = reader.requests.shift();
    readableByteStreamControllerFillReadRequestFromQueue(controller, readRequest);
  }
}

function readableByteStreamControllerPullInto(controller, view, min, readIntoRequest) {
  const stream = controller.stream;
  const elementSize = viewElementSize(view);
  const ViewConstructor = viewConstructor(view);
  const minimumFill = min * elementSize;
  const byteOffset = viewByteOffset(view);
  const byteLength = viewByteLength(view);
  let buffer;
  try {
    buffer = transferArrayBuffer(viewBuffer(view));
  } catch (error) {
    readIntoRequest.errorSteps(error);
    return;
  }
  const pullIntoDescriptor = new PullIntoDescriptor(
      buffer, arrayBufferByteLength(buffer), byteOffset, byteLength, minimumFill, elementSize,
      ViewConstructor, 'byob');
  if (controller.pendingPullIntos.length > 0) {
    controller.pendingPullIntos[controller.pendingPullIntos.length] = pullIntoDescriptor;
    stream.reader.requests.push(readIntoRequest);
    return;
  }
  if (stream.state === 'closed') {
    const emptyView = new ViewConstructor(pullIntoDescriptor.buffer, pullIntoDescriptor.byteOffset, 0);
    readIntoRequest.closeSteps(emptyView);
    return;
  }
  if (controller.queueTotalSize > 0) {
    if (readableByteStreamControllerFillPullIntoDescriptorFromQueue(controller, pullIntoDescriptor)) {
      const filledView = readableByteStreamControllerConvertPullIntoDescriptor(pullIntoDescriptor);
      readableByteStreamControllerHandleQueueDrain(controller);
      readIntoRequest.chunkSteps(filledView);
      return;
    }
    if (controller.closeRequested) {
      const e = new NativeTypeError('Insufficient bytes to fill elements in the given buffer');
      readableByteStreamControllerError(controller, e);
      readIntoRequest.errorSteps(e);
      return;
    }
  }
  controller.pendingPullIntos[controller.pendingPullIntos.length] = pullIntoDescriptor;
  stream.reader.requests.push(readIntoRequest);
  readableByteStreamControllerCallPullIfNeeded(controller);
}

export function readableByteStreamControllerRespond(controller, bytesWritten) {
  const first = controller.pendingPullIntos[0];
  const state = controller.stream.state;
  if (state === 'closed') {
    if (bytesWritten !== 0) {
      throw new NativeTypeError('bytesWritten must be 0 when calling respond() on a closed stream');
    }
  } else {
    if (bytesWritten === 0) {
      throw new NativeTypeError('bytesWritten must be greater than 0 when calling respond() on a readable stream');
    }
    if (first.bytesFilled + bytesWritten > first.byteLength) {
      throw new NativeRangeError('bytesWritten out of range');
    }
  }
  first.buffer = transferArrayBuffer(first.buffer);
  readableByteStreamControllerRespondInternal(controller, bytesWritten);
}

function readableByteStreamControllerRespondInClosedState(controller, firstDescriptor) {
  if (firstDescriptor.readerType === 'none') {
    readableByteStreamControllerShiftPendingPullInto(controller);
  }
  const stream = controller.stream;
  if (readableStreamHasBYOBReader(stream)) {
    const filledPullIntos = [];
    while (filledPullIntos.length < stream.reader.requests.length) {
      filledPullIntos[filledPullIntos.length] =
          readableByteStreamControllerShiftPendingPullInto(controller);
    }
    for (let i = 0; i < filledPullIntos.length; i++) {
      readableByteStreamControllerCommitPullIntoDescriptor(stream, filledPullIntos[i]);
    }
  }
}

function readableByteStreamControllerRespondInReadableState(controller, bytesWritten,
                                                            pullIntoDescriptor) {
  readableByteStreamControllerFillHeadPullIntoDescriptor(controller, bytesWritten,
                                                        pullIntoDescriptor);
  if (pullIntoDescriptor.readerType === 'none') {
    readableByteStreamControllerEnqueueDetachedPullIntoToQueue(controller, pullIntoDescriptor);
    const filledPullIntos = readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(controller);
    for (let i = 0; i < filledPullIntos.length; i++) {
      readableByteStreamControllerCommitPullIntoDescriptor(controller.stream, filledPullIntos[i]);
    }
    return;
  }
  if (pullIntoDescriptor.bytesFilled < pullIntoDescriptor.minimumFill) return;
  readableByteStreamControllerShiftPendingPullInto(controller);
  const remainderSize = pullIntoDescriptor.bytesFilled % pullIntoDescriptor.elementSize;
  if (remainderSize > 0) {
    const end = pullIntoDescriptor.byteOffset + pullIntoDescriptor.bytesFilled;
    readableByteStreamControllerEnqueueClonedChunkToQueue(controller, pullIntoDescriptor.buffer,
                                                          end - remainderSize, remainderSize);
  }
  pullIntoDescriptor.bytesFilled -= remainderSize;
  const filledPullIntos = readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(controller);
  readableByteStreamControllerCommitPullIntoDescriptor(controller.stream, pullIntoDescriptor);
  for (let i = 0; i < filledPullIntos.length; i++) {
    readableByteStreamControllerCommitPullIntoDescriptor(controller.stream, filledPullIntos[i]);
  }
}

function readableByteStreamControllerRespondInternal(controller, bytesWritten) {
  const first = controller.pendingPullIntos[0];
  readableByteStreamControllerInvalidateBYOBRequest(controller);
  if (controller.stream.state === 'closed') {
    readableByteStreamControllerRespondInClosedState(controller, first);
  } else {
    readableByteStreamControllerRespondInReadableState(controller, bytesWritten, first);
  }
  readableByteStreamControllerCallPullIfNeeded(controller);
}

export function readableByteStreamControllerRespondWithNewView(controller, view) {
  const first = controller.pendingPullIntos[0];
  const state = controller.stream.state;
  const byteLength = viewByteLength(view);
  if (state === 'closed') {
    if (byteLength !== 0) {
      throw new NativeTypeError('The view\'s length must be 0 when calling respondWithNewView() on a closed stream');
    }
  } else if (byteLength === 0) {
    throw new NativeTypeError('The view\'s length must be greater than 0 when calling respondWithNewView() on a readable stream');
  }
  const buffer = viewBuffer(view);
  if (first.byteOffset + first.bytesFilled !== viewByteOffset(view)) {
    throw new NativeRangeError('The region specified by view does not match byobRequest');
  }
  if (first.bufferByteLength !== arrayBufferByteLength(buffer)) {
    throw new NativeRangeError('The buffer of view has different capacity than byobRequest');
  }
  if (first.bytesFilled + byteLength > first.byteLength) {
    throw new NativeRangeError('The region specified by view is larger than byobRequest');
  }
  first.buffer = transferArrayBuffer(buffer);
  readableByteStreamControllerRespondInternal(controller, byteLength);
}

function readableByteStreamControllerShiftPendingPullInto(controller) {
  return controller.pendingPullIntos.shift();
}

function readableByteStreamControllerShouldCallPull(controller) {
  const stream = controller.stream;
  if (stream.state !== 'readable') return false;
  if (controller.closeRequested) return false;
  if (!controller.started) return false;
  if (readableStreamHasDefaultReader(stream) && readableStreamGetNumReadRequests(stream) > 0) {
    return true;
  }
  if (readableStreamHasBYOBReader(stream) && stream.reader.requests.length > 0) return true;
  return readableByteStreamControllerGetDesiredSize(controller) > 0;
}

function setUpReadableByteStreamController(stream, controller, startAlgorithm, pullAlgorithm,
                                           cancelAlgorithm, highWaterMark,
                                           autoAllocateChunkSize) {
  controller.stream = stream;
  controller.pullAgain = false;
  controller.pulling = false;
  controller.byobRequest = null;
  readableByteStreamControllerResetQueue(controller);
  controller.closeRequested = false;
  controller.started = false;
  controller.strategyHWM = highWaterMark;
  controller.pullAlgorithm = pullAlgorithm;
  controller.cancelAlgorithm = cancelAlgorithm;
  controller.autoAllocateChunkSize = autoAllocateChunkSize;
  controller.pendingPullIntos = [];
  controller.onPullFulfilled = () => onBytePullFulfilled(controller);
  controller.onPullRejected = (e) => readableByteStreamControllerError(controller, e);
  stream.controller = controller;
  const startResult = startAlgorithm(controller);
  uponPromise(promiseResolvedWith(startResult), () => {
    controller.started = true;
    readableByteStreamControllerCallPullIfNeeded(controller);
  }, (r) => readableByteStreamControllerError(controller, r));
}

function setUpReadableByteStreamControllerFromUnderlyingSource(stream, underlyingSource,
                                                               sourceDict, highWaterMark) {
  const controller = byteControllerState(new ReadableByteStreamControllerMembers(kInternal));
  const { start, pull, cancel } = sourceDict;
  const startAlgorithm = start === undefined ? returnUndefined
      : (c) => ReflectApply(start, underlyingSource, [c.pub]);
  const pullAlgorithm = pull === undefined ? () => resolvedPromise
      : (c) => invokeCallback(pull, underlyingSource, [c.pub]);
  const cancelAlgorithm = cancel === undefined ? () => resolvedPromise
      : (c, reason) => invokeCallback(cancel, underlyingSource, [reason]);
  const autoAllocateChunkSize = sourceDict.autoAllocateChunkSize;
  if (autoAllocateChunkSize === 0) {
    throw new NativeTypeError(
        "Failed to construct 'ReadableStream': autoAllocateChunkSize must be greater than 0");
  }
  setUpReadableByteStreamController(stream, controller, startAlgorithm, pullAlgorithm,
                                    cancelAlgorithm, highWaterMark, autoAllocateChunkSize);
}

// ---- Tee ----

export function readableStreamTee(stream, cloneForBranch2) {
  if (stream.controller.isByteController) return readableByteStreamTee(stream);
  return readableStreamDefaultTee(stream, cloneForBranch2);
}

// The chunk for the second branch of a tee with cloneForBranch2 (fetch's "clone a body",
// whose chunks are byte views): a view gets a copy of its bytes in a view of the same
// type. Other values are passed as they are (StructuredClone of arbitrary values is the
// structured-clone extension's, which streams do not depend on).
function cloneChunkForBranch2(chunk) {
  if (!isArrayBufferView(chunk)) return chunk;
  const copy = cloneAsUint8Array(chunk);
  const ViewConstructor = viewConstructor(chunk);
  return new ViewConstructor(viewBuffer(copy), 0, viewByteLength(chunk) / viewElementSize(chunk));
}

function readableStreamDefaultTee(stream, cloneForBranch2) {
  const reader = acquireReadableStreamDefaultReader(stream);
  let reading = false;
  let readAgain = false;
  let canceled1 = false;
  let canceled2 = false;
  let reason1;
  let reason2;
  let branch1;
  let branch2;
  const cancelDeferred = new Deferred();

  const readRequest = new CallbackReadRequest((chunk) => {
    queueMicrotask(() => {
      readAgain = false;
      let chunk2 = chunk;
      if (!canceled2 && cloneForBranch2) {
        try {
          chunk2 = cloneChunkForBranch2(chunk);
        } catch (error) {
          readableStreamDefaultControllerError(branch1.controller, error);
          readableStreamDefaultControllerError(branch2.controller, error);
          cancelDeferred.resolve(readableStreamCancel(stream, error));
          return;
        }
      }
      if (!canceled1) readableStreamDefaultControllerEnqueue(branch1.controller, chunk);
      if (!canceled2) readableStreamDefaultControllerEnqueue(branch2.controller, chunk2);
      reading = false;
      if (readAgain) pullAlgorithm();
    });
  }, () => {
    reading = false;
    if (!canceled1) readableStreamDefaultControllerClose(branch1.controller);
    if (!canceled2) readableStreamDefaultControllerClose(branch2.controller);
    if (!canceled1 || !canceled2) cancelDeferred.resolve(undefined);
  }, () => {
    reading = false;
  });

  function pullAlgorithm() {
    if (reading) {
      readAgain = true;
      return resolvedPromise;
    }
    reading = true;
    readableStreamDefaultReaderRead(reader, readRequest);
    return resolvedPromise;
  }

  function cancel1Algorithm(controller, reason) {
    canceled1 = true;
    reason1 = reason;
    if (canceled2) cancelDeferred.resolve(readableStreamCancel(stream, [reason1, reason2]));
    return cancelDeferred.promise;
  }

  function cancel2Algorithm(controller, reason) {
    canceled2 = true;
    reason2 = reason;
    if (canceled1) cancelDeferred.resolve(readableStreamCancel(stream, [reason1, reason2]));
    return cancelDeferred.promise;
  }

  branch1 = createReadableStream(returnUndefined, pullAlgorithm, cancel1Algorithm);
  branch2 = createReadableStream(returnUndefined, pullAlgorithm, cancel2Algorithm);
  uponRejection(reader.closedPromise, (r) => {
    readableStreamDefaultControllerError(branch1.controller, r);
    readableStreamDefaultControllerError(branch2.controller, r);
    if (!canceled1 || !canceled2) cancelDeferred.resolve(undefined);
  });
  return [branch1, branch2];
}

function readableByteStreamTee(stream) {
  let reader = acquireReadableStreamDefaultReader(stream);
  let reading = false;
  let readAgainForBranch1 = false;
  let readAgainForBranch2 = false;
  let canceled1 = false;
  let canceled2 = false;
  let reason1;
  let reason2;
  let branch1;
  let branch2;
  const cancelDeferred = new Deferred();

  function forwardReaderError(thisReader) {
    uponRejection(thisReader.closedPromise, (r) => {
      if (thisReader !== reader) return;
      readableByteStreamControllerError(branch1.controller, r);
      readableByteStreamControllerError(branch2.controller, r);
      if (!canceled1 || !canceled2) cancelDeferred.resolve(undefined);
    });
  }

  function pullAgainIfAsked() {
    if (readAgainForBranch1) {
      pull1Algorithm();
    } else if (readAgainForBranch2) {
      pull2Algorithm();
    }
  }

  const defaultReadRequest = new CallbackReadRequest((chunk) => {
    queueMicrotask(() => {
      readAgainForBranch1 = false;
      readAgainForBranch2 = false;
      const chunk1 = chunk;
      let chunk2 = chunk;
      if (!canceled1 && !canceled2) {
        try {
          chunk2 = cloneAsUint8Array(chunk);
        } catch (error) {
          readableByteStreamControllerError(branch1.controller, error);
          readableByteStreamControllerError(branch2.controller, error);
          cancelDeferred.resolve(readableStreamCancel(stream, error));
          return;
        }
      }
      if (!canceled1) readableByteStreamControllerEnqueue(branch1.controller, chunk1);
      if (!canceled2) readableByteStreamControllerEnqueue(branch2.controller, chunk2);
      reading = false;
      pullAgainIfAsked();
    });
  }, () => {
    reading = false;
    if (!canceled1) readableByteStreamControllerClose(branch1.controller);
    if (!canceled2) readableByteStreamControllerClose(branch2.controller);
    if (branch1.controller.pendingPullIntos.length > 0) {
      readableByteStreamControllerRespond(branch1.controller, 0);
    }
    if (branch2.controller.pendingPullIntos.length > 0) {
      readableByteStreamControllerRespond(branch2.controller, 0);
    }
    if (!canceled1 || !canceled2) cancelDeferred.resolve(undefined);
  }, () => {
    reading = false;
  });

  function pullWithDefaultReader() {
    if (reader.isBYOB) {
      readableStreamBYOBReaderRelease(reader);
      reader = acquireReadableStreamDefaultReader(stream);
      forwardReaderError(reader);
    }
    readableStreamDefaultReaderRead(reader, defaultReadRequest);
  }

  function pullWithBYOBReader(view, forBranch2) {
    if (!reader.isBYOB) {
      readableStreamDefaultReaderRelease(reader);
      reader = acquireReadableStreamBYOBReader(stream);
      forwardReaderError(reader);
    }
    const byobBranch = forBranch2 ? branch2 : branch1;
    const otherBranch = forBranch2 ? branch1 : branch2;
    const readIntoRequest = new CallbackReadRequest((chunk) => {
      queueMicrotask(() => {
        readAgainForBranch1 = false;
        readAgainForBranch2 = false;
        const byobCanceled = forBranch2 ? canceled2 : canceled1;
        const otherCanceled = forBranch2 ? canceled1 : canceled2;
        if (!otherCanceled) {
          let clonedChunk;
          try {
            clonedChunk = cloneAsUint8Array(chunk);
          } catch (error) {
            readableByteStreamControllerError(byobBranch.controller, error);
            readableByteStreamControllerError(otherBranch.controller, error);
            cancelDeferred.resolve(readableStreamCancel(stream, error));
            return;
          }
          if (!byobCanceled) {
            readableByteStreamControllerRespondWithNewView(byobBranch.controller, chunk);
          }
          readableByteStreamControllerEnqueue(otherBranch.controller, clonedChunk);
        } else if (!byobCanceled) {
          readableByteStreamControllerRespondWithNewView(byobBranch.controller, chunk);
        }
        reading = false;
        pullAgainIfAsked();
      });
    }, (chunk) => {
      reading = false;
      const byobCanceled = forBranch2 ? canceled2 : canceled1;
      const otherCanceled = forBranch2 ? canceled1 : canceled2;
      if (!byobCanceled) readableByteStreamControllerClose(byobBranch.controller);
      if (!otherCanceled) readableByteStreamControllerClose(otherBranch.controller);
      if (chunk !== undefined) {
        if (!byobCanceled) {
          readableByteStreamControllerRespondWithNewView(byobBranch.controller, chunk);
        }
        if (!otherCanceled && otherBranch.controller.pendingPullIntos.length > 0) {
          readableByteStreamControllerRespond(otherBranch.controller, 0);
        }
      }
      if (!byobCanceled || !otherCanceled) cancelDeferred.resolve(undefined);
    }, () => {
      reading = false;
    });
    readableStreamBYOBReaderRead(reader, view, 1, readIntoRequest);
  }

  function pull1Algorithm() {
    if (reading) {
      readAgainForBranch1 = true;
      return resolvedPromise;
    }
    reading = true;
    const byobRequest = readableByteStreamControllerGetBYOBRequest(branch1.controller);
    if (byobRequest === null) {
      pullWithDefaultReader();
    } else {
      pullWithBYOBReader(byobRequest.view, false);
    }
    return resolvedPromise;
  }

  function pull2Algorithm() {
    if (reading) {
      readAgainForBranch2 = true;
      return resolvedPromise;
    }
    reading = true;
    const byobRequest = readableByteStreamControllerGetBYOBRequest(branch2.controller);
    if (byobRequest === null) {
      pullWithDefaultReader();
    } else {
      pullWithBYOBReader(byobRequest.view, true);
    }
    return resolvedPromise;
  }

  function cancel1Algorithm(controller, reason) {
    canceled1 = true;
    reason1 = reason;
    if (canceled2) cancelDeferred.resolve(readableStreamCancel(stream, [reason1, reason2]));
    return cancelDeferred.promise;
  }

  function cancel2Algorithm(controller, reason) {
    canceled2 = true;
    reason2 = reason;
    if (canceled1) cancelDeferred.resolve(readableStreamCancel(stream, [reason1, reason2]));
    return cancelDeferred.promise;
  }

  branch1 = createReadableByteStream(returnUndefined, pull1Algorithm, cancel1Algorithm);
  branch2 = createReadableByteStream(returnUndefined, pull2Algorithm, cancel2Algorithm);
  forwardReaderError(reader);
  return [branch1, branch2];
}

// ---- ReadableStream.from ----

function getMethod(value, key) {
  const method = value[key];
  if (method === undefined || method === null) return undefined;
  if (typeof method !== 'function') {
    throw new NativeTypeError(`${String(key)} is not a function`);
  }
  return method;
}

// GetIterator(obj, async): an async iterator record, wrapping a sync iterator
// (CreateAsyncFromSyncIterator) when there is no @@asyncIterator.
function getAsyncIterator(value) {
  let method = getMethod(value, SymbolAsyncIterator);
  if (method === undefined) {
    const syncMethod = getMethod(value, SymbolIterator);
    if (syncMethod === undefined) {
      throw new NativeTypeError('ReadableStream.from: the argument is not async iterable');
    }
    const syncIterator = ReflectApply(syncMethod, value, []);
    if (!isObject(syncIterator)) {
      throw new NativeTypeError('The result of the @@iterator method is not an object');
    }
    return createAsyncFromSyncIterator(syncIterator, syncIterator.next);
  }
  const iterator = ReflectApply(method, value, []);
  if (!isObject(iterator)) {
    throw new NativeTypeError('The result of the @@asyncIterator method is not an object');
  }
  return { iterator, nextMethod: iterator.next };
}

function asyncFromSyncContinuation(result) {
  const done = !!result.done;
  return uponFulfillment(promiseResolvedWith(result.value), (value) => ({ value, done }));
}

function createAsyncFromSyncIterator(syncIterator, syncNext) {
  const iterator = {
    next(value) {
      try {
        const result = ReflectApply(syncNext, syncIterator, arguments.length > 0 ? [value] : []);
        if (!isObject(result)) throw new NativeTypeError('iterator result is not an object');
        return asyncFromSyncContinuation(result);
      } catch (error) {
        return promiseRejectedWith(error);
      }
    },
    return(value) {
      try {
        const returnMethod = getMethod(syncIterator, 'return');
        if (returnMethod === undefined) return promiseResolvedWith({ value, done: true });
        const result = ReflectApply(returnMethod, syncIterator, [value]);
        if (!isObject(result)) throw new NativeTypeError('iterator result is not an object');
        return asyncFromSyncContinuation(result);
      } catch (error) {
        return promiseRejectedWith(error);
      }
    },
  };
  return { iterator, nextMethod: iterator.next };
}

export function readableStreamFromIterable(asyncIterable) {
  const record = getAsyncIterator(asyncIterable);
  let stream;
  function pullAlgorithm(controller) {
    let nextResult;
    try {
      nextResult = ReflectApply(record.nextMethod, record.iterator, []);
    } catch (error) {
      return promiseRejectedWith(error);
    }
    return uponFulfillment(promiseResolvedWith(nextResult), (iterResult) => {
      if (!isObject(iterResult)) {
        throw new NativeTypeError('The promise returned by the iterator.next() method must fulfill with an object');
      }
      if (iterResult.done) {
        readableStreamDefaultControllerClose(controller);
      } else {
        readableStreamDefaultControllerEnqueue(controller, iterResult.value);
      }
    });
  }
  function cancelAlgorithm(controller, reason) {
    const iterator = record.iterator;
    let returnResult;
    try {
      const returnMethod = getMethod(iterator, 'return');
      if (returnMethod === undefined) return resolvedPromise;
      returnResult = ReflectApply(returnMethod, iterator, [reason]);
    } catch (error) {
      return promiseRejectedWith(error);
    }
    return uponFulfillment(promiseResolvedWith(returnResult), (iterResult) => {
      if (!isObject(iterResult)) {
        throw new NativeTypeError('The promise returned by the iterator.return() method must fulfill with an object');
      }
      return undefined;
    });
  }
  stream = createReadableStream(returnUndefined, pullAlgorithm, cancelAlgorithm, 0);
  return stream;
}

// ---- Async iteration ----

const AsyncIteratorPrototype = ObjectGetPrototypeOf(ObjectGetPrototypeOf(
    ObjectGetPrototypeOf((async function* generator() {})())));

let iteratorState;

class ReadableStreamAsyncIteratorState {
  constructor(reader, preventCancel) {
    this.reader = reader;
    this.preventCancel = preventCancel;
    this.ongoingPromise = undefined;
    this.isFinished = false;
  }
}

// Its read request: resolves with the chunk, or with `endOfIteration`.
const endOfIteration = Symbol('end of iteration');
class IteratorReadRequest {
  constructor(reader) {
    this.reader = reader;
    this.resolve = undefined;
    this.reject = undefined;
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
  chunkSteps(chunk) {
    this.resolve(chunk);
  }
  closeSteps() {
    readableStreamDefaultReaderRelease(this.reader);
    this.resolve(endOfIteration);
  }
  errorSteps(error) {
    readableStreamDefaultReaderRelease(this.reader);
    this.reject(error);
  }
}

// Iterator objects are plain objects whose prototype is asyncIteratorPrototype (below),
// stamped with a private field by a constructor that returns the object it is given.
class ReturnsItsArgument {
  constructor(object) {
    return object;
  }
}
class ReadableStreamAsyncIterator extends ReturnsItsArgument {
  #state;
  constructor(object, state) {
    super(object);
    this.#state = state;
  }
  static {
    iteratorState = (value) => (value !== null && typeof value === 'object' && #state in value
                                ? value.#state : undefined);
  }
}

function createReadableStreamAsyncIterator(stream, preventCancel) {
  const reader = acquireReadableStreamDefaultReader(stream);
  const iterator = allocateAsyncIterator();  // a platform object: structuredClone refuses it
  new ReadableStreamAsyncIterator(iterator, new ReadableStreamAsyncIteratorState(reader, preventCancel));
  return iterator;
}

function iteratorNextSteps(state) {
  if (state.isFinished) return promiseResolvedWith({ value: undefined, done: true });
  const reader = state.reader;
  const request = new IteratorReadRequest(reader);
  readableStreamDefaultReaderRead(reader, request);
  return uponPromise(request.promise, (next) => {
    state.ongoingPromise = undefined;
    if (next === endOfIteration) {
      state.isFinished = true;
      return { value: undefined, done: true };
    }
    return { value: next, done: false };
  }, (reason) => {
    state.ongoingPromise = undefined;
    state.isFinished = true;
    throw reason;
  });
}

function iteratorReturnSteps(state, value) {
  if (state.isFinished) return promiseResolvedWith({ value, done: true });
  state.isFinished = true;
  const reader = state.reader;
  if (reader.stream === undefined) return resolvedPromise;
  if (!state.preventCancel) {
    const result = readableStreamCancel(reader.stream, value);
    readableStreamDefaultReaderRelease(reader);
    return result;
  }
  readableStreamDefaultReaderRelease(reader);
  return resolvedPromise;
}

const asyncIteratorPrototype = {
  next() {
    const state = iteratorState(this);
    if (state === undefined) {
      return promiseRejectedWith(new NativeTypeError(
          "'next' called on an object that does not implement interface ReadableStream AsyncIterator"));
    }
    const ongoing = state.ongoingPromise;
    // With nothing in flight and a chunk queued in a default controller, the result is
    // known now: the same steps as a read whose chunk steps run at once.
    if (ongoing === undefined && !state.isFinished) {
      const stream = state.reader.stream;
      if (stream !== undefined && stream.state === 'readable') {
        const controller = stream.controller;
        if (!controller.isByteController && controller.queue.length > 0) {
          stream.disturbed = true;
          const chunk = readableStreamDefaultControllerDequeue(controller);
          return promiseResolvedWith({ value: chunk, done: false });
        }
      }
    }
    const nextSteps = () => iteratorNextSteps(state);
    state.ongoingPromise = ongoing === undefined ? nextSteps()
                                                 : uponPromise(ongoing, nextSteps, nextSteps);
    return state.ongoingPromise;
  },
  return(value) {
    const state = iteratorState(this);
    if (state === undefined) {
      return promiseRejectedWith(new NativeTypeError(
          "'return' called on an object that does not implement interface ReadableStream AsyncIterator"));
    }
    const ongoing = state.ongoingPromise;
    const returnSteps = () => iteratorReturnSteps(state, value);
    state.ongoingPromise = ongoing === undefined ? returnSteps()
                                                 : uponPromise(ongoing, returnSteps, returnSteps);
    return uponFulfillment(state.ongoingPromise, () => ({ value, done: true }));
  },
};
ObjectSetPrototypeOf(asyncIteratorPrototype, AsyncIteratorPrototype);
const allocateAsyncIterator = prototypeAllocator(asyncIteratorPrototype);
ObjectDefineProperty(asyncIteratorPrototype, Symbol.toStringTag, {
  value: 'ReadableStream AsyncIterator', writable: false, enumerable: false, configurable: true,
});

// ---- Piping ----

// ReadableStreamPipeTo as a state machine: the Pipe is its own read request, so a chunk
// costs one write and one reaction to the destination's readiness, no closures.
class Pipe {
  constructor(source, dest, preventClose, preventAbort, preventCancel, signal) {
    this.source = source;
    this.dest = dest;
    this.preventClose = preventClose;
    this.preventAbort = preventAbort;
    this.preventCancel = preventCancel;
    this.signal = signal;
    this.reader = acquireReadableStreamDefaultReader(source);
    this.writer = acquireWritableStreamDefaultWriter(dest);
    this.shuttingDown = kChangesLate;  // common.js
    this.shuttingDown = false;
    // Chunks written and not yet settled (the pipe is their write request), and the
    // reaction waiting for them to reach 0.
    this.pendingWrites = 0;
    this.onWritesFinished = kChangesLate;  // common.js
    this.onWritesFinished = undefined;
    this.deferred = new Deferred();
    this.abortAlgorithm = undefined;
    this.step = () => this.pipeStep();
    this.onStepFailed = () => {};
  }

  start() {
    const { source, dest, reader, writer } = this;
    source.disturbed = true;
    const signal = this.signal;
    if (signal !== undefined) {
      this.abortAlgorithm = () => this.abort();
      if (signal.aborted) {
        this.abort();
        return this.deferred.promise;
      }
      addSignalAlgorithm(signal, this.abortAlgorithm);
    }
    // Errors must be propagated forward, then backward; then closing forward and
    // backward. (The source's two reactions are one: its closed promise does one or the
    // other.)
    const sourceErrored = source.state === 'errored';
    const sourceClosed = source.state === 'closed';
    if (sourceErrored) this.onSourceErrored(source.storedError);
    if (dest.state === 'errored') {
      this.onDestErrored(dest.storedError);
    } else {
      uponPromise(writer.closedPromise, returnUndefined, (error) => this.onDestErrored(error));
    }
    if (sourceClosed) this.onSourceClosed();
    if (!sourceErrored && !sourceClosed) {
      uponPromise(reader.closedPromise, () => this.onSourceClosed(),
                  (error) => this.onSourceErrored(error));
    }
    // Closing must be propagated backward.
    if (writableStreamCloseQueuedOrInFlight(dest) || dest.state === 'closed') {
      const destClosed = new NativeTypeError(
          'the destination writable stream closed before all data could be piped to it');
      if (!this.preventCancel) {
        this.shutdownWithAction(() => readableStreamCancel(source, destClosed), true, destClosed);
      } else {
        this.shutdown(true, destClosed);
      }
    }
    this.pipeStep();
    return this.deferred.promise;
  }

  abort() {
    const error = this.signal.reason;
    const { source, dest } = this;
    const abortDest = !this.preventAbort;
    const cancelSource = !this.preventCancel;
    this.shutdownWithAction(() => {
      const actions = [];
      if (abortDest) {
        actions[actions.length] = dest.state === 'writable' ? writableStreamAbort(dest, error)
                                                            : resolvedPromise;
      }
      if (cancelSource) {
        actions[actions.length] = source.state === 'readable' ? readableStreamCancel(source, error)
                                                              : resolvedPromise;
      }
      return waitForAll(actions);
    }, true, error);
  }

  onSourceErrored(storedError) {
    if (!this.preventAbort) {
      this.shutdownWithAction(() => writableStreamAbort(this.dest, storedError), true, storedError);
    } else {
      this.shutdown(true, storedError);
    }
  }

  onDestErrored(storedError) {
    if (!this.preventCancel) {
      this.shutdownWithAction(() => readableStreamCancel(this.source, storedError), true, storedError);
    } else {
      this.shutdown(true, storedError);
    }
  }

  onSourceClosed() {
    if (!this.preventClose) {
      this.shutdownWithAction(
          () => writableStreamDefaultWriterCloseWithErrorPropagation(this.writer));
    } else {
      this.shutdown();
    }
  }

  // One step: wait for the destination to be ready, then read a chunk.
  pipeStep() {
    if (this.shuttingDown) return;
    if (writerReadyIsPending(this.writer)) {
      uponWriterReady(this.writer, this.step, this.onStepFailed);
      return;
    }
    readableStreamDefaultReaderRead(this.reader, this);
  }

  // Read request steps.
  chunkSteps(chunk) {
    this.pendingWrites++;
    if (!writableStreamDefaultWriterWriteWithRequest(this.writer, chunk, this)) {
      this.writeSettled();
    }
    // The next step after a microtask (the destination may report backpressure then).
    uponPromise(resolvedPromise, this.step, this.onStepFailed);
  }

  closeSteps() {}

  errorSteps() {}

  // Write request steps: the destination took or failed a chunk.
  resolve() {
    this.writeSettled();
  }

  reject() {
    this.writeSettled();
  }

  writeSettled() {
    if (--this.pendingWrites === 0 && this.onWritesFinished !== undefined) {
      const onWritesFinished = this.onWritesFinished;
      this.onWritesFinished = undefined;
      // A microtask later, as a reaction to the last write's promise would run.
      uponPromise(resolvedPromise, onWritesFinished);
    }
  }

  // "Wait until every chunk that has been read has been written": a promise fulfilled a
  // microtask after the last pending write settles (at once if none is pending).
  waitForWritesToFinish() {
    if (this.pendingWrites === 0) return uponPromise(resolvedPromise, returnUndefined);
    const deferred = new Deferred();
    this.onWritesFinished = () => deferred.resolve(undefined);
    return deferred.promise;
  }

  shutdownWithAction(action, originalIsError = false, originalError = undefined) {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    const doTheRest = () => {
      uponPromise(action(), () => this.finalize(originalIsError, originalError),
                  (newError) => this.finalize(true, newError));
    };
    const dest = this.dest;
    if (dest.state === 'writable' && !writableStreamCloseQueuedOrInFlight(dest)) {
      uponFulfillment(this.waitForWritesToFinish(), doTheRest);
    } else {
      doTheRest();
    }
  }

  shutdown(isError = false, error = undefined) {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    const dest = this.dest;
    if (dest.state === 'writable' && !writableStreamCloseQueuedOrInFlight(dest)) {
      uponFulfillment(this.waitForWritesToFinish(), () => this.finalize(isError, error));
    } else {
      this.finalize(isError, error);
    }
  }

  finalize(isError, error) {
    writableStreamDefaultWriterRelease(this.writer);
    readableStreamDefaultReaderRelease(this.reader);
    if (this.signal !== undefined) removeSignalAlgorithm(this.signal, this.abortAlgorithm);
    if (isError) {
      this.deferred.reject(error);
    } else {
      this.deferred.resolve(undefined);
    }
  }
}

// "Waiting for all" of a list of promises: fulfilled when all are, rejected with the
// first rejection.
function waitForAll(promises) {
  if (promises.length === 0) return resolvedPromise;
  const deferred = new Deferred();
  let remaining = promises.length;
  let rejected = false;
  for (let i = 0; i < promises.length; i++) {
    uponPromise(promises[i], () => {
      if (--remaining === 0 && !rejected) deferred.resolve(undefined);
    }, (reason) => {
      if (rejected) return;
      rejected = true;
      deferred.reject(reason);
    });
  }
  return deferred.promise;
}

export function readableStreamPipeTo(source, dest, preventClose, preventAbort, preventCancel,
                                     signal = undefined) {
  return new Pipe(source, dest, preventClose, preventAbort, preventCancel, signal).start();
}

export function isReadableStreamDisturbed(stream) {
  return stream.disturbed;
}
