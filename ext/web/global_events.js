// The global object as an EventTarget (ext:web/global_events.js): `globalThis instanceof
// EventTarget`, addEventListener & co. on the global, `onerror`, `onunhandledrejection` and
// `onrejectionhandled`, `reportError`, and the runtime's error hooks
// (internals.onUncaughtError / onUnhandledRejection / onRejectionHandled), which the C++
// runtime calls for an uncaught exception, an unhandled rejection, and a handler added to
// a rejection after its event, and which dispatch the global `error` /
// `unhandledrejection` / `rejectionhandled` events.
import { internals } from 'ext:core/internals';
import * as webidl from 'ext:webidl/webidl.js';
import {
  EventTarget, PromiseRejectionEvent, defineEventHandler, dispatch, dispatchErrorEvent,
  dispatchRejectionEvent, reportException, setIsTrusted, setUpEventTarget,
} from './events.js';

const NativeWeakSet = WeakSet;
const WeakSetPrototypeAdd = WeakSet.prototype.add;
const WeakSetPrototypeDelete = WeakSet.prototype.delete;
const ReflectApply = Reflect.apply;

// The global's prototype chain becomes globalThis -> EventTarget.prototype ->
// Object.prototype, as a [Global] interface's is.
setUpEventTarget(globalThis);
Object.setPrototypeOf(globalThis, EventTarget.prototype);
defineEventHandler(globalThis, 'error');
defineEventHandler(globalThis, 'unhandledrejection');
defineEventHandler(globalThis, 'rejectionhandled');

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
  const handled = dispatchRejectionEvent(promise, reason);
  // HTML's "outstanding rejected promises": a handler added later fires rejectionhandled.
  if (handled) ReflectApply(WeakSetPrototypeAdd, outstandingRejections, [promise]);
  return handled;
}

const outstandingRejections = new NativeWeakSet();

// Called by the runtime, at the end of a checkpoint, for a rejected promise that got a
// handler after its unhandledrejection event: dispatches the trusted, non-cancelable
// PromiseRejectionEvent `rejectionhandled` on the global (once per promise).
export function onRejectionHandled(promise, reason) {
  if (!ReflectApply(WeakSetPrototypeDelete, outstandingRejections, [promise])) return false;
  const event = new PromiseRejectionEvent('rejectionhandled', { promise, reason });
  setIsTrusted(event, true);
  dispatch(globalThis, event);
  return true;
}

internals.onUncaughtError = onUncaughtError;
internals.onUnhandledRejection = onUnhandledRejection;
internals.onRejectionHandled = onRejectionHandled;
