// The crypto extension: the globals and interfaces, crypto.getRandomValues (integer types,
// type and quota errors, views into larger buffers), crypto.randomUUID (format, version,
// variant), crypto.subtle.digest (known SHA vectors, algorithm normalisation, every
// BufferSource, errors as rejections), CryptoKey objects, and the key algorithms: known
// answers (RFC 4231 HMAC, the GCM specification's AES-GCM, RFC 3394 AES-KW, RFC 6070
// PBKDF2, RFC 5869 HKDF, RFC 8032 Ed25519), round trips through every format, the spec's
// errors as rejections, and keys collected once dropped.
#include "ext/crypto/crypto_extension.h"
#include "ext/encoding/encoding_extension.h"

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
                          &extensions::encoding(), &extensions::crypto()};
    return options;
  }

  // Runs `setup`, which must set globalThis.result (possibly from a promise), through the
  // event loop, and returns the result formatted like console.log.
  std::string Settle(const std::string& setup) { return RunLoopThenEval(setup); }

  // Runs `setup` through the event loop; then globalThis.result, which must be a string, as
  // is.
  std::string SettleText(const std::string& setup) {
    std::string settled = RunLoopThenEval(setup, "typeof globalThis.result");
    if (settled != "'string'") return "<result: " + settled + ">";
    Result<v8::Global<v8::Value>> value = runtime().Eval("globalThis.result");
    if (!value.ok()) return "<eval: " + value.error().Report() + ">";
    v8::Isolate* isolate = runtime().isolate();
    v8::HandleScope scope(isolate);
    v8::Context::Scope context_scope(runtime().context());
    v8::String::Utf8Value utf8(isolate, value.value().Get(isolate));
    return std::string(*utf8, utf8.length());
  }

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

// The slow operations run on the blocking pool: a timer set after the call fires while
// they run, and a digest hashes the bytes the buffer held at the call.
TEST_F(CryptoTest, SlowOperationsLeaveTheJavaScriptThreadFree) {
  DefineHelpers();
  EXPECT_EQ(Settle(R"js(
    const data = new Uint8Array(1000000).fill(0x61);
    const hashed = digestHex('SHA-256', data);
    data.fill(0x62);  // after the call: not what is hashed
    const settledDuring = (promise) => {
      let settled = false;
      promise.then(() => { settled = true; });
      return new Promise((resolve) => setTimeout(() => resolve(settled), 0));
    };
    (async () => {
      const password = await crypto.subtle.importKey(
          'raw', new TextEncoder().encode('password'), 'PBKDF2', false, ['deriveBits']);
      const derived = crypto.subtle.deriveBits(
          { name: 'PBKDF2', salt: new TextEncoder().encode('salt'), iterations: 2000000,
            hash: 'SHA-256' }, password, 256);
      const pbkdf2SettledFirst = await settledDuring(derived);
      const rsa = crypto.subtle.generateKey(
          { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]),
            hash: 'SHA-256' }, false, ['sign']);
      const rsaSettledFirst = await settledDuring(rsa);
      const pair = await rsa;
      globalThis.result = [await hashed, pbkdf2SettledFirst, rsaSettledFirst,
                           pair.privateKey.algorithm.modulusLength,
                           hex(await derived).slice(0, 16)];
    })();
  )js"),
            "[\n  'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',\n"
            "  false,\n  false,\n  2048,\n  'f05d12f524a37d4d'\n]");
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

// Each line of `lines` (an expression per line, each a promise or a value) settled and
// described: the value as JSON-ish text, or the rejection's class, name and message.
TEST_F(CryptoTest, CryptoKeyObjects) {
  DefineHelpers();
  EXPECT_EQ(Settle(R"js({
    crypto.subtle.importKey('raw', new Uint8Array(32), { name: 'HMAC', hash: 'sha-256' }, true,
                            ['verify', 'sign', 'sign']).then((key) => {
      globalThis.key = key;
      globalThis.result = [
        key instanceof CryptoKey, Object.prototype.toString.call(key), key.type,
        key.extractable, key.algorithm === key.algorithm, key.usages === key.usages,
        JSON.stringify(key.algorithm), JSON.stringify(key.usages),
      ];
    });
  })js"),
            "[\n  true,\n  '[object CryptoKey]',\n  'secret',\n  true,\n  true,\n  true,\n"
            "  '{\"name\":\"HMAC\",\"length\":256,\"hash\":{\"name\":\"SHA-256\"}}',\n"
            "  '[\"sign\",\"verify\"]'\n]");
  ExpectEval("key",
             "CryptoKey {\n  type: 'secret',\n  extractable: true,\n"
             "  algorithm: { name: 'HMAC', length: 256, hash: [Object] },\n"
             "  usages: [ 'sign', 'verify' ]\n}");
  // Changing the exposed objects changes nothing inside the key.
  EXPECT_EQ(Settle(R"js({
    key.algorithm.hash.name = 'SHA-1';
    key.usages.length = 0;
    crypto.subtle.sign('HMAC', key, new Uint8Array(0)).then((signature) => {
      globalThis.result = signature.byteLength;
    });
  })js"),
            "32");
  ExpectEval("Object.keys(CryptoKey.prototype)", "[ 'type', 'extractable', 'algorithm', 'usages' ]");
  ExpectEval("Reflect.ownKeys(key).filter((k) => typeof k === 'string')", "[]");
  ExpectThrows("Object.getOwnPropertyDescriptor(CryptoKey.prototype, 'usages').get.call({})",
               "TypeError: Illegal invocation");
  ExpectThrows("new CryptoKey()", "TypeError: Illegal constructor");
  ExpectThrows("new CryptoKey(Symbol('CryptoKey creation'))", "TypeError: Illegal constructor");
  ExpectThrows("CryptoKey()",
               "TypeError: Failed to construct 'CryptoKey': Please use the 'new' operator, this "
               "DOM object constructor cannot be called as a function.");
  // [Serializable]: a clone is a key of its own with the same slots.
  EXPECT_EQ(Settle(R"js({
    const clone = structuredClone(key);
    crypto.subtle.sign('HMAC', clone, new Uint8Array(0)).then(async (signature) => {
      globalThis.result = [clone instanceof CryptoKey, clone === key,
        clone.algorithm === key.algorithm, clone.algorithm.name, clone.usages,
        await crypto.subtle.verify('HMAC', key, signature, new Uint8Array(0))];
    });
  })js"),
            "[ true, false, false, 'HMAC', [ 'sign', 'verify' ], true ]");
  EXPECT_EQ(Settle(R"js({
    const s = crypto.subtle;
    s.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']).then((pair) => {
      globalThis.result = [Object.keys(pair), pair.publicKey.type, pair.publicKey.extractable,
        pair.publicKey.usages, pair.privateKey.type, pair.privateKey.extractable,
        pair.privateKey.usages, pair.privateKey.algorithm];
    });
  })js"),
            "[\n  [ 'publicKey', 'privateKey' ],\n  'public',\n  true,\n  [ 'verify' ],\n"
            "  'private',\n  false,\n  [ 'sign' ],\n  { name: 'ECDSA', namedCurve: 'P-256' }\n]");
}

TEST_F(CryptoTest, HmacKnownAnswers) {
  DefineHelpers();
  // RFC 4231 test cases 1 and 2.
  EXPECT_EQ(Settle(R"js({
    const s = crypto.subtle;
    const text = (t) => new Uint8Array([...t].map((c) => c.charCodeAt(0)));
    const mac = (hash, key, data) => s.importKey('raw', key, { name: 'HMAC', hash }, false, ['sign'])
        .then((k) => s.sign('HMAC', k, data)).then(hex);
    const key1 = new Uint8Array(20).fill(0x0b);
    Promise.all([
      mac('SHA-256', key1, text('Hi There')),
      mac('SHA-384', key1, text('Hi There')),
      mac('SHA-512', key1, text('Hi There')),
      mac('SHA-256', text('Jefe'), text('what do ya want for nothing?')),
    ]).then((macs) => { globalThis.result = macs; });
  })js"),
            "[\n"
            "  'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',\n"
            "  'afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af"
            "152e8b2fa9cb6',\n"
            "  '87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038"
            "b274eaea3f4e4be9d914eeb61f1702e696c203a126854',\n"
            "  '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'\n"
            "]");
  EXPECT_EQ(Settle(R"js({
    const s = crypto.subtle;
    (async () => {
      const key = await s.generateKey({ name: 'HMAC', hash: 'SHA-384' }, true, ['sign', 'verify']);
      const data = new Uint8Array([1, 2, 3]);
      const signature = new Uint8Array(await s.sign('HMAC', key, data));
      const good = await s.verify('HMAC', key, signature, data);
      signature[0] ^= 1;
      const flipped = await s.verify('HMAC', key, signature, data);
      const short = await s.verify('HMAC', key, signature.subarray(1), data);
      const jwk = await s.exportKey('jwk', key);
      const back = await s.importKey('jwk', jwk, { name: 'HMAC', hash: 'SHA-384' }, true, ['verify']);
      const raw = await s.exportKey('raw', back);
      const odd = await s.generateKey({ name: 'HMAC', hash: 'SHA-1', length: 12 }, true, ['sign']);
      const oddRaw = new Uint8Array(await s.exportKey('raw', odd));
      return [key.algorithm.length, good, flipped, short, jwk.kty, jwk.alg, jwk.k.length,
        jwk.key_ops, jwk.ext, raw.byteLength, back.usages, odd.algorithm.length,
        oddRaw.length, oddRaw[1] & 0x0f];
    })().then((r) => { globalThis.result = r; });
  })js"),
            "[\n  1024,\n  true,\n  false,\n  false,\n  'oct',\n  'HS384',\n  171,\n"
            "  [ 'sign', 'verify' ],\n  true,\n  128,\n  [ 'verify' ],\n  12,\n  2,\n  0\n]");
}

TEST_F(CryptoTest, AesKnownAnswersAndRoundTrips) {
  DefineHelpers();
  // The GCM specification's test cases 3 and 4 (AES-128, 96-bit IV; case 4 with AAD).
  EXPECT_EQ(Settle(R"js({
    const s = crypto.subtle;
    const bytes = (h) => new Uint8Array(h.match(/../g).map((b) => parseInt(b, 16)));
    const key = bytes('feffe9928665731c6d6a8f9467308308');
    const iv = bytes('cafebabefacedbaddecaf888');
    const plain = bytes('d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72' +
        '1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255');
    const aad = bytes('feedfacedeadbeeffeedfacedeadbeefabaddad2');
    (async () => {
      const k = await s.importKey('raw', key, 'AES-GCM', false, ['encrypt', 'decrypt']);
      const case3 = hex(await s.encrypt({ name: 'AES-GCM', iv }, k, plain));
      const case4 = new Uint8Array(await s.encrypt(
          { name: 'AES-GCM', iv, additionalData: aad }, k, plain.subarray(0, 60)));
      const opened = await s.decrypt({ name: 'AES-GCM', iv, additionalData: aad }, k, case4);
      const short = await s.encrypt({ name: 'AES-GCM', iv, tagLength: 96 }, k, plain);
      case4[0] ^= 1;
      const tampered = await rejection(
          s.decrypt({ name: 'AES-GCM', iv, additionalData: aad }, k, case4));
      return [case3, hex(case4.subarray(60)), hex(opened) === hex(plain.subarray(0, 60)),
        short.byteLength, tampered];
    })().then((r) => { globalThis.result = r; });
  })js"),
            "[\n"
            "  '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d"
            "8f6a5aac84aa051ba30b396a0aac973d58e091473f59854d5c2af327cd64a62cf35abd2ba6fab4',\n"
            "  '5bc94fbc3221a5db94fae95ae7121a47',\n"
            "  true,\n"
            "  76,\n"
            "  'DOMException OperationError 0: The operation failed for an operation-specific "
            "reason'\n"
            "]");
  // AES-CTR's counter is the rightmost `length` bits: after 0xf with length 4 comes 0x0, the
  // other bits unchanged; AES-CBC pads; AES-KW wraps (RFC 3394 4.1).
  EXPECT_EQ(Settle(R"js({
    const s = crypto.subtle;
    const bytes = (h) => new Uint8Array(h.match(/../g).map((b) => parseInt(b, 16)));
    (async () => {
      const k = await s.generateKey({ name: 'AES-CTR', length: 192 }, true, ['encrypt', 'decrypt']);
      const counter = bytes('000102030405060708090a0b0c0d0e0f');
      const wrapped = bytes('000102030405060708090a0b0c0d0e00');
      const data = new Uint8Array(32).fill(0x5a);
      const both = new Uint8Array(await s.encrypt({ name: 'AES-CTR', counter, length: 4 }, k, data));
      const second = new Uint8Array(await s.encrypt(
          { name: 'AES-CTR', counter: wrapped, length: 4 }, k, data.subarray(16)));
      const back = new Uint8Array(await s.decrypt({ name: 'AES-CTR', counter, length: 4 }, k, both));
      const tooLong = await rejection(
          s.encrypt({ name: 'AES-CTR', counter, length: 1 }, k, new Uint8Array(33)));
      const cbcKey = await s.generateKey({ name: 'AES-CBC', length: 256 }, false, ['encrypt', 'decrypt']);
      const iv = new Uint8Array(16);
      const sealed = await s.encrypt({ name: 'AES-CBC', iv }, cbcKey, new Uint8Array(16));
      const opened = await s.decrypt({ name: 'AES-CBC', iv }, cbcKey, sealed);
      const badIv = await rejection(s.encrypt({ name: 'AES-CBC', iv: new Uint8Array(8) }, cbcKey, iv));
      const kek = await s.importKey('raw', bytes('000102030405060708090a0b0c0d0e0f'), 'AES-KW',
                                    false, ['wrapKey', 'unwrapKey']);
      const keyData = await s.importKey('raw', bytes('00112233445566778899aabbccddeeff'),
                                        'AES-GCM', true, ['encrypt']);
      const kw = await s.wrapKey('raw', keyData, kek, 'AES-KW');
      const unwrapped = await s.unwrapKey('raw', kw, kek, 'AES-KW', 'AES-GCM', true, ['decrypt']);
      const kwTampered = new Uint8Array(kw).slice();
      kwTampered[3] ^= 1;
      const kwBad = await rejection(s.unwrapKey('raw', kwTampered, kek, 'AES-KW', 'AES-GCM', true,
                                                ['decrypt']));
      return [hex(both.subarray(16)) === hex(second), hex(back) === hex(data), tooLong,
        sealed.byteLength, opened.byteLength, badIv, hex(kw),
        hex(await s.exportKey('raw', unwrapped)), kwBad];
    })().then((r) => { globalThis.result = r; });
  })js"),
            "[\n  true,\n  true,\n"
            "  'DOMException OperationError 0: The data is longer than the counter allows (2^length "
            "blocks).',\n"
            "  32,\n  16,\n"
            "  'DOMException OperationError 0: The AES-CBC iv must be 16 bytes.',\n"
            "  '1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5',\n"
            "  '00112233445566778899aabbccddeeff',\n"
            "  'DOMException OperationError 0: The operation failed for an operation-specific "
            "reason'\n]");
}

TEST_F(CryptoTest, Pbkdf2AndHkdfKnownAnswers) {
  DefineHelpers();
  // RFC 6070 (PBKDF2-HMAC-SHA1) and RFC 5869 test cases 1 and 3 (HKDF-SHA256).
  EXPECT_EQ(Settle(R"js({
    const s = crypto.subtle;
    const text = (t) => new Uint8Array([...t].map((c) => c.charCodeAt(0)));
    const bytes = (h) => new Uint8Array(h.match(/../g).map((b) => parseInt(b, 16)));
    (async () => {
      const password = await s.importKey('raw', text('password'), 'PBKDF2', false, ['deriveBits']);
      const pbkdf2 = (iterations) => s.deriveBits(
          { name: 'PBKDF2', hash: 'SHA-1', salt: text('salt'), iterations }, password, 160).then(hex);
      const ikm = await s.importKey('raw', new Uint8Array(22).fill(0x0b), 'HKDF', false,
                                    ['deriveBits', 'deriveKey']);
      const case1 = await s.deriveBits({ name: 'HKDF', hash: 'SHA-256',
        salt: bytes('000102030405060708090a0b0c'), info: bytes('f0f1f2f3f4f5f6f7f8f9') }, ikm, 336);
      const case3 = await s.deriveBits(
          { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new Uint8Array(0) },
          ikm, 336);
      const derived = await s.deriveKey(
          { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new Uint8Array(0) },
          ikm, { name: 'HMAC', hash: 'SHA-256', length: 128 }, true, ['sign']);
      return [await pbkdf2(1), await pbkdf2(2), await pbkdf2(4096), hex(case1), hex(case3),
        hex(await s.exportKey('raw', derived)), derived.algorithm.length];
    })().then((r) => { globalThis.result = r; });
  })js"),
            "[\n"
            "  '0c60c80f961f0e71f3a9b524af6012062fe037a6',\n"
            "  'ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957',\n"
            "  '4b007901b765489abead49d926f721d065a429c1',\n"
            "  '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',"
            "\n"
            "  '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',"
            "\n"
            "  '8da4e775a563c18f715f802a063c5a31',\n"
            "  128\n"
            "]");
  EXPECT_EQ(Settle(R"js({
    const s = crypto.subtle;
    (async () => {
      const key = await s.importKey('raw', new Uint8Array(8), 'HKDF', false, ['deriveBits']);
      const pbkdf2 = await s.importKey('raw', new Uint8Array(8), 'PBKDF2', false, ['deriveBits']);
      const hkdf = { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new Uint8Array(0) };
      return Promise.all([
        rejection(s.deriveBits(hkdf, key, 0)),
        rejection(s.deriveBits(hkdf, key, null)),
        rejection(s.deriveBits(hkdf, key, 12)),
        rejection(s.deriveBits(hkdf, key, 255 * 256 + 8)),
        rejection(s.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(0),
                                 iterations: 0 }, pbkdf2, 128)),
        rejection(s.importKey('raw', new Uint8Array(8), 'HKDF', true, ['deriveBits'])),
        rejection(s.importKey('jwk', { kty: 'oct', k: 'AA' }, 'PBKDF2', false, ['deriveBits'])),
        rejection(s.exportKey('raw', key)),
        rejection(s.deriveKey(hkdf, key, { name: 'AES-GCM', length: 128 }, true, ['encrypt'])),
        rejection(s.deriveBits({ name: 'HKDF', hash: 'SHA-256', info: new Uint8Array(0) }, key, 8)),
      ]);
    })().then((r) => { globalThis.result = r; });
  })js"),
            "[\n"
            "  'DOMException OperationError 0: HKDF needs a non-zero length.',\n"
            "  'DOMException OperationError 0: HKDF needs a non-zero length.',\n"
            "  'DOMException OperationError 0: The HKDF length must be a multiple of 8.',\n"
            "  'DOMException OperationError 0: HKDF with SHA-256 derives at most 65280 bits.',\n"
            "  'DOMException OperationError 0: PBKDF2 needs at least one iteration.',\n"
            "  'DOMException SyntaxError 12: HKDF keys cannot be extractable.',\n"
            "  \"DOMException NotSupportedError 9: The format 'jwk' is not supported for PBKDF2 "
            "keys.\",\n"
            "  'DOMException InvalidAccessError 15: The key is not extractable.',\n"
            "  \"DOMException InvalidAccessError 15: Failed to execute 'deriveKey' on "
            "'SubtleCrypto': The key does not allow 'deriveKey'.\",\n"
            "  \"TypeError TypeError -: Failed to execute 'deriveBits' on 'SubtleCrypto': Argument "
            "1 can not be converted to 'HkdfParams' because 'salt' is required in 'HkdfParams'.\"\n"
            "]");
}

TEST_F(CryptoTest, Ed25519KnownAnswerAndEcdsa) {
  DefineHelpers();
  // RFC 8032 section 7.1, test 1 (the empty message).
  EXPECT_EQ(Settle(R"js({
    const s = crypto.subtle;
    const bytes = (h) => new Uint8Array(h.match(/../g).map((b) => parseInt(b, 16)));
    const b64u = (h) => btoa(String.fromCharCode(...bytes(h)))
        .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const d = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
    const x = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
    (async () => {
      const privateKey = await s.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', d: b64u(d), x: b64u(x) },
                                           'Ed25519', true, ['sign']);
      const publicKey = await s.importKey('raw', bytes(x), 'Ed25519', true, ['verify']);
      const signature = new Uint8Array(await s.sign('Ed25519', privateKey, new Uint8Array(0)));
      const good = await s.verify('Ed25519', publicKey, signature, new Uint8Array(0));
      const other = await s.verify('Ed25519', publicKey, signature, new Uint8Array(1));
      const wrongX = await rejection(s.importKey('jwk',
          { kty: 'OKP', crv: 'Ed25519', d: b64u(d), x: b64u(d) }, 'Ed25519', true, ['sign']));
      return [hex(signature), good, other, wrongX,
        (await s.exportKey('spki', publicKey)).byteLength,
        (await s.exportKey('pkcs8', privateKey)).byteLength];
    })().then((r) => { globalThis.result = r; });
  })js"),
            "[\n"
            "  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e"
            "39701cf9b46bd25bf5f0595bbe24655141438e7a100b',\n"
            "  true,\n  false,\n"
            "  \"DOMException DataError 0: The JWK's 'x' member does not match its private key.\",\n"
            "  44,\n  48\n]");
  EXPECT_EQ(Settle(R"js({
    const s = crypto.subtle;
    (async () => {
      const out = [];
      for (const [namedCurve, hash] of [['P-256', 'SHA-256'], ['P-384', 'SHA-384'], ['P-521', 'SHA-512']]) {
        const pair = await s.generateKey({ name: 'ECDSA', namedCurve }, true, ['sign', 'verify']);
        const data = new Uint8Array([1, 2, 3]);
        const signature = await s.sign({ name: 'ECDSA', hash }, pair.privateKey, data);
        const jwk = await s.exportKey('jwk', pair.privateKey);
        const fromJwk = await s.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y },
                                          { name: 'ECDSA', namedCurve }, true, ['verify']);
        const raw = new Uint8Array(await s.exportKey('raw', pair.publicKey));
        const fromSpki = await s.importKey('spki', await s.exportKey('spki', fromJwk),
                                           { name: 'ECDSA', namedCurve }, true, ['verify']);
        out.push([signature.byteLength, raw.length, raw[0], jwk.alg,
          await s.verify({ name: 'ECDSA', hash }, fromSpki, signature, data),
          await s.verify({ name: 'ECDSA', hash }, fromSpki, signature.slice(1), data)].join());
      }
      return out;
    })().then((r) => { globalThis.result = r; });
  })js"),
            "[\n  '64,65,4,ES256,true,false',\n  '96,97,4,ES384,true,false',\n"
            "  '132,133,4,ES512,true,false'\n]");
}

TEST_F(CryptoTest, KeyAgreementAndRsa) {
  DefineHelpers();
  EXPECT_EQ(Settle(R"js({
    const s = crypto.subtle;
    (async () => {
      const a = await s.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits', 'deriveKey']);
      const b = await s.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
      const c = await s.generateKey({ name: 'ECDH', namedCurve: 'P-384' }, false, ['deriveBits']);
      const ab = hex(await s.deriveBits({ name: 'ECDH', public: b.publicKey }, a.privateKey, 256));
      const ba = hex(await s.deriveBits({ name: 'ECDH', public: a.publicKey }, b.privateKey, null));
      const cut = new Uint8Array(await s.deriveBits({ name: 'ECDH', public: b.publicKey }, a.privateKey, 12));
      const aes = await s.deriveKey({ name: 'ECDH', public: b.publicKey }, a.privateKey,
                                    { name: 'AES-GCM', length: 128 }, true, ['encrypt']);
      const x1 = await s.generateKey('X25519', false, ['deriveBits']);
      const x2 = await s.generateKey('X25519', false, ['deriveBits']);
      const x12 = hex(await s.deriveBits({ name: 'X25519', public: x2.publicKey }, x1.privateKey, 256));
      const x21 = hex(await s.deriveBits({ name: 'X25519', public: x1.publicKey }, x2.privateKey, 256));
      return [ab === ba, cut.length, cut[1] & 0x0f, aes.algorithm.length, x12 === x21,
        await rejection(s.deriveBits({ name: 'ECDH', public: c.publicKey }, a.privateKey, 256)),
        await rejection(s.deriveBits({ name: 'ECDH', public: b.privateKey }, a.privateKey, 256)),
        await rejection(s.deriveBits({ name: 'ECDH', public: b.publicKey }, a.privateKey, 264)),
        await rejection(s.deriveBits({ name: 'X25519', public: b.publicKey }, x1.privateKey, 256)),
        await rejection(s.deriveBits({ name: 'ECDH', public: {} }, a.privateKey, 256))];
    })().then((r) => { globalThis.result = r; });
  })js"),
            "[\n  true,\n  2,\n  0,\n  128,\n  true,\n"
            "  'DOMException InvalidAccessError 15: The public key is on another curve.',\n"
            "  \"DOMException InvalidAccessError 15: The 'public' member must be a public key.\",\n"
            "  'DOMException OperationError 0: The shared secret has only 256 bits.',\n"
            "  'DOMException InvalidAccessError 15: The public key is not an X25519 key.',\n"
            "  \"TypeError TypeError -: Failed to execute 'deriveBits' on 'SubtleCrypto': 'public' "
            "member of EcdhKeyDeriveParams (Argument 1) is not of type 'CryptoKey'.\"\n]");
  EXPECT_EQ(Settle(R"js({
    const s = crypto.subtle;
    const e = new Uint8Array([1, 0, 1]);
    const data = new Uint8Array([9, 8, 7]);
    (async () => {
      const pss = await s.generateKey({ name: 'RSA-PSS', modulusLength: 1024, publicExponent: e,
                                        hash: 'SHA-256' }, true, ['sign', 'verify']);
      const signature = await s.sign({ name: 'RSA-PSS', saltLength: 32 }, pss.privateKey, data);
      const pssOk = await s.verify({ name: 'RSA-PSS', saltLength: 32 }, pss.publicKey, signature, data);
      const jwk = await s.exportKey('jwk', pss.privateKey);
      const pkcs1 = await s.importKey('jwk', { ...jwk, alg: 'RS256', key_ops: undefined },
          { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
      const pkcs1Public = await s.importKey('spki', await s.exportKey('spki', pss.publicKey),
          { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
      const pkcs1Signature = await s.sign('RSASSA-PKCS1-v1_5', pkcs1, data);
      const oaep = await s.generateKey({ name: 'RSA-OAEP', modulusLength: 1024, publicExponent: e,
                                         hash: 'SHA-1' }, false, ['encrypt', 'decrypt']);
      const label = new Uint8Array([1]);
      const sealed = await s.encrypt({ name: 'RSA-OAEP', label }, oaep.publicKey, data);
      return [pss.publicKey.algorithm.modulusLength, [...pss.publicKey.algorithm.publicExponent],
        signature.byteLength, pssOk, jwk.alg, Object.keys(jwk).join(),
        await s.verify('RSASSA-PKCS1-v1_5', pkcs1Public, pkcs1Signature, data),
        hex(await s.decrypt({ name: 'RSA-OAEP', label }, oaep.privateKey, sealed)),
        await rejection(s.decrypt({ name: 'RSA-OAEP' }, oaep.privateKey, sealed)),
        await rejection(s.generateKey({ name: 'RSA-OAEP', modulusLength: 1024,
          publicExponent: new Uint8Array([7]), hash: 'SHA-1' }, false, ['encrypt']))];
    })().then((r) => { globalThis.result = r; });
  })js"),
            "[\n  1024,\n  [ 1, 0, 1 ],\n  128,\n  true,\n  'PS256',\n"
            "  'kty,n,e,d,p,q,dp,dq,qi,alg,key_ops,ext',\n  true,\n  '090807',\n"
            "  'DOMException OperationError 0: The operation failed for an operation-specific "
            "reason',\n"
            "  'DOMException OperationError 0: The RSA public exponent must be 3 or 65537.'\n]");
}

TEST_F(CryptoTest, KeyErrorsAreRejections) {
  DefineHelpers();
  EXPECT_EQ(SettleText(R"js({
    const s = crypto.subtle;
    (async () => {
      const hmac = await s.importKey('raw', new Uint8Array(16), { name: 'HMAC', hash: 'SHA-1' },
                                     false, ['sign']);
      const ec = await s.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
      return Promise.all([
        rejection(s.generateKey({ name: 'AES-GCM', length: 128 }, true, ['sign'])),
        rejection(s.generateKey({ name: 'AES-GCM', length: 128 }, true, [])),
        rejection(s.generateKey({ name: 'AES-GCM', length: 64 }, true, ['encrypt'])),
        rejection(s.generateKey({ name: 'AES-GCM' }, true, ['encrypt'])),
        rejection(s.generateKey({ name: 'ECDSA', namedCurve: 'P-192' }, true, ['sign'])),
        rejection(s.generateKey({ name: 'HMAC' }, true, ['sign'])),
        rejection(s.generateKey({ name: 'HMAC', hash: 'MD5' }, true, ['sign'])),
        rejection(s.generateKey({ name: 'AES-GCM', length: 128 }, true, ['bogus'])),
        rejection(s.generateKey('Ed25519', true, ['verify'])),
        rejection(s.generateKey('PBKDF2', false, ['deriveBits'])),
        rejection(s.sign('HMAC', hmac)),
        rejection(s.sign('HMAC', {}, new Uint8Array(1))),
        rejection(s.sign('Ed25519', hmac, new Uint8Array(1))),
        rejection(s.verify('HMAC', hmac, new Uint8Array(1), new Uint8Array(1))),
        rejection(s.sign({ name: 'ECDSA', hash: 'SHA-256' }, ec.publicKey, new Uint8Array(1))),
        rejection(s.exportKey('raw', hmac)),
        rejection(s.exportKey('pkcs8', ec.publicKey)),
        rejection(s.exportKey('spki', ec.privateKey)),
        rejection(s.exportKey('pem', ec.publicKey)),
        rejection(s.importKey('raw', new Uint8Array(15), 'AES-CBC', true, ['encrypt'])),
        rejection(s.importKey('raw', new Uint8Array(0), { name: 'HMAC', hash: 'SHA-1' }, true, ['sign'])),
        rejection(s.importKey('raw', new Uint8Array(16), { name: 'HMAC', hash: 'SHA-1', length: 120 }, true, ['sign'])),
        rejection(s.importKey('jwk', new Uint8Array(16), 'AES-CBC', true, ['encrypt'])),
        rejection(s.importKey('raw', { kty: 'oct', k: 'AAAAAAAAAAAAAAAAAAAAAA' }, 'AES-CBC', true, ['encrypt'])),
        rejection(s.importKey('jwk', { kty: 'EC', k: 'AAAAAAAAAAAAAAAAAAAAAA' }, 'AES-CBC', true, ['encrypt'])),
        rejection(s.importKey('jwk', { kty: 'oct', k: 'AA*A' }, 'AES-CBC', true, ['encrypt'])),
        rejection(s.importKey('jwk', { kty: 'oct', k: 'AAAAAAAAAAAAAAAAAAAAAA', alg: 'A256CBC' }, 'AES-CBC', true, ['encrypt'])),
        rejection(s.importKey('jwk', { kty: 'oct', k: 'AAAAAAAAAAAAAAAAAAAAAA', ext: false }, 'AES-CBC', true, ['encrypt'])),
        rejection(s.importKey('jwk', { kty: 'oct', k: 'AAAAAAAAAAAAAAAAAAAAAA', key_ops: ['decrypt'] }, 'AES-CBC', true, ['encrypt'])),
        rejection(s.importKey('spki', new Uint8Array([48, 0]), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify'])),
        rejection(s.importKey('spki', await s.exportKey('spki', ec.publicKey), { name: 'ECDSA', namedCurve: 'P-384' }, true, ['verify'])),
        rejection(s.importKey('spki', await s.exportKey('spki', ec.publicKey), 'Ed25519', true, ['verify'])),
        rejection(s.importKey('raw', new Uint8Array(65), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify'])),
        rejection(s.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12), tagLength: 100 }, hmac, new Uint8Array(1))),
        rejection(s.wrapKey('raw', hmac, hmac, 'AES-KW')),
        rejection(s.unwrapKey('raw', new Uint8Array(24), hmac, 'HMAC', 'AES-GCM', true, ['encrypt'])),
      ]);
    })().then((r) => { globalThis.result = r.join('\n'); });
  })js"),
            "DOMException SyntaxError 12: Cannot create a key using the specified key usages.\n"
            "DOMException SyntaxError 12: Usages cannot be empty when creating a key.\n"
            "DOMException OperationError 0: AES key length must be 128, 192 or 256 bits.\n"
            "TypeError TypeError -: Failed to execute 'generateKey' on 'SubtleCrypto': Argument 1 "
            "can not be converted to 'AesKeyGenParams' because 'length' is required in "
            "'AesKeyGenParams'.\n"
            "DOMException NotSupportedError 9: The named curve 'P-192' is not supported.\n"
            "TypeError TypeError -: Failed to execute 'generateKey' on 'SubtleCrypto': Argument 1 "
            "can not be converted to 'HmacKeyGenParams' because 'hash' is required in "
            "'HmacKeyGenParams'.\n"
            "DOMException NotSupportedError 9: Failed to execute 'generateKey' on 'SubtleCrypto': "
            "Unrecognized algorithm name 'MD5'.\n"
            "TypeError TypeError -: Failed to execute 'generateKey' on 'SubtleCrypto': The "
            "provided value 'bogus' is not a valid enum value of type KeyUsage.\n"
            "DOMException SyntaxError 12: Usages cannot be empty when creating a key.\n"
            "DOMException NotSupportedError 9: Failed to execute 'generateKey' on 'SubtleCrypto': "
            "Unrecognized algorithm name 'PBKDF2'.\n"
            "TypeError TypeError -: Failed to execute 'sign' on 'SubtleCrypto': 3 arguments "
            "required, but only 2 present.\n"
            "TypeError TypeError -: Failed to execute 'sign' on 'SubtleCrypto': Argument 2 is not "
            "of type 'CryptoKey'.\n"
            "DOMException InvalidAccessError 15: Failed to execute 'sign' on 'SubtleCrypto': The "
            "key's algorithm 'HMAC' does not match 'Ed25519'.\n"
            "DOMException InvalidAccessError 15: Failed to execute 'verify' on 'SubtleCrypto': The "
            "key does not allow 'verify'.\n"
            "DOMException InvalidAccessError 15: Failed to execute 'sign' on 'SubtleCrypto': The "
            "key does not allow 'sign'.\n"
            "DOMException InvalidAccessError 15: The key is not extractable.\n"
            "DOMException InvalidAccessError 15: A public key cannot be exported as 'pkcs8'.\n"
            "DOMException InvalidAccessError 15: A private key cannot be exported as 'spki'.\n"
            "TypeError TypeError -: Failed to execute 'exportKey' on 'SubtleCrypto': The provided "
            "value 'pem' is not a valid enum value of type KeyFormat.\n"
            "DOMException DataError 0: AES key data must be 128, 192 or 256 bits.\n"
            "DOMException DataError 0: The HMAC key is empty.\n"
            "DOMException DataError 0: The HMAC length does not match the key data.\n"
            "TypeError TypeError -: Failed to execute 'importKey' on 'SubtleCrypto': The key data "
            "for 'jwk' must be a JsonWebKey.\n"
            "TypeError TypeError -: Failed to execute 'importKey' on 'SubtleCrypto': The key data "
            "for 'raw' must be a BufferSource.\n"
            "DOMException DataError 0: The JWK's 'kty' member must be 'oct'.\n"
            "DOMException DataError 0: The JWK member 'k' is not valid base64url.\n"
            "DOMException DataError 0: The JWK's 'alg' member must be 'A128CBC'.\n"
            "DOMException DataError 0: The JWK is not extractable (ext: false) but the key would "
            "be.\n"
            "DOMException DataError 0: The JWK's 'key_ops' member does not allow 'encrypt'.\n"
            "DOMException DataError 0: Invalid SPKI key data.\n"
            "DOMException DataError 0: The key is not an EC key on P-384.\n"
            "DOMException DataError 0: The key is not an Ed25519 key.\n"
            "DOMException DataError 0: Invalid EC public key.\n"
            "DOMException InvalidAccessError 15: Failed to execute 'encrypt' on 'SubtleCrypto': "
            "The key's algorithm 'HMAC' does not match 'AES-GCM'.\n"
            "DOMException InvalidAccessError 15: Failed to execute 'wrapKey' on 'SubtleCrypto': The "
            "key's algorithm 'HMAC' does not match 'AES-KW'.\n"
            "DOMException NotSupportedError 9: Failed to execute 'unwrapKey' on 'SubtleCrypto': "
            "Unrecognized algorithm name 'HMAC'.");
  // Nothing is thrown synchronously, whatever the receiver or arguments.
  ExpectEval(R"js(
    ['encrypt', 'decrypt', 'sign', 'verify', 'generateKey', 'deriveKey', 'deriveBits',
     'importKey', 'exportKey', 'wrapKey', 'unwrapKey'].every((m) => {
      const promise = SubtleCrypto.prototype[m].call(null);
      promise.catch(() => {});
      return promise instanceof Promise;
    })
  )js",
             "true");
  ExpectEval(R"js(
    ['encrypt', 'verify', 'generateKey', 'deriveKey', 'deriveBits', 'importKey', 'unwrapKey',
     'digest'].map((m) => SubtleCrypto.prototype[m].length)
  )js",
             "[\n  3, 4, 3, 5,\n  2, 5, 7, 2\n]");
}

// A key's slots live in the module's WeakMap and go with the key; the native key an
// asymmetric key opened for signing is closed once the key is collected (and LSan, under
// --config=asan, finds nothing left).
TEST_F(CryptoTest, DroppedKeysAreCollected) {
  DefineHelpers();
  const size_t resources_before = runtime().op_state().resources().size();
  EXPECT_EQ(Settle(R"js({
    globalThis.collected = 0;
    globalThis.registry = new FinalizationRegistry(() => { globalThis.collected++; });
    (async () => {
      for (let i = 0; i < 20; i++) {
        const pair = await crypto.subtle.generateKey('Ed25519', true, ['sign', 'verify']);
        const signature = await crypto.subtle.sign('Ed25519', pair.privateKey, new Uint8Array(1));
        await crypto.subtle.verify('Ed25519', pair.publicKey, signature, new Uint8Array(1));
        registry.register(pair.privateKey, i);
        const aes = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true,
                                                    ['encrypt']);
        registry.register(aes, i);
      }
    })().then(() => { globalThis.result = 'made'; });
  })js"),
            "'made'");
  EXPECT_EQ(runtime().op_state().resources().size(), resources_before + 40);
  {
    v8::HandleScope scope(runtime().isolate());
    runtime().isolate()->LowMemoryNotification();
  }
  EXPECT_EQ(RunLoopThenEval("0", "globalThis.collected"), "40");
  EXPECT_EQ(runtime().op_state().resources().size(), resources_before);
}

}  // namespace
}  // namespace kiln::crypto
