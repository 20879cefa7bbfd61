// Dedicated workers (ext:worker/worker.js; README.md): the Worker interface, and the global
// scope of a worker's runtime (name, postMessage, close, onmessage, onmessageerror).
// https://html.spec.whatwg.org/multipage/workers.html
//
// A worker is a runtime of its own on a thread of its own, made like the runtime that
// creates it (worker_link.h). Messages are structured-serialized into bytes when posted
// (ArrayBuffers in the transfer list are copied and detached) and read in the receiving
// runtime, each delivered as a task of its own. A worker runs until close(), terminate()
// or an uncaught error; until then it keeps the creating runtime running, as in Deno.
import {
  op_close, op_worker_base_url, op_worker_create, op_worker_post, op_worker_read_message,
  op_worker_receive, op_worker_scope_close, op_worker_scope_end, op_worker_scope_post,
  op_worker_scope_read_message, op_worker_scope_receive, op_worker_start, op_worker_terminate,
} from 'ext:core/ops';
import { internals } from 'ext:core/internals';
import * as webidl from 'ext:webidl/webidl.js';
import { queueTask } from 'ext:timers/timers.js';
import { DOMException } from 'ext:web/dom_exception.js';
import {
  ErrorEvent, Event, EventTarget, defineEventHandler, dispatch, reportException, setIsTrusted,
} from 'ext:web/events.js';
import { MessageEvent, fireMessage, transferListOf } from 'ext:web/messaging.js';
import { URL as NativeURL } from 'ext:url/url.js';

const JSONParse = JSON.parse;
const NativeError = Error;
const ObjectDefineProperty = Object.defineProperty;
const StringFromCharCode = String.fromCharCode;
const ReflectApply = Reflect.apply;
const TypedArrayPrototypeSubarray = Uint8Array.prototype.subarray;

// The first byte of an event from the other side (worker_link.h, EventKind).
const MESSAGE = 1;
const ERROR = 2;
const CLOSED = 3;

// The text of an event's payload (ASCII: worker_link.cc escapes the rest in its JSON).
function payloadText(event) {
  let text = '';
  for (let i = 1; i < event.length; i += 8192) {
    const part = ReflectApply(TypedArrayPrototypeSubarray, event, [i, i + 8192]);
    text += ReflectApply(StringFromCharCode, null, part);
  }
  return text;
}

// Fires `message` (or `messageerror`, when the message cannot be read here) at `target`;
// `read(event)` gives the message's value.
function deliverMessage(target, event, read) {
  let data;
  try {
    data = read(event);
  } catch {
    const error = new MessageEvent('messageerror');
    setIsTrusted(error, true);
    dispatch(target, error);
    return;
  }
  fireMessage(target, data);
}

// ---- Worker ----

const convertWorkerOptions = webidl.createDictionaryConverter('WorkerOptions', [
  { key: 'type', converter: webidl.createEnumConverter('WorkerType', ['classic', 'module']),
    defaultValue: 'classic' },
  { key: 'credentials',
    converter: webidl.createEnumConverter('RequestCredentials', ['omit', 'same-origin', 'include']),
    defaultValue: 'same-origin' },
  { key: 'name', converter: webidl.converters.DOMString, defaultValue: '' },
]);

const _worker = Symbol('[[worker]]');

export class Worker extends EventTarget {
  constructor(scriptURL, options = undefined) {
    const prefix = "Failed to construct 'Worker'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    scriptURL = webidl.converters.USVString(scriptURL, prefix, 'Argument 1');
    const init = convertWorkerOptions(options, prefix, 'Argument 2');
    let url;
    try {
      url = new NativeURL(scriptURL, op_worker_base_url());
    } catch {
      throw new DOMException(`${prefix}: The script URL '${scriptURL}' is invalid.`,
                             'SyntaxError');
    }
    super();
    const rid = op_worker_create();
    // closed: its events ended and its resource is closed.
    const state = {
      rid, name: init.name, terminated: false, closed: false,
      read: (event) => op_worker_read_message(rid, event, DOMException),
    };
    this[_worker] = state;
    const module = init.type === 'module';
    const href = url.href;
    const protocol = url.protocol;
    if (protocol === 'file:' ||
        (module && protocol !== 'blob:' && protocol !== 'http:' && protocol !== 'https:')) {
      // A file, or a module the worker's runtime loads itself: a data: URL, or what its
      // module loader gives for another scheme (an embedder's memory:/// modules).
      op_worker_start(rid, href, '', false, module, init.name);
    } else {
      startFetched(this, state, href, module);
    }
    pump(this, state);
  }

  postMessage(message, transferOrOptions = undefined) {
    webidl.assertBranded(this, WorkerPrototype);
    const prefix = "Failed to execute 'postMessage' on 'Worker'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    const transfer = transferListOf(transferOrOptions, arguments.length, prefix);
    const state = this[_worker];
    // After terminate() the message is still serialized (its transfers detached) and then
    // dropped by the worker's closed queue, until the worker's resource is gone.
    if (state.closed) return;
    op_worker_post(state.rid, message, transfer, DOMException);
  }

  terminate() {
    webidl.assertBranded(this, WorkerPrototype);
    const state = this[_worker];
    if (state.terminated) return;
    state.terminated = true;
    if (!state.closed) op_worker_terminate(state.rid);
  }
}
defineEventHandler(Worker.prototype, 'message');
defineEventHandler(Worker.prototype, 'messageerror');
defineEventHandler(Worker.prototype, 'error');
webidl.configureInterface(Worker);
const WorkerPrototype = Worker.prototype;

// A script that is not a file (blob:, data:, http(s):) is fetched here, by the creating
// runtime (a blob: URL names a Blob of this runtime), and handed to the worker as text.
// A failed fetch fires a plain `error` event, as HTML's worker creation does.
function startFetched(worker, state, href, module) {
  const fetch = globalThis.fetch;
  const fetched = typeof fetch !== 'function'
      ? Promise.reject(new TypeError('fetching a worker script needs the fetch extension'))
      : fetch(href).then((response) => {
        if (!response.ok) throw new TypeError(`${href}: HTTP status ${response.status}`);
        return response.text();
      });
  fetched.then((source) => {
    if (state.terminated) {
      // Never started: no thread will end the events, so the resource closes here.
      closeWorkerResource(state);
      return;
    }
    op_worker_start(state.rid, href, source, true, module, state.name);
  }, () => {
    if (!state.terminated) {
      const event = new Event('error');
      setIsTrusted(event, true);
      dispatch(worker, event);
    }
    op_worker_terminate(state.rid);
    closeWorkerResource(state);
  });
}

function closeWorkerResource(state) {
  if (state.closed) return;
  state.closed = true;
  op_close(state.rid);
}

// The events of a receive's batch (worker_link.h, EventQueue::Receive), calling
// `handle(event)` for each in order; false once the batch held kClosed.
function forEachEvent(batch, handle) {
  let at = 0;
  while (at < batch.length) {
    // A little-endian uint32 (the machine's order, x86-64).
    const size =
        (batch[at] | (batch[at + 1] << 8) | (batch[at + 2] << 16) | (batch[at + 3] << 24)) >>> 0;
    const event = ReflectApply(TypedArrayPrototypeSubarray, batch, [at + 4, at + 4 + size]);
    at += 4 + size;
    if (event[0] === CLOSED) return false;
    handle(event);
  }
  return true;
}

// The worker's events, until it ends; none is dispatched after terminate(). Those that
// arrived in one turn of the loop are dispatched in that turn, in order.
async function pump(worker, state) {
  const handle = (event) => {
    if (state.terminated) return;
    if (event[0] === MESSAGE) {
      deliverMessage(worker, event, state.read);
    } else if (event[0] === ERROR) {
      fireWorkerError(worker, state, JSONParse(payloadText(event)));
    }
  };
  try {
    while (forEachEvent(await op_worker_receive(state.rid), handle)) { /* next batch */ }
  } catch {
    // The resource was closed while a receive waited (a failed fetch): nothing more comes.
  }
  closeWorkerResource(state);
}

// The worker's uncaught error: an ErrorEvent at the Worker; unless a listener cancels it,
// reported in this runtime too (HTML), where an unhandled one ends the run as Deno does.
function fireWorkerError(worker, state, info) {
  const event = new ErrorEvent('error', {
    message: info.message, filename: info.filename, lineno: info.lineno, colno: info.colno,
    cancelable: true,
  });
  setIsTrusted(event, true);
  dispatch(worker, event);
  if (event.defaultPrevented) return;
  const where = state.name === '' ? 'in worker' : `in worker "${state.name}"`;
  const error = new NativeError(`${info.message} (${where})`);
  ObjectDefineProperty(error, 'stack', {
    value: `Error: ${info.message} (${where})\n${info.report}`,
    writable: true, enumerable: false, configurable: true,
  });
  reportException(error);
}

ObjectDefineProperty(globalThis, 'Worker', {
  value: Worker, writable: true, enumerable: false, configurable: true,
});

// ---- The worker's global scope ----

let closing = false;

// worker_link.cc calls it in a worker's runtime before its script runs.
function workerScopeStart(name) {
  ObjectDefineProperty(globalThis, 'name', {
    get() { return name; }, enumerable: true, configurable: true,
  });
  ObjectDefineProperty(globalThis, 'postMessage', {
    value: function postMessage(message, transferOrOptions = undefined) {
      const prefix = "Failed to execute 'postMessage' on 'DedicatedWorkerGlobalScope'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      const transfer = transferListOf(transferOrOptions, arguments.length, prefix);
      op_worker_scope_post(message, transfer, DOMException);
    },
    writable: true, enumerable: true, configurable: true,
  });
  ObjectDefineProperty(globalThis, 'close', {
    value: function close() {
      if (closing) return;
      closing = true;
      op_worker_scope_close();
      // The task that called close() finishes; then the worker ends.
      queueTask(() => op_worker_scope_end());
    },
    writable: true, enumerable: true, configurable: true,
  });
  defineEventHandler(globalThis, 'message');
  defineEventHandler(globalThis, 'messageerror');
  // Messages are dispatched once the worker's script has run (HTML enables the port's
  // message queue then): the runtime evaluates the script before this task runs.
  queueTask(scopePump);
}
internals.workerScopeStart = workerScopeStart;

function readFromParent(event) {
  return op_worker_scope_read_message(event, DOMException);
}

// The parent's messages, until close() or the parent's terminate(), dispatched as the
// Worker's are.
async function scopePump() {
  const handle = (event) => {
    if (!closing) deliverMessage(globalThis, event, readFromParent);
  };
  while (!closing && forEachEvent(await op_worker_scope_receive(), handle)) { /* next batch */ }
}
