// Resources that only the collection of their JavaScript object closes are no leak: a test
// may end while such an object is still alive (ext/testing/README.md, "Leak checks").
import { test } from 'kiln:test';
import assert from 'kiln:assert';

const data = new TextEncoder().encode('signed');

test('an asymmetric CryptoKey used in the test is no leak', async () => {
  // Signing parses the private key into native state held until the key is collected.
  const { privateKey, publicKey } = await crypto.subtle.generateKey(
      { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const algorithm = { name: 'ECDSA', hash: 'SHA-256' };
  const signature = await crypto.subtle.sign(algorithm, privateKey, data);
  assert.strictEqual(await crypto.subtle.verify(algorithm, publicKey, signature, data), true);
});

test('a TextDecoder left in the middle of a stream is no leak', () => {
  // What a library does when its reader stops early: the last call never comes.
  const decoder = new TextDecoder();
  assert.strictEqual(decoder.decode(new Uint8Array([0x61, 0xE2, 0x82]), { stream: true }), 'a');
});
