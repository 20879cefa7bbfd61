// Streams over native resources (ext:streams/resource_streams.js): how an extension exposes
// a kiln resource implementing kiln::streams::ByteStreamResource (byte_stream_resource.h)
// as a ReadableStream or a WritableStream. See README.md, "Resource streams".
import {
  op_close, op_stream_new_unfilled_buffer, op_stream_read, op_stream_shutdown,
  op_stream_take_full_chunk, op_stream_write,
} from 'ext:core/ops';
import * as webidl from 'ext:webidl/webidl.js';
import { promiseRejectedWith, promiseResolvedWith, uponPromise } from './common.js';
import {
  createReadableByteStream, readableByteStreamControllerClose,
  readableByteStreamControllerEnqueue, readableByteStreamControllerError,
  readableByteStreamControllerGetBYOBRequest, readableByteStreamControllerRespond,
} from './readable_stream.js';
import { createWritableStream } from './writable_stream.js';

const NativeUint8Array = Uint8Array;
const MathMin = Math.min;
const MathMax = Math.max;
const TypedArrayPrototypeSubarray = Uint8Array.prototype.subarray;
const TypedArrayPrototypeFill = Uint8Array.prototype.fill;
const ReflectApply = Reflect.apply;

export const DEFAULT_CHUNK_SIZE = 64 * 1024;

function closeResource(rid) {
  try {
    op_close(rid);
  } catch {
    // Already closed (by its owner, or by an earlier cancel): nothing to release.
  }
}

// Closes the resource of a stream that was garbage-collected while it was still open
// (never read to the end, canceled or closed). Made on first use: a registry must not be
// created while the startup snapshot is made.
let abandonedStreams = null;
function watchForAbandonment(stream, rid, token) {
  if (abandonedStreams === null) abandonedStreams = new FinalizationRegistry(closeResource);
  abandonedStreams.register(stream, rid, token);
}
function stopWatching(token) {
  if (abandonedStreams !== null) abandonedStreams.unregister(token);
}

// A byte ReadableStream reading the resource `rid`. Each pull reads straight into the
// pending BYOB request's view (the reader's own buffer, or a chunk of `chunkSize` bytes
// allocated for a default reader), so the bytes the resource writes are the bytes the
// reader gets. Read 0 = end of stream: the stream closes, and so does the resource when
// `autoClose` (default true). cancel() closes the resource (a pending read fails inside
// the resource, and that failure is ignored). A failed read errors the stream and closes
// the resource; so does a stream collected while open (with `autoClose`).
//
// A default reader's chunk size follows the resource's pace, from `chunkSize` up to
// `maxChunkSize` (default: chunkSize, a fixed size): a read that fills its buffer doubles
// the next one, a read that fills less than a quarter of it halves the next. A fast
// transfer moves in fewer, larger chunks; a trickle (server-sent events) keeps small
// buffers, which matters since each chunk is a view on its whole buffer.
//
// `takeFullChunks`: the resource gathers bytes ahead of the reads and hands full chunks
// over (ByteStreamResource::TakeFullChunk): a default read whose chunk it already holds
// takes that memory as it is, with no read and no copy.
//
// `length`, when the resource's size is known (a Blob's), is the number of bytes it holds:
// the stream closes with the read that delivers the last of them, as a Blob's stream
// does, rather than on a further read of 0 bytes (a reader that reads exactly the bytes
// sees its `closed` settle, and the resource closes without waiting for collection).
export function readableStreamForRid(rid, {
  autoClose = true, chunkSize = DEFAULT_CHUNK_SIZE, maxChunkSize = chunkSize, length = -1,
  takeFullChunks = false,
} = {}) {
  let closed = false;
  let remaining = length;  // bytes still to read when `length` is known, else negative
  let controller;
  // The view being read into, and whether it came from a BYOB request (respond) or was
  // allocated here (enqueue); one read at a time. pendingAutoSize: the size of the buffer
  // the stream allocated for a default reader's read (0 for a reader's own buffer).
  // pendingUnfilled: that buffer's memory is not initialised (op_stream_new_unfilled_buffer:
  // the read overwrites it, so zero-filling it first would be wasted), so whatever the read
  // leaves unfilled is zeroed before the chunk, a view on the whole buffer, reaches anyone.
  let pendingView = null;
  let pendingFromRequest = false;
  let pendingAutoSize = 0;
  let pendingUnfilled = false;
  // A chunk the resource had already filled (op_stream_take_full_chunk), given as the
  // buffer of the first pending default read: the next pull delivers it without a read.
  let filledChunk = null;
  const token = {};

  function adaptChunkSize(bytesRead, capacity) {
    let size = controller.autoAllocateChunkSize;
    if (bytesRead === capacity && size < maxChunkSize) {
      size = MathMin(size * 2, maxChunkSize);
    } else if (bytesRead < capacity / 4 && size > chunkSize) {
      size = MathMax(size / 2, chunkSize);
    }
    controller.autoAllocateChunkSize = size;
  }

  function release() {
    if (closed) return;
    closed = true;
    stopWatching(token);
    closeResource(rid);
  }

  // The end of the resource's bytes: the stream closes (a BYOB read still waiting for
  // more than its `min` gets what it has).
  function closeAtEnd() {
    if (autoClose) {
      release();
    } else {
      closed = true;
    }
    readableByteStreamControllerClose(controller);
    if (controller.pendingPullIntos.length > 0) {
      readableByteStreamControllerRespond(controller, 0);
    }
  }

  function onRead(bytesRead) {
    const view = pendingView;
    pendingView = null;
    if (pendingUnfilled && bytesRead < view.byteLength) {
      ReflectApply(TypedArrayPrototypeFill, view, [0, bytesRead]);
    }
    if (controller.stream.state !== 'readable') return;  // canceled meanwhile
    try {
      if (bytesRead === 0) {
        closeAtEnd();
        return;
      }
      if (pendingFromRequest) {
        if (pendingAutoSize !== 0) adaptChunkSize(bytesRead, pendingAutoSize);
        readableByteStreamControllerRespond(controller, bytesRead);
      } else {
        readableByteStreamControllerEnqueue(
            controller, ReflectApplySubarray(view, 0, bytesRead));
      }
      if (remaining > 0) {
        remaining -= bytesRead;
        if (remaining <= 0) closeAtEnd();
      }
    } catch (error) {
      // The stream errors (the pull's promise rejects): release the resource with it.
      release();
      throw error;
    }
  }

  function onReadFailed(error) {
    if (pendingUnfilled && pendingView !== null) {
      ReflectApply(TypedArrayPrototypeFill, pendingView, [0]);
    }
    pendingView = null;
    if (closed) return;  // canceled: the resource failed the read on close
    release();
    readableByteStreamControllerError(controller, error);
    throw error;
  }

  // The buffer of a default read: a chunk the resource already holds in full when this is
  // the read the next pull fills, else unfilled memory for op_stream_read.
  function allocateChunkBuffer(size, first) {
    if (first && takeFullChunks && !closed) {
      const chunk = op_stream_take_full_chunk(rid, size);
      if (chunk !== undefined) {
        filledChunk = chunk;
        return chunk;
      }
    }
    return op_stream_new_unfilled_buffer(size);
  }

  function pullAlgorithm(c) {
    const request = readableByteStreamControllerGetBYOBRequest(c);
    if (filledChunk !== null) {
      const chunk = filledChunk;
      filledChunk = null;
      // The first pending read's buffer: a canceled or errored stream, whose pending reads
      // are dropped, pulls no more.
      if (request !== null && c.pendingPullIntos[0].buffer === chunk) {
        pendingView = request.view;
        pendingFromRequest = true;
        pendingAutoSize = maxChunkSize > chunkSize ? c.pendingPullIntos[0].byteLength : 0;
        pendingUnfilled = false;
        try {
          onRead(pendingView.byteLength);
        } catch (error) {
          return promiseRejectedWith(error);
        }
        return promiseResolvedWith(undefined);
      }
      const error = new TypeError(`stream of resource ${rid}: a chunk it handed over was not read`);
      release();
      readableByteStreamControllerError(controller, error);
      return promiseRejectedWith(error);
    }
    if (request !== null) {
      pendingView = request.view;
      pendingFromRequest = true;
      const autoAllocated = c.pendingPullIntos[0].readerType === 'default';
      pendingAutoSize = maxChunkSize > chunkSize && autoAllocated
          ? c.pendingPullIntos[0].byteLength : 0;
      pendingUnfilled = autoAllocated;
    } else {
      pendingView = new NativeUint8Array(chunkSize);
      pendingFromRequest = false;
      pendingAutoSize = 0;
      pendingUnfilled = false;
    }
    return uponPromise(op_stream_read(rid, pendingView), onRead, onReadFailed);
  }

  function cancelAlgorithm() {
    release();
    return promiseResolvedWith(undefined);
  }

  const stream = createReadableByteStream(() => undefined, pullAlgorithm, cancelAlgorithm, 0,
                                          chunkSize, allocateChunkBuffer);
  controller = stream.controller;
  if (length === 0) {
    closeAtEnd();
  } else if (autoClose) {
    watchForAbandonment(stream.pub, rid, token);
  }
  return stream.pub;
}

function ReflectApplySubarray(view, begin, end) {
  return Reflect.apply(TypedArrayPrototypeSubarray, view, [begin, end]);
}

// A WritableStream writing to the resource `rid`: write(chunk) takes a BufferSource and
// resolves once the resource took all of it; close() shuts the write direction down, then
// closes the resource; abort() closes it at once. `highWaterMark` counts chunks (1).
export function writableStreamForRid(rid, { highWaterMark = 1 } = {}) {
  let closed = false;
  const token = {};
  function release() {
    if (closed) return;
    closed = true;
    stopWatching(token);
    closeResource(rid);
  }
  function onWriteFailed(error) {
    release();
    throw error;
  }
  const stream = createWritableStream(
      () => undefined,
      (controller, chunk) => {
        // A failed write errors the stream, which then never closes or aborts: the
        // resource is closed here.
        try {
          chunk = webidl.converters.BufferSource(
              chunk, "Failed to execute 'write' on 'WritableStreamDefaultWriter'", 'Argument 1');
        } catch (error) {
          release();
          return promiseRejectedWith(error);
        }
        return uponPromise(op_stream_write(rid, chunk), undefined, onWriteFailed);
      },
      () => uponPromise(op_stream_shutdown(rid), release, (error) => {
        release();
        throw error;
      }),
      () => {
        release();
        return promiseResolvedWith(undefined);
      },
      highWaterMark);
  watchForAbandonment(stream.pub, rid, token);
  return stream.pub;
}

