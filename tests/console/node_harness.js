'use strict';
// Runs a script under the machine's Node with kiln's console instead of
// Node's, so js/inspect.js and js/console.js can be developed and checked
// without the C++ core.
//
//   node --expose-internals tests/console/node_harness.js <script.js>
//
// It builds `native` from Node's own bindings (kiln's core ops mirror exactly
// these functions), evaluates the ES modules js/inspect.js and js/console.js
// as function bodies (their `import` lines become parameters, inspect.js's
// `export { ... }` becomes a return value), installs the resulting console as
// the global one, and runs the script as a classic script in this context.

const fs = require('fs');
const path = require('path');
const vm = require('vm');
const util = require('util');

function loadInternalBinding() {
  // Requiring internal/test/binding emits a warning; keep stderr clean.
  const emitWarning = process.emitWarning;
  process.emitWarning = () => {};
  try {
    return require('internal/test/binding').internalBinding;
  } finally {
    process.emitWarning = emitWarning;
  }
}

function makeNatives() {
  const internalBinding = loadInternalBinding();
  const utilBinding = internalBinding('util');
  const typesBinding = internalBinding('types');

  // internalBinding('types') lacks the per-kind typed array checks (Node does
  // those in JS); util.types has all of them.
  const typeNames = [
    'isExternal', 'isDate', 'isArgumentsObject', 'isBigIntObject',
    'isBooleanObject', 'isNumberObject', 'isStringObject', 'isSymbolObject',
    'isBoxedPrimitive', 'isNativeError', 'isRegExp', 'isAsyncFunction',
    'isGeneratorFunction', 'isGeneratorObject', 'isPromise', 'isMap', 'isSet',
    'isMapIterator', 'isSetIterator', 'isWeakMap', 'isWeakSet',
    'isArrayBuffer', 'isDataView', 'isSharedArrayBuffer', 'isProxy',
    'isModuleNamespaceObject', 'isAnyArrayBuffer', 'isArrayBufferView',
    'isTypedArray', 'isUint8Array', 'isUint8ClampedArray', 'isUint16Array',
    'isUint32Array', 'isInt8Array', 'isInt16Array', 'isInt32Array',
    'isFloat32Array', 'isFloat64Array', 'isBigInt64Array', 'isBigUint64Array',
  ];
  const types = {};
  for (const name of typeNames) {
    const fn = typesBinding[name] || util.types[name];
    if (typeof fn !== 'function') throw new Error(`missing type check ${name}`);
    types[name] = (value) => fn(value);
  }

  return {
    print(fd, string) {
      fs.writeSync(fd, String(string));
    },
    hrtimeMs() {
      return Number(process.hrtime.bigint()) / 1e6;
    },
    getPromiseDetails: utilBinding.getPromiseDetails,
    getProxyDetails: utilBinding.getProxyDetails,
    previewEntries: utilBinding.previewEntries,
    getOwnNonIndexProperties: utilBinding.getOwnNonIndexProperties,
    getConstructorName: utilBinding.getConstructorName,
    types,
  };
}

// An ES module of js/ as the body of function (internals, native, exported):
// single-line imports are dropped (their names are those parameters or
// properties of `exported`), and `export { a, b };` becomes a return value.
function moduleAsFunction(source) {
  const body = source
    .replace(/^import \{ ([^}]+) \} from 'ext:core\/inspect\.js';$/m,
             'const { $1 } = exported;')
    .replace(/^import .* from '[^']+';$/gm, '')
    .replace(/^export \{([^}]*)\};$/m, 'return {$1};');
  // eslint-disable-next-line no-new-func
  return new Function('internals', 'native', 'exported', `'use strict';\n${body}`);
}

function bootstrap() {
  const internals = {};
  const native = makeNatives();
  const jsDir = path.join(__dirname, '..', '..', 'js');
  let exported = {};
  for (const name of ['inspect.js', 'console.js']) {
    const file = path.join(jsDir, name);
    const source = fs.readFileSync(file, 'utf8');
    exported = { ...exported, ...moduleAsFunction(source)(internals, native, exported) };
  }
  return { ...internals, ...exported };
}

function main() {
  const script = process.argv[2];
  if (!script) {
    fs.writeSync(2, 'usage: node --expose-internals node_harness.js <script.js>\n');
    process.exit(2);
  }
  const originalConsole = globalThis.console;
  const internals = bootstrap();
  if (globalThis.console === originalConsole) {
    throw new Error('js/console.js did not define globalThis.console');
  }
  const source = fs.readFileSync(script, 'utf8');
  vm.runInThisContext(source, { filename: path.resolve(script) });
  return internals;
}

if (require.main === module) {
  main();
} else {
  // Used by node_differential.js.
  module.exports = { bootstrap };
}
