// The entry module of the file extension (ext:file/file.js): the globals Blob, File,
// FileReader, ProgressEvent and FormData, and URL.createObjectURL / revokeObjectURL. Other
// extensions import the modules themselves: ext:file/blob_url.js (resolveBlobUrl, for
// fetch()), ext:file/blob.js (Blob, File and their internals), ext:file/form_data.js (FormData and
// its entry list), ext:file/multipart.js (the multipart/form-data and urlencoded codecs)
// and ext:file/file_reader.js (FileReader, ProgressEvent).
import { Blob, File } from './blob.js';
import './blob_url.js';
import { FileReader, ProgressEvent } from './file_reader.js';
import { FormData } from './form_data.js';

// Interface objects: not enumerable.
for (const Interface of [Blob, File, FileReader, FormData, ProgressEvent]) {
  Object.defineProperty(globalThis, Interface.name, {
    value: Interface, writable: true, enumerable: false, configurable: true,
  });
}
