// FileReader of the W3C File API and the ProgressEvent it fires (XHR Standard)
// (ext:file/file_reader.js): https://w3c.github.io/FileAPI/#APIASynch
//
// A Blob's bytes are in memory, so a read delivers them in one chunk: after the read is
// started, one task fires loadstart, progress, then load (or error) and loadend.
import * as webidl from 'ext:webidl/webidl.js';
import { DOMException } from 'ext:web/dom_exception.js';
import { defineEventHandler, dispatch, Event, EventTarget } from 'ext:web/events.js';
import { TextDecoder } from 'ext:encoding/text_coding.js';
import { blobBytes, blobSize, isBlob } from './blob.js';
import { parseMimeType } from './multipart.js';

const { Map, Object, Reflect, String, Symbol, TypeError, setTimeout } = globalThis;
const ReflectApply = Reflect.apply;
const MapPrototypeGet = Map.prototype.get;
const StringFromCharCode = String.fromCharCode;
const TypedArraySubarray = Object.getPrototypeOf(Uint8Array.prototype).subarray;

// ---- ProgressEvent ----

const convertProgressEventInit = webidl.createDictionaryConverter('ProgressEventInit', [
  { key: 'lengthComputable', converter: webidl.converters.boolean, defaultValue: false },
  { key: 'loaded', converter: webidl.converters['unsigned long long'], defaultValue: 0 },
  { key: 'total', converter: webidl.converters['unsigned long long'], defaultValue: 0 },
]);
const _progress = Symbol('[[progress]]');

export class ProgressEvent extends Event {
  // ProgressEvent(DOMString type, optional ProgressEventInit eventInitDict = {})
  constructor(type, eventInitDict = undefined) {
    const prefix = "Failed to construct 'ProgressEvent'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    super(type, eventInitDict);
    this[_progress] = convertProgressEventInit(eventInitDict, prefix, 'Argument 2');
  }

  get lengthComputable() {
    webidl.assertBranded(this, ProgressEvent.prototype);
    return this[_progress].lengthComputable;
  }

  get loaded() {
    webidl.assertBranded(this, ProgressEvent.prototype);
    return this[_progress].loaded;
  }

  get total() {
    webidl.assertBranded(this, ProgressEvent.prototype);
    return this[_progress].total;
  }
}
webidl.configureInterface(ProgressEvent);

// ---- FileReader ----

const EMPTY = 0;
const LOADING = 1;
const DONE = 2;

const _state = Symbol('[[fileReader]]');

function checkReader(self) {
  webidl.assertBranded(self, FileReader.prototype);
  return self[_state];
}

function fireProgress(reader, type, loaded, total) {
  dispatch(reader, new ProgressEvent(type, { lengthComputable: true, loaded, total }));
}

// Bytes as a string of the same code units (readAsBinaryString).
function binaryString(bytes) {
  let string = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const end = i + 8192 < bytes.length ? i + 8192 : bytes.length;
    string += ReflectApply(StringFromCharCode, null,
                           ReflectApply(TypedArraySubarray, bytes, [i, end]));
  }
  return string;
}

// The File API's "package data" for readAsText: the encoding from the BOM, else the
// `encoding` label (when it names an encoding), else the Blob type's charset, else UTF-8.
function decodeText(bytes, label, type) {
  const fromBOM = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 'utf-8' :
      bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' :
      bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : null;
  let chosen = null;
  if (label !== undefined) chosen = tryDecoder(label);
  if (chosen === null && type !== '') {
    const mimeType = parseMimeType(type);
    const charset = mimeType === null ? undefined :
        ReflectApply(MapPrototypeGet, mimeType.parameters, ['charset']);
    if (charset !== undefined) chosen = tryDecoder(charset);
  }
  if (fromBOM !== null) chosen = new TextDecoder(fromBOM);
  if (chosen === null) chosen = new TextDecoder('utf-8');
  return chosen.decode(bytes);
}

function tryDecoder(label) {
  try {
    return new TextDecoder(label);
  } catch {
    return null;
  }
}

function packageData(bytes, kind, label, type) {
  switch (kind) {
    case 'ArrayBuffer':
      return bytes.buffer;
    case 'BinaryString':
      return binaryString(bytes);
    case 'Text':
      return decodeText(bytes, label, type);
    default:  // 'DataURL'
      return `data:${type === '' ? 'application/octet-stream' : type};base64,${
        globalThis.btoa(binaryString(bytes))}`;
  }
}

export class FileReader extends EventTarget {
  constructor() {
    super();
    this[webidl.brand] = webidl.brand;
    // `read`: the number of the current read; abort() and a new read make the old one's
    // task do nothing.
    this[_state] = { readyState: EMPTY, result: null, error: null, read: 0 };
  }

  readAsArrayBuffer(blob) {
    read(this, blob, 'ArrayBuffer', arguments.length, undefined);
  }

  readAsBinaryString(blob) {
    read(this, blob, 'BinaryString', arguments.length, undefined);
  }

  readAsText(blob, encoding = undefined) {
    read(this, blob, 'Text', arguments.length, encoding);
  }

  readAsDataURL(blob) {
    read(this, blob, 'DataURL', arguments.length, undefined);
  }

  abort() {
    const state = checkReader(this);
    if (state.readyState === EMPTY || state.readyState === DONE) {
      state.result = null;
      return;
    }
    state.readyState = DONE;
    state.result = null;
    state.read++;
    fireProgress(this, 'abort', 0, 0);
    if (state.readyState !== LOADING) fireProgress(this, 'loadend', 0, 0);
  }

  get readyState() {
    return checkReader(this).readyState;
  }

  get result() {
    return checkReader(this).result;
  }

  get error() {
    return checkReader(this).error;
  }
}

// The File API's "read operation".
function read(reader, blob, kind, argumentCount, encoding) {
  const state = checkReader(reader);
  const prefix = `Failed to execute 'readAs${kind}' on 'FileReader'`;
  webidl.requiredArguments(argumentCount, 1, prefix);
  if (!isBlob(blob)) throw new TypeError(`${prefix}: parameter 1 is not of type 'Blob'.`);
  if (kind === 'Text' && encoding !== undefined) {
    encoding = webidl.converters.DOMString(encoding, prefix, 'Argument 2');
  }
  if (state.readyState === LOADING) {
    throw new DOMException('The object is already busy reading Blobs.', 'InvalidStateError');
  }
  state.readyState = LOADING;
  state.result = null;
  state.error = null;
  const number = ++state.read;
  const type = blob.type;
  const total = blobSize(blob);
  // Each event in a task of its own, so that promise reactions of one listener run
  // before the next event, as they do when the events come from the browser's event loop.
  const step = (fn) => setTimeout(() => {
    if (state.read === number) fn();
  }, 0);
  step(() => {
    fireProgress(reader, 'loadstart', 0, total);
    // An empty Blob has no chunk, so no progress event.
    step(total === 0 ? finish : () => {
      fireProgress(reader, 'progress', total, total);
      step(finish);
    });
  });
  const finish = () => {
    const bytes = blobBytes(blob);
    let result;
    try {
      result = packageData(bytes, kind, encoding, type);
    } catch (error) {
      state.readyState = DONE;
      state.error = new DOMException(`${error}`, 'EncodingError');
      fireProgress(reader, 'error', total, total);
      step(() => {
        if (state.readyState !== LOADING) fireProgress(reader, 'loadend', total, total);
      });
      return;
    }
    state.readyState = DONE;
    state.result = result;
    fireProgress(reader, 'load', total, total);
    step(() => {
      if (state.readyState !== LOADING) fireProgress(reader, 'loadend', total, total);
    });
  };
}

for (const name of ['loadstart', 'progress', 'load', 'abort', 'error', 'loadend']) {
  defineEventHandler(FileReader.prototype, name);
}
webidl.defineConstants(FileReader, { EMPTY, LOADING, DONE });
webidl.configureInterface(FileReader);
