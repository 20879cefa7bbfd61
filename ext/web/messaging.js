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
  Event, EventTarget, convertSubclassArguments, convertedEventArguments, defineEventHandler,
  dispatch, setIsTrusted, setUpEventTarget,
} from './events.js';
import { createInterface } from './interface_object.js';
import { newPlatformObject, rootInterface } from 'ext:webidl/platform_object.js';
import {
  cloneWithTransfer, convertObjects, convertStructuredSerializeOptions,
  registerTransferableInterface, structuredClone,
} from './structured_clone.js';

const ArrayPrototypeIndexOf = Array.prototype.indexOf;
const ArrayPrototypePush = Array.prototype.push;
const ArrayPrototypeSplice = Array.prototype.splice;
const NativeTypeError = TypeError;
const ObjectDefineProperty = Object.defineProperty;
const ObjectFreeze = Object.freeze;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ReflectApply = Reflect.apply;
const ReflectConstruct = Reflect.construct;

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

const kNoPorts = ObjectFreeze([]);
// The constructor's first argument for an event the runtime makes (newMessageEvent): the
// second is then its converted arguments, with the ports frozen already.
const kConverted = Symbol('converted MessageEvent arguments');

// A `message` MessageEvent, made without converting its arguments again.
function newMessageEvent(data, origin, ports) {
  return new MessageEvent(kConverted, convertedEventArguments('message', {
    bubbles: false, cancelable: false, composed: false, data, origin, lastEventId: '',
    source: null, ports: ports.length === 0 ? kNoPorts : ObjectFreeze([...ports]),
  }));
}

// Fires a trusted `message` event at `target` (`ports`: the MessagePorts transferred with
// the message; also ext:worker's messages).
export function fireMessage(target, data, origin = '', ports = kNoPorts) {
  const event = newMessageEvent(data, origin, ports);
  setIsTrusted(event, true);
  dispatch(target, event);
}

export class MessageEvent extends Event {
  constructor(type, eventInitDict = undefined) {
    const internal = type === kConverted;
    const converted = internal ? eventInitDict
        : convertSubclassArguments('MessageEvent', arguments, convertMessageEventInit);
    super(converted);
    const init = converted.init;
    this[_message] = {
      data: init.data,
      origin: init.origin,
      lastEventId: init.lastEventId,
      source: init.source,
      ports: internal ? init.ports : ObjectFreeze([...init.ports]),
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

// MessagePorts are host objects (objects with an internal field), so that the serializer
// hands them to its delegate, which asks structured_clone.js (cloneHostObject) for their
// receivers when they are transferred. An interface object made by createInterface
// allocates them (with MessagePort.prototype; its own interface object stays hidden).
const MessagePortHostObject =
    createInterface('MessagePort', 0, function noSetUp() {}, class {});
const kNoArguments = [];

// A new port, entangled with nothing, its message queue disabled.
function createPort() {
  const port = ReflectConstruct(MessagePortHostObject, kNoArguments, MessagePort);
  setUpEventTarget(port);
  // entangled: the other port, or null. queue: messages waiting for start(). detached:
  // transferred (its state moved to forwardTo, the port that received it).
  port[_port] = {
    entangled: null, started: false, closed: false, queue: [], detached: false,
    forwardTo: null,
  };
  return port;
}

// The transfer list of postMessage(message, transfer) or postMessage(message, options)
// (also the Worker's and a worker scope's postMessage, ext:worker).
export function transferListOf(transferOrOptions, argumentCount, prefix) {
  if (argumentCount < 2 || transferOrOptions === undefined) return [];
  if (transferOrOptions !== null && typeof transferOrOptions === 'object' &&
      transferOrOptions[Symbol.iterator] !== undefined) {
    return convertObjects(transferOrOptions, prefix, 'Argument 2');
  }
  return convertStructuredSerializeOptions(transferOrOptions, prefix, 'Argument 2').transfer;
}

// Ports are made by MessageChannel (createPort) and by transfers only.
export class MessagePort extends EventTarget {
  constructor() {
    webidl.illegalConstructor();
    super();
  }

  postMessage(message, transferOrOptions = undefined) {
    webidl.assertBranded(this, MessagePortPrototype);
    const prefix = "Failed to execute 'postMessage' on 'MessagePort'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    const transfer = transferListOf(transferOrOptions, arguments.length, prefix);
    for (let i = 0; i < transfer.length; i++) {
      if (transfer[i] === this) {
        throw new DOMException(`${prefix}: Port at index ${i} contains the source port.`,
                               'DataCloneError');
      }
    }
    const target = this[_port].entangled;
    // Serialized (the transferred buffers detached, the transferred ports moved) even
    // when nobody will receive it.
    const { value: data, transferred } = cloneWithTransfer(message, transfer, prefix);
    if (target === null) return;
    deliverToPort(target, { data, ports: transferred });
  }

  start() {
    webidl.assertBranded(this, MessagePortPrototype);
    startPort(this);
  }

  close() {
    webidl.assertBranded(this, MessagePortPrototype);
    const state = this[_port];
    if (state.detached) return;
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

// The port that has the state of `port` now: `port`, or the one it was transferred to
// (again and again, maybe).
function currentPortOf(port) {
  while (port[_port].forwardTo !== null) port = port[_port].forwardTo;
  return port;
}

// `message`: { data, ports }.
function deliverToPort(port, message) {
  port = currentPortOf(port);
  const state = port[_port];
  if (state.closed) return;
  if (state.started) {
    queuePortTask(port, message);
  } else {
    ReflectApply(ArrayPrototypePush, state.queue, [message]);
  }
}

function queuePortTask(port, message) {
  queueTask(() => {
    // A port transferred since the task was queued passes the message on: the port
    // message queue moved with it.
    if (port[_port].forwardTo !== null) {
      deliverToPort(port, message);
      return;
    }
    if (port[_port].closed) return;
    fireMessage(port, message.data, '', message.ports);
  });
}

// MessagePort's transfer steps and transfer-receiving steps: the receiver is entangled
// with the port's partner, and takes its waiting messages (its own queue stays disabled
// until start() or onmessage); the port is detached ("neutered"): disentangled, closed,
// and what is later delivered to it, by tasks queued before, goes to the receiver.
registerTransferableInterface({
  name: 'MessagePort',
  noun: 'port',
  Noun: 'Port',
  isInstance: (value) => webidl.implementsInterface(value, MessagePortPrototype),
  isDetached: (port) => port[_port].detached,
  receive: () => createPort(),
  transfer(port, receiver) {
    const from = port[_port];
    const to = receiver[_port];
    const partner = from.entangled;
    to.entangled = partner;
    if (partner !== null) partner[_port].entangled = receiver;
    to.closed = from.closed;
    to.queue = from.queue;
    from.entangled = null;
    from.queue = [];
    from.closed = true;
    from.detached = true;
    from.forwardTo = receiver;
  },
});

// A root interface (interface_object.js): its objects are platform objects, which
// structuredClone refuses.
export class MessageChannel extends Object {
  constructor() {
    const port1 = createPort();
    const port2 = createPort();
    port1[_port].entangled = port2;
    port2[_port].entangled = port1;
    const channel = newPlatformObject(new.target);
    channel[webidl.brand] = webidl.brand;
    channel[_port] = { port1, port2 };
    return channel;
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
rootInterface(MessageChannel);
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
