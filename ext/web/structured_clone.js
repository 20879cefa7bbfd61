// structuredClone (ext:web/structured_clone.js): HTML's structured clone, done natively by
// one V8 ValueSerializer pass and one ValueDeserializer pass (web_clone_ops.cc).
// https://html.spec.whatwg.org/multipage/structured-data.html#dom-structuredclone
import { op_web_structured_clone } from 'ext:core/ops';
import * as webidl from 'ext:webidl/webidl.js';
import { DOMException } from './dom_exception.js';

const ObjectDefineProperty = Object.defineProperty;

const convertOptions = webidl.createDictionaryConverter('StructuredSerializeOptions', [
  {
    key: 'transfer',
    converter: webidl.createSequenceConverter(webidl.converters.object),
    defaultValue: () => [],
  },
]);

// any structuredClone(any value, optional StructuredSerializeOptions options = {})
function structuredClone(value, options = undefined) {
  const prefix = "Failed to execute 'structuredClone' on 'Window'";
  webidl.requiredArguments(arguments.length, 1, prefix);
  // No options: nothing to transfer, and no dictionary to convert.
  const transfer = options === undefined ? undefined :
      convertOptions(options, prefix, 'Argument 2').transfer;
  return op_web_structured_clone(value, transfer, DOMException);
}

ObjectDefineProperty(globalThis, 'structuredClone', {
  value: structuredClone, writable: true, enumerable: true, configurable: true,
});

export { structuredClone };
