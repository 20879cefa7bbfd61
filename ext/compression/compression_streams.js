// ext:compression/compression_streams.js: the Compression Standard's CompressionStream and
// DecompressionStream, https://compression.spec.whatwg.org/ (lazy globals: see the entry
// module, compression.js).
//
// Each is a TransformStream (ext:streams) whose transform and flush hand the bytes to a
// native codec (compression_ops.cc, a resource) and enqueue what comes back, in chunks of
// at most 64 KiB. A long CompressionStream compresses on background threads: when the op
// says so (op_compression_must_wait), the transform or flush awaits op_compression_wait
// before it asks for more. The resource is closed on every path: the end of the stream,
// an error, abort/cancel (createTransformStream's cancel hook) and the garbage collection
// of a stream abandoned while open (a FinalizationRegistry).
import {
  op_close, op_compression_finish, op_compression_must_wait, op_compression_next,
  op_compression_open, op_compression_wait, op_compression_write,
} from 'ext:core/ops';
import * as webidl from 'ext:webidl/webidl.js';
import { inspectAs, inspectCustom, uponPromise } from 'ext:streams/common.js';
import { readableStreamDefaultControllerGetDesiredSize } from 'ext:streams/readable_stream.js';
import {
  createTransformStream, transformStreamDefaultControllerEnqueue,
} from 'ext:streams/transform_stream.js';

const NativeTypeError = TypeError;
const TypedArrayPrototypeGetLength =
    Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'length').get;
const ReflectApply = Reflect.apply;
const NativeFinalizationRegistry = FinalizationRegistry;
const FinalizationRegistryPrototypeRegister = FinalizationRegistry.prototype.register;
const FinalizationRegistryPrototypeUnregister = FinalizationRegistry.prototype.unregister;

// The most bytes one output chunk holds (compression_ops.h's kCompressionChunkSize): an
// op that returns a chunk this long may have more output to give.
const CHUNK_SIZE = 64 * 1024;
// How many output chunks may wait unread in the readable side before the transform pauses
// for the reader (at most 4 MiB: decompression can turn one small chunk into gigabytes).
const MAX_QUEUED_CHUNKS = 8;


function illegalInvocation() {
  return new NativeTypeError('Illegal invocation');
}

// Closes the codec resource of a stream collected while open. Made on first use: a
// registry must not be created while the startup snapshot is made.
let abandonedStreams = null;

function closeResource(rid) {
  try {
    op_close(rid);
  } catch {
    // Already closed (the runtime is going away): nothing to release.
  }
}

// The per-stream record the transform, flush and cancel algorithms share.
class CodecState {
  constructor(rid, interfaceName, decompress) {
    this.rid = rid;
    this.interfaceName = interfaceName;
    this.decompress = decompress;
    this.released = false;
    this.transform = undefined;  // the TransformStream's internal state
  }
}

function release(state) {
  if (state.released) return;
  state.released = true;
  ReflectApply(FinalizationRegistryPrototypeUnregister, abandonedStreams, [state]);
  closeResource(state.rid);
}

// What a wait for the reader or for background work gives once the stream was canceled
// or aborted meanwhile (the resource is released already): the pending write fails with
// the reason, as a write waiting for backpressure does
// (TransformStreamDefaultSinkWriteAlgorithm).
function afterRelease(stream) {
  const writable = stream.writable;
  if (writable.state === 'erroring' || writable.state === 'errored') {
    throw writable.storedError;
  }
  return undefined;
}

// Enqueues `output` (an op's result: a Uint8Array, or null for none) and the chunks after
// it until the op has no more. When too many chunks wait unread, or the codec's background
// work must finish first, returns a promise that goes on once it can (the transform's or
// flush's promise); otherwise undefined. An error (from the codec or the stream) releases
// the resource and is thrown.
function enqueueOutput(state, controller, output) {
  try {
    while (output !== null) {
      transformStreamDefaultControllerEnqueue(controller, output);
      if (ReflectApply(TypedArrayPrototypeGetLength, output, []) < CHUNK_SIZE) break;
      const stream = controller.stream;
      if (stream.backpressure &&
          readableStreamDefaultControllerGetDesiredSize(stream.readable.controller) <=
              -MAX_QUEUED_CHUNKS) {
        // The transform stream resolves this promise when the reader pulls again, or when
        // the stream is canceled or aborted: then the resource is released already, and
        // the pending write fails with the reason, as a write waiting for backpressure does
        // (TransformStreamDefaultSinkWriteAlgorithm).
        return uponPromise(stream.backpressureChangePromise, () => {
          if (state.released) return afterRelease(stream);
          return enqueueOutput(state, controller, nextOutput(state));
        });
      }
      output = op_compression_next(state.rid);
    }
    if (state.decompress || !op_compression_must_wait(state.rid)) return undefined;
  } catch (error) {
    release(state);
    throw error;
  }
  const stream = controller.stream;
  return uponPromise(op_compression_wait(state.rid), () => {
    if (state.released) return afterRelease(stream);
    return enqueueOutput(state, controller, nextOutput(state));
  }, (error) => {
    if (state.released) return afterRelease(stream);
    release(state);
    throw error;
  });
}

function nextOutput(state) {
  try {
    return op_compression_next(state.rid);
  } catch (error) {
    release(state);
    throw error;
  }
}

// "Compress and enqueue a chunk" / "decompress and enqueue a chunk".
function transformAlgorithm(state, chunk, controller) {
  let output;
  try {
    // "If chunk is not a BufferSource type, then throw a TypeError."
    const bytes = webidl.converters.BufferSource(
        chunk, `Failed to execute 'write' on '${state.interfaceName}'`, 'The chunk');
    output = op_compression_write(state.rid, bytes);
  } catch (error) {
    release(state);
    throw error;
  }
  return enqueueOutput(state, controller, output);
}

// "Compress flush and enqueue" / "decompress flush and enqueue"; the resource is released
// once the last output is enqueued.
function flushAlgorithm(state, controller) {
  let output;
  try {
    output = op_compression_finish(state.rid);
  } catch (error) {
    release(state);
    throw error;
  }
  const pending = enqueueOutput(state, controller, output);
  if (pending === undefined) {
    release(state);
    return undefined;
  }
  return uponPromise(pending, () => release(state));
}

// Makes the stream's codec resource and TransformStream: "set up" of CompressionStream and
// DecompressionStream.
function createCodec(args, format, decompress) {
  const interfaceName = decompress ? 'DecompressionStream' : 'CompressionStream';
  const prefix = `Failed to construct '${interfaceName}'`;
  webidl.requiredArguments(args.length, 1, prefix);
  format = webidl.converters.DOMString(format, prefix, 'Argument 1');
  if (format !== 'deflate' && format !== 'deflate-raw' && format !== 'gzip') {
    throw new NativeTypeError(`${prefix}: Unsupported compression format: '${format}'`);
  }
  const state = new CodecState(op_compression_open(format, decompress), interfaceName,
                               decompress);
  if (abandonedStreams === null) abandonedStreams = new NativeFinalizationRegistry(closeResource);
  ReflectApply(FinalizationRegistryPrototypeRegister, abandonedStreams, [state, state.rid, state]);
  state.transform = createTransformStream(
      (chunk, controller) => transformAlgorithm(state, chunk, controller),
      (controller) => flushAlgorithm(state, controller),
      1, 0,
      () => release(state));
  return state;
}

let compressionState;

export class CompressionStream {
  #state;

  constructor(format) {
    this.#state = createCodec(arguments, format, false);
  }

  get readable() {
    const state = compressionState(this);
    if (state === undefined) throw illegalInvocation();
    return state.transform.readable.pub;
  }

  get writable() {
    const state = compressionState(this);
    if (state === undefined) throw illegalInvocation();
    return state.transform.writable.pub;
  }

  [inspectCustom](depth, options, inspect) {
    const state = compressionState(this);
    if (state === undefined) return this;
    return inspectAs('CompressionStream', {
      readable: state.transform.readable.pub,
      writable: state.transform.writable.pub,
    }, depth, options, inspect);
  }

  static {
    compressionState = (value) => (value !== null && typeof value === 'object' &&
                                   #state in value ? value.#state : undefined);
  }
}
webidl.configureInterface(CompressionStream);

let decompressionState;

export class DecompressionStream {
  #state;

  constructor(format) {
    this.#state = createCodec(arguments, format, true);
  }

  get readable() {
    const state = decompressionState(this);
    if (state === undefined) throw illegalInvocation();
    return state.transform.readable.pub;
  }

  get writable() {
    const state = decompressionState(this);
    if (state === undefined) throw illegalInvocation();
    return state.transform.writable.pub;
  }

  [inspectCustom](depth, options, inspect) {
    const state = decompressionState(this);
    if (state === undefined) return this;
    return inspectAs('DecompressionStream', {
      readable: state.transform.readable.pub,
      writable: state.transform.writable.pub,
    }, depth, options, inspect);
  }

  static {
    decompressionState = (value) => (value !== null && typeof value === 'object' &&
                                     #state in value ? value.#state : undefined);
  }
}
webidl.configureInterface(DecompressionStream);

