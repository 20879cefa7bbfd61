// The entry module of the fetch extension (ext:fetch/fetch.js): the global fetch()
// (an operation: enumerable) and the interface objects Headers, Request and Response (not
// enumerable), and the runtime's WebAssembly streaming hook (internals.wasmStreaming).
// All lazy: their modules are evaluated when first read (internals.defineLazy,
// core/README.md "Lazy modules"), so nothing of fetch is in the startup snapshot.
import { internals } from 'ext:core/internals';

internals.defineLazy(globalThis, 'ext:fetch/fetch_api.js', ['fetch'], true);
internals.defineLazy(globalThis, 'ext:fetch/headers.js', ['Headers']);
internals.defineLazy(globalThis, 'ext:fetch/request.js', ['Request']);
internals.defineLazy(globalThis, 'ext:fetch/response.js', ['Response']);
internals.defineLazy(internals, 'ext:fetch/wasm_streaming.js', ['wasmStreaming']);
