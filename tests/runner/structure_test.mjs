// Test structure: nested suites, hooks and their order, subtests, async and callback
// tests, skip/todo forms, timeouts that are met.
import { test, describe, it, before, after, beforeEach, afterEach } from 'kiln:test';
import assert from 'kiln:assert';

const events = [];

before(() => events.push('root before'));
beforeEach((t) => events.push(`root beforeEach ${t.name}`));
afterEach((t) => events.push(`root afterEach ${t.name}`));

describe('outer', () => {
  before(() => events.push('outer before'));
  after(() => events.push('outer after'));
  beforeEach((t) => events.push(`outer beforeEach ${t.name}`));
  afterEach((t) => events.push(`outer afterEach ${t.name}`));
  it('first', () => events.push('first'));
  describe('inner', () => {
    beforeEach(() => events.push('inner beforeEach'));
    afterEach(() => events.push('inner afterEach'));
    it('second', () => events.push('second'));
  });
});

test('hooks ran in node:test order', () => {
  assert.deepStrictEqual(events.splice(0), [
    'root before',
    'outer before',
    'root beforeEach first', 'outer beforeEach first', 'first',
    'outer afterEach first', 'root afterEach first',
    'root beforeEach second', 'outer beforeEach second', 'inner beforeEach', 'second',
    'inner afterEach', 'outer afterEach second', 'root afterEach second',
    'outer after',
    'root beforeEach hooks ran in node:test order',
  ]);
});

test('subtests run in order and the parent waits for them', async (t) => {
  const order = [];
  await t.test('one', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    order.push('one');
  });
  t.test('two (not awaited)', () => { order.push('two'); });
  await t.test('three', async (t2) => {
    await t2.test('nested', () => order.push('nested'));
    order.push('three');
  });
  assert.deepStrictEqual(order, ['one', 'two', 'nested', 'three']);
});

test('async test waits for its promise', async () => {
  const value = await new Promise((resolve) => setTimeout(() => resolve(42), 10));
  assert.strictEqual(value, 42);
});

test('callback test waits for done', (t, done) => {
  setTimeout(() => done(), 5);
});

test('a timeout that is met passes', { timeout: 5000 }, async () => {
  await new Promise((resolve) => setTimeout(resolve, 1));
});

test('the context names the test', (t) => {
  assert.strictEqual(t.name, 'the context names the test');
  assert.ok(t.signal === null || t.signal.aborted === false);
});

test.skip('test.skip does not run', () => { throw new Error('ran'); });
test('skip option does not run', { skip: 'not today' }, () => { throw new Error('ran'); });
it.skip('it.skip does not run', () => { throw new Error('ran'); });
describe.skip('describe.skip does not run its tests', () => {
  it('inside', () => { throw new Error('ran'); });
});
test.todo('test.todo runs and may fail', () => { throw new Error('not done'); });
it.todo('it.todo without a function');
test('t.skip() inside a test skips it', (t) => { t.skip('decided at run time'); });
