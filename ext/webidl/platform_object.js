// Platform objects of JavaScript classes (ext:webidl/platform_object.js; ext/web/README.md,
// "Platform objects"): objects structuredClone refuses, made in JavaScript alone, and the
// member copying interface objects share. Every extension that defines interfaces can
// use it (ext/web's createInterface builds on defineMembers).
const ObjectDefineProperty = Object.defineProperty;
const ObjectSetPrototypeOf = Object.setPrototypeOf;
const ObjectIsExtensible = Object.isExtensible;
const ObjectGetOwnPropertyDescriptors = Object.getOwnPropertyDescriptors;
const ReflectOwnKeys = Reflect.ownKeys;
const ReflectConstruct = Reflect.construct;
const FunctionPrototype = Function.prototype;
const NativeFinalizationRegistry = FinalizationRegistry;

// Own properties of a class that are not members: the interface object has its own.
const CLASS_OWN_PROPERTIES = ['length', 'name', 'prototype'];

function copyMembers(target, source, skipped) {
  const descriptors = ObjectGetOwnPropertyDescriptors(source);
  for (const key of ReflectOwnKeys(descriptors)) {
    if (skipped.includes(key)) continue;
    ObjectDefineProperty(target, key, descriptors[key]);
  }
}

// Copies the members of `Members` onto `Interface` as createInterface does, for an
// interface object made another way (ext/url's URL, a JavaScript function whose objects
// are copies of a host object).
export function defineMembers(Interface, Members) {
  copyMembers(Interface.prototype, Members.prototype, ['constructor']);
  copyMembers(Interface, Members, CLASS_OWN_PROPERTIES);
}

// ---- Platform objects of JavaScript classes ----
//
// HTML's structured clone must refuse platform objects that are not serializable
// (Headers, Event, AbortController, ...), but V8 10.2's ValueSerializer clones any
// ordinary object (JS_OBJECT_TYPE) as a plain one, and hands only objects with internal
// fields to the delegate. An object of an instance type the serializer has no case for
// is a DataCloneError of the serializer's own (`#<Headers> could not be cloned.`, named
// after its prototype's `constructor`), thrown through the delegate's ThrowDataCloneError.
//
// newPlatformObject(new.target) makes such an object in JavaScript alone, with
// new.target's prototype and no own property: a generator object (JS_GENERATOR_OBJECT)
// of a generator function that is never run, whose `prototype` is new.target's. Each
// constructor gets its own such "allocator" on first use (kAllocator). Calling it
// allocates the object in optimized code, a few dozen instructions more than a plain
// object, where a builtin constructor such as FinalizationRegistry's takes about 200
// more and createInterface's C++ call 600 (README.md, "Platform objects").
//
// A root interface (one that inherits from no other) is written as a class that
// `extends Object` only so that its constructor is a derived one, which allocates no
// `this`; it returns newPlatformObject(new.target) after setting it up, and never calls
// super(). rootInterface() then gives it the [[Prototype]] WebIDL wants. Its subclasses
// (in kiln or in a program) extend it as usual: their super() returns the platform
// object, and their own fields are added to it.
//
//   export class Headers extends Object {
//     constructor(init = undefined) {
//       const headers = newPlatformObject(new.target);
//       headers[_list] = [];
//       return headers;
//     }
//   }
//   rootInterface(Headers);

// The allocator of a constructor: a non-enumerable property of it under this symbol (a
// private field would be own-only, but loading one from a function takes about 100
// instructions more than this property). A subclass inherits its parent's, whose
// `prototype` is not the subclass's: it then gets its own (allocateFirst).
export const kAllocator = Symbol('[[allocatePlatformObject]]');

// A new generator function each call: the allocator of one prototype. It has no name,
// given or inferred: V8 names an object in stack traces ("at Headers.append") and in
// messages after the function that made it when that function has a name; without one it
// takes the prototype chain's @@toStringTag or `constructor`, the interface's name (or a
// program subclass's).
function newAllocator(prototype) {
  const allocate = anonymousGenerator();
  allocate.prototype = prototype;
  return allocate;
}
function anonymousGenerator() {
  return function* () {};
}

const noCleanup = [function noCleanup() {}];

// A platform object whose [[Prototype]] is newTarget.prototype (read on every call, as
// GetPrototypeFromConstructor does).
export function newPlatformObject(newTarget) {
  const allocate = newTarget[kAllocator];
  const prototype = newTarget.prototype;
  if (allocate !== undefined && allocate.prototype === prototype) return allocate();
  return allocateFirst(newTarget, prototype);
}

// The first object of newTarget, or one after its prototype changed (a function's
// `prototype` may be writable): a new allocator, kept when newTarget takes it. A
// prototype that is not an object, or a newTarget that takes no property (frozen, or a
// Proxy that refuses), gets an object of FinalizationRegistry's builtin constructor,
// another instance type the serializer refuses, which falls back on the intrinsic
// prototype as the standard does.
function allocateFirst(newTarget, prototype) {
  if (typeof prototype !== 'object' || prototype === null) return allocateByBuiltin(newTarget);
  const allocate = newAllocator(prototype);
  try {
    if (!ObjectIsExtensible(newTarget)) return allocateByBuiltin(newTarget);
    ObjectDefineProperty(newTarget, kAllocator, {
      value: allocate, writable: true, enumerable: false, configurable: true,
    });
  } catch {
    return allocateByBuiltin(newTarget);
  }
  return allocate();
}

function allocateByBuiltin(newTarget) {
  return ReflectConstruct(NativeFinalizationRegistry, noCleanup, newTarget);
}

// The allocator of Interface's own objects, kept as its kAllocator too: a constructor
// whose new.target is Interface itself (almost always) calls it directly, which skips
// the two property loads of newPlatformObject (megamorphic there: every interface's
// constructor passes through it), about 100 instructions per object.
//
//   const headers =
//       new.target === Headers ? allocateHeaders() : newPlatformObject(new.target);
export function platformObjectAllocator(Interface) {
  const allocate = newAllocator(Interface.prototype);
  ObjectDefineProperty(Interface, kAllocator, {
    value: allocate, writable: true, enumerable: false, configurable: true,
  });
  return allocate;
}

// An allocator of platform objects whose [[Prototype]] is `prototype`, for objects that
// have a prototype but no interface object (a ReadableStream's async iterator).
export function prototypeAllocator(prototype) {
  return newAllocator(prototype);
}

// Makes Interface, a class written as above, a root interface: its [[Prototype]] becomes
// Function.prototype instead of Object (the constructor never calls super(), so nothing
// looks it up). Its prototype's [[Prototype]] is Object.prototype already.
export function rootInterface(Interface) {
  ObjectSetPrototypeOf(Interface, FunctionPrototype);
  return Interface;
}

// ---- Interfaces whose members keep private fields ----
//
// A root interface's constructor never calls super(), so it cannot add private fields of
// its own class. A class that keeps its state in private fields is therefore split: the
// members class (the original class, renamed `<Name>Members`) extends
// PlatformObjectBase, whose constructor returns a platform object for new.target, so
// that super() gives the members constructor a platform object to add its fields to; the
// interface object is a class of its own that only constructs the members class with the
// same arguments and new.target:
//
//   class ReadableStreamMembers extends PlatformObjectBase {
//     #state;
//     constructor(source = undefined, strategy = undefined) {
//       super(ReadableStreamMembers, ReadableStream, allocateReadableStream);
//       this.#state = ...;
//     }
//     get locked() { ... this.#state ... }
//   }
//   export class ReadableStream extends Object {
//     constructor(source = undefined, strategy = undefined) {
//       return ReflectConstruct(ReadableStreamMembers, arguments, new.target);
//     }
//   }
//   exposeMembers(ReadableStream, ReadableStreamMembers);
//   const allocateReadableStream = platformObjectAllocator(ReadableStream);
//
// Objects get the interface's prototype (new.target's), whose members are the members
// class's, copied; the members class's own prototype is never any object's.
export class PlatformObjectBase extends Object {
  // Members, Interface and Interface's allocator (platformObjectAllocator): new.target
  // is Interface when a program constructs the interface, Members itself when the
  // module constructs its objects directly (`new ReadableStreamMembers(kInternal)`,
  // which skips the interface object's Reflect.construct, about 130 instructions); both
  // take the allocator. A subclass's objects get newPlatformObject's.
  constructor(Members, Interface, allocate) {
    const newTarget = new.target;
    return newTarget === Members || newTarget === Interface
        ? allocate() : newPlatformObject(newTarget);
  }
}

// Makes Interface (written as above) the interface object of Members: Members' prototype
// members go onto Interface.prototype and its static ones onto Interface
// (defineMembers), and Interface becomes a root interface.
export function exposeMembers(Interface, Members) {
  defineMembers(Interface, Members);
  return rootInterface(Interface);
}
