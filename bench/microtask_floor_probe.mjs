// The floor of queueMicrotask on V8 10.2, by instruction counts (callgrind: a busy machine
// hides differences of this size in wall-clock time).
//
//   kiln run --v8-flags=--single-threaded bench/microtask_floor_probe.mjs <variant> <n>
//   valgrind --tool=callgrind --smc-check=all bazel-bin/kiln run \
//       --v8-flags=--single-threaded bench/microtask_floor_probe.mjs <variant> 200000
//
// Runs one chain of n callbacks, each scheduling the next through <variant>; n = 0 runs
// nothing (the process's fixed cost, to subtract). Instructions per callback =
// (Ir(variant, n) - Ir(variant, 0)) / n. Variants:
//   then    resolved.then(step): a bare promise reaction (no wrapper, no check)
//   wrap    resolved.then(() => { cb(); }): the least any queueMicrotask built on promise
//           reactions must add (a closure per call and one more call in the job, because
//           the callback's throw must be reported, not turned into a rejection)
//   closure what web.js does: the type check, the original then, try/catch + report
//   fifo    the same without a closure: callbacks in a JS queue, one shared handler
//   global  globalThis.queueMicrotask
function readArgs() {
  const g = globalThis;
  if (g.kiln && Array.isArray(g.kiln.args)) return g.kiln.args.slice();
  if (g.process && Array.isArray(g.process.argv)) return g.process.argv.slice(2);
  return [];
}
const [variant = 'global', countText = '100000'] = readArgs();
const n = Number(countText);

const resolved = Promise.resolve();
const PromisePrototypeThen = Promise.prototype.then;
const ReflectApply = Reflect.apply;
function report(error) { console.log(`uncaught: ${error}`); }

function queueThen(callback) { resolved.then(callback); }
function queueWrap(callback) { resolved.then(() => { callback(); }); }
function queueClosure(callback) {
  if (typeof callback !== 'function') throw new TypeError('not a function');
  ReflectApply(PromisePrototypeThen, resolved, [() => {
    try {
      callback();
    } catch (error) {
      report(error);
    }
  }]);
}
const fifo = [];
let head = 0;
let tail = 0;
function runOldest() {
  const callback = fifo[head];
  fifo[head++] = undefined;
  if (head === tail) head = tail = 0;
  try {
    callback();
  } catch (error) {
    report(error);
  }
}
function queueFifo(callback) {
  if (typeof callback !== 'function') throw new TypeError('not a function');
  fifo[tail++] = callback;
  ReflectApply(PromisePrototypeThen, resolved, [runOldest]);
}

const variants = {
  then: queueThen, wrap: queueWrap, closure: queueClosure, fifo: queueFifo,
  global: globalThis.queueMicrotask,
};
const queue = variants[variant];
if (queue === undefined) throw new Error(`unknown variant ${variant}`);
if (n > 0) {
  let count = 0;
  const step = () => { if (++count < n) queue(step); };
  queue(step);
}
