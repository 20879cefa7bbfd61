// The Tally class as user code sees it: imported from 'kiln:tally'.
import { Tally } from 'kiln:tally';

function check(what, actual, expected) {
  if (!Object.is(actual, expected)) {
    throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
  }
}

async function checkRejects(what, promise, expectedName) {
  try {
    await promise;
  } catch (error) {
    check(`${what} (error name)`, error.name, expectedName);
    return;
  }
  throw new Error(`${what}: expected a rejection with ${expectedName}`);
}

const votes = new Tally();
check('add returns the new count', votes.add('yes'), 1);
check('add with an amount', votes.add('yes', 2), 3);
check('count of a key never added to', votes.count('no'), 0);
check('addLater resolves with the new count', await votes.addLater('no', 4, 5), 4);

const pending = votes.addLater('no', 1, 60000);
votes.close();
await checkRejects('closing rejects pending additions', pending, 'Interrupted');
check('closed', votes.closed, true);

let threw = null;
try {
  votes.add('yes');
} catch (error) {
  threw = error;
}
check('add after close throws a TypeError', threw?.name, 'TypeError');
console.log('tally: all checks passed');
