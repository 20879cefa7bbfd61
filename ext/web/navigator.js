// navigator (ext:web/navigator.js): the Navigator interface's NavigatorID,
// NavigatorLanguage and NavigatorConcurrentHardware members.
// https://html.spec.whatwg.org/multipage/system-state.html#the-navigator-object
import { op_web_hardware_concurrency } from 'ext:core/ops';
import * as webidl from 'ext:webidl/webidl.js';

const ObjectDefineProperty = Object.defineProperty;
const ObjectFreeze = Object.freeze;

// The build's version: the same for every runtime of this binary.
const userAgent = `kiln/${globalThis.kiln.version.kiln}`;
const languages = ObjectFreeze(['en-US']);

class Navigator {
  constructor() {
    webidl.illegalConstructor();
  }

  get userAgent() {
    webidl.assertBranded(this, NavigatorPrototype);
    return userAgent;
  }

  // Asked of the operating system on every read (a snapshot never carries the CPU count
  // of the machine that built it).
  get hardwareConcurrency() {
    webidl.assertBranded(this, NavigatorPrototype);
    return op_web_hardware_concurrency();
  }

  get language() {
    webidl.assertBranded(this, NavigatorPrototype);
    return 'en-US';
  }

  get languages() {
    webidl.assertBranded(this, NavigatorPrototype);
    return languages;
  }
}
const NavigatorPrototype = Navigator.prototype;
webidl.configureInterface(Navigator);

// A platform object (structuredClone refuses it) with a non-enumerable brand, so console
// output prints `Navigator {}` as Node does.
const navigator = webidl.createBranded(Navigator);

ObjectDefineProperty(globalThis, 'Navigator', {
  value: Navigator, writable: true, enumerable: false, configurable: true,
});
ObjectDefineProperty(globalThis, 'navigator', {
  value: navigator, writable: true, enumerable: true, configurable: true,
});

export { Navigator, navigator };
