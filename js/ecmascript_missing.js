// The module ext:core/ecmascript_missing.js, imported first by kiln.js: the ECMAScript
// 2023 to 2025 built-ins V8 10.2 lacks (ecmascript.js lists them), each defined only when
// the engine does not have it, as a built-in method is (writable, configurable, not
// enumerable), but lazily: a V8 lazy data property (internals.defineLazy, core/README.md
// "Lazy modules") whose first read evaluates ecmascript.js and becomes the method. So the
// snapshot and every runtime's start carry a few properties, not the implementations.
// The well-known symbols Symbol.dispose and Symbol.asyncDispose, and the three names the
// specification adds to Array.prototype[Symbol.unscopables], are defined here at once.
import { internals } from 'ext:core/internals';

const ObjectDefineProperty = Object.defineProperty;
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));

function defineMissing(target, table, names) {
  const missing = names.filter((name) => !(name in target));
  internals.defineLazy(target, 'ext:core/ecmascript.js', missing, false, table);
}

defineMissing(Array.prototype, 'arrayMethods', ['toReversed', 'toSorted', 'toSpliced', 'with']);
defineMissing(TypedArrayPrototype, 'typedArrayMethods', ['toReversed', 'toSorted', 'with']);
defineMissing(String.prototype, 'stringMethods', ['isWellFormed', 'toWellFormed']);
defineMissing(Object, 'objectStatics', ['groupBy']);
defineMissing(Map, 'mapStatics', ['groupBy']);
defineMissing(Promise, 'promiseStatics', ['withResolvers', 'try']);
defineMissing(globalThis, 'globals', ['Iterator']);
defineMissing(IteratorPrototype, 'iteratorMethods', [
  'map', 'filter', 'take', 'drop', 'flatMap', 'reduce', 'toArray', 'forEach',
  'some', 'every', 'find',
]);
defineMissing(Array, 'arrayStatics', ['fromAsync']);

defineMissing(Set.prototype, 'setMethods', [
  'union', 'intersection', 'difference', 'symmetricDifference', 'isSubsetOf', 'isSupersetOf',
  'isDisjointFrom',
]);

// https://tc39.es/proposal-explicit-resource-management/#sec-well-known-symbols: V8 10.2
// cannot parse `using`, but code compiled from it (TypeScript, esbuild, Babel) looks the
// methods up under these symbols and throws when Symbol.dispose is missing. Like every
// well-known symbol: a unique Symbol, neither writable, enumerable nor configurable.
for (const name of ['dispose', 'asyncDispose']) {
  if (!(name in Symbol)) {
    ObjectDefineProperty(Symbol, name, {
      value: Symbol(`Symbol.${name}`), writable: false, enumerable: false, configurable: false,
    });
  }
}

// Iterator.prototype.constructor and Iterator.prototype[Symbol.toStringTag] (ES2025): own
// accessors (so what every iterator inherits is not a data property: console output keeps
// naming a generator `Object [Generator]`, as Node does), whose setters behave as a
// writable data property's would for objects that inherit them
// (https://tc39.es/ecma262/#sec-SetterThatIgnoresPrototypeProperties).
function defineIteratorAccessor(key, get) {
  if (Object.prototype.hasOwnProperty.call(IteratorPrototype, key)) return;
  ObjectDefineProperty(IteratorPrototype, key, {
    get,
    set(value) {
      if (this === null || (typeof this !== 'object' && typeof this !== 'function')) {
        throw new TypeError('Iterator.prototype setter called on non-object');
      }
      if (this === IteratorPrototype) {
        throw new TypeError('Cannot assign to a read-only property of Iterator.prototype');
      }
      if (Object.getOwnPropertyDescriptor(this, key) === undefined) {
        ObjectDefineProperty(this, key, {
          value, writable: true, enumerable: true, configurable: true,
        });
      } else {
        this[key] = value;
      }
    },
    enumerable: false,
    configurable: true,
  });
}
defineIteratorAccessor('constructor',
                       () => internals.importLazy('ext:core/ecmascript.js').globals.Iterator);
defineIteratorAccessor(Symbol.toStringTag, () => 'Iterator');

// https://tc39.es/ecma262/#sec-array.prototype-@@unscopables
const unscopables = Array.prototype[Symbol.unscopables];
for (const name of ['toReversed', 'toSorted', 'toSpliced']) {
  if (!(name in unscopables)) {
    ObjectDefineProperty(unscopables, name, {
      value: true, writable: true, enumerable: true, configurable: true,
    });
  }
}
