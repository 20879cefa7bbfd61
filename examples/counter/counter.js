// The entry module of the counter extension (ext:counter/counter.js): installs the
// `counter` global from the extension's ops.
import { op_counter_add, op_counter_later } from 'ext:core/ops';

globalThis.counter = Object.freeze({
  add: (by = 1) => op_counter_add(by),
  later: (ms) => op_counter_later(ms),
});
