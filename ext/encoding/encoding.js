// The entry module of the encoding extension (ext:encoding/encoding.js): the interface
// objects TextEncoder and TextDecoder (not enumerable), lazy: text_coding.js is evaluated
// when one is first read (internals.defineLazy, core/README.md "Lazy modules").
import { internals } from 'ext:core/internals';

internals.defineLazy(globalThis, 'ext:encoding/text_coding.js', ['TextEncoder', 'TextDecoder']);
