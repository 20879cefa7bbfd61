// A lazy module whose evaluation fails.
export class LazyBroken {}
throw new RangeError('lazy module failed on purpose');
