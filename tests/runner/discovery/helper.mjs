// Not a test file: imported by one_test.mjs, never run on its own.
export function double(x) {
  return 2 * x;
}
