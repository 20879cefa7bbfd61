// The entry module of the crypto extension (ext:crypto/crypto.js): the global `crypto`
// ([Replaceable] attribute of WindowOrWorkerGlobalScope: writable, enumerable) and the
// interface objects Crypto, SubtleCrypto and CryptoKey (not enumerable), lazy:
// web_crypto.js is evaluated when one is first read (internals.defineLazy, core/README.md
// "Lazy modules").
import { internals } from 'ext:core/internals';

internals.defineLazy(globalThis, 'ext:crypto/web_crypto.js', ['Crypto', 'SubtleCrypto', 'CryptoKey']);
internals.defineLazy(globalThis, 'ext:crypto/web_crypto.js', ['crypto'], true);
