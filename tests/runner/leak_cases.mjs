// Leaks `kiln test` must report, one kind per test (check_run.py expects exit status 1
// and the lines of leak_cases.expected, or with --trace-leaks leak_cases_traced.expected).
import { test } from 'kiln:test';
import { FixtureHandle } from 'kiln:runner-fixtures';

const handles = [];

test('clean test before the leaks', () => {});

test('leaks an async op', () => {
  const handle = new FixtureHandle('opOwner');
  handles.push(handle);
  handle.wait();  // never awaited: the op is still pending when the test ends
}, { sanitizeResources: false });

test('leaks a resource', () => {
  handles.push(new FixtureHandle('leakyResource'));
});

test('leaks a timeout', () => {
  setTimeout(() => {}, 100000);
});

test('leaks an interval', () => {
  setInterval(() => {}, 100000);
});

// The parent fails because its subtest did; the leak itself is reported by the subtest.
test('a subtest leak is reported once, by the subtest', async (t) => {
  await t.test('leaky child', () => { handles.push(new FixtureHandle('childResource')); });
});

test('clean test after the leaks', () => {});
