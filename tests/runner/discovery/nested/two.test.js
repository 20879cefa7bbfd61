// Found in a subdirectory: the name ends in .test.js (run as an ES module).
import { test } from 'kiln:test';

test('two', () => {});
