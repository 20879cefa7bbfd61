// The entry module of the file extension (ext:file/file.js): the globals Blob, File,
// FileReader, ProgressEvent and FormData (interface objects: not enumerable), and URL's
// static operations createObjectURL / revokeObjectURL (enumerable). All lazy: a module is
// evaluated when one of its names is first read (internals.defineLazy, core/README.md
// "Lazy modules"). Other extensions import the modules themselves: ext:file/blob_url.js
// (resolveBlobUrl, for fetch()), ext:file/blob.js (Blob, File and their internals),
// ext:file/form_data.js (FormData and its entry list), ext:file/multipart.js (the
// multipart/form-data and urlencoded codecs) and ext:file/file_reader.js (FileReader,
// ProgressEvent).
import { internals } from 'ext:core/internals';
import { extendURL } from 'ext:url/url_globals.js';

internals.defineLazy(globalThis, 'ext:file/blob.js', ['Blob', 'File']);
internals.defineLazy(globalThis, 'ext:file/file_reader.js', ['FileReader', 'ProgressEvent']);
internals.defineLazy(globalThis, 'ext:file/form_data.js', ['FormData']);
extendURL('ext:file/blob_url.js', ['createObjectURL', 'revokeObjectURL']);
