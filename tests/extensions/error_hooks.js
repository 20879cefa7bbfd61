// A test extension standing in for the web platform's global `error` and
// `unhandledrejection` events: it records every call of the runtime's error hooks and
// handles the error when `globalThis.handleErrors` is true.
import { internals } from 'ext:core/internals';

globalThis.hookCalls = [];
internals.onUncaughtError = (error, message, filename, lineno, colno) => {
  globalThis.hookCalls.push(
      `error ${error?.message ?? error} | ${message} | ${typeof filename} ${lineno > 0} ${colno > 0}`);
  if (globalThis.throwInHook) throw new Error('thrown by the hook');
  return globalThis.handleErrors === true;
};
internals.onUnhandledRejection = (promise, reason) => {
  globalThis.hookCalls.push(`rejection ${reason?.message ?? reason} ${promise instanceof Promise}`);
  return globalThis.handleErrors === true;
};
