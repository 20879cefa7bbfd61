// The entry module of the url extension (ext:url/url.js): the URL and URLSearchParams
// globals. https://url.spec.whatwg.org/#api
//
// A URL holds its href and the offsets of its components (README.md, "Components"). One
// native call parses (or applies a setter) and writes the offsets into `components`, a
// Uint32Array shared by every URL of the runtime; the URL copies them into its own fields
// at once, so every getter is a substring of the href with no native call.
import {
  op_url_can_parse,
  op_url_can_parse_with_base,
  op_url_parse,
  op_url_parse_with_base,
  op_url_update,
} from 'ext:core/ops';
import { createInterface, ReturnOverride } from 'ext:web/interface_object.js';
import * as webidl from 'ext:webidl/webidl.js';
import {
  createParamsForUrl,
  resetParamsList,
  setUrlQueryUpdater,
  URLSearchParams,
} from 'ext:url/url_search_params.js';

const ObjectDefineProperty = Object.defineProperty;
const StringPrototypeCharCodeAt = String.prototype.charCodeAt;
const StringPrototypeSlice = String.prototype.slice;
const ReflectApply = Reflect.apply;
const NativeTypeError = TypeError;

// Written by every parse and update op; read right after (README.md, "Components").
const components = new Uint32Array(9);
const OMITTED = 0xffffffff;

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

// The constructor's first argument when URL.parse makes a URL from an href it has just
// parsed (the components are in `components`); the second is that href.
const kParsed = Symbol('[[parsed href]]');

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

// URL objects are host objects: the interface object URL is an API function
// (ext:web/interface_object.js), so V8's serializer hands every URL to structuredClone's
// delegate, which refuses it (URL is not [Serializable]; a plain object would be copied as
// `{}`). `new URL(...)` makes the host object for new.target and runs initializeURL on it,
// which adds the private fields below (URLMembers returns the object it is given from its
// base's constructor). The methods and accessors are URLMembers's, copied onto
// URL.prototype; they reach the fields of any URL, subclass instances included.
class URLMembers extends ReturnOverride {
  #href = '';
  #protocolEnd = 0;
  #usernameEnd = 0;
  #hostStart = 0;
  #hostEnd = 0;
  #port = OMITTED;
  #pathnameStart = 0;
  #searchStart = OMITTED;
  #hashStart = OMITTED;
  #schemeType = SCHEME_NOT_SPECIAL;
  // The URLSearchParams, made on first use of searchParams.
  #searchParams = null;
  // What that first use parses: the URL's query (undefined), or the input the search
  // setter was given (the standard parses that, not the percent-encoded query).
  #paramsSource = undefined;

  // Gives `object` (a new URL) the fields, for `href` and the components the op that
  // returned it wrote.
  constructor(object, href) {
    super(object);
    this.#take(href);
  }

  static parse(url, base = undefined) {
    [url, base] = convertArguments("Failed to execute 'parse' on 'URL'", arguments.length, url,
                                   base);
    const href = parse(url, base);
    return href === null ? null : new URL(kParsed, href);
  }

  static canParse(url, base = undefined) {
    [url, base] = convertArguments("Failed to execute 'canParse' on 'URL'", arguments.length,
                                   url, base);
    return base === undefined ? op_url_can_parse(url) : op_url_can_parse_with_base(url, base);
  }

  // Takes `href` and the components the op that returned it wrote.
  #take(href) {
    this.#href = href;
    this.#protocolEnd = components[0];
    this.#usernameEnd = components[1];
    this.#hostStart = components[2];
    this.#hostEnd = components[3];
    this.#port = components[4];
    this.#pathnameStart = components[5];
    this.#searchStart = components[6];
    this.#hashStart = components[7];
    this.#schemeType = components[8];
  }

  // Applies a setter; false when the value was refused and nothing changed.
  #update(setter, value) {
    const href = op_url_update(components, this.#href, setter, value);
    if (href === null) return false;
    this.#take(href);
    return true;
  }

  // The query without '?' ('' for none or an empty one).
  #query() {
    if (this.#searchStart === OMITTED) return '';
    const end = this.#hashStart === OMITTED ? this.#href.length : this.#hashStart;
    return slice(this.#href, this.#searchStart + 1, end);
  }

  static #check(self) {
    if (typeof self !== 'object' || self === null || !(#href in self)) {
      throw new NativeTypeError('Illegal invocation');
    }
  }

  static #setterValue(self, name, argumentCount, value) {
    URLMembers.#check(self);
    const prefix = `Failed to set the '${name}' property on 'URL'`;
    webidl.requiredArguments(argumentCount, 1, prefix);
    return webidl.converters.DOMString(value, prefix, 'Value');
  }

  // The URLSearchParams's update steps (url_search_params.js): set the query to the
  // serialized list, or to null when it is empty.
  static #setQueryFromParams(url, query) {
    url.#update(SET_SEARCH, query);
    url.#paramsSource = undefined;
  }

  static {
    setUrlQueryUpdater(URLMembers.#setQueryFromParams);
  }

  get href() {
    URLMembers.#check(this);
    return this.#href;
  }

  set href(value) {
    value = URLMembers.#setterValue(this, 'href', arguments.length, value);
    const href = op_url_parse(components, value);
    if (href === null) throw invalidUrl("Failed to set the 'href' property on 'URL'", value);
    this.#take(href);
    this.#paramsSource = undefined;
    if (this.#searchParams !== null) resetParamsList(this.#searchParams, this.#query());
  }

  get origin() {
    URLMembers.#check(this);
    switch (this.#schemeType) {
      case SCHEME_NOT_SPECIAL: {
        if (slice(this.#href, 0, this.#protocolEnd) !== 'blob:') return 'null';
        // The origin of the URL the path holds, when it is http(s).
        const innerHref = op_url_parse(components, this.pathname);
        if (innerHref === null) return 'null';
        const inner = new URL(kParsed, innerHref);
        const type = inner.#schemeType;
        return type === SCHEME_HTTP || type === SCHEME_HTTPS ? inner.origin : 'null';
      }
      case SCHEME_FILE:
        return 'null';
      default:
        return `${slice(this.#href, 0, this.#protocolEnd)}//${this.host}`;
    }
  }

  get protocol() {
    URLMembers.#check(this);
    return slice(this.#href, 0, this.#protocolEnd);
  }

  set protocol(value) {
    value = URLMembers.#setterValue(this, 'protocol', arguments.length, value);
    this.#update(SET_PROTOCOL, value);
  }

  get username() {
    URLMembers.#check(this);
    if (this.#protocolEnd + 2 >= this.#usernameEnd) return '';
    return slice(this.#href, this.#protocolEnd + 2, this.#usernameEnd);
  }

  set username(value) {
    value = URLMembers.#setterValue(this, 'username', arguments.length, value);
    this.#update(SET_USERNAME, value);
  }

  get password() {
    URLMembers.#check(this);
    if (this.#hostStart <= this.#usernameEnd) return '';
    return slice(this.#href, this.#usernameEnd + 1, this.#hostStart);
  }

  set password(value) {
    value = URLMembers.#setterValue(this, 'password', arguments.length, value);
    this.#update(SET_PASSWORD, value);
  }

  // Where the host starts: host_start may point at the '@' ending the credentials.
  #hostnameStart() {
    const start = this.#hostStart;
    if (this.#hostEnd > start &&
        ReflectApply(StringPrototypeCharCodeAt, this.#href, [start]) === 0x40 /* @ */) {
      return start + 1;
    }
    return start;
  }

  get host() {
    URLMembers.#check(this);
    const start = this.#hostnameStart();
    if (start === this.#hostEnd) return '';
    return slice(this.#href, start, this.#pathnameStart);
  }

  set host(value) {
    value = URLMembers.#setterValue(this, 'host', arguments.length, value);
    this.#update(SET_HOST, value);
  }

  get hostname() {
    URLMembers.#check(this);
    return slice(this.#href, this.#hostnameStart(), this.#hostEnd);
  }

  set hostname(value) {
    value = URLMembers.#setterValue(this, 'hostname', arguments.length, value);
    this.#update(SET_HOSTNAME, value);
  }

  get port() {
    URLMembers.#check(this);
    if (this.#port === OMITTED) return '';
    return slice(this.#href, this.#hostEnd + 1, this.#pathnameStart);
  }

  set port(value) {
    value = URLMembers.#setterValue(this, 'port', arguments.length, value);
    this.#update(SET_PORT, value);
  }

  get pathname() {
    URLMembers.#check(this);
    let end = this.#href.length;
    if (this.#searchStart !== OMITTED) {
      end = this.#searchStart;
    } else if (this.#hashStart !== OMITTED) {
      end = this.#hashStart;
    }
    return slice(this.#href, this.#pathnameStart, end);
  }

  set pathname(value) {
    value = URLMembers.#setterValue(this, 'pathname', arguments.length, value);
    this.#update(SET_PATHNAME, value);
  }

  get search() {
    URLMembers.#check(this);
    if (this.#searchStart === OMITTED) return '';
    const end = this.#hashStart === OMITTED ? this.#href.length : this.#hashStart;
    if (end - this.#searchStart <= 1) return '';
    return slice(this.#href, this.#searchStart, end);
  }

  set search(value) {
    value = URLMembers.#setterValue(this, 'search', arguments.length, value);
    this.#update(SET_SEARCH, value);
    // The list follows the input (less a leading '?'), not the percent-encoded query.
    let input = value;
    if (input.length > 0 && ReflectApply(StringPrototypeCharCodeAt, input, [0]) === 0x3f) {
      input = slice(input, 1);
    }
    if (this.#searchParams !== null) {
      resetParamsList(this.#searchParams, input);
    } else {
      this.#paramsSource = input;
    }
  }

  get searchParams() {
    URLMembers.#check(this);
    if (this.#searchParams === null) {
      const source = this.#paramsSource === undefined ? this.#query() : this.#paramsSource;
      this.#searchParams = createParamsForUrl(this, source);
      this.#paramsSource = undefined;
    }
    return this.#searchParams;
  }

  get hash() {
    URLMembers.#check(this);
    if (this.#hashStart === OMITTED || this.#href.length - this.#hashStart <= 1) return '';
    return slice(this.#href, this.#hashStart);
  }

  set hash(value) {
    value = URLMembers.#setterValue(this, 'hash', arguments.length, value);
    this.#update(SET_HASH, value);
  }

  toString() {
    URLMembers.#check(this);
    return this.#href;
  }

  toJSON() {
    URLMembers.#check(this);
    return this.#href;
  }

  // Node's console form: URL { href: ..., origin: ..., ..., hash: ... }.
  [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
    URLMembers.#check(this);
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

// The constructor steps of `new URL(url, base)`, on the new object (`this`).
function initializeURL(url, base = undefined) {
  if (url === kParsed) {
    new URLMembers(this, base);
    return;
  }
  const prefix = "Failed to construct 'URL'";
  [url, base] = convertArguments(prefix, arguments.length, url, base);
  const href = parse(url, base);
  if (href === null) throw invalidUrl(prefix, url, base);
  new URLMembers(this, href);
}

const URL = createInterface('URL', 1, initializeURL, URLMembers);
webidl.configureInterface(URL);
ObjectDefineProperty(URL.prototype, Symbol.for('nodejs.util.inspect.custom'),
                     { enumerable: false });

function defineGlobal(name, value) {
  ObjectDefineProperty(globalThis, name, {
    value, writable: true, enumerable: false, configurable: true,
  });
}

defineGlobal('URL', URL);
defineGlobal('URLSearchParams', URLSearchParams);

export { URL, URLSearchParams };
