// Request (ext:fetch/request.js). https://fetch.spec.whatwg.org/#request-class
//
// A Request object holds an InnerRequest (the standard's request: method, URL, header
// list, body, modes) and its Headers object (guard "request") and AbortSignal.
import { createDependentAbortSignal } from 'ext:web/abort.js';
import { AbortSignal } from 'ext:web/abort.js';
import { URL } from 'ext:url/url.js';
import { resolveBlobUrl } from 'ext:file/blob_url.js';
import * as webidl from 'ext:webidl/webidl.js';
import {
  newPlatformObject, platformObjectAllocator, rootInterface,
} from 'ext:webidl/platform_object.js';
import { cloneBody, extractBody, InnerBody, mixinBody, proxyBody } from './body.js';
import {
  appendToHeaderList, cloneHeaderList, fillHeadersFrom, getHeader, guardOf, headerListOf,
  headersFromList, Headers, replaceHeaderList,
} from './headers.js';

const NativeTypeError = TypeError;
const ReflectApply = Reflect.apply;
const StringPrototypeToUpperCase = String.prototype.toUpperCase;
const RegExpPrototypeTest = RegExp.prototype.test;
const inspectCustom = Symbol.for('nodejs.util.inspect.custom');

const _request = Symbol('[[request]]');
const _headers = Symbol('[[headers]]');
const _signal = Symbol('[[signal]]');
// The signal the request follows; its own (dependent) signal is made when asked for.
const _followedSignal = Symbol('[[followed signal]]');

export class InnerRequest {
  constructor(method, url, headerList, body) {
    this.method = method;
    this.url = url;              // serialized URL (with its fragment)
    this.headerList = headerList;
    this.body = body;            // InnerBody or null
    this.mode = 'cors';
    this.credentials = 'same-origin';
    this.cache = 'default';
    this.redirect = 'follow';
    this.referrer = 'client';
    this.referrerPolicy = '';
    this.integrity = '';
    this.keepalive = false;
    this.duplex = 'half';
    this.priority = 'auto';
    this.destination = '';
    this.parsedUrl = null;       // the URL object `url` came from, when there is one
    // The Blob a blob: URL named when it was parsed ("resolve a blob URL"), or null.
    this.blobUrlEntry = null;
  }
}

function cloneInnerRequest(request) {
  const copy = new InnerRequest(request.method, request.url, cloneHeaderList(request.headerList),
                                request.body === null ? null : cloneBody(request.body));
  for (const key of ['mode', 'credentials', 'cache', 'redirect', 'referrer', 'referrerPolicy',
                     'integrity', 'keepalive', 'duplex', 'priority', 'destination', 'blobUrlEntry']) {
    copy[key] = request[key];
  }
  return copy;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const NORMALIZED_METHODS = { __proto__: null, DELETE: 1, GET: 1, HEAD: 1, OPTIONS: 1, POST: 1, PUT: 1 };
const FORBIDDEN_METHODS = { __proto__: null, CONNECT: 1, TRACE: 1, TRACK: 1 };

function normalizeMethod(method, prefix) {
  if (!ReflectApply(RegExpPrototypeTest, TOKEN, [method])) {
    throw new NativeTypeError(`${prefix}: '${method}' is not a valid HTTP method.`);
  }
  const upper = ReflectApply(StringPrototypeToUpperCase, method, []);
  if (FORBIDDEN_METHODS[upper] !== undefined) {
    throw new NativeTypeError(`${prefix}: '${method}' HTTP method is unsupported.`);
  }
  return NORMALIZED_METHODS[upper] !== undefined ? upper : method;
}

const convertMode = webidl.createEnumConverter('RequestMode',
                                               ['navigate', 'same-origin', 'no-cors', 'cors']);
const convertCredentials = webidl.createEnumConverter('RequestCredentials',
                                                      ['omit', 'same-origin', 'include']);
const convertCache = webidl.createEnumConverter('RequestCache',
    ['default', 'no-store', 'reload', 'no-cache', 'force-cache', 'only-if-cached']);
const convertRedirect = webidl.createEnumConverter('RequestRedirect', ['follow', 'error', 'manual']);
const convertReferrerPolicy = webidl.createEnumConverter('ReferrerPolicy', [
  '', 'no-referrer', 'no-referrer-when-downgrade', 'same-origin', 'origin', 'strict-origin',
  'origin-when-cross-origin', 'strict-origin-when-cross-origin', 'unsafe-url']);
const convertDuplex = webidl.createEnumConverter('RequestDuplex', ['half']);
const convertPriority = webidl.createEnumConverter('RequestPriority', ['high', 'low', 'auto']);
const convertSignal = webidl.createNullableConverter(
    webidl.createInterfaceConverter('AbortSignal', AbortSignal.prototype));

// RequestInit: members read in the dictionary's (sorted) order; `present` lists the ones
// that were not undefined.
function convertRequestInit(init, prefix) {
  if (init === undefined || init === null) return { present: 0 };
  if (typeof init !== 'object' && typeof init !== 'function') {
    throw new NativeTypeError(`${prefix}: The provided value is not of type 'RequestInit'.`);
  }
  const out = { present: 0 };
  const read = (key, convert) => {
    const value = init[key];
    if (value === undefined) return;
    out[key] = convert === null ? value : convert(value, prefix, `'${key}' member of RequestInit`);
    out.present++;
  };
  read('body', null);
  read('cache', convertCache);
  read('credentials', convertCredentials);
  read('duplex', convertDuplex);
  read('headers', null);
  read('integrity', webidl.converters.DOMString);
  read('keepalive', webidl.converters.boolean);
  read('method', webidl.converters.ByteString);
  read('mode', convertMode);
  read('priority', convertPriority);
  read('redirect', convertRedirect);
  read('referrer', webidl.converters.USVString);
  read('referrerPolicy', convertReferrerPolicy);
  read('signal', convertSignal);
  if (init.window !== undefined) {
    if (init.window !== null) {
      throw new NativeTypeError(`${prefix}: 'window' member of RequestInit must be null.`);
    }
    out.present++;
  }
  return out;
}

// A blob: URL's Blob, looked up when the URL is parsed: a Request keeps it even if the URL
// is revoked before the fetch.
function blobUrlEntryOf(url) {
  return url.protocol === 'blob:' ? resolveBlobUrl(url) : null;
}

function parseUrl(input, prefix) {
  try {
    return new URL(input);
  } catch {
    throw new NativeTypeError(`${prefix}: Failed to parse URL from ${input}`);
  }
}

const kConstructPrefix = "Failed to construct 'Request'";
// The prefix of the next Request constructor's error messages: fetch() makes its Request
// through requestForFetch, and errors then name fetch, as browsers' do. Read and reset on
// entry, so a Request made by user code the constructor calls has its own prefix.
let nextConstructPrefix = kConstructPrefix;

export function requestForFetch(input, init, prefix) {
  nextConstructPrefix = prefix;
  try {
    return new Request(input, init);
  } finally {
    nextConstructPrefix = kConstructPrefix;
  }
}

// A root interface (ext:web/interface_object.js): its objects are platform objects,
// which structuredClone refuses.
export class Request extends Object {
  constructor(input, init = undefined) {
    const prefix = nextConstructPrefix;
    nextConstructPrefix = kConstructPrefix;
    webidl.requiredArguments(arguments.length, 1, prefix);
    let request;
    let inputSignal = null;
    let inputRequest = null;
    if (webidl.implementsInterface(input, RequestPrototype)) {
      inputRequest = input;
      request = input[_request];
      inputSignal = signalOf(input);
    } else {
      input = webidl.converters.USVString(input, prefix, 'Argument 1');
      const url = parseUrl(input, prefix);
      request = new InnerRequest('GET', url.href, [], null);
      request.parsedUrl = url;
      request.blobUrlEntry = blobUrlEntryOf(url);
    }
    init = convertRequestInit(init, prefix);
    // A new request with the input's properties (its body is dealt with below).
    const inner = new InnerRequest(request.method, request.url, cloneHeaderList(request.headerList), null);
    for (const key of ['mode', 'credentials', 'cache', 'redirect', 'referrer', 'referrerPolicy',
                       'integrity', 'keepalive', 'duplex', 'priority', 'destination', 'blobUrlEntry']) {
      inner[key] = request[key];
    }
    inner.parsedUrl = request.parsedUrl;
    if (init.present > 0) {
      if (inner.mode === 'navigate') inner.mode = 'same-origin';
      inner.referrer = 'client';
      inner.referrerPolicy = '';
    }
    if (init.referrer !== undefined) {
      if (init.referrer === '') {
        inner.referrer = 'no-referrer';
      } else {
        const referrer = parseUrl(init.referrer, prefix);
        inner.referrer = referrer.href === 'about:client' ? 'client' : referrer.href;
      }
    }
    if (init.referrerPolicy !== undefined) inner.referrerPolicy = init.referrerPolicy;
    if (init.mode !== undefined) {
      if (init.mode === 'navigate') {
        throw new NativeTypeError(`${prefix}: Cannot construct a Request with a RequestInit whose mode member is set as 'navigate'.`);
      }
      inner.mode = init.mode;
    }
    if (init.credentials !== undefined) inner.credentials = init.credentials;
    if (init.cache !== undefined) inner.cache = init.cache;
    if (inner.cache === 'only-if-cached' && inner.mode !== 'same-origin') {
      throw new NativeTypeError(`${prefix}: 'only-if-cached' can be set only with 'same-origin' mode`);
    }
    if (init.redirect !== undefined) inner.redirect = init.redirect;
    if (init.integrity !== undefined) inner.integrity = init.integrity;
    if (init.keepalive !== undefined) inner.keepalive = init.keepalive;
    if (init.priority !== undefined) inner.priority = init.priority;
    if (init.method !== undefined) inner.method = normalizeMethod(init.method, prefix);
    let signal = inputSignal;
    if (init.signal !== undefined) signal = init.signal;

    const requestObject =
        new.target === Request ? allocateRequest() : newPlatformObject(new.target);
    requestObject[webidl.brand] = webidl.brand;
    requestObject[_request] = inner;
    requestObject[_signal] = null;
    requestObject[_followedSignal] = signal;
    requestObject[_headers] = headersFromList(inner.headerList, 'request');
    if (inner.mode === 'no-cors') {
      if (inner.method !== 'GET' && inner.method !== 'HEAD' && inner.method !== 'POST') {
        throw new NativeTypeError(`${prefix}: '${inner.method}' is unsupported in no-cors mode.`);
      }
      // The no-cors guard's safelist is not applied: kiln is not a browser (README.md).
    }
    if (init.present > 0) {
      const headersInit = init.headers !== undefined
          ? init.headers : cloneHeaderList(inner.headerList);
      replaceHeaderList(requestObject[_headers], []);
      inner.headerList = headerListOf(requestObject[_headers]);
      if (init.headers !== undefined) {
        fillHeadersFrom(requestObject[_headers], headersInit, prefix);
      } else {
        for (let i = 0; i < headersInit.length; i++) {
          appendToHeaderList(inner.headerList, headersInit[i][0], headersInit[i][1]);
        }
      }
    }
    const inputBody = inputRequest !== null ? request.body : null;
    const hasInitBody = init.body !== undefined && init.body !== null;
    if ((hasInitBody || inputBody !== null) && (inner.method === 'GET' || inner.method === 'HEAD')) {
      throw new NativeTypeError(`${prefix}: Request with GET/HEAD method cannot have body.`);
    }
    let initBody = null;
    if (hasInitBody) {
      const extracted = extractBody(init.body, prefix);
      initBody = extracted.body;
      if (extracted.type !== null && getHeader(inner.headerList, 'content-type') === null) {
        appendToHeaderList(inner.headerList, 'Content-Type', extracted.type);
      }
    }
    const inputOrInitBody = initBody !== null ? initBody : inputBody;
    if (inputOrInitBody !== null && inputOrInitBody.source === null &&
        inputOrInitBody.rid === 0) {
      if (initBody !== null && init.duplex === undefined) {
        throw new NativeTypeError(`${prefix}: The 'duplex' member must be specified for a request with a streaming body`);
      }
    }
    let finalBody = inputOrInitBody;
    if (initBody === null && inputBody !== null) {
      if (inputBody.isUnusable()) {
        throw new NativeTypeError(`${prefix}: Cannot construct a Request with a Request object that has already been used.`);
      }
      finalBody = proxyBody(inputBody);
    }
    inner.body = finalBody;
    return requestObject;
  }

  get method() {
    webidl.assertBranded(this, RequestPrototype);
    return this[_request].method;
  }
  get url() {
    webidl.assertBranded(this, RequestPrototype);
    return this[_request].url;
  }
  get headers() {
    webidl.assertBranded(this, RequestPrototype);
    return this[_headers];
  }
  get destination() {
    webidl.assertBranded(this, RequestPrototype);
    return this[_request].destination;
  }
  get referrer() {
    webidl.assertBranded(this, RequestPrototype);
    const referrer = this[_request].referrer;
    if (referrer === 'no-referrer') return '';
    if (referrer === 'client') return 'about:client';
    return referrer;
  }
  get referrerPolicy() {
    webidl.assertBranded(this, RequestPrototype);
    return this[_request].referrerPolicy;
  }
  get mode() {
    webidl.assertBranded(this, RequestPrototype);
    return this[_request].mode;
  }
  get credentials() {
    webidl.assertBranded(this, RequestPrototype);
    return this[_request].credentials;
  }
  get cache() {
    webidl.assertBranded(this, RequestPrototype);
    return this[_request].cache;
  }
  get redirect() {
    webidl.assertBranded(this, RequestPrototype);
    return this[_request].redirect;
  }
  get integrity() {
    webidl.assertBranded(this, RequestPrototype);
    return this[_request].integrity;
  }
  get keepalive() {
    webidl.assertBranded(this, RequestPrototype);
    return this[_request].keepalive;
  }
  get isReloadNavigation() {
    webidl.assertBranded(this, RequestPrototype);
    return false;
  }
  get isHistoryNavigation() {
    webidl.assertBranded(this, RequestPrototype);
    return false;
  }
  get signal() {
    webidl.assertBranded(this, RequestPrototype);
    if (this[_signal] === null) {
      const followed = this[_followedSignal];
      this[_signal] = createDependentAbortSignal(followed === null ? [] : [followed]);
    }
    return this[_signal];
  }
  get duplex() {
    webidl.assertBranded(this, RequestPrototype);
    return this[_request].duplex;
  }

  clone() {
    webidl.assertBranded(this, RequestPrototype);
    const inner = this[_request];
    if (inner.body !== null && inner.body.isUnusable()) {
      throw new NativeTypeError("Failed to execute 'clone' on 'Request': Request body is already used");
    }
    const copy = cloneInnerRequest(inner);
    return requestFromInner(copy, guardOf(this[_headers]),
                            createDependentAbortSignal([this.signal]));
  }

  [inspectCustom](depth, options, inspect) {
    if (!webidl.implementsInterface(this, RequestPrototype)) return this;
    const inner = this[_request];
    return `Request ${inspect({
      method: inner.method, url: inner.url, headers: this[_headers],
      destination: inner.destination, referrer: this.referrer,
      referrerPolicy: inner.referrerPolicy, mode: inner.mode, credentials: inner.credentials,
      cache: inner.cache, redirect: inner.redirect, integrity: inner.integrity,
      keepalive: inner.keepalive, isReloadNavigation: false, isHistoryNavigation: false,
      signal: this.signal,
    }, options)}`;
  }
}
const RequestPrototype = Request.prototype;
mixinBody(RequestPrototype, 'Request', (request) => request[_request].body,
          (request) => getHeader(request[_request].headerList, 'content-type'));
rootInterface(Request);
const allocateRequest = platformObjectAllocator(Request);
webidl.configureInterface(Request);
Object.defineProperty(RequestPrototype, inspectCustom, { enumerable: false });

function requestFromInner(inner, guard, signal) {
  const request = allocateRequest();
  request[webidl.brand] = webidl.brand;
  request[_request] = inner;
  request[_headers] = headersFromList(inner.headerList, guard);
  request[_signal] = signal;
  request[_followedSignal] = null;
  return request;
}

// The request `new Request(input)` makes for a string input, without the Request object
// (fetch(url) with no init: nothing observes the object). `prefix` begins its errors.
export function innerRequestForUrl(input, prefix) {
  const url = parseUrl(input, prefix);
  const request = new InnerRequest('GET', url.href, [], null);
  request.parsedUrl = url;
  request.blobUrlEntry = blobUrlEntryOf(url);
  return request;
}

export function innerRequestOf(request) {
  return request[_request];
}

// The signal a fetch of `request` obeys (its own, or the one it follows), or null.
export function signalOf(request) {
  return request[_signal] ?? request[_followedSignal];
}

export { Headers };
