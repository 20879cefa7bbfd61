// The lazy test extension's entry module: globals whose modules are evaluated when the
// global is first read (internals.defineLazy), not at startup nor in a snapshot.
import { internals } from 'ext:core/internals';

internals.defineLazy(globalThis, 'ext:lazy/lazy/impl.js', ['LazyThing', 'lazyGreet']);
internals.defineLazy(globalThis, 'ext:lazy/lazy/throws.js', ['LazyBroken']);
internals.defineLazy(globalThis, 'ext:lazy/lazy/awaits.js', ['LazyAwaits']);
globalThis.lazyFirst = {};
globalThis.lazySecond = {};
internals.defineLazy(globalThis.lazyFirst, 'ext:lazy/lazy/impl.js', ['describe'], false, 'first');
internals.defineLazy(globalThis.lazySecond, 'ext:lazy/lazy/impl.js', ['describe'], false, 'second');
internals.defineLazy(globalThis.lazySecond, 'ext:lazy/lazy/impl.js', ['broken'], false,
                     'notAnObject');
globalThis.lazyImport = (specifier) => internals.importLazy(specifier);
