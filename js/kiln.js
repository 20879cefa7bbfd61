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

Object.defineProperty(globalThis, 'kiln', {
  value: kiln, writable: false, enumerable: false, configurable: false,
});
Object.defineProperty(globalThis, 'self', {
  value: globalThis, writable: true, enumerable: false, configurable: true,
});
