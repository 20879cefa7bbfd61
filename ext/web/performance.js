// The Performance interface of High Resolution Time (ext:web/performance.js): the global
// `performance`, an EventTarget with now(), timeOrigin and toJSON(). The clock and the time
// origin are per runtime (web_state.h), never part of the snapshot. User Timing (mark,
// measure) and the performance timeline are user_timing.js's.
import { op_web_now, op_web_time_origin } from 'ext:core/ops';
import { newPlatformObject } from 'ext:webidl/platform_object.js';
import * as webidl from 'ext:webidl/webidl.js';
import { EventTarget, setUpEventTarget } from './events.js';

const ObjectDefineProperty = Object.defineProperty;

export class Performance extends EventTarget {
  constructor() {
    webidl.illegalConstructor();
  }

  now() {
    webidl.assertBranded(this, PerformancePrototype);
    return op_web_now();
  }

  get timeOrigin() {
    webidl.assertBranded(this, PerformancePrototype);
    return op_web_time_origin();
  }

  toJSON() {
    webidl.assertBranded(this, PerformancePrototype);
    return { timeOrigin: op_web_time_origin() };
  }

  [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
    if (!webidl.implementsInterface(this, PerformancePrototype)) return this;
    return `Performance ${inspect({ timeOrigin: op_web_time_origin() }, options)}`;
  }
}
webidl.configureInterface(Performance);
const PerformancePrototype = Performance.prototype;
ObjectDefineProperty(PerformancePrototype, Symbol.for('nodejs.util.inspect.custom'),
                     { enumerable: false });

export const performance = newPlatformObject(Performance);  // structuredClone refuses it
setUpEventTarget(performance);
