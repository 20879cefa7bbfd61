// User Timing (performance.mark, performance.measure) and the Performance Timeline
// (PerformanceEntry, getEntries*, PerformanceObserver) on the global `performance`
// (ext:web/user_timing.js).
// https://w3c.github.io/user-timing/  https://w3c.github.io/performance-timeline/
//
// The runtime's only entry types are 'mark' and 'measure'. Entries live in one buffer in
// the order they were made (getEntries* sort them by startTime, stably); it has no size
// limit, as User Timing's buffer has none. Observers get their entries in a task
// (ext:timers' queueTask, so the run does not end before they are delivered), one task
// for all observers however many entries were queued meanwhile.
// A runtime has no document, so none of navigation timing's attribute names are special
// to mark() and measure().
import { op_web_now } from 'ext:core/ops';
import { queueTask } from 'ext:timers/timers.js';
import { newPlatformObject, rootInterface } from 'ext:webidl/platform_object.js';
import * as webidl from 'ext:webidl/webidl.js';
import { DOMException } from './dom_exception.js';
import { reportException } from './events.js';
import { Performance } from './performance.js';
import { structuredClone } from './structured_clone.js';

const PerformancePrototype = Performance.prototype;

const ArrayPrototypeFilter = Array.prototype.filter;
const ArrayPrototypeIncludes = Array.prototype.includes;
const ArrayPrototypeIndexOf = Array.prototype.indexOf;
const ArrayPrototypePush = Array.prototype.push;
const ArrayPrototypeSplice = Array.prototype.splice;
const ArrayPrototypeSort = Array.prototype.sort;
const NativeTypeError = TypeError;
const ObjectDefineProperty = Object.defineProperty;
const ObjectFreeze = Object.freeze;
const ReflectApply = Reflect.apply;
const SymbolFor = Symbol.for;

const inspectCustom = SymbolFor('nodejs.util.inspect.custom');
const kSupportedEntryTypes = ObjectFreeze(['mark', 'measure']);

// ---- entries ----

const _entry = Symbol('[[entry]]');
let constructingMeasure = false;

function brandCheckEntry(self) {
  webidl.assertBranded(self, PerformanceEntryPrototype);
  return self[_entry];
}

export class PerformanceEntry {
  constructor() {
    webidl.illegalConstructor();
  }

  get name() {
    return brandCheckEntry(this).name;
  }

  get entryType() {
    return brandCheckEntry(this).entryType;
  }

  get startTime() {
    return brandCheckEntry(this).startTime;
  }

  get duration() {
    return brandCheckEntry(this).duration;
  }

  toJSON() {
    const entry = brandCheckEntry(this);
    return {
      name: entry.name, entryType: entry.entryType, startTime: entry.startTime,
      duration: entry.duration,
    };
  }

  [inspectCustom](depth, options, inspect) {
    if (!webidl.implementsInterface(this, PerformanceEntryPrototype)) return this;
    const entry = this[_entry];
    const shown = {
      name: entry.name, entryType: entry.entryType, startTime: entry.startTime,
      duration: entry.duration,
    };
    if (entry.entryType === 'mark' || entry.entryType === 'measure') shown.detail = entry.detail;
    return `${entry.entryType === 'mark' ? 'PerformanceMark' : 'PerformanceMeasure'} ${inspect(shown, options)}`;
  }
}
webidl.configureInterface(PerformanceEntry);
const PerformanceEntryPrototype = PerformanceEntry.prototype;
ObjectDefineProperty(PerformanceEntryPrototype, inspectCustom, { enumerable: false });

function makeEntry(object, name, entryType, startTime, duration, detail) {
  object[webidl.brand] = webidl.brand;
  object[_entry] = { name, entryType, startTime, duration, detail };
}

const convertMarkOptions = webidl.createDictionaryConverter('PerformanceMarkOptions', [
  { key: 'detail', converter: webidl.converters.any },
  { key: 'startTime', converter: webidl.converters.double },
]);

// The detail member: a structured clone made now, or null.
function cloneDetail(detail) {
  return detail === undefined ? null : structuredClone(detail);
}

export class PerformanceMark extends PerformanceEntry {
  constructor(markName, markOptions = undefined) {
    // PerformanceEntry's constructor is illegal: the entry is made here instead.
    const prefix = "Failed to construct 'PerformanceMark'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    return constructMark(new.target, markName, markOptions, prefix);
  }

  get detail() {
    webidl.assertBranded(this, PerformanceMarkPrototype);
    return this[_entry].detail;
  }
}
webidl.configureInterface(PerformanceMark);
const PerformanceMarkPrototype = PerformanceMark.prototype;

function constructMark(newTarget, markName, markOptions, prefix) {
  markName = webidl.converters.DOMString(markName, prefix, 'Argument 1');
  const options = convertMarkOptions(markOptions, prefix, 'Argument 2');
  let startTime;
  if (options.startTime !== undefined) {
    if (options.startTime < 0) {
      throw new NativeTypeError(`${prefix}: '${markName}' cannot have a negative start time.`);
    }
    startTime = options.startTime;
  } else {
    startTime = op_web_now();
  }
  const mark = newPlatformObject(newTarget);  // structuredClone refuses it
  makeEntry(mark, markName, 'mark', startTime, 0, cloneDetail(options.detail));
  return mark;
}

export class PerformanceMeasure extends PerformanceEntry {
  constructor() {
    if (!constructingMeasure) webidl.illegalConstructor();
    return newPlatformObject(PerformanceMeasure);
  }

  get detail() {
    webidl.assertBranded(this, PerformanceMeasurePrototype);
    return this[_entry].detail;
  }
}
webidl.configureInterface(PerformanceMeasure);
const PerformanceMeasurePrototype = PerformanceMeasure.prototype;

function createMeasure(name, startTime, duration, detail) {
  constructingMeasure = true;
  let measure;
  try {
    measure = new PerformanceMeasure();
  } finally {
    constructingMeasure = false;
  }
  makeEntry(measure, name, 'measure', startTime, duration, detail);
  return measure;
}

// ---- the buffer and its queries ----

// Every mark and measure not cleared, in the order they were made.
const buffer = [];

function byStartTime(a, b) {
  return a[_entry].startTime - b[_entry].startTime;
}

// Entries of `list` with the given name and/or type (undefined: any), sorted by startTime.
function filterEntries(list, name, type) {
  const found = ReflectApply(ArrayPrototypeFilter, list, [(entry) => {
    const record = entry[_entry];
    return (name === undefined || record.name === name) &&
           (type === undefined || record.entryType === type);
  }]);
  return ReflectApply(ArrayPrototypeSort, found, [byStartTime]);
}

function clearEntries(type, name) {
  for (let i = buffer.length - 1; i >= 0; i--) {
    const record = buffer[i][_entry];
    if (record.entryType === type && (name === undefined || record.name === name)) {
      ReflectApply(ArrayPrototypeSplice, buffer, [i, 1]);
    }
  }
}

// ---- mark() and measure() ----

const convertMeasureOptions = webidl.createDictionaryConverter('PerformanceMeasureOptions', [
  { key: 'detail', converter: webidl.converters.any },
  { key: 'start', converter: convertStartOrEnd },
  { key: 'duration', converter: webidl.converters.double },
  { key: 'end', converter: convertStartOrEnd },
]);

// (DOMString or DOMHighResTimeStamp): numbers stay numbers.
function convertStartOrEnd(value, prefix, context) {
  return typeof value === 'number' ? value : webidl.converters.DOMString(value, prefix, context);
}

// "Convert a mark to a timestamp".
function markTimestamp(mark, prefix) {
  if (typeof mark === 'number') {
    if (mark < 0) throw new NativeTypeError(`${prefix}: '${mark}' cannot be negative.`);
    return mark;
  }
  for (let i = buffer.length - 1; i >= 0; i--) {
    const record = buffer[i][_entry];
    if (record.entryType === 'mark' && record.name === mark) return record.startTime;
  }
  throw new DOMException(`${prefix}: The mark '${mark}' does not exist.`, 'SyntaxError');
}

function mark(markName, markOptions = undefined) {
  webidl.assertBranded(this, PerformancePrototype);
  const prefix = "Failed to execute 'mark' on 'Performance'";
  webidl.requiredArguments(arguments.length, 1, prefix);
  const entry = constructMark(PerformanceMark, markName, markOptions, prefix);
  queueEntry(entry);
  return entry;
}

function measure(measureName, startOrMeasureOptions = undefined, endMark = undefined) {
  webidl.assertBranded(this, PerformancePrototype);
  const prefix = "Failed to execute 'measure' on 'Performance'";
  webidl.requiredArguments(arguments.length, 1, prefix);
  measureName = webidl.converters.DOMString(measureName, prefix, 'Argument 1');
  // (DOMString or PerformanceMeasureOptions): an object (or nothing) is the dictionary.
  let options = null;
  let startMark;
  if (startOrMeasureOptions === undefined || startOrMeasureOptions === null ||
      typeof startOrMeasureOptions === 'object' || typeof startOrMeasureOptions === 'function') {
    options = convertMeasureOptions(startOrMeasureOptions, prefix, 'Argument 2');
  } else {
    startMark = webidl.converters.DOMString(startOrMeasureOptions, prefix, 'Argument 2');
  }
  if (endMark !== undefined) endMark = webidl.converters.DOMString(endMark, prefix, 'Argument 3');
  const hasStart = options !== null && options.start !== undefined;
  const hasEnd = options !== null && options.end !== undefined;
  const hasDuration = options !== null && options.duration !== undefined;
  const nonEmpty = options !== null && (hasStart || hasEnd || hasDuration || options.detail !== undefined);
  if (nonEmpty) {
    if (endMark !== undefined) {
      throw new NativeTypeError(`${prefix}: If a non-empty PerformanceMeasureOptions object ` +
                                'was passed, |end_mark| must not be passed.');
    }
    if (!hasStart && !hasEnd) {
      throw new NativeTypeError(`${prefix}: If a non-empty PerformanceMeasureOptions object ` +
                                'was passed, at least one of its \'start\' or \'end\' ' +
                                'properties must be present.');
    }
    if (hasStart && hasEnd && hasDuration) {
      throw new NativeTypeError(`${prefix}: If a non-empty PerformanceMeasureOptions object ` +
                                'was passed, it must not have all of its \'start\', ' +
                                '\'duration\', and \'end\' properties defined');
    }
  }
  let endTime;
  if (endMark !== undefined) {
    endTime = markTimestamp(endMark, prefix);
  } else if (hasEnd) {
    endTime = markTimestamp(options.end, prefix);
  } else if (hasStart && hasDuration) {
    endTime = markTimestamp(options.start, prefix) + options.duration;
  } else {
    endTime = op_web_now();
  }
  let startTime;
  if (hasStart) {
    startTime = markTimestamp(options.start, prefix);
  } else if (hasDuration && hasEnd) {
    startTime = endTime - options.duration;
  } else if (startMark !== undefined) {
    startTime = markTimestamp(startMark, prefix);
  } else {
    startTime = 0;
  }
  const detail = options === null ? null : cloneDetail(options.detail);
  const entry = createMeasure(measureName, startTime, endTime - startTime, detail);
  queueEntry(entry);
  return entry;
}

function clearMarks(markName = undefined) {
  webidl.assertBranded(this, PerformancePrototype);
  if (markName !== undefined) {
    markName = webidl.converters.DOMString(markName, "Failed to execute 'clearMarks' on 'Performance'", 'Argument 1');
  }
  clearEntries('mark', markName);
}

function clearMeasures(measureName = undefined) {
  webidl.assertBranded(this, PerformancePrototype);
  if (measureName !== undefined) {
    measureName = webidl.converters.DOMString(measureName, "Failed to execute 'clearMeasures' on 'Performance'", 'Argument 1');
  }
  clearEntries('measure', measureName);
}

function getEntries() {
  webidl.assertBranded(this, PerformancePrototype);
  return filterEntries(buffer, undefined, undefined);
}

function getEntriesByType(type) {
  webidl.assertBranded(this, PerformancePrototype);
  const prefix = "Failed to execute 'getEntriesByType' on 'Performance'";
  webidl.requiredArguments(arguments.length, 1, prefix);
  return filterEntries(buffer, undefined, webidl.converters.DOMString(type, prefix, 'Argument 1'));
}

function getEntriesByName(name, type = undefined) {
  webidl.assertBranded(this, PerformancePrototype);
  const prefix = "Failed to execute 'getEntriesByName' on 'Performance'";
  webidl.requiredArguments(arguments.length, 1, prefix);
  name = webidl.converters.DOMString(name, prefix, 'Argument 1');
  if (type !== undefined) type = webidl.converters.DOMString(type, prefix, 'Argument 2');
  return filterEntries(buffer, name, type);
}

// Performance's operations (web.js makes them lazy properties of Performance.prototype).
export {
  mark, measure, clearMarks, clearMeasures, getEntries, getEntriesByType, getEntriesByName,
};

// ---- PerformanceObserver ----

const _observer = Symbol('[[observer]]');
const _entries = Symbol('[[entries]]');
// Observers with at least one type registered, in registration order.
const registeredObservers = [];
let observerTaskQueued = false;

// "Queue a PerformanceEntry": the buffer, then every observer of its type.
function queueEntry(entry) {
  ReflectApply(ArrayPrototypePush, buffer, [entry]);
  const type = entry[_entry].entryType;
  let interested = false;
  for (let i = 0; i < registeredObservers.length; i++) {
    const state = registeredObservers[i][_observer];
    if (ReflectApply(ArrayPrototypeIncludes, state.types, [type])) {
      ReflectApply(ArrayPrototypePush, state.buffer, [entry]);
      interested = true;
    }
  }
  if (interested) queueObserverTask();
}

function queueObserverTask() {
  if (observerTaskQueued) return;
  observerTaskQueued = true;
  queueTask(runObserverTask);
}

function runObserverTask() {
  observerTaskQueued = false;
  const observers = [...registeredObservers];
  for (let i = 0; i < observers.length; i++) {
    const observer = observers[i];
    const state = observer[_observer];
    const entries = state.buffer;
    if (entries.length === 0) continue;
    state.buffer = [];
    const list = createEntryList(entries);
    try {
      ReflectApply(state.callback, observer, [list, observer, {}]);
    } catch (error) {
      reportException(error);
    }
  }
}

const convertObserverInit = webidl.createDictionaryConverter('PerformanceObserverInit', [
  { key: 'entryTypes', converter: webidl.converters['sequence<DOMString>'] },
  { key: 'type', converter: webidl.converters.DOMString },
  { key: 'buffered', converter: webidl.converters.boolean },
]);

// A root interface whose objects are platform objects (ext:webidl/platform_object.js).
export class PerformanceObserver extends Object {
  constructor(callback) {
    const prefix = "Failed to construct 'PerformanceObserver'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    if (typeof callback !== 'function') {
      throw new NativeTypeError(`${prefix}: The callback provided as parameter 1 is not a function.`);
    }
    const observer = newPlatformObject(new.target);
    // Not enumerable: console output shows `PerformanceObserver {}`.
    ObjectDefineProperty(observer, webidl.brand, { value: webidl.brand });
    // kind: null until the first observe(), then 'multiple' (entryTypes) or 'single' (type).
    ObjectDefineProperty(observer, _observer, {
      value: { callback, kind: null, types: [], buffer: [] },
    });
    return observer;
  }

  observe(options = undefined) {
    webidl.assertBranded(this, PerformanceObserverPrototype);
    const prefix = "Failed to execute 'observe' on 'PerformanceObserver'";
    options = convertObserverInit(options, prefix, 'Argument 1');
    const state = this[_observer];
    if (options.entryTypes === undefined && options.type === undefined) {
      throw new NativeTypeError(`${prefix}: An observe() call must include either entryTypes or type arguments.`);
    }
    if (options.entryTypes !== undefined &&
        (options.type !== undefined || options.buffered !== undefined)) {
      throw new NativeTypeError(`${prefix}: An observe() call must not include both entryTypes and type arguments.`);
    }
    const kind = options.entryTypes !== undefined ? 'multiple' : 'single';
    if (state.kind !== null && state.kind !== kind) {
      throw new DOMException(`${prefix}: You cannot call observe() with ${kind === 'multiple' ? 'entryTypes' : 'type'} ` +
                             `after calling it with ${kind === 'multiple' ? 'type' : 'entryTypes'}.`,
                             'InvalidModificationError');
    }
    if (kind === 'multiple') {
      const types = ReflectApply(ArrayPrototypeFilter, options.entryTypes,
                                 [(type) => ReflectApply(ArrayPrototypeIncludes, kSupportedEntryTypes, [type])]);
      if (types.length === 0) return;
      state.kind = kind;
      state.types = types;
    } else {
      const type = options.type;
      if (!ReflectApply(ArrayPrototypeIncludes, kSupportedEntryTypes, [type])) return;
      state.kind = kind;
      if (!ReflectApply(ArrayPrototypeIncludes, state.types, [type])) {
        ReflectApply(ArrayPrototypePush, state.types, [type]);
      }
      if (options.buffered) {
        const existing = filterEntries(buffer, undefined, type);
        for (let i = 0; i < existing.length; i++) {
          ReflectApply(ArrayPrototypePush, state.buffer, [existing[i]]);
        }
        if (existing.length > 0) queueObserverTask();
      }
    }
    if (!ReflectApply(ArrayPrototypeIncludes, registeredObservers, [this])) {
      ReflectApply(ArrayPrototypePush, registeredObservers, [this]);
    }
  }

  disconnect() {
    webidl.assertBranded(this, PerformanceObserverPrototype);
    const index = ReflectApply(ArrayPrototypeIndexOf, registeredObservers, [this]);
    if (index >= 0) ReflectApply(ArrayPrototypeSplice, registeredObservers, [index, 1]);
    const state = this[_observer];
    state.buffer = [];
    state.types = [];
  }

  takeRecords() {
    webidl.assertBranded(this, PerformanceObserverPrototype);
    const state = this[_observer];
    const entries = state.buffer;
    state.buffer = [];
    return entries;
  }

  static get supportedEntryTypes() {
    return kSupportedEntryTypes;
  }
}
rootInterface(PerformanceObserver);
webidl.configureInterface(PerformanceObserver);
const PerformanceObserverPrototype = PerformanceObserver.prototype;

export class PerformanceObserverEntryList {
  constructor() {
    webidl.illegalConstructor();
  }

  getEntries() {
    webidl.assertBranded(this, PerformanceObserverEntryListPrototype);
    return filterEntries(this[_entries], undefined, undefined);
  }

  getEntriesByType(type) {
    webidl.assertBranded(this, PerformanceObserverEntryListPrototype);
    const prefix = "Failed to execute 'getEntriesByType' on 'PerformanceObserverEntryList'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    return filterEntries(this[_entries], undefined,
                         webidl.converters.DOMString(type, prefix, 'Argument 1'));
  }

  getEntriesByName(name, type = undefined) {
    webidl.assertBranded(this, PerformanceObserverEntryListPrototype);
    const prefix = "Failed to execute 'getEntriesByName' on 'PerformanceObserverEntryList'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = webidl.converters.DOMString(name, prefix, 'Argument 1');
    if (type !== undefined) type = webidl.converters.DOMString(type, prefix, 'Argument 2');
    return filterEntries(this[_entries], name, type);
  }
}
webidl.configureInterface(PerformanceObserverEntryList);
const PerformanceObserverEntryListPrototype = PerformanceObserverEntryList.prototype;

function createEntryList(entries) {
  const list = webidl.createBranded(PerformanceObserverEntryList);
  ObjectDefineProperty(list, _entries, { value: entries });  // not shown by console.log
  return list;
}

