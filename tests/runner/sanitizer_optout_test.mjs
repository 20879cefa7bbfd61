// Leak checks that pass: what is closed in time is no leak, and per-test opt-outs.
import { test } from 'kiln:test';
import assert from 'kiln:assert';
import { FixtureHandle } from 'kiln:runner-fixtures';

test('a resource closed in the test is no leak', () => {
  const handle = new FixtureHandle();
  handle.close();
});

test('an awaited op is no leak', async () => {
  const handle = new FixtureHandle();
  const waiting = handle.wait();
  handle.close();
  await waiting;
});

test('a cleared timer is no leak', () => {
  clearTimeout(setTimeout(() => {}, 1000));
  clearInterval(setInterval(() => {}, 1000));
});

let leftOpen;
test('sanitizeResources: false allows an open resource', { sanitizeResources: false }, () => {
  leftOpen = new FixtureHandle('allowedResource');
});

let pendingWait;
test('sanitizeOps: false allows a pending op and a timer', { sanitizeOps: false }, () => {
  pendingWait = leftOpen.wait();
  globalThis.leftTimer = setTimeout(() => {}, 100000);
});

test('clean up what the opted-out tests left', { sanitizeOps: false, sanitizeResources: false },
     async () => {
       leftOpen.close();
       await pendingWait;
       clearTimeout(globalThis.leftTimer);
       assert.ok(true);
     });
