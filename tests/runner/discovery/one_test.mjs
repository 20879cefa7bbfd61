// Found by `kiln test <directory>`: the name ends in _test.mjs.
import { test } from 'kiln:test';
import { double } from './helper.mjs';

test('one', () => { if (double(2) !== 4) throw new Error('wrong'); });
