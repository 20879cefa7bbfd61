// The codecs of form data (ext:file/multipart.js), for fetch's bodies and anyone else:
//
// - serializeFormData(formData): HTML's multipart/form-data encoding algorithm
//   (https://html.spec.whatwg.org/multipage/form-control-infrastructure.html#multipart-form-data)
//   -> { body: Blob, contentType: 'multipart/form-data; boundary=...' }. File values are
//   shared by the body, not copied.
// - parseMultipartFormData(bytes, contentType): a multipart/form-data body (RFC 7578 with
//   HTML's name escaping) -> FormData; any error is a TypeError.
// - parseUrlencodedFormData(bytes): an application/x-www-form-urlencoded body -> FormData.
// - parseMimeType(string): the MIME Sniffing Standard's "parse a MIME type".
import { TextDecoder, TextEncoder } from 'ext:encoding/text_coding.js';
import { parseUrlencoded } from 'ext:url/url_search_params.js';
import {
  blobBytes, concatenateBlobParts, createBlobFromBytes, createFile, fileName, isBlob,
} from './blob.js';
import { createFormDataFromEntries, formDataEntries, isFormData } from './form_data.js';

const {
  ArrayBuffer, Map, Math, Object, Reflect, RegExp, String, Symbol, TypeError, Uint8Array,
} = globalThis;
const ReflectApply = Reflect.apply;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ArrayBufferIsView = ArrayBuffer.isView;
const ArrayBufferByteLength = ObjectGetOwnPropertyDescriptor(ArrayBuffer.prototype,
                                                             'byteLength').get;
const MapPrototypeGet = Map.prototype.get;
const MapPrototypeHas = Map.prototype.has;
const MapPrototypeSet = Map.prototype.set;
const MathRandom = Math.random;
const MathFloor = Math.floor;
const RegExpPrototypeTest = RegExp.prototype.test;
const RegExpPrototypeSymbolReplace = RegExp.prototype[Symbol.replace];
const StringPrototypeCharCodeAt = String.prototype.charCodeAt;
const StringPrototypeSlice = String.prototype.slice;
const StringPrototypeToLowerCase = String.prototype.toLowerCase;
const StringFromCharCode = String.fromCharCode;
const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
const TypedArrayIndexOf = TypedArrayPrototype.indexOf;
const TypedArraySubarray = TypedArrayPrototype.subarray;
const TypedArraySlice = TypedArrayPrototype.slice;

const encoder = new TextEncoder();
// "UTF-8 decode without BOM": a leading BOM is kept, as U+FEFF.
const decoderKeepingBOM = new TextDecoder('utf-8', { ignoreBOM: true });

function replace(string, pattern, replacement) {
  return ReflectApply(RegExpPrototypeSymbolReplace, pattern, [string, replacement]);
}

function test(pattern, string) {
  return ReflectApply(RegExpPrototypeTest, pattern, [string]);
}

// ---- MIME types ----

const HTTP_WHITESPACE_AT_ENDS = /^[\t\n\r ]+|[\t\n\r ]+$/g;
const HTTP_WHITESPACE_AT_END = /[\t\n\r ]+$/;
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HTTP_QUOTED_STRING_TOKEN = /^[\t\x20-\x7E\x80-\xFF]*$/;

function isHttpWhitespace(c) {
  return c === 0x09 || c === 0x0a || c === 0x0d || c === 0x20;
}

// MIME Sniffing's "parse a MIME type": { type, subtype, essence, parameters (a Map of
// lowercase names to values) }, or null on failure.
export function parseMimeType(input) {
  input = replace(input, HTTP_WHITESPACE_AT_ENDS, '');
  const length = input.length;
  const charAt = (i) => ReflectApply(StringPrototypeCharCodeAt, input, [i]);
  const slice = (a, b) => ReflectApply(StringPrototypeSlice, input, [a, b]);
  let position = 0;
  while (position < length && charAt(position) !== 0x2f /* / */) position++;
  const type = slice(0, position);
  if (type === '' || !test(HTTP_TOKEN, type) || position >= length) return null;
  position++;
  const subtypeStart = position;
  while (position < length && charAt(position) !== 0x3b /* ; */) position++;
  const subtype = replace(slice(subtypeStart, position), HTTP_WHITESPACE_AT_END, '');
  if (subtype === '' || !test(HTTP_TOKEN, subtype)) return null;
  const lowerType = ReflectApply(StringPrototypeToLowerCase, type, []);
  const lowerSubtype = ReflectApply(StringPrototypeToLowerCase, subtype, []);
  const parameters = new Map();
  while (position < length) {
    position++;  // the ';'
    while (position < length && isHttpWhitespace(charAt(position))) position++;
    const nameStart = position;
    while (position < length && charAt(position) !== 0x3b && charAt(position) !== 0x3d) {
      position++;
    }
    const name = ReflectApply(StringPrototypeToLowerCase, slice(nameStart, position), []);
    if (position < length) {
      if (charAt(position) === 0x3b) continue;
      position++;  // the '='
    }
    if (position >= length) break;
    let value;
    if (charAt(position) === 0x22 /* " */) {
      // An HTTP quoted string, its value extracted; whatever follows up to ';' is dropped.
      value = '';
      position++;
      while (position < length) {
        const c = charAt(position);
        if (c === 0x22) {
          position++;
          break;
        }
        if (c === 0x5c /* \ */) {
          position++;
          if (position >= length) {
            value += '\\';
            break;
          }
        }
        value += StringFromCharCode(charAt(position));
        position++;
      }
      while (position < length && charAt(position) !== 0x3b) position++;
    } else {
      const valueStart = position;
      while (position < length && charAt(position) !== 0x3b) position++;
      value = replace(slice(valueStart, position), HTTP_WHITESPACE_AT_END, '');
      if (value === '') continue;
    }
    if (name !== '' && test(HTTP_TOKEN, name) && test(HTTP_QUOTED_STRING_TOKEN, value) &&
        !ReflectApply(MapPrototypeHas, parameters, [name])) {
      ReflectApply(MapPrototypeSet, parameters, [name, value]);
    }
  }
  return {
    type: lowerType, subtype: lowerSubtype, essence: `${lowerType}/${lowerSubtype}`,
    parameters,
  };
}

// ---- Serializing ----

// CR not followed by LF and LF not preceded by CR become CRLF.
const LONE_CR_OR_LF = /\r(?!\n)|(?<!\r)\n/g;
// What multipart/form-data escapes in names and filenames.
const NAME_ESCAPES = /[\n\r"]/g;
const ESCAPED = { __proto__: null, '\n': '%0A', '\r': '%0D', '"': '%22' };

function normalizeNewlines(string) {
  return replace(string, LONE_CR_OR_LF, '\r\n');
}

function escapeName(string) {
  return replace(string, NAME_ESCAPES, (c) => ESCAPED[c]);
}

// A boundary of 22 random characters after WebKit's prefix (RFC 2046 allows 70): made at
// each call, never at snapshot time.
const BOUNDARY_CHARACTERS =
    'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function makeBoundary() {
  let boundary = '----formdata-kiln-';
  for (let i = 0; i < 22; i++) {
    boundary += BOUNDARY_CHARACTERS[MathFloor(MathRandom() * BOUNDARY_CHARACTERS.length)];
  }
  return boundary;
}

// HTML's multipart/form-data encoding of a FormData's entry list: { body, contentType }.
// The body is a Blob whose File parts share the Files' bytes; the text between them is
// UTF-8. Names and string values have their newlines normalized to CRLF; names and
// filenames have LF, CR and '"' escaped as %0A, %0D and %22. A File's part has its type as
// Content-Type, or application/octet-stream.
export function serializeFormData(formData, boundary = makeBoundary()) {
  if (!isFormData(formData)) {
    throw new TypeError('serializeFormData: argument 1 is not a FormData');
  }
  const entries = formDataEntries(formData);
  const parts = [];
  let text = '';
  for (let i = 0; i < entries.length; i++) {
    const [name, value] = entries[i];
    text += `--${boundary}\r\nContent-Disposition: form-data; name="${
      escapeName(normalizeNewlines(name))}"`;
    if (typeof value === 'string') {
      text += `\r\n\r\n${normalizeNewlines(value)}\r\n`;
    } else {
      const type = value.type === '' ? 'application/octet-stream' : value.type;
      text += `; filename="${escapeName(fileName(value))}"\r\nContent-Type: ${type}\r\n\r\n`;
      parts[parts.length] = encoder.encode(text);
      parts[parts.length] = value;
      text = '\r\n';
    }
  }
  text += `--${boundary}--\r\n`;
  parts[parts.length] = encoder.encode(text);
  return {
    body: concatenateBlobParts(parts),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

// ---- Parsing ----

function parseError(what) {
  return new TypeError(`Failed to parse the body as multipart/form-data: ${what}.`);
}

// The bytes of a body: a Uint8Array of an ArrayBuffer, a view or a Blob (read without
// copying where it can be).
function bytesOf(input, what) {
  if (isBlob(input)) return blobBytes(input);
  if (ArrayBufferIsView(input)) {
    return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  }
  try {
    ReflectApply(ArrayBufferByteLength, input, []);
  } catch {
    throw new TypeError(`${what}: the body must be an ArrayBuffer, a view or a Blob`);
  }
  return new Uint8Array(input);
}

// The index of `needle` (a Uint8Array) in `bytes` from `from`, or -1.
function indexOfBytes(bytes, needle, from) {
  const first = needle[0];
  const needleLength = needle.length;
  const last = bytes.length - needleLength;
  let position = from;
  while (position <= last) {
    position = ReflectApply(TypedArrayIndexOf, bytes, [first, position]);
    if (position === -1 || position > last) return -1;
    let k = 1;
    while (k < needleLength && bytes[position + k] === needle[k]) k++;
    if (k === needleLength) return position;
    position++;
  }
  return -1;
}

function startsWithAt(bytes, needle, position) {
  if (position + needle.length > bytes.length) return false;
  for (let k = 0; k < needle.length; k++) {
    if (bytes[position + k] !== needle[k]) return false;
  }
  return true;
}

// Bytes as a string of the same code units (Infra's isomorphic decode).
function isomorphicDecode(bytes, start, end) {
  let string = '';
  for (let i = start; i < end; i += 4096) {
    const chunk = ReflectApply(TypedArraySubarray, bytes, [i, end < i + 4096 ? end : i + 4096]);
    string += ReflectApply(StringFromCharCode, null, chunk);
  }
  return string;
}

// A Content-Disposition name or filename, quoted or not: its bytes UTF-8 decoded and
// HTML's escapes (%0A, %0D, %22) undone.
const NAME_UNESCAPES = /%0A|%0D|%22/g;
const UNESCAPED = { __proto__: null, '%0A': '\n', '%0D': '\r', '%22': '"' };

function decodeName(bytes, start, end) {
  const string = decoderKeepingBOM.decode(ReflectApply(TypedArraySubarray, bytes, [start, end]));
  return replace(string, NAME_UNESCAPES, (escape) => UNESCAPED[escape]);
}

// The `form-data` Content-Disposition of a part's header line (the bytes of the value from
// `start` to `end`): { name, filename } (either null when absent).
function parseContentDisposition(bytes, start, end) {
  let position = start;
  const skipWhitespace = () => {
    while (position < end && (bytes[position] === 0x20 || bytes[position] === 0x09)) position++;
  };
  const tokenEnd = () => {
    let p = position;
    while (p < end && bytes[p] !== 0x3b && bytes[p] !== 0x3d && bytes[p] !== 0x20 &&
           bytes[p] !== 0x09) {
      p++;
    }
    return p;
  };
  skipWhitespace();
  let p = tokenEnd();
  const dispositionType =
      ReflectApply(StringPrototypeToLowerCase, isomorphicDecode(bytes, position, p), []);
  if (dispositionType !== 'form-data') {
    throw parseError(`a part's Content-Disposition is '${dispositionType}', not 'form-data'`);
  }
  position = p;
  let name = null;
  let filename = null;
  for (;;) {
    skipWhitespace();
    if (position >= end) break;
    if (bytes[position] !== 0x3b) throw parseError("malformed Content-Disposition header");
    position++;
    skipWhitespace();
    if (position >= end) break;
    p = tokenEnd();
    const parameter =
        ReflectApply(StringPrototypeToLowerCase, isomorphicDecode(bytes, position, p), []);
    position = p;
    skipWhitespace();
    if (position >= end || bytes[position] !== 0x3d) {
      throw parseError(`Content-Disposition parameter '${parameter}' has no value`);
    }
    position++;
    skipWhitespace();
    let value;
    if (position < end && bytes[position] === 0x22) {
      // A quoted value runs to the next '"': browsers escape '"' as %22 and never use
      // backslashes as escapes (a Windows path keeps its backslashes).
      let close = position + 1;
      while (close < end && bytes[close] !== 0x22) close++;
      if (close >= end) throw parseError("unterminated quoted string in Content-Disposition");
      value = decodeName(bytes, position + 1, close);
      position = close + 1;
    } else {
      p = position;
      while (p < end && bytes[p] !== 0x3b && bytes[p] !== 0x20 && bytes[p] !== 0x09) p++;
      value = decodeName(bytes, position, p);
      position = p;
    }
    if (parameter === 'name' && name === null) {
      name = value;
    } else if (parameter === 'filename' && filename === null) {
      filename = value;
    }
  }
  return { name, filename };
}

const CRLF = new Uint8Array([0x0d, 0x0a]);

// A multipart/form-data body (`input`: ArrayBuffer, view or Blob) with the Content-Type
// header value `contentType`, as a FormData. The boundary is the header's `boundary`
// parameter; a preamble before the first boundary and an epilogue after the last are
// ignored. Each part needs `Content-Disposition: form-data; name="..."`; with a `filename`
// it becomes a File (type: the part's Content-Type, text/plain when absent; its bytes are
// copied out of `input`), else a string (UTF-8, a BOM kept). Other part headers are
// ignored. Anything malformed is a TypeError naming what is wrong.
export function parseMultipartFormData(input, contentType) {
  const mimeType = parseMimeType(`${contentType}`);
  if (mimeType === null || mimeType.essence !== 'multipart/form-data') {
    throw parseError(`the Content-Type '${contentType}' is not multipart/form-data`);
  }
  const boundary = ReflectApply(MapPrototypeGet, mimeType.parameters, ['boundary']);
  if (boundary === undefined) throw parseError('the Content-Type has no boundary parameter');
  if (boundary.length === 0 || boundary.length > 70) {
    throw parseError('the boundary must have 1 to 70 characters');
  }
  const bytes = bytesOf(input, 'parseMultipartFormData');
  const delimiter = new Uint8Array(boundary.length + 4);  // CRLF "--" boundary
  delimiter[0] = 0x0d;
  delimiter[1] = 0x0a;
  delimiter[2] = 0x2d;
  delimiter[3] = 0x2d;
  for (let i = 0; i < boundary.length; i++) {
    delimiter[i + 4] = ReflectApply(StringPrototypeCharCodeAt, boundary, [i]);
  }
  const dashBoundary = ReflectApply(TypedArraySubarray, delimiter, [2]);

  let position;
  if (startsWithAt(bytes, dashBoundary, 0)) {
    position = dashBoundary.length;
  } else {
    const first = indexOfBytes(bytes, delimiter, 0);
    if (first === -1) throw parseError('the body does not contain the boundary');
    position = first + delimiter.length;
  }

  const entries = [];
  for (;;) {
    // After a delimiter: "--" ends the body; else transport padding, then CRLF.
    if (bytes[position] === 0x2d && bytes[position + 1] === 0x2d) break;
    while (bytes[position] === 0x20 || bytes[position] === 0x09) position++;
    if (!startsWithAt(bytes, CRLF, position)) {
      throw parseError(position >= bytes.length ? 'the body ends without a closing boundary' :
                                                  'a boundary is not followed by CRLF');
    }
    position += 2;

    let name = null;
    let filename = null;
    let type = null;
    for (;;) {
      const lineEnd = indexOfBytes(bytes, CRLF, position);
      if (lineEnd === -1) throw parseError("a part's headers do not end with an empty line");
      if (lineEnd === position) {
        position += 2;
        break;
      }
      const colon = ReflectApply(TypedArrayIndexOf, bytes, [0x3a, position]);
      if (colon === -1 || colon > lineEnd) {
        throw parseError(`malformed part header '${isomorphicDecode(bytes, position, lineEnd)}'`);
      }
      const headerName = ReflectApply(
          StringPrototypeToLowerCase, isomorphicDecode(bytes, position, colon), []);
      if (!test(HTTP_TOKEN, headerName)) {
        throw parseError(`malformed part header name '${headerName}'`);
      }
      let valueStart = colon + 1;
      let valueEnd = lineEnd;
      while (valueStart < valueEnd && isHttpWhitespace(bytes[valueStart])) valueStart++;
      while (valueEnd > valueStart && isHttpWhitespace(bytes[valueEnd - 1])) valueEnd--;
      if (headerName === 'content-disposition') {
        ({ name, filename } = parseContentDisposition(bytes, valueStart, valueEnd));
        if (name === null) throw parseError('a part has no name in its Content-Disposition');
      } else if (headerName === 'content-type') {
        type = isomorphicDecode(bytes, valueStart, valueEnd);
      }
      position = lineEnd + 2;
    }
    if (name === null) throw parseError('a part has no Content-Disposition header');

    const bodyEnd = indexOfBytes(bytes, delimiter, position);
    if (bodyEnd === -1) throw parseError('the body ends without a closing boundary');
    let value;
    if (filename !== null) {
      const fileBytes = ReflectApply(TypedArraySlice, bytes, [position, bodyEnd]);
      value = createFile(createBlobFromBytes(fileBytes, type === null ? 'text/plain' : type),
                         filename);
    } else {
      value = decoderKeepingBOM.decode(ReflectApply(TypedArraySubarray, bytes,
                                                    [position, bodyEnd]));
    }
    entries[entries.length] = [name, value];
    position = bodyEnd + delimiter.length;
  }
  return createFormDataFromEntries(entries);
}

// An application/x-www-form-urlencoded body (ArrayBuffer, view or Blob) as a FormData:
// the URL Standard's urlencoded parser over the UTF-8 decoding of the bytes.
export function parseUrlencodedFormData(input) {
  const bytes = bytesOf(input, 'parseUrlencodedFormData');
  return createFormDataFromEntries(parseUrlencoded(decoderKeepingBOM.decode(bytes)));
}
