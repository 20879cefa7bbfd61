// kiln's error classes, the JavaScript side of ops/errors.h: an op failing with
// absl::NotFoundError(...) throws `new kiln.errors.NotFound(message)`. The runtime finds
// them through `internals.errorClasses`.
import { internals } from 'ext:core/internals';

export const errorClasses = {};
for (const name of [
  'NotFound', 'AlreadyExists', 'PermissionDenied', 'BadResource', 'Interrupted', 'TimedOut',
  'NotSupported', 'Unavailable',
]) {
  // A named class per error, so `instanceof` and the stack's first line both work.
  const ErrorClass = { [name]: class extends Error {} }[name];
  Object.defineProperty(ErrorClass.prototype, 'name', {
    value: name, writable: true, enumerable: false, configurable: true,
  });
  errorClasses[name] = ErrorClass;
}
Object.freeze(errorClasses);
internals.errorClasses = errorClasses;
