// FormData of the XMLHttpRequest Standard (ext:file/form_data.js):
// https://xhr.spec.whatwg.org/#interface-formdata
//
// A FormData is an ordered list of entries [name, value]: name a string (a USVString),
// value a string or a File. A Blob value becomes a File when it is added.
import * as webidl from 'ext:webidl/webidl.js';
import { createInterface } from 'ext:web/interface_object.js';
import { createFile, fileLastModified, isBlob, isFile } from './blob.js';

const { Array, Object, Symbol, TypeError } = globalThis;
const ObjectDefineProperty = Object.defineProperty;
const ArrayIsArray = Array.isArray;
const customInspect = Symbol.for('nodejs.util.inspect.custom');

// The entry list: an array of [name, value].
const _entries = Symbol('[[entries]]');

function checkFormData(self) {
  webidl.assertBranded(self, FormDataPrototype);
}

// XHR's "create an entry": a string value stays a string; a Blob that is not a File
// becomes a File named 'blob'; a File gets `filename` as its name when one is given (the
// bytes are shared, type and lastModified kept).
function createEntry(name, value, filename) {
  if (!isBlob(value)) return [name, value];
  if (!isFile(value)) {
    return [name, createFile(value, filename === undefined ? 'blob' : filename)];
  }
  if (filename !== undefined) {
    return [name, createFile(value, filename, value.type, fileLastModified(value))];
  }
  return [name, value];
}

// The arguments of append() and set(): (USVString name, USVString value) or
// (USVString name, Blob blobValue, optional USVString filename), told apart by WebIDL's
// overload resolution (three arguments: the Blob overload; two: by the value's type).
function convertEntryArguments(argumentCount, name, value, filename, prefix) {
  webidl.requiredArguments(argumentCount, 2, prefix);
  name = webidl.converters.USVString(name, prefix, 'Argument 1');
  if (argumentCount >= 3 || isBlob(value)) {
    if (!isBlob(value)) {
      throw new TypeError(`${prefix}: parameter 2 is not of type 'Blob'.`);
    }
    if (filename !== undefined) {
      filename = webidl.converters.USVString(filename, prefix, 'Argument 3');
    }
    return createEntry(name, value, filename);
  }
  return [name, webidl.converters.USVString(value, prefix, 'Argument 2')];
}

// FormData objects are host objects, as platform objects are (ext:web/interface_object.js):
// structuredClone throws a DataCloneError for them (FormData is not [Serializable])
// instead of copying them as plain objects. `new FormData()` makes one for new.target and
// runs initializeFormData on it. The methods are FormDataMembers's, copied onto
// FormData.prototype.
//
// FormData(optional HTMLFormElement form, optional HTMLElement? submitter = null)
function initializeFormData(form = undefined, submitter = undefined) {
  if (form !== undefined) {
    // There are no forms without a document.
    throw new TypeError(
        "Failed to construct 'FormData': parameter 1 is not of type 'HTMLFormElement'.");
  }
  this[webidl.brand] = webidl.brand;
  this[_entries] = [];
}

class FormDataMembers {
  append(name, value, filename = undefined) {
    checkFormData(this);
    const entry = convertEntryArguments(arguments.length, name, value, filename,
                                        "Failed to execute 'append' on 'FormData'");
    const entries = this[_entries];
    entries[entries.length] = entry;
  }

  delete(name) {
    checkFormData(this);
    const prefix = "Failed to execute 'delete' on 'FormData'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = webidl.converters.USVString(name, prefix, 'Argument 1');
    const entries = this[_entries];
    let kept = 0;
    for (let i = 0; i < entries.length; i++) {
      if (entries[i][0] !== name) entries[kept++] = entries[i];
    }
    entries.length = kept;
  }

  get(name) {
    checkFormData(this);
    const prefix = "Failed to execute 'get' on 'FormData'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = webidl.converters.USVString(name, prefix, 'Argument 1');
    const entries = this[_entries];
    for (let i = 0; i < entries.length; i++) {
      if (entries[i][0] === name) return entries[i][1];
    }
    return null;
  }

  getAll(name) {
    checkFormData(this);
    const prefix = "Failed to execute 'getAll' on 'FormData'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = webidl.converters.USVString(name, prefix, 'Argument 1');
    const entries = this[_entries];
    const values = [];
    for (let i = 0; i < entries.length; i++) {
      if (entries[i][0] === name) values[values.length] = entries[i][1];
    }
    return values;
  }

  has(name) {
    checkFormData(this);
    const prefix = "Failed to execute 'has' on 'FormData'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = webidl.converters.USVString(name, prefix, 'Argument 1');
    const entries = this[_entries];
    for (let i = 0; i < entries.length; i++) {
      if (entries[i][0] === name) return true;
    }
    return false;
  }

  // Replaces the first entry named `name` and removes the others, or appends.
  set(name, value, filename = undefined) {
    checkFormData(this);
    const entry = convertEntryArguments(arguments.length, name, value, filename,
                                        "Failed to execute 'set' on 'FormData'");
    const entries = this[_entries];
    name = entry[0];
    let first = -1;
    let kept = 0;
    for (let i = 0; i < entries.length; i++) {
      if (entries[i][0] !== name) {
        entries[kept++] = entries[i];
      } else if (first === -1) {
        first = kept;
        entries[kept++] = entry;
      }
    }
    entries.length = kept;
    if (first === -1) entries[entries.length] = entry;
  }

  // Node's console form: FormData { a: '1', b: [ '2', '3' ] } (a name given more than
  // once lists its values).
  [customInspect](depth, options, inspect) {
    checkFormData(this);
    const state = { __proto__: null };
    const entries = this[_entries];
    for (let i = 0; i < entries.length; i++) {
      const [name, value] = entries[i];
      if (!(name in state)) {
        ObjectDefineProperty(state, name, {
          value, writable: true, enumerable: true, configurable: true,
        });
      } else if (ArrayIsArray(state[name])) {
        const list = state[name];
        list[list.length] = value;
      } else {
        state[name] = [state[name], value];
      }
    }
    const output = inspect(state, { ...options });
    // Without the "[Object: null prototype] " of the null-prototype object.
    return `FormData ${output.slice(output.indexOf(']') + 2)}`;
  }
}

export const FormData = createInterface('FormData', 0, initializeFormData, FormDataMembers);
const FormDataPrototype = FormData.prototype;
webidl.mixinPairIterable('FormData', FormDataPrototype, _entries, 0, 1);
webidl.configureInterface(FormData);
ObjectDefineProperty(FormDataPrototype, customInspect, { enumerable: false });

// ---- For other modules and extensions ----

export function isFormData(value) {
  return webidl.implementsInterface(value, FormDataPrototype);
}

// The entry list of a FormData: an array of [name, value] (value a string or a File). The
// caller must not change it.
export function formDataEntries(formData) {
  return formData[_entries];
}

// A FormData with `entries` (an array of [name, value], value a string or a File; the
// FormData keeps the array).
export function createFormDataFromEntries(entries) {
  const formData = new FormData();
  formData[_entries] = entries;
  return formData;
}

// Appends [name, value] (a string or a File, already converted) to a FormData.
export function appendFormDataEntry(formData, name, value) {
  const entries = formData[_entries];
  entries[entries.length] = [name, value];
}
