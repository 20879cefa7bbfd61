// The entry module of the web extension (ext:web/web.js): the web platform's globals.
import { internals } from 'ext:core/internals';
import { DOMException } from './dom_exception.js';
import {
  CustomEvent, ErrorEvent, Event, EventTarget, PromiseRejectionEvent, reportException,
} from './events.js';
import './global_events.js';
import { Performance, performance } from './performance.js';
import './base64.js'; import './navigator.js'; import './structured_clone.js';

// Operations: enumerable, as WebIDL puts them on the global.
function defineGlobal(name, value) {
  Object.defineProperty(globalThis, name, {
    value, writable: true, enumerable: true, configurable: true,
  });
}

// Interface objects: not enumerable.
function defineInterface(value) {
  Object.defineProperty(globalThis, value.name, {
    value, writable: true, enumerable: false, configurable: true,
  });
}

// queueMicrotask(callback): HTML's "queue a microtask" that invokes the callback and, if it
// throws, reports the exception (an uncaught error and the global `error` event, exactly
// what a throwing timer callback gets; never a rejection). The job is a reaction to an
// already resolved promise, made with the original Promise.prototype.then: it takes its
// place in V8's one microtask queue, among promise jobs, in call order, and costs what a
// bare `promise.then` costs (bench/microtasks_then.mjs), where a call into C++ to enqueue a
// native microtask (isolate->EnqueueMicrotask) cost about twice that.
const ReflectApply = Reflect.apply;
const PromisePrototypeThen = Promise.prototype.then;
const resolvedPromise = Promise.resolve();
defineGlobal('queueMicrotask', function queueMicrotask(callback) {
  if (typeof callback !== 'function') {
    throw new TypeError('queueMicrotask: the callback must be a function, received ' +
                        (callback === null ? 'null' : typeof callback));
  }
  ReflectApply(PromisePrototypeThen, resolvedPromise, [() => {
    try {
      callback();
    } catch (error) {
      reportException(error);
    }
  }]);
});

defineGlobal('performance', performance);

for (const Interface of [
  DOMException, Event, EventTarget, CustomEvent, ErrorEvent, PromiseRejectionEvent,
  Performance,
]) {
  defineInterface(Interface);
}

// Lazy (internals.defineLazy, core/README.md "Lazy modules"): abort, messaging and User
// Timing are evaluated when one of their globals, or one of
// Performance's User Timing operations (enumerable, as WebIDL puts operations), is first
// read.
internals.defineLazy(globalThis, 'ext:web/abort.js', ['AbortController', 'AbortSignal']);
internals.defineLazy(globalThis, 'ext:web/messaging.js', [
  'MessageEvent', 'MessageChannel', 'MessagePort', 'BroadcastChannel',
]);
internals.defineLazy(globalThis, 'ext:web/user_timing.js', [
  'PerformanceEntry', 'PerformanceMark', 'PerformanceMeasure', 'PerformanceObserver',
  'PerformanceObserverEntryList',
]);
internals.defineLazy(Performance.prototype, 'ext:web/user_timing.js', [
  'mark', 'measure', 'clearMarks', 'clearMeasures', 'getEntries', 'getEntriesByType',
  'getEntriesByName',
], true);
