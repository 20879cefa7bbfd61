// Tests only (ext:file/file_testing.js): the codecs of ext:file/multipart.js as
// globalThis.fileTesting, for the runtime tests.
import {
  parseMimeType, parseMultipartFormData, parseUrlencodedFormData, serializeFormData,
} from 'ext:file/multipart.js';

globalThis.fileTesting = {
  parseMimeType, parseMultipartFormData, parseUrlencodedFormData, serializeFormData,
};
