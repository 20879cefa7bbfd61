// The entry module of the url extension (ext:url/url_globals.js): the URL and
// URLSearchParams globals, lazy (internals.defineLazy, core/README.md "Lazy modules"): the
// implementation, ext:url/url.js, is evaluated when a program first reads one of them or
// another extension's module imports it.
//
// extendURL(specifier, names): the way another extension adds static operations to `URL`
// (the file extension's createObjectURL and revokeObjectURL) without evaluating url.js: the
// names become lazy, enumerable properties of `URL` (WebIDL puts operations there
// enumerable) that evaluate `specifier` when first read. Called before url.js is evaluated
// (an extension's entry module, at startup), the request waits for url.js; afterwards it
// applies at once.
import { internals } from 'ext:core/internals';

let urlInterface;
const pendingStatics = [];

export function extendURL(specifier, names) {
  if (urlInterface !== undefined) {
    internals.defineLazy(urlInterface, specifier, names, true);
  } else {
    pendingStatics[pendingStatics.length] = { specifier, names };
  }
}

// Called once by url.js when it has made the interface object.
export function urlInterfaceDefined(URL) {
  urlInterface = URL;
  // An index loop: this runs in the realm as the program left it (Array iteration may be
  // replaced by then).
  for (let i = 0; i < pendingStatics.length; i++) {
    internals.defineLazy(URL, pendingStatics[i].specifier, pendingStatics[i].names, true);
  }
  pendingStatics.length = 0;
}

internals.defineLazy(globalThis, 'ext:url/url.js', ['URL', 'URLSearchParams']);
