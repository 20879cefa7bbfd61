// TransformStream and TransformStreamDefaultController (ext:streams/transform_stream.js),
// after https://streams.spec.whatwg.org/#ts-model (transformer.cancel as README.md says:
// called as the standard says, the other side errored at once as before it).
import * as webidl from 'ext:webidl/webidl.js';
import {
  PlatformObjectBase, exposeMembers, platformObjectAllocator,
} from 'ext:webidl/platform_object.js';
import {
  Deferred, LazyPromise, NativeRangeError, NativeTypeError, ReflectApply, convertQueuingStrategy,
  extractHighWaterMark, extractSizeAlgorithm, inspectAs, inspectCustom, invokeCallback,
  kInternal, promiseRejectedWith, promiseResolvedWith, resolvedPromise, uponPromise,
} from './common.js';
import {
  createReadableStream, readableStreamDefaultControllerCanCloseOrEnqueue,
  readableStreamDefaultControllerClose, readableStreamDefaultControllerEnqueue,
  readableStreamDefaultControllerError, readableStreamDefaultControllerGetDesiredSize,
  readableStreamDefaultControllerHasBackpressure,
} from './readable_stream.js';
import {
  createWritableStream, writableStreamDefaultControllerErrorIfNeeded,
} from './writable_stream.js';

const ReflectConstruct = Reflect.construct;

class TransformStreamState {
  constructor(pub) {
    this.pub = pub;
    this.backpressure = undefined;
    // [[backpressureChangePromise]] as a LazyPromise: the readable side's pull waits on it
    // through upon() (no promise per chunk); backpressureChangePromise makes the promise.
    this.backpressureChange = new LazyPromise();
    this.controller = undefined;
    this.readable = undefined;  // ReadableStreamState
    this.writable = undefined;  // WritableStreamState
  }
  get backpressureChangePromise() {
    return this.backpressureChange.promise();
  }
}

class ControllerState {
  constructor(pub) {
    this.pub = pub;
    this.stream = undefined;
    this.transformAlgorithm = undefined;
    this.flushAlgorithm = undefined;
    this.cancelAlgorithm = undefined;   // the transformer's cancel(reason), until it runs
    this.releaseAlgorithm = undefined;  // createTransformStream's `cancel`
  }
}

let streamState;
let controllerState;

const convertTransformer = webidl.createDictionaryConverter('Transformer', [
  { key: 'cancel', converter: webidl.converters.Function },
  { key: 'flush', converter: webidl.converters.Function },
  { key: 'readableType', converter: webidl.converters.any },
  { key: 'start', converter: webidl.converters.Function },
  { key: 'transform', converter: webidl.converters.Function },
  { key: 'writableType', converter: webidl.converters.any },
]);

function illegalInvocation() {
  return new NativeTypeError('Illegal invocation');
}

class TransformStreamMembers extends PlatformObjectBase {
  #state;

  constructor(transformer = undefined, writableStrategy = undefined,
              readableStrategy = undefined) {
    super(TransformStreamMembers, TransformStream, allocateTransformStream);
    if (transformer === kInternal) {
      this.#state = new TransformStreamState(this);
      return;
    }
    const prefix = "Failed to construct 'TransformStream'";
    if (transformer !== undefined) {
      transformer = webidl.converters.object(transformer, prefix, 'Argument 1');
    }
    writableStrategy = convertQueuingStrategy(writableStrategy, prefix, 'Argument 2');
    readableStrategy = convertQueuingStrategy(readableStrategy, prefix, 'Argument 3');
    if (transformer === undefined) transformer = null;
    const transformerDict = convertTransformer(transformer, prefix, 'Argument 1');
    if (transformerDict.readableType !== undefined) {
      throw new NativeRangeError(`${prefix}: Invalid readableType specified`);
    }
    if (transformerDict.writableType !== undefined) {
      throw new NativeRangeError(`${prefix}: Invalid writableType specified`);
    }
    const readableHighWaterMark = extractHighWaterMark(readableStrategy, 0);
    const readableSizeAlgorithm = extractSizeAlgorithm(readableStrategy);
    const writableHighWaterMark = extractHighWaterMark(writableStrategy, 1);
    const writableSizeAlgorithm = extractSizeAlgorithm(writableStrategy);
    const startDeferred = new Deferred();
    const stream = this.#state = new TransformStreamState(this);
    initializeTransformStream(stream, startDeferred.promise, writableHighWaterMark,
                              writableSizeAlgorithm, readableHighWaterMark,
                              readableSizeAlgorithm);
    setUpTransformStreamDefaultControllerFromTransformer(stream, transformer, transformerDict);
    if (transformerDict.start !== undefined) {
      startDeferred.resolve(
          ReflectApply(transformerDict.start, transformer, [stream.controller.pub]));
    } else {
      startDeferred.resolve(undefined);
    }
  }

  get readable() {
    const stream = streamState(this);
    if (stream === undefined) throw illegalInvocation();
    return stream.readable.pub;
  }

  get writable() {
    const stream = streamState(this);
    if (stream === undefined) throw illegalInvocation();
    return stream.writable.pub;
  }

  [inspectCustom](depth, options, inspect) {
    const stream = streamState(this);
    if (stream === undefined) return this;
    return inspectAs('TransformStream', {
      readable: stream.readable.pub,
      writable: stream.writable.pub,
      backpressure: stream.backpressure,
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
export class TransformStream extends Object {
  constructor(transformer = undefined, writableStrategy = undefined,
              readableStrategy = undefined) {
    return ReflectConstruct(TransformStreamMembers, arguments, new.target);
  }
}
exposeMembers(TransformStream, TransformStreamMembers);
const allocateTransformStream = platformObjectAllocator(TransformStream);
webidl.configureInterface(TransformStream);

class TransformStreamDefaultControllerMembers extends PlatformObjectBase {
  #state;

  constructor(token = undefined) {
    super(TransformStreamDefaultControllerMembers, TransformStreamDefaultController, allocateTransformStreamDefaultController);
    if (token !== kInternal) webidl.illegalConstructor();
    this.#state = new ControllerState(this);
  }

  get desiredSize() {
    const controller = controllerState(this);
    if (controller === undefined) throw illegalInvocation();
    return readableStreamDefaultControllerGetDesiredSize(controller.stream.readable.controller);
  }

  enqueue(chunk = undefined) {
    const controller = controllerState(this);
    if (controller === undefined) throw illegalInvocation();
    transformStreamDefaultControllerEnqueue(controller, chunk);
  }

  error(reason = undefined) {
    const controller = controllerState(this);
    if (controller === undefined) throw illegalInvocation();
    transformStreamError(controller.stream, reason);
  }

  terminate() {
    const controller = controllerState(this);
    if (controller === undefined) throw illegalInvocation();
    transformStreamDefaultControllerTerminate(controller);
  }

  [inspectCustom](depth, options, inspect) {
    const controller = controllerState(this);
    if (controller === undefined) return this;
    return inspectAs('TransformStreamDefaultController', { stream: controller.stream.pub },
                     depth, options, inspect);
  }

  static {
    controllerState = (value) => (value !== null && typeof value === 'object' && #state in value
                                  ? value.#state : undefined);
  }
}

// The interface object of the members class above (ext:web/interface_object.js,
// "Interfaces whose members keep private fields"): its objects are platform
// objects, which structuredClone refuses.
export class TransformStreamDefaultController extends Object {
  constructor(token = undefined) {
    return ReflectConstruct(TransformStreamDefaultControllerMembers, arguments, new.target);
  }
}
exposeMembers(TransformStreamDefaultController, TransformStreamDefaultControllerMembers);
const allocateTransformStreamDefaultController = platformObjectAllocator(TransformStreamDefaultController);
webidl.configureInterface(TransformStreamDefaultController);

// ---- Abstract operations ----

function initializeTransformStream(stream, startPromise, writableHighWaterMark,
                                   writableSizeAlgorithm, readableHighWaterMark,
                                   readableSizeAlgorithm) {
  const startAlgorithm = () => startPromise;
  stream.writable = createWritableStream(
      startAlgorithm,
      (controller, chunk) => transformStreamDefaultSinkWriteAlgorithm(stream, chunk),
      () => transformStreamDefaultSinkCloseAlgorithm(stream),
      (controller, reason) => transformStreamDefaultSinkAbortAlgorithm(stream, reason),
      writableHighWaterMark, writableSizeAlgorithm);
  stream.readable = createReadableStream(
      startAlgorithm,
      () => transformStreamDefaultSourcePullAlgorithm(stream),
      (controller, reason) => transformStreamDefaultSourceCancelAlgorithm(stream, reason),
      readableHighWaterMark, readableSizeAlgorithm);
  stream.backpressure = undefined;
  stream.backpressureChange.resetFulfilled();
  transformStreamSetBackpressure(stream, true);
  stream.controller = undefined;
}

function transformStreamError(stream, e) {
  readableStreamDefaultControllerError(stream.readable.controller, e);
  transformStreamErrorWritableAndUnblockWrite(stream, e);
}

function transformStreamErrorWritableAndUnblockWrite(stream, e) {
  transformStreamDefaultControllerClearAlgorithms(stream.controller);
  writableStreamDefaultControllerErrorIfNeeded(stream.writable.controller, e);
  if (stream.backpressure) transformStreamSetBackpressure(stream, false);
}

function transformStreamSetBackpressure(stream, backpressure) {
  const backpressureChange = stream.backpressureChange;
  backpressureChange.resolve();  // no-op the first time (not pending)
  backpressureChange.reset();
  stream.backpressure = backpressure;
}

function setUpTransformStreamDefaultController(stream, controller, transformAlgorithm,
                                               flushAlgorithm) {
  controller.stream = stream;
  stream.controller = controller;
  controller.transformAlgorithm = transformAlgorithm;
  controller.flushAlgorithm = flushAlgorithm;
}

function setUpTransformStreamDefaultControllerFromTransformer(stream, transformer, dict) {
  const controller = controllerState(new TransformStreamDefaultControllerMembers(kInternal));
  const { transform, flush, cancel } = dict;
  const transformAlgorithm = transform === undefined
    ? (chunk) => {
      try {
        transformStreamDefaultControllerEnqueue(controller, chunk);
      } catch (error) {
        return promiseRejectedWith(error);
      }
      return resolvedPromise;
    }
    : (chunk) => invokeCallback(transform, transformer, [chunk, controller.pub]);
  const flushAlgorithm = flush === undefined ? () => promiseResolvedWith(undefined)
    : () => invokeCallback(flush, transformer, [controller.pub]);
  setUpTransformStreamDefaultController(stream, controller, transformAlgorithm, flushAlgorithm);
  if (cancel !== undefined) {
    controller.cancelAlgorithm = (reason) => invokeCallback(cancel, transformer, [reason]);
  }
}

// For streams made by other extensions (TextEncoderStream, CompressionStream, ...): a
// TransformStream whose transform(chunk, controller) and flush(controller) receive the
// controller's state and return undefined (done) or a promise (done when it settles).
// `cancel(reason)`, if given, is told once when the writable side is aborted or the
// readable side canceled (the stream errors at once, as without it): where the extension
// releases what the stream holds.
export function createTransformStream(transformAlgorithm, flushAlgorithm,
                                      writableHighWaterMark = 1, readableHighWaterMark = 0,
                                      cancelAlgorithm = undefined) {
  const stream = streamState(new TransformStreamMembers(kInternal));
  const startDeferred = new Deferred();
  initializeTransformStream(stream, startDeferred.promise, writableHighWaterMark, undefined,
                            readableHighWaterMark, undefined);
  const controller = controllerState(new TransformStreamDefaultControllerMembers(kInternal));
  setUpTransformStreamDefaultController(
      stream, controller,
      (chunk) => {
        let result;
        try {
          result = transformAlgorithm(chunk, controller);
        } catch (error) {
          return promiseRejectedWith(error);
        }
        return result === undefined ? resolvedPromise : result;
      },
      () => {
        let result;
        try {
          result = flushAlgorithm(controller);
        } catch (error) {
          return promiseRejectedWith(error);
        }
        return result === undefined ? promiseResolvedWith(undefined) : result;
      });
  controller.releaseAlgorithm = cancelAlgorithm;
  startDeferred.resolve(undefined);
  return stream;
}

// Tells an extension's stream (createTransformStream's `cancel`) that it was aborted or
// canceled, once.
function transformStreamNotifyCancel(stream, reason) {
  const controller = stream.controller;
  const releaseAlgorithm = controller.releaseAlgorithm;
  if (releaseAlgorithm === undefined) return;
  controller.releaseAlgorithm = undefined;
  releaseAlgorithm(reason);
}

// The transformer's cancel(reason), for the first of an abort and a cancel; none once a
// close began or the stream errored (the algorithms are cleared then). Its promise is what
// abort() or cancel() gives: a throw or a rejection rejects that call.
function transformStreamPerformCancel(stream, reason) {
  const controller = stream.controller;
  const cancelAlgorithm = controller.cancelAlgorithm;
  if (cancelAlgorithm === undefined) return promiseResolvedWith(undefined);
  controller.cancelAlgorithm = undefined;
  return cancelAlgorithm(reason);
}

function transformStreamDefaultControllerClearAlgorithms(controller) {
  controller.transformAlgorithm = undefined;
  controller.flushAlgorithm = undefined;
  controller.cancelAlgorithm = undefined;
}

export function transformStreamDefaultControllerEnqueue(controller, chunk) {
  const stream = controller.stream;
  const readableController = stream.readable.controller;
  if (!readableStreamDefaultControllerCanCloseOrEnqueue(readableController)) {
    throw new NativeTypeError('Readable side is not in a state that permits enqueue');
  }
  try {
    readableStreamDefaultControllerEnqueue(readableController, chunk);
  } catch (error) {
    transformStreamErrorWritableAndUnblockWrite(stream, error);
    throw stream.readable.storedError;
  }
  const backpressure = readableStreamDefaultControllerHasBackpressure(readableController);
  if (backpressure !== stream.backpressure) transformStreamSetBackpressure(stream, true);
}

export function transformStreamDefaultControllerError(controller, e) {
  transformStreamError(controller.stream, e);
}

function transformStreamDefaultControllerPerformTransform(controller, chunk) {
  const transformPromise = controller.transformAlgorithm(chunk);
  return uponPromise(transformPromise, undefined, (r) => {
    transformStreamError(controller.stream, r);
    throw r;
  });
}

export function transformStreamDefaultControllerTerminate(controller) {
  const stream = controller.stream;
  readableStreamDefaultControllerClose(stream.readable.controller);
  const error = new NativeTypeError('TransformStream terminated');
  transformStreamErrorWritableAndUnblockWrite(stream, error);
}

function transformStreamDefaultSinkWriteAlgorithm(stream, chunk) {
  const controller = stream.controller;
  if (stream.backpressure) {
    return uponPromise(stream.backpressureChangePromise, () => {
      const writable = stream.writable;
      if (writable.state === 'erroring') throw writable.storedError;
      return transformStreamDefaultControllerPerformTransform(controller, chunk);
    });
  }
  return transformStreamDefaultControllerPerformTransform(controller, chunk);
}

function transformStreamDefaultSinkAbortAlgorithm(stream, reason) {
  transformStreamNotifyCancel(stream, reason);
  const cancelPromise = transformStreamPerformCancel(stream, reason);
  transformStreamError(stream, reason);
  return cancelPromise;
}

function transformStreamDefaultSinkCloseAlgorithm(stream) {
  const readable = stream.readable;
  const controller = stream.controller;
  const flushPromise = controller.flushAlgorithm();
  transformStreamDefaultControllerClearAlgorithms(controller);
  return uponPromise(flushPromise, () => {
    if (readable.state === 'errored') throw readable.storedError;
    readableStreamDefaultControllerClose(readable.controller);
  }, (r) => {
    transformStreamError(stream, r);
    throw readable.storedError;
  });
}

// Returns the LazyPromise itself: the readable controller reacts to it with upon().
function transformStreamDefaultSourcePullAlgorithm(stream) {
  transformStreamSetBackpressure(stream, false);
  return stream.backpressureChange;
}

function transformStreamDefaultSourceCancelAlgorithm(stream, reason) {
  transformStreamNotifyCancel(stream, reason);
  const cancelPromise = transformStreamPerformCancel(stream, reason);
  transformStreamErrorWritableAndUnblockWrite(stream, reason);
  return cancelPromise;
}

export function transformStreamStateOf(value) {
  return streamState(value);
}
