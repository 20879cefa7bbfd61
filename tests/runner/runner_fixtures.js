// kiln:runner-fixtures: what the runner's own tests leak on purpose.
import { op_fixture_open, op_fixture_wait, op_fixture_fail, op_close } from 'ext:core/ops';

// A named resource; wait() is an async op pending until close().
export class FixtureHandle {
  constructor(name = 'fixtureResource') {
    this.rid = op_fixture_open(name);
  }
  wait() {
    return op_fixture_wait(this.rid);
  }
  close() {
    op_close(this.rid);
  }
}

// Calls an op that always throws (an error in the op metrics); returns the error.
export function failingOp() {
  try {
    op_fixture_fail();
  } catch (error) {
    return error;
  }
  return null;
}
