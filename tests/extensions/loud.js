// The loud test extension depends on greeter: it imports greeter's module and every op by
// name, and checks what it can reach.
import { shout } from 'ext:greeter/greeter.js';
import { op_greet_count } from 'ext:core/ops';
import { internals } from 'ext:core/internals';

globalThis.loud = {
  shout,
  count: () => op_greet_count(),
  // For the reachability test: whether `f` is one of the runtime's op functions.
  isOp: (f) => Object.values(internals.ops).includes(f),
};
