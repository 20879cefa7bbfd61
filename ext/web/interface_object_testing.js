// Tests only (ext:interface_object_testing/interface_object_testing.js): interface objects
// made with ext:web/interface_object.js while the module is evaluated (so a snapshot holds
// them), as globals for interface_object_test.cc.
import { createInterface, ReturnOverride } from 'ext:web/interface_object.js';

// Point: private fields added through ReturnOverride, a method, an accessor, a static.
class PointMembers extends ReturnOverride {
  #x = 0;
  #y = 0;

  constructor(object, x, y) {
    super(object);
    this.#x = x;
    this.#y = y;
  }

  static #check(self) {
    if (typeof self !== 'object' || self === null || !(#x in self)) {
      throw new TypeError('Illegal invocation');
    }
  }

  get x() {
    PointMembers.#check(this);
    return this.#x;
  }

  sum() {
    PointMembers.#check(this);
    return this.#x + this.#y;
  }

  static origin() {
    return new Point(0, 0);
  }
}

function initializePoint(x, y) {
  if (arguments.length < 2) {
    throw new TypeError("Failed to construct 'Point': 2 arguments required, but only " +
                        `${arguments.length} present.`);
  }
  new PointMembers(this, Number(x), Number(y));
}

const Point = createInterface('Point', 2, initializePoint, PointMembers);

// ColoredPoint: inherits Point (createInterface's Parent); its members class extends
// Point's, so one `new ColoredPointMembers(this, ...)` adds the fields of both.
class ColoredPointMembers extends PointMembers {
  #color = '';

  constructor(object, x, y, color) {
    super(object, x, y);
    this.#color = color;
  }

  get color() {
    if (typeof this !== 'object' || this === null || !(#color in this)) {
      throw new TypeError('Illegal invocation');
    }
    return this.#color;
  }
}

function initializeColoredPoint(x, y, color) {
  new ColoredPointMembers(this, Number(x), Number(y), String(color));
}

const ColoredPoint =
    createInterface('ColoredPoint', 3, initializeColoredPoint, ColoredPointMembers, Point);

// Recorder: its initializer keeps what it was called with, and returns something else
// (which the constructor ignores).
function initializeRecorder(...args) {
  this.args = args;
  return 'not the result';
}

const Recorder = createInterface('Recorder', 0, initializeRecorder, class {});

for (const [name, value] of [['Point', Point], ['ColoredPoint', ColoredPoint],
                             ['Recorder', Recorder]]) {
  Object.defineProperty(globalThis, name, {
    value, writable: true, enumerable: false, configurable: true,
  });
}
