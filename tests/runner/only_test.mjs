// `only`: when a file has only-tests, just they (and everything in an only-suite) run.
import { test, describe, it } from 'kiln:test';
import assert from 'kiln:assert';

let ran = 0;
test('not only: must not run', () => { throw new Error('ran without only'); });
test.only('only test runs', () => { ran++; });
test('options form', { only: true }, () => { ran++; });
describe.only('only suite runs all its tests', () => {
  it('a', () => { ran++; });
  it('b', () => { ran++; });
});
describe('suite with an only child', () => {
  it('skipped sibling', () => { throw new Error('ran without only'); });
  it.only('only child runs', () => { ran++; });
});
test.only('all the only tests ran before this one', () => { assert.strictEqual(ran, 5); });
