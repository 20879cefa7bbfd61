// DOMException (ext:web/dom_exception.js), as WebIDL defines it
// (https://webidl.spec.whatwg.org/#idl-DOMException): a name, a message and the legacy
// code of the name, on a prototype chained to Error.prototype so `instanceof Error` holds
// and stacks print as errors do.
import { createInterface, ReturnOverride } from 'ext:web/interface_object.js';
import * as webidl from 'ext:webidl/webidl.js';

const ErrorCaptureStackTrace = Error.captureStackTrace;
const ObjectSetPrototypeOf = Object.setPrototypeOf;
const ObjectDefineProperty = Object.defineProperty;
const NativeTypeError = TypeError;

// The error names with a legacy code, and their codes.
const legacyCodes = {
  __proto__: null,
  IndexSizeError: 1,
  HierarchyRequestError: 3,
  WrongDocumentError: 4,
  InvalidCharacterError: 5,
  NoModificationAllowedError: 7,
  NotFoundError: 8,
  NotSupportedError: 9,
  InUseAttributeError: 10,
  InvalidStateError: 11,
  SyntaxError: 12,
  InvalidModificationError: 13,
  NamespaceError: 14,
  InvalidAccessError: 15,
  TypeMismatchError: 17,
  SecurityError: 18,
  NetworkError: 19,
  AbortError: 20,
  URLMismatchError: 21,
  QuotaExceededError: 22,
  TimeoutError: 23,
  InvalidNodeTypeError: 24,
  DataCloneError: 25,
};

// The constants every DOMException and the interface object carry.
const legacyConstants = {
  INDEX_SIZE_ERR: 1,
  DOMSTRING_SIZE_ERR: 2,
  HIERARCHY_REQUEST_ERR: 3,
  WRONG_DOCUMENT_ERR: 4,
  INVALID_CHARACTER_ERR: 5,
  NO_DATA_ALLOWED_ERR: 6,
  NO_MODIFICATION_ALLOWED_ERR: 7,
  NOT_FOUND_ERR: 8,
  NOT_SUPPORTED_ERR: 9,
  INUSE_ATTRIBUTE_ERR: 10,
  INVALID_STATE_ERR: 11,
  SYNTAX_ERR: 12,
  INVALID_MODIFICATION_ERR: 13,
  NAMESPACE_ERR: 14,
  INVALID_ACCESS_ERR: 15,
  VALIDATION_ERR: 16,
  TYPE_MISMATCH_ERR: 17,
  SECURITY_ERR: 18,
  NETWORK_ERR: 19,
  ABORT_ERR: 20,
  URL_MISMATCH_ERR: 21,
  QUOTA_EXCEEDED_ERR: 22,
  TIMEOUT_ERR: 23,
  INVALID_NODE_TYPE_ERR: 24,
  DATA_CLONE_ERR: 25,
};

function illegalInvocation() {
  return new NativeTypeError('Illegal invocation');
}

// Set by DOMExceptionMembers's static block: the brand check and readers of the private
// state, for structuredClone and the other serializers.
let isDOMException;
let nameOf;
let messageOf;
let codeOf;

// DOMExceptions are host objects (ext:web/interface_object.js), the only objects V8's
// serializer hands to structuredClone's delegate (web_clone_ops.h). `new DOMException()`
// makes one for new.target and runs initializeDOMException on it, which adds the private
// fields below: invisible to inspection and reflection, and a brand no prototype trick
// can forge. The accessors are copied onto DOMException.prototype.
class DOMExceptionMembers extends ReturnOverride {
  #name;
  #message;
  #code;

  constructor(object, message, name) {
    super(object);
    this.#message = message;
    this.#name = name;
    this.#code = legacyCodes[name] ?? 0;
  }

  static {
    isDOMException = (value) =>
      value !== null && typeof value === 'object' && #name in value;
    nameOf = (exception) => exception.#name;
    messageOf = (exception) => exception.#message;
    codeOf = (exception) => exception.#code;
  }

  get name() {
    if (!isDOMException(this)) throw illegalInvocation();
    return nameOf(this);
  }

  get message() {
    if (!isDOMException(this)) throw illegalInvocation();
    return messageOf(this);
  }

  get code() {
    if (!isDOMException(this)) throw illegalInvocation();
    return codeOf(this);
  }
}

// The constructor steps of `new DOMException(message, name)`, on the new object (`this`).
function initializeDOMException(message = '', name = 'Error') {
  const prefix = "Failed to construct 'DOMException'";
  message = webidl.converters.DOMString(message, prefix, 'Argument 1');
  name = webidl.converters.DOMString(name, prefix, 'Argument 2');
  new DOMExceptionMembers(this, message, name);
  // An own `stack`, as errors have; its first line reads "<name>: <message>", and its
  // frames start at the caller of DOMException.
  ErrorCaptureStackTrace(this, DOMException);
}

export const DOMException =
    createInterface('DOMException', 0, initializeDOMException, DOMExceptionMembers);

export { isDOMException };

// A DOMException's serializable state ({ name, message, stack }), or undefined for any
// other value: what structuredClone copies ([Serializable] per WebIDL; the stack too, as
// browsers do).
export function serializeDOMException(value) {
  if (!isDOMException(value)) return undefined;
  const stackDescriptor = Object.getOwnPropertyDescriptor(value, 'stack');
  const stack = stackDescriptor !== undefined && 'value' in stackDescriptor &&
      typeof stackDescriptor.value === 'string' ? stackDescriptor.value : undefined;
  return { name: value.name, message: value.message, stack };
}

// The DOMException a serialized one describes.
export function deserializeDOMException({ name, message, stack }) {
  const exception = new DOMException(message, name);
  if (typeof stack === 'string') {
    ObjectDefineProperty(exception, 'stack', {
      value: stack, writable: true, enumerable: false, configurable: true,
    });
  }
  return exception;
}

ObjectSetPrototypeOf(DOMException.prototype, Error.prototype);
webidl.configureInterface(DOMException);
webidl.defineConstants(DOMException, legacyConstants);
