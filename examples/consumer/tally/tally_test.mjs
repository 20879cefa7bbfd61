// The Tally class as user code sees it, run by `kiln test` (kiln_js_test in BUILD.bazel).
import { describe, test } from 'kiln:test';
import assert from 'kiln:assert';
import { Tally } from 'kiln:tally';

describe('Tally', () => {
  test('add returns the new count; count reads it', () => {
    const votes = new Tally();
    assert.strictEqual(votes.add('yes'), 1);
    assert.strictEqual(votes.add('yes', 2), 3);
    assert.strictEqual(votes.count('yes'), 3);
    assert.strictEqual(votes.count('no'), 0);
    votes.close();
  });

  test('addLater resolves with the new count', async () => {
    const votes = new Tally();
    assert.strictEqual(await votes.addLater('no', 4, 5), 4);
    assert.strictEqual(votes.count('no'), 4);
    votes.close();
  });

  test('close rejects pending additions and later calls', async () => {
    const votes = new Tally();
    const pending = votes.addLater('no', 1, 60000);
    votes.close();
    await assert.rejects(pending, { name: 'Interrupted', message: 'the tally was closed' });
    assert.strictEqual(votes.closed, true);
    assert.throws(() => votes.add('yes'), TypeError);
  });

  test('bad input is a TypeError naming the method', () => {
    const votes = new Tally();
    assert.throws(() => votes.add(1), {
      name: 'TypeError',
      message: "Failed to execute 'add' on 'Tally': the key must be a string, received number.",
    });
    assert.throws(() => votes.add('yes', NaN), /the amount must be a finite number/);
    votes.close();
  });
});
