// WritableStream, WritableStreamDefaultWriter and WritableStreamDefaultController
// (ext:streams/writable_stream.js), after https://streams.spec.whatwg.org/#ws-model.
//
// Each public object keeps its spec slots in an internal object (class WritableStreamState,
// ...) reached through a private field: user code sees none of it. The abstract operations
// below take and return internal objects; `pub` links back to the public object.
import * as webidl from 'ext:webidl/webidl.js';
import {
  PlatformObjectBase, exposeMembers, platformObjectAllocator,
} from 'ext:webidl/platform_object.js';
import { AbortController, signalAbort } from 'ext:web/abort.js';
import {
  Deferred, LazyPromise, NativeRangeError, NativeTypeError, ReflectApply, SizedQueue,
  SlotQueue, checkChunkSize, kChangesLate,
  convertQueuingStrategy, extractHighWaterMark, extractSizeAlgorithm, inspectAs, inspectCustom,
  invokeCallback, kInternal, promiseRejectedWith, promiseResolvedWith, resolvedPromise,
  setPromiseIsHandled, uponPromise,
} from './common.js';

const ReflectConstruct = Reflect.construct;

const closeSentinel = Symbol('close sentinel');

// ---- Internal state ----

export class WritableStreamState {
  constructor(pub) {
    this.pub = pub;
    this.state = kChangesLate;  // common.js
    this.state = 'writable';
    this.storedError = undefined;
    this.writer = undefined;
    this.controller = undefined;
    this.inFlightWriteRequest = undefined;
    this.closeRequest = kChangesLate;  // common.js
    this.closeRequest = undefined;
    this.inFlightCloseRequest = kChangesLate;
    this.inFlightCloseRequest = undefined;
    this.pendingAbortRequest = undefined;
    // Write requests (each has resolve and reject: a Deferred, or a pipe that counts its
    // writes).
    this.writeRequests = new SlotQueue();
    this.backpressure = false;
  }
}

class WriterState {
  constructor(pub) {
    this.pub = pub;
    this.stream = undefined;
    // The ready promise as a LazyPromise: a pipe's writer, which no script can reach,
    // never makes one (the pipe reacts through upon()).
    this.ready = new LazyPromise();
    this.closedPromise = undefined;
    this.closedResolve = undefined;
    this.closedReject = undefined;
    this.closedPending = false;
  }
}

class ControllerState {
  constructor(pub) {
    this.pub = pub;
    this.stream = undefined;
    this.queue = new SizedQueue();
    this.abortController = undefined;
    this.started = false;
    this.algorithmsCleared = kChangesLate;  // common.js
    this.algorithmsCleared = false;
    this.strategySize = undefined;  // undefined: every chunk has size 1
    this.strategyHWM = 1;
    this.writeAlgorithm = undefined;
    this.closeAlgorithm = undefined;
    this.abortAlgorithm = undefined;
    // Reactions to the one write in flight, made once per controller.
    this.onWriteFulfilled = undefined;
    this.onWriteRejected = undefined;
  }
}

let streamState;      // (WritableStream) -> WritableStreamState, or undefined
let writerState;      // (WritableStreamDefaultWriter) -> WriterState, or undefined
let controllerState;  // (WritableStreamDefaultController) -> ControllerState, or undefined

// ---- The interfaces ----

const convertUnderlyingSink = webidl.createDictionaryConverter('UnderlyingSink', [
  { key: 'abort', converter: webidl.converters.Function },
  { key: 'close', converter: webidl.converters.Function },
  { key: 'start', converter: webidl.converters.Function },
  { key: 'type', converter: webidl.converters.any },
  { key: 'write', converter: webidl.converters.Function },
]);

function thisStream(self, prefix) {
  const state = streamState(self);
  if (state === undefined) throw new NativeTypeError('Illegal invocation');
  return state;
}

class WritableStreamMembers extends PlatformObjectBase {
  #state;

  constructor(underlyingSink = undefined, strategy = undefined) {
    super(WritableStreamMembers, WritableStream, allocateWritableStream);
    if (underlyingSink === kInternal) {
      this.#state = new WritableStreamState(this);
      return;
    }
    const prefix = "Failed to construct 'WritableStream'";
    if (underlyingSink !== undefined) {
      underlyingSink = webidl.converters.object(underlyingSink, prefix, 'Argument 1');
    }
    strategy = convertQueuingStrategy(strategy, prefix, 'Argument 2');
    if (underlyingSink === undefined) underlyingSink = null;
    const underlyingSinkDict = convertUnderlyingSink(underlyingSink, prefix, 'Argument 1');
    if (underlyingSinkDict.type !== undefined) {
      throw new NativeRangeError(`${prefix}: Invalid type is specified`);
    }
    const stream = this.#state = new WritableStreamState(this);
    const sizeAlgorithm = extractSizeAlgorithm(strategy);
    const highWaterMark = extractHighWaterMark(strategy, 1);
    setUpWritableStreamDefaultControllerFromUnderlyingSink(
        stream, underlyingSink, underlyingSinkDict, highWaterMark, sizeAlgorithm);
  }

  get locked() {
    return isWritableStreamLocked(thisStream(this));
  }

  abort(reason = undefined) {
    const stream = streamState(this);
    if (stream === undefined) return promiseRejectedWith(new NativeTypeError('Illegal invocation'));
    if (isWritableStreamLocked(stream)) {
      return promiseRejectedWith(new NativeTypeError(
          "Failed to execute 'abort' on 'WritableStream': Cannot abort a locked stream"));
    }
    return writableStreamAbort(stream, reason);
  }

  close() {
    const stream = streamState(this);
    if (stream === undefined) return promiseRejectedWith(new NativeTypeError('Illegal invocation'));
    if (isWritableStreamLocked(stream)) {
      return promiseRejectedWith(new NativeTypeError(
          "Failed to execute 'close' on 'WritableStream': Cannot close a locked stream"));
    }
    if (writableStreamCloseQueuedOrInFlight(stream)) {
      return promiseRejectedWith(new NativeTypeError(
          "Failed to execute 'close' on 'WritableStream': Cannot close a stream that is " +
          'already closing or closed'));
    }
    return writableStreamClose(stream);
  }

  getWriter() {
    const stream = thisStream(this);
    return acquireWritableStreamDefaultWriter(stream).pub;
  }

  [inspectCustom](depth, options, inspect) {
    const stream = streamState(this);
    if (stream === undefined) return this;
    return inspectAs('WritableStream', { locked: isWritableStreamLocked(stream), state: stream.state },
                     depth, options, inspect);
  }

  static {
    streamState = (value) => (value !== null && typeof value === 'object' && #state in value
                              ? value.#state : undefined);
  }
}

// The interface object of the members class above (ext:web/interface_object.js,
// "Interfaces whose members keep private fields"): its objects are platform
// objects, which structuredClone refuses.
export class WritableStream extends Object {
  constructor(underlyingSink = undefined, strategy = undefined) {
    return ReflectConstruct(WritableStreamMembers, arguments, new.target);
  }
}
exposeMembers(WritableStream, WritableStreamMembers);
const allocateWritableStream = platformObjectAllocator(WritableStream);
webidl.configureInterface(WritableStream);

function thisWriter(self) {
  const state = writerState(self);
  if (state === undefined) throw new NativeTypeError('Illegal invocation');
  return state;
}

class WritableStreamDefaultWriterMembers extends PlatformObjectBase {
  #state;

  constructor(stream) {
    super(WritableStreamDefaultWriterMembers, WritableStreamDefaultWriter, allocateWritableStreamDefaultWriter);
    if (stream === kInternal) {
      this.#state = new WriterState(this);
      return;
    }
    const prefix = "Failed to construct 'WritableStreamDefaultWriter'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    const streamImpl = streamState(stream);
    if (streamImpl === undefined) {
      throw new NativeTypeError(`${prefix}: Argument 1 is not of type 'WritableStream'.`);
    }
    this.#state = new WriterState(this);
    setUpWritableStreamDefaultWriter(this.#state, streamImpl);
  }

  get closed() {
    const writer = writerState(this);
    if (writer === undefined) return promiseRejectedWith(new NativeTypeError('Illegal invocation'));
    return writer.closedPromise;
  }

  get desiredSize() {
    const writer = thisWriter(this);
    if (writer.stream === undefined) {
      throw new NativeTypeError('This writable stream writer has been released and cannot be used to get the desired size');
    }
    return writableStreamDefaultWriterGetDesiredSize(writer);
  }

  get ready() {
    const writer = writerState(this);
    if (writer === undefined) return promiseRejectedWith(new NativeTypeError('Illegal invocation'));
    return writer.ready.promise();
  }

  abort(reason = undefined) {
    const writer = writerState(this);
    if (writer === undefined) return promiseRejectedWith(new NativeTypeError('Illegal invocation'));
    if (writer.stream === undefined) {
      return promiseRejectedWith(new NativeTypeError('This writable stream writer has been released and cannot be used to abort'));
    }
    return writableStreamAbort(writer.stream, reason);
  }

  close() {
    const writer = writerState(this);
    if (writer === undefined) return promiseRejectedWith(new NativeTypeError('Illegal invocation'));
    const stream = writer.stream;
    if (stream === undefined) {
      return promiseRejectedWith(new NativeTypeError('This writable stream writer has been released and cannot be used to close'));
    }
    if (writableStreamCloseQueuedOrInFlight(stream)) {
      return promiseRejectedWith(new NativeTypeError('Cannot close an already-closing stream'));
    }
    return writableStreamClose(stream);
  }

  releaseLock() {
    const writer = thisWriter(this);
    if (writer.stream === undefined) return;
    writableStreamDefaultWriterRelease(writer);
  }

  write(chunk = undefined) {
    const writer = writerState(this);
    if (writer === undefined) return promiseRejectedWith(new NativeTypeError('Illegal invocation'));
    if (writer.stream === undefined) {
      return promiseRejectedWith(new NativeTypeError('This writable stream writer has been released and cannot be used to write'));
    }
    return writableStreamDefaultWriterWrite(writer, chunk);
  }

  [inspectCustom](depth, options, inspect) {
    const writer = writerState(this);
    if (writer === undefined) return this;
    return inspectAs('WritableStreamDefaultWriter', {
      stream: writer.stream === undefined ? undefined : writer.stream.pub,
      close: writer.closedPromise,
      ready: writer.ready.promise(),
      desiredSize: writer.stream === undefined ? undefined
                                               : writableStreamDefaultWriterGetDesiredSize(writer),
    }, depth, options, inspect);
  }

  static {
    writerState = (value) => (value !== null && typeof value === 'object' && #state in value
                              ? value.#state : undefined);
  }
}

// The interface object of the members class above (ext:web/interface_object.js,
// "Interfaces whose members keep private fields"): its objects are platform
// objects, which structuredClone refuses.
export class WritableStreamDefaultWriter extends Object {
  constructor(stream) {
    return ReflectConstruct(WritableStreamDefaultWriterMembers, arguments, new.target);
  }
}
exposeMembers(WritableStreamDefaultWriter, WritableStreamDefaultWriterMembers);
const allocateWritableStreamDefaultWriter = platformObjectAllocator(WritableStreamDefaultWriter);
webidl.configureInterface(WritableStreamDefaultWriter);

class WritableStreamDefaultControllerMembers extends PlatformObjectBase {
  #state;

  constructor(token = undefined) {
    super(WritableStreamDefaultControllerMembers, WritableStreamDefaultController, allocateWritableStreamDefaultController);
    if (token !== kInternal) webidl.illegalConstructor();
    this.#state = new ControllerState(this);
  }

  get signal() {
    const controller = controllerState(this);
    if (controller === undefined) throw new NativeTypeError('Illegal invocation');
    return controller.abortController.signal;
  }

  error(e = undefined) {
    const controller = controllerState(this);
    if (controller === undefined) throw new NativeTypeError('Illegal invocation');
    if (controller.stream.state !== 'writable') return;
    writableStreamDefaultControllerError(controller, e);
  }

  [inspectCustom](depth, options, inspect) {
    const controller = controllerState(this);
    if (controller === undefined) return this;
    return inspectAs('WritableStreamDefaultController', {
      signal: controller.abortController.signal,
    }, depth, options, inspect);
  }

  static {
    controllerState = (value) => (value !== null && typeof value === 'object' && #state in value
                                  ? value.#state : undefined);
  }
}

// The interface object of the members class above (ext:web/interface_object.js,
// "Interfaces whose members keep private fields"): its objects are platform
// objects, which structuredClone refuses.
export class WritableStreamDefaultController extends Object {
  constructor(token = undefined) {
    return ReflectConstruct(WritableStreamDefaultControllerMembers, arguments, new.target);
  }
}
exposeMembers(WritableStreamDefaultController, WritableStreamDefaultControllerMembers);
const allocateWritableStreamDefaultController = platformObjectAllocator(WritableStreamDefaultController);
webidl.configureInterface(WritableStreamDefaultController);

export function writableStreamStateOf(value) {
  return streamState(value);
}

// ---- Abstract operations: WritableStream ----

export function createWritableStreamState() {
  return streamState(new WritableStreamMembers(kInternal));
}

function newControllerState() {
  return controllerState(new WritableStreamDefaultControllerMembers(kInternal));
}

// CreateWritableStream: the stream's internal state (its `pub` is the public object).
// Algorithms are functions of the controller state: write(controller, chunk),
// close(controller), abort(controller, reason); start(controller) returns a value or a
// promise.
export function createWritableStream(startAlgorithm, writeAlgorithm, closeAlgorithm,
                                     abortAlgorithm, highWaterMark = 1, sizeAlgorithm = undefined) {
  const stream = createWritableStreamState();
  const controller = newControllerState();
  setUpWritableStreamDefaultController(stream, controller, startAlgorithm, writeAlgorithm,
                                       closeAlgorithm, abortAlgorithm, highWaterMark,
                                       sizeAlgorithm);
  return stream;
}

export function acquireWritableStreamDefaultWriter(stream) {
  const writer = writerState(new WritableStreamDefaultWriterMembers(kInternal));
  setUpWritableStreamDefaultWriter(writer, stream);
  return writer;
}

export function isWritableStreamLocked(stream) {
  return stream.writer !== undefined;
}

export function writableStreamAbort(stream, reason) {
  if (stream.state === 'closed' || stream.state === 'errored') {
    return promiseResolvedWith(undefined);
  }
  signalAbort(stream.controller.abortController.signal, reason);
  const state = stream.state;
  if (state === 'closed' || state === 'errored') return promiseResolvedWith(undefined);
  if (stream.pendingAbortRequest !== undefined) return stream.pendingAbortRequest.deferred.promise;
  let wasAlreadyErroring = false;
  if (state === 'erroring') {
    wasAlreadyErroring = true;
    reason = undefined;
  }
  const deferred = new Deferred();
  stream.pendingAbortRequest = { deferred, reason, wasAlreadyErroring };
  if (!wasAlreadyErroring) writableStreamStartErroring(stream, reason);
  return deferred.promise;
}

export function writableStreamClose(stream) {
  const state = stream.state;
  if (state === 'closed' || state === 'errored') {
    return promiseRejectedWith(new NativeTypeError(
        'The stream is not in the writable state and cannot be closed'));
  }
  const deferred = new Deferred();
  stream.closeRequest = deferred;
  const writer = stream.writer;
  if (writer !== undefined && stream.backpressure && state === 'writable') {
    writerReadyResolve(writer);
  }
  writableStreamDefaultControllerClose(stream.controller);
  return deferred.promise;
}

function writableStreamAddWriteRequest(stream, request) {
  stream.writeRequests.push(request);
}

function writableStreamDealWithRejection(stream, error) {
  if (stream.state === 'writable') {
    writableStreamStartErroring(stream, error);
    return;
  }
  writableStreamFinishErroring(stream);
}

function writableStreamStartErroring(stream, reason) {
  const controller = stream.controller;
  stream.state = 'erroring';
  stream.storedError = reason;
  const writer = stream.writer;
  if (writer !== undefined) writableStreamDefaultWriterEnsureReadyPromiseRejected(writer, reason);
  if (!writableStreamHasOperationMarkedInFlight(stream) && controller.started) {
    writableStreamFinishErroring(stream);
  }
}

function writableStreamFinishErroring(stream) {
  stream.state = 'errored';
  stream.controller.queue.reset();  // [[ErrorSteps]]
  const storedError = stream.storedError;
  const requests = stream.writeRequests.takeAll();
  for (let i = 0; i < requests.length; i++) requests[i].reject(storedError);
  const abortRequest = stream.pendingAbortRequest;
  if (abortRequest === undefined) {
    writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
    return;
  }
  stream.pendingAbortRequest = undefined;
  if (abortRequest.wasAlreadyErroring) {
    abortRequest.deferred.reject(storedError);
    writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
    return;
  }
  // [[AbortSteps]]
  const controller = stream.controller;
  const promise = controller.abortAlgorithm(controller, abortRequest.reason);
  writableStreamDefaultControllerClearAlgorithms(controller);
  uponPromise(promise, () => {
    abortRequest.deferred.resolve(undefined);
    writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
  }, (reason) => {
    abortRequest.deferred.reject(reason);
    writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
  });
}

function writableStreamFinishInFlightWrite(stream) {
  stream.inFlightWriteRequest.resolve(undefined);
  stream.inFlightWriteRequest = undefined;
}

function writableStreamFinishInFlightWriteWithError(stream, error) {
  stream.inFlightWriteRequest.reject(error);
  stream.inFlightWriteRequest = undefined;
  writableStreamDealWithRejection(stream, error);
}

function writableStreamFinishInFlightClose(stream) {
  stream.inFlightCloseRequest.resolve(undefined);
  stream.inFlightCloseRequest = undefined;
  if (stream.state === 'erroring') {
    stream.storedError = undefined;
    if (stream.pendingAbortRequest !== undefined) {
      stream.pendingAbortRequest.deferred.resolve(undefined);
      stream.pendingAbortRequest = undefined;
    }
  }
  stream.state = 'closed';
  const writer = stream.writer;
  if (writer !== undefined) writerClosedResolve(writer);
}

function writableStreamFinishInFlightCloseWithError(stream, error) {
  stream.inFlightCloseRequest.reject(error);
  stream.inFlightCloseRequest = undefined;
  if (stream.pendingAbortRequest !== undefined) {
    stream.pendingAbortRequest.deferred.reject(error);
    stream.pendingAbortRequest = undefined;
  }
  writableStreamDealWithRejection(stream, error);
}

export function writableStreamCloseQueuedOrInFlight(stream) {
  return stream.closeRequest !== undefined || stream.inFlightCloseRequest !== undefined;
}

function writableStreamHasOperationMarkedInFlight(stream) {
  return stream.inFlightWriteRequest !== undefined || stream.inFlightCloseRequest !== undefined;
}

function writableStreamMarkCloseRequestInFlight(stream) {
  stream.inFlightCloseRequest = stream.closeRequest;
  stream.closeRequest = undefined;
}

function writableStreamMarkFirstWriteRequestInFlight(stream) {
  stream.inFlightWriteRequest = stream.writeRequests.shift();
}

function writableStreamRejectCloseAndClosedPromiseIfNeeded(stream) {
  if (stream.closeRequest !== undefined) {
    stream.closeRequest.reject(stream.storedError);
    stream.closeRequest = undefined;
  }
  const writer = stream.writer;
  if (writer !== undefined) {
    writerClosedReject(writer, stream.storedError);
  }
}

function writableStreamUpdateBackpressure(stream, backpressure) {
  const writer = stream.writer;
  if (writer !== undefined && backpressure !== stream.backpressure) {
    if (backpressure) {
      writerReadyReset(writer);
    } else {
      writerReadyResolve(writer);
    }
  }
  stream.backpressure = backpressure;
}

// ---- The writer's promises ----

// The spec's "set writer.[[readyPromise]] to a new promise", "... to a promise resolved
// with undefined", "... to a promise rejected with reason" (marked as handled).
function writerReadyReset(writer) {
  writer.ready.reset();
}

function writerReadyResolved(writer) {
  writer.ready.resetFulfilled();
}

function writerReadyRejected(writer, reason) {
  writer.ready.resetRejected(reason);
}

function writerReadyResolve(writer) {
  writer.ready.resolve();
}

function writerClosedReset(writer) {
  const deferred = new Deferred();
  writer.closedPromise = deferred.promise;
  writer.closedResolve = deferred.resolve;
  writer.closedReject = deferred.reject;
  writer.closedPending = true;
}

function writerClosedResolve(writer) {
  if (!writer.closedPending) return;
  writer.closedResolve(undefined);
  writer.closedResolve = writer.closedReject = undefined;
  writer.closedPending = false;
}

function writerClosedReject(writer, reason) {
  if (!writer.closedPending) return;
  setPromiseIsHandled(writer.closedPromise);
  writer.closedReject(reason);
  writer.closedResolve = writer.closedReject = undefined;
  writer.closedPending = false;
}

// Whether the writer's ready promise is still pending (pipeTo waits on it only then).
export function writerReadyIsPending(writer) {
  return writer.ready.isPending;
}

// uponPromise on the writer's ready promise, without making it (a pipe's wait).
export function uponWriterReady(writer, onFulfilled, onRejected) {
  writer.ready.upon(onFulfilled, onRejected);
}

// ---- Abstract operations: writers ----

function setUpWritableStreamDefaultWriter(writer, stream) {
  if (isWritableStreamLocked(stream)) {
    throw new NativeTypeError('This stream has already been locked for exclusive writing by another writer');
  }
  writer.stream = stream;
  stream.writer = writer;
  const state = stream.state;
  if (state === 'writable') {
    if (!writableStreamCloseQueuedOrInFlight(stream) && stream.backpressure) {
      writerReadyReset(writer);
    } else {
      writerReadyResolved(writer);
    }
    writerClosedReset(writer);
  } else if (state === 'erroring') {
    writerReadyRejected(writer, stream.storedError);
    writerClosedReset(writer);
  } else if (state === 'closed') {
    writerReadyResolved(writer);
    writer.closedPromise = promiseResolvedWith(undefined);
    writer.closedPending = false;
  } else {
    const storedError = stream.storedError;
    writerReadyRejected(writer, storedError);
    writer.closedPromise = promiseRejectedWith(storedError);
    setPromiseIsHandled(writer.closedPromise);
    writer.closedPending = false;
  }
}

export function writableStreamDefaultWriterCloseWithErrorPropagation(writer) {
  const stream = writer.stream;
  const state = stream.state;
  if (writableStreamCloseQueuedOrInFlight(stream) || state === 'closed') {
    return promiseResolvedWith(undefined);
  }
  if (state === 'errored') return promiseRejectedWith(stream.storedError);
  return writableStreamClose(stream);
}

function writableStreamDefaultWriterEnsureClosedPromiseRejected(writer, error) {
  if (writer.closedPending) {
    writerClosedReject(writer, error);
  } else {
    writer.closedPromise = promiseRejectedWith(error);
    setPromiseIsHandled(writer.closedPromise);
  }
}

function writableStreamDefaultWriterEnsureReadyPromiseRejected(writer, error) {
  if (writer.ready.isPending) {
    writer.ready.reject(error);
  } else {
    writerReadyRejected(writer, error);
  }
}

export function writableStreamDefaultWriterGetDesiredSize(writer) {
  const stream = writer.stream;
  const state = stream.state;
  if (state === 'errored' || state === 'erroring') return null;
  if (state === 'closed') return 0;
  return writableStreamDefaultControllerGetDesiredSize(stream.controller);
}

export function writableStreamDefaultWriterRelease(writer) {
  const stream = writer.stream;
  const releasedError = new NativeTypeError(
      'Writer was released and can no longer be used to monitor the stream\'s closedness');
  writableStreamDefaultWriterEnsureReadyPromiseRejected(writer, releasedError);
  writableStreamDefaultWriterEnsureClosedPromiseRejected(writer, releasedError);
  stream.writer = undefined;
  writer.stream = undefined;
}

export function writableStreamDefaultWriterWrite(writer, chunk) {
  const stream = writer.stream;
  const controller = stream.controller;
  const chunkSize = writableStreamDefaultControllerGetChunkSize(controller, chunk);
  if (stream !== writer.stream) {
    return promiseRejectedWith(new NativeTypeError('The writer was released while the chunk size was computed'));
  }
  const state = stream.state;
  if (state === 'errored') return promiseRejectedWith(stream.storedError);
  if (writableStreamCloseQueuedOrInFlight(stream) || state === 'closed') {
    return promiseRejectedWith(new NativeTypeError(
        'The stream is closing or closed and cannot be written to'));
  }
  if (state === 'erroring') return promiseRejectedWith(stream.storedError);
  const request = new Deferred();
  writableStreamAddWriteRequest(stream, request);
  writableStreamDefaultControllerWrite(controller, chunk, chunkSize);
  return request.promise;
}

// WritableStreamDefaultWriterWrite for a writer no script can reach (a pipe's): the
// write request is `request`, any object with resolve() and reject(reason) (the pipe
// itself), so no promise is made per chunk. Returns whether the chunk was queued; when it
// was not (the stream is closing, closed or errored, or the writer was released while the
// chunk size was computed), nothing is queued and request is not called.
export function writableStreamDefaultWriterWriteWithRequest(writer, chunk, request) {
  const stream = writer.stream;
  const controller = stream.controller;
  const chunkSize = writableStreamDefaultControllerGetChunkSize(controller, chunk);
  if (stream !== writer.stream) return false;
  const state = stream.state;
  if (state !== 'writable' || writableStreamCloseQueuedOrInFlight(stream)) return false;
  writableStreamAddWriteRequest(stream, request);
  writableStreamDefaultControllerWrite(controller, chunk, chunkSize);
  return true;
}

// ---- Abstract operations: the controller ----

export function setUpWritableStreamDefaultController(stream, controller, startAlgorithm,
                                                     writeAlgorithm, closeAlgorithm,
                                                     abortAlgorithm, highWaterMark,
                                                     sizeAlgorithm) {
  controller.stream = stream;
  stream.controller = controller;
  controller.queue.reset();
  controller.abortController = new AbortController();
  controller.started = false;
  controller.strategySize = sizeAlgorithm;
  controller.strategyHWM = highWaterMark;
  controller.writeAlgorithm = writeAlgorithm;
  controller.closeAlgorithm = closeAlgorithm;
  controller.abortAlgorithm = abortAlgorithm;
  controller.onWriteFulfilled = () => onSinkWriteFulfilled(controller);
  controller.onWriteRejected = (reason) => onSinkWriteRejected(controller, reason);
  writableStreamUpdateBackpressure(stream, writableStreamDefaultControllerGetBackpressure(controller));
  const startResult = startAlgorithm(controller);
  uponPromise(promiseResolvedWith(startResult), () => {
    controller.started = true;
    writableStreamDefaultControllerAdvanceQueueIfNeeded(controller);
  }, (reason) => {
    controller.started = true;
    writableStreamDealWithRejection(stream, reason);
  });
}

function setUpWritableStreamDefaultControllerFromUnderlyingSink(stream, underlyingSink,
                                                                 sinkDict, highWaterMark,
                                                                 sizeAlgorithm) {
  const controller = newControllerState();
  const { start, write, close, abort } = sinkDict;
  const startAlgorithm = start === undefined ? () => undefined
      : (c) => ReflectApply(start, underlyingSink, [c.pub]);
  const writeAlgorithm = write === undefined ? () => resolvedPromise
      : (c, chunk) => invokeCallback(write, underlyingSink, [chunk, c.pub]);
  const closeAlgorithm = close === undefined ? () => promiseResolvedWith(undefined)
      : () => invokeCallback(close, underlyingSink, []);
  const abortAlgorithm = abort === undefined ? () => promiseResolvedWith(undefined)
      : (c, reason) => invokeCallback(abort, underlyingSink, [reason]);
  setUpWritableStreamDefaultController(stream, controller, startAlgorithm, writeAlgorithm,
                                       closeAlgorithm, abortAlgorithm, highWaterMark,
                                       sizeAlgorithm);
}

function writableStreamDefaultControllerClearAlgorithms(controller) {
  controller.writeAlgorithm = undefined;
  controller.closeAlgorithm = undefined;
  controller.abortAlgorithm = undefined;
  controller.strategySize = undefined;
  controller.algorithmsCleared = true;
}

function writableStreamDefaultControllerClose(controller) {
  controller.queue.push(closeSentinel, 0);
  writableStreamDefaultControllerAdvanceQueueIfNeeded(controller);
}

function writableStreamDefaultControllerGetChunkSize(controller, chunk) {
  const size = controller.strategySize;
  if (size === undefined) return 1;
  try {
    return ReflectApply(size, undefined, [chunk]);
  } catch (error) {
    writableStreamDefaultControllerErrorIfNeeded(controller, error);
    return 1;
  }
}

export function writableStreamDefaultControllerGetDesiredSize(controller) {
  return controller.strategyHWM - controller.queue.totalSize;
}

function writableStreamDefaultControllerWrite(controller, chunk, chunkSize) {
  try {
    controller.queue.push(chunk, checkChunkSize(chunkSize));
  } catch (error) {
    writableStreamDefaultControllerErrorIfNeeded(controller, error);
    return;
  }
  const stream = controller.stream;
  if (!writableStreamCloseQueuedOrInFlight(stream) && stream.state === 'writable') {
    writableStreamUpdateBackpressure(stream, writableStreamDefaultControllerGetBackpressure(controller));
  }
  writableStreamDefaultControllerAdvanceQueueIfNeeded(controller);
}

function writableStreamDefaultControllerAdvanceQueueIfNeeded(controller) {
  const stream = controller.stream;
  if (!controller.started) return;
  if (stream.inFlightWriteRequest !== undefined) return;
  if (stream.state === 'erroring') {
    writableStreamFinishErroring(stream);
    return;
  }
  if (controller.queue.length === 0) return;
  const value = controller.queue.peek();
  if (value === closeSentinel) {
    writableStreamDefaultControllerProcessClose(controller);
  } else {
    writableStreamDefaultControllerProcessWrite(controller, value);
  }
}

export function writableStreamDefaultControllerErrorIfNeeded(controller, error) {
  if (controller.stream.state === 'writable') writableStreamDefaultControllerError(controller, error);
}

function writableStreamDefaultControllerProcessClose(controller) {
  const stream = controller.stream;
  writableStreamMarkCloseRequestInFlight(stream);
  controller.queue.shift();
  const sinkClosePromise = controller.closeAlgorithm(controller);
  writableStreamDefaultControllerClearAlgorithms(controller);
  uponPromise(sinkClosePromise, () => writableStreamFinishInFlightClose(stream),
              (reason) => writableStreamFinishInFlightCloseWithError(stream, reason));
}

function writableStreamDefaultControllerProcessWrite(controller, chunk) {
  writableStreamMarkFirstWriteRequestInFlight(controller.stream);
  const sinkWritePromise = controller.writeAlgorithm(controller, chunk);
  uponPromise(sinkWritePromise, controller.onWriteFulfilled, controller.onWriteRejected);
}

function onSinkWriteFulfilled(controller) {
  const stream = controller.stream;
  writableStreamFinishInFlightWrite(stream);
  controller.queue.shift();
  if (!writableStreamCloseQueuedOrInFlight(stream) && stream.state === 'writable') {
    writableStreamUpdateBackpressure(stream, writableStreamDefaultControllerGetBackpressure(controller));
  }
  writableStreamDefaultControllerAdvanceQueueIfNeeded(controller);
}

function onSinkWriteRejected(controller, reason) {
  const stream = controller.stream;
  if (stream.state === 'writable') writableStreamDefaultControllerClearAlgorithms(controller);
  writableStreamFinishInFlightWriteWithError(stream, reason);
}

function writableStreamDefaultControllerGetBackpressure(controller) {
  return writableStreamDefaultControllerGetDesiredSize(controller) <= 0;
}

export function writableStreamDefaultControllerError(controller, error) {
  const stream = controller.stream;
  writableStreamDefaultControllerClearAlgorithms(controller);
  writableStreamStartErroring(stream, error);
}
