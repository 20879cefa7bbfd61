// ext:encoding/text_coding.js: TextEncoder and TextDecoder of the WHATWG Encoding Standard
// (https://encoding.spec.whatwg.org/#api); lazy globals (see the entry module, encoding.js).
// The bytes are handled by the ops of encoding_ops.h; this module converts arguments,
// keeps each decoder's settings and, while a decoder streams, the id of its native state.
import {
  op_close,
  op_encoding_decode,
  op_encoding_decoder_decode,
  op_encoding_decoder_new,
  op_encoding_encode,
  op_encoding_encode_into,
  op_encoding_resolve,
} from 'ext:core/ops';
import {
  configureInterface,
  converters,
  createDictionaryConverter,
  requiredArguments,
} from 'ext:webidl/webidl.js';
import {
  PlatformObjectBase, exposeMembers, platformObjectAllocator,
} from 'ext:webidl/platform_object.js';

const { ArrayBuffer, DataView, FinalizationRegistry, Object, Reflect, Symbol, TypeError, Uint8Array } =
    globalThis;
const ReflectApply = Reflect.apply;
const ReflectConstruct = Reflect.construct;
const ArrayBufferIsView = ArrayBuffer.isView;
const getterOf = (prototype, key) => Object.getOwnPropertyDescriptor(prototype, key).get;
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const TypedArrayPrototypeGetByteLength = getterOf(TypedArrayPrototype, 'byteLength');
const TypedArrayPrototypeGetToStringTag = getterOf(TypedArrayPrototype, Symbol.toStringTag);
const DataViewPrototypeGetByteLength = getterOf(DataView.prototype, 'byteLength');
const ArrayBufferPrototypeGetByteLength = getterOf(ArrayBuffer.prototype, 'byteLength');
const customInspect = Symbol.for('nodejs.util.inspect.custom');

function illegalInvocation() {
  return new TypeError('Illegal invocation');
}

// TextEncoder and TextDecoder are platform objects structuredClone refuses
// (ext:webidl/platform_object.js): each interface object constructs its members class,
// whose objects keep their state in private fields.
class TextEncoderMembers extends PlatformObjectBase {
  // Brand: only objects made by this constructor have it.
  #encoder = true;

  constructor() {
    super(TextEncoderMembers, TextEncoder, allocateTextEncoder);
  }

  static #check(self) {
    if (self === null || typeof self !== 'object' || !(#encoder in self)) {
      throw illegalInvocation();
    }
  }

  get encoding() {
    TextEncoderMembers.#check(this);
    return 'utf-8';
  }

  encode(input = '') {
    TextEncoderMembers.#check(this);
    if (typeof input !== 'string') {
      input = converters.DOMString(input, "Failed to execute 'encode' on 'TextEncoder'",
                                   'Argument 1');
    }
    return op_encoding_encode(input);
  }

  encodeInto(source, destination) {
    TextEncoderMembers.#check(this);
    const prefix = "Failed to execute 'encodeInto' on 'TextEncoder'";
    requiredArguments(arguments.length, 2, prefix);
    if (typeof source !== 'string') source = converters.DOMString(source, prefix, 'Argument 1');
    // [AllowShared] Uint8Array: the op checks the type (a detached buffer has no room).
    return op_encoding_encode_into(source, destination);
  }

  [customInspect](depth, options, inspect) {
    TextEncoderMembers.#check(this);
    if (typeof depth === 'number' && depth < 0) return this;
    return inspect({ encoding: 'utf-8' }, options);
  }
}

const convertTextDecoderOptions = createDictionaryConverter('TextDecoderOptions', [
  { key: 'fatal', converter: converters.boolean, defaultValue: false },
  { key: 'ignoreBOM', converter: converters.boolean, defaultValue: false },
]);
const convertTextDecodeOptions = createDictionaryConverter('TextDecodeOptions', [
  { key: 'stream', converter: converters.boolean, defaultValue: false },
]);

// Closes the native state of a decoder collected in the middle of a stream. Made when the
// first stream starts, not when the module is evaluated (a snapshot holds the module).
let abandonedStreams = null;

function closeAbandonedStream(rid) {
  op_close(rid);
}

// Whether `input` is an ArrayBuffer or a view holding no bytes (undefined too: decode()'s
// default). False when unsure (a SharedArrayBuffer, a DataView of a detached buffer): the
// op then converts the input and tells.
function isEmptyInput(input) {
  if (input === undefined) return true;
  try {
    if (ArrayBufferIsView(input)) {
      const isTypedArray =
          ReflectApply(TypedArrayPrototypeGetToStringTag, input, []) !== undefined;
      return ReflectApply(isTypedArray ? TypedArrayPrototypeGetByteLength
                                       : DataViewPrototypeGetByteLength, input, []) === 0;
    }
    return ReflectApply(ArrayBufferPrototypeGetByteLength, input, []) === 0;
  } catch {
    return false;
  }
}

class TextDecoderMembers extends PlatformObjectBase {
  #encoding;   // the encoding's id (op_encoding_resolve)
  #name;       // its name
  #fatal;
  #ignoreBOM;
  #rid = 0;    // the streaming decoder while a stream is open, else 0

  constructor(label = 'utf-8', options = undefined) {
    const prefix = "Failed to construct 'TextDecoder'";
    label = converters.DOMString(label, prefix, 'Argument 1');
    const { fatal, ignoreBOM } = convertTextDecoderOptions(options, prefix, 'Argument 2');
    const encoding = op_encoding_resolve(label);
    super(TextDecoderMembers, TextDecoder, allocateTextDecoder);
    this.#encoding = encoding.id;
    this.#name = encoding.name;
    this.#fatal = fatal;
    this.#ignoreBOM = ignoreBOM;
  }

  static #check(self) {
    if (self === null || typeof self !== 'object' || !(#encoding in self)) {
      throw illegalInvocation();
    }
  }

  get encoding() {
    TextDecoderMembers.#check(this);
    return this.#name;
  }

  get fatal() {
    TextDecoderMembers.#check(this);
    return this.#fatal;
  }

  get ignoreBOM() {
    TextDecoderMembers.#check(this);
    return this.#ignoreBOM;
  }

  // decode(optional AllowSharedBufferSource input, optional TextDecodeOptions options):
  // the op checks the input's type (ArrayBuffer, SharedArrayBuffer or a view; a detached
  // buffer holds no bytes).
  decode(input = undefined, options = undefined) {
    TextDecoderMembers.#check(this);
    let stream = false;
    if (options !== undefined) {
      stream = convertTextDecodeOptions(options, "Failed to execute 'decode' on 'TextDecoder'",
                                        'Argument 2').stream;
    }
    if (this.#rid === 0) {
      if (!stream) {
        return op_encoding_decode(this.#encoding, this.#fatal, this.#ignoreBOM, input);
      }
      // No bytes leave a new decoder as it was: no native state is made for them (a
      // library probing `{ stream: true }` with an empty array at load time would otherwise
      // hold one for the life of the runtime).
      if (isEmptyInput(input)) return '';
      this.#rid = op_encoding_decoder_new(this.#encoding, this.#fatal, this.#ignoreBOM);
      if (abandonedStreams === null) {
        abandonedStreams = new FinalizationRegistry(closeAbandonedStream);
      }
      abandonedStreams.register(this, this.#rid, this);
    }
    const rid = this.#rid;
    if (!stream) {
      // The op ends the stream and closes its state, also when it throws.
      this.#rid = 0;
      abandonedStreams.unregister(this);
    }
    return op_encoding_decoder_decode(rid, input, stream);
  }

  [customInspect](depth, options, inspect) {
    TextDecoderMembers.#check(this);
    if (typeof depth === 'number' && depth < 0) return this;
    const fields = { encoding: this.#name, fatal: this.#fatal, ignoreBOM: this.#ignoreBOM };
    return `TextDecoder ${inspect(fields, options)}`;
  }
}

export class TextEncoder extends Object {
  constructor() {
    return ReflectConstruct(TextEncoderMembers, arguments, new.target);
  }
}
exposeMembers(TextEncoder, TextEncoderMembers);
const allocateTextEncoder = platformObjectAllocator(TextEncoder);

export class TextDecoder extends Object {
  constructor(label = 'utf-8', options = undefined) {
    return ReflectConstruct(TextDecoderMembers, arguments, new.target);
  }
}
exposeMembers(TextDecoder, TextDecoderMembers);
const allocateTextDecoder = platformObjectAllocator(TextDecoder);

configureInterface(TextEncoder);
configureInterface(TextDecoder);
// The inspect hooks are not part of the interfaces.
for (const Class of [TextEncoder, TextDecoder]) {
  Object.defineProperty(Class.prototype, customInspect, { enumerable: false });
}

