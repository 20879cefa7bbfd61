// Dedicated workers: new Worker(), messages both ways, transfers, errors, close(),
// terminate(). A worker's resource closes a moment after it ends (its thread finishes),
// so tests that end a worker do not check resources or ops at their end.
import { test } from 'kiln:test';
import assert from 'kiln:assert';

const ENDS_LATER = { sanitizeResources: false, sanitizeOps: false };

function nextMessage(worker) {
  return new Promise((resolve, reject) => {
    worker.onmessage = (event) => resolve(event);
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(`worker error: ${event.message}`));
    };
  });
}

test('a module worker answers messages with structured clones', ENDS_LATER, async () => {
  const worker = new Worker(new URL('./testdata/echo.mjs', import.meta.url),
                            { type: 'module', name: 'echo' });
  const sent = {
    list: [1, 'two', { three: 3 }], date: new Date(0), map: new Map([['k', 1]]),
    set: new Set([2]), big: 10n ** 20n, bytes: new Uint8Array([1, 2, 3]), text: 'héllo 💡',
    error: new RangeError('r'), nested: { undef: undefined, nil: null, nan: NaN },
  };
  worker.postMessage(sent);
  const event = await nextMessage(worker);
  assert.ok(event instanceof MessageEvent);
  assert.equal(event.isTrusted, true);
  const { name, scope, data, isTrusted } = event.data;
  assert.equal(name, 'echo');
  assert.deepEqual(scope, { selfIsGlobal: true, hasWorker: true, hasFetch: true });
  assert.equal(isTrusted, true);
  assert.deepEqual(data.list, sent.list);
  assert.equal(data.date.getTime(), 0);
  assert.deepEqual([...data.map], [['k', 1]]);
  assert.deepEqual([...data.set], [2]);
  assert.equal(data.big, 10n ** 20n);
  assert.deepEqual([...data.bytes], [1, 2, 3]);
  assert.equal(data.text, 'héllo 💡');
  assert.ok(data.error instanceof RangeError);
  assert.equal(data.error.message, 'r');
  assert.deepEqual(data.nested, { undef: undefined, nil: null, nan: NaN });
  worker.terminate();
});

test('transferred ArrayBuffers are detached here and arrive whole', ENDS_LATER, async () => {
  const worker = new Worker(new URL('./testdata/echo.mjs', import.meta.url), { type: 'module' });
  const buffer = new ArrayBuffer(1 << 20);
  new Uint8Array(buffer).fill(3);
  worker.postMessage(buffer, [buffer]);
  assert.equal(buffer.byteLength, 0);
  const event = await nextMessage(worker);
  assert.deepEqual(event.data, { length: 1 << 20, sum: 3 << 20 });
  worker.terminate();
});

test('memory a worker transferred outlives the worker', ENDS_LATER, async () => {
  const source = 'const b = new ArrayBuffer(1 << 20); new Uint8Array(b).fill(7);' +
                 'postMessage(b, [b]); close();';
  const worker = new Worker(`data:text/javascript,${encodeURIComponent(source)}`,
                            { type: 'module' });
  const buffer = (await nextMessage(worker)).data;
  // The worker's runtime is gone by now; the memory came from its allocator.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const bytes = new Uint8Array(buffer);
  assert.equal(bytes.length, 1 << 20);
  assert.equal(bytes.reduce((sum, b) => sum + b, 0), 7 << 20);
});

test('classic workers from blob: and module workers from data: URLs', ENDS_LATER, async () => {
  const classic = new Worker(URL.createObjectURL(new Blob([
    'var factor = 2;\nonmessage = function (e) { postMessage(e.data * factor + (typeof importScripts)); };',
  ])));
  classic.postMessage(21);
  assert.equal((await nextMessage(classic)).data, '42undefined');
  classic.terminate();

  const source = 'const { v } = await Promise.resolve({ v: 7 }); postMessage(v * 6);';
  const module = new Worker(`data:text/javascript,${encodeURIComponent(source)}`,
                            { type: 'module' });
  assert.equal((await nextMessage(module)).data, 42);
  module.terminate();
});

test('an uncaught error in the worker is an ErrorEvent at the Worker', ENDS_LATER, async () => {
  const url = new URL('./testdata/throws.mjs', import.meta.url);
  const worker = new Worker(url, { type: 'module' });
  const event = await new Promise((resolve) => {
    worker.onerror = (e) => {
      e.preventDefault();
      resolve(e);
    };
  });
  assert.ok(event instanceof ErrorEvent);
  assert.equal(event.message, 'Uncaught Error: boom 1 ✗é');
  assert.equal(event.filename, url.href);
  assert.equal(event.lineno, 3);
  assert.equal(event.cancelable, true);
});

test('a worker that cannot load its script reports an error', ENDS_LATER, async () => {
  const worker = new Worker(new URL('./testdata/missing.mjs', import.meta.url), { type: 'module' });
  const event = await new Promise((resolve) => {
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      resolve(e);
    });
  });
  assert.match(event.message, /Cannot find module/);
});

test('close() ends the worker after its task; later messages are not delivered', ENDS_LATER,
     async () => {
       const worker = new Worker(new URL('./testdata/echo.mjs', import.meta.url),
                                 { type: 'module' });
       const received = [];
       worker.onmessage = (e) => received.push(e.data);
       worker.postMessage('close');
       worker.postMessage('ignored');
       await new Promise((resolve) => setTimeout(resolve, 300));
       assert.deepEqual(received, ['closing', 'after close, same task']);
     });

test('terminate() stops a worker that never returns', ENDS_LATER, async () => {
  const worker = new Worker(new URL('./testdata/spin.mjs', import.meta.url), { type: 'module' });
  assert.equal((await nextMessage(worker)).data, 'spinning');
  worker.terminate();
  worker.terminate();  // again: nothing
  worker.postMessage('dropped');
});

test('a worker terminated while its script is fetched never starts', async () => {
  const url = URL.createObjectURL(new Blob(['postMessage("started")']));
  const worker = new Worker(url);
  let messages = 0;
  worker.onmessage = () => messages++;
  worker.terminate();
  // The run goes on and ends: nothing waits for a worker that never started.
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(messages, 0);
});

test('what cannot be cloned is a DataCloneError at postMessage', ENDS_LATER, () => {
  const worker = new Worker(new URL('./testdata/echo.mjs', import.meta.url), { type: 'module' });
  assert.throws(() => worker.postMessage(() => 1), { name: 'DataCloneError' });
  assert.throws(() => worker.postMessage(new SharedArrayBuffer(8)), { name: 'DataCloneError' });
  assert.throws(() => worker.postMessage(new Blob(['x'])), { name: 'DataCloneError' });
  const buffer = new ArrayBuffer(8);
  assert.throws(() => worker.postMessage(buffer, [buffer, buffer]), { name: 'DataCloneError' });
  assert.equal(buffer.byteLength, 8);
  worker.terminate();
});

test('bad arguments are TypeErrors and SyntaxErrors', () => {
  assert.throws(() => new Worker(), TypeError);
  assert.throws(() => new Worker('./x.mjs', { type: 'bogus' }), TypeError);
  assert.throws(() => new Worker('http://['), { name: 'SyntaxError' });
  assert.throws(() => Worker.prototype.postMessage.call({}, 1), TypeError);
});
