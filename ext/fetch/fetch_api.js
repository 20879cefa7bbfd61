// ext:fetch/fetch_api.js: the fetch() method, https://fetch.spec.whatwg.org/#fetch-method
// (a lazy global: see the entry module, fetch.js).
//
// fetch() answers data: and blob: URLs here and sends http(s) requests through the runtime's curl
// multi handle (op_fetch_start / op_fetch_response, fetch_state.h); redirects are
// followed here, as the standard says, not by curl. README.md describes the flow.
import {
  op_close, op_fetch_response, op_fetch_start, op_stream_shutdown, op_stream_write,
} from 'ext:core/ops';
import { addSignalAlgorithm, removeSignalAlgorithm } from 'ext:web/abort.js';
import { URL } from 'ext:url/url.js';
import {
  acquireReadableStreamDefaultReader, readableStreamCancel, readableStreamDefaultReaderRead,
} from 'ext:streams/readable_stream.js';
import { blobBytes, blobSize, blobType } from 'ext:file/blob.js';
import * as webidl from 'ext:webidl/webidl.js';
import { bodyFromBytes, InnerBody } from './body.js';
import { processDataUrl } from './data_url.js';
import { deleteFromHeaderList, getHeader, Headers } from './headers.js';
import { innerRequestForUrl, innerRequestOf, requestForFetch, signalOf } from './request.js';
import {
  InnerResponse, isNullBodyStatus, isRedirectStatus, Response, responseFromInner,
} from './response.js';

const NativeTypeError = TypeError;
const NativeError = Error;
const NativePromise = Promise;
const NativeUint8Array = Uint8Array;
const ObjectDefineProperty = Object.defineProperty;
const ReflectApply = Reflect.apply;
const StringPrototypeToLowerCase = String.prototype.toLowerCase;
const TypedArrayPrototypeSlice = Object.getPrototypeOf(Uint8Array.prototype).slice;

const MAX_REDIRECTS = 20;

function closeResource(rid) {
  try {
    op_close(rid);
  } catch {
    // already closed
  }
}

// A network error as fetch() reports it: TypeError('fetch failed') with the cause.
function networkError(cause) {
  return new NativeTypeError('fetch failed', { cause });
}

function causeError(message, code) {
  const error = new NativeError(message);
  error.code = code;
  return error;
}

function lower(string) {
  return ReflectApply(StringPrototypeToLowerCase, string, []);
}

// ---- request bodies from streams ----

const PromisePrototypeThen = Promise.prototype.then;
function ignoreRejection() {}
// Cancels the body stream; an already errored stream's rejection is no one's concern.
function cancelStream(stream, reason) {
  ReflectApply(PromisePrototypeThen, readableStreamCancel(stream, reason),
               [undefined, ignoreRejection]);
}

function readChunk(reader) {
  return new NativePromise((resolve, reject) => {
    readableStreamDefaultReaderRead(reader, {
      chunkSteps: (chunk) => resolve({ value: chunk, done: false }),
      closeSteps: () => resolve({ value: undefined, done: true }),
      errorSteps: reject,
    });
  });
}

// Writes the stream's chunks to the request's resource, then ends the body. A failure of
// the stream (an error, a chunk that is not a Uint8Array) aborts the request. A failed
// write means the exchange is over (the server answered early, the transfer failed or
// was aborted): the stream is canceled and the response, if any, is left alone.
async function uploadStream(rid, stream) {
  const reader = acquireReadableStreamDefaultReader(stream);
  for (;;) {
    let chunk;
    try {
      chunk = await readChunk(reader);
      if (!chunk.done && !(chunk.value instanceof NativeUint8Array)) {
        throw new NativeTypeError('The request body stream produced a chunk that is not a Uint8Array');
      }
    } catch (error) {
      cancelStream(stream, error);
      closeResource(rid);
      return;
    }
    try {
      if (chunk.done) {
        await op_stream_shutdown(rid);
        return;
      }
      await op_stream_write(rid, chunk.value);
    } catch (error) {
      cancelStream(stream, error);
      return;
    }
  }
}

// ---- fetching ----

function sameOrigin(a, b) {
  return a.protocol === b.protocol && a.host === b.host;
}

// The URL as Response.url shows it: no fragment, no credentials.
function responseUrl(url) {
  if (url.username === '' && url.password === '' && url.hash === '') return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  copy.hash = '';
  return copy.href;
}

const REQUEST_BODY_HEADERS = ['content-encoding', 'content-language', 'content-location',
                              'content-type'];
// Header names curl computes for the connection and the body; a caller's would conflict.
const TRANSPORT_HEADERS = { __proto__: null, 'content-length': 1, 'transfer-encoding': 1,
                            connection: 1, 'keep-alive': 1, upgrade: 1 };

// name, value, name, value, ... for op_fetch_start (which adds `Accept: */*` when the
// list has no Accept, as the standard's fetch does).
function flattenHeaders(list) {
  const flat = [];
  for (let i = 0; i < list.length; i++) {
    const key = lower(list[i][0]);
    if (TRANSPORT_HEADERS[key] !== undefined) continue;
    flat[flat.length] = list[i][0];
    flat[flat.length] = list[i][1];
  }
  return flat;
}

function dataResponse(url, request) {
  const result = processDataUrl(url.href);
  if (result === null) throw networkError(causeError('invalid data: URL', 'ERR_INVALID_URL'));
  const inner = new InnerResponse('basic', 200, 'OK', [['content-type', result.mimeType]],
                                  request.method === 'HEAD' ? null : bodyFromBytes(result.body));
  inner.urlList = [responseUrl(url)];
  return inner;
}

// Fetch's "parse a single range header value" (no whitespace allowed): [start, end] with
// either (not both) null, or null for a value that is not one satisfiable byte range.
function parseSingleRange(value) {
  const match = /^([^=]*)=([0-9]*)-([0-9]*)$/.exec(value);
  if (match === null || lower(match[1]) !== 'bytes') return null;
  const start = match[2] === '' ? null : +match[2];
  const end = match[3] === '' ? null : +match[3];
  if (start === null && end === null) return null;
  if (start !== null && end !== null && start > end) return null;
  return [start, end];
}

// The blob: URL scheme fetch: the Blob the URL named when its request was made (GET only),
// whole or the one byte range a Range header asks for.
function blobResponse(url, state) {
  const blob = state.blobUrlEntry;
  if (state.method !== 'GET' || blob === null) {
    throw networkError(causeError(blob === null ? 'no Blob for this blob: URL (revoked or never created)'
                                                : `${state.method} of a blob: URL`,
                                  'ERR_INVALID_URL'));
  }
  const type = blobType(blob);
  const fullLength = blobSize(blob);
  const bytes = blobBytes(blob);
  const rangeHeader = getHeader(state.headerList, 'range');
  let inner;
  if (rangeHeader === null) {
    inner = new InnerResponse('basic', 200, 'OK',
                              [['Content-Length', `${fullLength}`], ['Content-Type', type]],
                              bodyFromBytes(bytes));
  } else {
    const range = parseSingleRange(rangeHeader);
    if (range === null) throw networkError(causeError('invalid Range header', 'ERR_INVALID_RANGE'));
    let [start, end] = range;
    if (start === null) {
      start = end >= fullLength ? 0 : fullLength - end;
      end = fullLength - 1;
    } else {
      if (start >= fullLength) {
        throw networkError(causeError('Range starts past the Blob\'s end', 'ERR_INVALID_RANGE'));
      }
      if (end === null || end >= fullLength) end = fullLength - 1;
    }
    const part = ReflectApply(TypedArrayPrototypeSlice, bytes, [start, end + 1]);
    inner = new InnerResponse('basic', 206, 'Partial Content', [
      ['Content-Length', `${part.length}`], ['Content-Type', type],
      ['Content-Range', `bytes ${start}-${end}/${fullLength}`],
    ], bodyFromBytes(part));
  }
  inner.urlList = [responseUrl(url)];
  return inner;
}

// One HTTP(S) exchange: starts it (state.rid is its resource) and returns the promise of
// its response head (op_fetch_response).
function sendRequest(state, url) {
  const body = state.body;
  let bytes = null;
  let stream = null;
  if (body !== null) {
    if (body.source !== null) {
      bytes = body.source;
    } else {
      stream = body.streamState();
    }
  }
  const rid = op_fetch_start(state.method, url.hash === '' ? url.href : urlWithoutHash(url),
                             flattenHeaders(state.headerList), bytes, stream !== null);
  state.rid = rid;
  if (stream !== null) uploadStream(rid, stream);
  return op_fetch_response(rid);
}

async function mainFetch(request, signal) {
  const state = {
    method: request.method,
    headerList: request.headerList,
    body: request.body,
    blobUrlEntry: request.blobUrlEntry,
    rid: 0,
  };
  let url = request.parsedUrl ?? new URL(request.url);
  const urlList = [];
  let redirects = 0;
  const onAbort = () => {
    if (state.rid !== 0) closeResource(state.rid);
  };
  if (signal !== null) addSignalAlgorithm(signal, onAbort);
  try {
    for (;;) {
      urlList[urlList.length] = responseUrl(url);
      const scheme = url.protocol;
      if (scheme === 'data:') {
        const inner = dataResponse(url, state);
        inner.urlList = urlList;
        return inner;
      }
      if (scheme === 'blob:') {
        const inner = blobResponse(url, state);
        inner.urlList = urlList;
        return inner;
      }
      if (scheme !== 'http:' && scheme !== 'https:') {
        throw networkError(causeError(`fetching ${scheme} URLs is not supported`,
                                      'ERR_UNSUPPORTED_SCHEME'));
      }
      let head;
      let rid;
      try {
        const sent = sendRequest(state, url);
        rid = state.rid;
        head = await sent;
      } catch (error) {
        if (rid !== undefined) closeResource(rid);
        if (signal !== null && signal.aborted) throw signal.reason;
        if (error instanceof NativeTypeError) throw error;
        throw networkError(error);
      } finally {
        state.rid = 0;  // an abort from now on errors the body instead
      }
      if (signal !== null && signal.aborted) {
        closeResource(rid);
        throw signal.reason;
      }
      const inner = InnerResponse.fromNetwork(head);
      const status = inner.status;
      const hasBody = !isNullBodyStatus(status) && state.method !== 'HEAD';
      if (hasBody) inner.body = new InnerBody(null, null, rid, null);
      const location = isRedirectStatus(status) ? getHeader(inner.headerList, 'location') : null;
      if (location !== null && request.redirect !== 'manual') {
        closeResource(rid);
        if (request.redirect === 'error') {
          throw networkError(causeError(`unexpected redirect to ${location}`, 'ERR_REDIRECT'));
        }
        if (++redirects > MAX_REDIRECTS) {
          throw networkError(causeError('too many redirects', 'ERR_TOO_MANY_REDIRECTS'));
        }
        let next;
        try {
          next = new URL(location, url.href);
        } catch {
          throw networkError(causeError(`invalid redirect location ${location}`, 'ERR_INVALID_URL'));
        }
        if (next.protocol !== 'http:' && next.protocol !== 'https:') {
          throw networkError(causeError(`redirect to a ${next.protocol} URL`, 'ERR_UNSUPPORTED_SCHEME'));
        }
        if (status !== 303 && state.body !== null && state.body.source === null) {
          throw networkError(causeError('cannot follow a redirect with a streamed body',
                                        'ERR_REDIRECT'));
        }
        if (((status === 301 || status === 302) && state.method === 'POST') ||
            (status === 303 && state.method !== 'GET' && state.method !== 'HEAD')) {
          state.method = 'GET';
          state.body = null;
          state.headerList = [...state.headerList];
          for (const name of REQUEST_BODY_HEADERS) deleteFromHeaderList(state.headerList, name);
        }
        if (!sameOrigin(url, next)) {
          state.headerList = [...state.headerList];
          deleteFromHeaderList(state.headerList, 'authorization');
          deleteFromHeaderList(state.headerList, 'cookie');
          deleteFromHeaderList(state.headerList, 'proxy-authorization');
        }
        if (next.hash === '' && url.hash !== '') next.hash = url.hash;
        url = next;
        continue;
      }
      if (!hasBody) closeResource(rid);
      inner.urlList = urlList;
      if (hasBody && signal !== null) {
        // Abort while the body is read errors it with the reason.
        const body = inner.body;
        removeSignalAlgorithm(signal, onAbort);
        addSignalAlgorithm(signal, () => body.abort(signal.reason));
      }
      return inner;
    }
  } finally {
    if (signal !== null) removeSignalAlgorithm(signal, onAbort);
  }
}

const kFetchPrefix = "Failed to execute 'fetch' on 'Window'";

function fetch(input, init = undefined) {
  if (typeof input === 'string' && init === undefined) {
    // fetch(url): the request is a plain GET; no Request object is needed.
    let inner;
    try {
      inner = innerRequestForUrl(input, kFetchPrefix);
    } catch (error) {
      return NativePromise.reject(error);
    }
    return fetchInner(inner, null);
  }
  let request;
  try {
    webidl.requiredArguments(arguments.length, 1, kFetchPrefix);
    request = requestForFetch(input, init, kFetchPrefix);
  } catch (error) {
    return NativePromise.reject(error);
  }
  const signal = signalOf(request);
  if (signal !== null && signal.aborted) return NativePromise.reject(signal.reason);
  const inner = innerRequestOf(request);
  if (inner.body !== null && inner.body.isUnusable()) {
    return NativePromise.reject(new NativeTypeError(
        `${kFetchPrefix}: Cannot fetch a Request with a used body.`));
  }
  return fetchInner(inner, signal);
}

function fetchInner(request, signal) {
  return ReflectApply(PromisePrototypeThen, mainFetch(request, signal), [(response) => {
    const result = responseFromInner(response, 'immutable');
    if (response.body !== null && response.body.rid !== 0) response.body.watch(result);
    return result;
  }]);
}

export { fetch };
