// Timeouts and tests that never finish (check_run.py: exit status 1, the lines of
// timeout_cases.expected). The run goes on after each.
import { test, describe, it } from 'kiln:test';

// t.signal aborts when the test times out: the test clears its timer.
function sleep(t, ms) {
  return new Promise((resolve) => {
    const id = setTimeout(resolve, ms);
    t.signal.addEventListener('abort', () => clearTimeout(id));
  });
}

test('async test over its timeout', { timeout: 50 }, async (t) => {
  await sleep(t, 100000);
});

test('runs after an async timeout', () => {});

test('synchronous infinite loop', { timeout: 100 }, () => {
  for (;;) { /* spins until the watchdog stops it */ }
});

test('runs after a synchronous timeout', () => {});

describe('suite timeout applies to its tests', { timeout: 30 }, () => {
  it('slow inner test', async (t) => { await sleep(t, 100000); });
});

test('waits on a promise nothing settles', async () => {
  await new Promise(() => {});
});

test('runs last', () => {});
