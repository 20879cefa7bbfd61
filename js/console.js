// kiln: the global `console`, compatible with Node's output.
//
// The module ext:core/console.js. Uses inspect, formatWithOptions and
// getStringWidth (from js/inspect.js, a lazy module: evaluated on the first
// call that needs it) and the natives print, hrtimeMs, previewEntries and
// types. Defines `globalThis.console`.
//
// Output goes to fd 1 (log, info, debug, dir, dirxml, table, count,
// time*) or fd 2 (warn, error, trace, assert), one line per call, indented
// by 2 spaces per open group. Colors are never used.

import { internals } from 'ext:core/internals';
import { native } from 'ext:core/natives.js';

// ext:core/inspect.js is not part of the startup snapshot: most console calls print
// strings and numbers, which need none of it.
let inspectModule;
function inspector() {
  return inspectModule ??= internals.importLazy('ext:core/inspect.js');
}
const inspect = (value, options) => inspector().inspect(value, options);
const getStringWidth = (string) => inspector().getStringWidth(string);
const describeType = (value) => inspector().describeType(value);

const types = native.types;

const kStdout = 1;
const kStderr = 2;
const kGroupIndentationWidth = 2;

// The inspect options of every console call (Node's, for a stream that is
// not a TTY: no colors).
const consoleInspectOptions = {};

const ObjectKeys = Object.keys;
const ObjectValues = Object.values;
const ArrayIsArray = Array.isArray;
const hasOwn = Function.prototype.call.bind(Object.prototype.hasOwnProperty);

const state = {
  groupIndent: '',
  counts: new Map(),
  timers: new Map(),
};

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

function write(fd, string) {
  const indent = state.groupIndent;
  if (indent.length !== 0) {
    if (string.includes('\n')) string = string.replace(/\n/g, `\n${indent}`);
    string = indent + string;
  }
  native.print(fd, `${string}\n`);
}

// What Node's formatWithOptions makes of arguments that are all strings (the first
// without a format specifier), numbers (NaN and the infinities included), booleans, null
// or undefined, without loading inspect; undefined for anything else.
function formatPrimitives(args) {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    const value = args[i];
    let text;
    switch (typeof value) {
      case 'string':
        if (i === 0 && value.includes('%')) return undefined;
        text = value;
        break;
      case 'number':
        text = Object.is(value, -0) ? '-0' : `${value}`;
        break;
      case 'boolean':
      case 'undefined':
        text = `${value}`;
        break;
      default:
        if (value !== null) return undefined;
        text = 'null';
    }
    out += i === 0 ? text : ` ${text}`;
  }
  return out;
}

function formatArgs(args) {
  return formatPrimitives(args) ??
    inspector().formatWithOptions(consoleInspectOptions, ...args);
}

// Node emits these as process warnings ("(node:PID) Warning: ..."); kiln
// has no process object and writes them to stderr right away.
function emitWarning(message) {
  native.print(kStderr, `Warning: ${message}\n`);
}

// ---------------------------------------------------------------------------
// Timers
// ---------------------------------------------------------------------------

const kSecond = 1000;
const kMinute = 60 * kSecond;
const kHour = 60 * kMinute;

const pad2 = (value) => `${value}`.padStart(2, '0');

// 1.234ms, 1.234s, 1:02.345 (m:ss.mmm), 1:02:03.456 (h:mm:ss.mmm)
function formatTime(ms) {
  let hours = 0;
  let minutes = 0;
  let seconds = 0;
  if (ms >= kSecond) {
    if (ms >= kMinute) {
      if (ms >= kHour) {
        hours = Math.floor(ms / kHour);
        ms %= kHour;
      }
      minutes = Math.floor(ms / kMinute);
      ms %= kMinute;
    }
    seconds = ms / kSecond;
  }
  if (hours !== 0 || minutes !== 0) {
    const [wholeSeconds, millis] = seconds.toFixed(3).split('.');
    const res = hours !== 0 ? `${hours}:${pad2(minutes)}` : minutes;
    return `${res}:${pad2(wholeSeconds)}.${millis} ` +
      `(${hours !== 0 ? 'h:m' : ''}m:ss.mmm)`;
  }
  if (seconds !== 0) return `${seconds.toFixed(3)}s`;
  return `${Number(ms.toFixed(3))}ms`;
}

// Prints the time elapsed for `label`; false if there is no such timer.
function logTime(name, label, data) {
  const start = state.timers.get(label);
  if (start === undefined) {
    emitWarning(`No such label '${label}' for console.${name}()`);
    return false;
  }
  const formatted = formatTime(native.hrtimeMs() - start);
  globalConsole.log('%s: %s', label, formatted, ...data);
  return true;
}

// ---------------------------------------------------------------------------
// console.table
// ---------------------------------------------------------------------------

const tableChars = {
  middleMiddle: '\u2500',
  rowMiddle: '\u253c',
  topRight: '\u2510',
  topLeft: '\u250c',
  leftMiddle: '\u251c',
  topMiddle: '\u252c',
  bottomRight: '\u2518',
  bottomLeft: '\u2514',
  bottomMiddle: '\u2534',
  rightMiddle: '\u2524',
  left: '\u2502 ',
  right: ' \u2502',
  middle: ' \u2502 ',
};

function renderRow(row, columnWidths) {
  let out = tableChars.left;
  for (let i = 0; i < row.length; i++) {
    const cell = row[i];
    out += cell + ' '.repeat(Math.ceil(columnWidths[i] - getStringWidth(cell)));
    if (i !== row.length - 1) out += tableChars.middle;
  }
  return out + tableChars.right;
}

// Draws a box table; `columns[i]` holds the (possibly sparse) cells of the
// column headed `head[i]`.
function renderTable(head, columns) {
  const rows = [];
  const columnWidths = head.map((h) => getStringWidth(h));
  const longestColumn = Math.max(...columns.map((column) => column.length));
  for (let i = 0; i < head.length; i++) {
    const column = columns[i];
    for (let j = 0; j < longestColumn; j++) {
      if (rows[j] === undefined) rows[j] = [];
      const value = rows[j][i] = hasOwn(column, j) ? column[j] : '';
      columnWidths[i] = Math.max(columnWidths[i] || 0, getStringWidth(value));
    }
  }
  const divider = columnWidths.map((width) =>
    tableChars.middleMiddle.repeat(width + 2));
  let result =
    `${tableChars.topLeft}${divider.join(tableChars.topMiddle)}` +
    `${tableChars.topRight}\n${renderRow(head, columnWidths)}\n` +
    `${tableChars.leftMiddle}${divider.join(tableChars.rowMiddle)}` +
    `${tableChars.rightMiddle}\n`;
  for (const row of rows) result += `${renderRow(row, columnWidths)}\n`;
  result += `${tableChars.bottomLeft}${divider.join(tableChars.bottomMiddle)}` +
    tableChars.bottomRight;
  return result;
}

const isArrayLike = (v) => ArrayIsArray(v) || types.isTypedArray(v);

// A table cell: objects with more than two keys are shown as [Object].
function inspectCell(v) {
  const depth = v !== null && typeof v === 'object' && !isArrayLike(v) &&
    ObjectKeys(v).length > 2 ? -1 : 0;
  return inspect(v, {
    depth,
    maxArrayLength: 3,
    breakLength: Infinity,
    ...consoleInspectOptions,
  });
}

function indexColumn(length) {
  return Array.from({ length }, (_, i) => inspectCell(i));
}

function table(tabularData = undefined, properties = undefined) {
  if (properties !== undefined && !ArrayIsArray(properties)) {
    const err = new TypeError(
      'The "properties" argument must be an instance of Array. ' +
      `Received ${describeType(properties)}`);
    err.code = 'ERR_INVALID_ARG_TYPE';
    throw err;
  }
  if (tabularData === null || typeof tabularData !== 'object') {
    return globalConsole.log(tabularData);
  }
  const print = (head, columns) => globalConsole.log(renderTable(head, columns));

  const mapIter = types.isMapIterator(tabularData);
  let isKeyValue = false;
  if (mapIter) {
    const res = native.previewEntries(tabularData, true);
    tabularData = res[0];
    isKeyValue = res[1];
  }

  if (isKeyValue || types.isMap(tabularData)) {
    const keys = [];
    const values = [];
    if (mapIter) {
      for (let i = 0; i < tabularData.length / 2; ++i) {
        keys.push(inspectCell(tabularData[i * 2]));
        values.push(inspectCell(tabularData[i * 2 + 1]));
      }
    } else {
      for (const { 0: k, 1: v } of tabularData) {
        keys.push(inspectCell(k));
        values.push(inspectCell(v));
      }
    }
    return print(['(iteration index)', 'Key', 'Values'],
                 [indexColumn(keys.length), keys, values]);
  }

  const setIter = types.isSetIterator(tabularData);
  if (setIter) tabularData = native.previewEntries(tabularData);

  if (setIter || mapIter || types.isSet(tabularData)) {
    const values = [];
    for (const v of tabularData) values.push(inspectCell(v));
    return print(['(iteration index)', 'Values'],
                 [indexColumn(values.length), values]);
  }

  // Rows are the object's keys; columns the keys of the rows (or
  // `properties`), plus "Values" for rows that are primitives.
  const columnsByKey = { __proto__: null };
  let hasPrimitives = false;
  const primitiveValues = [];
  const rowKeys = ObjectKeys(tabularData);
  for (let i = 0; i < rowKeys.length; i++) {
    const item = tabularData[rowKeys[i]];
    const primitive = item === null ||
      (typeof item !== 'function' && typeof item !== 'object');
    if (properties === undefined && primitive) {
      hasPrimitives = true;
      primitiveValues[i] = inspectCell(item);
    } else {
      const keys = properties || ObjectKeys(item);
      for (const key of keys) {
        columnsByKey[key] ??= [];
        if ((primitive && properties) || !hasOwn(item, key)) {
          columnsByKey[key][i] = '';
        } else {
          columnsByKey[key][i] = inspectCell(item[key]);
        }
      }
    }
  }
  const head = ObjectKeys(columnsByKey);
  const columns = ObjectValues(columnsByKey);
  if (hasPrimitives) {
    head.push('Values');
    columns.push(primitiveValues);
  }
  head.unshift('(index)');
  columns.unshift(rowKeys);
  return print(head, columns);
}

// ---------------------------------------------------------------------------
// The console object
// ---------------------------------------------------------------------------

// Methods call each other through the console object (as Node's do), so a
// replaced console.log is also used by count(), time*() and so on.
const methods = {
  log(...args) {
    write(kStdout, formatArgs(args));
  },

  warn(...args) {
    write(kStderr, formatArgs(args));
  },

  // Parameters with defaults: WebIDL's optional arguments leave `length` 0, as Node's.
  dir(object = undefined, options = undefined) {
    write(kStdout, inspect(object, {
      customInspect: false,
      ...consoleInspectOptions,
      ...options,
    }));
  },

  time(label = 'default') {
    label = `${label}`;
    if (state.timers.has(label)) {
      emitWarning(`Label '${label}' already exists for console.time()`);
      return;
    }
    state.timers.set(label, native.hrtimeMs());
  },

  timeEnd(label = 'default') {
    label = `${label}`;
    if (logTime('timeEnd', label, [])) state.timers.delete(label);
  },

  timeLog(label = 'default', ...data) {
    label = `${label}`;
    logTime('timeLog', label, data);
  },

  trace: function trace(...args) {
    const err = { name: 'Trace', message: formatArgs(args) };
    if (typeof Error.captureStackTrace === 'function') {
      Error.captureStackTrace(err, trace);
    } else {
      err.stack = `Trace${err.message ? `: ${err.message}` : ''}`;
    }
    globalConsole.error(err.stack);
  },

  assert(expression = undefined, ...args) {
    if (!expression) {
      args[0] = `Assertion failed${args.length === 0 ? '' : `: ${args[0]}`}`;
      globalConsole.warn(...args);
    }
  },

  // Only meaningful on a TTY; kiln's output is treated as piped.
  clear() {},

  count(label = 'default') {
    label = `${label}`;
    const count = (state.counts.get(label) || 0) + 1;
    state.counts.set(label, count);
    globalConsole.log(`${label}: ${count}`);
  },

  countReset(label = 'default') {
    // Like Node, looks the label up before converting it to a string.
    if (!state.counts.has(label)) {
      emitWarning(`Count for '${label}' does not exist`);
      return;
    }
    state.counts.delete(`${label}`);
  },

  group(...data) {
    if (data.length > 0) globalConsole.log(...data);
    state.groupIndent += ' '.repeat(kGroupIndentationWidth);
  },

  groupEnd() {
    state.groupIndent = state.groupIndent.slice(
      0, state.groupIndent.length - kGroupIndentationWidth);
  },

  table,
};

// Aliases get their own function so that their `name` is their key.
const aliases = {
  debug: 'log',
  info: 'log',
  dirxml: 'log',
  error: 'warn',
  groupCollapsed: 'group',
};

const globalConsole = { __proto__: {} };
for (const key of ObjectKeys(methods)) {
  globalConsole[key] = methods[key];
}
for (const key of ObjectKeys(aliases)) {
  const target = methods[aliases[key]];
  const alias = { [key](...args) { return target.apply(this, args); } }[key];
  globalConsole[key] = alias;
}
Object.defineProperty(globalConsole, Symbol.toStringTag, {
  value: 'console',
  writable: false,
  enumerable: false,
  configurable: true,
});

Object.defineProperty(globalThis, 'console', {
  value: globalConsole,
  writable: true,
  enumerable: false,
  configurable: true,
});
