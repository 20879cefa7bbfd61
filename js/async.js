// The JavaScript half of async ops: promise ids, the promise ring, and settling a turn's
// completions in one call. A bootstrap file (a function body with one parameter,
// `internals`); the runtime builds each async op's stub around `internals.async` and
// calls `internals.settleAsyncOps` once per loop turn (core/async_ops.h).
'use strict';

const NativePromise = Promise;
const NativeMap = Map;

// Ids are uint32 numbers, counted with `>>> 0` so 2^31 stays positive and 2^32 wraps to
// 0; the ring index is `id & RING_MASK`, which is right for any uint32 (the mask's top
// bit is clear). An id still pending when the counter comes round to it again is
// skipped, so a live id is never handed out twice.
const RING_BITS = 16;
const RING_SIZE = 1 << RING_BITS;
const RING_MASK = RING_SIZE - 1;
const EMPTY = -1;

// Slot i holds the pending op whose id & RING_MASK === i, if any. An op still pending when
// a newer id needs its slot moves to `overflow` (id -> entry).
const ringIds = new Array(RING_SIZE).fill(EMPTY);
const ringResolve = new Array(RING_SIZE).fill(undefined);
const ringReject = new Array(RING_SIZE).fill(undefined);
const ringPromise = new Array(RING_SIZE).fill(undefined);
const overflow = new NativeMap();

// One shared executor: no closure per op beyond V8's own resolving functions.
let executorResolve;
let executorReject;
function executor(resolve, reject) {
  executorResolve = resolve;
  executorReject = reject;
}

function isPending(id) {
  return ringIds[id & RING_MASK] === id || overflow.has(id);
}

const async = {
  // The id the next pending op gets (the stub passes it to the binding).
  nextId: 0,
  // What a binding returns when its op went pending (never a value an op can return).
  pending: Object.freeze({ __proto__: null }),

  resolve(value) {
    return NativePromise.resolve(value);
  },
  reject(error) {
    return NativePromise.reject(error);
  },

  // The binding registered `id` as pending: make its promise and advance the counter.
  track(id) {
    let next = (id + 1) >>> 0;
    while (isPending(next)) next = (next + 1) >>> 0;
    this.nextId = next;
    const slot = id & RING_MASK;
    const occupant = ringIds[slot];
    if (occupant !== EMPTY) {
      overflow.set(occupant, {
        resolve: ringResolve[slot], reject: ringReject[slot], promise: ringPromise[slot],
      });
    }
    const promise = new NativePromise(executor);
    ringIds[slot] = id;
    ringResolve[slot] = executorResolve;
    ringReject[slot] = executorReject;
    ringPromise[slot] = promise;
    executorResolve = executorReject = undefined;
    return promise;
  },

  // The id of a pending op's promise, or -1 (a scan: meant for rare calls like unref).
  idOf(promise) {
    for (let slot = 0; slot < RING_SIZE; slot++) {
      if (ringPromise[slot] === promise && ringIds[slot] !== EMPTY) return ringIds[slot];
    }
    for (const [id, entry] of overflow) {
      if (entry.promise === promise) return id;
    }
    return -1;
  },

  // For tests: how many ops are pending in the ring and in the overflow map.
  counts() {
    let inRing = 0;
    for (let slot = 0; slot < RING_SIZE; slot++) if (ringIds[slot] !== EMPTY) inRing++;
    return { ring: inRing, overflow: overflow.size };
  },
};

// One turn's completions: ids[i] >= 0 resolves op ids[i] with values[i]; ids[i] < 0
// rejects op -ids[i] - 1 with values[i]. Unknown ids are ignored.
function settleAsyncOps(ids, values) {
  const count = ids.length;
  for (let i = 0; i < count; i++) {
    let id = ids[i];
    const failed = id < 0;
    if (failed) id = -id - 1;
    const slot = id & RING_MASK;
    let settle;
    if (ringIds[slot] === id) {
      settle = failed ? ringReject[slot] : ringResolve[slot];
      ringIds[slot] = EMPTY;
      ringResolve[slot] = ringReject[slot] = ringPromise[slot] = undefined;
    } else {
      const entry = overflow.get(id);
      if (entry === undefined) continue;
      overflow.delete(id);
      settle = failed ? entry.reject : entry.resolve;
    }
    settle(values[i]);
  }
}

internals.async = async;
internals.settleAsyncOps = settleAsyncOps;
