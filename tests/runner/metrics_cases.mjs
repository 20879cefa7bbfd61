// What `kiln test --op-metrics` counts (check_run.py reads the table on stderr): two
// completed async waits, one failing op call.
import { test } from 'kiln:test';
import assert from 'kiln:assert';
import { FixtureHandle, failingOp } from 'kiln:runner-fixtures';

test('two async ops complete and one op fails', async () => {
  for (let i = 0; i < 2; i++) {
    const handle = new FixtureHandle();
    const waiting = handle.wait();
    handle.close();
    await waiting;
  }
  assert.match(String(failingOp()), /always fails/);
});
