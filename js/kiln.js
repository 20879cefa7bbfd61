// The `kiln` global and the small web globals that need nothing else. Runs last among the
// bootstrap files, as a function body with one parameter, `internals` (see README.md).
'use strict';

const kiln = {
  // Script arguments: `kiln run script.js a b` gives ['a', 'b'].
  args: Object.freeze([...internals.args]),
  version: Object.freeze({ kiln: internals.versions.kiln, v8: internals.versions.v8 }),
  // Native functions of the runtime and its extensions (generated from KILN_OP headers).
  ops: internals.ops,
  // Error classes ops throw: kiln.errors.NotFound, BadResource, ...
  errors: internals.errorClasses,
};
if (typeof internals.inspect === 'function') kiln.inspect = internals.inspect;

// kiln.unrefOp(promise): the pending async op behind `promise` no longer keeps the event
// loop alive (kiln.refOp undoes it). False if `promise` is not a pending op's promise.
function setOpRef(promise, refed) {
  const id = internals.async.idOf(promise);
  return id >= 0 && internals.native.setAsyncOpRef(id, refed);
}
kiln.refOp = (promise) => setOpRef(promise, true);
kiln.unrefOp = (promise) => setOpRef(promise, false);

Object.defineProperty(globalThis, 'kiln', {
  value: kiln, writable: false, enumerable: false, configurable: false,
});
Object.defineProperty(globalThis, 'self', {
  value: globalThis, writable: true, enumerable: false, configurable: true,
});
