// AbortController and AbortSignal (ext:web/abort.js), per the DOM Standard
// (https://dom.spec.whatwg.org/#aborting-ongoing-activities), with dependent signals for
// AbortSignal.any() and unref'd timers for AbortSignal.timeout().
import * as webidl from 'ext:webidl/webidl.js';
import { DOMException } from './dom_exception.js';
import {
  newPlatformObject, platformObjectAllocator, rootInterface,
} from 'ext:webidl/platform_object.js';
import {
  Event, EventTarget, defineEventHandler, dispatch, hasListeners, reportException,
  setIsTrusted, setUpEventTarget, signalHooks,
} from './events.js';

const ReflectApply = Reflect.apply;
const ObjectAssign = Object.assign;
const NumberIsInteger = Number.isInteger;
const NativeSet = Set;
const NativeWeakRef = WeakRef;
const SetPrototypeAdd = Set.prototype.add;
const SetPrototypeDelete = Set.prototype.delete;
const SetPrototypeHas = Set.prototype.has;
const SetPrototypeValues = Set.prototype.values;
const WeakRefPrototypeDeref = WeakRef.prototype.deref;
const inspectCustom = Symbol.for('nodejs.util.inspect.custom');
// The timers extension's functions, captured before user code can replace the globals
// (kiln.unrefTimer is read-only).
const setTimeout = globalThis.setTimeout;
const unrefTimer = globalThis.kiln.unrefTimer;

// A signal's state:
//   reason: the abort reason (undefined while not aborted);
//   algorithms: its abort algorithms (fetch, streams, listeners' `signal` option);
//   dependent: made by AbortSignal.any();
//   sources: for a dependent signal, the non-dependent signals it follows (strong);
//   dependents: for a source, WeakRefs to the dependent signals following it, so a
//     dependent nobody observes can be collected;
//   retained: for a source, the dependents that must stay alive as long as it does (they
//     have abort listeners or algorithms: the spec's garbage collection rule);
//   weakSelf: this signal's WeakRef, made once.
const _signal = Symbol('[[signal]]');

function newSignalState() {
  return {
    reason: undefined, algorithms: new NativeSet(), dependent: false, sources: null,
    dependents: null, prunedSize: 0, retained: null, weakSelf: null,
  };
}

function createAbortSignal() {
  const signal = allocateAbortSignal();
  signal[webidl.brand] = webidl.brand;
  setUpEventTarget(signal);
  signal[_signal] = newSignalState();
  return signal;
}

function isAborted(signal) {
  return signal[_signal].reason !== undefined;
}

function defaultAbortReason() {
  return new DOMException('signal is aborted without reason', 'AbortError');
}

// "Signal abort".
function signalAbort(signal, reason) {
  const state = signal[_signal];
  if (state.reason !== undefined) return;
  state.reason = reason === undefined ? defaultAbortReason() : reason;
  const dependentsToAbort = [];
  if (state.dependents !== null) {
    const iterator = ReflectApply(SetPrototypeValues, state.dependents, []);
    for (let step = iterator.next(); !step.done; step = iterator.next()) {
      const dependent = ReflectApply(WeakRefPrototypeDeref, step.value, []);
      if (dependent === undefined) continue;
      const dependentState = dependent[_signal];
      if (dependentState.reason !== undefined) continue;
      dependentState.reason = state.reason;
      dependentsToAbort[dependentsToAbort.length] = dependent;
    }
  }
  runAbortSteps(signal);
  for (let i = 0; i < dependentsToAbort.length; i++) runAbortSteps(dependentsToAbort[i]);
}

// "Run the abort steps": the algorithms, then the trusted `abort` event.
function runAbortSteps(signal) {
  const state = signal[_signal];
  const algorithms = state.algorithms;
  state.algorithms = new NativeSet();
  releaseDependent(signal);
  const iterator = ReflectApply(SetPrototypeValues, algorithms, []);
  for (let step = iterator.next(); !step.done; step = iterator.next()) {
    try {
      step.value();
    } catch (error) {
      reportException(error);
    }
  }
  const event = new Event('abort');
  setIsTrusted(event, true);
  dispatch(signal, event);
}

// ---- Keeping observed dependent signals alive ----

function weakRefOf(signal) {
  const state = signal[_signal];
  if (state.weakSelf === null) state.weakSelf = new NativeWeakRef(signal);
  return state.weakSelf;
}

// A dependent signal with abort listeners or algorithms is held by each of its sources;
// otherwise only weakly.
function updateRetention(signal) {
  const state = signal[_signal];
  if (!state.dependent || state.sources === null) return;
  const observed = state.reason === undefined &&
      (state.algorithms.size > 0 || hasListeners(signal, 'abort'));
  const iterator = ReflectApply(SetPrototypeValues, state.sources, []);
  for (let step = iterator.next(); !step.done; step = iterator.next()) {
    const sourceState = step.value[_signal];
    if (observed) {
      if (sourceState.retained === null) sourceState.retained = new NativeSet();
      ReflectApply(SetPrototypeAdd, sourceState.retained, [signal]);
    } else if (sourceState.retained !== null) {
      ReflectApply(SetPrototypeDelete, sourceState.retained, [signal]);
    }
  }
}

function releaseDependent(signal) {
  if (signal[_signal].dependent) updateRetention(signal);
}

// Drops the WeakRefs of collected dependents once the set has doubled since the last
// sweep: amortised O(1) per dependent added.
function addDependent(sourceState, dependent) {
  if (sourceState.dependents === null) sourceState.dependents = new NativeSet();
  const dependents = sourceState.dependents;
  ReflectApply(SetPrototypeAdd, dependents, [weakRefOf(dependent)]);
  if (dependents.size > 64 && dependents.size > 2 * sourceState.prunedSize) {
    const iterator = ReflectApply(SetPrototypeValues, dependents, []);
    for (let step = iterator.next(); !step.done; step = iterator.next()) {
      if (ReflectApply(WeakRefPrototypeDeref, step.value, []) === undefined) {
        ReflectApply(SetPrototypeDelete, dependents, [step.value]);
      }
    }
    sourceState.prunedSize = dependents.size;
  }
}

// "Create a dependent abort signal".
function createDependentAbortSignal(signals) {
  const result = createAbortSignal();
  const resultState = result[_signal];
  for (let i = 0; i < signals.length; i++) {
    const reason = signals[i][_signal].reason;
    if (reason !== undefined) {
      resultState.reason = reason;
      return result;
    }
  }
  resultState.dependent = true;
  resultState.sources = new NativeSet();
  for (let i = 0; i < signals.length; i++) {
    const signal = signals[i];
    const state = signal[_signal];
    if (!state.dependent) {
      if (!ReflectApply(SetPrototypeHas, resultState.sources, [signal])) {
        ReflectApply(SetPrototypeAdd, resultState.sources, [signal]);
        addDependent(state, result);
      }
    } else {
      const iterator = ReflectApply(SetPrototypeValues, state.sources, []);
      for (let step = iterator.next(); !step.done; step = iterator.next()) {
        const source = step.value;
        if (!ReflectApply(SetPrototypeHas, resultState.sources, [source])) {
          ReflectApply(SetPrototypeAdd, resultState.sources, [source]);
          addDependent(source[_signal], result);
        }
      }
    }
  }
  return result;
}

// ---- The interfaces ----

function inspectAs(self, fields, depth, options, inspect) {
  if (typeof depth === 'number' && depth < 0) return self;
  const innerOptions = ObjectAssign({}, options, {
    depth: NumberIsInteger(options.depth) ? options.depth - 1 : options.depth,
  });
  return `${self.constructor.name} ${inspect(fields, innerOptions)}`;
}

export class AbortSignal extends EventTarget {
  constructor() {
    webidl.illegalConstructor();
    super();
  }

  static abort(reason = undefined) {
    const signal = createAbortSignal();
    signal[_signal].reason = reason === undefined ? defaultAbortReason() : reason;
    return signal;
  }

  static timeout(milliseconds) {
    const prefix = "Failed to execute 'timeout' on 'AbortSignal'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    milliseconds = webidl.converters['unsigned long long'](
        milliseconds, prefix, 'Argument 1', { enforceRange: true });
    const signal = createAbortSignal();
    // An unref'd timer: a pending timeout signal does not keep the event loop alive.
    const id = setTimeout(() => {
      signalAbort(signal, new DOMException('signal timed out', 'TimeoutError'));
    }, milliseconds);
    unrefTimer(id);
    return signal;
  }

  static any(signals) {
    const prefix = "Failed to execute 'any' on 'AbortSignal'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    signals = convertAbortSignals(signals, prefix, 'Argument 1');
    return createDependentAbortSignal(signals);
  }

  get aborted() {
    webidl.assertBranded(this, AbortSignal.prototype);
    return isAborted(this);
  }

  get reason() {
    webidl.assertBranded(this, AbortSignal.prototype);
    return this[_signal].reason;
  }

  throwIfAborted() {
    webidl.assertBranded(this, AbortSignal.prototype);
    const reason = this[_signal].reason;
    if (reason !== undefined) throw reason;
  }

  [inspectCustom](depth, options, inspect) {
    if (!webidl.implementsInterface(this, AbortSignal.prototype)) return this;
    return inspectAs(this, { aborted: isAborted(this) }, depth, options, inspect);
  }
}
defineEventHandler(AbortSignal.prototype, 'abort');
webidl.configureInterface(AbortSignal);
const allocateAbortSignal = platformObjectAllocator(AbortSignal);

const convertAbortSignal = webidl.createInterfaceConverter('AbortSignal', AbortSignal.prototype);
const convertAbortSignals = webidl.createSequenceConverter(convertAbortSignal);

const _controllerSignal = Symbol('[[controllerSignal]]');

// A root interface (interface_object.js): its objects are platform objects, which
// structuredClone refuses.
export class AbortController extends Object {
  constructor() {
    const controller = new.target === AbortController
        ? allocateAbortController() : newPlatformObject(new.target);
    controller[webidl.brand] = webidl.brand;
    controller[_controllerSignal] = createAbortSignal();
    return controller;
  }

  get signal() {
    webidl.assertBranded(this, AbortController.prototype);
    return this[_controllerSignal];
  }

  abort(reason = undefined) {
    webidl.assertBranded(this, AbortController.prototype);
    signalAbort(this[_controllerSignal], reason);
  }

  [inspectCustom](depth, options, inspect) {
    if (!webidl.implementsInterface(this, AbortController.prototype)) return this;
    return inspectAs(this, { signal: this[_controllerSignal] }, depth, options, inspect);
  }
}
rootInterface(AbortController);
const allocateAbortController = platformObjectAllocator(AbortController);
webidl.configureInterface(AbortController);

// "Add an algorithm" for fetch, streams and the other users of signals: `algorithm` runs
// (once) when the signal aborts, before its `abort` event. Nothing happens for a signal
// already aborted: check `signal.aborted` first.
export function addSignalAlgorithm(signal, algorithm) {
  const state = signal[_signal];
  if (state.reason !== undefined) return;
  ReflectApply(SetPrototypeAdd, state.algorithms, [algorithm]);
  if (state.dependent) updateRetention(signal);
}

// "Remove an algorithm".
export function removeSignalAlgorithm(signal, algorithm) {
  const state = signal[_signal];
  ReflectApply(SetPrototypeDelete, state.algorithms, [algorithm]);
  if (state.dependent) updateRetention(signal);
}

// Signal abort for a signal the caller owns (streams' and fetch's own controllers).
export { signalAbort, createAbortSignal, createDependentAbortSignal };

signalHooks.convert = (value, prefix, context) => convertAbortSignal(value, prefix, context);
signalHooks.aborted = isAborted;
signalHooks.add = addSignalAlgorithm;
signalHooks.remove = removeSignalAlgorithm;
signalHooks.listenersChanged = (target, type) => {
  if (type === 'abort' && webidl.implementsInterface(target, AbortSignal.prototype)) {
    updateRetention(target);
  }
};
