// ext:crypto/web_crypto.js: the Web Cryptography API's `crypto` object and its interfaces
// Crypto, SubtleCrypto and CryptoKey (lazy globals: see the entry module, crypto.js).
// https://w3c.github.io/webcrypto/
//
// crypto.getRandomValues and crypto.randomUUID draw from OpenSSL's generator
// (crypto_ops.cc); crypto.subtle hashes, signs, encrypts and derives with OpenSSL
// (crypto_ops.h: secret-key algorithms, crypto_key_ops.h: asymmetric ones). This module
// does what the spec does before and around the computation: algorithm normalization, key
// usages, the CryptoKey objects and their internal slots, JWK, and every error the spec
// names (README.md).
import {
  op_close,
  op_crypto_aes,
  op_crypto_aes_kw,
  op_crypto_derive_shared_secret,
  op_crypto_digest,
  op_crypto_export_jwk,
  op_crypto_export_raw,
  op_crypto_fill_random,
  op_crypto_generate_key_pair,
  op_crypto_hkdf,
  op_crypto_hmac_sign,
  op_crypto_hmac_verify,
  op_crypto_import_jwk,
  op_crypto_import_key,
  op_crypto_key_open,
  op_crypto_pbkdf2,
  op_crypto_random_uuid,
  op_crypto_rsa_oaep,
  op_crypto_sign,
  op_crypto_verify,
} from 'ext:core/ops';
import * as webidl from 'ext:webidl/webidl.js';
import { TextDecoder, TextEncoder } from 'ext:encoding/text_coding.js';
import { DOMException } from 'ext:web/dom_exception.js';
import { createInterface } from 'ext:web/interface_object.js';
import { registerSerializableInterface } from 'ext:web/structured_clone.js';

const ObjectCreate = Object.create;
const ObjectDefineProperty = Object.defineProperty;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ReflectApply = Reflect.apply;
const PromiseReject = Promise.reject.bind(Promise);
const PromiseResolve = Promise.resolve.bind(Promise);
const NativeWeakMap = WeakMap;
const NativeFinalizationRegistry = FinalizationRegistry;
const FinalizationRegistryPrototypeRegister = FinalizationRegistry.prototype.register;
const WeakMapPrototypeGet = WeakMap.prototype.get;
const WeakMapPrototypeSet = WeakMap.prototype.set;
const ArrayPrototypeIncludes = Array.prototype.includes;
const ArrayPrototypePush = Array.prototype.push;
const TypedArrayPrototypeSlice = Uint8Array.prototype.slice;
const ArrayBufferPrototypeSlice = ArrayBuffer.prototype.slice;
const JSONStringify = JSON.stringify;
const JSONParse = JSON.parse;
const StringPrototypeIndexOf = String.prototype.indexOf;
const SymbolFor = Symbol.for;
const NativeUint8Array = Uint8Array;
const NativeTypeError = TypeError;
const PromisePrototypeThen = Promise.prototype.then;
const PromisePrototype = Promise.prototype;
const StringPrototypeCharCodeAt = String.prototype.charCodeAt;
const StringFromCharCode = String.fromCharCode;
const ArrayBufferIsView = ArrayBuffer.isView;
const ArrayBufferByteLength =
    ObjectGetOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;
const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
const TypedArrayToStringTag =
    ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, Symbol.toStringTag).get;
const TypedArrayByteLength =
    ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, 'byteLength').get;
const TypedArrayBuffer = ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, 'buffer').get;
const TypedArrayByteOffset =
    ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, 'byteOffset').get;
const DataViewBuffer = ObjectGetOwnPropertyDescriptor(DataView.prototype, 'buffer').get;
const DataViewByteOffset =
    ObjectGetOwnPropertyDescriptor(DataView.prototype, 'byteOffset').get;
const DataViewByteLength =
    ObjectGetOwnPropertyDescriptor(DataView.prototype, 'byteLength').get;

// An object of Type's interface for the platform to hand out. The brand is not
// enumerable, so inspection prints `Type {}` as Node does.
function createPlatformObject(Type) {
  const object = ObjectCreate(Type.prototype);
  ObjectDefineProperty(object, webidl.brand, { value: webidl.brand });
  return object;
}

// The largest view getRandomValues fills (the spec's quota).
const MAX_RANDOM_BYTES = 65536;

// The typed arrays getRandomValues accepts: the integer ones.
const INTEGER_ARRAY_TYPES = {
  __proto__: null,
  Int8Array: true,
  Uint8Array: true,
  Uint8ClampedArray: true,
  Int16Array: true,
  Uint16Array: true,
  Int32Array: true,
  Uint32Array: true,
  BigInt64Array: true,
  BigUint64Array: true,
};

const EMPTY_BYTES = new Uint8Array(0);

// ASCII lowercase (the spec's "ASCII case-insensitive match" of algorithm names): only
// A-Z change.
function asciiLowerCase(string) {
  let result = '';
  for (let i = 0; i < string.length; i++) {
    const code = ReflectApply(StringPrototypeCharCodeAt, string, [i]);
    result += StringFromCharCode(code >= 0x41 && code <= 0x5a ? code + 0x20 : code);
  }
  return result;
}

// The bytes of a BufferSource (0 for a detached buffer).
function byteLengthOf(source) {
  if (!ArrayBufferIsView(source)) return ReflectApply(ArrayBufferByteLength, source, []);
  if (ReflectApply(TypedArrayToStringTag, source, []) === undefined) {
    return ReflectApply(DataViewByteLength, source, []);
  }
  return ReflectApply(TypedArrayByteLength, source, []);
}

// A copy of the bytes of a BufferSource, as a new Uint8Array (the spec's "get a copy of
// the bytes held by the buffer source"; a detached buffer holds none).
function copyBytes(source) {
  if (!ArrayBufferIsView(source)) {
    return new NativeUint8Array(ReflectApply(ArrayBufferPrototypeSlice, source, [0]));
  }
  let buffer, offset, length;
  if (ReflectApply(TypedArrayToStringTag, source, []) === undefined) {
    buffer = ReflectApply(DataViewBuffer, source, []);
    offset = ReflectApply(DataViewByteOffset, source, []);
    length = ReflectApply(DataViewByteLength, source, []);
  } else {
    buffer = ReflectApply(TypedArrayBuffer, source, []);
    offset = ReflectApply(TypedArrayByteOffset, source, []);
    length = ReflectApply(TypedArrayByteLength, source, []);
  }
  if (length === 0) return new NativeUint8Array(0);
  return ReflectApply(TypedArrayPrototypeSlice, new NativeUint8Array(buffer, offset, length), []);
}

// The ArrayBuffer a result Uint8Array of an op owns alone.
function bufferOf(bytes) {
  return ReflectApply(TypedArrayBuffer, bytes, []);
}

function domException(message, name) {
  return new DOMException(message, name);
}

// Calls an op; its OperationError and DataError become DOMExceptions of that name.
function callOp(op, args) {
  try {
    return ReflectApply(op, undefined, args);
  } catch (error) {
    rethrowOpError(error);
  }
}

// Throws an op's error as the spec's: its OperationError and DataError as DOMExceptions.
function rethrowOpError(error) {
  const name = error?.name;
  if (name === 'OperationError' || name === 'DataError') throw domException(error.message, name);
  throw error;
}

// callOp for an async op (one that may run on the blocking pool): a promise of `then`
// applied to the op's result (the result itself when `then` is undefined), rejected with
// its error as callOp would throw it.
function callAsyncOp(op, args, then) {
  const result = ReflectApply(op, undefined, args);
  return ReflectApply(PromisePrototypeThen, result, [then, rethrowOpError]);
}

// `then(value)` now for a plain value, or once `value` settles for a promise (a step after
// an operation that may run on the blocking pool).
function afterValue(value, then) {
  return value !== null && typeof value === 'object' &&
      ObjectGetPrototypeOf(value) === PromisePrototype
    ? ReflectApply(PromisePrototypeThen, value, [then])
    : then(value);
}

function randomBytes(length) {
  const bytes = new NativeUint8Array(length);
  if (length > 0) op_crypto_fill_random(bytes);
  return bytes;
}

// ---- base64url (RFC 4648 section 5, no padding), for JSON Web Keys ----

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function base64UrlEncode(bytes) {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += BASE64URL[n >> 18] + BASE64URL[(n >> 12) & 63] + BASE64URL[(n >> 6) & 63] +
        BASE64URL[n & 63];
  }
  if (i + 1 === bytes.length) {
    const n = bytes[i] << 16;
    out += BASE64URL[n >> 18] + BASE64URL[(n >> 12) & 63];
  } else if (i + 2 === bytes.length) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += BASE64URL[n >> 18] + BASE64URL[(n >> 12) & 63] + BASE64URL[(n >> 6) & 63];
  }
  return out;
}

// The bytes of a base64url string (padding '=' accepted at the end); DataError otherwise.
function base64UrlDecode(string, member) {
  let end = string.length;
  while (end > 0 && string[end - 1] === '=') end--;
  if (end % 4 === 1) throw domException(`The JWK member '${member}' is not valid base64url.`, 'DataError');
  const out = new NativeUint8Array((end * 3) >> 2);
  let bits = 0;
  let value = 0;
  let written = 0;
  for (let i = 0; i < end; i++) {
    const digit = ReflectApply(StringPrototypeIndexOf, BASE64URL, [string[i]]);
    if (digit < 0) {
      throw domException(`The JWK member '${member}' is not valid base64url.`, 'DataError');
    }
    value = ((value << 6) | digit) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[written++] = (value >> bits) & 0xff;
    }
  }
  return out;
}

// UTF-8 of a JWK's JSON text for wrapKey, and back for unwrapKey (malformed UTF-8 throws:
// unwrapKey reports it as a DataError).
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

// ---- WebIDL types of the spec ----

const convertAlgorithm = webidl.createDictionaryConverter('Algorithm', [
  { key: 'name', converter: webidl.converters.DOMString, required: true },
]);

// AlgorithmIdentifier: (object or DOMString).
function convertAlgorithmIdentifier(value, prefix, context) {
  if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
    return value;
  }
  return webidl.converters.DOMString(value, prefix, context);
}

function enforceRange(type) {
  const converter = webidl.converters[type];
  return (value, prefix, context) => converter(value, prefix, context, { enforceRange: true });
}

function convertCryptoKey(value, prefix, context) {
  if (!isCryptoKey(value)) {
    throw webidl.makeException(NativeTypeError, 'is not of type \'CryptoKey\'.', prefix, context);
  }
  return value;
}

// BigInteger: a Uint8Array.
function convertBigInteger(value, prefix, context) {
  return webidl.converters.Uint8Array(value, prefix, context);
}

const ALGORITHM_NAME = { key: 'name', converter: webidl.converters.DOMString, required: true };
const HASH_MEMBER = { key: 'hash', converter: convertAlgorithmIdentifier, required: true };

// The dictionaries of the spec's algorithms, by IDL name. Each member of type
// HashAlgorithmIdentifier is `hash`; members of type BufferSource are listed in
// BUFFER_MEMBERS (they are copied after conversion).
const DICTIONARIES = {
  __proto__: null,
  Algorithm: [],
  AesKeyGenParams: [{ key: 'length', converter: enforceRange('unsigned short'), required: true }],
  AesDerivedKeyParams: [
    { key: 'length', converter: enforceRange('unsigned short'), required: true },
  ],
  AesCbcParams: [{ key: 'iv', converter: webidl.converters.BufferSource, required: true }],
  AesCtrParams: [
    { key: 'counter', converter: webidl.converters.BufferSource, required: true },
    { key: 'length', converter: enforceRange('octet'), required: true },
  ],
  AesGcmParams: [
    { key: 'iv', converter: webidl.converters.BufferSource, required: true },
    { key: 'additionalData', converter: webidl.converters.BufferSource },
    { key: 'tagLength', converter: enforceRange('octet') },
  ],
  HmacKeyGenParams: [HASH_MEMBER, { key: 'length', converter: enforceRange('unsigned long') }],
  HmacImportParams: [HASH_MEMBER, { key: 'length', converter: enforceRange('unsigned long') }],
  EcKeyGenParams: [{ key: 'namedCurve', converter: webidl.converters.DOMString, required: true }],
  EcKeyImportParams: [
    { key: 'namedCurve', converter: webidl.converters.DOMString, required: true },
  ],
  EcdsaParams: [HASH_MEMBER],
  EcdhKeyDeriveParams: [{ key: 'public', converter: convertCryptoKey, required: true }],
  RsaHashedKeyGenParams: [
    { key: 'modulusLength', converter: enforceRange('unsigned long'), required: true },
    { key: 'publicExponent', converter: convertBigInteger, required: true },
    HASH_MEMBER,
  ],
  RsaHashedImportParams: [HASH_MEMBER],
  RsaPssParams: [{ key: 'saltLength', converter: enforceRange('unsigned long'), required: true }],
  RsaOaepParams: [{ key: 'label', converter: webidl.converters.BufferSource }],
  HkdfParams: [
    HASH_MEMBER,
    { key: 'salt', converter: webidl.converters.BufferSource, required: true },
    { key: 'info', converter: webidl.converters.BufferSource, required: true },
  ],
  Pbkdf2Params: [
    { key: 'salt', converter: webidl.converters.BufferSource, required: true },
    { key: 'iterations', converter: enforceRange('unsigned long'), required: true },
    HASH_MEMBER,
  ],
};
const BUFFER_MEMBERS = ['iv', 'counter', 'additionalData', 'label', 'salt', 'info'];
const DICTIONARY_CONVERTERS = { __proto__: null };
for (const name in DICTIONARIES) {
  DICTIONARY_CONVERTERS[name] =
      webidl.createDictionaryConverter(name, [ALGORITHM_NAME], DICTIONARIES[name]);
}

const SHA_NAMES = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'];

// The registered algorithms of each operation (the spec's "supportedAlgorithms"): name ->
// the IDL dictionary its parameters convert to.
const SUPPORTED_ALGORITHMS = {
  __proto__: null,
  digest: {},
  generateKey: {
    'RSASSA-PKCS1-v1_5': 'RsaHashedKeyGenParams',
    'RSA-PSS': 'RsaHashedKeyGenParams',
    'RSA-OAEP': 'RsaHashedKeyGenParams',
    ECDSA: 'EcKeyGenParams',
    ECDH: 'EcKeyGenParams',
    'AES-CTR': 'AesKeyGenParams',
    'AES-CBC': 'AesKeyGenParams',
    'AES-GCM': 'AesKeyGenParams',
    'AES-KW': 'AesKeyGenParams',
    HMAC: 'HmacKeyGenParams',
    Ed25519: 'Algorithm',
    Ed448: 'Algorithm',
    X25519: 'Algorithm',
    X448: 'Algorithm',
  },
  importKey: {
    'RSASSA-PKCS1-v1_5': 'RsaHashedImportParams',
    'RSA-PSS': 'RsaHashedImportParams',
    'RSA-OAEP': 'RsaHashedImportParams',
    ECDSA: 'EcKeyImportParams',
    ECDH: 'EcKeyImportParams',
    'AES-CTR': 'Algorithm',
    'AES-CBC': 'Algorithm',
    'AES-GCM': 'Algorithm',
    'AES-KW': 'Algorithm',
    HMAC: 'HmacImportParams',
    HKDF: 'Algorithm',
    PBKDF2: 'Algorithm',
    Ed25519: 'Algorithm',
    Ed448: 'Algorithm',
    X25519: 'Algorithm',
    X448: 'Algorithm',
  },
  sign: {
    'RSASSA-PKCS1-v1_5': 'Algorithm',
    'RSA-PSS': 'RsaPssParams',
    ECDSA: 'EcdsaParams',
    HMAC: 'Algorithm',
    Ed25519: 'Algorithm',
    Ed448: 'Algorithm',
  },
  encrypt: {
    'RSA-OAEP': 'RsaOaepParams',
    'AES-CTR': 'AesCtrParams',
    'AES-CBC': 'AesCbcParams',
    'AES-GCM': 'AesGcmParams',
  },
  deriveBits: {
    ECDH: 'EcdhKeyDeriveParams',
    X25519: 'EcdhKeyDeriveParams',
    X448: 'EcdhKeyDeriveParams',
    HKDF: 'HkdfParams',
    PBKDF2: 'Pbkdf2Params',
  },
  'get key length': {
    'AES-CTR': 'AesDerivedKeyParams',
    'AES-CBC': 'AesDerivedKeyParams',
    'AES-GCM': 'AesDerivedKeyParams',
    'AES-KW': 'AesDerivedKeyParams',
    HMAC: 'HmacImportParams',
    HKDF: 'Algorithm',
    PBKDF2: 'Algorithm',
  },
  wrapKey: { 'AES-KW': 'Algorithm' },
};
for (const name of SHA_NAMES) SUPPORTED_ALGORITHMS.digest[name] = 'Algorithm';
SUPPORTED_ALGORITHMS.verify = SUPPORTED_ALGORITHMS.sign;
SUPPORTED_ALGORITHMS.decrypt = SUPPORTED_ALGORITHMS.encrypt;
SUPPORTED_ALGORITHMS.unwrapKey = SUPPORTED_ALGORITHMS.wrapKey;
// Lookup tables keyed by the ASCII-lowercased name.
const REGISTERED_NAMES = { __proto__: null };
for (const operation in SUPPORTED_ALGORITHMS) {
  const table = { __proto__: null };
  for (const name in SUPPORTED_ALGORITHMS[operation]) table[asciiLowerCase(name)] = name;
  REGISTERED_NAMES[operation] = table;
}

// https://w3c.github.io/webcrypto/#algorithm-normalization-normalize-an-algorithm: a new
// plain object with `name` the registered spelling and the members of the algorithm's
// dictionary (BufferSource members copied, `hash` normalised for digest); a TypeError for
// a member that does not convert, a NotSupportedError for a name not registered for
// `operation`.
function normalizeAlgorithm(algorithm, operation, prefix) {
  if (typeof algorithm === 'string') return normalizeAlgorithm({ name: algorithm }, operation, prefix);
  const { name } = convertAlgorithm(algorithm, prefix, 'Argument 1');
  const registered = REGISTERED_NAMES[operation][asciiLowerCase(name)];
  if (registered === undefined) {
    throw domException(`${prefix}: Unrecognized algorithm name '${name}'.`, 'NotSupportedError');
  }
  const dictionary = SUPPORTED_ALGORITHMS[operation][registered];
  const normalized = DICTIONARY_CONVERTERS[dictionary](algorithm, prefix, 'Argument 1');
  normalized.name = registered;
  for (const member of BUFFER_MEMBERS) {
    if (normalized[member] !== undefined) normalized[member] = copyBytes(normalized[member]);
  }
  if (normalized.hash !== undefined) {
    normalized.hash = normalizeAlgorithm(normalized.hash, 'digest', prefix);
  }
  return normalized;
}

// ---- CryptoKey ----

// The internal slots of each CryptoKey: { type, extractable, algorithm, usages, material,
// algorithmCache, usagesCache }. `algorithm` is a plain object only this module sees;
// `material` the key's bytes (raw for secret keys, PKCS #8 DER for private keys, SPKI DER
// for public keys). A WeakMap entry lives as long as its key: the bytes go with it.
const keySlots = new NativeWeakMap();

function slotsOf(key) {
  return ReflectApply(WeakMapPrototypeGet, keySlots, [key]);
}

function isCryptoKey(value) {
  return ((typeof value === 'object' && value !== null) || typeof value === 'function') &&
      slotsOf(value) !== undefined;
}

const USAGE_ORDER = ['encrypt', 'decrypt', 'sign', 'verify', 'deriveKey', 'deriveBits',
  'wrapKey', 'unwrapKey'];

// The usages in the spec's order, each once.
function normalizeUsages(usages) {
  const result = [];
  for (const usage of USAGE_ORDER) {
    if (ReflectApply(ArrayPrototypeIncludes, usages, [usage])) {
      ReflectApply(ArrayPrototypePush, result, [usage]);
    }
  }
  return result;
}

// The usages of `usages` that `allowed` has.
function usagesIn(usages, allowed) {
  const result = [];
  for (const usage of usages) {
    if (ReflectApply(ArrayPrototypeIncludes, allowed, [usage])) {
      ReflectApply(ArrayPrototypePush, result, [usage]);
    }
  }
  return result;
}

// SyntaxError unless every usage is one of `allowed`.
function checkUsages(usages, allowed) {
  for (const usage of usages) {
    if (!ReflectApply(ArrayPrototypeIncludes, allowed, [usage])) {
      throw domException(`Cannot create a key using the specified key usages.`, 'SyntaxError');
    }
  }
}

// The algorithm object JavaScript sees: a copy, with hash as { name } and the public
// exponent as a new Uint8Array.
function exposedAlgorithm(algorithm) {
  const exposed = { name: algorithm.name };
  for (const key in algorithm) {
    if (key === 'name') continue;
    const value = algorithm[key];
    if (key === 'hash') {
      exposed.hash = { name: value.name };
    } else if (key === 'publicExponent') {
      exposed.publicExponent = ReflectApply(TypedArrayPrototypeSlice, value, []);
    } else {
      exposed[key] = value;
    }
  }
  return exposed;
}

// The token createKey passes to the CryptoKey interface object: any other construction
// is an illegal one.
const kCreateKey = Symbol('CryptoKey creation');

function createKey(type, extractable, algorithm, usages, material) {
  const key = new CryptoKey(kCreateKey);
  usages = normalizeUsages(usages);
  const slots = {
    type,
    extractable,
    algorithm,
    usages,
    material,
    algorithmCache: exposedAlgorithm(algorithm),
    usagesCache: [...usages],
    key,
    handle: 0,
  };
  ReflectApply(WeakMapPrototypeSet, keySlots, [key, slots]);
  return key;
}

// [Serializable]: a clone has the same type, extractable, algorithm, usages and material
// (bytes no one changes), and its own algorithm/usages objects and native handle.
function cloneKey(key) {
  const slots = slotsOf(key);
  return createKey(slots.type, slots.extractable, slots.algorithm, slots.usages, slots.material);
}

// Closes the native key of a collected CryptoKey.
function closeKeyHandle(rid) {
  try {
    op_close(rid);
  } catch {
    // Already closed (the runtime is going away): nothing to release.
  }
}
let openKeys = null;

// The native parsed key of an asymmetric key (a "cryptoKey" resource, crypto_key_ops.h),
// opened on first use and closed once the CryptoKey is collected. (The slots hold the
// CryptoKey itself: a WeakMap value may refer to its key without keeping it alive.)
function keyHandle(slots) {
  if (slots.handle === 0) {
    slots.handle = callOp(op_crypto_key_open, [slots.material, slots.type === 'private']);
    if (openKeys === null) openKeys = new NativeFinalizationRegistry(closeKeyHandle);
    ReflectApply(FinalizationRegistryPrototypeRegister, openKeys, [slots.key, slots.handle]);
  }
  return slots.handle;
}

const inspectCustom = SymbolFor('nodejs.util.inspect.custom');

// The slots of `this` for a CryptoKey member, or TypeError "Illegal invocation".
function slotsOfThis(self) {
  const slots = isCryptoKey(self) ? slotsOf(self) : undefined;
  if (slots === undefined) throw new NativeTypeError('Illegal invocation');
  return slots;
}

// CryptoKey instances are host objects (ext:web/interface_object.js), so that
// structuredClone's serializer hands them to the delegate registered below.
class CryptoKeyMembers {
  get type() {
    return slotsOfThis(this).type;
  }

  get extractable() {
    return slotsOfThis(this).extractable;
  }

  get algorithm() {
    return slotsOfThis(this).algorithmCache;
  }

  get usages() {
    return slotsOfThis(this).usagesCache;
  }

  // Prints as Node does: CryptoKey { type, extractable, algorithm, usages }.
  [inspectCustom](depth, options, inspect) {
    const slots = slotsOf(this);
    if (slots === undefined || typeof inspect !== 'function') return this;
    const fields = {
      type: slots.type,
      extractable: slots.extractable,
      algorithm: slots.algorithmCache,
      usages: slots.usagesCache,
    };
    const nested = { ...options, depth: options.depth == null ? null : options.depth - 1 };
    return `CryptoKey ${inspect(fields, nested)}`;
  }
}

function initializeCryptoKey(token) {
  if (token !== kCreateKey) webidl.illegalConstructor();
}

const CryptoKey = createInterface('CryptoKey', 0, initializeCryptoKey, CryptoKeyMembers);
webidl.configureInterface(CryptoKey);
ObjectDefineProperty(CryptoKey.prototype, inspectCustom, { enumerable: false });
registerSerializableInterface(isCryptoKey, cloneKey);

// ---- JSON Web Key ----

const convertJsonWebKey = webidl.createDictionaryConverter('JsonWebKey', [
  { key: 'kty', converter: webidl.converters.DOMString },
  { key: 'use', converter: webidl.converters.DOMString },
  { key: 'key_ops', converter: webidl.converters['sequence<DOMString>'] },
  { key: 'alg', converter: webidl.converters.DOMString },
  { key: 'ext', converter: webidl.converters.boolean },
  { key: 'crv', converter: webidl.converters.DOMString },
  { key: 'x', converter: webidl.converters.DOMString },
  { key: 'y', converter: webidl.converters.DOMString },
  { key: 'd', converter: webidl.converters.DOMString },
  { key: 'n', converter: webidl.converters.DOMString },
  { key: 'e', converter: webidl.converters.DOMString },
  { key: 'p', converter: webidl.converters.DOMString },
  { key: 'q', converter: webidl.converters.DOMString },
  { key: 'dp', converter: webidl.converters.DOMString },
  { key: 'dq', converter: webidl.converters.DOMString },
  { key: 'qi', converter: webidl.converters.DOMString },
  { key: 'oth', converter: webidl.converters.any },
  { key: 'k', converter: webidl.converters.DOMString },
]);

// The checks every JWK import makes (the spec's steps on kty, use, key_ops and ext).
function checkJwk(jwk, kty, use, extractable, usages) {
  if (jwk.kty !== kty) {
    throw domException(`The JWK's 'kty' member must be '${kty}'.`, 'DataError');
  }
  if (usages.length > 0 && jwk.use !== undefined && jwk.use !== use) {
    throw domException(`The JWK's 'use' member must be '${use}'.`, 'DataError');
  }
  if (jwk.key_ops !== undefined) {
    const seen = [];
    for (const op of jwk.key_ops) {
      if (ReflectApply(ArrayPrototypeIncludes, seen, [op])) {
        throw domException(`The JWK's 'key_ops' member lists '${op}' twice.`, 'DataError');
      }
      ReflectApply(ArrayPrototypePush, seen, [op]);
    }
    for (const usage of usages) {
      if (!ReflectApply(ArrayPrototypeIncludes, jwk.key_ops, [usage])) {
        throw domException(`The JWK's 'key_ops' member does not allow '${usage}'.`, 'DataError');
      }
    }
  }
  if (jwk.ext === false && extractable) {
    throw domException('The JWK is not extractable (ext: false) but the key would be.', 'DataError');
  }
}

function jwkMember(jwk, member) {
  const value = jwk[member];
  return value === undefined ? undefined : base64UrlDecode(value, member);
}

function requireJwkMember(jwk, member) {
  if (jwk[member] === undefined) {
    throw domException(`The JWK's '${member}' member is required.`, 'DataError');
  }
  return base64UrlDecode(jwk[member], member);
}

function exportJwkBase(slots, fields) {
  return { ...fields, key_ops: [...slots.usages], ext: slots.extractable };
}

// ---- the algorithms ----
//
// Each entry has the operations the spec defines for it; each takes normalised
// parameters, the already-checked key slots and returns the result (or throws a
// DOMException the caller turns into a rejection).

const HASH_BLOCK_BITS = { 'SHA-1': 512, 'SHA-256': 512, 'SHA-384': 1024, 'SHA-512': 1024 };
const HMAC_JWK_ALG = { 'SHA-1': 'HS1', 'SHA-256': 'HS256', 'SHA-384': 'HS384', 'SHA-512': 'HS512' };

function notSupportedFormat(format, name) {
  return domException(`The format '${format}' is not supported for ${name} keys.`,
                      'NotSupportedError');
}

function requireBuffer(format, keyData) {
  if (keyData.isJwk) {
    throw new NativeTypeError(`The key data for the '${format}' format must be a BufferSource.`);
  }
  return keyData.bytes;
}

function requireJwk(keyData) {
  if (!keyData.isJwk) throw new NativeTypeError("The key data for the 'jwk' format must be a JsonWebKey.");
  return keyData.jwk;
}

const HMAC = {
  usages: ['sign', 'verify'],
  generateKey(algorithm, extractable, usages) {
    checkUsages(usages, HMAC.usages);
    const length = HMAC.getKeyLength(algorithm, 'OperationError');
    const bytes = randomBytes((length + 7) >> 3);
    if (length % 8 !== 0) bytes[bytes.length - 1] &= 0xff << (8 - (length % 8));
    return createKey('secret', extractable,
                     { name: 'HMAC', length, hash: algorithm.hash }, usages, bytes);
  },
  importKey(format, keyData, algorithm, extractable, usages) {
    checkUsages(usages, HMAC.usages);
    let bytes;
    let hash = algorithm.hash;
    if (format === 'raw') {
      bytes = requireBuffer(format, keyData);
    } else if (format === 'jwk') {
      const jwk = requireJwk(keyData);
      checkJwk(jwk, 'oct', 'sig', extractable, usages);
      bytes = requireJwkMember(jwk, 'k');
      if (jwk.alg !== undefined && jwk.alg !== HMAC_JWK_ALG[hash.name]) {
        throw domException(`The JWK's 'alg' member must be '${HMAC_JWK_ALG[hash.name]}'.`,
                           'DataError');
      }
    } else {
      throw notSupportedFormat(format, 'HMAC');
    }
    let length = bytes.length * 8;
    if (length === 0) throw domException('The HMAC key is empty.', 'DataError');
    if (algorithm.length !== undefined) {
      if (algorithm.length > length || algorithm.length <= length - 8) {
        throw domException('The HMAC length does not match the key data.', 'DataError');
      }
      length = algorithm.length;
    }
    return createKey('secret', extractable, { name: 'HMAC', length, hash }, usages, bytes);
  },
  exportKey(format, slots) {
    if (format === 'raw') return bufferOf(ReflectApply(TypedArrayPrototypeSlice, slots.material, []));
    if (format === 'jwk') {
      return exportJwkBase(slots, {
        kty: 'oct', k: base64UrlEncode(slots.material),
        alg: HMAC_JWK_ALG[slots.algorithm.hash.name],
      });
    }
    throw notSupportedFormat(format, 'HMAC');
  },
  sign(algorithm, slots, data) {
    return bufferOf(callOp(op_crypto_hmac_sign, [slots.algorithm.hash.name, slots.material, data]));
  },
  verify(algorithm, slots, signature, data) {
    return callOp(op_crypto_hmac_verify, [slots.algorithm.hash.name, slots.material, data, signature]);
  },
  // `errorName`: the spec's TypeError for 'get key length', OperationError for generateKey.
  getKeyLength(algorithm, errorName = 'TypeError') {
    if (algorithm.length === undefined) return HASH_BLOCK_BITS[algorithm.hash.name];
    if (algorithm.length !== 0) return algorithm.length;
    if (errorName === 'TypeError') throw new NativeTypeError('The HMAC key length must not be 0.');
    throw domException('The HMAC key length must not be 0.', errorName);
  },
};

const AES_JWK_SUFFIX = { 'AES-CTR': 'CTR', 'AES-CBC': 'CBC', 'AES-GCM': 'GCM', 'AES-KW': 'KW' };
const GCM_TAG_LENGTHS = [32, 64, 96, 104, 112, 120, 128];

function makeAes(name) {
  const usages = name === 'AES-KW' ? ['wrapKey', 'unwrapKey']
                                   : ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'];
  const aes = {
    usages,
    generateKey(algorithm, extractable, keyUsages) {
      checkUsages(keyUsages, usages);
      const length = algorithm.length;
      if (length !== 128 && length !== 192 && length !== 256) {
        throw domException('AES key length must be 128, 192 or 256 bits.', 'OperationError');
      }
      return createKey('secret', extractable, { name, length }, keyUsages, randomBytes(length / 8));
    },
    importKey(format, keyData, algorithm, extractable, keyUsages) {
      checkUsages(keyUsages, usages);
      let bytes;
      if (format === 'raw') {
        bytes = requireBuffer(format, keyData);
      } else if (format === 'jwk') {
        const jwk = requireJwk(keyData);
        checkJwk(jwk, 'oct', 'enc', extractable, keyUsages);
        bytes = requireJwkMember(jwk, 'k');
        const expected = `A${bytes.length * 8}${AES_JWK_SUFFIX[name]}`;
        if (jwk.alg !== undefined && jwk.alg !== expected) {
          throw domException(`The JWK's 'alg' member must be '${expected}'.`, 'DataError');
        }
      } else {
        throw notSupportedFormat(format, name);
      }
      if (bytes.length !== 16 && bytes.length !== 24 && bytes.length !== 32) {
        throw domException('AES key data must be 128, 192 or 256 bits.', 'DataError');
      }
      return createKey('secret', extractable, { name, length: bytes.length * 8 }, keyUsages, bytes);
    },
    exportKey(format, slots) {
      if (format === 'raw') return bufferOf(ReflectApply(TypedArrayPrototypeSlice, slots.material, []));
      if (format === 'jwk') {
        return exportJwkBase(slots, {
          kty: 'oct', k: base64UrlEncode(slots.material),
          alg: `A${slots.material.length * 8}${AES_JWK_SUFFIX[name]}`,
        });
      }
      throw notSupportedFormat(format, name);
    },
    getKeyLength(algorithm) {
      const length = algorithm.length;
      if (length !== 128 && length !== 192 && length !== 256) {
        throw domException('AES key length must be 128, 192 or 256 bits.', 'OperationError');
      }
      return length;
    },
  };
  if (name === 'AES-KW') {
    aes.wrapKey = (algorithm, slots, bytes) =>
      bufferOf(callOp(op_crypto_aes_kw, [true, slots.material, bytes]));
    aes.unwrapKey = (algorithm, slots, bytes) =>
      bufferOf(callOp(op_crypto_aes_kw, [false, slots.material, bytes]));
    return aes;
  }
  const run = (encrypt, algorithm, slots, data) => {
    const operation = {
      mode: name, encrypt, key: slots.material, iv: EMPTY_BYTES, additional_data: EMPTY_BYTES,
      tag_length: 128, counter_length: 0, data,
    };
    if (name === 'AES-CBC') {
      if (algorithm.iv.length !== 16) {
        throw domException('The AES-CBC iv must be 16 bytes.', 'OperationError');
      }
      operation.iv = algorithm.iv;
    } else if (name === 'AES-CTR') {
      if (algorithm.counter.length !== 16) {
        throw domException('The AES-CTR counter must be 16 bytes.', 'OperationError');
      }
      if (algorithm.length === 0 || algorithm.length > 128) {
        throw domException('The AES-CTR length must be between 1 and 128.', 'OperationError');
      }
      operation.iv = algorithm.counter;
      operation.counter_length = algorithm.length;
    } else {
      const tagLength = algorithm.tagLength ?? 128;
      if (!ReflectApply(ArrayPrototypeIncludes, GCM_TAG_LENGTHS, [tagLength])) {
        throw domException(`${tagLength} is not a valid AES-GCM tag length.`, 'OperationError');
      }
      if (algorithm.iv.length === 0) {
        throw domException('The AES-GCM iv must not be empty.', 'OperationError');
      }
      operation.iv = algorithm.iv;
      operation.additional_data = algorithm.additionalData ?? EMPTY_BYTES;
      operation.tag_length = tagLength;
    }
    return bufferOf(callOp(op_crypto_aes, [operation]));
  };
  aes.encrypt = (algorithm, slots, data) => run(true, algorithm, slots, data);
  aes.decrypt = (algorithm, slots, data) => run(false, algorithm, slots, data);
  return aes;
}

// PBKDF2 and HKDF: keys are imported raw, not extractable, for deriveKey and deriveBits.
function makeKdf(name, derive) {
  const usages = ['deriveKey', 'deriveBits'];
  return {
    usages,
    importKey(format, keyData, algorithm, extractable, keyUsages) {
      if (format !== 'raw') throw notSupportedFormat(format, name);
      const bytes = requireBuffer(format, keyData);
      checkUsages(keyUsages, usages);
      if (extractable) {
        throw domException(`${name} keys cannot be extractable.`, 'SyntaxError');
      }
      return createKey('secret', false, { name }, keyUsages, bytes);
    },
    exportKey(format) {
      throw domException(`${name} keys cannot be exported.`, 'NotSupportedError');
    },
    deriveBits(algorithm, slots, length) {
      if (length === null || length === 0) {
        throw domException(`${name} needs a non-zero length.`, 'OperationError');
      }
      if (length % 8 !== 0) {
        throw domException(`The ${name} length must be a multiple of 8.`, 'OperationError');
      }
      return afterValue(derive(algorithm, slots, length / 8), bufferOf);
    },
    getKeyLength() {
      return null;
    },
  };
}

const PBKDF2 = makeKdf('PBKDF2', (algorithm, slots, bytes) => {
  if (algorithm.iterations === 0) {
    throw domException('PBKDF2 needs at least one iteration.', 'OperationError');
  }
  return callAsyncOp(op_crypto_pbkdf2, [algorithm.hash.name, slots.material, algorithm.salt,
    algorithm.iterations, bytes], undefined);
});
const HKDF = makeKdf('HKDF', (algorithm, slots, bytes) => callOp(
    op_crypto_hkdf, [algorithm.hash.name, slots.material, algorithm.salt, algorithm.info, bytes]));

// ---- asymmetric keys ----

const NAMED_CURVES = ['P-256', 'P-384', 'P-521'];
const ECDSA_JWK_ALG = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };
const RSA_JWK_ALG = {
  'RSASSA-PKCS1-v1_5': { 'SHA-1': 'RS1', 'SHA-256': 'RS256', 'SHA-384': 'RS384', 'SHA-512': 'RS512' },
  'RSA-PSS': { 'SHA-1': 'PS1', 'SHA-256': 'PS256', 'SHA-384': 'PS384', 'SHA-512': 'PS512' },
  'RSA-OAEP': {
    'SHA-1': 'RSA-OAEP', 'SHA-256': 'RSA-OAEP-256', 'SHA-384': 'RSA-OAEP-384',
    'SHA-512': 'RSA-OAEP-512',
  },
};
const JWK_MEMBERS = ['x', 'y', 'n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'];

// An asymmetric algorithm: `kind` the native key type ("EC", "Ed25519", "X25519", "RSA");
// `publicUsages` / `privateUsages` what each half may do; `jwkUse` the JWK 'use' value.
function makeAsymmetric(name, kind, publicUsages, privateUsages, jwkUse) {
  const allUsages = [...publicUsages, ...privateUsages];
  const isEc = kind === 'EC';
  const isRsa = kind === 'RSA';
  const curveOf = (algorithm) => (isEc ? algorithm.namedCurve : '');
  const jwkKty = isEc ? 'EC' : isRsa ? 'RSA' : 'OKP';
  const expectedJwkAlg = (algorithm) => {
    if (isRsa) return RSA_JWK_ALG[name][algorithm.hash.name];
    if (name === 'ECDSA') return ECDSA_JWK_ALG[algorithm.namedCurve];
    if (name === 'Ed25519' || name === 'Ed448') return 'EdDSA';
    return undefined;
  };
  const keyAlgorithm = (algorithm, imported) => {
    if (isEc) return { name, namedCurve: algorithm.namedCurve };
    if (isRsa) {
      return {
        name,
        modulusLength: imported.modulus_length,
        publicExponent: imported.public_exponent,
        hash: algorithm.hash,
      };
    }
    return { name };
  };
  const checkCurve = (algorithm) => {
    if (isEc && !ReflectApply(ArrayPrototypeIncludes, NAMED_CURVES, [algorithm.namedCurve])) {
      throw domException(`The named curve '${algorithm.namedCurve}' is not supported.`,
                         'NotSupportedError');
    }
  };
  const algorithm = {
    publicUsages,
    privateUsages,
    usages: allUsages,
    generateKey(params, extractable, usages) {
      checkUsages(usages, allUsages);
      checkCurve(params);
      let modulusLength = 0;
      let publicExponent = EMPTY_BYTES;
      if (isRsa) {
        modulusLength = params.modulusLength;
        publicExponent = params.publicExponent;
        if (modulusLength < 256 || modulusLength > 16384 || modulusLength % 8 !== 0) {
          throw domException(`Invalid RSA modulus length ${modulusLength}.`, 'OperationError');
        }
        let exponent = 0;
        for (const byte of publicExponent) exponent = exponent * 256 + byte;
        if (exponent !== 3 && exponent !== 65537) {
          throw domException('The RSA public exponent must be 3 or 65537.', 'OperationError');
        }
      }
      const keyAlg = keyAlgorithm(params, {
        modulus_length: modulusLength,
        public_exponent: ReflectApply(TypedArrayPrototypeSlice, publicExponent, []),
      });
      return callAsyncOp(op_crypto_generate_key_pair,
                         [kind, curveOf(params), modulusLength, publicExponent], (pair) => {
        const publicKey = createKey('public', true, keyAlg, usagesIn(usages, publicUsages),
                                    pair.public_key);
        const privateKey = createKey('private', extractable, keyAlg,
                                     usagesIn(usages, privateUsages), pair.private_key);
        return { publicKey, privateKey };
      });
    },
    importKey(format, keyData, params, extractable, usages) {
      checkCurve(params);
      let imported;
      if (format === 'spki' || format === 'raw') {
        if (format === 'raw' && isRsa) throw notSupportedFormat(format, name);
        checkUsages(usages, publicUsages);
        imported = callOp(op_crypto_import_key,
                          [kind, curveOf(params), format, requireBuffer(format, keyData)]);
      } else if (format === 'pkcs8') {
        checkUsages(usages, privateUsages);
        imported = callOp(op_crypto_import_key,
                          [kind, curveOf(params), format, requireBuffer(format, keyData)]);
      } else if (format === 'jwk') {
        const jwk = requireJwk(keyData);
        checkUsages(usages, jwk.d !== undefined ? privateUsages : publicUsages);
        checkJwk(jwk, jwkKty, jwkUse, extractable, usages);
        if (!isRsa) {
          const crv = isEc ? params.namedCurve : name;
          if (jwk.crv !== crv) {
            throw domException(`The JWK's 'crv' member must be '${crv}'.`, 'DataError');
          }
        }
        const alg = expectedJwkAlg(params);
        if (jwk.alg !== undefined && alg !== undefined && jwk.alg !== alg) {
          throw domException(`The JWK's 'alg' member must be '${alg}'.`, 'DataError');
        }
        if (jwk.oth !== undefined) {
          throw domException("RSA keys with more than two primes ('oth') are not supported.",
                             'NotSupportedError');
        }
        const material = {};
        for (const member of JWK_MEMBERS) {
          const bytes = jwkMember(jwk, member);
          if (bytes !== undefined) material[member] = bytes;
        }
        imported = callOp(op_crypto_import_jwk, [kind, curveOf(params), material]);
      } else {
        throw notSupportedFormat(format, name);
      }
      return createKey(imported.is_private ? 'private' : 'public', extractable,
                       keyAlgorithm(params, imported), usages, imported.der);
    },
    exportKey(format, slots) {
      const isPrivate = slots.type === 'private';
      if (format === 'spki' || format === 'raw') {
        if (isPrivate) {
          throw domException(`A private key cannot be exported as '${format}'.`,
                             'InvalidAccessError');
        }
        if (format === 'spki') return bufferOf(ReflectApply(TypedArrayPrototypeSlice, slots.material, []));
        if (isRsa) throw notSupportedFormat(format, name);
        return bufferOf(callOp(op_crypto_export_raw, [kind, slots.material]));
      }
      if (format === 'pkcs8') {
        if (!isPrivate) {
          throw domException("A public key cannot be exported as 'pkcs8'.", 'InvalidAccessError');
        }
        return bufferOf(ReflectApply(TypedArrayPrototypeSlice, slots.material, []));
      }
      if (format !== 'jwk') throw notSupportedFormat(format, name);
      const exported = callOp(op_crypto_export_jwk, [kind, isPrivate, slots.material]);
      const jwk = { kty: jwkKty };
      if (isEc) jwk.crv = slots.algorithm.namedCurve;
      else if (!isRsa) jwk.crv = name;
      for (const member of JWK_MEMBERS) {
        if (exported[member] !== null) jwk[member] = base64UrlEncode(exported[member]);
      }
      const alg = expectedJwkAlg(slots.algorithm);
      if (alg !== undefined) jwk.alg = alg;
      return exportJwkBase(slots, jwk);
    },
  };
  return algorithm;
}

function signOperation(kind, algorithm, slots, data) {
  const operation = { kind, hash: '', padding: '', salt_length: 0, key: keyHandle(slots), data };
  if (kind === 'EC') {
    operation.hash = algorithm.hash.name;
  } else if (kind === 'RSA') {
    operation.hash = slots.algorithm.hash.name;
    operation.padding = slots.algorithm.name === 'RSA-PSS' ? 'pss' : 'pkcs1';
    operation.salt_length = algorithm.saltLength ?? 0;
  }
  return operation;
}

function addSignature(algorithm, kind) {
  algorithm.sign = (params, slots, data) =>
    callAsyncOp(op_crypto_sign, [signOperation(kind, params, slots, data)], bufferOf);
  algorithm.verify = (params, slots, signature, data) =>
    callOp(op_crypto_verify, [signOperation(kind, params, slots, data), signature]);
  return algorithm;
}

// ECDH and X25519 deriveBits: the shared secret, cut to `length` bits (null: all of it).
function addKeyAgreement(algorithm, kind) {
  algorithm.deriveBits = (params, slots, length) => {
    const peer = slotsOf(params.public);
    if (peer.type !== 'public') {
      throw domException("The 'public' member must be a public key.", 'InvalidAccessError');
    }
    if (peer.algorithm.name !== slots.algorithm.name) {
      throw domException(`The public key is not an ${slots.algorithm.name} key.`,
                         'InvalidAccessError');
    }
    if (kind === 'EC' && peer.algorithm.namedCurve !== slots.algorithm.namedCurve) {
      throw domException('The public key is on another curve.', 'InvalidAccessError');
    }
    const secret = callOp(op_crypto_derive_shared_secret,
                          [kind, keyHandle(slots), keyHandle(peer)]);
    if (length === null) return bufferOf(secret);
    if (length > secret.length * 8) {
      throw domException(`The shared secret has only ${secret.length * 8} bits.`,
                         'OperationError');
    }
    const result = ReflectApply(TypedArrayPrototypeSlice, secret, [0, (length + 7) >> 3]);
    if (length % 8 !== 0) result[result.length - 1] &= 0xff << (8 - (length % 8));
    return bufferOf(result);
  };
  return algorithm;
}

function makeRsaOaep() {
  const algorithm = makeAsymmetric('RSA-OAEP', 'RSA', ['encrypt', 'wrapKey'],
                                   ['decrypt', 'unwrapKey'], 'enc');
  const run = (encrypt, params, slots, data) => bufferOf(callOp(op_crypto_rsa_oaep, [
    encrypt, slots.algorithm.hash.name, keyHandle(slots), params.label ?? EMPTY_BYTES, data,
  ]));
  algorithm.encrypt = (params, slots, data) => run(true, params, slots, data);
  algorithm.decrypt = (params, slots, data) => run(false, params, slots, data);
  return algorithm;
}

const ALGORITHMS = {
  __proto__: null,
  HMAC,
  'AES-CTR': makeAes('AES-CTR'),
  'AES-CBC': makeAes('AES-CBC'),
  'AES-GCM': makeAes('AES-GCM'),
  'AES-KW': makeAes('AES-KW'),
  PBKDF2,
  HKDF,
  ECDSA: addSignature(makeAsymmetric('ECDSA', 'EC', ['verify'], ['sign'], 'sig'), 'EC'),
  ECDH: addKeyAgreement(makeAsymmetric('ECDH', 'EC', [], ['deriveKey', 'deriveBits'], 'enc'), 'EC'),
  Ed25519: addSignature(makeAsymmetric('Ed25519', 'Ed25519', ['verify'], ['sign'], 'sig'),
                        'Ed25519'),
  Ed448: addSignature(makeAsymmetric('Ed448', 'Ed448', ['verify'], ['sign'], 'sig'), 'Ed448'),
  X25519: addKeyAgreement(makeAsymmetric('X25519', 'X25519', [], ['deriveKey', 'deriveBits'],
                                         'enc'), 'X25519'),
  X448: addKeyAgreement(makeAsymmetric('X448', 'X448', [], ['deriveKey', 'deriveBits'], 'enc'),
                        'X448'),
  'RSASSA-PKCS1-v1_5': addSignature(makeAsymmetric('RSASSA-PKCS1-v1_5', 'RSA', ['verify'],
                                                   ['sign'], 'sig'), 'RSA'),
  'RSA-PSS': addSignature(makeAsymmetric('RSA-PSS', 'RSA', ['verify'], ['sign'], 'sig'), 'RSA'),
  'RSA-OAEP': makeRsaOaep(),
};

// ---- SubtleCrypto ----

const convertKeyFormat = webidl.createEnumConverter('KeyFormat', ['raw', 'spki', 'pkcs8', 'jwk']);
const convertKeyUsages = webidl.createSequenceConverter(
    webidl.createEnumConverter('KeyUsage', USAGE_ORDER));

// (BufferSource or JsonWebKey)
function convertKeyData(value, prefix, context) {
  if (ArrayBufferIsView(value) || isArrayBuffer(value)) {
    return { isJwk: false, bytes: copyBytes(webidl.converters.BufferSource(value, prefix, context)) };
  }
  return { isJwk: true, jwk: convertJsonWebKey(value, prefix, context) };
}

function isArrayBuffer(value) {
  if (typeof value !== 'object' || value === null) return false;
  try {
    ReflectApply(ArrayBufferByteLength, value, []);
    return true;
  } catch {
    return false;
  }
}

function checkKeyUse(slots, algorithm, usage, prefix) {
  if (algorithm.name !== slots.algorithm.name) {
    throw domException(
        `${prefix}: The key's algorithm '${slots.algorithm.name}' does not match ` +
            `'${algorithm.name}'.`,
        'InvalidAccessError');
  }
  if (!ReflectApply(ArrayPrototypeIncludes, slots.usages, [usage])) {
    throw domException(`${prefix}: The key does not allow '${usage}'.`, 'InvalidAccessError');
  }
}

// The spec's importKey steps after normalization (also what deriveKey and unwrapKey do).
function importKeyNormalized(format, keyData, algorithm, extractable, usages) {
  const result = ALGORITHMS[algorithm.name].importKey(format, keyData, algorithm, extractable,
                                                      usages);
  const slots = slotsOf(result);
  if ((slots.type === 'secret' || slots.type === 'private') && slots.usages.length === 0) {
    throw domException('Usages cannot be empty when creating a key.', 'SyntaxError');
  }
  return result;
}

function exportKeySlots(format, slots) {
  if (!slots.extractable) {
    throw domException('The key is not extractable.', 'InvalidAccessError');
  }
  return ALGORITHMS[slots.algorithm.name].exportKey(format, slots);
}

// Runs `body` and returns its value as a promise; whatever it throws is a rejection.
function settle(body) {
  try {
    return PromiseResolve(body());
  } catch (error) {
    return PromiseReject(error);
  }
}

function prefixOf(method) {
  return `Failed to execute '${method}' on 'SubtleCrypto'`;
}

class SubtleCrypto {
  constructor() {
    webidl.illegalConstructor();
  }

  // Promise<ArrayBuffer> digest(AlgorithmIdentifier algorithm, BufferSource data)
  digest(algorithm, data) {
    try {
      webidl.assertBranded(this, SubtleCryptoPrototype);
      const prefix = prefixOf('digest');
      webidl.requiredArguments(arguments.length, 2, prefix);
      algorithm = convertAlgorithmIdentifier(algorithm, prefix, 'Argument 1');
      data = webidl.converters.BufferSource(data, prefix, 'Argument 2');
      const { name } = normalizeAlgorithm(algorithm, 'digest', prefix);
      // The op hashes during this call: the bytes are read now, as the spec's copy.
      const bytes = byteLengthOf(data) === 0 ? EMPTY_BYTES : data;
      return ReflectApply(PromisePrototypeThen, op_crypto_digest(name, bytes), [bufferOf]);
    } catch (error) {
      return PromiseReject(error);
    }
  }

  // Promise<ArrayBuffer> encrypt(AlgorithmIdentifier algorithm, CryptoKey key, BufferSource data)
  encrypt(algorithm, key, data) {
    return cipher(this, 'encrypt', arguments.length, algorithm, key, data);
  }

  // Promise<ArrayBuffer> decrypt(AlgorithmIdentifier algorithm, CryptoKey key, BufferSource data)
  decrypt(algorithm, key, data) {
    return cipher(this, 'decrypt', arguments.length, algorithm, key, data);
  }

  // Promise<ArrayBuffer> sign(AlgorithmIdentifier algorithm, CryptoKey key, BufferSource data)
  sign(algorithm, key, data) {
    const self = this;
    const count = arguments.length;
    return settle(() => {
      webidl.assertBranded(self, SubtleCryptoPrototype);
      const prefix = prefixOf('sign');
      webidl.requiredArguments(count, 3, prefix);
      algorithm = convertAlgorithmIdentifier(algorithm, prefix, 'Argument 1');
      key = convertCryptoKey(key, prefix, 'Argument 2');
      data = copyBytes(webidl.converters.BufferSource(data, prefix, 'Argument 3'));
      const normalized = normalizeAlgorithm(algorithm, 'sign', prefix);
      const slots = slotsOf(key);
      checkKeyUse(slots, normalized, 'sign', prefix);
      return ALGORITHMS[normalized.name].sign(normalized, slots, data);
    });
  }

  // Promise<boolean> verify(AlgorithmIdentifier algorithm, CryptoKey key,
  //                         BufferSource signature, BufferSource data)
  verify(algorithm, key, signature, data) {
    const self = this;
    const count = arguments.length;
    return settle(() => {
      webidl.assertBranded(self, SubtleCryptoPrototype);
      const prefix = prefixOf('verify');
      webidl.requiredArguments(count, 4, prefix);
      algorithm = convertAlgorithmIdentifier(algorithm, prefix, 'Argument 1');
      key = convertCryptoKey(key, prefix, 'Argument 2');
      signature = copyBytes(webidl.converters.BufferSource(signature, prefix, 'Argument 3'));
      data = copyBytes(webidl.converters.BufferSource(data, prefix, 'Argument 4'));
      const normalized = normalizeAlgorithm(algorithm, 'verify', prefix);
      const slots = slotsOf(key);
      checkKeyUse(slots, normalized, 'verify', prefix);
      return ALGORITHMS[normalized.name].verify(normalized, slots, signature, data);
    });
  }

  // Promise<(CryptoKey or CryptoKeyPair)> generateKey(AlgorithmIdentifier algorithm,
  //     boolean extractable, sequence<KeyUsage> keyUsages)
  generateKey(algorithm, extractable, keyUsages) {
    const self = this;
    const count = arguments.length;
    return settle(() => {
      webidl.assertBranded(self, SubtleCryptoPrototype);
      const prefix = prefixOf('generateKey');
      webidl.requiredArguments(count, 3, prefix);
      algorithm = convertAlgorithmIdentifier(algorithm, prefix, 'Argument 1');
      extractable = webidl.converters.boolean(extractable, prefix, 'Argument 2');
      keyUsages = convertKeyUsages(keyUsages, prefix, 'Argument 3');
      const normalized = normalizeAlgorithm(algorithm, 'generateKey', prefix);
      const result = ALGORITHMS[normalized.name].generateKey(normalized, extractable, keyUsages);
      return afterValue(result, (generated) => {
        const key = isCryptoKey(generated) ? slotsOf(generated) : slotsOf(generated.privateKey);
        if (key.usages.length === 0) {
          throw domException('Usages cannot be empty when creating a key.', 'SyntaxError');
        }
        return generated;
      });
    });
  }

  // Promise<CryptoKey> deriveKey(AlgorithmIdentifier algorithm, CryptoKey baseKey,
  //     AlgorithmIdentifier derivedKeyType, boolean extractable, sequence<KeyUsage> keyUsages)
  deriveKey(algorithm, baseKey, derivedKeyType, extractable, keyUsages) {
    const self = this;
    const count = arguments.length;
    return settle(() => {
      webidl.assertBranded(self, SubtleCryptoPrototype);
      const prefix = prefixOf('deriveKey');
      webidl.requiredArguments(count, 5, prefix);
      algorithm = convertAlgorithmIdentifier(algorithm, prefix, 'Argument 1');
      baseKey = convertCryptoKey(baseKey, prefix, 'Argument 2');
      derivedKeyType = convertAlgorithmIdentifier(derivedKeyType, prefix, 'Argument 3');
      extractable = webidl.converters.boolean(extractable, prefix, 'Argument 4');
      keyUsages = convertKeyUsages(keyUsages, prefix, 'Argument 5');
      const normalized = normalizeAlgorithm(algorithm, 'deriveBits', prefix);
      const importAlgorithm = normalizeAlgorithm(derivedKeyType, 'importKey', prefix);
      const lengthAlgorithm = normalizeAlgorithm(derivedKeyType, 'get key length', prefix);
      const slots = slotsOf(baseKey);
      checkKeyUse(slots, normalized, 'deriveKey', prefix);
      const length = ALGORITHMS[lengthAlgorithm.name].getKeyLength(lengthAlgorithm);
      const secret = ALGORITHMS[normalized.name].deriveBits(normalized, slots, length);
      return afterValue(secret, (bits) => importKeyNormalized(
          'raw', { isJwk: false, bytes: new NativeUint8Array(bits) }, importAlgorithm,
          extractable, keyUsages));
    });
  }

  // Promise<ArrayBuffer> deriveBits(AlgorithmIdentifier algorithm, CryptoKey baseKey,
  //     optional unsigned long? length = null)
  deriveBits(algorithm, baseKey, length = null) {
    const self = this;
    const count = arguments.length;
    return settle(() => {
      webidl.assertBranded(self, SubtleCryptoPrototype);
      const prefix = prefixOf('deriveBits');
      webidl.requiredArguments(count, 3, prefix);
      algorithm = convertAlgorithmIdentifier(algorithm, prefix, 'Argument 1');
      baseKey = convertCryptoKey(baseKey, prefix, 'Argument 2');
      length = length === null || length === undefined
        ? null : webidl.converters['unsigned long'](length, prefix, 'Argument 3');
      const normalized = normalizeAlgorithm(algorithm, 'deriveBits', prefix);
      const slots = slotsOf(baseKey);
      checkKeyUse(slots, normalized, 'deriveBits', prefix);
      return ALGORITHMS[normalized.name].deriveBits(normalized, slots, length);
    });
  }

  // Promise<CryptoKey> importKey(KeyFormat format, (BufferSource or JsonWebKey) keyData,
  //     AlgorithmIdentifier algorithm, boolean extractable, sequence<KeyUsage> keyUsages)
  importKey(format, keyData, algorithm, extractable, keyUsages) {
    const self = this;
    const count = arguments.length;
    return settle(() => {
      webidl.assertBranded(self, SubtleCryptoPrototype);
      const prefix = prefixOf('importKey');
      webidl.requiredArguments(count, 5, prefix);
      format = convertKeyFormat(format, prefix, 'Argument 1');
      keyData = convertKeyData(keyData, prefix, 'Argument 2');
      algorithm = convertAlgorithmIdentifier(algorithm, prefix, 'Argument 3');
      extractable = webidl.converters.boolean(extractable, prefix, 'Argument 4');
      keyUsages = convertKeyUsages(keyUsages, prefix, 'Argument 5');
      const normalized = normalizeAlgorithm(algorithm, 'importKey', prefix);
      if (format === 'jwk' && !keyData.isJwk) {
        throw new NativeTypeError(`${prefix}: The key data for 'jwk' must be a JsonWebKey.`);
      }
      if (format !== 'jwk' && keyData.isJwk) {
        throw new NativeTypeError(`${prefix}: The key data for '${format}' must be a BufferSource.`);
      }
      return importKeyNormalized(format, keyData, normalized, extractable, keyUsages);
    });
  }

  // Promise<(ArrayBuffer or JsonWebKey)> exportKey(KeyFormat format, CryptoKey key)
  exportKey(format, key) {
    const self = this;
    const count = arguments.length;
    return settle(() => {
      webidl.assertBranded(self, SubtleCryptoPrototype);
      const prefix = prefixOf('exportKey');
      webidl.requiredArguments(count, 2, prefix);
      format = convertKeyFormat(format, prefix, 'Argument 1');
      key = convertCryptoKey(key, prefix, 'Argument 2');
      return exportKeySlots(format, slotsOf(key));
    });
  }

  // Promise<ArrayBuffer> wrapKey(KeyFormat format, CryptoKey key, CryptoKey wrappingKey,
  //     AlgorithmIdentifier wrapAlgorithm)
  wrapKey(format, key, wrappingKey, wrapAlgorithm) {
    const self = this;
    const count = arguments.length;
    return settle(() => {
      webidl.assertBranded(self, SubtleCryptoPrototype);
      const prefix = prefixOf('wrapKey');
      webidl.requiredArguments(count, 4, prefix);
      format = convertKeyFormat(format, prefix, 'Argument 1');
      key = convertCryptoKey(key, prefix, 'Argument 2');
      wrappingKey = convertCryptoKey(wrappingKey, prefix, 'Argument 3');
      wrapAlgorithm = convertAlgorithmIdentifier(wrapAlgorithm, prefix, 'Argument 4');
      const { normalized, operation } = normalizeWrapAlgorithm(wrapAlgorithm, 'wrapKey',
                                                               'encrypt', prefix);
      const wrappingSlots = slotsOf(wrappingKey);
      checkKeyUse(wrappingSlots, normalized, 'wrapKey', prefix);
      const exported = exportKeySlots(format, slotsOf(key));
      const bytes = format === 'jwk' ? utf8Encoder.encode(JSONStringify(exported))
                                     : new NativeUint8Array(exported);
      return ALGORITHMS[normalized.name][operation](normalized, wrappingSlots, bytes);
    });
  }

  // Promise<CryptoKey> unwrapKey(KeyFormat format, BufferSource wrappedKey,
  //     CryptoKey unwrappingKey, AlgorithmIdentifier unwrapAlgorithm,
  //     AlgorithmIdentifier unwrappedKeyAlgorithm, boolean extractable,
  //     sequence<KeyUsage> keyUsages)
  unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm,
            extractable, keyUsages) {
    const self = this;
    const count = arguments.length;
    return settle(() => {
      webidl.assertBranded(self, SubtleCryptoPrototype);
      const prefix = prefixOf('unwrapKey');
      webidl.requiredArguments(count, 7, prefix);
      format = convertKeyFormat(format, prefix, 'Argument 1');
      wrappedKey = copyBytes(webidl.converters.BufferSource(wrappedKey, prefix, 'Argument 2'));
      unwrappingKey = convertCryptoKey(unwrappingKey, prefix, 'Argument 3');
      unwrapAlgorithm = convertAlgorithmIdentifier(unwrapAlgorithm, prefix, 'Argument 4');
      unwrappedKeyAlgorithm = convertAlgorithmIdentifier(unwrappedKeyAlgorithm, prefix,
                                                         'Argument 5');
      extractable = webidl.converters.boolean(extractable, prefix, 'Argument 6');
      keyUsages = convertKeyUsages(keyUsages, prefix, 'Argument 7');
      const { normalized, operation } = normalizeWrapAlgorithm(unwrapAlgorithm, 'unwrapKey',
                                                               'decrypt', prefix);
      const importAlgorithm = normalizeAlgorithm(unwrappedKeyAlgorithm, 'importKey', prefix);
      const unwrappingSlots = slotsOf(unwrappingKey);
      checkKeyUse(unwrappingSlots, normalized, 'unwrapKey', prefix);
      const bytes = new NativeUint8Array(
          ALGORITHMS[normalized.name][operation](normalized, unwrappingSlots, wrappedKey));
      let keyData;
      if (format === 'jwk') {
        let jwk;
        try {
          jwk = JSONParse(utf8Decoder.decode(bytes));
        } catch {
          throw domException(`${prefix}: The unwrapped key is not a JSON Web Key.`, 'DataError');
        }
        keyData = { isJwk: true, jwk: convertJsonWebKey(jwk, prefix, 'the unwrapped key') };
      } else {
        keyData = { isJwk: false, bytes };
      }
      return importKeyNormalized(format, keyData, importAlgorithm, extractable, keyUsages);
    });
  }
}
const SubtleCryptoPrototype = SubtleCrypto.prototype;
webidl.configureInterface(SubtleCrypto);

// The normalised algorithm of wrapKey/unwrapKey: registered for `primary` (AES-KW), else
// for `fallback` (encrypt/decrypt); and which of the two its entry implements.
function normalizeWrapAlgorithm(algorithm, primary, fallback, prefix) {
  try {
    return { normalized: normalizeAlgorithm(algorithm, primary, prefix), operation: primary };
  } catch (error) {
    if (error?.name !== 'NotSupportedError') throw error;
  }
  return { normalized: normalizeAlgorithm(algorithm, fallback, prefix), operation: fallback };
}

// encrypt / decrypt.
function cipher(self, method, count, algorithm, key, data) {
  return settle(() => {
    webidl.assertBranded(self, SubtleCryptoPrototype);
    const prefix = prefixOf(method);
    webidl.requiredArguments(count, 3, prefix);
    algorithm = convertAlgorithmIdentifier(algorithm, prefix, 'Argument 1');
    key = convertCryptoKey(key, prefix, 'Argument 2');
    data = copyBytes(webidl.converters.BufferSource(data, prefix, 'Argument 3'));
    const normalized = normalizeAlgorithm(algorithm, method, prefix);
    const slots = slotsOf(key);
    checkKeyUse(slots, normalized, method, prefix);
    return ALGORITHMS[normalized.name][method](normalized, slots, data);
  });
}

const subtle = createPlatformObject(SubtleCrypto);

class Crypto {
  constructor() {
    webidl.illegalConstructor();
  }

  get subtle() {
    webidl.assertBranded(this, CryptoPrototype);
    return subtle;
  }

  // ArrayBufferView getRandomValues(ArrayBufferView array): fills `array` in place.
  getRandomValues(array) {
    webidl.assertBranded(this, CryptoPrototype);
    const prefix = "Failed to execute 'getRandomValues' on 'Crypto'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    array = webidl.converters.ArrayBufferView(array, prefix, 'Argument 1');
    const type = ReflectApply(TypedArrayToStringTag, array, []);
    if (type === undefined || INTEGER_ARRAY_TYPES[type] !== true) {
      throw new DOMException(
          `${prefix}: The provided ArrayBufferView is of type '${type ?? 'DataView'}', ` +
              'which is not an integer array type.',
          'TypeMismatchError');
    }
    const byteLength = ReflectApply(TypedArrayByteLength, array, []);
    if (byteLength > MAX_RANDOM_BYTES) {
      throw new DOMException(
          `${prefix}: The ArrayBufferView's byte length (${byteLength}) exceeds the ` +
              `number of bytes of entropy available via this API (${MAX_RANDOM_BYTES}).`,
          'QuotaExceededError');
    }
    if (byteLength > 0) op_crypto_fill_random(array);
    return array;
  }

  // DOMString randomUUID(): a version 4 UUID.
  randomUUID() {
    webidl.assertBranded(this, CryptoPrototype);
    return op_crypto_random_uuid();
  }
}
const CryptoPrototype = Crypto.prototype;
webidl.configureInterface(Crypto);

const crypto = createPlatformObject(Crypto);


export { Crypto, CryptoKey, SubtleCrypto, crypto };
