// DOMException (ext:web/dom_exception.js), as WebIDL defines it
// (https://webidl.spec.whatwg.org/#idl-DOMException): a name, a message and the legacy
// code of the name, on a prototype chained to Error.prototype so `instanceof Error` holds
// and stacks print as errors do.
import { op_web_host_object_constructor } from 'ext:core/ops';
import * as webidl from 'ext:webidl/webidl.js';

const ErrorCaptureStackTrace = Error.captureStackTrace;
const ObjectSetPrototypeOf = Object.setPrototypeOf;
const ObjectDefineProperty = Object.defineProperty;
const NativeTypeError = TypeError;

// DOMExceptions are host objects (objects of an API template with an internal field), the
// only objects V8's serializer hands to structuredClone's delegate (web_clone_ops.h).
const HostObject = op_web_host_object_constructor();

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

// The object every DOMException is: a host object whose class holds the private state.
// DOMException's constructor makes one and gives it new.target's prototype. (The interface
// object cannot extend HostObject itself: WebIDL wants its [[Prototype]] to be
// Function.prototype. And the object is made with its own class as new.target, the one
// kind of new.target for which V8 caches the map of an API constructor's subclass.)
class DOMExceptionObject extends HostObject {
  // Private fields: invisible to inspection and reflection, and a brand no prototype
  // trick can forge.
  #name;
  #message;
  #code;

  constructor(message, name) {
    super();
    const prefix = "Failed to construct 'DOMException'";
    this.#message = webidl.converters.DOMString(message, prefix, 'Argument 1');
    this.#name = webidl.converters.DOMString(name, prefix, 'Argument 2');
    this.#code = legacyCodes[this.#name] ?? 0;
    // An own `stack`, as errors have; its first line reads "<name>: <message>".
    ErrorCaptureStackTrace(this, DOMException);
  }

  // Whether `value` is a DOMException (made by DOMException's constructor): for
  // structuredClone and the other serializers.
  static isDOMException(value) {
    return value !== null && typeof value === 'object' && #name in value;
  }

  static nameOf(exception) {
    return exception.#name;
  }

  static messageOf(exception) {
    return exception.#message;
  }

  static codeOf(exception) {
    return exception.#code;
  }
}

const { isDOMException, nameOf, messageOf, codeOf } = DOMExceptionObject;

export class DOMException {
  constructor(message = '', name = 'Error') {
    const exception = new DOMExceptionObject(message, name);
    ObjectSetPrototypeOf(exception, new.target.prototype);
    return exception;
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
