// data: URLs (ext:fetch/data_url.js): the Fetch Standard's data: URL processor and the
// MIME Sniffing Standard's MIME type parser and serializer it needs.
// https://fetch.spec.whatwg.org/#data-url-processor
// https://mimesniff.spec.whatwg.org/#parsing-a-mime-type
const ReflectApply = Reflect.apply;
const StringPrototypeCharCodeAt = String.prototype.charCodeAt;
const StringPrototypeIndexOf = String.prototype.indexOf;
const StringPrototypeSlice = String.prototype.slice;
const StringPrototypeToLowerCase = String.prototype.toLowerCase;
const RegExpPrototypeTest = RegExp.prototype.test;
const NativeUint8Array = Uint8Array;

function codeAt(string, i) {
  return ReflectApply(StringPrototypeCharCodeAt, string, [i]);
}
function slice(string, start, end) {
  return ReflectApply(StringPrototypeSlice, string, [start, end]);
}
function lower(string) {
  return ReflectApply(StringPrototypeToLowerCase, string, []);
}

function isHttpWhitespace(c) {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}
function isAsciiWhitespace(c) {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

function trim(string, isSpace) {
  let start = 0;
  let end = string.length;
  while (start < end && isSpace(codeAt(string, start))) start++;
  while (end > start && isSpace(codeAt(string, end - 1))) end--;
  return slice(string, start, end);
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// HTTP quoted-string token code points: tab, 0x20-0x7E, 0x80-0xFF.
const QUOTED_STRING_TOKEN = /^[\t\x20-\x7e\x80-\xff]*$/;

function isToken(string) {
  return string.length > 0 && ReflectApply(RegExpPrototypeTest, TOKEN, [string]);
}

// A MIME type record { type, subtype, parameters: Map } or null (failure).
export function parseMimeType(input) {
  input = trim(input, isHttpWhitespace);
  const length = input.length;
  let position = ReflectApply(StringPrototypeIndexOf, input, ['/']);
  if (position === -1) return null;
  const type = slice(input, 0, position);
  if (!isToken(type)) return null;
  position++;
  let end = ReflectApply(StringPrototypeIndexOf, input, [';', position]);
  if (end === -1) end = length;
  const subtype = trim(slice(input, position, end), isHttpWhitespace);
  if (!isToken(subtype)) return null;
  const record = { type: lower(type), subtype: lower(subtype), parameters: new Map() };
  position = end;
  while (position < length) {
    position++;  // the ';'
    while (position < length && isHttpWhitespace(codeAt(input, position))) position++;
    let nameEnd = position;
    while (nameEnd < length && codeAt(input, nameEnd) !== 0x3b && codeAt(input, nameEnd) !== 0x3d) {
      nameEnd++;
    }
    const name = lower(slice(input, position, nameEnd));
    position = nameEnd;
    if (position < length) {
      if (codeAt(input, position) === 0x3b) continue;
      position++;  // the '='
    }
    if (position >= length) break;
    let value;
    if (codeAt(input, position) === 0x22) {
      // a quoted string, extract-value
      value = '';
      position++;
      for (;;) {
        let runEnd = position;
        while (runEnd < length && codeAt(input, runEnd) !== 0x22 && codeAt(input, runEnd) !== 0x5c) {
          runEnd++;
        }
        value += slice(input, position, runEnd);
        position = runEnd;
        if (position >= length) break;
        const quoteOrBackslash = codeAt(input, position);
        position++;
        if (quoteOrBackslash === 0x5c) {
          if (position >= length) {
            value += '\\';
            break;
          }
          value += input[position];
          position++;
        } else {
          break;
        }
      }
      while (position < length && codeAt(input, position) !== 0x3b) position++;
    } else {
      let valueEnd = ReflectApply(StringPrototypeIndexOf, input, [';', position]);
      if (valueEnd === -1) valueEnd = length;
      value = slice(input, position, valueEnd);
      let trimmedEnd = value.length;
      while (trimmedEnd > 0 && isHttpWhitespace(codeAt(value, trimmedEnd - 1))) trimmedEnd--;
      value = slice(value, 0, trimmedEnd);
      position = valueEnd;
      if (value === '') continue;
    }
    if (name !== '' && isToken(name) &&
        ReflectApply(RegExpPrototypeTest, QUOTED_STRING_TOKEN, [value]) &&
        !record.parameters.has(name)) {
      record.parameters.set(name, value);
    }
  }
  return record;
}

export function serializeMimeType(record) {
  let out = `${record.type}/${record.subtype}`;
  for (const [name, value] of record.parameters) {
    out += `;${name}=`;
    if (value === '' || !isToken(value)) {
      let quoted = '"';
      for (let i = 0; i < value.length; i++) {
        const c = value[i];
        quoted += c === '"' || c === '\\' ? `\\${c}` : c;
      }
      out += `${quoted}"`;
    } else {
      out += value;
    }
  }
  return out;
}

function hexValue(c) {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

// Percent-decodes a string of code units < 0x100 into bytes.
function percentDecode(input) {
  const bytes = new NativeUint8Array(input.length);
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    const c = codeAt(input, i);
    if (c === 0x25 && i + 2 < input.length) {
      const high = hexValue(codeAt(input, i + 1));
      const low = hexValue(codeAt(input, i + 2));
      if (high >= 0 && low >= 0) {
        bytes[n++] = (high << 4) | low;
        i += 2;
        continue;
      }
    }
    bytes[n++] = c;
  }
  return bytes.subarray(0, n);
}

function base64Value(c) {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26;
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52;
  if (c === 0x2b) return 62;
  if (c === 0x2f) return 63;
  return -1;
}

// https://infra.spec.whatwg.org/#forgiving-base64-decode over bytes; null on failure.
export function forgivingBase64Decode(bytes) {
  const chars = [];
  for (let i = 0; i < bytes.length; i++) {
    if (!isAsciiWhitespace(bytes[i])) chars[chars.length] = bytes[i];
  }
  let length = chars.length;
  if (length % 4 === 0 && length > 0 && chars[length - 1] === 0x3d) {
    length--;
    if (chars[length - 1] === 0x3d) length--;
  }
  if (length % 4 === 1) return null;
  const out = new NativeUint8Array(Math.floor(length * 3 / 4));
  let buffer = 0;
  let bits = 0;
  let n = 0;
  for (let i = 0; i < length; i++) {
    const value = base64Value(chars[i]);
    if (value < 0) return null;
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (buffer >> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}

// The data: URL processor: { mimeType: string (serialized), body: Uint8Array } or null.
// `href` is the URL serialized; the fragment is dropped here.
export function processDataUrl(href) {
  const hash = ReflectApply(StringPrototypeIndexOf, href, ['#']);
  let input = slice(href, 5, hash === -1 ? href.length : hash);
  const comma = ReflectApply(StringPrototypeIndexOf, input, [',']);
  if (comma === -1) return null;
  let mimeType = trim(slice(input, 0, comma), isAsciiWhitespace);
  input = slice(input, comma + 1);
  let body = percentDecode(input);
  const match = /;[\x20]*base64$/i.exec(mimeType);
  if (match !== null) {
    mimeType = slice(mimeType, 0, match.index);
    body = forgivingBase64Decode(body);
    if (body === null) return null;
  }
  if (codeAt(mimeType, 0) === 0x3b) mimeType = `text/plain${mimeType}`;
  const record = parseMimeType(mimeType);
  return {
    mimeType: record === null ? 'text/plain;charset=US-ASCII' : serializeMimeType(record),
    body,
  };
}
