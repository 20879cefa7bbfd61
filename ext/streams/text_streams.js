// TextEncoderStream and TextDecoderStream (ext:streams/text_streams.js), after
// https://encoding.spec.whatwg.org/#interface-mixin-generictransformstream: a
// TransformStream around the encoding extension's TextEncoder / TextDecoder (their
// methods captured when this module is evaluated).
import * as webidl from 'ext:webidl/webidl.js';
import {
  PlatformObjectBase, exposeMembers, platformObjectAllocator,
} from 'ext:webidl/platform_object.js';
import { TextDecoder, TextEncoder } from 'ext:encoding/text_coding.js';
import { NativeTypeError, ReflectApply, inspectAs, inspectCustom } from './common.js';
import {
  createTransformStream, transformStreamDefaultControllerEnqueue,
} from './transform_stream.js';

const ReflectConstruct = Reflect.construct;

const TextEncoderPrototypeEncode = TextEncoder.prototype.encode;
const TextDecoderPrototypeDecode = TextDecoder.prototype.decode;
const TextDecoderPrototypeGetEncoding =
    Object.getOwnPropertyDescriptor(TextDecoder.prototype, 'encoding').get;
const TextDecoderPrototypeGetFatal =
    Object.getOwnPropertyDescriptor(TextDecoder.prototype, 'fatal').get;
const TextDecoderPrototypeGetIgnoreBOM =
    Object.getOwnPropertyDescriptor(TextDecoder.prototype, 'ignoreBOM').get;
const StringPrototypeCharCodeAt = String.prototype.charCodeAt;
const StringPrototypeSlice = String.prototype.slice;
const streamOptions = Object.freeze({ __proto__: null, stream: true });

function illegalInvocation() {
  return new NativeTypeError('Illegal invocation');
}

let encoderStreamState;

class TextEncoderStreamMembers extends PlatformObjectBase {
  // { encoder, pendingHighSurrogate, transform } of this stream.
  #state;

  constructor() {
    super(TextEncoderStreamMembers, TextEncoderStream, allocateTextEncoderStream);
    const state = {
      encoder: new TextEncoder(),
      pendingHighSurrogate: '',
      transform: undefined,
    };
    state.transform = createTransformStream((chunk, controller) => {
      // "Encode and enqueue a chunk": a high surrogate ending a chunk waits for the next.
      let string = webidl.converters.DOMString(
          chunk, "Failed to execute 'write' on 'TextEncoderStream'", 'The chunk');
      if (state.pendingHighSurrogate !== '') {
        string = state.pendingHighSurrogate + string;
        state.pendingHighSurrogate = '';
      }
      const last = string.length - 1;
      if (last >= 0) {
        const unit = ReflectApply(StringPrototypeCharCodeAt, string, [last]);
        if (unit >= 0xd800 && unit <= 0xdbff) {
          state.pendingHighSurrogate = ReflectApply(StringPrototypeSlice, string, [last]);
          string = ReflectApply(StringPrototypeSlice, string, [0, last]);
        }
      }
      if (string === '') return;
      transformStreamDefaultControllerEnqueue(
          controller, ReflectApply(TextEncoderPrototypeEncode, state.encoder, [string]));
    }, (controller) => {
      // "Encode and flush": a lone high surrogate at the end is U+FFFD.
      if (state.pendingHighSurrogate !== '') {
        transformStreamDefaultControllerEnqueue(controller, new Uint8Array([0xef, 0xbf, 0xbd]));
      }
    });
    this.#state = state;
  }

  get encoding() {
    if (encoderStreamState(this) === undefined) throw illegalInvocation();
    return 'utf-8';
  }

  get readable() {
    const state = encoderStreamState(this);
    if (state === undefined) throw illegalInvocation();
    return state.transform.readable.pub;
  }

  get writable() {
    const state = encoderStreamState(this);
    if (state === undefined) throw illegalInvocation();
    return state.transform.writable.pub;
  }

  [inspectCustom](depth, options, inspect) {
    const state = encoderStreamState(this);
    if (state === undefined) return this;
    return inspectAs('TextEncoderStream', {
      encoding: 'utf-8',
      readable: state.transform.readable.pub,
      writable: state.transform.writable.pub,
    }, depth, options, inspect);
  }

  static {
    encoderStreamState = (value) => (value !== null && typeof value === 'object' &&
                                     #state in value ? value.#state : undefined);
  }
}

// The interface object of the members class above (ext:web/interface_object.js,
// "Interfaces whose members keep private fields"): its objects are platform
// objects, which structuredClone refuses.
export class TextEncoderStream extends Object {
  constructor() {
    return ReflectConstruct(TextEncoderStreamMembers, arguments, new.target);
  }
}
exposeMembers(TextEncoderStream, TextEncoderStreamMembers);
const allocateTextEncoderStream = platformObjectAllocator(TextEncoderStream);
webidl.configureInterface(TextEncoderStream);

let decoderStreamState;

// Ends a decoder's stream whose output nobody reads (the stream was canceled, aborted or
// errored): a decoder in the middle of a stream holds native state until it is flushed.
function endDecoding(decoder) {
  try {
    ReflectApply(TextDecoderPrototypeDecode, decoder, []);
  } catch {
    // A fatal decoder with an incomplete sequence left: the state is closed all the same.
  }
}

class TextDecoderStreamMembers extends PlatformObjectBase {
  // { decoder, transform } of this stream.
  #state;

  constructor(label = 'utf-8', options = undefined) {
    super(TextDecoderStreamMembers, TextDecoderStream, allocateTextDecoderStream);
    // TextDecoder's constructor converts the arguments and rejects an unknown label, with
    // its own messages; only the interface's name differs.
    let decoder;
    try {
      decoder = new TextDecoder(label, options);
    } catch (error) {
      if (error instanceof NativeTypeError || error instanceof RangeError) {
        error.message = error.message.replace("'TextDecoder'", "'TextDecoderStream'");
      }
      throw error;
    }
    const state = { decoder, transform: undefined };
    state.transform = createTransformStream((chunk, controller) => {
      // "Decode and enqueue a chunk": decode() converts the chunk to an
      // AllowSharedBufferSource (a TypeError for anything else).
      let output;
      try {
        if (chunk === undefined) {
          throw new NativeTypeError("Failed to execute 'write' on 'TextDecoderStream': the chunk is not an ArrayBuffer or ArrayBufferView");
        }
        output = ReflectApply(TextDecoderPrototypeDecode, decoder, [chunk, streamOptions]);
      } catch (error) {
        // The error errors the stream: nothing flushes the decoder after it.
        endDecoding(decoder);
        throw error;
      }
      if (output !== '') transformStreamDefaultControllerEnqueue(controller, output);
    }, (controller) => {
      // "Flush and enqueue".
      const output = ReflectApply(TextDecoderPrototypeDecode, decoder, []);
      if (output !== '') transformStreamDefaultControllerEnqueue(controller, output);
    }, 1, 0, () => endDecoding(decoder));
    this.#state = state;
  }

  get encoding() {
    const state = decoderStreamState(this);
    if (state === undefined) throw illegalInvocation();
    return ReflectApply(TextDecoderPrototypeGetEncoding, state.decoder, []);
  }

  get fatal() {
    const state = decoderStreamState(this);
    if (state === undefined) throw illegalInvocation();
    return ReflectApply(TextDecoderPrototypeGetFatal, state.decoder, []);
  }

  get ignoreBOM() {
    const state = decoderStreamState(this);
    if (state === undefined) throw illegalInvocation();
    return ReflectApply(TextDecoderPrototypeGetIgnoreBOM, state.decoder, []);
  }

  get readable() {
    const state = decoderStreamState(this);
    if (state === undefined) throw illegalInvocation();
    return state.transform.readable.pub;
  }

  get writable() {
    const state = decoderStreamState(this);
    if (state === undefined) throw illegalInvocation();
    return state.transform.writable.pub;
  }

  [inspectCustom](depth, options, inspect) {
    const state = decoderStreamState(this);
    if (state === undefined) return this;
    return inspectAs('TextDecoderStream', {
      encoding: ReflectApply(TextDecoderPrototypeGetEncoding, state.decoder, []),
      fatal: ReflectApply(TextDecoderPrototypeGetFatal, state.decoder, []),
      ignoreBOM: ReflectApply(TextDecoderPrototypeGetIgnoreBOM, state.decoder, []),
      readable: state.transform.readable.pub,
      writable: state.transform.writable.pub,
    }, depth, options, inspect);
  }

  static {
    decoderStreamState = (value) => (value !== null && typeof value === 'object' &&
                                     #state in value ? value.#state : undefined);
  }
}

// The interface object of the members class above (ext:web/interface_object.js,
// "Interfaces whose members keep private fields"): its objects are platform
// objects, which structuredClone refuses.
export class TextDecoderStream extends Object {
  constructor(label = 'utf-8', options = undefined) {
    return ReflectConstruct(TextDecoderStreamMembers, arguments, new.target);
  }
}
exposeMembers(TextDecoderStream, TextDecoderStreamMembers);
const allocateTextDecoderStream = platformObjectAllocator(TextDecoderStream);
webidl.configureInterface(TextDecoderStream);
