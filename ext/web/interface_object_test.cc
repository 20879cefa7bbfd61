// ext/web's interface objects (interface_object.h, interface_object.js): their WebIDL shape,
// construction through the initializer, subclasses, host-object instances, errors; from
// source and from a snapshot that holds them (interface_objects_snapshot).
#include "ext/web/interface_object_testing_extension.h"

#include <string>

#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "ext/timers/timers_extension.h"
#include "ext/web/interface_objects_snapshot.h"
#include "ext/web/web_extension.h"
#include "ext/webidl/webidl_extension.h"
#include "gtest/gtest.h"

namespace kiln::web {
namespace {

class InterfaceObjectTest : public testing::RuntimeTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.extensions = {&extensions::timers(), &extensions::webidl(), &extensions::web(),
                          &extensions::interface_object_testing()};
    if (testing::UsingSnapshots()) options.snapshot = &snapshots::interface_objects_snapshot();
    return options;
  }
};

TEST_F(InterfaceObjectTest, RunsFromTheSnapshotWhenAsked) {
  EXPECT_EQ(runtime().from_snapshot(), testing::UsingSnapshots());
}

TEST_F(InterfaceObjectTest, HasWebIdlShape) {
  ExpectEval(R"js({
    const attributes = (object, key) => {
      const d = Object.getOwnPropertyDescriptor(object, key);
      return `${d.writable} ${d.enumerable} ${d.configurable}`;
    };
    [Object.getPrototypeOf(Point) === Function.prototype,
     Object.getPrototypeOf(Point.prototype) === Object.prototype,
     Point.name, Point.length, Recorder.length,
     attributes(Point, 'prototype'), attributes(Point, 'length'), attributes(Point, 'name'),
     Point.prototype.constructor === Point, attributes(Point.prototype, 'constructor'),
     // arguments and caller: V8's API functions have them, in Chrome too.
     Object.getOwnPropertyNames(Point).sort().join(),
     Object.getOwnPropertyNames(Point.prototype).sort().join(),
     typeof Object.getOwnPropertyDescriptor(Point.prototype, 'x').get,
     Function.prototype.toString.call(Point)]
  })js",
             "[\n  true,\n  true,\n  'Point',\n  2,\n  0,\n  'false false false',\n"
             "  'false false true',\n  'false false true',\n  true,\n  'true false true',\n"
             "  'arguments,caller,length,name,origin,prototype',\n  'constructor,sum,x',\n"
             "  'function',\n"
             "  'function Point() { [native code] }'\n]");
}

TEST_F(InterfaceObjectTest, ConstructsThroughTheInitializer) {
  ExpectEval("{ const p = new Point(2, 3); [p.x, p.sum(), Point.origin().sum(), "
             "p instanceof Point, Object.keys(p).length] }",
             "[ 2, 5, 0, true, 0 ]");
  // The initializer gets every argument (more than the inline four too); its result is
  // ignored.
  ExpectEval("{ const r = new Recorder(1, 'b', null, undefined, 5, 6); "
             "[r instanceof Recorder, r.args.length, r.args[1], r.args[5]] }",
             "[ true, 6, 'b', 6 ]");
  ExpectEval("new Recorder().args", "[]");
  // Private fields are per object; methods check them.
  ExpectThrows("Point.prototype.sum.call({})", "TypeError: Illegal invocation");
  ExpectThrows("Point.prototype.sum.call(new Recorder())", "TypeError: Illegal invocation");
}

TEST_F(InterfaceObjectTest, SubclassesAndOtherNewTargets) {
  ExpectEval(R"js({
    class Labelled extends Point {
      constructor(label) { super(1, 2); this.label = label; }
      describe() { return `${this.label}: ${this.sum()}`; }
    }
    const l = new Labelled('p');
    function Other() {}
    const o = Reflect.construct(Point, [4, 5], Other);
    [l.describe(), l instanceof Point, l instanceof Labelled, l.constructor === Labelled,
     Object.getPrototypeOf(o) === Other.prototype, Point.prototype.sum.call(o)]
  })js",
             "[ 'p: 3', true, true, true, true, 9 ]");
}

TEST_F(InterfaceObjectTest, InheritsAParentInterface) {
  ExpectEval(R"js({
    const c = new ColoredPoint(1, 2, 'red');
    class Sub extends ColoredPoint {}
    const s = new Sub(3, 4, 'blue');
    [Object.getPrototypeOf(ColoredPoint) === Point,
     Object.getPrototypeOf(ColoredPoint.prototype) === Point.prototype,
     ColoredPoint.length, Object.getOwnPropertyNames(ColoredPoint.prototype).sort().join(),
     c.color, c.sum(), c.x, c instanceof Point, c instanceof ColoredPoint,
     s.color, s.sum(), s instanceof ColoredPoint, ColoredPoint.origin().sum()]
  })js",
             "[\n  true,\n  true,\n  3,\n  'color,constructor',\n  'red',\n  3,\n  1,\n"
             "  true,\n  true,\n  'blue',\n  7,\n  true,\n  0\n]");
  // The parent's members check the parent's fields: a Point is no ColoredPoint.
  ExpectThrows("Object.getOwnPropertyDescriptor(ColoredPoint.prototype, 'color').get"
               ".call(new Point(1, 2))",
               "TypeError: Illegal invocation");
  ExpectThrows("ColoredPoint(1, 2, 'red')",
               "TypeError: Failed to construct 'ColoredPoint': Please use the 'new' operator, "
               "this DOM object constructor cannot be called as a function.");
  ExpectEval("{ try { structuredClone(new ColoredPoint(1, 2, 'red')); } catch (e) { e.message } }",
             "'#<ColoredPoint> could not be cloned.'");
}

TEST_F(InterfaceObjectTest, ErrorsAreTheBrowsers) {
  ExpectThrows("Point(1, 2)",
               "TypeError: Failed to construct 'Point': Please use the 'new' operator, this DOM "
               "object constructor cannot be called as a function.");
  ExpectThrows("Recorder.call(new Recorder())",
               "TypeError: Failed to construct 'Recorder': Please use the 'new' operator, this "
               "DOM object constructor cannot be called as a function.");
  // What the initializer throws is the constructor's, catchable in the calling script.
  ExpectThrows("new Point(1)",
               "TypeError: Failed to construct 'Point': 2 arguments required, but only 1 "
               "present.");
  ExpectEval("{ let caught; try { new Point(); } catch (e) { caught = e instanceof TypeError; } "
             "caught }",
             "true");
}

TEST_F(InterfaceObjectTest, InstancesAreHostObjects) {
  ExpectEval(R"js({
    const outcome = (value) => {
      try {
        structuredClone(value);
        return 'cloned';
      } catch (e) {
        return `${e.name}: ${e.message}`;
      }
    };
    class Sub extends Point {}
    [outcome(new Point(1, 2)), outcome({ deep: [new Recorder()] }), outcome(new Sub(1, 2))]
  })js",
             "[\n  'DataCloneError: #<Point> could not be cloned.',\n"
             "  'DataCloneError: #<Recorder> could not be cloned.',\n"
             "  'DataCloneError: #<Sub> could not be cloned.'\n]");
}

TEST_F(InterfaceObjectTest, MadeAfterTheSnapshotToo) {
  ExpectEval(R"js({
    const Late = kiln.ops.op_web_interface_object('Late', 1, function (value) {
      this.value = value;
    });
    const late = new Late('v');
    [late.value, new Point(1, 1).sum(), Late.name,
     Object.getPrototypeOf(Late) === Function.prototype]
  })js",
             "[ 'v', 2, 'Late', true ]");
  ExpectThrows("kiln.ops.op_web_interface_object('Bad', 0, 'not a function')",
               "TypeError: op_web_interface_object: expected a length >= 0 and an initializer "
               "function");
  ExpectThrows("kiln.ops.op_web_interface_object('Bad', -1, () => {})",
               "TypeError: op_web_interface_object: expected a length >= 0 and an initializer "
               "function");
}

}  // namespace
}  // namespace kiln::web
