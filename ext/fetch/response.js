// Response (ext:fetch/response.js). https://fetch.spec.whatwg.org/#response-class
//
// A Response object holds an InnerResponse (the standard's response: type, status, status
// message, header list, URL list, body) and its Headers object.
import { URL } from 'ext:url/url.js';
import * as webidl from 'ext:webidl/webidl.js';
import {
  newPlatformObject, platformObjectAllocator, rootInterface,
} from 'ext:webidl/platform_object.js';
import { cloneBody, extractBody, mixinBody, utf8Encode, bodyFromBytes } from './body.js';
import {
  appendToHeaderList, cloneHeaderList, fillHeadersFrom, getHeader, guardOf, headersFromList,
} from './headers.js';

const NativeTypeError = TypeError;
const NativeRangeError = RangeError;
const JSONStringify = JSON.stringify;
const ReflectApply = Reflect.apply;
const RegExpPrototypeTest = RegExp.prototype.test;
const inspectCustom = Symbol.for('nodejs.util.inspect.custom');

const _response = Symbol('[[response]]');
// The Headers object, made on first use (headersOf) from the response's header list and
// [[guard]].
const _headers = Symbol('[[headers]]');
const _guard = Symbol('[[guard]]');

function headersOf(response) {
  let headers = response[_headers];
  if (headers === null) {
    headers = headersFromList(response[_response].headerList, response[_guard]);
    response[_headers] = headers;
  }
  return headers;
}

const StringPrototypeIndexOf = String.prototype.indexOf;
const StringPrototypeSlice = String.prototype.slice;

// The header list of the header fields in `head` (op_fetch_response's "name\nvalue\n..."
// from `start` on).
function headerListFromHead(head, start) {
  const list = [];
  while (start < head.length) {
    const nameEnd = ReflectApply(StringPrototypeIndexOf, head, ['\n', start]);
    const valueEnd = ReflectApply(StringPrototypeIndexOf, head, ['\n', nameEnd + 1]);
    list[list.length] = [ReflectApply(StringPrototypeSlice, head, [start, nameEnd]),
                         ReflectApply(StringPrototypeSlice, head, [nameEnd + 1, valueEnd])];
    start = valueEnd + 1;
  }
  return list;
}

export class InnerResponse {
  // A fetched response's header list stays in the head the network gave (op_fetch_response)
  // until it is read: #head, its header fields from #headerStart on.
  #headerList;
  #head = null;
  #headerStart = 0;

  constructor(type, status, statusText, headerList, body) {
    this.type = type;
    this.status = status;
    this.statusText = statusText;
    this.#headerList = headerList;
    this.body = body;          // InnerBody or null
    this.urlList = [];         // serialized URLs without fragments
  }

  // A response received from the network, from op_fetch_response's head ("200\nOK\n"
  // and the header fields), without a body yet.
  static fromNetwork(head) {
    const statusEnd = ReflectApply(StringPrototypeIndexOf, head, ['\n']);
    const textEnd = ReflectApply(StringPrototypeIndexOf, head, ['\n', statusEnd + 1]);
    const inner = new InnerResponse(
        'basic', +ReflectApply(StringPrototypeSlice, head, [0, statusEnd]),
        ReflectApply(StringPrototypeSlice, head, [statusEnd + 1, textEnd]), null, null);
    inner.#head = head;
    inner.#headerStart = textEnd + 1;
    return inner;
  }

  get headerList() {
    if (this.#head !== null) {
      this.#headerList = headerListFromHead(this.#head, this.#headerStart);
      this.#head = null;
    }
    return this.#headerList;
  }
  set headerList(list) {
    this.#headerList = list;
    this.#head = null;
  }
}

const NULL_BODY_STATUSES = [101, 103, 204, 205, 304];
export function isNullBodyStatus(status) {
  return NULL_BODY_STATUSES.includes(status);
}
const REDIRECT_STATUSES = [301, 302, 303, 307, 308];
export function isRedirectStatus(status) {
  return REDIRECT_STATUSES.includes(status);
}

// reason-phrase = *( HTAB / SP / VCHAR / obs-text )
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

const convertStatus = webidl.converters['unsigned short'];

function convertResponseInit(init, prefix) {
  if (init === undefined || init === null) return { headers: undefined, status: 200, statusText: '' };
  if (typeof init !== 'object' && typeof init !== 'function') {
    throw new NativeTypeError(`${prefix}: The provided value is not of type 'ResponseInit'.`);
  }
  const headers = init.headers;
  const statusValue = init.status;
  const status = statusValue === undefined ? 200
      : convertStatus(statusValue, prefix, "'status' member of ResponseInit");
  const statusTextValue = init.statusText;
  const statusText = statusTextValue === undefined ? ''
      : webidl.converters.ByteString(statusTextValue, prefix, "'statusText' member of ResponseInit");
  return { headers, status, statusText };
}

// "initialize a response"
function initializeResponse(response, init, body, prefix) {
  if (init.status < 200 || init.status > 599) {
    throw new NativeRangeError(
        `${prefix}: The status provided (${init.status}) is outside the range [200, 599].`);
  }
  if (!ReflectApply(RegExpPrototypeTest, REASON_PHRASE, [init.statusText])) {
    throw new NativeTypeError(`${prefix}: Invalid statusText`);
  }
  const inner = response[_response];
  inner.status = init.status;
  inner.statusText = init.statusText;
  if (init.headers !== undefined) fillHeadersFrom(headersOf(response), init.headers, prefix);
  if (body !== null) {
    if (isNullBodyStatus(inner.status)) {
      throw new NativeTypeError(`${prefix}: Response with null body status cannot have body`);
    }
    inner.body = body.body;
    if (body.type !== null && getHeader(inner.headerList, 'content-type') === null) {
      appendToHeaderList(inner.headerList, 'Content-Type', body.type);
    }
  }
}

// A root interface (ext:web/interface_object.js): its objects are platform objects,
// which structuredClone refuses.
export class Response extends Object {
  constructor(body = null, init = undefined) {
    const prefix = "Failed to construct 'Response'";
    const converted = convertResponseInit(init, prefix);
    const inner = new InnerResponse('default', 200, '', [], null);
    const response =
        new.target === Response ? allocateResponse() : newPlatformObject(new.target);
    response[webidl.brand] = webidl.brand;
    response[_response] = inner;
    response[_headers] = headersFromList(inner.headerList, 'response');
    response[_guard] = 'response';
    const extracted = body === null || body === undefined ? null : extractBody(body, prefix);
    initializeResponse(response, converted, extracted, prefix);
    return response;
  }

  static error() {
    const inner = new InnerResponse('error', 0, '', [], null);
    return responseFromInner(inner, 'immutable');
  }

  static redirect(url, status = 302) {
    const prefix = "Failed to execute 'redirect' on 'Response'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    url = webidl.converters.USVString(url, prefix, 'Argument 1');
    status = convertStatus(status, prefix, 'Argument 2');
    let parsed;
    try {
      parsed = new URL(url);
    } catch {
      throw new NativeTypeError(`${prefix}: Failed to parse URL from ${url}`);
    }
    if (!isRedirectStatus(status)) throw new NativeRangeError(`${prefix}: Invalid status code`);
    const inner = new InnerResponse('default', status, '', [['Location', parsed.href]], null);
    return responseFromInner(inner, 'immutable');
  }

  static json(data, init = undefined) {
    const prefix = "Failed to execute 'json' on 'Response'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    const converted = convertResponseInit(init, prefix);
    const text = JSONStringify(data);
    if (text === undefined) {
      throw new NativeTypeError(`${prefix}: The data is not JSON serializable`);
    }
    const inner = new InnerResponse('default', 200, '', [], null);
    const response = responseFromInner(inner, 'response');
    initializeResponse(response, converted,
                       { body: bodyFromBytes(utf8Encode(text)), type: 'application/json' },
                       prefix);
    return response;
  }

  get type() {
    webidl.assertBranded(this, ResponsePrototype);
    return this[_response].type;
  }
  get url() {
    webidl.assertBranded(this, ResponsePrototype);
    const list = this[_response].urlList;
    return list.length === 0 ? '' : list[list.length - 1];
  }
  get redirected() {
    webidl.assertBranded(this, ResponsePrototype);
    return this[_response].urlList.length > 1;
  }
  get status() {
    webidl.assertBranded(this, ResponsePrototype);
    return this[_response].status;
  }
  get ok() {
    webidl.assertBranded(this, ResponsePrototype);
    const status = this[_response].status;
    return status >= 200 && status <= 299;
  }
  get statusText() {
    webidl.assertBranded(this, ResponsePrototype);
    return this[_response].statusText;
  }
  get headers() {
    webidl.assertBranded(this, ResponsePrototype);
    return headersOf(this);
  }

  clone() {
    webidl.assertBranded(this, ResponsePrototype);
    const inner = this[_response];
    if (inner.body !== null && inner.body.isUnusable()) {
      throw new NativeTypeError("Failed to execute 'clone' on 'Response': Response body is already used");
    }
    const copy = new InnerResponse(inner.type, inner.status, inner.statusText,
                                   cloneHeaderList(inner.headerList),
                                   inner.body === null ? null : cloneBody(inner.body));
    copy.urlList = [...inner.urlList];
    return responseFromInner(copy, this[_headers] === null ? this[_guard] : guardOf(this[_headers]));
  }

  [inspectCustom](depth, options, inspect) {
    if (!webidl.implementsInterface(this, ResponsePrototype)) return this;
    const inner = this[_response];
    return `Response ${inspect({
      status: inner.status, statusText: inner.statusText, headers: headersOf(this),
      body: inner.body === null ? null : inner.body.streamState().pub,
      bodyUsed: this.bodyUsed, ok: this.ok, redirected: this.redirected, type: inner.type,
      url: this.url,
    }, options)}`;
  }
}
const ResponsePrototype = Response.prototype;
mixinBody(ResponsePrototype, 'Response', (response) => response[_response].body,
          (response) => getHeader(response[_response].headerList, 'content-type'));
rootInterface(Response);
const allocateResponse = platformObjectAllocator(Response);
webidl.configureInterface(Response);
Object.defineProperty(ResponsePrototype, inspectCustom, { enumerable: false });

export function responseFromInner(inner, guard) {
  const response = allocateResponse();
  response[webidl.brand] = webidl.brand;
  response[_response] = inner;
  response[_headers] = null;
  response[_guard] = guard;
  return response;
}

export function innerResponseOf(response) {
  return response[_response];
}
