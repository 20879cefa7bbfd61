// setTimeout / setInterval / clearTimeout / clearInterval, queueMicrotask, performance,
// kiln.refTimer / kiln.unrefTimer. An extension file: a function body with one parameter,
// `internals` (internals.ops is kiln.ops).
//
// All timers live in one binary min-heap ordered by (deadline, scheduling sequence), so
// timers that are overdue together still fire in that order; insert and cancel are
// O(log n) (each timer knows its heap index). The native side (timers_ops.cc) keeps one
// libuv timer armed for the heap's earliest deadline and calls fire(now) once per due
// timer, with a microtask checkpoint after each.
'use strict';

const {
  op_timers_now: monotonicNow,
  op_timers_time_origin: timeOrigin,
  op_timers_arm: arm,
  op_timers_set_handler: setHandler,
  op_timers_queue_microtask: enqueueMicrotask,
} = internals.ops;
const ReflectApply = Reflect.apply;
const NativeMap = Map;

const heap = [];
const timersById = new NativeMap();
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

function insert(timer) {
  timer.sequence = nextSequence++;
  heap.push(timer);
  siftUp(heap.length - 1);
}

function remove(timer) {
  const index = timer.index;
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
  const deadline = heap.length > 0 ? heap[0].deadline : -1;
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
  timersById.set(timer.id, timer);
  insert(timer);
  rearm(false);
  return timer.id;
}

function clearTimer(id) {
  if (typeof id !== 'number') return;
  const timer = timersById.get(id);
  if (timer === undefined) return;
  timersById.delete(id);
  timer.cleared = true;
  if (timer.refed) refedCount--;
  remove(timer);
  rearm(false);
}

// Called by the native timer: runs the earliest timer if it is due at `now` and returns
// true, or re-arms for the next deadline and returns false.
function fire(now) {
  const timer = heap[0];
  if (timer === undefined || timer.deadline > now) {
    rearm(true);  // the native timer fired, so it is no longer armed
    return false;
  }
  remove(timer);
  if (!timer.repeat) {
    timersById.delete(timer.id);
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
  return true;
}
setHandler(fire);

function setRef(id, refed) {
  const timer = typeof id === 'number' ? timersById.get(id) : undefined;
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

defineGlobal('setTimeout', function setTimeout(callback, delay = 0, ...args) {
  return startTimer(callback, delay, args, false);
});
defineGlobal('setInterval', function setInterval(callback, delay = 0, ...args) {
  return startTimer(callback, delay, args, true);
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
