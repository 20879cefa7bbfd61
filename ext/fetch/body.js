// Bodies of requests and responses (ext:fetch/body.js).
// https://fetch.spec.whatwg.org/#bodies and https://fetch.spec.whatwg.org/#body-mixin
//
// An InnerBody is the standard's body: a stream, a source and a length. kiln makes the
// stream only when something needs it:
// - a body from bytes (a string, a BufferSource, URLSearchParams) keeps the bytes as its
//   source; a request sends them as they are, and a consumer (text(), ...) takes them
//   without a stream;
// - a network response's body is the request's resource (`rid`, fetch_state.h); reading
//   it whole (text(), arrayBuffer(), ...) asks the resource for all its bytes at once
//   (op_fetch_body_all; op_fetch_body_text decodes them for text() and json()), and `.body` turns it into a byte stream over the resource
//   (readableStreamForRid). A body nobody reads closes its resource when its owner is
//   garbage-collected.
import { op_close, op_fetch_body_all, op_fetch_body_text } from 'ext:core/ops';
import { TextDecoder, TextEncoder } from 'ext:encoding/text_coding.js';
import { blobBytes, createBlobFromBytes, isBlob } from 'ext:file/blob.js';
import { isFormData } from 'ext:file/form_data.js';
import {
  parseMultipartFormData, parseUrlencodedFormData, serializeFormData,
} from 'ext:file/multipart.js';
import { setPromiseIsHandled } from 'ext:streams/common.js';
import { readableStreamForRid } from 'ext:streams/resource_streams.js';
import {
  createTransformStream, transformStreamDefaultControllerEnqueue,
} from 'ext:streams/transform_stream.js';
import {
  acquireReadableStreamDefaultReader, createReadableByteStream, isReadableStreamDisturbed,
  isReadableStreamLocked, readableByteStreamControllerClose,
  readableByteStreamControllerEnqueue, readableByteStreamControllerError,
  readableStreamCancel, readableStreamDefaultReaderRead, readableStreamPipeTo,
  readableStreamStateOf, readableStreamTee,
} from 'ext:streams/readable_stream.js';
import { URLSearchParams } from 'ext:url/url.js';
import * as webidl from 'ext:webidl/webidl.js';
import { parseMimeType, serializeMimeType } from './data_url.js';

const ArrayBufferIsView = ArrayBuffer.isView;
const NativeUint8Array = Uint8Array;
const NativeTypeError = TypeError;
const NativePromise = Promise;
const PromisePrototypeThen = Promise.prototype.then;
const ReflectApply = Reflect.apply;
const TypedArrayPrototypeSlice = Uint8Array.prototype.slice;
const JSONParse = JSON.parse;
const ArrayBufferPrototypeGetByteLength =
    Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;
const TypedArrayPrototypeGetBuffer =
    Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'buffer').get;

function then(promise, onFulfilled, onRejected) {
  return ReflectApply(PromisePrototypeThen, promise, [onFulfilled, onRejected]);
}

let encoder = null;
let decoder = null;
export function utf8Encode(string) {
  if (encoder === null) encoder = new TextEncoder();
  return encoder.encode(string);
}
function utf8Decode(bytes) {
  if (decoder === null) decoder = new TextDecoder();
  return decoder.decode(bytes);
}

function closeResource(rid) {
  try {
    op_close(rid);
  } catch {
    // already closed
  }
}

// Closes the resources of unread bodies whose owner was collected. Made on first use (a
// registry must not be made while the snapshot is).
let abandonedBodies = null;

export class InnerBody {
  constructor(stream, source, rid, length) {
    this.stream = stream;   // the internal stream state, or null until needed
    this.source = source;   // Uint8Array of a body made from bytes, or null
    this.rid = rid;         // the response's resource while no stream reads it, or 0
    this.length = length;
    this.used = false;      // consumed without a stream
    this.consumingRid = 0;  // the resource op_fetch_body_all is reading
    this.streamRid = 0;     // the resource the stream reads
    this.abortReason = undefined;
    this.token = null;
  }

  // Closes the resource once `owner` (the Response) is garbage-collected unread.
  watch(owner) {
    if (abandonedBodies === null) abandonedBodies = new FinalizationRegistry(closeResource);
    this.token = {};
    abandonedBodies.register(owner, this.rid, this.token);
  }

  // Hands the resource over (to a stream, or to a consumer that closes it).
  takeRid() {
    const rid = this.rid;
    this.rid = 0;
    if (this.token !== null) {
      abandonedBodies.unregister(this.token);
      this.token = null;
    }
    return rid;
  }

  // The body's stream (internal state), made now if needed.
  streamState() {
    if (this.stream !== null) return this.stream;
    if (this.rid !== 0) {
      const rid = this.takeRid();
      this.streamRid = rid;
      // Default reads from 64 KiB (the first chunk of a slow response) up to 256 KiB (a
      // fast download: fewer reads, a quarter of the JavaScript work per byte).
      this.stream = readableStreamStateOf(
          readableStreamForRid(rid, { maxChunkSize: 256 * 1024, takeFullChunks: true }));
      if (this.abortReason !== undefined) {
        readableByteStreamControllerError(this.stream.controller, this.abortReason);
      }
    } else {
      const bytes = this.used ? new NativeUint8Array(0) : this.source;
      this.stream = createReadableByteStream((controller) => {
        if (bytes.length > 0) {
          readableByteStreamControllerEnqueue(controller, ReflectApply(TypedArrayPrototypeSlice, bytes, []));
        }
        readableByteStreamControllerClose(controller);
      }, () => resolvedUndefined(), () => resolvedUndefined(), 0, undefined);
      if (this.used) {
        this.stream.disturbed = true;
      }
    }
    return this.stream;
  }

  isUnusable() {
    if (this.used) return true;
    if (this.stream === null) return false;
    return isReadableStreamDisturbed(this.stream) || isReadableStreamLocked(this.stream);
  }

  // Aborts a network body: its stream errors with `reason` and the transfer stops.
  abort(reason) {
    this.abortReason = reason;
    if (this.stream === null && this.rid !== 0) {
      // Nothing reads the body yet: it becomes a stream errored with `reason`, so that
      // reading it later (text(), .body, ...) rejects with the abort reason.
      closeResource(this.takeRid());
      this.stream = createReadableByteStream(
          () => {}, () => resolvedUndefined(), () => resolvedUndefined(), 0, undefined);
      readableByteStreamControllerError(this.stream.controller, reason);
      return;
    }
    if (this.stream !== null) {
      if (this.stream.state === 'readable') {
        readableByteStreamControllerError(this.stream.controller, reason);
      }
    }
    if (this.rid !== 0) closeResource(this.takeRid());
    if (this.consumingRid !== 0) closeResource(this.consumingRid);
    // The stream closes its resource when it ends; an abort stops the transfer now.
    if (this.streamRid !== 0) closeResource(this.streamRid);
  }
}

function resolvedUndefined() {
  return NativePromise.resolve(undefined);
}

// ---- extracting: BodyInit -> { body, type } ----

function copyOfBufferSource(value) {
  if (ArrayBufferIsView(value)) {
    return new NativeUint8Array(
        ReflectApply(TypedArrayPrototypeSlice,
                     new NativeUint8Array(value.buffer, value.byteOffset, value.byteLength), []));
  }
  return new NativeUint8Array(ReflectApply(TypedArrayPrototypeSlice, new NativeUint8Array(value), []));
}

function isArrayBuffer(value) {
  try {
    ReflectApply(ArrayBufferPrototypeGetByteLength, value, []);
    return true;
  } catch {
    return false;
  }
}

// https://fetch.spec.whatwg.org/#concept-bodyinit-extract. `object` is not null.
export function extractBody(object, prefix) {
  let source = null;
  let type = null;
  if (typeof object === 'string') {
    source = utf8Encode(object);
    type = 'text/plain;charset=UTF-8';
  } else if (typeof object === 'object' || typeof object === 'function') {
    if (ArrayBufferIsView(object) || isArrayBuffer(object)) {
      source = copyOfBufferSource(webidl.converters.BufferSource(object, prefix, 'body'));
    } else if (isBlob(object)) {
      source = blobBytes(object);
      if (object.type !== '') type = object.type;
    } else if (isFormData(object)) {
      const { body, contentType } = serializeFormData(object);
      source = blobBytes(body);
      type = contentType;
    } else if (webidl.implementsInterface(object, URLSearchParams.prototype)) {
      source = utf8Encode(`${object}`);
      type = 'application/x-www-form-urlencoded;charset=UTF-8';
    } else {
      const stream = readableStreamStateOf(object);
      if (stream !== undefined) {
        if (isReadableStreamDisturbed(stream) || isReadableStreamLocked(stream)) {
          throw new NativeTypeError(`${prefix}: The provided ReadableStream is disturbed or locked`);
        }
        return { body: new InnerBody(stream, null, 0, null), type: null };
      }
    }
  }
  if (source === null) {
    source = utf8Encode(webidl.converters.USVString(object, prefix, 'body'));
    type = 'text/plain;charset=UTF-8';
  }
  return { body: bodyFromBytes(source), type };
}

export function bodyFromBytes(bytes) {
  return new InnerBody(null, bytes, 0, bytes.length);
}

// ---- consuming ----

class ReadAllRequest {
  constructor(reader, resolve, reject) {
    this.reader = reader;
    this.resolve = resolve;
    this.reject = reject;
    this.chunks = [];
    this.length = 0;
  }
  chunkSteps(chunk) {
    if (!(chunk instanceof NativeUint8Array)) {
      this.reject(new NativeTypeError('The body stream produced a chunk that is not a Uint8Array'));
      return;
    }
    this.chunks[this.chunks.length] = chunk;
    this.length += chunk.length;
    readableStreamDefaultReaderRead(this.reader, this);
  }
  closeSteps() {
    const chunks = this.chunks;
    if (chunks.length === 1) {
      this.resolve(chunks[0]);
      return;
    }
    const out = new NativeUint8Array(this.length);
    let offset = 0;
    for (let i = 0; i < chunks.length; i++) {
      out.set(chunks[i], offset);
      offset += chunks[i].length;
    }
    this.resolve(out);
  }
  errorSteps(error) {
    this.reject(error);
  }
}

function readAllBytes(stream) {
  return new NativePromise((resolve, reject) => {
    const reader = acquireReadableStreamDefaultReader(stream);
    readableStreamDefaultReaderRead(reader, new ReadAllRequest(reader, resolve, reject));
  });
}

// Reads a fetched body's whole resource with `readAll` (op_fetch_body_all or
// op_fetch_body_text) and closes it. The body must be usable, unread and hold a resource.
function consumeResource(body, readAll) {
  body.used = true;
  const rid = body.takeRid();
  body.consumingRid = rid;
  return then(readAll(rid), (result) => {
    body.consumingRid = 0;
    closeResource(rid);
    return result;
  }, (error) => {
    body.consumingRid = 0;
    closeResource(rid);
    if (body.abortReason !== undefined) throw body.abortReason;
    throw new NativeTypeError('fetch failed', { cause: error });
  });
}

// The body's bytes (a promise of a Uint8Array the caller owns). The body must be usable.
function consumeBytes(body) {
  if (body.stream === null) {
    if (body.rid !== 0) return consumeResource(body, op_fetch_body_all);
    body.used = true;
    return NativePromise.resolve(ReflectApply(TypedArrayPrototypeSlice, body.source, []));
  }
  return readAllBytes(body.stream);
}

// The body as text (UTF-8 decode). A fetched body nothing has read yet is decoded natively.
function consumeText(body) {
  if (body.stream === null && body.rid !== 0) return consumeResource(body, op_fetch_body_text);
  return then(consumeBytes(body), utf8Decode);
}

// Reads the (usable) body chunk by chunk as it arrives: onChunk(Uint8Array) for each, in
// order; a promise of undefined once the body ended, rejected with the stream's error or
// what onChunk threw (the stream is then canceled).
export function forEachBodyChunk(body, onChunk) {
  return new NativePromise((resolve, reject) => {
    const stream = body.streamState();
    const reader = acquireReadableStreamDefaultReader(stream);
    const request = {
      chunkSteps(chunk) {
        try {
          if (!(chunk instanceof NativeUint8Array)) {
            throw new NativeTypeError('The body stream produced a chunk that is not a Uint8Array');
          }
          onChunk(chunk);
        } catch (error) {
          readableStreamCancel(stream, error);
          reject(error);
          return;
        }
        readableStreamDefaultReaderRead(reader, request);
      },
      closeSteps() { resolve(undefined); },
      errorSteps(error) { reject(error); },
    };
    readableStreamDefaultReaderRead(reader, request);
  });
}

// "clone a body": the stream is teed; a bytes body shares its (never mutated) source.
// Fetch's "creating a proxy", for the Request constructor given a Request: the new body
// reads the input's, which is used up from then on. A body with no stream yet (bytes, or
// a resource nothing reads) moves over whole. One whose stream a script may hold is piped
// through an identity transform, as the standard says, which locks and disturbs it: the
// script can no longer read what the new body sends.
export function proxyBody(body) {
  if (body.stream === null) {
    const proxy = new InnerBody(null, body.source, body.rid, body.length);
    body.rid = 0;
    body.used = true;
    return proxy;
  }
  const identity = createTransformStream((chunk, controller) => {
    transformStreamDefaultControllerEnqueue(controller, chunk);
  }, () => undefined);
  setPromiseIsHandled(readableStreamPipeTo(body.stream, identity.writable, false, false, false));
  return new InnerBody(identity.readable, null, 0, body.length);
}

export function cloneBody(body) {
  if (body.stream === null && body.rid === 0) {
    return new InnerBody(null, body.source, 0, body.length);
  }
  const [first, second] = readableStreamTee(body.streamState(), true);
  body.stream = first;
  return new InnerBody(second, null, 0, body.length);
}

// ---- the Body mixin ----

// Adds body, bodyUsed, arrayBuffer(), blob(), bytes(), formData(), json() and text() to
// `prototype` (interface `name`); bodyOf(object) is its InnerBody or null, mimeTypeOf its
// Content-Type.
export function mixinBody(prototype, name, bodyOf, mimeTypeOf) {
  function consume(self, operation, asText = false) {
    const body = bodyOf(self);
    if (body === null) return NativePromise.resolve(asText ? '' : new NativeUint8Array(0));
    if (body.isUnusable()) {
      const locked = !body.used && isReadableStreamLocked(body.stream) &&
                     !isReadableStreamDisturbed(body.stream);
      return NativePromise.reject(new NativeTypeError(
          `Failed to execute '${operation}' on '${name}': ` +
          (locked ? 'body stream is locked' : 'body stream already read')));
    }
    return asText ? consumeText(body) : consumeBytes(body);
  }
  function brandCheck(self) {
    try {
      webidl.assertBranded(self, prototype);
      return null;
    } catch (error) {
      return NativePromise.reject(error);
    }
  }
  const methods = {
    get body() {
      webidl.assertBranded(this, prototype);
      const body = bodyOf(this);
      return body === null ? null : body.streamState().pub;
    },
    get bodyUsed() {
      webidl.assertBranded(this, prototype);
      const body = bodyOf(this);
      if (body === null) return false;
      return body.used || (body.stream !== null && isReadableStreamDisturbed(body.stream));
    },
    arrayBuffer() {
      return brandCheck(this) ?? then(consume(this, 'arrayBuffer'), (bytes) => {
        if (bytes.byteOffset === 0 &&
            bytes.byteLength === ReflectApply(ArrayBufferPrototypeGetByteLength,
                                              ReflectApply(TypedArrayPrototypeGetBuffer, bytes, []), [])) {
          return ReflectApply(TypedArrayPrototypeGetBuffer, bytes, []);
        }
        return ReflectApply(TypedArrayPrototypeGetBuffer,
                            ReflectApply(TypedArrayPrototypeSlice, bytes, []), []);
      });
    },
    blob() {
      return brandCheck(this) ?? then(consume(this, 'blob'), (bytes) => {
        const mimeType = mimeTypeOf(this);
        const record = mimeType === null ? null : parseMimeType(mimeType);
        return createBlobFromBytes(bytes, record === null ? '' : serializeMimeType(record));
      });
    },
    bytes() {
      return brandCheck(this) ?? consume(this, 'bytes');
    },
    formData() {
      return brandCheck(this) ?? then(consume(this, 'formData'), (bytes) => {
        const mimeType = mimeTypeOf(this);
        const record = mimeType === null ? null : parseMimeType(mimeType);
        const essence = record === null ? '' : `${record.type}/${record.subtype}`;
        if (essence === 'multipart/form-data') return parseMultipartFormData(bytes, mimeType);
        if (essence === 'application/x-www-form-urlencoded') return parseUrlencodedFormData(bytes);
        throw new NativeTypeError(`Failed to execute 'formData' on '${name}': the body's ` +
                                  'Content-Type is neither multipart/form-data nor ' +
                                  'application/x-www-form-urlencoded');
      });
    },
    json() {
      return brandCheck(this) ?? then(consume(this, 'json', true), JSONParse);
    },
    text() {
      return brandCheck(this) ?? consume(this, 'text', true);
    },
  };
  for (const key of ['body', 'bodyUsed']) {
    const descriptor = Object.getOwnPropertyDescriptor(methods, key);
    Object.defineProperty(prototype, key, { get: descriptor.get, enumerable: true, configurable: true });
  }
  for (const key of ['arrayBuffer', 'blob', 'bytes', 'formData', 'json', 'text']) {
    Object.defineProperty(prototype, key, {
      value: methods[key], writable: true, enumerable: true, configurable: true,
    });
  }
}
