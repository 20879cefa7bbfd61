// The crypto extension: the globals and interfaces, crypto.getRandomValues (integer types,
// type and quota errors, views into larger buffers), crypto.randomUUID (format, version,
// variant) and crypto.subtle.digest (known SHA vectors, algorithm normalisation, every
// BufferSource, errors as rejections), and the SubtleCrypto methods left out.
#include "ext/crypto/crypto_extension.h"

#include <string>

#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "ext/timers/timers_extension.h"
#include "ext/web/web_extension.h"
#include "ext/webidl/webidl_extension.h"
#include "gtest/gtest.h"

namespace kiln::crypto {
namespace {

class CryptoTest : public testing::RuntimeTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.extensions = {&extensions::webidl(), &extensions::timers(), &extensions::web(),
                          &extensions::crypto()};
    return options;
  }

  // Runs `setup`, which must set globalThis.result (possibly from a promise), through the
  // event loop, and returns the result formatted like console.log.
  std::string Settle(const std::string& setup) { return RunLoopThenEval(setup); }

  // Defines hex(buffer) and digestHex(algorithm, data) -> Promise<string>.
  void DefineHelpers() {
    ExpectEval(R"js(
      globalThis.hex = (buffer) => [...new Uint8Array(buffer)]
          .map((b) => b.toString(16).padStart(2, '0')).join('');
      globalThis.digestHex = (algorithm, data) =>
          crypto.subtle.digest(algorithm, data).then(hex);
      globalThis.describe = (error) =>
          `${error.constructor.name} ${error.name} ${error.code ?? '-'}: ${error.message}`;
      globalThis.rejection = (promise) => promise.then(
          () => 'resolved', (error) => describe(error));
      undefined
    )js",
               "undefined");
  }
};

TEST_F(CryptoTest, GlobalsAndInterfaces) {
  ExpectEval("crypto", "Crypto {}");
  ExpectEval("crypto.subtle", "SubtleCrypto {}");
  ExpectEval("[crypto instanceof Crypto, crypto.subtle instanceof SubtleCrypto]", "[ true, true ]");
  ExpectEval("crypto.subtle === crypto.subtle", "true");
  ExpectEval("Object.prototype.toString.call(crypto)", "'[object Crypto]'");
  ExpectEval("Object.prototype.toString.call(crypto.subtle)", "'[object SubtleCrypto]'");
  ExpectEval(R"js(
    const d = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
    [d.enumerable, d.configurable, d.writable]
  )js",
             "[ true, true, true ]");
  ExpectEval(R"js(
    ['Crypto', 'SubtleCrypto', 'CryptoKey'].map((name) => {
      const d = Object.getOwnPropertyDescriptor(globalThis, name);
      return `${name}:${d.enumerable}:${d.writable}:${typeof d.value}`;
    }).join(' ')
  )js",
             "'Crypto:false:true:function SubtleCrypto:false:true:function "
             "CryptoKey:false:true:function'");
  ExpectThrows("new Crypto()", "TypeError: Illegal constructor");
  ExpectThrows("new SubtleCrypto()", "TypeError: Illegal constructor");
  ExpectThrows("new CryptoKey()", "TypeError: Illegal constructor");
  ExpectThrows("Object.getOwnPropertyDescriptor(Crypto.prototype, 'subtle').get.call({})",
               "TypeError: Illegal invocation");
  ExpectThrows("crypto.randomUUID.call(Object.create(Crypto.prototype))",
               "TypeError: Illegal invocation");
  ExpectThrows("Object.getOwnPropertyDescriptor(CryptoKey.prototype, 'type').get.call({})",
               "TypeError: Illegal invocation");
  ExpectEval("Object.keys(Crypto.prototype)", "[ 'subtle', 'getRandomValues', 'randomUUID' ]");
  ExpectEval("Object.keys(SubtleCrypto.prototype).sort().join()",
             "'decrypt,deriveBits,deriveKey,digest,encrypt,exportKey,generateKey,importKey,"
             "sign,unwrapKey,verify,wrapKey'");
}

TEST_F(CryptoTest, GetRandomValuesFillsEveryIntegerTypeInPlace) {
  ExpectEval(R"js(
    ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
     'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array'].map((name) => {
      const array = new globalThis[name](64);
      const same = crypto.getRandomValues(array) === array;
      const nonZero = array.some((x) => x != 0);   // 64 zero elements: p = 2^-512 or less
      return `${name}:${same}:${nonZero}`;
    }).join(' ')
  )js",
             "'Int8Array:true:true Uint8Array:true:true Uint8ClampedArray:true:true "
             "Int16Array:true:true Uint16Array:true:true Int32Array:true:true "
             "Uint32Array:true:true BigInt64Array:true:true BigUint64Array:true:true'");
  // Two fills differ.
  ExpectEval(R"js(
    const a = crypto.getRandomValues(new Uint8Array(32));
    const b = crypto.getRandomValues(new Uint8Array(32));
    a.some((x, i) => x !== b[i])
  )js",
             "true");
  // A view into a larger buffer fills its own bytes only.
  ExpectEval(R"js(
    const bytes = new Uint8Array(96);
    crypto.getRandomValues(new Uint32Array(bytes.buffer, 32, 8));
    [bytes.subarray(0, 32).every((x) => x === 0), bytes.subarray(64).every((x) => x === 0),
     bytes.subarray(32, 64).some((x) => x !== 0)]
  )js",
             "[ true, true, true ]");
  ExpectEval("crypto.getRandomValues(new Uint8Array(0)).length", "0");
  // Exactly the quota is allowed.
  ExpectEval("crypto.getRandomValues(new Uint8Array(65536)).length", "65536");
  ExpectEval("crypto.getRandomValues(new BigUint64Array(8192)).length", "8192");
  // A view of a detached buffer is refused by the ArrayBufferView conversion.
  ExpectThrows(R"js(
    const buffer = new ArrayBuffer(8);
    const view = new Uint8Array(buffer);
    structuredClone(buffer, { transfer: [buffer] });
    crypto.getRandomValues(view)
  )js",
               "TypeError: Failed to execute 'getRandomValues' on 'Crypto': Argument 1 is a view "
               "on a detached ArrayBuffer.");
}

TEST_F(CryptoTest, GetRandomValuesErrors) {
  DefineHelpers();
  const std::string prefix = "Failed to execute 'getRandomValues' on 'Crypto': ";
  for (const char* type : {"Float32Array", "Float64Array"}) {
    ExpectEval(std::string("try { crypto.getRandomValues(new ") + type +
                   "(4)) } catch (e) { describe(e) + ' ' + (e instanceof DOMException) }",
               "\"DOMException TypeMismatchError 17: " + prefix +
                   "The provided ArrayBufferView is of type '" + type +
                   "', which is not an integer array type. true\"");
  }
  ExpectEval("try { crypto.getRandomValues(new DataView(new ArrayBuffer(4))) } "
             "catch (e) { describe(e) }",
             "\"DOMException TypeMismatchError 17: " + prefix +
                 "The provided ArrayBufferView is of type 'DataView', which is not an integer "
                 "array type.\"");
  // The type is checked before the quota.
  ExpectEval("try { crypto.getRandomValues(new Float64Array(65536)) } catch (e) { e.name }",
             "'TypeMismatchError'");
  ExpectEval(R"js(
    ['Int8Array', 'Uint8ClampedArray', 'Uint16Array', 'Int32Array', 'BigInt64Array']
        .map((name) => {
          const Type = globalThis[name];
          try {
            crypto.getRandomValues(new Type(65536 / Type.BYTES_PER_ELEMENT + 1));
            return 'filled';
          } catch (e) {
            return `${e.name}:${e.code}`;
          }
        }).join(' ')
  )js",
             "'QuotaExceededError:22 QuotaExceededError:22 QuotaExceededError:22 "
             "QuotaExceededError:22 QuotaExceededError:22'");
  ExpectEval("try { crypto.getRandomValues(new Uint8Array(65537)) } catch (e) { e.message }",
             "\"" + prefix +
                 "The ArrayBufferView's byte length (65537) exceeds the number of bytes of "
                 "entropy available via this API (65536).\"");
  ExpectThrows("crypto.getRandomValues()",
               "TypeError: " + prefix + "1 argument required, but only 0 present.");
  for (const char* value : {"1", "'bytes'", "new ArrayBuffer(8)", "[1, 2]", "null"}) {
    JsError error = EvalError(std::string("crypto.getRandomValues(") + value + ")");
    EXPECT_EQ(error.class_name, "TypeError") << value;
    EXPECT_NE(error.message.find(prefix), std::string::npos) << value << ": " << error.message;
  }
  // A view of shared memory is not an ArrayBufferView without [AllowShared].
  EXPECT_EQ(EvalError("crypto.getRandomValues(new Uint8Array(new SharedArrayBuffer(4)))").class_name,
            "TypeError");
  ExpectThrows("crypto.getRandomValues.call({}, new Uint8Array(1))",
               "TypeError: Illegal invocation");
}

TEST_F(CryptoTest, RandomUUIDIsAVersion4UUID) {
  ExpectEval(R"js(
    const pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const seen = new Set();
    let bad = 0;
    for (let i = 0; i < 2000; i++) {
      const uuid = crypto.randomUUID();
      if (!pattern.test(uuid)) bad++;
      seen.add(uuid);
    }
    [bad, seen.size, typeof crypto.randomUUID()]
  )js",
             "[ 0, 2000, 'string' ]");
  // Every variant nibble (8, 9, a, b) turns up: the variant bits are set, the rest random.
  ExpectEval(R"js(
    const variants = new Set();
    for (let i = 0; i < 400; i++) variants.add(crypto.randomUUID()[19]);
    [...variants].sort().join('')
  )js",
             "'89ab'");
}

TEST_F(CryptoTest, DigestKnownVectors) {
  DefineHelpers();
  // FIPS 180 examples: "abc" and the empty message.
  EXPECT_EQ(Settle(R"js(
    const abc = new Uint8Array([0x61, 0x62, 0x63]);
    Promise.all([
      digestHex('SHA-1', abc), digestHex('SHA-256', abc), digestHex('SHA-384', abc),
      digestHex('SHA-512', abc), digestHex('SHA-256', new Uint8Array(0)),
    ]).then((hashes) => { globalThis.result = hashes; });
  )js"),
            "[\n"
            "  'a9993e364706816aba3e25717850c26c9cd0d89d',\n"
            "  'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',\n"
            "  'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7"
            "cc2358baeca134c825a7',\n"
            "  'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274f"
            "c1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',\n"
            "  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'\n"
            "]");
  // 1,000,000 times 'a' (FIPS 180 long message), as one 1 MB buffer.
  EXPECT_EQ(Settle(R"js(
    digestHex('SHA-256', new Uint8Array(1000000).fill(0x61))
        .then((hash) => { globalThis.result = hash; });
  )js"),
            "'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'");
}

TEST_F(CryptoTest, DigestAcceptsEveryAlgorithmSpellingAndBufferSource) {
  DefineHelpers();
  EXPECT_EQ(Settle(R"js(
    const abc = new Uint8Array([0x61, 0x62, 0x63]);
    Promise.all([
      digestHex('sha-256', abc), digestHex('Sha-256', abc), digestHex({ name: 'sHa-256' }, abc),
      digestHex({ name: 'SHA-256', length: 3 }, abc),
      digestHex('SHA-256', abc.buffer), digestHex('SHA-256', new DataView(abc.buffer)),
      // a view into a larger buffer hashes its own bytes only
      digestHex('SHA-256', new Uint8Array([0, 0x61, 0x62, 0x63, 0]).subarray(1, 4)),
      digestHex('SHA-256', new Uint16Array(new Uint8Array([0x61, 0x62, 0x63, 0]).buffer, 0, 1)),
    ]).then((hashes) => { globalThis.result = new Set(hashes.slice(0, 7)).size + ' ' + hashes[7]; });
  )js"),
            "'1 fb8e20fc2e4c3f248c60c39bd652f3c1347298bb977b8b4d5903b85055620603'");
  // The result is a fresh ArrayBuffer of the digest's length.
  EXPECT_EQ(Settle(R"js(
    Promise.all(['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'].map(
        (name) => crypto.subtle.digest(name, new Uint8Array(3))))
        .then((buffers) => {
          globalThis.result = buffers.map((b) => `${b.constructor.name}:${b.byteLength}`);
        });
  )js"),
            "[\n  'ArrayBuffer:20',\n  'ArrayBuffer:32',\n  'ArrayBuffer:48',\n  'ArrayBuffer:64'\n]");
  // The data is read during the call: changing it afterwards changes nothing.
  EXPECT_EQ(Settle(R"js(
    const data = new Uint8Array([0x61, 0x62, 0x63]);
    const promise = digestHex('SHA-256', data);
    data.fill(0);
    promise.then((hash) => { globalThis.result = hash.slice(0, 8); });
  )js"),
            "'ba7816bf'");
  // A detached buffer is refused by the BufferSource conversion: a rejection.
  EXPECT_EQ(Settle(R"js(
    const buffer = new ArrayBuffer(8);
    structuredClone(buffer, { transfer: [buffer] });
    rejection(crypto.subtle.digest('SHA-256', buffer)).then((e) => { globalThis.result = e; });
  )js"),
            "\"TypeError TypeError -: Failed to execute 'digest' on 'SubtleCrypto': Argument 2 is "
            "a detached ArrayBuffer.\"");
}

TEST_F(CryptoTest, DigestErrorsAreRejections) {
  DefineHelpers();
  const std::string prefix = "Failed to execute 'digest' on 'SubtleCrypto': ";
  EXPECT_EQ(Settle(R"js(
    const data = new Uint8Array(1);
    Promise.all([
      rejection(crypto.subtle.digest('SHA-3', data)),
      rejection(crypto.subtle.digest({ name: 'AES-GCM' }, data)),
      rejection(crypto.subtle.digest('MD5', data)),
      rejection(crypto.subtle.digest(256, data)),
      rejection(crypto.subtle.digest('SHA256', data)),
      // ASCII case-insensitive only: U+017F is not an 's'
      rejection(crypto.subtle.digest('\u017fha-256', data)),
    ]).then((errors) => { globalThis.result = errors; });
  )js"),
            "[\n"
            "  \"DOMException NotSupportedError 9: " + prefix +
                "Unrecognized algorithm name 'SHA-3'.\",\n"
                "  \"DOMException NotSupportedError 9: " + prefix +
                "Unrecognized algorithm name 'AES-GCM'.\",\n"
                "  \"DOMException NotSupportedError 9: " + prefix +
                "Unrecognized algorithm name 'MD5'.\",\n"
                "  \"DOMException NotSupportedError 9: " + prefix +
                "Unrecognized algorithm name '256'.\",\n"
                "  \"DOMException NotSupportedError 9: " + prefix +
                "Unrecognized algorithm name 'SHA256'.\",\n"
                "  \"DOMException NotSupportedError 9: " + prefix +
                "Unrecognized algorithm name 'ſha-256'.\"\n"
                "]");
  EXPECT_EQ(Settle(R"js(
    Promise.all([
      rejection(crypto.subtle.digest()),
      rejection(crypto.subtle.digest('SHA-256')),
      rejection(crypto.subtle.digest({}, new Uint8Array(1))),
      rejection(crypto.subtle.digest('SHA-256', 'abc')),
      rejection(crypto.subtle.digest('SHA-256', [1, 2])),
      rejection(crypto.subtle.digest(Symbol('x'), new Uint8Array(1))),
      rejection(crypto.subtle.digest.call({}, 'SHA-256', new Uint8Array(1))),
    ]).then((errors) => { globalThis.result = errors.map((e) => e.split(': ')[0]); });
  )js"),
            "[\n"
            "  'TypeError TypeError -',\n"
            "  'TypeError TypeError -',\n"
            "  'TypeError TypeError -',\n"
            "  'TypeError TypeError -',\n"
            "  'TypeError TypeError -',\n"
            "  'TypeError TypeError -',\n"
            "  'TypeError TypeError -'\n"
            "]");
  EXPECT_EQ(Settle(R"js(
    rejection(crypto.subtle.digest()).then((e) => { globalThis.result = e; });
  )js"),
            "\"TypeError TypeError -: " + prefix + "2 arguments required, but only 0 present.\"");
  EXPECT_EQ(Settle(R"js(
    rejection(crypto.subtle.digest({}, new Uint8Array(1))).then((e) => { globalThis.result = e; });
  )js"),
            "\"TypeError TypeError -: " + prefix +
                "Argument 1 can not be converted to 'Algorithm' because 'name' is required in "
                "'Algorithm'.\"");
  // Nothing is thrown synchronously.
  ExpectEval(R"js(
    const promise = crypto.subtle.digest.call(null);
    promise.catch(() => {});
    promise instanceof Promise
  )js",
             "true");
}

TEST_F(CryptoTest, KeyMethodsRejectWithNotSupportedError) {
  DefineHelpers();
  EXPECT_EQ(Settle(R"js(
    const s = crypto.subtle;
    Promise.all([
      rejection(s.encrypt({ name: 'AES-GCM' }, {}, new Uint8Array(1))),
      rejection(s.decrypt({ name: 'AES-GCM' }, {}, new Uint8Array(1))),
      rejection(s.sign('HMAC', {}, new Uint8Array(1))),
      rejection(s.verify('HMAC', {}, new Uint8Array(1), new Uint8Array(1))),
      rejection(s.generateKey({ name: 'AES-GCM', length: 128 }, true, ['encrypt'])),
      rejection(s.deriveKey('HKDF', {}, 'AES-GCM', true, [])),
      rejection(s.deriveBits('HKDF', {}, 128)),
      rejection(s.importKey('raw', new Uint8Array(16), 'AES-GCM', true, ['encrypt'])),
      rejection(s.exportKey('raw', {})),
      rejection(s.wrapKey('raw', {}, {}, 'AES-KW')),
      rejection(s.unwrapKey('raw', new Uint8Array(8), {}, 'AES-KW', 'AES-GCM', true, [])),
    ]).then((errors) => {
      globalThis.result = errors.every((e) => e.startsWith('DOMException NotSupportedError 9: '))
          + ' ' + errors[0];
    });
  )js"),
            "\"true DOMException NotSupportedError 9: Failed to execute 'encrypt' on "
            "'SubtleCrypto': encrypt is not supported (no key algorithms).\"");
  EXPECT_EQ(Settle(R"js(
    Promise.all([
      rejection(crypto.subtle.encrypt({ name: 'AES-GCM' })),
      rejection(crypto.subtle.importKey.call({}, 'raw', 1, 2, 3, 4)),
    ]).then((errors) => { globalThis.result = errors; });
  )js"),
            "[\n"
            "  \"TypeError TypeError -: Failed to execute 'encrypt' on 'SubtleCrypto': 3 "
            "arguments required, but only 1 present.\",\n"
            "  'TypeError TypeError -: Illegal invocation'\n"
            "]");
  ExpectEval(R"js(
    ['encrypt', 'verify', 'unwrapKey', 'digest'].map((m) => SubtleCrypto.prototype[m].length)
  )js",
             "[ 3, 4, 7, 2 ]");
}

}  // namespace
}  // namespace kiln::crypto
