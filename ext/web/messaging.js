// Cross-context messaging within one runtime (ext:web/messaging.js): MessageEvent,
// MessageChannel, MessagePort and BroadcastChannel.
// https://html.spec.whatwg.org/multipage/web-messaging.html
//
// A runtime is one agent with one global, so every port and channel lives in it: a
// message is structured-cloned when posted (transferred ArrayBuffers are detached then)
// and delivered as a task of its own (queueTask: a zero-delay timer of ext:timers that
// is not clamped for nesting), in posting order. Pending messages keep the run alive; a
// port or channel that only waits for messages does not (unlike Node, whose ports with
// listeners keep the process alive until closed or unref'd).
import * as webidl from 'ext:webidl/webidl.js';
import { queueTask } from 'ext:timers/timers.js';
import { DOMException } from './dom_exception.js';
import {
  Event, EventTarget, defineEventHandler, dispatch, setIsTrusted,
} from './events.js';
import {
  convertObjects, convertStructuredSerializeOptions, structuredClone,
} from './structured_clone.js';

const ArrayPrototypeIndexOf = Array.prototype.indexOf;
const ArrayPrototypePush = Array.prototype.push;
const ArrayPrototypeSplice = Array.prototype.splice;
const NativeTypeError = TypeError;
const ObjectDefineProperty = Object.defineProperty;
const ObjectFreeze = Object.freeze;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ReflectApply = Reflect.apply;

// ---- MessageEvent ----

const convertMessageEventInit = webidl.createDictionaryConverter('MessageEventInit', [
  { key: 'bubbles', converter: webidl.converters.boolean, defaultValue: false },
  { key: 'cancelable', converter: webidl.converters.boolean, defaultValue: false },
  { key: 'composed', converter: webidl.converters.boolean, defaultValue: false },
], [
  { key: 'data', converter: webidl.converters.any, defaultValue: () => null },
  { key: 'origin', converter: webidl.converters.USVString, defaultValue: '' },
  { key: 'lastEventId', converter: webidl.converters.DOMString, defaultValue: '' },
  { key: 'source', converter: convertSource, defaultValue: () => null },
  { key: 'ports', converter: convertPorts, defaultValue: () => [] },
]);

// MessageEventSource? (WindowProxy or MessagePort or ServiceWorker): here a MessagePort.
function convertSource(value, prefix, context) {
  if (value === null) return null;
  if (!webidl.implementsInterface(value, MessagePortPrototype)) {
    throw new NativeTypeError(`${prefix}: ${context} is not of type 'MessagePort'.`);
  }
  return value;
}

function convertPorts(value, prefix, context) {
  const ports = convertObjects(value, prefix, context);
  for (let i = 0; i < ports.length; i++) {
    if (!webidl.implementsInterface(ports[i], MessagePortPrototype)) {
      throw new NativeTypeError(`${prefix}: ${context} is not of type 'MessagePort'.`);
    }
  }
  return ports;
}

const _message = Symbol('[[message]]');

// Fires a trusted `message` event at `target`.
function fireMessage(target, data, origin) {
  const event = new MessageEvent('message', { data, origin });
  setIsTrusted(event, true);
  dispatch(target, event);
}

export class MessageEvent extends Event {
  constructor(type, eventInitDict = undefined) {
    const prefix = "Failed to construct 'MessageEvent'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    type = webidl.converters.DOMString(type, prefix, 'Argument 1');
    const init = convertMessageEventInit(eventInitDict, prefix, 'Argument 2');
    super(type, { bubbles: init.bubbles, cancelable: init.cancelable, composed: init.composed });
    this[_message] = {
      data: init.data,
      origin: init.origin,
      lastEventId: init.lastEventId,
      source: init.source,
      ports: ObjectFreeze([...init.ports]),
    };
  }

  get data() {
    webidl.assertBranded(this, MessageEventPrototype);
    return this[_message].data;
  }

  get origin() {
    webidl.assertBranded(this, MessageEventPrototype);
    return this[_message].origin;
  }

  get lastEventId() {
    webidl.assertBranded(this, MessageEventPrototype);
    return this[_message].lastEventId;
  }

  get source() {
    webidl.assertBranded(this, MessageEventPrototype);
    return this[_message].source;
  }

  get ports() {
    webidl.assertBranded(this, MessageEventPrototype);
    return this[_message].ports;
  }
}
webidl.configureInterface(MessageEvent);
const MessageEventPrototype = MessageEvent.prototype;

// ---- MessagePort and MessageChannel ----

const _port = Symbol('[[port]]');
let constructingPort = false;

function createPort() {
  constructingPort = true;
  try {
    return new MessagePort();
  } finally {
    constructingPort = false;
  }
}

// The transfer list of postMessage(message, transfer) or postMessage(message, options).

function transferListOf(transferOrOptions, argumentCount, prefix) {
  if (argumentCount < 2 || transferOrOptions === undefined) return [];
  if (transferOrOptions !== null && typeof transferOrOptions === 'object' &&
      transferOrOptions[Symbol.iterator] !== undefined) {
    return convertObjects(transferOrOptions, prefix, 'Argument 2');
  }
  return convertStructuredSerializeOptions(transferOrOptions, prefix, 'Argument 2').transfer;
}

export class MessagePort extends EventTarget {
  constructor() {
    if (!constructingPort) webidl.illegalConstructor();
    super();
    this[webidl.brand] = webidl.brand;
    // entangled: the other port, or null. queue: messages waiting for start().
    this[_port] = { entangled: null, started: false, closed: false, queue: [] };
  }

  postMessage(message, transferOrOptions = undefined) {
    webidl.assertBranded(this, MessagePortPrototype);
    const prefix = "Failed to execute 'postMessage' on 'MessagePort'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    const transfer = transferListOf(transferOrOptions, arguments.length, prefix);
    for (let i = 0; i < transfer.length; i++) {
      if (webidl.implementsInterface(transfer[i], MessagePortPrototype)) {
        throw new DOMException(transfer[i] === this ?
            `${prefix}: Port at index ${i} contains the source port.` :
            `${prefix}: MessagePort objects cannot be transferred by this runtime.`,
            'DataCloneError');
      }
    }
    const target = this[_port].entangled;
    // Serialized (and the transferred buffers detached) even when nobody will receive it.
    const data = structuredClone(message, { transfer });
    if (target === null) return;
    deliverToPort(target, data);
  }

  start() {
    webidl.assertBranded(this, MessagePortPrototype);
    startPort(this);
  }

  close() {
    webidl.assertBranded(this, MessagePortPrototype);
    const state = this[_port];
    state.closed = true;
    state.queue = [];
    const other = state.entangled;
    if (other !== null) {
      state.entangled = null;
      other[_port].entangled = null;
    }
  }
}
defineEventHandler(MessagePort.prototype, 'message');
defineEventHandler(MessagePort.prototype, 'messageerror');
webidl.configureInterface(MessagePort);
const MessagePortPrototype = MessagePort.prototype;

// Setting onmessage starts the port ("the first time a MessagePort's onmessage IDL
// attribute is set, the port message queue must be enabled").
{
  const descriptor = ObjectGetOwnPropertyDescriptor(MessagePortPrototype, 'onmessage');
  const setHandler = descriptor.set;
  ObjectDefineProperty(MessagePortPrototype, 'onmessage', {
    ...descriptor,
    set: {
      'set onmessage'(value) {
        ReflectApply(setHandler, this, [value]);
        if (webidl.implementsInterface(this, MessagePortPrototype)) startPort(this);
      },
    }['set onmessage'],
  });
}

function startPort(port) {
  const state = port[_port];
  if (state.started || state.closed) return;
  state.started = true;
  const waiting = state.queue;
  state.queue = [];
  for (let i = 0; i < waiting.length; i++) queuePortTask(port, waiting[i]);
}

function deliverToPort(port, data) {
  const state = port[_port];
  if (state.closed) return;
  if (state.started) {
    queuePortTask(port, data);
  } else {
    ReflectApply(ArrayPrototypePush, state.queue, [data]);
  }
}

function queuePortTask(port, data) {
  queueTask(() => {
    if (port[_port].closed) return;
    fireMessage(port, data, '');
  });
}

export class MessageChannel {
  constructor() {
    const port1 = createPort();
    const port2 = createPort();
    port1[_port].entangled = port2;
    port2[_port].entangled = port1;
    this[webidl.brand] = webidl.brand;
    this[_port] = { port1, port2 };
  }

  get port1() {
    webidl.assertBranded(this, MessageChannelPrototype);
    return this[_port].port1;
  }

  get port2() {
    webidl.assertBranded(this, MessageChannelPrototype);
    return this[_port].port2;
  }
}
webidl.configureInterface(MessageChannel);
const MessageChannelPrototype = MessageChannel.prototype;

// ---- BroadcastChannel ----

const _channel = Symbol('[[channel]]');
// Every open BroadcastChannel, in creation order. An open channel stays reachable from
// here until close(): it may still get messages (a browser keeps it alive while it has
// message listeners).
const openChannels = [];

export class BroadcastChannel extends EventTarget {
  constructor(name) {
    const prefix = "Failed to construct 'BroadcastChannel'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = webidl.converters.DOMString(name, prefix, 'Argument 1');
    super();
    this[webidl.brand] = webidl.brand;
    this[_channel] = { name, closed: false };
    ReflectApply(ArrayPrototypePush, openChannels, [this]);
  }

  get name() {
    webidl.assertBranded(this, BroadcastChannelPrototype);
    return this[_channel].name;
  }

  postMessage(message) {
    webidl.assertBranded(this, BroadcastChannelPrototype);
    const prefix = "Failed to execute 'postMessage' on 'BroadcastChannel'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    const state = this[_channel];
    if (state.closed) throw new DOMException(`${prefix}: Channel is closed`, 'InvalidStateError');
    const data = structuredClone(message);
    let copies = 0;
    for (let i = 0; i < openChannels.length; i++) {
      const destination = openChannels[i];
      if (destination === this || destination[_channel].name !== state.name) continue;
      // Each destination gets its own copy: listeners of one cannot change another's.
      const copy = copies++ === 0 ? data : structuredClone(data);
      queueTask(() => {
        if (!destination[_channel].closed) fireMessage(destination, copy, 'null');
      });
    }
  }

  close() {
    webidl.assertBranded(this, BroadcastChannelPrototype);
    const state = this[_channel];
    if (state.closed) return;
    state.closed = true;
    const index = ReflectApply(ArrayPrototypeIndexOf, openChannels, [this]);
    if (index >= 0) ReflectApply(ArrayPrototypeSplice, openChannels, [index, 1]);
  }
}
defineEventHandler(BroadcastChannel.prototype, 'message');
defineEventHandler(BroadcastChannel.prototype, 'messageerror');
webidl.configureInterface(BroadcastChannel);
const BroadcastChannelPrototype = BroadcastChannel.prototype;
