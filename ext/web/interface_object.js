// Interface objects whose instances are host objects (ext:web/interface_object.js; README.md,
// "Interface objects"). The interface object is a V8 API function (op_web_interface_object,
// interface_object.h): `new Name(...)` allocates a host object for new.target, then calls
// the interface's initializer with it as `this`. Methods and accessors are written in an
// ordinary class ("members") and copied onto the interface object and its prototype.
import { op_web_interface_object } from 'ext:core/ops';
import { defineMembers } from 'ext:webidl/platform_object.js';

const ObjectSetPrototypeOf = Object.setPrototypeOf;

// The interface object `name` (`length`: its constructor's required arguments). The
// constructor's steps are `initializer`, called with the new object as `this` and the
// constructor's arguments (its result is ignored; what it throws, the constructor throws).
// The methods, accessors and symbol-keyed members of `Members.prototype` go onto the
// interface object's prototype, the static ones onto the interface object, as they are
// (webidl.configureInterface then makes them enumerable). Calling the interface object
// without `new` throws Chrome's TypeError.
//
// `Parent`, when given, is the interface object of the inherited interface (made by
// createInterface too): WebIDL makes it the new interface object's [[Prototype]] and
// Parent.prototype its prototype's [[Prototype]]. The initializer then sets up the
// parent's state as well (Members extending the parent's members class does that in one
// `new Members(this, ...)`).
export function createInterface(name, length, initializer, Members, Parent = undefined) {
  const Interface = op_web_interface_object(name, length, initializer);
  if (Parent !== undefined) {
    ObjectSetPrototypeOf(Interface, Parent);
    ObjectSetPrototypeOf(Interface.prototype, Parent.prototype);
  }
  defineMembers(Interface, Members);
  return Interface;
}

// A base class whose constructor returns the object it is given, so that a class
// extending it adds its private fields to that object:
//
//   class PointMembers extends ReturnOverride {
//     #x = 0;
//     constructor(object, x) { super(object); this.#x = x; }  // object gets #x
//   }
//
// The constructor is a derived one that never calls super(): it allocates nothing.
export class ReturnOverride extends Object {
  constructor(object) {
    return object;
  }
}
