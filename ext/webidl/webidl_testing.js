// Tests only (ext:webidl_testing/webidl_testing.js): the webidl module's exports as
// globalThis.webidl, so tests can call the converters directly.
import * as webidl from 'ext:webidl/webidl.js';

Object.defineProperty(globalThis, 'webidl', {
  value: webidl, writable: true, enumerable: false, configurable: true,
});
