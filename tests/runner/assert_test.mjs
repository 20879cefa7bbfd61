// kiln:assert: every function passes and fails where node:assert does, and failures
// carry actual/expected/operator/code and readable diffs.
import { test, describe } from 'kiln:test';
import assert, {
  AssertionError, ok, equal, notEqual, strictEqual, notStrictEqual, deepEqual, notDeepEqual,
  deepStrictEqual, notDeepStrictEqual, throws, doesNotThrow, rejects, doesNotReject, match,
  doesNotMatch, fail,
} from 'kiln:assert';

// The AssertionError `fn` throws.
function failure(fn) {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof AssertionError)) throw error;
    return error;
  }
  throw new Error('expected an AssertionError');
}

describe('passing assertions', () => {
  test('ok and the default export', () => {
    ok(true);
    ok(1);
    assert('text');
    assert.ok({});
  });
  test('equal family', () => {
    equal(1, '1');
    equal(NaN, NaN);
    notEqual(1, 2);
    strictEqual('a', 'a');
    notStrictEqual(1, '1');
    notStrictEqual(0, -0);
  });
  test('deep equality', () => {
    deepStrictEqual({ a: [1, { b: 2 }], c: new Map([[1, { d: 3 }]]) },
                    { a: [1, { b: 2 }], c: new Map([[1, { d: 3 }]]) });
    deepStrictEqual(new Set([1, { x: 1 }]), new Set([{ x: 1 }, 1]));
    deepStrictEqual(new Date(5), new Date(5));
    deepStrictEqual(/a/g, /a/g);
    deepStrictEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]));
    const cyclic1 = { name: 'x' };
    cyclic1.self = cyclic1;
    const cyclic2 = { name: 'x' };
    cyclic2.self = cyclic2;
    deepStrictEqual(cyclic1, cyclic2);
    deepEqual({ a: 1 }, { a: '1' });
    notDeepStrictEqual({ a: 1 }, { a: '1' });
    notDeepStrictEqual([1, 2], [1, 2, 3]);
    notDeepStrictEqual(Object.create(null), {});
    notDeepEqual({ a: 1 }, { a: 2 });
    notDeepStrictEqual(new Set([1]), new Set(['1']));
  });
  test('throws and doesNotThrow', () => {
    throws(() => { throw new TypeError('bad'); });
    throws(() => { throw new TypeError('bad'); }, TypeError);
    throws(() => { throw new TypeError('bad thing'); }, /bad thing/);
    throws(() => { throw new TypeError('bad'); }, { name: 'TypeError', message: 'bad' });
    throws(() => { throw new RangeError('out'); }, { message: /^ou/ });
    throws(() => { throw new Error('v'); }, (error) => error.message === 'v');
    doesNotThrow(() => 1);
  });
  test('rejects and doesNotReject', async () => {
    await rejects(Promise.reject(new TypeError('no')), TypeError);
    await rejects(async () => { throw new Error('later'); }, /later/);
    await doesNotReject(Promise.resolve(1));
    await doesNotReject(async () => 2);
  });
  test('assert.strict compares strictly', () => {
    assert.strict.equal(1, 1);
    assert.strict.deepEqual({ a: [1] }, { a: [1] });
    assert.throws(() => assert.strict.equal(1, '1'), { operator: 'strictEqual' });
    assert.throws(() => assert.strict.deepEqual({ a: 1 }, { a: '1' }), AssertionError);
    assert.strictEqual(assert.strict.strict, assert.strict);
  });
  test('match and doesNotMatch', () => {
    match('kiln 1.0', /kiln \d/);
    doesNotMatch('kiln', /node/);
  });
});

describe('failing assertions', () => {
  test('strictEqual names actual, expected, operator and code', () => {
    const error = failure(() => strictEqual(1, 2));
    strictEqual(error.name, 'AssertionError');
    strictEqual(error.code, 'ERR_ASSERTION');
    strictEqual(error.actual, 1);
    strictEqual(error.expected, 2);
    strictEqual(error.operator, 'strictEqual');
    strictEqual(error.generatedMessage, true);
    match(error.message, /Expected values to be strictly equal:\n\n1 !== 2/);
  });
  test('deepStrictEqual shows a line diff, + actual and - expected', () => {
    const error = failure(() => deepStrictEqual({ a: 1, list: [1, 2, 3] }, { a: 1, list: [1, 5, 3] }));
    match(error.message, /^Expected values to be strictly deep-equal:\n\+ actual - expected\n/);
    match(error.message, /\n\+ +2,\n- +5,\n/);
    match(error.message, /\n {2}\s*a: 1,\n/);
    strictEqual(error.operator, 'deepStrictEqual');
  });
  test('a custom message replaces the generated one; an Error message is thrown', () => {
    const error = failure(() => equal(1, 2, 'numbers differ'));
    strictEqual(error.message, 'numbers differ');
    strictEqual(error.generatedMessage, false);
    const mine = new RangeError('mine');
    throws(() => ok(false, mine), (thrown) => thrown === mine);
  });
  test('each assertion fails when it should', () => {
    failure(() => ok(0));
    failure(() => assert(false));
    failure(() => equal(1, 2));
    failure(() => notEqual(1, '1'));
    failure(() => notStrictEqual(1, 1));
    failure(() => deepEqual({ a: 1 }, { a: 2 }));
    failure(() => notDeepEqual({ a: 1 }, { a: '1' }));
    failure(() => deepStrictEqual({ a: 1 }, { a: '1' }));
    failure(() => deepStrictEqual([1], { 0: 1 }));
    failure(() => deepStrictEqual(new Map([[1, 2]]), new Map([[1, 3]])));
    failure(() => notDeepStrictEqual({ a: [1] }, { a: [1] }));
    failure(() => throws(() => {}));
    failure(() => throws(() => { throw new Error('x'); }, TypeError));
    failure(() => throws(() => { throw new Error('x'); }, /y/));
    failure(() => throws(() => { throw new Error('x'); }, { message: 'y' }));
    failure(() => doesNotThrow(() => { throw new Error('x'); }));
    failure(() => match('abc', /d/));
    failure(() => doesNotMatch('abc', /b/));
    const failed = failure(() => fail('stop'));
    strictEqual(failed.message, 'stop');
    strictEqual(failure(() => fail()).message, 'Failed');
  });
  test('rejects and doesNotReject fail when they should', async () => {
    await rejects(rejects(Promise.resolve(1)), AssertionError);
    await rejects(rejects(Promise.reject(new Error('x')), TypeError), AssertionError);
    await rejects(doesNotReject(Promise.reject(new Error('x'))),
                  { name: 'AssertionError', message: /Got unwanted rejection/ });
  });
  test('missing exception messages name the expected class', () => {
    const error = failure(() => throws(() => {}, TypeError));
    strictEqual(error.message, 'Missing expected exception (TypeError).');
  });
});
