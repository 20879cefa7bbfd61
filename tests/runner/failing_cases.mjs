// Failures `kiln test` must report (run by check_run.py, which expects exit status 1 and
// the lines of failing_cases.expected).
import { test, describe, it, before, after } from 'kiln:test';
import assert from 'kiln:assert';

test('passes', () => {});

test('deep mismatch', () => {
  assert.deepStrictEqual({ name: 'kiln', tags: ['a', 'b'] }, { name: 'kiln', tags: ['a', 'c'] });
});

test('throws a non-error', () => {
  throw 42;  // eslint-disable-line no-throw-literal
});

test('async rejection', async () => {
  await Promise.resolve();
  throw new TypeError('async failure');
});

test('callback error', (t, done) => {
  setTimeout(() => done(new RangeError('callback failure')), 1);
});

test('an error thrown in a timer fails the running test', async () => {
  setTimeout(() => { throw new Error('thrown in a timer'); }, 1);
  await new Promise((resolve) => setTimeout(resolve, 50));
});

test('parent of a failing subtest', async (t) => {
  await t.test('good child', () => {});
  await t.test('bad child', () => assert.strictEqual(1, 2));
});

describe('suite whose before hook fails', () => {
  before(() => { throw new Error('setup broke'); });
  it('cannot run', () => {});
});

describe('suite whose after hook fails', () => {
  after(() => { throw new Error('teardown broke'); });
  it('runs', () => {});
});

test.todo('a failing todo does not fail the run', () => { throw new Error('todo'); });

test('still runs after the failures', () => {});
