// The entry module of the web extension (ext:web/web.js): the web platform's globals.
import { op_web_queue_microtask } from 'ext:core/ops';
import { DOMException } from './dom_exception.js';
import {
  CustomEvent, ErrorEvent, Event, EventTarget, PromiseRejectionEvent,
} from './events.js';
import { AbortController, AbortSignal } from './abort.js';
import './global_events.js';
import {
  BroadcastChannel, MessageChannel, MessageEvent, MessagePort,
} from './messaging.js';
import { Performance, performance } from './performance.js';
import {
  PerformanceEntry, PerformanceMark, PerformanceMeasure, PerformanceObserver,
  PerformanceObserverEntryList,
} from './user_timing.js';
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

defineGlobal('queueMicrotask', function queueMicrotask(callback) {
  if (typeof callback !== 'function') {
    throw new TypeError('queueMicrotask: the callback must be a function, received ' +
                        (callback === null ? 'null' : typeof callback));
  }
  op_web_queue_microtask(callback);
});

defineGlobal('performance', performance);

for (const Interface of [
  DOMException, Event, EventTarget, CustomEvent, ErrorEvent, PromiseRejectionEvent,
  AbortController, AbortSignal, Performance, PerformanceEntry, PerformanceMark,
  PerformanceMeasure, PerformanceObserver, PerformanceObserverEntryList, MessageEvent,
  MessageChannel, MessagePort, BroadcastChannel,
]) {
  defineInterface(Interface);
}
