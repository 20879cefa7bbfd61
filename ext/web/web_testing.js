// Tests only (ext:web_testing/web_testing.js): the runtime's error hooks, which the web
// extension sets on `internals`, as globalThis.webTesting, so tests can call them as the
// C++ runtime does.
import { internals } from 'ext:core/internals';

Object.defineProperty(globalThis, 'webTesting', {
  value: {
    onUncaughtError: (...args) => internals.onUncaughtError(...args),
    onUnhandledRejection: (...args) => internals.onUnhandledRejection(...args),
  },
  writable: true, enumerable: false, configurable: true,
});
