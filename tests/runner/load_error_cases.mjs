// A file that cannot load: the run fails with the error's report.
import { test } from 'kiln:test';

test('never registered', () => {});
const broken = ;
