// setTimeout / setInterval / clearTimeout / clearInterval, queueMicrotask, performance,
// kiln.refTimer / kiln.unrefTimer. An extension file: a function body with one parameter,
// `internals` (internals.ops is kiln.ops).
//
// Timers are ordered by (deadline, scheduling sequence), so timers that are overdue
// together still fire in that order. Two structures hold them: a FIFO run for timers
// whose deadline is not earlier than the last one queued there (the common case:
// setTimeout loops, equal delays), O(1) in and out, and a binary min-heap for the rest,
// O(log n) insert and cancel (each heap timer knows its index). The next timer is the
// earlier of the two heads. A timer canceled while in the run is marked and skipped. The native side (timers_ops.cc) keeps one
// libuv timer armed for the heap's earliest deadline and calls fire(now) once per due
// timer, with a microtask checkpoint after each.
'use strict';

const {
  op_timers_now: monotonicNow,
  op_timers_time_origin: timeOrigin,
  op_timers_arm: arm,
  op_timers_set_handler: setHandler,
  op_timers_queue_microtask: enqueueMicrotask,
  op_timers_run_microtasks: runMicrotasks,
} = internals.ops;
const ReflectApply = Reflect.apply;
const ArrayPrototypeSlice = Array.prototype.slice;
const NO_ARGS = Object.freeze([]);
// Extra arguments after (callback, delay), without allocating when there are none.
function extraArgs(args) {
  return args.length > 2 ? ReflectApply(ArrayPrototypeSlice, args, [2]) : NO_ARGS;
}
const NativeMap = Map;

const heap = [];
let nextId = 1;
let nextSequence = 0;
let refedCount = 0;
let running = null;  // the timer whose callback is running
let armedDeadline = -1;
let armedRef = false;

function before(a, b) {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.sequence < b.sequence);
}

function place(timer, index) {
  heap[index] = timer;
  timer.index = index;
}

function siftUp(index) {
  const timer = heap[index];
  while (index > 0) {
    const parent = (index - 1) >> 1;
    if (!before(timer, heap[parent])) break;
    place(heap[parent], index);
    index = parent;
  }
  place(timer, index);
}

function siftDown(index) {
  const timer = heap[index];
  const length = heap.length;
  while (true) {
    const left = 2 * index + 1;
    if (left >= length) break;
    const right = left + 1;
    const child = right < length && before(heap[right], heap[left]) ? right : left;
    if (!before(heap[child], timer)) break;
    place(heap[child], index);
    index = child;
  }
  place(timer, index);
}

// The FIFO run: run[runHead..] in (deadline, sequence) order; canceled entries stay
// until they reach the head.
let run = [];
let runHead = 0;
const IN_RUN = -2;  // timer.index of a timer in the run

// Timers by id. Ids are handed out in increasing order and most timers end in about that
// order, so an array window holds the ids from `windowBase` on (a Map insert and delete
// per timer would cost more than the rest of scheduling). When the window is empty it
// restarts at the next id; when it is large and mostly dead, its few live timers move
// to `longLived` and it restarts. Each timer is copied at most once: O(1) amortized.
let idWindow = [];
let windowBase = 1;  // the id of idWindow[0]
let liveInWindow = 0;
const longLived = new NativeMap();
const WINDOW_COMPACT_MIN = 8192;

function registerTimer(timer) {
  // timer.id === windowBase + idWindow.length: ids come from nextId, in order.
  idWindow.push(timer);
  liveInWindow++;
}

function timerOf(id) {
  const index = id - windowBase;
  if (index >= 0) return index < idWindow.length ? idWindow[index] : undefined;
  return longLived.size === 0 ? undefined : longLived.get(id);
}

function unregisterTimer(id) {
  const index = id - windowBase;
  if (index < 0) {
    longLived.delete(id);
    return;
  }
  if (index >= idWindow.length || idWindow[index] === undefined) return;
  idWindow[index] = undefined;
  liveInWindow--;
  if (liveInWindow === 0) {
    windowBase = nextId;
    idWindow = [];
  } else if (idWindow.length >= WINDOW_COMPACT_MIN && liveInWindow * 4 < idWindow.length) {
    for (let i = 0; i < idWindow.length; i++) {
      const timer = idWindow[i];
      if (timer !== undefined) longLived.set(timer.id, timer);
    }
    windowBase = nextId;
    idWindow = [];
    liveInWindow = 0;
  }
}

function insert(timer) {
  timer.sequence = nextSequence++;
  const runLength = run.length - runHead;
  if (runLength === 0 || run[run.length - 1].deadline <= timer.deadline) {
    timer.index = IN_RUN;
    run.push(timer);
    return;
  }
  heap.push(timer);
  siftUp(heap.length - 1);
}

function runFront() {
  while (runHead < run.length && run[runHead].index !== IN_RUN) runHead++;
  if (runHead === run.length) {
    if (run.length > 0) { run = []; runHead = 0; }
    return undefined;
  }
  if (runHead > 4096 && runHead * 2 > run.length) {
    run = run.slice(runHead);
    runHead = 0;
  }
  return run[runHead];
}

// The timer that fires next, or undefined.
function first() {
  const fromRun = runFront();
  const fromHeap = heap[0];
  if (fromRun === undefined) return fromHeap;
  if (fromHeap === undefined) return fromRun;
  return before(fromHeap, fromRun) ? fromHeap : fromRun;
}

function remove(timer) {
  const index = timer.index;
  if (index === IN_RUN) {
    timer.index = -1;  // skipped (and dropped) when it reaches the run's head
    return;
  }
  if (index < 0) return;
  timer.index = -1;
  const last = heap.pop();
  if (index < heap.length) {
    place(last, index);
    siftUp(index);
    siftDown(last.index);
  }
}

// Keeps the native timer armed for the earliest deadline (refed while any refed timer
// is pending).
function rearm(force) {
  const next = first();
  const deadline = next !== undefined ? next.deadline : -1;
  const refed = refedCount > 0;
  if (force || deadline !== armedDeadline || refed !== armedRef) {
    arm(deadline, refed);
    armedDeadline = deadline;
    armedRef = refed;
  }
}

// HTML "timer initialization steps": WebIDL `long` conversion of the delay, negative to
// 0, and a 4 ms clamp once timers nest more than 5 levels deep.
function clampedTimeout(delay, nesting) {
  let timeout = delay | 0;
  if (timeout < 0) timeout = 0;
  if (nesting > 5 && timeout < 4) timeout = 4;
  return timeout;
}

function startTimer(callback, delay, args, repeat) {
  if (typeof callback !== 'function') {
    throw new TypeError(`${repeat ? 'setInterval' : 'setTimeout'}: the callback must be a ` +
                        `function, received ${callback === null ? 'null' : typeof callback}`);
  }
  const delayMs = delay | 0;  // WebIDL `long`, converted once
  const nesting = running !== null ? running.nesting : 0;
  const timeout = clampedTimeout(delayMs, nesting);
  const timer = {
    id: nextId++,
    callback,
    args,
    repeat,
    delay: delayMs,
    nesting: nesting + 1,
    deadline: monotonicNow() + timeout,
    sequence: 0,
    index: -1,
    refed: true,
    cleared: false,
  };
  refedCount++;
  registerTimer(timer);
  insert(timer);
  rearm(false);
  return timer.id;
}

function clearTimer(id) {
  if (typeof id !== 'number') return;
  const timer = timerOf(id);
  if (timer === undefined) return;
  unregisterTimer(id);
  timer.cleared = true;
  if (timer.refed) refedCount--;
  remove(timer);
  rearm(false);
}

// Called by the native timer with the time it fired: runs every timer due by `now`, in
// order, with a microtask checkpoint after each, then re-arms for the next deadline.
// Timers scheduled meanwhile are due later than `now` and wait for the next batch. An
// exception from a callback propagates (the runtime stops: no further callback runs).
function fire(now) {
  while (true) {
    const timer = first();
    if (timer === undefined || timer.deadline > now) break;
    remove(timer);
    if (!timer.repeat) {
      unregisterTimer(timer.id);
      if (timer.refed) refedCount--;
    }
    running = timer;
    try {
      ReflectApply(timer.callback, globalThis, timer.args);
    } finally {
      running = null;
    }
    if (timer.repeat && !timer.cleared) {
      // The repetition is a new initialization with the interval's nesting level.
      timer.deadline = monotonicNow() + clampedTimeout(timer.delay, timer.nesting);
      timer.nesting++;
      insert(timer);
    }
    if (!runMicrotasks()) return;
  }
  rearm(true);  // the native timer fired, so it is no longer armed
}
setHandler(fire);

function setRef(id, refed) {
  const timer = typeof id === 'number' ? timerOf(id) : undefined;
  if (timer === undefined) return false;
  if (timer.refed !== refed) {
    timer.refed = refed;
    refedCount += refed ? 1 : -1;
    rearm(false);
  }
  return true;
}

function defineGlobal(name, value) {
  Object.defineProperty(globalThis, name, {
    value, writable: true, enumerable: true, configurable: true,
  });
}

defineGlobal('setTimeout', function setTimeout(callback, delay = 0) {
  return startTimer(callback, delay, extraArgs(arguments), false);
});
defineGlobal('setInterval', function setInterval(callback, delay = 0) {
  return startTimer(callback, delay, extraArgs(arguments), true);
});
defineGlobal('clearTimeout', function clearTimeout(id = undefined) {
  clearTimer(id);
});
defineGlobal('clearInterval', function clearInterval(id = undefined) {
  clearTimer(id);
});
defineGlobal('queueMicrotask', function queueMicrotask(callback) {
  if (typeof callback !== 'function') {
    throw new TypeError('queueMicrotask: the callback must be a function, received ' +
                        (callback === null ? 'null' : typeof callback));
  }
  enqueueMicrotask(callback);
});

const origin = timeOrigin();
const performance = {
  now() {
    return monotonicNow();
  },
  get timeOrigin() {
    return origin;
  },
  toJSON() {
    return { timeOrigin: origin };
  },
};
defineGlobal('performance', performance);

// kiln.refTimer(id) / kiln.unrefTimer(id): whether a timer keeps the event loop alive.
// False for an unknown id.
const kiln = globalThis.kiln;
Object.defineProperty(kiln, 'refTimer', { value: (id) => setRef(id, true), enumerable: true });
Object.defineProperty(kiln, 'unrefTimer', { value: (id) => setRef(id, false), enumerable: true });
