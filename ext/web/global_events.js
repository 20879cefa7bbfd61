// The global object as an EventTarget (ext:web/global_events.js): `globalThis instanceof
// EventTarget`, addEventListener & co. on the global, `onerror` and `onunhandledrejection`,
// `reportError`, and the runtime's error hooks (internals.onUncaughtError /
// internals.onUnhandledRejection), which the C++ runtime calls for an uncaught exception
// or an unhandled rejection and which dispatch the global `error` /
// `unhandledrejection` events.
import { internals } from 'ext:core/internals';
import * as webidl from 'ext:webidl/webidl.js';
import {
  EventTarget, defineEventHandler, dispatchErrorEvent, dispatchRejectionEvent,
  reportException, setUpEventTarget,
} from './events.js';

// The global's prototype chain becomes globalThis -> EventTarget.prototype ->
// Object.prototype, as a [Global] interface's is.
setUpEventTarget(globalThis);
Object.setPrototypeOf(globalThis, EventTarget.prototype);
defineEventHandler(globalThis, 'error');
defineEventHandler(globalThis, 'unhandledrejection');

// `reportError(e)`: HTML's "report an exception" for `e`, without throwing.
Object.defineProperty(globalThis, 'reportError', {
  value: function reportError(e) {
    webidl.requiredArguments(arguments.length, 1, "Failed to execute 'reportError'");
    reportException(e);
  },
  writable: true, enumerable: true, configurable: true,
});

// Called by the runtime for an uncaught exception; true when an `error` listener
// canceled the event (the error is handled and the run goes on).
export function onUncaughtError(error, message = undefined, filename = undefined,
                                lineno = undefined, colno = undefined) {
  return dispatchErrorEvent(error, message, filename, lineno, colno);
}

// Called by the runtime for a rejection without a handler at the end of a microtask
// checkpoint; true when an `unhandledrejection` listener canceled the event.
export function onUnhandledRejection(promise, reason) {
  return dispatchRejectionEvent(promise, reason);
}

internals.onUncaughtError = onUncaughtError;
internals.onUnhandledRejection = onUnhandledRejection;
