// Event, EventTarget, CustomEvent, ErrorEvent, PromiseRejectionEvent and event handler
// attributes (ext:web/events.js), per the DOM Standard (https://dom.spec.whatwg.org/#events)
// and HTML's event handlers. kiln has no node tree: an event's path is its target alone, so
// every listener runs in the AT_TARGET phase, capture listeners first.
import { internals } from 'ext:core/internals';
import * as webidl from 'ext:webidl/webidl.js';
import { op_report_exception, op_web_now } from 'ext:core/ops';
import { DOMException } from './dom_exception.js';
import {
  kAllocator, newPlatformObject, platformObjectAllocator, rootInterface,
} from 'ext:webidl/platform_object.js';

const ReflectApply = Reflect.apply;
const ObjectDefineProperty = Object.defineProperty;
const ObjectAssign = Object.assign;
const NumberIsInteger = Number.isInteger;
const NativeMap = Map;
const MapPrototypeGet = Map.prototype.get;
const MapPrototypeSet = Map.prototype.set;
const MapPrototypeDelete = Map.prototype.delete;
const ArrayPrototypeSlice = Array.prototype.slice;
const ArrayPrototypeIndexOf = Array.prototype.indexOf;
const ArrayPrototypeSplice = Array.prototype.splice;
const ArrayPrototypePush = Array.prototype.push;
const inspectCustom = Symbol.for('nodejs.util.inspect.custom');

// ---- Event ----

// An event's internal state (its "flags" and slots in the DOM Standard).
const _event = Symbol('[[event]]');

const NONE = 0;
const CAPTURING_PHASE = 1;
const AT_TARGET = 2;
const BUBBLING_PHASE = 3;

// The getter of every event's own, unforgeable `isTrusted`.
function isTrustedGetter() {
  webidl.assertBranded(this, Event.prototype);
  return this[_event].isTrusted;
}
const isTrustedDescriptor = { get: isTrustedGetter, enumerable: true, configurable: false };

// Custom inspect output as Node prints events: `Event { type, defaultPrevented,
// cancelable, timeStamp }`.
function inspectAs(self, fields, depth, options, inspect) {
  const name = self.constructor.name;
  if (typeof depth === 'number' && depth < 0) return name;
  const innerOptions = ObjectAssign({}, options, {
    depth: NumberIsInteger(options.depth) ? options.depth - 1 : options.depth,
  });
  return `${name} ${inspect(fields, innerOptions)}`;
}

const eventInitMembers = [
  { key: 'bubbles', converter: webidl.converters.boolean, defaultValue: false },
  { key: 'cancelable', converter: webidl.converters.boolean, defaultValue: false },
  { key: 'composed', converter: webidl.converters.boolean, defaultValue: false },
];
const convertEventInit = webidl.createDictionaryConverter('EventInit', eventInitMembers);

// The arguments of Event's constructor as a subclass converted them (its dictionary
// includes EventInit's members, each read once): only this module can make one.
class ConvertedEventArguments {
  constructor(type, init) {
    this.type = type;
    this.init = init;
  }
}

// A type and init dictionary already converted (an event the runtime makes itself), to
// pass to the constructor of Event or of a subclass that takes them (MessageEvent).
export function convertedEventArguments(type, init) {
  return new ConvertedEventArguments(type, init);
}

// For the subclasses' constructors: their type and init dictionary converted, to pass to
// super().
export function convertSubclassArguments(name, args, convertInit, required = 1) {
  const prefix = `Failed to construct '${name}'`;
  webidl.requiredArguments(args.length, required, prefix);
  const type = webidl.converters.DOMString(args[0], prefix, 'Argument 1');
  const init = convertInit(args[1], prefix, 'Argument 2');
  return new ConvertedEventArguments(type, init);
}

// A root interface (interface_object.js, "Platform objects of JavaScript classes"): its
// objects are platform objects, which structuredClone refuses.
export class Event extends Object {
  constructor(type, eventInitDict = undefined) {
    let init;
    if (type instanceof ConvertedEventArguments && arguments.length === 1) {
      init = type.init;
      type = type.type;
    } else {
      const prefix = `Failed to construct '${new.target.name}'`;
      webidl.requiredArguments(arguments.length, 1, prefix);
      type = webidl.converters.DOMString(type, prefix, 'Argument 1');
      init = convertEventInit(eventInitDict, prefix, 'Argument 2');
    }
    const event = new.target === Event ? allocateEvent() : newEventObject(new.target);
    event[webidl.brand] = webidl.brand;
    ObjectDefineProperty(event, 'isTrusted', isTrustedDescriptor);
    event[_event] = {
      type,
      bubbles: init.bubbles,
      cancelable: init.cancelable,
      composed: init.composed,
      target: null,
      currentTarget: null,
      eventPhase: NONE,
      stopPropagation: false,
      stopImmediatePropagation: false,
      canceled: false,
      inPassiveListener: false,
      initialized: true,
      dispatching: false,
      isTrusted: false,
      timeStamp: op_web_now(),
    };
    return event;
  }

  get type() {
    webidl.assertBranded(this, Event.prototype);
    return this[_event].type;
  }

  get target() {
    webidl.assertBranded(this, Event.prototype);
    return this[_event].target;
  }

  get srcElement() {
    webidl.assertBranded(this, Event.prototype);
    return this[_event].target;
  }

  get currentTarget() {
    webidl.assertBranded(this, Event.prototype);
    return this[_event].currentTarget;
  }

  composedPath() {
    webidl.assertBranded(this, Event.prototype);
    const state = this[_event];
    return state.dispatching && state.currentTarget !== null ? [state.currentTarget] : [];
  }

  get eventPhase() {
    webidl.assertBranded(this, Event.prototype);
    return this[_event].eventPhase;
  }

  stopPropagation() {
    webidl.assertBranded(this, Event.prototype);
    this[_event].stopPropagation = true;
  }

  get cancelBubble() {
    webidl.assertBranded(this, Event.prototype);
    return this[_event].stopPropagation;
  }

  set cancelBubble(value) {
    webidl.assertBranded(this, Event.prototype);
    if (webidl.converters.boolean(value)) this[_event].stopPropagation = true;
  }

  stopImmediatePropagation() {
    webidl.assertBranded(this, Event.prototype);
    this[_event].stopPropagation = true;
    this[_event].stopImmediatePropagation = true;
  }

  get bubbles() {
    webidl.assertBranded(this, Event.prototype);
    return this[_event].bubbles;
  }

  get cancelable() {
    webidl.assertBranded(this, Event.prototype);
    return this[_event].cancelable;
  }

  get returnValue() {
    webidl.assertBranded(this, Event.prototype);
    return !this[_event].canceled;
  }

  set returnValue(value) {
    webidl.assertBranded(this, Event.prototype);
    if (!webidl.converters.boolean(value)) setCanceledFlag(this[_event]);
  }

  preventDefault() {
    webidl.assertBranded(this, Event.prototype);
    setCanceledFlag(this[_event]);
  }

  get defaultPrevented() {
    webidl.assertBranded(this, Event.prototype);
    return this[_event].canceled;
  }

  get composed() {
    webidl.assertBranded(this, Event.prototype);
    return this[_event].composed;
  }

  get timeStamp() {
    webidl.assertBranded(this, Event.prototype);
    return this[_event].timeStamp;
  }

  initEvent(type, bubbles = false, cancelable = false) {
    webidl.assertBranded(this, Event.prototype);
    const prefix = "Failed to execute 'initEvent' on 'Event'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    type = webidl.converters.DOMString(type, prefix, 'Argument 1');
    bubbles = webidl.converters.boolean(bubbles);
    cancelable = webidl.converters.boolean(cancelable);
    const state = this[_event];
    if (state.dispatching) return;
    initializeEvent(state, type, bubbles, cancelable);
  }

  [inspectCustom](depth, options, inspect) {
    if (!webidl.implementsInterface(this, Event.prototype)) return this;
    const state = this[_event];
    return inspectAs(this, {
      type: state.type,
      defaultPrevented: state.canceled,
      cancelable: state.cancelable,
      timeStamp: state.timeStamp,
    }, depth, options, inspect);
  }
}

function setCanceledFlag(state) {
  if (state.cancelable && !state.inPassiveListener) state.canceled = true;
}

function initializeEvent(state, type, bubbles, cancelable) {
  state.initialized = true;
  state.stopPropagation = false;
  state.stopImmediatePropagation = false;
  state.canceled = false;
  state.isTrusted = false;
  state.target = null;
  state.type = type;
  state.bubbles = bubbles;
  state.cancelable = cancelable;
}

rootInterface(Event);
const allocateEvent = platformObjectAllocator(Event);

// The platform object of an Event subclass (CustomEvent, MessageEvent, ..., a program's):
// its allocator is read here rather than in newPlatformObject, so that this load sees
// Event's subclasses only (newPlatformObject's sees every interface's constructor).
function newEventObject(newTarget) {
  const allocate = newTarget[kAllocator];
  return allocate !== undefined && allocate.prototype === newTarget.prototype
      ? allocate() : newPlatformObject(newTarget);
}
webidl.configureInterface(Event);
webidl.defineConstants(Event, { NONE, CAPTURING_PHASE, AT_TARGET, BUBBLING_PHASE });

// Marks an event the platform made (isTrusted is true): abort, error, unhandledrejection.
export function setIsTrusted(event, value) {
  event[_event].isTrusted = value;
}

// ---- CustomEvent ----

const convertCustomEventInit = webidl.createDictionaryConverter(
    'CustomEventInit', eventInitMembers,
    [{ key: 'detail', converter: webidl.converters.any, defaultValue: null }]);
const _detail = Symbol('[[detail]]');

export class CustomEvent extends Event {
  constructor(type, eventInitDict = undefined) {
    const converted = convertSubclassArguments('CustomEvent', arguments, convertCustomEventInit);
    super(converted);
    this[_detail] = converted.init.detail;
  }

  get detail() {
    webidl.assertBranded(this, CustomEvent.prototype);
    return this[_detail];
  }

  initCustomEvent(type, bubbles = false, cancelable = false, detail = null) {
    webidl.assertBranded(this, CustomEvent.prototype);
    const prefix = "Failed to execute 'initCustomEvent' on 'CustomEvent'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    type = webidl.converters.DOMString(type, prefix, 'Argument 1');
    bubbles = webidl.converters.boolean(bubbles);
    cancelable = webidl.converters.boolean(cancelable);
    const state = this[_event];
    if (state.dispatching) return;
    initializeEvent(state, type, bubbles, cancelable);
    this[_detail] = detail;
  }
}
webidl.configureInterface(CustomEvent);

// ---- ErrorEvent ----

const convertErrorEventInit = webidl.createDictionaryConverter(
    'ErrorEventInit', eventInitMembers, [
      { key: 'message', converter: webidl.converters.DOMString, defaultValue: '' },
      { key: 'filename', converter: webidl.converters.USVString, defaultValue: '' },
      { key: 'lineno', converter: webidl.converters['unsigned long'], defaultValue: 0 },
      { key: 'colno', converter: webidl.converters['unsigned long'], defaultValue: 0 },
      { key: 'error', converter: webidl.converters.any },
    ]);
const _errorEvent = Symbol('[[errorEvent]]');

export class ErrorEvent extends Event {
  constructor(type, eventInitDict = undefined) {
    const converted = convertSubclassArguments('ErrorEvent', arguments, convertErrorEventInit);
    super(converted);
    const init = converted.init;
    this[_errorEvent] = {
      message: init.message,
      filename: init.filename,
      lineno: init.lineno,
      colno: init.colno,
      error: init.error,
    };
  }

  get message() {
    webidl.assertBranded(this, ErrorEvent.prototype);
    return this[_errorEvent].message;
  }

  get filename() {
    webidl.assertBranded(this, ErrorEvent.prototype);
    return this[_errorEvent].filename;
  }

  get lineno() {
    webidl.assertBranded(this, ErrorEvent.prototype);
    return this[_errorEvent].lineno;
  }

  get colno() {
    webidl.assertBranded(this, ErrorEvent.prototype);
    return this[_errorEvent].colno;
  }

  get error() {
    webidl.assertBranded(this, ErrorEvent.prototype);
    return this[_errorEvent].error;
  }
}
webidl.configureInterface(ErrorEvent);

// ---- PromiseRejectionEvent ----

const convertPromiseRejectionEventInit = webidl.createDictionaryConverter(
    'PromiseRejectionEventInit', eventInitMembers, [
      { key: 'promise', converter: webidl.converters.object, required: true },
      { key: 'reason', converter: webidl.converters.any },
    ]);
const _rejection = Symbol('[[rejection]]');

export class PromiseRejectionEvent extends Event {
  constructor(type, eventInitDict) {
    const converted = convertSubclassArguments(
        'PromiseRejectionEvent', arguments, convertPromiseRejectionEventInit, 2);
    super(converted);
    this[_rejection] = { promise: converted.init.promise, reason: converted.init.reason };
  }

  get promise() {
    webidl.assertBranded(this, PromiseRejectionEvent.prototype);
    return this[_rejection].promise;
  }

  get reason() {
    webidl.assertBranded(this, PromiseRejectionEvent.prototype);
    return this[_rejection].reason;
  }
}
webidl.configureInterface(PromiseRejectionEvent);

// ---- EventTarget ----

// A target's listeners: Map type -> array of listener records { callback, capture,
// passive, once, signal, removed }. Dispatch walks a copy; `removed` stops a listener
// removed meanwhile.
const _listeners = Symbol('[[listeners]]');
// A target's event handlers (HTML): Map `on<type>` name -> { value, listener }.
const _handlers = Symbol('[[handlers]]');

// What AbortSignal (abort.js, which imports this module) provides to addEventListener's
// `signal` option, and what it wants told when listeners change (a dependent signal with
// abort listeners is kept alive).
export const signalHooks = {
  convert: null,    // (value, prefix, context) -> AbortSignal, or throws
  aborted: null,    // (signal) -> boolean
  add: null,        // (signal, algorithm)
  remove: null,     // (signal, algorithm)
  listenersChanged: null,  // (target, type)
};

function convertSignal(value, prefix, context) {
  // abort.js is a lazy module: until something evaluates it no AbortSignal exists, but the
  // conversion (and its TypeError for anything else) is its.
  if (signalHooks.convert === null) internals.importLazy('ext:web/abort.js');
  return signalHooks.convert(value, prefix, context);
}

const convertEventListenerOptions = webidl.createDictionaryConverter(
    'EventListenerOptions',
    [{ key: 'capture', converter: webidl.converters.boolean, defaultValue: false }]);
const convertAddEventListenerOptions = webidl.createDictionaryConverter(
    'AddEventListenerOptions',
    [{ key: 'capture', converter: webidl.converters.boolean, defaultValue: false }],
    [
      { key: 'once', converter: webidl.converters.boolean, defaultValue: false },
      { key: 'passive', converter: webidl.converters.boolean },
      { key: 'signal', converter: convertSignal },
    ]);

// (AddEventListenerOptions or boolean): an object or null/undefined is the dictionary,
// anything else the `capture` boolean.
function flattenAddOptions(options, prefix) {
  if (options === undefined || options === null || typeof options === 'object' ||
      typeof options === 'function') {
    return convertAddEventListenerOptions(options, prefix, 'Argument 3');
  }
  return { capture: webidl.converters.boolean(options), once: false };
}

function flattenCapture(options, prefix) {
  if (options === undefined || options === null || typeof options === 'object' ||
      typeof options === 'function') {
    return convertEventListenerOptions(options, prefix, 'Argument 3').capture;
  }
  return webidl.converters.boolean(options);
}

// The EventListener? argument: null, or any object (a function, or an object whose
// handleEvent is looked up at dispatch).
function convertListener(callback, prefix) {
  if (callback === null || callback === undefined) return null;
  if (typeof callback !== 'object' && typeof callback !== 'function') {
    throw webidl.makeException(TypeError, "is not of type 'EventListener'.", prefix,
                               'Argument 2');
  }
  return callback;
}

// Initialises an object as an event target (EventTarget's constructor; globalThis).
// The global object gets them as hidden (non-enumerable) properties, so inspecting it
// shows only its globals.
export function setUpEventTarget(target) {
  if (target === globalThis) {
    ObjectDefineProperty(target, webidl.brand, { value: webidl.brand });
    ObjectDefineProperty(target, _listeners, { value: new NativeMap() });
    return;
  }
  // Assignments: defining non-enumerable properties costs constructions 1.5-2.7x (objects
  // with these slots print through their custom inspect functions).
  target[webidl.brand] = webidl.brand;
  target[_listeners] = new NativeMap();
}

function listenersOf(target) {
  return target[_listeners];
}

function findListener(list, callback, capture) {
  for (let i = 0; i < list.length; i++) {
    const listener = list[i];
    if (listener.callback === callback && listener.capture === capture) return i;
  }
  return -1;
}

// "Remove an event listener": marks it removed and drops it from the list.
function removeListener(target, type, listener) {
  listener.removed = true;
  const map = listenersOf(target);
  const list = ReflectApply(MapPrototypeGet, map, [type]);
  if (list === undefined) return;
  const index = ReflectApply(ArrayPrototypeIndexOf, list, [listener]);
  if (index < 0) return;
  ReflectApply(ArrayPrototypeSplice, list, [index, 1]);
  if (list.length === 0) ReflectApply(MapPrototypeDelete, map, [type]);
  if (listener.signal !== null) signalHooks.remove(listener.signal, listener.abortAlgorithm);
  if (signalHooks.listenersChanged !== null) signalHooks.listenersChanged(target, type);
}

// "Add an event listener" with a flattened listener record.
function addListener(target, type, callback, capture, passive, once, signal) {
  if (signal !== null && signalHooks.aborted(signal)) return;
  if (callback === null) return;
  const map = listenersOf(target);
  let list = ReflectApply(MapPrototypeGet, map, [type]);
  if (list === undefined) {
    list = [];
    ReflectApply(MapPrototypeSet, map, [type, list]);
  } else if (findListener(list, callback, capture) >= 0) {
    return;
  }
  const listener = {
    callback, capture, passive, once, signal, removed: false, abortAlgorithm: null,
  };
  ReflectApply(ArrayPrototypePush, list, [listener]);
  if (signal !== null) {
    listener.abortAlgorithm = () => removeListener(target, type, listener);
    signalHooks.add(signal, listener.abortAlgorithm);
  }
  if (signalHooks.listenersChanged !== null) signalHooks.listenersChanged(target, type);
}

// Whether `target` has a listener for `type` (abort.js: a dependent signal with abort
// listeners stays alive).
export function hasListeners(target, type) {
  const list = ReflectApply(MapPrototypeGet, listenersOf(target), [type]);
  return list !== undefined && list.length > 0;
}

// A root interface, as Event.
export class EventTarget extends Object {
  constructor() {
    const target =
        new.target === EventTarget ? allocateEventTarget() : newPlatformObject(new.target);
    setUpEventTarget(target);
    return target;
  }

  addEventListener(type, callback, options = undefined) {
    const target = eventTargetThis(this);
    const prefix = "Failed to execute 'addEventListener' on 'EventTarget'";
    webidl.requiredArguments(arguments.length, 2, prefix);
    type = webidl.converters.DOMString(type, prefix, 'Argument 1');
    callback = convertListener(callback, prefix);
    const flat = flattenAddOptions(options, prefix);
    const signal = flat.signal === undefined ? null : flat.signal;
    // `passive` defaults to false: kiln has no touch or wheel events.
    const passive = flat.passive === undefined ? false : flat.passive;
    addListener(target, type, callback, flat.capture, passive, flat.once, signal);
  }

  removeEventListener(type, callback, options = undefined) {
    const target = eventTargetThis(this);
    const prefix = "Failed to execute 'removeEventListener' on 'EventTarget'";
    webidl.requiredArguments(arguments.length, 2, prefix);
    type = webidl.converters.DOMString(type, prefix, 'Argument 1');
    callback = convertListener(callback, prefix);
    const capture = flattenCapture(options, prefix);
    if (callback === null) return;
    const list = ReflectApply(MapPrototypeGet, listenersOf(target), [type]);
    if (list === undefined) return;
    const index = findListener(list, callback, capture);
    if (index >= 0) removeListener(target, type, list[index]);
  }

  dispatchEvent(event) {
    const target = eventTargetThis(this);
    const prefix = "Failed to execute 'dispatchEvent' on 'EventTarget'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    event = convertEvent(event, prefix, 'Argument 1');
    const state = event[_event];
    if (state.dispatching || !state.initialized) {
      throw new DOMException(
          `${prefix}: The event is already being dispatched.`, 'InvalidStateError');
    }
    state.isTrusted = false;
    return dispatch(target, event);
  }

  [inspectCustom](depth, options, inspect) {
    // The global object is shown with its properties, as objects are.
    if (this === globalThis || (typeof depth === 'number' && depth < 0)) return this;
    return inspectAs(this, {}, depth, options, inspect);
  }
}
rootInterface(EventTarget);
const allocateEventTarget = platformObjectAllocator(EventTarget);
webidl.configureInterface(EventTarget);

// The target of an EventTarget method: `this`, brand-checked. `this` undefined or null (a
// method called as a plain function, `addEventListener(...)` in a script) is the global
// object, as WebIDL says for the operations of a [Global] interface.
function eventTargetThis(self) {
  const target = self === undefined || self === null ? globalThis : self;
  webidl.assertBranded(target, EventTarget.prototype);
  return target;
}

const convertEvent = webidl.createInterfaceConverter('Event', Event.prototype);

// "Dispatch" for a target without parents: the event's path is [target]. Returns
// !defaultPrevented. Fires `event` as it is (trusted or not).
export function dispatch(target, event) {
  const state = event[_event];
  state.dispatching = true;
  state.target = target;
  state.currentTarget = target;
  state.eventPhase = AT_TARGET;
  try {
    if (!state.stopPropagation) invokeListeners(target, event, state, true);
    if (!state.stopPropagation) invokeListeners(target, event, state, false);
  } finally {
    state.eventPhase = NONE;
    state.currentTarget = null;
    state.dispatching = false;
    state.stopPropagation = false;
    state.stopImmediatePropagation = false;
  }
  return !state.canceled;
}

// "Inner invoke" for one phase at the target: capture listeners, or the others.
function invokeListeners(target, event, state, capturePhase) {
  const list = ReflectApply(MapPrototypeGet, listenersOf(target), [state.type]);
  if (list === undefined) return;
  const listeners = ReflectApply(ArrayPrototypeSlice, list, []);
  for (let i = 0; i < listeners.length; i++) {
    const listener = listeners[i];
    if (listener.removed || listener.capture !== capturePhase) continue;
    if (listener.once) removeListener(target, state.type, listener);
    if (listener.passive) state.inPassiveListener = true;
    try {
      const callback = listener.callback;
      if (typeof callback === 'function') {
        ReflectApply(callback, target, [event]);
      } else {
        const handleEvent = callback.handleEvent;
        if (typeof handleEvent !== 'function') {
          throw new TypeError(
              "Failed to execute 'handleEvent' on 'EventListener': property 'handleEvent' is " +
              'not callable.');
        }
        ReflectApply(handleEvent, callback, [event]);
      }
    } catch (error) {
      reportException(error);
    } finally {
      state.inPassiveListener = false;
    }
    if (state.stopImmediatePropagation) return;
  }
}

// ---- Reporting exceptions (HTML "report an exception") ----

// Whether an `error` event is being dispatched for a reported exception: an exception
// thrown by one of its listeners is not dispatched again (it goes straight to the
// runtime).
let inErrorReporting = false;

// The message HTML gives an ErrorEvent for an exception, as browsers word it.
function uncaughtMessage(error) {
  try {
    if (error instanceof Error || (typeof error === 'object' && error !== null &&
                                   typeof error.name === 'string')) {
      return `Uncaught ${error.name}: ${error.message}`;
    }
    return `Uncaught ${typeof error === 'symbol' ? error.toString() : `${error}`}`;
  } catch {
    return 'Uncaught';
  }
}

// Where an exception happened, from its stack's first frame: [filename, lineno, colno].
function locationOf(error) {
  try {
    const stack = typeof error === 'object' && error !== null ? error.stack : undefined;
    if (typeof stack !== 'string') return ['', 0, 0];
    const match = /\n\s+at (?:.*\()?(.*?):(\d+):(\d+)\)?/.exec(stack);
    if (match === null) return ['', 0, 0];
    return [match[1], +match[2], +match[3]];
  } catch {
    return ['', 0, 0];
  }
}

// Dispatches a cancelable, trusted ErrorEvent `error` on the global object for an
// uncaught exception. True when a listener canceled it (the error is handled).
export function dispatchErrorEvent(error, message = undefined, filename = undefined,
                                   lineno = undefined, colno = undefined) {
  if (inErrorReporting) return false;
  if (message === undefined) message = uncaughtMessage(error);
  if (filename === undefined || lineno === undefined || colno === undefined) {
    [filename, lineno, colno] = locationOf(error);
  }
  const event = new ErrorEvent('error', {
    cancelable: true,
    message: `${message}`,
    filename: `${filename ?? ''}`,
    lineno: +lineno || 0,
    colno: +colno || 0,
    error,
  });
  setIsTrusted(event, true);
  inErrorReporting = true;
  try {
    return !dispatch(globalThis, event);
  } finally {
    inErrorReporting = false;
  }
}

// Dispatches a cancelable, trusted PromiseRejectionEvent `unhandledrejection` on the
// global object. True when a listener canceled it.
export function dispatchRejectionEvent(promise, reason) {
  const event = new PromiseRejectionEvent('unhandledrejection', {
    cancelable: true, promise, reason,
  });
  setIsTrusted(event, true);
  return !dispatch(globalThis, event);
}

// HTML's "report an exception": the core op dispatches the global `error` event (through
// internals.onUncaughtError, global_events.js) and, unless a listener handles it, makes it
// the runtime's uncaught error (the run stops at the end of the turn). An exception thrown
// by an `error` listener meanwhile is not dispatched again.
export function reportException(error) {
  op_report_exception(error);
}

// ---- Event handler attributes (HTML) ----

// Defines the event handler IDL attribute `on<name>` on `prototype` (an interface's
// prototype, or the global object itself): the stored handler is null or an object
// (non-objects become null: [LegacyTreatNonObjectAsNull]); the first non-null value adds a
// listener, which stays in its place while the handler changes and is removed when the
// handler is set to null.
export function defineEventHandler(prototype, name) {
  const attribute = `on${name}`;
  const descriptor = {
    get() {
      const target = eventTargetThis(this);
      const handler = handlersOf(target).get(attribute);
      return handler === undefined ? null : handler.value;
    },
    set(value) {
      const target = eventTargetThis(this);
      const handlers = handlersOf(target);
      let handler = handlers.get(attribute);
      if (typeof value !== 'object' && typeof value !== 'function') value = null;
      if (value === null) {
        if (handler !== undefined) {
          handlers.delete(attribute);
          const list = ReflectApply(MapPrototypeGet, listenersOf(target), [name]);
          const index = list === undefined ? -1 : findListener(list, handler.listener, false);
          if (index >= 0) removeListener(target, name, list[index]);
        }
        return;
      }
      if (handler === undefined) {
        handler = { value, listener: null };
        handler.listener = (event) => processEventHandler(target, handler, event);
        handlers.set(attribute, handler);
        addListener(target, name, handler.listener, false, false, false, null);
      } else {
        handler.value = value;
      }
    },
    enumerable: true,
    configurable: true,
  };
  ObjectDefineProperty(descriptor.get, 'name', { value: `get ${attribute}` });
  ObjectDefineProperty(descriptor.set, 'name', { value: `set ${attribute}` });
  ObjectDefineProperty(prototype, attribute, descriptor);
}

function handlersOf(target) {
  let handlers = target[_handlers];
  if (handlers === undefined) {
    handlers = new NativeMap();
    ObjectDefineProperty(target, _handlers, { value: handlers, configurable: true });
  }
  return handlers;
}

// HTML's "event handler processing algorithm".
function processEventHandler(target, handler, event) {
  const callback = handler.value;
  if (typeof callback !== 'function') return;
  const state = event[_event];
  let returned;
  if (state.type === 'error' && webidl.implementsInterface(event, ErrorEvent.prototype) &&
      target === globalThis) {
    // The global's onerror gets (message, source, lineno, colno, error); true cancels.
    const details = event[_errorEvent];
    returned = ReflectApply(callback, target, [
      details.message, details.filename, details.lineno, details.colno, details.error,
    ]);
    if (returned === true) setCanceledFlag(state);
  } else {
    returned = ReflectApply(callback, target, [event]);
    if (returned === false) setCanceledFlag(state);
  }
}
