// ext:url/url.js: URL (and URLSearchParams, from url_search_params.js), evaluated when
// first needed (url_globals.js, the extension's entry, makes the globals lazy).
// https://url.spec.whatwg.org/#api
//
// A URL holds its href and the offsets of its components (README.md, "Components") in one
// state array. `new URL(string, string)` parses in C++ and makes that array there
// (url_interface.h); other parses and the setters are one native call that writes the
// offsets into `components`, an Int32Array shared by every URL of the runtime, which the
// state copies at once. Every getter is a substring of the href with no native call.
import {
  op_url_can_parse,
  op_url_can_parse_with_base,
  op_url_clone_object,
  op_url_new_host_object,
  op_url_new_private_symbol,
  op_url_parse,
  op_url_parse_with_base,
  op_url_update,
} from 'ext:core/ops';
import { urlInterfaceDefined } from 'ext:url/url_globals.js';
import { defineMembers } from 'ext:webidl/platform_object.js';
import * as webidl from 'ext:webidl/webidl.js';
import {
  createParamsForUrl,
  resetParamsList,
  setUrlQueryUpdater,
  URLSearchParams,
} from 'ext:url/url_search_params.js';

const ObjectDefineProperty = Object.defineProperty;
const ObjectSetPrototypeOf = Object.setPrototypeOf;
const StringPrototypeCharCodeAt = String.prototype.charCodeAt;
const StringPrototypeSlice = String.prototype.slice;
const ReflectApply = Reflect.apply;
const NativeTypeError = TypeError;

// Written by every parse and update op; read right after (README.md, "Components"). An
// Int32Array, so an omitted port, search or hash (0xffffffff) reads as -1 (a small
// integer, like every other entry of a URL's state).
const components = new Int32Array(9);
const OMITTED = -1;

// A URL's state: one array under the private symbol kState (newState):
// [href, the 8 component offsets, the scheme type, the URLSearchParams (made on first use
// of searchParams, else null), what that first use parses (undefined: the URL's query; a
// string: the input the search setter was given, which the standard parses rather than
// the percent-encoded query)].
const HREF = 0;
const PROTOCOL_END = 1;
const USERNAME_END = 2;
const HOST_START = 3;
const HOST_END = 4;
const PORT = 5;
const PATHNAME_START = 6;
const SEARCH_START = 7;
const HASH_START = 8;
const SCHEME_TYPE = 9;
const SEARCH_PARAMS = 10;
const PARAMS_SOURCE = 11;

// ada::scheme::type
const SCHEME_HTTP = 0;
const SCHEME_NOT_SPECIAL = 1;
const SCHEME_HTTPS = 2;
const SCHEME_FILE = 6;

// The setters op_url_update applies (url_ops.h, UrlSetter).
const SET_PROTOCOL = 0;
const SET_USERNAME = 1;
const SET_PASSWORD = 2;
const SET_HOST = 3;
const SET_HOSTNAME = 4;
const SET_PORT = 5;
const SET_PATHNAME = 6;
const SET_SEARCH = 7;
const SET_HASH = 8;

// The private symbol a URL's state is stored under.
const kState = op_url_new_private_symbol('URL state');

function slice(string, start, end) {
  return ReflectApply(StringPrototypeSlice, string, [start, end]);
}

function quote(text) {
  return `'${text}'`;
}

// TypeError "Failed to construct 'URL': Invalid URL: 'input'" with Node's code, input and
// base properties.
function invalidUrl(prefix, input, base) {
  let message;
  if (base === undefined) {
    message = `${prefix}: Invalid URL: ${quote(input)}`;
  } else if (!op_url_can_parse(base)) {
    message = `${prefix}: Invalid base URL: ${quote(base)}`;
  } else {
    message = `${prefix}: Invalid URL: ${quote(input)} with base ${quote(base)}`;
  }
  const error = new NativeTypeError(message);
  error.code = 'ERR_INVALID_URL';
  error.input = input;
  if (base !== undefined) error.base = base;
  return error;
}

function parse(input, base) {
  return base === undefined ? op_url_parse(components, input) :
                              op_url_parse_with_base(components, input, base);
}

// The URL and base arguments of the constructor and the statics. The parser replaces lone
// surrogates with U+FFFD itself (the ops' UTF-8 conversion), so DOMString conversion gives
// the USVString result.
function convertArguments(prefix, argumentCount, url, base) {
  webidl.requiredArguments(argumentCount, 1, prefix);
  url = webidl.converters.DOMString(url, prefix, 'Argument 1');
  if (base !== undefined) base = webidl.converters.DOMString(base, prefix, 'Argument 2');
  return [url, base];
}

// The state of `href` and the components the op that returned it wrote.
function newState(href) {
  return [
    href, components[0], components[1], components[2], components[3], components[4],
    components[5], components[6], components[7], components[8], null, undefined,
  ];
}

// Puts `href` and the components the op that returned it wrote into `state`.
function take(state, href) {
  state[HREF] = href;
  state[PROTOCOL_END] = components[0];
  state[USERNAME_END] = components[1];
  state[HOST_START] = components[2];
  state[HOST_END] = components[3];
  state[PORT] = components[4];
  state[PATHNAME_START] = components[5];
  state[SEARCH_START] = components[6];
  state[HASH_START] = components[7];
  state[SCHEME_TYPE] = components[8];
}

// The state of `self`, a URL; a TypeError for anything else (a method, getter or setter
// called on another object). A private symbol is an own property only: neither the
// prototype chain nor a proxy's traps are consulted.
function stateOf(self) {
  if (typeof self === 'object' && self !== null) {
    const state = self[kState];
    if (state !== undefined) return state;
  }
  throw new NativeTypeError('Illegal invocation');
}

// Applies a setter; false when the value was refused and nothing changed.
function update(state, setter, value) {
  const href = op_url_update(components, state[HREF], setter, value);
  if (href === null) return false;
  take(state, href);
  return true;
}

// The query without '?' ('' for none or an empty one).
function queryOf(state) {
  const searchStart = state[SEARCH_START];
  if (searchStart === OMITTED) return '';
  const hashStart = state[HASH_START];
  const href = state[HREF];
  return slice(href, searchStart + 1, hashStart === OMITTED ? href.length : hashStart);
}

// Where the host starts: host_start may point at the '@' ending the credentials.
function hostnameStartOf(state) {
  const start = state[HOST_START];
  if (state[HOST_END] > start &&
      ReflectApply(StringPrototypeCharCodeAt, state[HREF], [start]) === 0x40 /* @ */) {
    return start + 1;
  }
  return start;
}

function hostOf(state) {
  const start = hostnameStartOf(state);
  if (start === state[HOST_END]) return '';
  return slice(state[HREF], start, state[PATHNAME_START]);
}

function pathnameOf(state) {
  const href = state[HREF];
  let end = href.length;
  if (state[SEARCH_START] !== OMITTED) {
    end = state[SEARCH_START];
  } else if (state[HASH_START] !== OMITTED) {
    end = state[HASH_START];
  }
  return slice(href, state[PATHNAME_START], end);
}

function originOf(state) {
  switch (state[SCHEME_TYPE]) {
    case SCHEME_NOT_SPECIAL: {
      if (slice(state[HREF], 0, state[PROTOCOL_END]) !== 'blob:') return 'null';
      // The origin of the URL the path holds, when it is http(s).
      const innerHref = op_url_parse(components, pathnameOf(state));
      if (innerHref === null) return 'null';
      const inner = newState(innerHref);
      const type = inner[SCHEME_TYPE];
      return type === SCHEME_HTTP || type === SCHEME_HTTPS ? originOf(inner) : 'null';
    }
    case SCHEME_FILE:
      return 'null';
    default:
      return `${slice(state[HREF], 0, state[PROTOCOL_END])}//${hostOf(state)}`;
  }
}

function setterValue(name, argumentCount, value) {
  const prefix = `Failed to set the '${name}' property on 'URL'`;
  webidl.requiredArguments(argumentCount, 1, prefix);
  return webidl.converters.DOMString(value, prefix, 'Value');
}

// The URLSearchParams's update steps (url_search_params.js): set the query to the
// serialized list, or to null when it is empty.
function setQueryFromParams(url, query) {
  const state = stateOf(url);
  update(state, SET_SEARCH, query);
  state[PARAMS_SOURCE] = undefined;
}

setUrlQueryUpdater(setQueryFromParams);

// The methods and accessors of URL.prototype and the statics of URL (defineMembers copies
// them there); they reach the state of any URL, subclass instances included.
class URLMembers {
  static parse(url, base = undefined) {
    [url, base] = convertArguments("Failed to execute 'parse' on 'URL'", arguments.length, url,
                                   base);
    const href = parse(url, base);
    return href === null ? null : newURL(href, URL);
  }

  static canParse(url, base = undefined) {
    [url, base] = convertArguments("Failed to execute 'canParse' on 'URL'", arguments.length,
                                   url, base);
    return base === undefined ? op_url_can_parse(url) : op_url_can_parse_with_base(url, base);
  }

  get href() {
    return stateOf(this)[HREF];
  }

  set href(value) {
    const state = stateOf(this);
    value = setterValue('href', arguments.length, value);
    const href = op_url_parse(components, value);
    if (href === null) throw invalidUrl("Failed to set the 'href' property on 'URL'", value);
    take(state, href);
    state[PARAMS_SOURCE] = undefined;
    if (state[SEARCH_PARAMS] !== null) resetParamsList(state[SEARCH_PARAMS], queryOf(state));
  }

  get origin() {
    return originOf(stateOf(this));
  }

  get protocol() {
    const state = stateOf(this);
    return slice(state[HREF], 0, state[PROTOCOL_END]);
  }

  set protocol(value) {
    const state = stateOf(this);
    update(state, SET_PROTOCOL, setterValue('protocol', arguments.length, value));
  }

  get username() {
    const state = stateOf(this);
    const start = state[PROTOCOL_END] + 2;
    const end = state[USERNAME_END];
    if (start >= end) return '';
    return slice(state[HREF], start, end);
  }

  set username(value) {
    const state = stateOf(this);
    update(state, SET_USERNAME, setterValue('username', arguments.length, value));
  }

  get password() {
    const state = stateOf(this);
    const usernameEnd = state[USERNAME_END];
    const hostStart = state[HOST_START];
    if (hostStart <= usernameEnd) return '';
    return slice(state[HREF], usernameEnd + 1, hostStart);
  }

  set password(value) {
    const state = stateOf(this);
    update(state, SET_PASSWORD, setterValue('password', arguments.length, value));
  }

  get host() {
    return hostOf(stateOf(this));
  }

  set host(value) {
    const state = stateOf(this);
    update(state, SET_HOST, setterValue('host', arguments.length, value));
  }

  get hostname() {
    const state = stateOf(this);
    return slice(state[HREF], hostnameStartOf(state), state[HOST_END]);
  }

  set hostname(value) {
    const state = stateOf(this);
    update(state, SET_HOSTNAME, setterValue('hostname', arguments.length, value));
  }

  get port() {
    const state = stateOf(this);
    if (state[PORT] === OMITTED) return '';
    return slice(state[HREF], state[HOST_END] + 1, state[PATHNAME_START]);
  }

  set port(value) {
    const state = stateOf(this);
    update(state, SET_PORT, setterValue('port', arguments.length, value));
  }

  get pathname() {
    return pathnameOf(stateOf(this));
  }

  set pathname(value) {
    const state = stateOf(this);
    update(state, SET_PATHNAME, setterValue('pathname', arguments.length, value));
  }

  get search() {
    const state = stateOf(this);
    const searchStart = state[SEARCH_START];
    if (searchStart === OMITTED) return '';
    const href = state[HREF];
    const hashStart = state[HASH_START];
    const end = hashStart === OMITTED ? href.length : hashStart;
    if (end - searchStart <= 1) return '';
    return slice(href, searchStart, end);
  }

  set search(value) {
    const state = stateOf(this);
    value = setterValue('search', arguments.length, value);
    update(state, SET_SEARCH, value);
    // The list follows the input (less a leading '?'), not the percent-encoded query.
    let input = value;
    if (input.length > 0 && ReflectApply(StringPrototypeCharCodeAt, input, [0]) === 0x3f) {
      input = slice(input, 1);
    }
    if (state[SEARCH_PARAMS] !== null) {
      resetParamsList(state[SEARCH_PARAMS], input);
    } else {
      state[PARAMS_SOURCE] = input;
    }
  }

  get searchParams() {
    const state = stateOf(this);
    if (state[SEARCH_PARAMS] === null) {
      const source = state[PARAMS_SOURCE];
      state[SEARCH_PARAMS] = createParamsForUrl(this, source === undefined ? queryOf(state) :
                                                                              source);
      state[PARAMS_SOURCE] = undefined;
    }
    return state[SEARCH_PARAMS];
  }

  get hash() {
    const state = stateOf(this);
    const hashStart = state[HASH_START];
    const href = state[HREF];
    if (hashStart === OMITTED || href.length - hashStart <= 1) return '';
    return slice(href, hashStart);
  }

  set hash(value) {
    const state = stateOf(this);
    update(state, SET_HASH, setterValue('hash', arguments.length, value));
  }

  toString() {
    return stateOf(this)[HREF];
  }

  toJSON() {
    return stateOf(this)[HREF];
  }

  // Node's console form: URL { href: ..., origin: ..., ..., hash: ... }.
  [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
    stateOf(this);
    if (typeof depth === 'number' && depth < 0) return this;
    const fields = {
      href: this.href,
      origin: this.origin,
      protocol: this.protocol,
      username: this.username,
      password: this.password,
      host: this.host,
      hostname: this.hostname,
      port: this.port,
      pathname: this.pathname,
      search: this.search,
      searchParams: this.searchParams,
      hash: this.hash,
    };
    return `${this.constructor.name} ${inspect(fields, options)}`;
  }
}

const NEW_REQUIRED = "Failed to construct 'URL': Please use the 'new' operator, this DOM " +
    'object constructor cannot be called as a function.';

// Every URL is a copy of this host object (op_url_clone_object; README.md, "Construction"):
// prototype URL.prototype and the state property, given below.
const urlBoilerplate = op_url_new_host_object();

// A new URL for `href` (the components are in `components`) whose prototype comes from
// `newTarget` (WebIDL's "internally create a new object implementing the interface"; a
// subclass's prototype, or URL.prototype when newTarget's "prototype" is not an object).
function newURL(href, newTarget) {
  const url = op_url_clone_object(urlBoilerplate);
  if (newTarget !== URL) {
    const prototype = newTarget.prototype;
    if ((typeof prototype === 'object' && prototype !== null) || typeof prototype === 'function') {
      ObjectSetPrototypeOf(url, prototype);
    }
  }
  url[kState] = newState(href);
  return url;
}

// The interface object. A JavaScript function rather than a class, so that calling it
// without `new` throws the browsers' TypeError; its instances are the host objects newURL
// makes (the object `new` allocated for `this` is dropped). String arguments need no
// conversion: DOMString conversion returns a string as it is.
function URL(url, base = undefined) {
  if (new.target === undefined) throw new NativeTypeError(NEW_REQUIRED);
  const prefix = "Failed to construct 'URL'";
  if (typeof url !== 'string' || (base !== undefined && typeof base !== 'string')) {
    [url, base] = convertArguments(prefix, arguments.length, url, base);
  }
  const href = parse(url, base);
  if (href === null) throw invalidUrl(prefix, url, base);
  return newURL(href, new.target);
}

// WebIDL: the interface object's "prototype" is { writable: false, enumerable: false,
// configurable: false } (a function's is writable).
ObjectDefineProperty(URL, 'prototype', { writable: false });
defineMembers(URL, URLMembers);
ObjectSetPrototypeOf(urlBoilerplate, URL.prototype);
urlBoilerplate[kState] = undefined;
webidl.configureInterface(URL);
ObjectDefineProperty(URL.prototype, Symbol.for('nodejs.util.inspect.custom'),
                     { enumerable: false });

urlInterfaceDefined(URL);

export { URL, URLSearchParams };
