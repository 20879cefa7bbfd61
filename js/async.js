// The JavaScript half of async ops: promise ids, the promise ring, and settling a turn's
// completions in one call. The runtime evaluates this module before any op exists: the
// generated glue of async ops (codegen/README.md) is built around `internals.async`, and
// core/async_ops.cc calls `internals.settleAsyncOps` once per loop turn.
import { internals } from 'ext:core/internals';

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
// The ring is made on first use, so a runtime (and a startup snapshot) that never waits
// for an op does not carry it.
let ringIds;
let ringResolve;
let ringPromise;
const overflow = new NativeMap();
function makeRing() {
  ringIds = new Array(RING_SIZE).fill(EMPTY);
  ringResolve = new Array(RING_SIZE).fill(undefined);
  ringPromise = new Array(RING_SIZE).fill(undefined);
}

// One shared executor: no closure per op beyond V8's own resolving functions. It writes
// the resolve function straight into the slot `track` is filling: each store of a new
// object into the long-lived ring costs a write barrier, so only what settling needs is
// kept. A rejection resolves with a thenable that rejects (one microtask later than a
// direct reject, and only on the error path).
let executorSlot = 0;
function executor(resolve) {
  ringResolve[executorSlot] = resolve;
}
function rejecting(error) {
  return { then(onFulfilled, onRejected) { onRejected(error); } };
}

function isPending(id) {
  return ringIds[id & RING_MASK] === id || (overflow.size !== 0 && overflow.has(id));
}

export const async = {
  // The id the next pending op gets (the stub passes it to the binding).
  nextId: 0,
  resolve(value) {
    return NativePromise.resolve(value);
  },
  reject(error) {
    return NativePromise.reject(error);
  },

  // The binding registered `id` as pending: make its promise and advance the counter.
  track(id) {
    if (ringIds === undefined) makeRing();
    let next = (id + 1) >>> 0;
    while (isPending(next)) next = (next + 1) >>> 0;
    this.nextId = next;
    const slot = id & RING_MASK;
    const occupant = ringIds[slot];
    if (occupant !== EMPTY) {
      overflow.set(occupant, { resolve: ringResolve[slot], promise: ringPromise[slot] });
    }
    executorSlot = slot;
    const promise = new NativePromise(executor);
    ringIds[slot] = id;
    ringPromise[slot] = promise;
    return promise;
  },

  // The id of a pending op's promise, or -1 (a scan: meant for rare calls like unref).
  idOf(promise) {
    if (ringIds === undefined) return -1;
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
    if (ringIds === undefined) return { ring: 0, overflow: 0 };
    let inRing = 0;
    for (let slot = 0; slot < RING_SIZE; slot++) if (ringIds[slot] !== EMPTY) inRing++;
    return { ring: inRing, overflow: overflow.size };
  },
};

// How a completion settles its promise (ops/future.h Completion::Kind).
const KIND_NUMBER = 0;     // resolve with numbers[i]
const KIND_BOOLEAN = 1;    // resolve with numbers[i] !== 0
const KIND_UNDEFINED = 2;  // resolve with undefined
const KIND_CONVERTED = 3;  // resolve with objects[numbers[i]]
// 4 (an error) and 5 (a dropped completer): reject with objects[numbers[i]]

// One turn's completions, written by core/async_ops.cc into typed arrays over one
// buffer: the first `count` entries of ids, kinds and numbers; `objects` holds the values
// that are not numbers, booleans or undefined. Unknown ids are ignored.
function settleAsyncOps(count, ids, kinds, numbers, objects) {
  if (ringIds === undefined) makeRing();
  for (let i = 0; i < count; i++) {
    const id = ids[i];
    const kind = kinds[i];
    const slot = id & RING_MASK;
    let resolve;
    if (ringIds[slot] === id) {
      resolve = ringResolve[slot];
      ringIds[slot] = EMPTY;
      ringResolve[slot] = ringPromise[slot] = undefined;
    } else {
      const entry = overflow.get(id);
      if (entry === undefined) continue;
      overflow.delete(id);
      resolve = entry.resolve;
    }
    if (kind === KIND_NUMBER) {
      resolve(numbers[i]);
    } else if (kind === KIND_BOOLEAN) {
      resolve(numbers[i] !== 0);
    } else if (kind === KIND_UNDEFINED) {
      resolve(undefined);
    } else if (kind === KIND_CONVERTED) {
      resolve(objects[numbers[i]]);
    } else {
      resolve(rejecting(objects[numbers[i]]));
    }
  }
}

internals.async = async;
internals.settleAsyncOps = settleAsyncOps;
