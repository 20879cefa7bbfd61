// The entry module of the core extension (ext:core/kiln.js): defines the ECMAScript
// built-ins V8 10.2 lacks (lazily: ecmascript_missing.js), loads the console and the error
// classes, and defines the `kiln` global and `self`. The runtime has evaluated ext:core/async.js before any op existed; ext:core/internals is the object the runtime
// shares with kiln's JavaScript (never reachable from user code).
import { internals } from 'ext:core/internals';
import 'ext:core/ecmascript_missing.js';
import { async } from 'ext:core/async.js';
import { errorClasses } from 'ext:core/errors.js';
import 'ext:core/console.js';
import { op_set_async_op_ref, op_versions } from 'ext:core/ops';

const versions = op_versions();
const kiln = {
  // Script arguments: `kiln run script.js a b` gives ['a', 'b']. Set per runtime by
  // internals.attachRuntime (a startup snapshot is shared by every runtime).
  args: Object.freeze([]),
  version: Object.freeze({ kiln: versions.kiln, v8: versions.v8 }),
  // Error classes ops throw: kiln.errors.NotFound, BadResource, ...
  errors: errorClasses,
};
// kiln.inspect and the runtime's internals.inspect (Runtime::Inspect) evaluate
// ext:core/inspect.js when first read: it is not part of the startup snapshot.
internals.defineLazy(kiln, 'ext:core/inspect.js', ['inspect'], true);
internals.defineLazy(internals, 'ext:core/inspect.js', ['inspect']);

// kiln.unrefOp(promise): the pending async op behind `promise` no longer keeps the event
// loop alive (kiln.refOp undoes it). False if `promise` is not a pending op's promise.
function setOpRef(promise, refed) {
  const id = async.idOf(promise);
  return id >= 0 && op_set_async_op_ref(id, refed);
}
kiln.refOp = (promise) => setOpRef(promise, true);
kiln.unrefOp = (promise) => setOpRef(promise, false);

Object.defineProperty(globalThis, 'kiln', {
  value: kiln, writable: false, enumerable: false, configurable: false,
});
Object.defineProperty(globalThis, 'self', {
  value: globalThis, writable: true, enumerable: false, configurable: true,
});

// Called by the runtime once per runtime, after its bootstrap (or after a snapshot was
// deserialised): the facts that differ between runtimes.
internals.attachRuntime = (args, exposedOps) => {
  kiln.args = Object.freeze(args);
  if (exposedOps !== undefined) {
    Object.defineProperty(kiln, 'ops', { value: exposedOps, enumerable: false });
  }
};
