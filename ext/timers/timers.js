// setTimeout / setInterval / clearTimeout / clearInterval, queueMicrotask, performance,
// kiln.refTimer / kiln.unrefTimer. An extension file: a function body with one parameter,
// `internals` (internals.ops is kiln.ops).
//
// Timers are ordered by (deadline, scheduling sequence), so timers that are overdue
// together still fire in that order. Pending timers are kept in runs, one per timeout value
// (the delay after clamping): timers with the same timeout are scheduled with
// non-decreasing fresh clock readings, so each run is already in (deadline, sequence)
// order and is a FIFO, O(1) in and out. A binary min-heap orders the runs by their first
// timer, O(log r) for r distinct timeouts (usually a handful). Cancel is O(1): the timer
// is marked and skipped when it reaches its run's front (a run mostly made of canceled
// timers is compacted). The native side (timers_ops.cc) keeps one libuv timer armed for
// the earliest deadline and calls fire(now), which runs every due timer with a microtask
// checkpoint after each.
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

let nextId = 1;
let nextSequence = 0;
let refedCount = 0;
let running = null;  // the timer whose callback is running
let armedDeadline = -1;
let armedRef = false;

function before(a, b) {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.sequence < b.sequence);
}

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

// A run: { timeout, timers, head, dead, heapIndex }. timers[head..] are the run's pending
// timers in (deadline, sequence) order, with `dead` canceled ones among them; a timer is
// pending in a run while timer.run is that run. heapIndex is the run's place in runHeap.
const runsByTimeout = new NativeMap();
const runHeap = [];
let lastRun = null;  // the run of the last insert (a cache for loops of one delay)
const RUN_TRIM_MIN = 4096;
const RUN_COMPACT_MIN = 1024;

function runBefore(a, b) {
  return before(a.timers[a.head], b.timers[b.head]);
}

function placeRun(run, index) {
  runHeap[index] = run;
  run.heapIndex = index;
}

function siftUpRun(index) {
  const run = runHeap[index];
  while (index > 0) {
    const parent = (index - 1) >> 1;
    if (!runBefore(run, runHeap[parent])) break;
    placeRun(runHeap[parent], index);
    index = parent;
  }
  placeRun(run, index);
}

function siftDownRun(index) {
  const run = runHeap[index];
  const length = runHeap.length;
  while (true) {
    const left = 2 * index + 1;
    if (left >= length) break;
    const right = left + 1;
    const child = right < length && runBefore(runHeap[right], runHeap[left]) ? right : left;
    if (!runBefore(runHeap[child], run)) break;
    placeRun(runHeap[child], index);
    index = child;
  }
  placeRun(run, index);
}

function dropRun(run) {
  const index = run.heapIndex;
  const last = runHeap.pop();
  if (last !== run) {
    placeRun(last, index);
    siftUpRun(index);
    siftDownRun(last.heapIndex);
  }
  run.heapIndex = -1;
  runsByTimeout.delete(run.timeout);
  if (lastRun === run) lastRun = null;
}

function insert(timer, timeout) {
  timer.sequence = nextSequence++;
  let run = lastRun;
  if (run === null || run.timeout !== timeout) {
    run = runsByTimeout.get(timeout);
    if (run === undefined) {
      run = { timeout, timers: [], head: 0, dead: 0, heapIndex: -1 };
      runsByTimeout.set(timeout, run);
    }
    lastRun = run;
  }
  run.timers.push(timer);
  timer.run = run;
  if (run.heapIndex < 0) {
    runHeap.push(run);
    siftUpRun(runHeap.length - 1);
  }
}

// After run.head moved forward (or the run was compacted): drop an empty run, let go of
// a long consumed prefix, and move the run down the heap (its first timer is now later).
function headMoved(run) {
  if (run.head === run.timers.length) {
    dropRun(run);
    return;
  }
  if (run.head > RUN_TRIM_MIN && run.head * 2 > run.timers.length) {
    run.timers = run.timers.slice(run.head);
    run.head = 0;
  }
  siftDownRun(run.heapIndex);
}

// The timer that fires next, or undefined. Skips canceled timers at the runs' fronts.
function first() {
  while (runHeap.length > 0) {
    const run = runHeap[0];
    const timer = run.timers[run.head];
    if (timer.run === run) return timer;
    run.head++;
    run.dead--;
    headMoved(run);
  }
  return undefined;
}

// Takes the timer first() returned out of its run.
function takeFirst(timer) {
  const run = timer.run;
  timer.run = null;
  run.head++;
  headMoved(run);
}

function cancel(timer) {
  const run = timer.run;
  if (run === null) return;
  timer.run = null;
  run.dead++;
  if (run.dead > RUN_COMPACT_MIN && run.dead * 2 > run.timers.length - run.head) {
    const live = [];
    for (let i = run.head; i < run.timers.length; i++) {
      if (run.timers[i].run === run) live.push(run.timers[i]);
    }
    run.timers = live;
    run.head = 0;
    run.dead = 0;
    headMoved(run);
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
    run: null,
    refed: true,
    cleared: false,
  };
  refedCount++;
  registerTimer(timer);
  insert(timer, timeout);
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
  cancel(timer);
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
    takeFirst(timer);
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
      const timeout = clampedTimeout(timer.delay, timer.nesting);
      timer.deadline = monotonicNow() + timeout;
      timer.nesting++;
      insert(timer, timeout);
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
