// One passing test: `kiln test` exits 0 and the last line counts it.
import { test } from 'kiln:test';

test('passes', () => {});
test.skip('skipped', () => {});
