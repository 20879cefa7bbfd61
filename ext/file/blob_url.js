// Blob URLs (ext:file/blob_url.js): URL.createObjectURL, URL.revokeObjectURL and the
// runtime's blob URL store, which fetch() resolves `blob:` URLs against.
// https://w3c.github.io/FileAPI/#url
//
// A runtime has no document and so no origin of its own: its blob URLs are
// `blob:null/<uuid>` (as Deno's are without --location). The store maps a URL, as
// serialized without its fragment, to the Blob; an entry lives until it is revoked or
// the runtime ends (as in a browser, a forgotten URL keeps its Blob alive).
import { op_crypto_random_uuid } from 'ext:core/ops';
import { URL } from 'ext:url/url.js';
import * as webidl from 'ext:webidl/webidl.js';
import { isBlob } from './blob.js';

const NativeTypeError = TypeError;
const SafeMap = Map;
const MapPrototypeGet = Map.prototype.get;
const MapPrototypeSet = Map.prototype.set;
const MapPrototypeDelete = Map.prototype.delete;
const ReflectApply = Reflect.apply;
const StringPrototypeIndexOf = String.prototype.indexOf;
const StringPrototypeSlice = String.prototype.slice;

const store = new SafeMap();

function withoutFragment(href) {
  const hash = ReflectApply(StringPrototypeIndexOf, href, ['#']);
  return hash === -1 ? href : ReflectApply(StringPrototypeSlice, href, [0, hash]);
}

// static DOMString createObjectURL((Blob or MediaSource) obj)
function createObjectURL(obj) {
  const prefix = "Failed to execute 'createObjectURL' on 'URL'";
  webidl.requiredArguments(arguments.length, 1, prefix);
  if (!isBlob(obj)) throw new NativeTypeError(`${prefix}: Overload resolution failed.`);
  const url = `blob:null/${op_crypto_random_uuid()}`;
  ReflectApply(MapPrototypeSet, store, [url, obj]);
  return url;
}

// static undefined revokeObjectURL(DOMString url): only an exact match (fragment
// included) revokes; anything else is ignored.
function revokeObjectURL(url) {
  const prefix = "Failed to execute 'revokeObjectURL' on 'URL'";
  webidl.requiredArguments(arguments.length, 1, prefix);
  url = webidl.converters.DOMString(url, prefix, 'Argument 1');
  const parsed = URL.parse(url);
  if (parsed === null || parsed.protocol !== 'blob:') return;
  ReflectApply(MapPrototypeDelete, store, [parsed.href]);
}

// The Blob a `blob:` URL (a URL object) names now, or null: "resolve a blob URL", which
// ignores the fragment.
export function resolveBlobUrl(url) {
  return ReflectApply(MapPrototypeGet, store, [withoutFragment(url.href)]) ?? null;
}

// URL's static operations (file.js makes them lazy properties of URL).
export { createObjectURL, revokeObjectURL };
