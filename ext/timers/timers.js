// setTimeout / setInterval / clearTimeout / clearInterval, kiln.refTimer /
// kiln.unrefTimer: the entry module of the timers extension (ext:timers/timers.js).
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
//
import { internals } from 'ext:core/internals';
import {
  op_timers_clock as monotonicNow,
  op_timers_arm as arm,
  op_timers_run_microtasks as runMicrotasks,
  op_report_exception,
} from 'ext:core/ops';

const ReflectApply = Reflect.apply;
const ArrayPrototypeSlice = Array.prototype.slice;
const NO_ARGS = Object.freeze([]);
const NativeMap = Map;
const NativeSet = Set;

let nextId = 1;
let nextSequence = 0;
let refedCount = 0;  // pending timers (and an interval whose callback runs) that are ref'd
const unrefedIds = new NativeSet();
let runningNesting = 0;  // the nesting level of the timer whose callback runs, else 0
let armedDeadline = -1;
let armedRef = false;

// ---- Runs ----
// A run: a ring buffer of the pending timers with one timeout. Positions count up from 0
// (head..tail are pending, `dead` of them canceled); position p lives at index p & mask of
// the run's arrays (capacity mask + 1, a power of two), one array per field:
//   callbacks (an Array): the callback;
//   ids (a Float64Array): the id, 0 once canceled or fired;
//   infos (a Uint8Array): the nesting level (capped at 6: only "more than 5" matters),
//     + 8 for an interval (its delay is in intervalDelays);
//   deadlines, sequences (Float64Arrays): the deadline and the scheduling sequence.
// Only callbacks holds references. The other fields are typed arrays: the garbage
// collector does not scan them, and their memory is touched only where timers are
// written (a JS Array is filled across its whole capacity when made: at 262,144 timers
// that was 12 MB written at once in the middle of a burst, 15-20 ms of page faults here).
// A timer's extra arguments, when it has any, are in timerArguments by id.
// Growing keeps positions (an index only gains high bits); compacting out canceled timers
// renumbers them and tells their ids. heapIndex is the run's place in runHeap, -1 while
// the run is empty. Runs hold no object per timer: hundreds of thousands of pending
// timers cost the garbage collector one array, not an object each.
const INFO_INTERVAL = 8;
const MAX_NESTING = 6;
const intervalDelays = new NativeMap();  // id -> the interval's converted delay
const timerArguments = new NativeMap();  // id -> the extra arguments of a timer with any
// The run of each timeout with pending timers: timeouts under SMALL_TIMEOUTS (nearly all)
// in an array indexed by the timeout, larger ones in a Map.
const SMALL_TIMEOUTS = 4096;
const runsBySmallTimeout = new Array(SMALL_TIMEOUTS).fill(undefined);
const runsByLargeTimeout = new NativeMap();
const runHeap = [];
let spareRun = null;  // the last emptied run, its arrays kept for the next new run
const RUN_MIN_CAPACITY = 16;
const RUN_SPARE_MAX_CAPACITY = 1 << 18;
const RUN_SHRINK_MIN_CAPACITY = 1 << 18;  // smaller runs keep their capacity for the next burst
const RUN_COMPACT_MIN = 1024;

// The run of `timeout` if it has pending timers, else undefined.
function runWithTimeout(timeout) {
  return timeout < SMALL_TIMEOUTS ? runsBySmallTimeout[timeout] : runsByLargeTimeout.get(timeout);
}

// Gives a run empty arrays of `capacity`.
function allocateRun(run, capacity) {
  run.callbacks = new Array(capacity);
  run.ids = new Float64Array(capacity);
  run.infos = new Uint8Array(capacity);
  run.deadlines = new Float64Array(capacity);
  run.sequences = new Float64Array(capacity);
  run.mask = capacity - 1;
}

function newRun(timeout) {
  const spare = spareRun;
  if (spare !== null) {
    spareRun = null;
    spare.timeout = timeout;
    return spare;
  }
  // Every field is stored twice, a placeholder and then its value, so that V8 never takes
  // one for a constant. Its arrays and mask change when a run first grows, its head when
  // its first timer ends, its timeout when it is reused: with constant fields folded into
  // setTimeout and the firing path, each of those firsts deoptimized them (--trace-deopt:
  // "code dependencies"), in the middle of the first burst.
  const run = {
    timeout: -1, callbacks: null, ids: null, infos: null, deadlines: null, sequences: null,
    mask: -1, head: -1, tail: -1, dead: -1, heapIndex: -2, headDeadline: -1.5,
    headSequence: -1.5,
  };
  run.timeout = timeout;
  allocateRun(run, RUN_MIN_CAPACITY);
  run.head = 0;
  run.tail = 0;
  run.dead = 0;
  run.heapIndex = -1;
  run.headDeadline = 0;
  run.headSequence = 0;
  return run;
}

// Copies the deadline and sequence of the run's first pending timer to the run, where the
// heap compares them.
function noteHead(run) {
  const index = run.head & run.mask;
  run.headDeadline = run.deadlines[index];
  run.headSequence = run.sequences[index];
}

// Calls copy(from, to, count) for the stretches of the positions first..end - 1 that wrap
// in neither a ring of mask `fromMask` nor one of `toMask` (at most three): what moving a
// ring's entries to a ring of another size copies, keeping every position.
function forEachStretch(first, end, fromMask, toMask, copy) {
  let position = first;
  while (position < end) {
    const from = position & fromMask;
    const to = position & toMask;
    const count = Math.min(end - position, fromMask + 1 - from, toMask + 1 - to);
    copy(from, to, count);
    position += count;
  }
}

// Moves a run's pending timers to new arrays of `capacity` (a power of two at least their
// count), keeping every position: its index only gains or loses high bits. The pending
// positions are copied by stretches (forEachStretch).
function resizeRun(run, capacity) {
  const { callbacks, ids, infos, deadlines, sequences, mask } = run;
  allocateRun(run, capacity);
  forEachStretch(run.head, run.tail, mask, run.mask, (from, to, count) => {
    run.ids.set(ids.subarray(from, from + count), to);
    run.infos.set(infos.subarray(from, from + count), to);
    run.deadlines.set(deadlines.subarray(from, from + count), to);
    run.sequences.set(sequences.subarray(from, from + count), to);
    const movedCallbacks = run.callbacks;
    for (let k = 0; k < count; k++) movedCallbacks[to + k] = callbacks[from + k];
  });
}

// Drops canceled timers from the middle of a run: renumbers the live ones from 0 and
// tells their ids.
function compactRun(run) {
  const live = run.tail - run.head - run.dead;
  let capacity = RUN_MIN_CAPACITY;
  while (capacity < live) capacity *= 2;
  const { callbacks, ids, infos, deadlines, sequences, mask } = run;
  allocateRun(run, capacity);
  let renumbered = 0;
  for (let position = run.head; position < run.tail; position++) {
    const from = position & mask;
    const id = ids[from];
    if (id === 0) continue;
    setPlace(id, run, renumbered);
    run.callbacks[renumbered] = callbacks[from];
    run.ids[renumbered] = id;
    run.infos[renumbered] = infos[from];
    run.deadlines[renumbered] = deadlines[from];
    run.sequences[renumbered] = sequences[from];
    renumbered++;
  }
  run.head = 0;
  run.tail = renumbered;
  run.dead = 0;
  if (renumbered > 0) noteHead(run);
}

function runBefore(a, b) {
  const da = a.headDeadline, db = b.headDeadline;
  return da < db || (da === db && a.headSequence < b.headSequence);
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

// Takes an emptied run out of the heap and the map; keeps its arrays as the spare.
function dropRun(run) {
  const index = run.heapIndex;
  const last = runHeap.pop();
  if (last !== run) {
    placeRun(last, index);
    siftUpRun(index);
    siftDownRun(last.heapIndex);
  }
  run.heapIndex = -1;
  run.head = 0;
  run.tail = 0;
  run.dead = 0;
  if (run.timeout < SMALL_TIMEOUTS) {
    runsBySmallTimeout[run.timeout] = undefined;
  } else {
    runsByLargeTimeout.delete(run.timeout);
  }
  if (run.mask < RUN_SPARE_MAX_CAPACITY) spareRun = run;
}

// Appends a timer to the run of `timeout` and returns that run (the timer is at tail - 1).
function insert(id, callback, info, timeout, deadline) {
  let run = runWithTimeout(timeout);
  if (run === undefined) {
    run = newRun(timeout);
    if (timeout < SMALL_TIMEOUTS) {
      runsBySmallTimeout[timeout] = run;
    } else {
      runsByLargeTimeout.set(timeout, run);
    }
  }
  const position = run.tail;
  // A full run grows fourfold: a burst of 200,000 timers then makes 7 sets of arrays on
  // its way up instead of 14 (bench/README.md, "Hot paths"). The window of ids below
  // grows the same way.
  if (position - run.head > run.mask) resizeRun(run, 4 * (run.mask + 1));
  const index = position & run.mask;
  run.callbacks[index] = callback;
  run.ids[index] = id;
  run.infos[index] = info;
  run.deadlines[index] = deadline;
  run.sequences[index] = nextSequence++;
  run.tail = position + 1;
  if (position === run.head) noteHead(run);
  if (run.heapIndex < 0) {
    runHeap.push(run);
    siftUpRun(runHeap.length - 1);
  }
  return run;
}

// Takes the timer at the head of a run (fired or canceled) and the canceled ones behind it:
// drops an emptied run, shrinks a very large one that is almost empty, and moves the run
// down the heap once (its first timer is later).
function advanceHead(run) {
  const ids = run.ids;
  run.callbacks[run.head & run.mask] = undefined;
  run.head++;
  // Canceled timers hold no callback any more (cancelAt).
  while (run.head < run.tail && ids[run.head & run.mask] === 0) {
    run.head++;
    run.dead--;
  }
  const pending = run.tail - run.head;
  if (pending === 0) {
    dropRun(run);
    return;
  }
  if (run.mask >= RUN_SHRINK_MIN_CAPACITY && pending * 32 < run.mask) {
    resizeRun(run, (run.mask + 1) >> 2);
  }
  noteHead(run);
  siftDownRun(run.heapIndex);
}

// The run whose first timer fires next, or null. Skips canceled timers at the fronts.
function firstRun() {
  while (runHeap.length > 0) {
    const run = runHeap[0];
    if (run.ids[run.head & run.mask] !== 0) return run;
    run.dead--;
    advanceHead(run);
  }
  return null;
}

function cancelAt(run, position) {
  const index = position & run.mask;
  run.ids[index] = 0;
  run.callbacks[index] = undefined;
  run.dead++;
  if (run.dead > RUN_COMPACT_MIN && run.dead * 2 > run.tail - run.head) {
    compactRun(run);
    if (run.tail === 0) {
      dropRun(run);
    } else {
      siftDownRun(run.heapIndex);
    }
  }
}

// ---- Ids ----
// Each live id maps to its timer's run and position, or to FIRING for an interval whose
// callback is running. Ids are handed out in increasing order and most timers end in
// about that order, so the ids from `windowBase` to nextId sit in a ring buffer (id & mask)
// instead of a Map (whose insert and delete per timer would cost more than the rest of
// scheduling): windowKeys names the run by its timeout (0: ended, FIRING_KEY, else the
// timeout + 1), windowPositions holds the position. Both are typed arrays, for the reasons
// runs' fields are. windowBase moves past ended ids as they end at the front. When the
// window is large and mostly ended, the live ids at its front move to `longLived`
// ({ run, position } each) until it is dense again. Every id is passed over once by
// windowBase and moves at most once: O(1) amortized.
const FIRING = { firing: true };
const ENDED_KEY = 0;
const FIRING_KEY = 0xffffffff;
const WINDOW_MIN_CAPACITY = 1024;
const WINDOW_SPARSE_MIN = 8192;
const WINDOW_KEEP_MAX_CAPACITY = 1 << 18;
let windowKeys = new Uint32Array(WINDOW_MIN_CAPACITY);
let windowPositions = new Float64Array(WINDOW_MIN_CAPACITY);
let windowMask = WINDOW_MIN_CAPACITY - 1;
let windowBase = 1;  // the oldest id in the window; nextId is one past the newest
let liveInWindow = 0;
const longLived = new NativeMap();

function keyOf(run) {
  return run === FIRING ? FIRING_KEY : run.timeout + 1;
}

function runOfKey(key) {
  if (key === ENDED_KEY) return undefined;
  return key === FIRING_KEY ? FIRING : runWithTimeout(key - 1);
}

// Moves the window's ids to new arrays of `capacity`, by stretches (forEachStretch).
function resizeWindow(capacity) {
  const keys = windowKeys, positions = windowPositions, mask = windowMask;
  windowKeys = new Uint32Array(capacity);
  windowPositions = new Float64Array(capacity);
  windowMask = capacity - 1;
  if (liveInWindow === 0) return;
  forEachStretch(windowBase, nextId, mask, windowMask, (from, to, count) => {
    windowKeys.set(keys.subarray(from, from + count), to);
    windowPositions.set(positions.subarray(from, from + count), to);
  });
}

// For the id nextId is about to hand out.
function registerId(id, run, position) {
  if (id - windowBase > windowMask) resizeWindow(4 * (windowMask + 1));
  windowKeys[id & windowMask] = run.timeout + 1;
  windowPositions[id & windowMask] = position;
  liveInWindow++;
}

// The run of a live id, FIRING, or undefined for any other value.
function runOf(id) {
  if (id >= windowBase) {
    return id < nextId && Math.floor(id) === id ? runOfKey(windowKeys[id & windowMask])
                                                : undefined;
  }
  if (longLived.size === 0) return undefined;
  const place = longLived.get(id);
  return place === undefined ? undefined : place.run;
}

// For a live id.
function positionOf(id) {
  return id >= windowBase ? windowPositions[id & windowMask] : longLived.get(id).position;
}

// For a live id.
function setPlace(id, run, position) {
  if (id >= windowBase) {
    windowKeys[id & windowMask] = keyOf(run);
    windowPositions[id & windowMask] = position;
  } else {
    const place = longLived.get(id);
    place.run = run;
    place.position = position;
  }
}

// Moves windowBase past ended ids, and past live ones (into longLived) while the window
// is large and mostly ended.
function advanceWindow() {
  while (windowBase < nextId) {
    const index = windowBase & windowMask;
    const key = windowKeys[index];
    if (key !== ENDED_KEY) {
      // Both tests are evaluated every time: a test V8 has never seen evaluated (no type
      // feedback) deoptimizes the code it was compiled into the first time it runs.
      const length = nextId - windowBase;
      const dense = liveInWindow * 4 >= length;
      if (length < WINDOW_SPARSE_MIN || dense) break;
      longLived.set(windowBase, { run: runOfKey(key), position: windowPositions[index] });
      windowKeys[index] = ENDED_KEY;
      liveInWindow--;
    }
    windowBase++;
  }
  if (liveInWindow === 0 && windowMask >= WINDOW_KEEP_MAX_CAPACITY) {
    resizeWindow(WINDOW_MIN_CAPACITY);
  }
}

// Ends a live id: it no longer names a timer.
function unregisterId(id) {
  if (unrefedIds.size === 0 || !unrefedIds.delete(id)) refedCount--;
  if (timerArguments.size !== 0) timerArguments.delete(id);
  if (id < windowBase) {
    longLived.delete(id);
    return;
  }
  windowKeys[id & windowMask] = ENDED_KEY;
  liveInWindow--;
  const sparse = liveInWindow * 4 < nextId - windowBase;  // evaluated always, as above
  if (id === windowBase || sparse) advanceWindow();
}

// ---- Leak checks ----
// For `kiln test` (ext/testing): the ids of every live timer (pending, or an interval
// whose callback runs), and a hook told of each timer started while it is set.
let onTimerStart = null;
internals.timerLeakChecks = {
  liveIds() {
    const ids = [];
    for (const id of longLived.keys()) ids.push(id);
    for (let id = windowBase; id < nextId; id++) {
      if (windowKeys[id & windowMask] !== ENDED_KEY) ids.push(id);
    }
    return ids;
  },
  setStartHook(hook) {
    onTimerStart = hook;
  },
};

// ---- Scheduling and firing ----

// Keeps the native timer armed no later than the earliest deadline, and ref'd while a
// ref'd timer is pending. `fired`: the native timer just fired, so it is not armed. A
// deadline that moved later (its timer was cleared) leaves the native timer as it is: it
// fires early, fire() finds nothing due and re-arms. So clearing the first of many timers
// costs no native call.
function rearm(fired) {
  const run = firstRun();
  const deadline = run !== null ? run.headDeadline : -1;
  const refed = refedCount > 0;
  let target = armedDeadline;
  if (fired || deadline < 0 || armedDeadline < 0 || deadline < armedDeadline) target = deadline;
  if (fired || target !== armedDeadline || refed !== armedRef) {
    arm(target, refed);
    armedDeadline = target;
    armedRef = refed;
  }
}

// HTML "timer initialization steps": WebIDL `long` conversion of the delay (done by the
// caller, once), negative to 0, and a 4 ms clamp once timers nest more than 5 levels deep.
function clampedTimeout(delay, nesting) {
  let timeout = delay;
  if (timeout < 0) timeout = 0;
  if (nesting > 5 && timeout < 4) timeout = 4;
  return timeout;
}

// INFO for a timer made while a timer of nesting level `nesting` runs: its own level, one
// deeper but capped at MAX_NESTING (the clamp only asks for "more than 5"), + INFO_INTERVAL
// for an interval.
function timerInfo(nesting, repeat) {
  const level = nesting < MAX_NESTING ? nesting + 1 : MAX_NESTING;
  return repeat ? level + INFO_INTERVAL : level;
}

function startTimer(callback, delay, args, repeat) {
  if (typeof callback !== 'function') {
    throw new TypeError(`${repeat ? 'setInterval' : 'setTimeout'}: the callback must be a ` +
                        `function, received ${callback === null ? 'null' : typeof callback}`);
  }
  const delayMs = delay | 0;  // WebIDL `long`, converted once
  const nesting = runningNesting;
  const timeout = clampedTimeout(delayMs, nesting);
  const id = nextId++;
  if (repeat) intervalDelays.set(id, delayMs);
  const deadline = monotonicNow() + timeout;
  if (args !== NO_ARGS) timerArguments.set(id, args);
  const run = insert(id, callback, timerInfo(nesting, repeat), timeout, deadline);
  refedCount++;
  registerId(id, run, run.tail - 1);
  if (onTimerStart !== null) onTimerStart(id, repeat);
  if (deadline < armedDeadline || armedDeadline < 0 || !armedRef) rearm(false);
  return id;
}

// Ends a live id: cancels its pending timer, or stops an interval whose callback runs.
function endTimer(id, run) {
  if (run !== FIRING) cancelAt(run, positionOf(id));
  if (intervalDelays.size !== 0) intervalDelays.delete(id);
  unregisterId(id);
}

function clearTimer(id) {
  if (typeof id !== 'number') return;
  const run = runOf(id);
  if (run === undefined) return;
  endTimer(id, run);
  // A later first deadline leaves the native timer as it is (rearm); only the end of the
  // last ref'd timer (unref the native timer, or stop it) needs it told.
  if (refedCount === 0 || !armedRef) rearm(false);
}

// What runDueTimer did: nothing was due, a timer ran, or the runtime stopped.
const NOTHING_DUE = 0;
const RAN = 1;
const STOPPED = 2;

// Runs the first pending timer if it is due by `now`, then a microtask checkpoint. One
// timer per call, not the body of fire's loop: V8 tiers a function up at its next call, a
// loop body only by on-stack replacement, compiled after the function's own code (about
// 25 ms of a 200,000-timer batch's first firing ran unoptimized that way).
function runDueTimer(now) {
  const run = firstRun();
  if (run === null || run.headDeadline > now) return NOTHING_DUE;
  const index = run.head & run.mask;
  const id = run.ids[index];
  const callback = run.callbacks[index];
  const info = run.infos[index];
  const args = timerArguments.size === 0 ? NO_ARGS : timerArguments.get(id) ?? NO_ARGS;
  run.ids[index] = 0;
  advanceHead(run);
  const repeat = info >= INFO_INTERVAL;
  if (repeat) {
    setPlace(id, FIRING, 0);
  } else {
    unregisterId(id);
  }
  const nesting = repeat ? info - INFO_INTERVAL : info;
  runningNesting = nesting;
  try {
    ReflectApply(callback, globalThis, args);
  } catch (error) {
    // Reported (the global `error` event may handle it); the other timers go on.
    op_report_exception(error);
  } finally {
    runningNesting = 0;
  }
  if (repeat && runOf(id) === FIRING) {
    // The repetition is a new initialization with the interval's nesting level.
    const timeout = clampedTimeout(intervalDelays.get(id), nesting);
    const next = insert(id, callback, timerInfo(nesting, true), timeout,
                        monotonicNow() + timeout);
    setPlace(id, next, next.tail - 1);
  }
  return runMicrotasks() ? RAN : STOPPED;
}

// Called by the native timer with the time it fired: runs every timer due by `now`, in
// order, with a microtask checkpoint after each, then re-arms for the next deadline.
// Timers scheduled meanwhile are due later than `now` and wait for the next batch. An
// exception from a callback is reported; an uncaught error stops the runtime, and then no
// further callback runs.
function fire(now) {
  let result;
  while ((result = runDueTimer(now)) === RAN) {}
  if (result === STOPPED) return;
  rearm(true);  // the native timer fired, so it is no longer armed
}
// The native timer calls it (timers_ops.cc finds it here, in every runtime).
internals.timersFire = fire;

function setRef(id, refed) {
  const run = typeof id === 'number' ? runOf(id) : undefined;
  if (run === undefined) return false;
  const wasRefed = unrefedIds.size === 0 || !unrefedIds.has(id);
  if (wasRefed !== refed) {
    if (refed) {
      unrefedIds.delete(id);
      refedCount++;
    } else {
      unrefedIds.add(id);
      refedCount--;
    }
    rearm(false);
  }
  return true;
}

function defineGlobal(name, value) {
  Object.defineProperty(globalThis, name, {
    value, writable: true, enumerable: true, configurable: true,
  });
}

// For other extensions (ext:timers/timers.js): runs `callback` as a task of its own, as
// soon as possible, in the order of the calls, among the zero-delay timers (HTML's "queue
// a global task": MessagePort and BroadcastChannel messages, PerformanceObserver
// callbacks). Never clamped, whatever the nesting level; keeps the run alive until it
// ran; an exception is reported as a timer callback's is. It has no id to clear.
export function queueTask(callback) {
  const id = nextId++;
  const deadline = monotonicNow();
  // INFO 0: the task runs at nesting level 0, so timers it sets start the count afresh.
  const run = insert(id, callback, 0, 0, deadline);
  refedCount++;
  registerId(id, run, run.tail - 1);
  if (deadline < armedDeadline || armedDeadline < 0 || !armedRef) rearm(false);
}

// Extra arguments after (callback, delay), without allocating when there are none.
defineGlobal('setTimeout', function setTimeout(callback, delay = 0) {
  const args = arguments.length > 2 ? ReflectApply(ArrayPrototypeSlice, arguments, [2]) : NO_ARGS;
  return startTimer(callback, delay, args, false);
});
defineGlobal('setInterval', function setInterval(callback, delay = 0) {
  const args = arguments.length > 2 ? ReflectApply(ArrayPrototypeSlice, arguments, [2]) : NO_ARGS;
  return startTimer(callback, delay, args, true);
});
defineGlobal('clearTimeout', function clearTimeout(id = undefined) {
  clearTimer(id);
});
defineGlobal('clearInterval', function clearInterval(id = undefined) {
  clearTimer(id);
});
// kiln.refTimer(id) / kiln.unrefTimer(id): whether a timer keeps the event loop alive.
// False for an unknown id.
const kiln = globalThis.kiln;
Object.defineProperty(kiln, 'refTimer', { value: (id) => setRef(id, true), enumerable: true });
Object.defineProperty(kiln, 'unrefTimer', { value: (id) => setRef(id, false), enumerable: true });
