// kiln:test (ext:testing/test.js): the test harness `kiln test` runs a file with. The
// API follows node:test (test/it/describe/suite, before/after/beforeEach/afterEach,
// t.test subtests, skip/todo/only, timeouts); the leak checks after each test follow
// Deno's sanitizers (README.md).
//
// A file's run: importing it registers tests (describe callbacks run at once, collecting
// their children); then the runner (cli/test_runner.cc) calls internals.testingRun(),
// drives the event loop until its promise settles, and calls
// internals.testingInterrupt(kind, detail) when the loop has nothing left to do, when
// JavaScript was terminated by a timeout watchdog, or when an error escaped: the test
// that is running then fails and the run goes on with the next one.
import { internals } from 'ext:core/internals';
import { inspect } from 'ext:core/inspect.js';
import {
  op_print,
  op_hrtime_ms,
  op_testing_settings,
  op_testing_record,
  op_testing_pending_ops,
  op_testing_open_resources,
  op_testing_deadline,
  op_testing_cancel_deadline,
  op_testing_next_turn,
  op_testing_watch,
  op_testing_unwatch,
} from 'ext:core/ops';

const ReflectApply = Reflect.apply;
const NativePromise = Promise;
const NativeSet = Set;
const NativeMap = Map;
const NEVER = new NativePromise(() => {});
// How much longer than a test's timeout the watchdog waits before stopping JavaScript
// stuck in a synchronous loop: the timeout's own timer fails a test that is only waiting.
const WATCHDOG_GRACE_MS = 200;

// ---- The test tree ----

class Suite {
  constructor(name, options, parent) {
    this.name = name;
    this.options = options;
    this.parent = parent;
    this.children = [];
    this.hooks = { before: [], after: [], beforeEach: [], afterEach: [] };
    this.depth = parent === null ? -1 : parent.depth + 1;
    this.selected = true;
  }
  get fullName() {
    return this.parent === null || this.parent.parent === null
      ? this.name : `${this.parent.fullName} > ${this.name}`;
  }
}

class Test {
  constructor(name, options, fn, parent, depth) {
    this.name = name;
    this.options = options;
    this.fn = fn;
    this.parent = parent;  // a Suite, or the Test of a subtest
    this.depth = depth;
    this.selected = true;
    this.subtests = NativePromise.resolve();
    this.failedSubtests = 0;
    this.skipReason = undefined;   // t.skip() while running
    this.todoReason = undefined;   // t.todo() while running
    this.controller = undefined;
  }
  get fullName() {
    const parent = this.parent;
    return parent.parent === null && parent instanceof Suite
      ? this.name : `${parent.fullName} > ${this.name}`;
  }
}

const root = new Suite('<root>', {}, null);
let collecting = root;  // the suite whose describe callback is running
let started = false;    // testingRun was called

// (name, options, fn) in any of node:test's argument orders.
function parseArguments(kind, args, extra) {
  let name;
  let options = {};
  let fn;
  for (const arg of args) {
    if (typeof arg === 'string') {
      if (name === undefined) name = arg;
    } else if (typeof arg === 'function') {
      if (fn === undefined) fn = arg;
    } else if (arg !== null && typeof arg === 'object') {
      options = arg;
    } else if (arg !== undefined) {
      throw new TypeError(`${kind}: expected a name, options or a function, received ${inspect(arg)}`);
    }
  }
  if (name === undefined) name = (fn !== undefined && fn.name) || '<anonymous>';
  options = { ...options, ...extra };
  if (fn === undefined && !options.skip && !options.todo) options.todo = 'no test function';
  if (options.timeout !== undefined &&
      !(typeof options.timeout === 'number' && options.timeout >= 0)) {
    throw new TypeError(`${kind}: options.timeout must be a number >= 0, received ${inspect(options.timeout)}`);
  }
  return { name, options, fn };
}

function addTest(args, extra) {
  const { name, options, fn } = parseArguments('test', args, extra);
  if (running.length > 0 && collecting === root) {
    // test() inside a running test, without t.test: a subtest of that test.
    return runSubtest(running[running.length - 1], name, options, fn);
  }
  collecting.children.push(new Test(name, options, fn, collecting, collecting.depth + 1));
  return NativePromise.resolve();
}

function addSuite(args, extra) {
  const { name, options, fn } = parseArguments('describe', args, extra);
  const suite = new Suite(name, options, collecting);
  collecting.children.push(suite);
  if (fn !== undefined) {
    const outer = collecting;
    collecting = suite;
    try {
      const result = fn.call(suite, { name });
      if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
        throw new TypeError(`describe('${name}'): the callback must register its tests synchronously ` +
                            '(it returned a promise)');
      }
    } finally {
      collecting = outer;
    }
  }
  return NativePromise.resolve();
}

function addHook(kind, fn, options) {
  if (typeof fn !== 'function') throw new TypeError(`${kind}: the hook must be a function`);
  collecting.hooks[kind].push({ fn, options: options ?? {} });
}

export function test(...args) { return addTest(args, {}); }
test.skip = (...args) => addTest(args, { skip: true });
test.todo = (...args) => addTest(args, { todo: true });
test.only = (...args) => addTest(args, { only: true });
export const it = (...args) => addTest(args, {});
it.skip = test.skip;
it.todo = test.todo;
it.only = test.only;
export function describe(...args) { return addSuite(args, {}); }
describe.skip = (...args) => addSuite(args, { skip: true });
describe.todo = (...args) => addSuite(args, { todo: true });
describe.only = (...args) => addSuite(args, { only: true });
export const suite = describe;
export function before(fn, options) { addHook('before', fn, options); }
export function after(fn, options) { addHook('after', fn, options); }
export function beforeEach(fn, options) { addHook('beforeEach', fn, options); }
export function afterEach(fn, options) { addHook('afterEach', fn, options); }
test.test = test;
test.it = it;
test.describe = describe;
test.suite = suite;
test.before = before;
test.after = after;
test.beforeEach = beforeEach;
test.afterEach = afterEach;
export default test;

// ---- The context a test function receives ----

class TestContext {
  #test;
  constructor(testNode) {
    this.#test = testNode;
  }
  get name() { return this.#test.name; }
  get fullName() { return this.#test.fullName; }
  // Aborted when the test times out or is interrupted (null without ext/web).
  get signal() {
    const node = this.#test;
    if (node.controller === undefined) {
      node.controller = typeof AbortController === 'function' ? new AbortController() : null;
    }
    return node.controller === null ? null : node.controller.signal;
  }
  diagnostic(message) {
    printLine(node => `${indent(node.depth + 1)}# ${message}`, this.#test);
  }
  skip(message = '') { this.#test.skipReason = String(message); }
  todo(message = '') { this.#test.todoReason = String(message); }
  // A subtest: runs after the test's earlier subtests; the promise resolves (never
  // rejects) when it is done. The test waits for its subtests and fails if one failed.
  test(...args) {
    const { name, options, fn } = parseArguments('t.test', args, {});
    return runSubtest(this.#test, name, options, fn);
  }
}

function runSubtest(parent, name, options, fn) {
  const child = new Test(name, options, fn, parent, parent.depth + 1);
  const done = parent.subtests.then(() => runTest(child, [])).then(() => undefined);
  parent.subtests = done;
  return done;
}

// ---- Output ----

let settings;

function indent(depth) { return '  '.repeat(Math.max(depth, 0)); }

function printLine(make, node) {
  op_print(1, `${make(node)}\n`);
}

function print(text) { op_print(1, text); }

function formatDuration(ms) { return `${ms < 10 ? ms.toFixed(3) : ms.toFixed(1)}ms`; }

// An error as the reporters show it: its stack without kiln's own frames, and for
// assertion errors the message with its diff.
function describeError(error) {
  if (error instanceof Error || (error !== null && typeof error === 'object' && 'stack' in error)) {
    let text = typeof error.stack === 'string' ? error.stack : String(error);
    const message = `${error.name}${error.code !== undefined ? ` [${error.code}]` : ''}: ${error.message}`;
    if (!text.includes(error.message)) text = `${message}\n${text}`;
    const lines = text.split('\n').filter((line) => !/^\s+at .*\bext:/.test(line) &&
                                                    !/^\s+at (async )?Promise\.then/.test(line));
    if (error.code !== undefined && lines[0].startsWith(`${error.name}:`)) {
      lines[0] = `${error.name} [${error.code}]:${lines[0].slice(error.name.length + 1)}`;
    }
    return lines.join('\n');
  }
  return `thrown value: ${inspect(error)}`;
}

let tapNumber = 0;

// Reports and counts one result. outcome: passed, failed, skipped, todo.
function report(node, outcome, { duration = 0, error, reason } = {}) {
  op_testing_record(outcome);
  const name = node.name;
  if (settings.reporter === 'tap') {
    const number = tapNumber++;
    const full = node.fullName;
    const failing = outcome === 'failed' || (outcome === 'todo' && error !== undefined);
    let directive = '';
    if (outcome === 'skipped') directive = ` # SKIP${reason ? ` ${reason}` : ''}`;
    if (outcome === 'todo') directive = ` # TODO${reason ? ` ${reason}` : ''}`;
    print(`${failing ? 'not ok' : 'ok'} ${number} - ${escapeTap(full)}${directive}\n`);
    const yaml = [`  ---`, `  duration_ms: ${duration.toFixed(3)}`];
    if (error !== undefined) {
      yaml.push('  error: |-');
      for (const line of describeError(error).split('\n')) yaml.push(`    ${line}`);
    }
    yaml.push('  ...');
    print(`${yaml.join('\n')}\n`);
    return;
  }
  const pad = indent(node.depth);
  const time = ` (${formatDuration(duration)})`;
  if (outcome === 'passed') {
    print(`${pad}✔ ${name}${time}\n`);
  } else if (outcome === 'skipped') {
    print(`${pad}﹣ ${name}${time} # SKIP${reason ? ` ${reason}` : ''}\n`);
  } else if (outcome === 'todo') {
    print(`${pad}${error === undefined ? '✔' : '✖'} ${name}${time} # TODO${reason ? ` ${reason}` : ''}\n`);
  } else {
    print(`${pad}✖ ${name}${time}\n`);
  }
  if (error !== undefined) {
    const body = describeError(error).split('\n').map((line) => `${pad}  ${line}`).join('\n');
    print(`${body}\n`);
  }
}

function escapeTap(text) { return text.replace(/\\/g, '\\\\').replace(/#/g, '\\#'); }

function reportSuiteStart(suite) {
  if (settings.reporter === 'tap') {
    print(`# Subtest: ${escapeTap(suite.fullName)}\n`);
  } else {
    print(`${indent(suite.depth)}▶ ${suite.name}\n`);
  }
}

// ---- Selection: --filter and only ----

function compileFilter(filter) {
  if (filter === '') return null;
  if (filter.length > 2 && filter.startsWith('/') && filter.endsWith('/')) {
    const pattern = new RegExp(filter.slice(1, -1));
    return (name) => pattern.test(name);
  }
  return (name) => name.includes(filter);
}

function hasOnly(node) {
  if (node.options.only) return true;
  return node instanceof Suite && node.children.some(hasOnly);
}

// Marks what runs. Within a suite that holds `only` tests or suites, only those run;
// within an `only` suite without any, everything runs. A suite runs if any test in it
// does. A test matches the filter if its full name (suites joined by " > ") or the
// full name of a suite it is in matches.
function select(suite, matches, ancestorMatched) {
  const onlyChildren = suite.children.some(hasOnly);
  let any = false;
  for (const child of suite.children) {
    const nameMatched = ancestorMatched || matches === null || matches(child.fullName);
    if (onlyChildren && !hasOnly(child)) {
      child.selected = false;
    } else if (child instanceof Suite) {
      child.selected = select(child, matches, nameMatched);
    } else {
      child.selected = nameMatched;
    }
    any = any || child.selected;
  }
  return any;
}

// ---- Interrupts: timeouts, a drained event loop, errors that escaped ----

// The calls in progress, innermost last: an interrupt ends the innermost one.
const interruptible = [];
const running = [];  // the Test nodes whose functions run, innermost last (for test())
let nextToken = 1;

// Calls fn(...args) as its own microtask (so that if a watchdog terminates it, the
// harness's frames are not on the stack) and waits until it settles, its timeout passes
// or an interrupt ends it. Resolves with undefined or { error }.
async function callLimited(fn, thisArg, args, timeout, what, usesDone) {
  const token = nextToken++;
  let interrupt;
  const interrupted = new NativePromise((resolve) => { interrupt = resolve; });
  const entry = { end: interrupt, what, timeout };
  interruptible.push(entry);
  const call = NativePromise.resolve().then(() => {
    if (!usesDone) return ReflectApply(fn, thisArg, args);
    return new NativePromise((resolve, reject) => {
      const done = (error) => (error ? reject(error) : resolve());
      const result = ReflectApply(fn, thisArg, [...args, done]);
      if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
        reject(new Error(`${what} takes a done callback and returned a promise: use one or the other`));
      }
    });
  });
  const racers = [call.then(() => undefined, (error) => ({ error })), interrupted];
  const limited = timeout !== undefined && timeout !== Infinity;
  if (limited) {
    racers.push(op_testing_deadline(token, timeout).then((fired) => (fired
      ? { error: timeoutError(what, timeout), timedOut: true } : NEVER)));
    op_testing_watch(token, timeout + WATCHDOG_GRACE_MS);
  }
  try {
    return await NativePromise.race(racers);
  } finally {
    if (limited) {
      op_testing_unwatch(token);
      op_testing_cancel_deadline(token);
    }
    const index = interruptible.lastIndexOf(entry);
    if (index >= 0) interruptible.splice(index, 1);
  }
}

function timeoutError(what, timeout) {
  const error = new Error(`${what} timed out after ${timeout} ms`);
  error.name = 'TimeoutError';
  error.code = 'ERR_TEST_TIMEOUT';
  return error;
}

// Errors that escaped while no test was running: reported after the run as failures.
const strayErrors = [];

function interrupt(kind, detail) {
  const current = interruptible[interruptible.length - 1];
  let error;
  if (kind === 'timeout') {
    error = timeoutError(current !== undefined ? current.what : 'the test',
                         current !== undefined ? current.timeout : 'its timeout');
    error.message += ' (stopped in a synchronous loop)';
    error.stack = `${error.name} [${error.code}]: ${error.message}`;
  } else if (kind === 'drained') {
    error = new Error('the test never finished: it is waiting for a promise that nothing ' +
                      'will settle (the event loop has no work left)');
    error.name = 'PendingTestError';
  } else {
    error = detail;
  }
  if (current === undefined) {
    if (kind === 'drained') return false;
    strayErrors.push(error);
    return true;
  }
  interruptible.pop();
  current.end({ error, timedOut: kind === 'timeout' });
  return true;
}

function onGlobalError(event) {
  event.preventDefault();
  interrupt('error', event.error);
}
function onUnhandledRejection(event) {
  event.preventDefault();
  interrupt('error', event.reason);
}

// ---- Leak checks ----

let timerKinds = null;   // timer id -> { kind, stack }
const reportedLeaks = new NativeSet();

// Resources that are memory of a JavaScript object rather than handles to close: nothing
// closes them but the object's collection (a FinalizationRegistry), so an object still
// alive at a test's end is no leak. "cryptoKey": the parsed key of an asymmetric CryptoKey
// (ext/crypto; CryptoKey has no close). "textDecoder": the state of a TextDecoder in the
// middle of a stream (ext/encoding), which libraries leave when they stop reading early.
const kCollectedWithTheirObject = new NativeSet(['cryptoKey', 'textDecoder']);

function openResources() {
  return op_testing_open_resources().filter(
      (resource) => !kCollectedWithTheirObject.has(resource.name));
}

function leakSnapshot() {
  const timers = internals.timerLeakChecks;
  return {
    ops: op_testing_pending_ops(),
    resources: openResources(),
    timers: timers !== undefined ? timers.liveIds() : [],
  };
}

function newItems(before, after, key, prefix) {
  const known = new NativeSet(before.map(key));
  return after.filter((item) => !known.has(key(item)) && !reportedLeaks.has(prefix + key(item)));
}

const byId = (item) => item.id;
const itself = (id) => id;

function leaksSince(before, sanitize) {
  const now = leakSnapshot();
  return {
    ops: sanitize.ops ? newItems(before.ops, now.ops, byId, 'op:') : [],
    resources: sanitize.resources ? newItems(before.resources, now.resources, byId, 'rid:') : [],
    timers: sanitize.timers ? newItems(before.timers, now.timers, itself, 'timer:') : [],
  };
}

function countLeaks(leaks) {
  return leaks.ops.length + leaks.resources.length + leaks.timers.length;
}

function plural(count, word) { return `${count} ${word}${count === 1 ? '' : 's'}`; }

function where(stack) {
  if (!stack) return '';
  return `\n      started at:\n${stack.trimEnd().split('\n').map((l) => `    ${l.trim() ? l : ''}`).join('\n')}`;
}

function leakError(leaks) {
  const lines = [];
  for (const op of leaks.ops) {
    reportedLeaks.add(`op:${op.id}`);
    lines.push(`  - async op leak: ${op.name} was started in this test and was still pending ` +
               `when it ended (await its promise)${where(op.stack)}`);
  }
  for (const resource of leaks.resources) {
    reportedLeaks.add(`rid:${resource.id}`);
    lines.push(`  - resource leak: "${resource.name}" (rid ${resource.id}) was opened in this ` +
               `test and was still open when it ended (close it)${where(resource.stack)}`);
  }
  for (const id of leaks.timers) {
    reportedLeaks.add(`timer:${id}`);
    const info = timerKinds !== null ? timerKinds.get(id) : undefined;
    const kind = info !== undefined ? info.kind : 'timer';
    const clear = kind === 'setInterval' ? 'clearInterval' : 'clearTimeout';
    lines.push(`  - timer leak: a ${kind} timer (id ${id}) was scheduled in this test and was ` +
               `still pending when it ended (${clear} it)${where(info && info.stack)}`);
  }
  const count = countLeaks(leaks);
  let message = `leak detected: the test left ${plural(count, 'item')} behind\n${lines.join('\n')}`;
  if (!settings.trace_leaks) {
    message += '\n  (run with --trace-leaks to see where each was started)';
  }
  const error = new Error(message);
  error.name = 'LeakError';
  error.stack = `${error.name}: ${message}`;
  return error;
}

function installTimerTracking() {
  const timers = internals.timerLeakChecks;
  if (timers === undefined) return;
  timerKinds = new NativeMap();
  const trace = settings.trace_leaks;
  timers.setStartHook((id, repeat) => {
    const kind = repeat ? 'setInterval' : 'setTimeout';
    let stack = '';
    if (trace) {
      stack = (new Error().stack ?? '').split('\n').slice(1)
        .filter((line) => !line.includes('ext:')).join('\n');
    }
    timerKinds.set(id, { kind, stack });
  });
}

// Forgets the kinds of timers that ended.
function pruneTimerKinds() {
  if (timerKinds === null || timerKinds.size < 1024) return;
  const live = new NativeSet(internals.timerLeakChecks.liveIds());
  for (const id of timerKinds.keys()) if (!live.has(id)) timerKinds.delete(id);
}

// ---- Running ----

function effectiveTimeout(node) {
  for (let at = node; at !== null && at !== undefined; at = at.parent) {
    if (at.options.timeout !== undefined) return at.options.timeout;
  }
  return undefined;
}

function inherited(node, key) {
  for (let at = node; at !== null && at !== undefined; at = at.parent) {
    if (at.options[key]) return at.options[key];
  }
  return undefined;
}

function suitesOf(node) {
  const chain = [];
  let at = node.parent;
  while (at instanceof Test) at = at.parent;
  for (; at !== null; at = at.parent) chain.unshift(at);
  return chain;  // outermost first
}

function reasonOf(value) { return typeof value === 'string' ? value : ''; }

async function runTest(node, hookErrors) {
  const start = op_hrtime_ms();
  const elapsed = () => op_hrtime_ms() - start;
  const skip = inherited(node, 'skip');
  const todo = inherited(node, 'todo');
  if (skip) {
    report(node, 'skipped', { reason: reasonOf(skip) });
    return true;
  }
  if (node.fn === undefined) {
    report(node, 'todo', { reason: reasonOf(todo) });
    return true;
  }
  const isSubtest = node.parent instanceof Test;
  const sanitizeOps = node.options.sanitizeOps !== false;
  const sanitize = {
    ops: settings.leak_tracking && sanitizeOps,
    resources: settings.leak_tracking && node.options.sanitizeResources !== false,
    timers: settings.leak_tracking && sanitizeOps && node.options.sanitizeTimers !== false,
  };
  const checking = sanitize.ops || sanitize.resources || sanitize.timers;
  const before = checking ? leakSnapshot() : null;
  const context = new TestContext(node);
  const suites = isSubtest ? [] : suitesOf(node);
  let error = hookErrors.length > 0 ? hookErrors[0] : undefined;
  const timeout = effectiveTimeout(node);
  // beforeEach hooks, outermost suite first.
  for (const suiteNode of suites) {
    for (const hook of suiteNode.hooks.beforeEach) {
      if (error !== undefined) break;
      const result = await callLimited(hook.fn, undefined, [context], hook.options.timeout ?? timeout,
                                       `beforeEach hook of '${node.name}'`, hook.fn.length >= 2);
      if (result !== undefined) error = hookError('beforeEach', result.error);
    }
  }
  if (error === undefined) {
    running.push(node);
    const result = await callLimited(node.fn, context, [context], timeout, `test '${node.name}'`,
                                     node.fn.length >= 2);
    running.pop();
    if (result !== undefined) {
      error = result.error;
      if (node.controller) node.controller.abort(error);
    }
    await node.subtests;
    if (error === undefined && node.failedSubtests > 0) {
      error = new Error(`${plural(node.failedSubtests, 'subtest')} failed`);
      error.name = 'SubtestFailure';
      error.stack = `${error.name}: ${error.message}`;
    }
  }
  // afterEach hooks, innermost suite first; they run whatever happened before.
  for (let i = suites.length - 1; i >= 0; i--) {
    for (const hook of suites[i].hooks.afterEach) {
      const result = await callLimited(hook.fn, undefined, [context], hook.options.timeout ?? timeout,
                                       `afterEach hook of '${node.name}'`, hook.fn.length >= 2);
      if (result !== undefined && error === undefined) error = hookError('afterEach', result.error);
    }
  }
  if (checking) {
    let leaks = leaksSince(before, sanitize);
    if (countLeaks(leaks) > 0) {
      // Ops that finished as the test ended settle at the end of this loop turn.
      await op_testing_next_turn();
      leaks = leaksSince(before, sanitize);
    }
    if (countLeaks(leaks) > 0 && error === undefined) error = leakError(leaks);
    pruneTimerKinds();
  }
  const duration = elapsed();
  let outcome = error === undefined ? 'passed' : 'failed';
  let reason;
  if (node.skipReason !== undefined && error === undefined) {
    outcome = 'skipped';
    reason = node.skipReason;
  } else if (todo || node.todoReason !== undefined) {
    outcome = 'todo';
    reason = node.todoReason ?? reasonOf(todo);
  }
  report(node, outcome, { duration, error, reason });
  if (outcome === 'failed' && isSubtest) node.parent.failedSubtests++;
  return outcome !== 'failed';
}

function hookError(kind, cause) {
  if (cause instanceof Error) {
    const stack = cause.stack;  // V8 formats the stack on first access, from the message
    cause.message = `${kind} hook failed: ${cause.message}`;
    if (typeof stack === 'string') {
      cause.stack = stack.replace(/^([^:\n]*): /, `$1: ${kind} hook failed: `);
    }
    return cause;
  }
  return new Error(`${kind} hook failed: ${inspect(cause)}`);
}

// Reports every selected test in `suite` as `outcome` without running it.
function reportAll(suite, outcome, options) {
  for (const child of suite.children) {
    if (!child.selected) continue;
    if (child instanceof Suite) {
      reportSuiteStart(child);
      reportAll(child, outcome, options);
    } else {
      report(child, outcome, options);
    }
  }
}

async function runSuite(suite) {
  if (suite !== root) reportSuiteStart(suite);
  const skip = inherited(suite, 'skip');
  if (skip) {
    reportAll(suite, 'skipped', { reason: reasonOf(skip) });
    return;
  }
  const timeout = effectiveTimeout(suite);
  const hookErrors = [];
  for (const hook of suite.hooks.before) {
    const result = await callLimited(hook.fn, undefined, [{ name: suite.name }],
                                     hook.options.timeout ?? timeout, `before hook of '${suite.name}'`,
                                     hook.fn.length >= 2);
    if (result !== undefined) {
      hookErrors.push(hookError('before', result.error));
      break;
    }
  }
  // Children registered while the suite runs (test() from a test body) run too.
  for (let i = 0; i < suite.children.length; i++) {
    const child = suite.children[i];
    if (!started || !child.selected) continue;
    if (child instanceof Suite) {
      if (hookErrors.length > 0) {
        reportSuiteStart(child);
        reportAll(child, 'failed', { error: hookErrors[0] });
      } else {
        await runSuite(child);
      }
    } else {
      await runTest(child, hookErrors);
    }
  }
  for (const hook of suite.hooks.after) {
    const result = await callLimited(hook.fn, undefined, [{ name: suite.name }],
                                     hook.options.timeout ?? timeout, `after hook of '${suite.name}'`,
                                     hook.fn.length >= 2);
    if (result !== undefined) {
      const name = suite === root ? 'after hook' : `${suite.name} (after hook)`;
      report({ name, fullName: suite === root ? name : `${suite.fullName} (after hook)`,
               depth: suite.depth + 1 }, 'failed', { error: hookError('after', result.error) });
    }
  }
}

async function run() {
  settings = op_testing_settings();
  tapNumber = settings.first_tap_number;
  if (settings.leak_tracking) installTimerTracking();
  const matches = compileFilter(settings.filter);
  select(root, matches, false);
  if (settings.reporter !== 'tap') print(`${settings.file}\n`);
  else print(`# ${settings.file}\n`);
  started = true;
  const events = typeof globalThis.addEventListener === 'function';
  if (events) {
    globalThis.addEventListener('error', onGlobalError);
    globalThis.addEventListener('unhandledrejection', onUnhandledRejection);
  }
  try {
    await runSuite(root);
    for (const error of strayErrors.splice(0)) {
      report({ name: 'error outside any test', fullName: 'error outside any test', depth: 0 },
             'failed', { error });
    }
  } finally {
    if (events) {
      globalThis.removeEventListener('error', onGlobalError);
      globalThis.removeEventListener('unhandledrejection', onUnhandledRejection);
    }
    if (internals.timerLeakChecks !== undefined) internals.timerLeakChecks.setStartHook(null);
  }
}

// The runner's entry points (cli/test_runner.cc).
internals.testingRun = run;
// kind: 'drained' (the loop has no work left; returns false when nothing was waiting),
// 'timeout' (a watchdog terminated JavaScript), 'error' (detail: what escaped).
internals.testingInterrupt = interrupt;
