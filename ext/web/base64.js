// atob and btoa (ext:web/base64.js): HTML's forgiving-base64 functions on binary strings
// (one code unit per byte), decoded and encoded natively with simdutf (web_clone_ops.cc).
// https://html.spec.whatwg.org/multipage/webappapis.html#atob
import { op_web_atob, op_web_btoa } from 'ext:core/ops';
import * as webidl from 'ext:webidl/webidl.js';
import { DOMException } from './dom_exception.js';

const ObjectDefineProperty = Object.defineProperty;

// DOMString btoa(DOMString data): base64 of a string whose code units are all <= U+00FF.
function btoa(data) {
  const prefix = "Failed to execute 'btoa' on 'Window'";
  webidl.requiredArguments(arguments.length, 1, prefix);
  data = webidl.converters.DOMString(data, prefix, 'Argument 1');
  const encoded = op_web_btoa(data);
  if (encoded === null) {
    throw new DOMException(
        `${prefix}: The string to be encoded contains characters outside of the Latin1 range.`,
        'InvalidCharacterError');
  }
  return encoded;
}

// ByteString atob(DOMString data): forgiving-base64 decode (ASCII whitespace ignored,
// padding optional but never wrong), each byte as one code unit.
function atob(data) {
  const prefix = "Failed to execute 'atob' on 'Window'";
  webidl.requiredArguments(arguments.length, 1, prefix);
  data = webidl.converters.DOMString(data, prefix, 'Argument 1');
  const decoded = op_web_atob(data);
  if (decoded === null) {
    throw new DOMException(`${prefix}: The string to be decoded is not correctly encoded.`,
                           'InvalidCharacterError');
  }
  return decoded;
}

for (const [name, value] of [['atob', atob], ['btoa', btoa]]) {
  ObjectDefineProperty(globalThis, name, {
    value, writable: true, enumerable: true, configurable: true,
  });
}

export { atob, btoa };
