// The entry module of the web extension (ext:web/web.js): the web platform's globals.
// So far queueMicrotask and performance; the web platform issues grow it.
import { op_web_now, op_web_queue_microtask, op_web_time_origin } from 'ext:core/ops';

function defineGlobal(name, value) {
  Object.defineProperty(globalThis, name, {
    value, writable: true, enumerable: true, configurable: true,
  });
}

defineGlobal('queueMicrotask', function queueMicrotask(callback) {
  if (typeof callback !== 'function') {
    throw new TypeError('queueMicrotask: the callback must be a function, received ' +
                        (callback === null ? 'null' : typeof callback));
  }
  op_web_queue_microtask(callback);
});

const performance = {
  now() {
    return op_web_now();
  },
  get timeOrigin() {
    return op_web_time_origin();
  },
  toJSON() {
    return { timeOrigin: op_web_time_origin() };
  },
};
defineGlobal('performance', performance);
