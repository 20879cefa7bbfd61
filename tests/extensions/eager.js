// An extension whose entry module starts an async op while it is evaluated.
import { op_greet_soon } from 'ext:core/ops';

globalThis.early = op_greet_soon('boot').then((greeting) => {
  globalThis.earlyResult = greeting;
});
