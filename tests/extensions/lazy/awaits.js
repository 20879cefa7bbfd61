// A lazy module with a top-level await: it cannot be evaluated synchronously.
await null;
export const LazyAwaits = 1;
