// ext:crypto/web_crypto.js: the Web Cryptography API's `crypto` object and its interfaces
// Crypto, SubtleCrypto and CryptoKey (lazy globals: see the entry module, crypto.js).
// https://w3c.github.io/webcrypto/
//
// crypto.getRandomValues and crypto.randomUUID draw from OpenSSL's generator
// (crypto_ops.cc); crypto.subtle.digest hashes with OpenSSL (SHA-1, SHA-256, SHA-384,
// SHA-512). The other SubtleCrypto methods check their receiver and argument count, then
// reject with a NotSupportedError: no key algorithm is implemented (README.md).
import {
  op_crypto_digest,
  op_crypto_fill_random,
  op_crypto_random_uuid,
} from 'ext:core/ops';
import * as webidl from 'ext:webidl/webidl.js';
import { DOMException } from 'ext:web/dom_exception.js';

const ObjectCreate = Object.create;
const ObjectDefineProperty = Object.defineProperty;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectPrototypeHasOwnProperty = Object.prototype.hasOwnProperty;
const ReflectApply = Reflect.apply;
const PromiseReject = Promise.reject.bind(Promise);
const PromisePrototypeThen = Promise.prototype.then;
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

// Registered algorithms per operation, keyed by the ASCII-lowercased name, valued by the
// name's registered spelling (the spec's "normalize an algorithm").
const SUPPORTED_ALGORITHMS = {
  __proto__: null,
  digest: {
    __proto__: null,
    'sha-1': 'SHA-1',
    'sha-256': 'SHA-256',
    'sha-384': 'SHA-384',
    'sha-512': 'SHA-512',
  },
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

// https://w3c.github.io/webcrypto/#algorithm-normalization-normalize-an-algorithm: the
// registered name of `algorithm` for `operation`, or a NotSupportedError.
function normalizeAlgorithm(algorithm, operation, prefix) {
  if (typeof algorithm === 'string') algorithm = { name: algorithm };
  const { name } = convertAlgorithm(algorithm, prefix, 'Argument 1');
  const registered = SUPPORTED_ALGORITHMS[operation];
  const key = asciiLowerCase(name);
  if (!ReflectApply(ObjectPrototypeHasOwnProperty, registered, [key])) {
    throw new DOMException(`${prefix}: Unrecognized algorithm name '${name}'.`,
                           'NotSupportedError');
  }
  return registered[key];
}

function digestBuffer(digest) {
  return ReflectApply(TypedArrayBuffer, digest, []);
}

class SubtleCrypto {
  constructor() {
    webidl.illegalConstructor();
  }

  // Promise<ArrayBuffer> digest(AlgorithmIdentifier algorithm, BufferSource data)
  digest(algorithm, data) {
    try {
      webidl.assertBranded(this, SubtleCryptoPrototype);
      const prefix = "Failed to execute 'digest' on 'SubtleCrypto'";
      webidl.requiredArguments(arguments.length, 2, prefix);
      algorithm = convertAlgorithmIdentifier(algorithm, prefix, 'Argument 1');
      data = webidl.converters.BufferSource(data, prefix, 'Argument 2');
      const name = normalizeAlgorithm(algorithm, 'digest', prefix);
      // The op hashes during this call: the bytes are read now, as the spec's copy.
      const bytes = byteLengthOf(data) === 0 ? EMPTY_BYTES : data;
      return ReflectApply(PromisePrototypeThen, op_crypto_digest(name, bytes), [digestBuffer]);
    } catch (error) {
      return PromiseReject(error);
    }
  }
}
const SubtleCryptoPrototype = SubtleCrypto.prototype;

// The methods of SubtleCrypto that need key algorithms: each checks its receiver and its
// argument count as the spec's IDL does, then rejects with a NotSupportedError.
const UNSUPPORTED_METHODS = [
  ['encrypt', 3], ['decrypt', 3], ['sign', 3], ['verify', 4], ['generateKey', 3],
  ['deriveKey', 5], ['deriveBits', 3], ['importKey', 5], ['exportKey', 2], ['wrapKey', 4],
  ['unwrapKey', 7],
];
for (const [name, required] of UNSUPPORTED_METHODS) {
  const method = {
    [name](...args) {
      try {
        webidl.assertBranded(this, SubtleCryptoPrototype);
        const prefix = `Failed to execute '${name}' on 'SubtleCrypto'`;
        webidl.requiredArguments(args.length, required, prefix);
        throw new DOMException(`${prefix}: ${name} is not supported (no key algorithms).`,
                               'NotSupportedError');
      } catch (error) {
        return PromiseReject(error);
      }
    },
  }[name];
  ObjectDefineProperty(method, 'length', { value: required });
  ObjectDefineProperty(SubtleCryptoPrototype, name, {
    value: method, writable: true, enumerable: false, configurable: true,
  });
}
webidl.configureInterface(SubtleCrypto);

// No CryptoKey can exist until a key algorithm is implemented; the interface is there so
// that `instanceof CryptoKey` and feature checks work.
class CryptoKey {
  constructor() {
    webidl.illegalConstructor();
  }

  get type() {
    webidl.assertBranded(this, CryptoKeyPrototype);
    return undefined;
  }

  get extractable() {
    webidl.assertBranded(this, CryptoKeyPrototype);
    return undefined;
  }

  get algorithm() {
    webidl.assertBranded(this, CryptoKeyPrototype);
    return undefined;
  }

  get usages() {
    webidl.assertBranded(this, CryptoKeyPrototype);
    return undefined;
  }
}
const CryptoKeyPrototype = CryptoKey.prototype;
webidl.configureInterface(CryptoKey);

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
