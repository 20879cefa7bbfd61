// Blob and File of the W3C File API (ext:file/blob.js): https://w3c.github.io/FileAPI/
//
// A Blob is an immutable list of byte slices: Uint8Arrays over ArrayBuffers that nothing
// else can reach, so no one can change them. Their memory is native: op_blob_concatenate
// makes one uninitialized allocation and copies each part into it once. Constructing a
// Blob copies the bytes of strings and buffer sources once (adjacent ones into one
// buffer); a Blob part and slice() share the slices of the Blob they come from. Reading
// (arrayBuffer(), bytes(), text()) copies each slice once into the result; stream() reads
// them through a native resource (op_blob_stream_open) straight into the reader's buffer.
import { op_blob_concatenate, op_blob_stream_open } from 'ext:core/ops';
import * as webidl from 'ext:webidl/webidl.js';
import { createInterface, ReturnOverride } from 'ext:web/interface_object.js';
import { TextDecoder, TextEncoder } from 'ext:encoding/text_coding.js';
import { registerSerializableInterface } from 'ext:web/structured_clone.js';
import { readableStreamForRid } from 'ext:streams/resource_streams.js';

const {
  ArrayBuffer, Date, Error, Math, Object, Promise, Reflect, RegExp, String, Symbol,
  TypeError, Uint8Array,
} = globalThis;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ObjectDefineProperty = Object.defineProperty;
const ReflectApply = Reflect.apply;
const PromiseResolve = (value) => Promise.resolve(value);
const PromiseReject = (error) => Promise.reject(error);
const DateNow = Date.now;
const MathMax = Math.max;
const MathMin = Math.min;
const ArrayBufferIsView = ArrayBuffer.isView;
const ArrayBufferByteLength = ObjectGetOwnPropertyDescriptor(ArrayBuffer.prototype,
                                                             'byteLength').get;
const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
const TypedArrayBuffer = ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, 'buffer').get;
const TypedArrayByteOffset =
    ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, 'byteOffset').get;
const TypedArrayByteLength =
    ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, 'byteLength').get;
const Uint8ArraySet = TypedArrayPrototype.set;
const TypedArrayToStringTag =
    ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, Symbol.toStringTag).get;
const DataViewBuffer = ObjectGetOwnPropertyDescriptor(DataView.prototype, 'buffer').get;
const DataViewByteOffset = ObjectGetOwnPropertyDescriptor(DataView.prototype, 'byteOffset').get;
const DataViewByteLength = ObjectGetOwnPropertyDescriptor(DataView.prototype, 'byteLength').get;
const Uint8ArraySubarray = TypedArrayPrototype.subarray;
const RegExpPrototypeTest = RegExp.prototype.test;
const RegExpPrototypeSymbolReplace = RegExp.prototype[Symbol.replace];
const StringPrototypeToLowerCase = String.prototype.toLowerCase;
const customInspect = Symbol.for('nodejs.util.inspect.custom');

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const encode = (string) => encoder.encode(string);
const decode = (bytes) => decoder.decode(bytes);

function illegalInvocation() {
  return new TypeError('Illegal invocation');
}

// ---- Byte slices ----

// A new Uint8Array (over a new ArrayBuffer of exactly `size` bytes) with the bytes of
// `slices` (Uint8Arrays) one after the other, each copied once. From NATIVE_COPY_MIN bytes
// on, the memory is one uninitialized native allocation (op_blob_concatenate); below it,
// zero-filling costs nothing measurable and an op call costs more than a copy in
// JavaScript.
const NATIVE_COPY_MIN = 64 * 1024;

function concatenate(slices, size) {
  if (size >= NATIVE_COPY_MIN) return op_blob_concatenate(slices);
  const result = new Uint8Array(size);
  let offset = 0;
  for (let i = 0; i < slices.length; i++) {
    const slice = slices[i];
    ReflectApply(Uint8ArraySet, result, [slice, offset]);
    offset += byteLength(slice);
  }
  return result;
}

function byteLength(bytes) {
  return ReflectApply(TypedArrayByteLength, bytes, []);
}

function subarray(bytes, start, end) {
  return ReflectApply(Uint8ArraySubarray, bytes, [start, end]);
}

// A Uint8Array over the bytes a buffer source holds now (a detached one holds none).
function viewOfBufferSource(source) {
  if (ArrayBufferIsView(source)) {
    const buffer = viewBuffer(source);
    if (webidl.isDetachedBuffer(buffer)) return new Uint8Array(0);
    if (ReflectApply(TypedArrayToStringTag, source, []) !== undefined) {
      return new Uint8Array(buffer, ReflectApply(TypedArrayByteOffset, source, []),
                            ReflectApply(TypedArrayByteLength, source, []));
    }
    return new Uint8Array(buffer, ReflectApply(DataViewByteOffset, source, []),
                          ReflectApply(DataViewByteLength, source, []));
  }
  if (webidl.isDetachedBuffer(source)) return new Uint8Array(0);
  return new Uint8Array(source);
}

// The buffer of a typed array or DataView.
function viewBuffer(view) {
  return ReflectApply(TypedArrayToStringTag, view, []) !== undefined ?
      ReflectApply(TypedArrayBuffer, view, []) : ReflectApply(DataViewBuffer, view, []);
}

// ---- Conversions ----

const kInternal = Symbol('Blob internal construction');

// Line endings of strings with `endings: 'native'`: \r\n and lone \r become \n (Linux).
const LINE_ENDING = /\r\n?/g;

function convertLineEndingsToNative(string) {
  return ReflectApply(RegExpPrototypeSymbolReplace, LINE_ENDING, [string, '\n']);
}

// Blob's `type` and slice's contentType: '' if any character is outside U+0020-U+007E,
// else ASCII-lowercased.
const NOT_PRINTABLE_ASCII = /[^\x20-\x7E]/;

export function normalizeType(type) {
  if (ReflectApply(RegExpPrototypeTest, NOT_PRINTABLE_ASCII, [type])) return '';
  return ReflectApply(StringPrototypeToLowerCase, type, []);
}

// The union (BufferSource or Blob or USVString), as WebIDL converts it: a Blob, a buffer
// source (kept as the object; its bytes are read when the parts are processed), or a
// string.
function convertBlobPart(value, prefix, context) {
  if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
    if (isBlob(value)) return value;
    // Buffer sources without [AllowShared]: a view on a SharedArrayBuffer is an error (a
    // SharedArrayBuffer itself matches no member but the string). A detached buffer is
    // fine: it holds no bytes.
    if (ArrayBufferIsView(value)) {
      if (!isArrayBuffer(viewBuffer(value))) {
        throw webidl.makeException(
            TypeError, 'is a view on a SharedArrayBuffer, which is not allowed.', prefix,
            context);
      }
      return value;
    }
    if (isArrayBuffer(value)) return value;
  }
  return webidl.converters.USVString(value, prefix, context);
}

function isArrayBuffer(value) {
  try {
    ReflectApply(ArrayBufferByteLength, value, []);
    return true;
  } catch {
    return false;
  }
}

const convertBlobParts = webidl.createSequenceConverter(convertBlobPart);

const convertEndings = webidl.createEnumConverter('EndingType', ['transparent', 'native']);

const blobPropertyBagMembers = [
  { key: 'type', converter: webidl.converters.DOMString, defaultValue: '' },
  { key: 'endings', converter: convertEndings, defaultValue: 'transparent' },
];
const convertBlobPropertyBag =
    webidl.createDictionaryConverter('BlobPropertyBag', blobPropertyBagMembers);
const convertFilePropertyBag = webidl.createDictionaryConverter(
    'FilePropertyBag', blobPropertyBagMembers,
    [{ key: 'lastModified', converter: webidl.converters['long long'] }]);

// The sequence argument of Blob's and File's constructors: undefined, or an object
// (WebIDL: a sequence must be an iterable object).
function convertPartsArgument(parts, prefix) {
  if (parts === undefined) return [];
  return convertBlobParts(parts, prefix, 'Argument 1');
}

// The File API's "process blob parts": the slices of the converted parts, with the bytes
// of strings and buffer sources copied (each run of them into one buffer) and the slices
// of Blobs shared. Returns { slices, size }.
function processBlobParts(parts, endings) {
  const slices = [];
  let size = 0;
  let run = [];        // copies to make of the current run of strings and buffer sources
  let runSize = 0;
  let runOwned = false;  // whether a one-element run is a fresh array no one else holds
  const flush = () => {
    if (runSize === 0) {
      run = [];
      return;
    }
    if (run.length === 1 && runOwned) {
      slices[slices.length] = run[0];
    } else {
      slices[slices.length] = concatenate(run, runSize);
    }
    size += runSize;
    run = [];
    runSize = 0;
  };
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (typeof part === 'string') {
      const bytes = encode(endings === 'native' ? convertLineEndingsToNative(part) : part);
      const length = byteLength(bytes);
      if (length === 0) continue;
      run[run.length] = bytes;
      runSize += length;
      runOwned = true;
    } else if (isBlob(part)) {
      flush();
      const blobSlices = slicesOf(part);
      for (let j = 0; j < blobSlices.length; j++) slices[slices.length] = blobSlices[j];
      size += sizeOf(part);
    } else {
      // A Uint8Array is copied from as it is (its length is 0 once detached); other
      // buffer sources through a Uint8Array over their bytes.
      const bytes = ReflectApply(TypedArrayToStringTag, part, []) === 'Uint8Array' ?
          part : viewOfBufferSource(part);
      const length = byteLength(bytes);
      if (length === 0) continue;
      run[run.length] = bytes;
      runSize += length;
      runOwned = false;
    }
  }
  flush();
  return { slices, size };
}

// ---- Blob ----

// Set by BlobMembers's static block: the brand check and readers of the private state.
let isBlob;
let slicesOf;
let sizeOf;
let typeOf;

function checkBlob(self) {
  if (!isBlob(self)) throw illegalInvocation();
}

// Blobs and Files are host objects (ext:web/interface_object.js): the only objects V8's
// serializer hands to structuredClone's delegate. `new Blob(...)` makes one for
// new.target and runs initializeBlob on it, which adds the private fields below. The
// methods and accessors are copied onto Blob.prototype.
class BlobMembers extends ReturnOverride {
  #slices;  // Uint8Arrays no one else can change
  #size;
  #type;

  constructor(object, slices, size, type) {
    super(object);
    this.#slices = slices;
    this.#size = size;
    this.#type = type;
  }

  static {
    isBlob = (value) => value !== null && typeof value === 'object' && #slices in value;
    slicesOf = (blob) => blob.#slices;
    sizeOf = (blob) => blob.#size;
    typeOf = (blob) => blob.#type;
  }

  get size() {
    checkBlob(this);
    return sizeOf(this);
  }

  get type() {
    checkBlob(this);
    return typeOf(this);
  }

  // Blob slice(optional [Clamp] long long start, optional [Clamp] long long end,
  //            optional DOMString contentType)
  slice(start = undefined, end = undefined, contentType = undefined) {
    checkBlob(this);
    const prefix = "Failed to execute 'slice' on 'Blob'";
    const size = sizeOf(this);
    let relativeStart = 0;
    let relativeEnd = size;
    if (start !== undefined) {
      start = webidl.converters['long long'](start, prefix, 'Argument 1', { clamp: true });
      relativeStart = start < 0 ? MathMax(size + start, 0) : MathMin(start, size);
    }
    if (end !== undefined) {
      end = webidl.converters['long long'](end, prefix, 'Argument 2', { clamp: true });
      relativeEnd = end < 0 ? MathMax(size + end, 0) : MathMin(end, size);
    }
    let type = '';
    if (contentType !== undefined) {
      type = normalizeType(webidl.converters.DOMString(contentType, prefix, 'Argument 3'));
    }
    const span = MathMax(relativeEnd - relativeStart, 0);
    return createBlob(sliceSlices(slicesOf(this), relativeStart, span), span, type);
  }

  // Promise<ArrayBuffer> arrayBuffer()
  arrayBuffer() {
    try {
      checkBlob(this);
      return PromiseResolve(ReflectApply(TypedArrayBuffer, blobBytes(this), []));
    } catch (error) {
      return PromiseReject(error);
    }
  }

  // Promise<Uint8Array> bytes()
  bytes() {
    try {
      checkBlob(this);
      return PromiseResolve(blobBytes(this));
    } catch (error) {
      return PromiseReject(error);
    }
  }

  // Promise<USVString> text(): the bytes, UTF-8 decoded (a BOM dropped).
  text() {
    try {
      checkBlob(this);
      return PromiseResolve(blobText(this));
    } catch (error) {
      return PromiseReject(error);
    }
  }

  // ReadableStream stream(): a byte stream of the bytes, in chunks of at most 64 KiB (or
  // the size of a BYOB reader's view).
  stream() {
    checkBlob(this);
    return blobStream(this);
  }

  // Node's console form: Blob { size: 3, type: '' }.
  [customInspect](depth, options, inspect) {
    if (typeof depth === 'number' && depth < 0) return options.stylize('[Blob]', 'special');
    const inner = { ...options, depth: options.depth == null ? null : options.depth - 1 };
    return `Blob ${inspect({ size: this.size, type: this.type }, inner)}`;
  }
}

// The constructor steps of `new Blob(blobParts, options)`, on the new object (`this`).
// Blob(optional sequence<BlobPart> blobParts, optional BlobPropertyBag options = {})
function initializeBlob(blobParts = undefined, options = undefined) {
  if (blobParts === kInternal) {
    // From the module's factories: options = { slices, size, type }.
    new BlobMembers(this, options.slices, options.size, options.type);
    return;
  }
  const prefix = "Failed to construct 'Blob'";
  const parts = convertPartsArgument(blobParts, prefix);
  const bag = convertBlobPropertyBag(options, prefix, 'Argument 2');
  const { slices, size } = processBlobParts(parts, bag.endings);
  new BlobMembers(this, slices, size, normalizeType(bag.type));
}

export const Blob = createInterface('Blob', 0, initializeBlob, BlobMembers);

// The slices of `span` bytes from `start` in `slices`, sharing their memory.
function sliceSlices(slices, start, span) {
  const result = [];
  if (span === 0) return result;
  let position = 0;
  let remaining = span;
  for (let i = 0; i < slices.length && remaining > 0; i++) {
    const slice = slices[i];
    const length = byteLength(slice);
    if (position + length <= start) {
      position += length;
      continue;
    }
    const from = start > position ? start - position : 0;
    const to = MathMin(length, from + remaining);
    result[result.length] = from === 0 && to === length ? slice : subarray(slice, from, to);
    remaining -= to - from;
    position += length;
  }
  return result;
}

// ---- Streams ----

const STREAM_CHUNK_SIZE = 64 * 1024;

// The File API's "get stream": a ReadableStream of type 'bytes' (highWaterMark 0, so
// nothing is copied before a read asks) over a native resource holding the Blob's slices
// (shared, not copied). A default reader gets new Uint8Arrays of up to 64 KiB; a BYOB
// reader's view is filled directly by one memcpy per slice it spans. The stream closes
// when a read finds no bytes left; the resource is closed then, on cancel(), or when the
// stream is collected unread (resource_streams.js).
export function blobStream(blob) {
  const rid = op_blob_stream_open(slicesOf(blob));
  return readableStreamForRid(rid, {
    autoClose: true, chunkSize: STREAM_CHUNK_SIZE, length: sizeOf(blob),
  });
}

// ---- File ----

// Set by FileMembers's static block: the brand check and readers of its private state.
let isFile;
let nameOf;
let lastModifiedOf;

function checkFile(self) {
  if (!isFile(self)) throw illegalInvocation();
}

// File inherits Blob: its members class extends Blob's, so initializeFile's one
// `new FileMembers(this, ...)` adds Blob's private fields and File's.
class FileMembers extends BlobMembers {
  #name;
  #lastModified;

  constructor(object, { slices, size, type, name, lastModified }) {
    super(object, slices, size, type);
    this.#name = name;
    this.#lastModified = lastModified;
  }

  static {
    isFile = (value) => value !== null && typeof value === 'object' && #name in value;
    nameOf = (file) => file.#name;
    lastModifiedOf = (file) => file.#lastModified;
  }

  get name() {
    checkFile(this);
    return nameOf(this);
  }

  get lastModified() {
    checkFile(this);
    return lastModifiedOf(this);
  }

  get webkitRelativePath() {
    checkFile(this);
    return '';
  }

  // Node's console form: File { size: 3, type: '', name: 'a.txt', lastModified: 1 }.
  [customInspect](depth, options, inspect) {
    if (typeof depth === 'number' && depth < 0) return options.stylize('[File]', 'special');
    const inner = { ...options, depth: options.depth == null ? null : options.depth - 1 };
    const fields = {
      size: this.size, type: this.type, name: nameOf(this),
      lastModified: lastModifiedOf(this),
    };
    return `File ${inspect(fields, inner)}`;
  }
}

// The constructor steps of `new File(fileBits, fileName, options)`, on the new object.
// File(sequence<BlobPart> fileBits, USVString fileName,
//      optional FilePropertyBag options = {})
function initializeFile(fileBits, fileName, options = undefined) {
  if (fileBits === kInternal) {
    // From createFile: fileName = { slices, size, type, name, lastModified }.
    new FileMembers(this, fileName);
    return;
  }
  const prefix = "Failed to construct 'File'";
  webidl.requiredArguments(arguments.length, 2, prefix);
  const parts = convertBlobParts(fileBits, prefix, 'Argument 1');
  const name = webidl.converters.USVString(fileName, prefix, 'Argument 2');
  const bag = convertFilePropertyBag(options, prefix, 'Argument 3');
  const { slices, size } = processBlobParts(parts, bag.endings);
  new FileMembers(this, {
    slices, size, type: normalizeType(bag.type), name,
    lastModified: bag.lastModified === undefined ? DateNow() : bag.lastModified,
  });
}

export const File = createInterface('File', 2, initializeFile, FileMembers, Blob);

for (const Interface of [Blob, File]) {
  webidl.configureInterface(Interface);
  ObjectDefineProperty(Interface.prototype, customInspect, { enumerable: false });
}

// [Serializable]: a clone shares the bytes (they never change) and keeps type, name and
// lastModified.
registerSerializableInterface(isBlob, (blob) => isFile(blob) ?
    createFile(blob, nameOf(blob), typeOf(blob), lastModifiedOf(blob)) :
    createBlob(slicesOf(blob), sizeOf(blob), typeOf(blob)));

// ---- For other modules and extensions ----

export { isBlob, isFile, nameOf as fileName, lastModifiedOf as fileLastModified };

// A Blob of `slices` (Uint8Arrays that no one will change; the Blob keeps them, no copy)
// with `size` bytes in all and a normalized `type`.
export function createBlob(slices, size, type) {
  return new Blob(kInternal, { slices, size, type });
}

// A Blob whose bytes are `bytes` (a Uint8Array handed over: the caller must not change
// it afterwards).
export function createBlobFromBytes(bytes, type = '') {
  const size = byteLength(bytes);
  return createBlob(size === 0 ? [] : [bytes], size, normalizeType(type));
}

// A Blob of `parts`, each a Blob (shared) or a Uint8Array (handed over, no copy).
export function concatenateBlobParts(parts, type = '') {
  const slices = [];
  let size = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (isBlob(part)) {
      const blobSlices = slicesOf(part);
      for (let j = 0; j < blobSlices.length; j++) slices[slices.length] = blobSlices[j];
      size += sizeOf(part);
    } else {
      const length = byteLength(part);
      if (length === 0) continue;
      slices[slices.length] = part;
      size += length;
    }
  }
  return createBlob(slices, size, normalizeType(type));
}

// A File with the bytes of `blob` (shared), named `name`, of type `type`, last modified
// at `lastModified` (now when undefined).
export function createFile(blob, name, type = typeOf(blob), lastModified = undefined) {
  return new File(kInternal, {
    slices: slicesOf(blob), size: sizeOf(blob), type, name,
    lastModified: lastModified === undefined ? DateNow() : lastModified,
  });
}

// The slices of a Blob (read-only: callers must not write to them) and its size.
export function blobSlices(blob) {
  return slicesOf(blob);
}

export function blobType(blob) {
  return typeOf(blob);
}

export function blobSize(blob) {
  return sizeOf(blob);
}

// A new Uint8Array (over a new ArrayBuffer of exactly its length) with the Blob's bytes:
// each slice copied once.
export function blobBytes(blob) {
  return concatenate(slicesOf(blob), sizeOf(blob));
}

// The Blob's bytes UTF-8 decoded, a BOM dropped; one slice is decoded in place.
export function blobText(blob) {
  const slices = slicesOf(blob);
  if (slices.length === 0) return '';
  if (slices.length === 1) return decode(slices[0]);
  return decode(concatenate(slices, sizeOf(blob)));
}
