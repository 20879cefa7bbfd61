// The web extension's DOM basics: DOMException, Event and its subclasses, EventTarget,
// event handler attributes, AbortController / AbortSignal (timeout, any), the global
// object as an EventTarget, reportError and the runtime's error hooks, and how they print.
#include "ext/web/web_extension.h"

#include <chrono>
#include <string>

#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "ext/timers/timers_extension.h"
#include "ext/web/web_testing_extension.h"
#include "ext/webidl/webidl_extension.h"
#include "gtest/gtest.h"

namespace kiln::web {
namespace {

class WebTest : public testing::RuntimeTest {
 protected:
  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.extensions = {&extensions::webidl(), &extensions::timers(), &extensions::web(),
                          &extensions::web_testing()};
    return options;
  }
  // Each check in its own block scope, so the checks of a test may reuse names.
  void Expect(const std::string& code, const std::string& expected) {
    ExpectEval("{" + code + "\n}", expected);
  }
  void Throws(const std::string& code, const std::string& expected) {
    ExpectThrows("{" + code + "\n}", expected);
  }
};

// ---- DOMException ----

// ---- User Timing and the performance timeline ----

TEST_F(WebTest, MarksAndMeasures) {
  ExpectEval(R"js(
    const a = performance.mark('a', { startTime: 10, detail: { n: 1 } });
    performance.mark('b', { startTime: 30 });
    const m1 = performance.measure('a-b', 'a', 'b');
    const m2 = performance.measure('dur', { start: 'a', duration: 5, detail: [1] });
    const m3 = performance.measure('to-b', { end: 'b', duration: 8 });
    [a instanceof PerformanceMark, a instanceof PerformanceEntry, a.detail,
     [m1.startTime, m1.duration], [m2.startTime, m2.duration, m2.detail],
     [m3.startTime, m3.duration],
     performance.getEntries().map((e) => e.name),
     performance.getEntriesByType('measure').length,
     performance.getEntriesByName('a')[0] === a, JSON.stringify(a),
     PerformanceObserver.supportedEntryTypes]
  )js",
             "[\n  true,\n  true,\n  { n: 1 },\n  [ 10, 20 ],\n  [ 10, 5, [ 1 ] ],\n  [ 22, 8 ],\n"
             "  [ 'a', 'a-b', 'dur', 'to-b', 'b' ],\n  3,\n  true,\n"
             "  '{\"name\":\"a\",\"entryType\":\"mark\",\"startTime\":10,\"duration\":0}',\n"
             "  [ 'mark', 'measure' ]\n]");
  ExpectEval("performance.clearMarks('a'); performance.clearMeasures();"
             "performance.getEntries().map((e) => `${e.entryType}:${e.name}`)",
             "[ 'mark:b' ]");
  ExpectEval("performance.mark('x', { startTime: 1.5 })",
             "PerformanceMark {\n  name: 'x',\n  entryType: 'mark',\n  startTime: 1.5,\n"
             "  duration: 0,\n  detail: null\n}");
}

TEST_F(WebTest, PerformanceAndNavigatorObjectsAreDataCloneErrors) {
  // Platform objects that are not serializable, as in Chrome, deno and bun.
  ExpectEval(R"js([
    performance, navigator, performance.mark('a'), performance.measure('m'),
    new PerformanceMark('b'), new PerformanceObserver(() => {}),
  ].map((object) => {
    try { structuredClone(object); return 'cloned'; } catch (e) { return e.name; }
  }))js",
             "[\n  'DataCloneError',\n  'DataCloneError',\n  'DataCloneError',\n"
             "  'DataCloneError',\n  'DataCloneError',\n  'DataCloneError'\n]");
  // A program's subclass of PerformanceObserver still gets its own prototype and works.
  ExpectEval(R"js({
    class Observer extends PerformanceObserver { extra() { return 'extra'; } }
    const o = new Observer(() => {});
    o.observe({ type: 'mark' });
    o.disconnect();
    [o instanceof Observer, o instanceof PerformanceObserver, o.extra(),
     Object.getPrototypeOf(PerformanceObserver) === Function.prototype]
  })js",
             "[ true, true, 'extra', true ]");
  ExpectEval("new PerformanceObserver(() => {})", "PerformanceObserver {}");
}

TEST_F(WebTest, StackTracesNamePlatformObjectsAfterTheirInterface) {
  // A method's frame names its receiver by its interface (or a program's subclass), not
  // by the function that allocated the platform object.
  ExpectEval(R"js({
    class Target extends EventTarget {}
    const frames = [new EventTarget(), new Target()].map((target) => {
      try { target.addEventListener('x', 5); } catch (e) {
        return e.stack.split('\n').map((line) => line.trim())
            .find((line) => line.startsWith('at ') && line.includes('.addEventListener'))
            .replace(/:\d+:\d+\)$/, ')');
      }
    });
    frames
  })js",
             "[\n  'at EventTarget.addEventListener (ext:web/events.js)',\n"
             "  'at Target.addEventListener (ext:web/events.js)'\n]");
}

TEST_F(WebTest, UserTimingErrors) {
  ExpectEval("try { performance.measure('m', 'no such mark') } catch (e) {"
             " [e instanceof DOMException, `${e.name}: ${e.message}`] }",
             "[\n  true,\n  \"SyntaxError: Failed to execute 'measure' on 'Performance': The "
             "mark 'no such mark' does not exist.\"\n]");
  ExpectThrows("performance.mark('m', { startTime: -1 })",
               "TypeError: Failed to execute 'mark' on 'Performance': 'm' cannot have a "
               "negative start time.");
  ExpectThrows("performance.measure('m', { detail: 1 })",
               "TypeError: Failed to execute 'measure' on 'Performance': If a non-empty "
               "PerformanceMeasureOptions object was passed, at least one of its 'start' or "
               "'end' properties must be present.");
  ExpectEval("try { performance.mark('m', { detail: () => 1 }) } catch (e) { e.name }",
             "'DataCloneError'");
  ExpectThrows("new PerformanceMeasure()", "TypeError: Illegal constructor");
  ExpectThrows("new PerformanceObserver(1)",
               "TypeError: Failed to construct 'PerformanceObserver': The callback provided as "
               "parameter 1 is not a function.");
  ExpectThrows("new PerformanceObserver(() => {}).observe({})",
               "TypeError: Failed to execute 'observe' on 'PerformanceObserver': An observe() "
               "call must include either entryTypes or type arguments.");
}

TEST_F(WebTest, PerformanceObserversGetEntriesInATask) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    const log = [];
    performance.mark('before');
    const single = new PerformanceObserver((list, observer) => {
      log.push(`single ${list.getEntries().map((e) => e.name)} ${observer === single}`);
    });
    single.observe({ type: 'mark', buffered: true });
    const multiple = new PerformanceObserver((list) => {
      log.push(`multiple ${list.getEntriesByType('measure').map((e) => e.name)}`);
      multiple.disconnect();
    });
    multiple.observe({ entryTypes: ['measure', 'unknown'] });
    const throwing = new PerformanceObserver(() => { throw new Error('observer'); });
    throwing.observe({ type: 'measure' });
    globalThis.addEventListener('error', (event) => {
      log.push(`error ${event.message}`);
      event.preventDefault();
    });
    performance.mark('after');
    performance.measure('m');
    log.push('sync');
    setTimeout(() => { performance.measure('late'); }, 5);
    setTimeout(() => { globalThis.result = log; }, 50);
  )js"),
            "[\n  'sync',\n  'single before,after true',\n  'multiple m',\n"
            "  'error Uncaught Error: observer',\n  'error Uncaught Error: observer'\n]");
}

// ---- MessageChannel, MessagePort, BroadcastChannel ----

TEST_F(WebTest, MessageChannelsDeliverClonesInOrderAsTasks) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    const log = [];
    const { port1, port2 } = new MessageChannel();
    const sent = { list: [1, 2] };
    const describe = (data) =>
        data instanceof ArrayBuffer ? `ArrayBuffer(${data.byteLength})` : JSON.stringify(data);
    port2.onmessage = (event) => {
      log.push([describe(event.data), event.data === sent, event.isTrusted,
                event.target === port2, event instanceof MessageEvent, event.ports.length]);
      Promise.resolve().then(() => log.push('microtask between messages'));
    };
    port1.postMessage(sent);
    port1.postMessage('second');
    sent.list.push(3);  // after posting: not seen
    log.push('sync');
    // A port not started keeps its messages until start().
    const channel = new MessageChannel();
    channel.port1.postMessage('queued');
    channel.port2.addEventListener('message', (event) => log.push(`late ${event.data}`));
    setTimeout(() => channel.port2.start(), 5);
    const buffer = new ArrayBuffer(4);
    port1.postMessage(buffer, [buffer]);
    log.push(`detached ${buffer.byteLength}`);
    setTimeout(() => {
      port1.close();
      port1.postMessage('after close');  // dropped
      globalThis.result = log;
    }, 30);
  )js"),
            "[\n  'sync',\n  'detached 0',\n  [ '{\"list\":[1,2]}', false, true, true, true, 0 ],\n"
            "  'microtask between messages',\n  [ '\"second\"', false, true, true, true, 0 ],\n"
            "  'microtask between messages',\n  [ 'ArrayBuffer(4)', false, true, true, true, 0 ],\n"
            "  'microtask between messages',\n  'late queued'\n]");
}

TEST_F(WebTest, BroadcastChannelsOfOneName) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    const log = [];
    const a = new BroadcastChannel('news'), b = new BroadcastChannel('news');
    const c = new BroadcastChannel('news'), other = new BroadcastChannel('sports');
    for (const [name, channel] of [['a', a], ['b', b], ['c', c], ['other', other]]) {
      channel.onmessage = (event) => log.push(`${name} got ${event.data.text} (${event.origin})`);
    }
    a.postMessage({ text: 'hello' });
    c.close();
    setTimeout(() => {
      let error;
      try { c.postMessage('x'); } catch (e) { error = `${e.name}: ${e.message}`; }
      log.push(error, a.name);
      for (const channel of [a, b, other]) channel.close();
      globalThis.result = log;
    }, 10);
  )js"),
            "[\n  'b got hello (null)',\n"
            "  \"InvalidStateError: Failed to execute 'postMessage' on 'BroadcastChannel': "
            "Channel is closed\",\n  'news'\n]");
}

// Transferring a port: messages waiting on it move to the port that receives it, the
// partner's messages go there, and the old port is neutered (closed, its postMessage
// reaches nobody). A port transferred again keeps the entanglement.
TEST_F(WebTest, MessagePortsTransfer) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    const log = [];
    const { port1: carrier1, port2: carrier2 } = new MessageChannel();
    const { port1: a, port2: b } = new MessageChannel();
    a.postMessage('waiting on b');  // b not started: the message waits in b's queue
    carrier1.postMessage({ port: b }, [b]);
    a.postMessage('sent after the transfer');
    b.postMessage('from the neutered port');  // reaches nobody
    b.start();
    carrier2.onmessage = (event) => {
      const received = event.ports[0];
      log.push([event.data.port === received, event.ports.length, Object.isFrozen(event.ports),
                received === b]);
      received.onmessage = (e) => {
        log.push(`received: ${e.data}`);
        if (e.data === 'sent after the transfer') {
          // Again, through structuredClone this time: the entanglement survives.
          const again = structuredClone(received, { transfer: [received] });
          again.onmessage = (e2) => {
            log.push(`again: ${e2.data}`);
            again.postMessage('reply');
          };
          a.postMessage('third');
        }
      };
    };
    a.onmessage = (e) => {
      log.push(`a: ${e.data}`);
      a.close();
      carrier1.close();
      globalThis.result = log;
    };
  )js"),
            "[\n  [ true, 1, true, false ],\n  'received: waiting on b',\n"
            "  'received: sent after the transfer',\n  'again: third',\n  'a: reply'\n]");
}

// A started port transferred with messages already queued as tasks: they arrive on the
// port that received it, not on the neutered one.
TEST_F(WebTest, MessagePortTasksFollowATransfer) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    const log = [];
    const { port1, port2 } = new MessageChannel();
    port2.onmessage = (e) => log.push(`old: ${e.data}`);
    port1.postMessage('one');
    port1.postMessage('two');
    const moved = structuredClone(port2, { transfer: [port2] });
    moved.onmessage = (e) => {
      log.push(`new: ${e.data}`);
      if (e.data === 'two') { port1.close(); globalThis.result = log; }
    };
  )js"),
            "[ 'new: one', 'new: two' ]");
}

// Ports left open, transferred or not, are garbage like any object.
TEST_F(WebTest, TransferredPortsLeftOpen) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    for (let i = 0; i < 200; i++) {
      const { port1, port2 } = new MessageChannel();
      const moved = structuredClone(port2, { transfer: [port2] });
      moved.onmessage = () => {};
      port1.postMessage(new Uint8Array(1024));
    }
    globalThis.result = 'done';
  )js"),
            "'done'");
}

TEST_F(WebTest, MessagingErrors) {
  ExpectThrows("new MessagePort()", "TypeError: Illegal constructor");
  ExpectEval("const { port1 } = new MessageChannel();"
             "try { port1.postMessage(1, [port1]); } catch (e) { `${e.name}: ${e.message}`; }",
             "\"DataCloneError: Failed to execute 'postMessage' on 'MessagePort': Port at index 0 "
             "contains the source port.\"");
  ExpectEval("try { new MessageChannel().port1.postMessage(() => 1); } catch (e) { e.name }",
             "'DataCloneError'");
  ExpectEval("{ const { port1, port2 } = new MessageChannel();"
             "try { port1.postMessage(1, [port2, port2]); } catch (e) { `${e.name}: ${e.message}`; } }",
             "\"DataCloneError: Failed to execute 'postMessage' on 'MessagePort': Port at index 1 "
             "is a duplicate of an earlier port.\"");
  ExpectEval("{ const { port2 } = new MessageChannel(); const channel = new BroadcastChannel('x');"
             "try { channel.postMessage(port2); } catch (e) { `${e.name}: ${e.message}`; }"
             " finally { channel.close(); } }",
             "'DataCloneError: A MessagePort could not be cloned because it was not transferred.'");
  ExpectThrows("new BroadcastChannel()",
               "TypeError: Failed to construct 'BroadcastChannel': 1 argument required, but "
               "only 0 present.");
}

TEST_F(WebTest, DOMExceptionNamesCodesAndConstants) {
  Expect("const e = new DOMException('gone', 'NotFoundError');"
         "[e.name, e.message, e.code, e instanceof DOMException, e instanceof Error]",
         "[ 'NotFoundError', 'gone', 8, true, true ]");
  Expect("const e = new DOMException(); [e.name, e.message, e.code]", "[ 'Error', '', 0 ]");
  Expect("[new DOMException('', 'IndexSizeError').code, new DOMException('', 'AbortError').code,"
         " new DOMException('', 'DataCloneError').code, new DOMException('', 'TimeoutError').code,"
         " new DOMException('', 'OperationError').code, new DOMException('', 'InvalidStateError').code]",
         "[ 1, 20, 25, 23, 0, 11 ]");
  Expect("[DOMException.INDEX_SIZE_ERR, DOMException.DOMSTRING_SIZE_ERR, DOMException.ABORT_ERR,"
         " DOMException.DATA_CLONE_ERR, new DOMException().TIMEOUT_ERR,"
         " DOMException.prototype.VALIDATION_ERR]",
         "[ 1, 2, 20, 25, 23, 16 ]");
  Expect("Object.getOwnPropertyDescriptor(DOMException, 'ABORT_ERR')",
         "{ value: 20, writable: false, enumerable: true, configurable: false }");
  Expect("new DOMException(12, { toString() { return 'SyntaxError'; } }).code", "12");
}

TEST_F(WebTest, DOMExceptionShape) {
  Expect("const e = new DOMException('m', 'AbortError');"
         "[Object.getOwnPropertyNames(e), Object.getPrototypeOf(DOMException.prototype) ==="
         " Error.prototype, Object.prototype.toString.call(e),"
         " typeof Object.getOwnPropertyDescriptor(DOMException.prototype, 'code').get,"
         " Object.getOwnPropertyDescriptor(DOMException.prototype, 'name').enumerable,"
         " e.stack.split('\\n')[0], DOMException.length, DOMException.name]",
         "[\n  [ 'stack' ],\n  true,\n  '[object DOMException]',\n  'function',\n  true,\n"
         "  'AbortError: m',\n  0,\n  'DOMException'\n]");
  Throws("Object.getOwnPropertyDescriptor(DOMException.prototype, 'name').get.call({})",
         "TypeError: Illegal invocation");
  Throws("DOMException.prototype.code", "TypeError: Illegal invocation");
  Throws("Object.create(DOMException.prototype).message", "TypeError: Illegal invocation");
  Throws("DOMException('x')",
         "TypeError: Failed to construct 'DOMException': Please use the 'new' operator, this "
         "DOM object constructor cannot be called as a function.");
  Throws("new DOMException(Symbol())",
         "TypeError: Failed to construct 'DOMException': Argument 1 is a symbol, which cannot "
         "be converted to a string.");
}

TEST_F(WebTest, DOMExceptionPrintsAsNodePrintsIt) {
  Expect("const lines = kiln.inspect(new DOMException('msg', 'AbortError')).split('\\n');"
         "[lines[0], lines[1].trim().startsWith('at ')]",
         "[ 'DOMException [AbortError]: msg', true ]");
  Expect("kiln.inspect(new DOMException()).split('\\n')[0]", "'DOMException [Error]'");
}

// ---- Event ----

TEST_F(WebTest, EventConstructionAndDefaults) {
  Expect("const e = new Event('x');"
         "[e.type, e.target, e.srcElement, e.currentTarget, e.eventPhase, e.bubbles,"
         " e.cancelable, e.defaultPrevented, e.returnValue, e.isTrusted, e.composed,"
         " e.timeStamp > 0, e.cancelBubble, e.composedPath()]",
         "[\n  'x',   null,  null,\n  null,  0,     false,\n  false, false, true,\n"
         "  false, false, true,\n  false, []\n]");
  Expect("const e = new Event('y', { bubbles: true, cancelable: 1, composed: 'yes', other: 1 });"
         "[e.bubbles, e.cancelable, e.composed, e.other]",
         "[ true, true, true, undefined ]");
  Expect("const read = [];"
         "new Event('z', { get cancelable() { read.push('c'); }, get bubbles() { read.push('b'); },"
         " get composed() { read.push('o'); } }); read",
         "[ 'b', 'c', 'o' ]");
  Expect("[Event.NONE, Event.CAPTURING_PHASE, Event.AT_TARGET, Event.BUBBLING_PHASE,"
         " new Event('a').AT_TARGET, Event.length, Event.prototype.initEvent.length]",
         "[\n  0, 1, 2, 3,\n  2, 1, 1\n]");
  Throws("new Event()",
         "TypeError: Failed to construct 'Event': 1 argument required, but only 0 present.");
  Throws("Event('x')", "TypeError: Class constructor Event cannot be invoked without 'new'");
  Throws("new Event('x', 5)",
         "TypeError: Failed to construct 'Event': Argument 2 can not be converted to "
         "'EventInit'.");
  Throws("new Event({ toString() { throw new RangeError('from toString'); } })",
         "RangeError: from toString");
}

TEST_F(WebTest, IsTrustedIsAnUnforgeableOwnAccessor) {
  Expect("const a = Object.getOwnPropertyDescriptor(new Event('x'), 'isTrusted');"
         "const b = Object.getOwnPropertyDescriptor(new Event('y'), 'isTrusted');"
         "[typeof a.get, a.get === b.get, a.set, a.enumerable, a.configurable,"
         " 'isTrusted' in Event.prototype]",
         "[ 'function', true, undefined, true, false, false ]");
  Throws("const e = new Event('x'); Object.defineProperty(e, 'isTrusted', { value: true })",
         "TypeError: Cannot redefine property: isTrusted");
  Throws("Object.getOwnPropertyDescriptor(new Event('x'), 'isTrusted').get.call({})",
         "TypeError: Illegal invocation");
}

TEST_F(WebTest, EventInterfaceShape) {
  Expect("const d = (k) => Object.getOwnPropertyDescriptor(Event.prototype, k);"
         "[Object.prototype.toString.call(new Event('x')), d('type').enumerable,"
         " d('preventDefault').enumerable, d('constructor').enumerable,"
         " Object.prototype.toString.call(Event.prototype)]",
         "[ '[object Event]', true, true, false, '[object Event]' ]");
  Throws("Object.getOwnPropertyDescriptor(Event.prototype, 'type').get.call({})",
         "TypeError: Illegal invocation");
  Throws("Event.prototype.preventDefault.call(new EventTarget())", "TypeError: Illegal invocation");
  Throws("Object.create(Event.prototype).type", "TypeError: Illegal invocation");
}

TEST_F(WebTest, PreventDefaultReturnValueAndCancelBubble) {
  Expect("const e = new Event('x', { cancelable: true }); e.preventDefault();"
         "const f = new Event('x'); f.preventDefault();"
         "const g = new Event('x', { cancelable: true }); g.returnValue = false;"
         "const h = new Event('x'); h.cancelBubble = true; const i = new Event('x');"
         "i.stopPropagation(); i.cancelBubble = false;"
         "[e.defaultPrevented, e.returnValue, f.defaultPrevented, g.defaultPrevented,"
         " h.cancelBubble, i.cancelBubble]",
         "[ true, false, false, true, true, true ]");
}

TEST_F(WebTest, InitEvent) {
  Expect("const e = new Event('a', { cancelable: true }); e.preventDefault();"
         "e.initEvent('b', true); [e.type, e.bubbles, e.cancelable, e.defaultPrevented]",
         "[ 'b', true, false, false ]");
  Expect("const t = new EventTarget(); const e = new Event('a'); let seen;"
         "t.addEventListener('a', () => { e.initEvent('changed'); seen = e.type; });"
         "t.dispatchEvent(e); [seen, e.type]",
         "[ 'a', 'a' ]");
  Throws("new Event('a').initEvent()",
         "TypeError: Failed to execute 'initEvent' on 'Event': 1 argument required, but only 0 "
         "present.");
}

TEST_F(WebTest, EventSubclasses) {
  Expect("const c = new CustomEvent('c', { detail: { n: 1 }, cancelable: true });"
         "const d = new CustomEvent('d');"
         "[c.detail, c.cancelable, d.detail, c instanceof Event, CustomEvent.length,"
         " Object.prototype.toString.call(c)]",
         "[ { n: 1 }, true, null, true, 1, '[object CustomEvent]' ]");
  Expect("const read = []; const init = {};"
         "for (const key of ['bubbles', 'cancelable', 'composed', 'detail', 'message', 'lineno'])"
         "  Object.defineProperty(init, key, { get() { read.push(key); } });"
         "new CustomEvent('c', init); read.push('|'); new ErrorEvent('e', init); read.join(' ')",
         "'bubbles cancelable composed detail | bubbles cancelable composed lineno message'");
  Expect("const c = new CustomEvent('c'); c.initCustomEvent('e', true, false, 7);"
         "[c.type, c.bubbles, c.detail]",
         "[ 'e', true, 7 ]");
  Expect("const error = new Error('boom');"
         "const e = new ErrorEvent('error', { message: 'm', filename: 'f.js', lineno: 3,"
         " colno: 4.9, error });"
         "const blank = new ErrorEvent('error');"
         "[e.message, e.filename, e.lineno, e.colno, e.error === error, blank.message,"
         " blank.lineno, blank.error]",
         "[ 'm', 'f.js', 3, 4, true, '', 0, undefined ]");
  Expect("const promise = Promise.resolve(1);"
         "const e = new PromiseRejectionEvent('unhandledrejection', { promise, reason: 'r' });"
         "[e.promise === promise, e.reason, e instanceof Event, PromiseRejectionEvent.length]",
         "[ true, 'r', true, 2 ]");
  Throws("new PromiseRejectionEvent('unhandledrejection', {})",
         "TypeError: Failed to construct 'PromiseRejectionEvent': Argument 2 can not be "
         "converted to 'PromiseRejectionEventInit' because 'promise' is required in "
         "'PromiseRejectionEventInit'.");
  Throws("new PromiseRejectionEvent('unhandledrejection')",
         "TypeError: Failed to construct 'PromiseRejectionEvent': 2 arguments required, but "
         "only 1 present.");
  Throws("Object.getOwnPropertyDescriptor(CustomEvent.prototype, 'detail').get.call("
         "new Event('x'))",
         "TypeError: Illegal invocation");
}

TEST_F(WebTest, EventsPrintAsNodePrintsThem) {
  Expect("kiln.inspect(new Event('x')).replace(/timeStamp: [0-9.]+/, 'timeStamp: T')"
         ".split('\\n').join('|')",
         "\"Event {|  type: 'x',|  defaultPrevented: false,|  cancelable: false,|"
         "  timeStamp: T|}\"");
  Expect("kiln.inspect(new CustomEvent('c', { cancelable: true })).split('\\n').slice(0, 4)"
         ".join('|')",
         "\"CustomEvent {|  type: 'c',|  defaultPrevented: false,|  cancelable: true,\"");
  Expect("kiln.inspect(new EventTarget())", "'EventTarget {}'");
  Expect("kiln.inspect({ e: new EventTarget() }, { depth: -1 })", "'[Object]'");
}

// ---- EventTarget ----

TEST_F(WebTest, ListenersRunCaptureFirstThenInOrder) {
  Expect(R"js(
    const t = new EventTarget();
    const log = [];
    t.addEventListener('x', () => log.push('bubble 1'));
    t.addEventListener('x', () => log.push('capture'), true);
    t.addEventListener('x', function (e) {
      log.push(`bubble 2 ${this === t} ${e.target === t} ${e.currentTarget === t} ` +
               `${e.eventPhase} ${e.composedPath().length}`);
    }, { capture: false });
    const e = new Event('x');
    const result = t.dispatchEvent(e);
    [log, result, e.eventPhase, e.currentTarget, e.target === t, e.composedPath()]
  )js",
         "[\n  [ 'capture', 'bubble 1', 'bubble 2 true true true 2 1' ],\n  true,\n  0,\n"
         "  null,\n  true,\n  []\n]");
}

TEST_F(WebTest, DuplicateListenersAreAddedOnce) {
  Expect(R"js(
    const t = new EventTarget();
    let count = 0;
    const f = () => count++;
    t.addEventListener('x', f);
    t.addEventListener('x', f, { once: true });
    t.addEventListener('x', f, true);
    t.dispatchEvent(new Event('x'));
    t.removeEventListener('x', f);
    t.dispatchEvent(new Event('x'));
    t.removeEventListener('x', f, { capture: true });
    t.dispatchEvent(new Event('x'));
    count
  )js",
         "3");
}

TEST_F(WebTest, OnceListenersAndRemovalDuringDispatch) {
  Expect(R"js(
    const t = new EventTarget();
    const log = [];
    const second = () => log.push('second');
    t.addEventListener('x', () => log.push('once'), { once: true });
    t.addEventListener('x', () => { log.push('first'); t.removeEventListener('x', second); });
    t.addEventListener('x', second);
    t.addEventListener('x', () => t.addEventListener('x', () => log.push('added late')));
    t.dispatchEvent(new Event('x'));
    log.push('|');
    t.dispatchEvent(new Event('x'));
    log.join(' ')
  )js",
         "'once first | first added late'");
}

TEST_F(WebTest, HandleEventIsLookedUpAtDispatch) {
  Expect(R"js(
    const t = new EventTarget();
    const log = [];
    const listener = { handleEvent() { log.push('old'); } };
    t.addEventListener('x', listener);
    listener.handleEvent = function (e) { log.push(`new ${this === listener}`); };
    t.dispatchEvent(new Event('x'));
    log
  )js",
         "[ 'new true' ]");
  EXPECT_EQ(RunLoopThenEval(R"js(
    const t = new EventTarget();
    globalThis.result = [];
    addEventListener('error', (e) => { result.push(e.error.constructor.name); e.preventDefault(); });
    t.addEventListener('x', { handleEvent: 1 });
    t.addEventListener('x', () => result.push('next listener'));
    t.dispatchEvent(new Event('x'));
  )js"),
            "[ 'TypeError', 'next listener' ]");
}

TEST_F(WebTest, StopPropagationAndStopImmediatePropagation) {
  Expect(R"js(
    const t = new EventTarget();
    const log = [];
    t.addEventListener('x', (e) => { log.push('capture'); e.stopPropagation(); }, true);
    t.addEventListener('x', () => log.push('not run'));
    t.dispatchEvent(new Event('x'));
    const u = new EventTarget();
    u.addEventListener('y', (e) => { log.push('a'); e.stopImmediatePropagation(); });
    u.addEventListener('y', () => log.push('not run either'));
    const e = new Event('y');
    u.dispatchEvent(e);
    u.dispatchEvent(e);
    [log.join(' '), e.cancelBubble]
  )js",
         "[ 'capture a a', false ]");
}

TEST_F(WebTest, DispatchEventReturnsNotDefaultPrevented) {
  Expect(R"js(
    const t = new EventTarget();
    t.addEventListener('x', (e) => e.preventDefault());
    [t.dispatchEvent(new Event('x', { cancelable: true })), t.dispatchEvent(new Event('x'))]
  )js",
         "[ false, true ]");
}

TEST_F(WebTest, PassiveListenersCannotCancel) {
  Expect(R"js(
    const t = new EventTarget();
    const seen = [];
    t.addEventListener('x', (e) => { e.preventDefault(); seen.push(e.defaultPrevented); },
                       { passive: true });
    t.addEventListener('x', (e) => { e.returnValue = false; seen.push(e.defaultPrevented); },
                       { passive: true });
    t.addEventListener('x', (e) => { e.preventDefault(); seen.push(e.defaultPrevented); });
    [t.dispatchEvent(new Event('x', { cancelable: true })), seen]
  )js",
         "[ false, [ false, false, true ] ]");
}

TEST_F(WebTest, RedispatchingAnEventIsAnInvalidStateError) {
  Expect(R"js(
    const t = new EventTarget();
    const e = new Event('x');
    let caught;
    t.addEventListener('x', () => {
      try { t.dispatchEvent(e); } catch (error) { caught = error; }
    });
    t.dispatchEvent(e);
    [caught instanceof DOMException, caught.name, caught.code, caught.message]
  )js",
         "[\n  true,\n  'InvalidStateError',\n  11,\n"
         "  \"Failed to execute 'dispatchEvent' on 'EventTarget': The event is already being "
         "dispatched.\"\n]");
}

TEST_F(WebTest, EventTargetArgumentErrors) {
  Throws("new EventTarget().addEventListener('x')",
         "TypeError: Failed to execute 'addEventListener' on 'EventTarget': 2 arguments "
         "required, but only 1 present.");
  Throws("new EventTarget().addEventListener('x', 1)",
         "TypeError: Failed to execute 'addEventListener' on 'EventTarget': Argument 2 is not "
         "of type 'EventListener'.");
  Throws("new EventTarget().removeEventListener('x', 'f')",
         "TypeError: Failed to execute 'removeEventListener' on 'EventTarget': Argument 2 is "
         "not of type 'EventListener'.");
  Throws("new EventTarget().dispatchEvent({ type: 'x' })",
         "TypeError: Failed to execute 'dispatchEvent' on 'EventTarget': Argument 1 is not of "
         "type 'Event'.");
  Throws("new EventTarget().dispatchEvent()",
         "TypeError: Failed to execute 'dispatchEvent' on 'EventTarget': 1 argument required, "
         "but only 0 present.");
  Throws("new EventTarget().addEventListener('x', () => {}, { signal: {} })",
         "TypeError: Failed to execute 'addEventListener' on 'EventTarget': 'signal' member of "
         "AddEventListenerOptions (Argument 3) is not of type 'AbortSignal'.");
  Throws("EventTarget.prototype.addEventListener.call({}, 'x', null)",
         "TypeError: Illegal invocation");
  Expect("const t = new EventTarget(); [t.addEventListener('x', null),"
         " t.removeEventListener('x', undefined), EventTarget.prototype.addEventListener.length,"
         " EventTarget.prototype.dispatchEvent.length]",
         "[ undefined, undefined, 2, 1 ]");
}

TEST_F(WebTest, EventTargetsCanBeSubclassed) {
  Expect(R"js(
    class Emitter extends EventTarget {
      emit(type, detail) { return this.dispatchEvent(new CustomEvent(type, { detail })); }
    }
    const emitter = new Emitter();
    let got;
    emitter.addEventListener('ping', (e) => { got = e.detail; });
    emitter.emit('ping', 42);
    [got, emitter instanceof EventTarget, Object.prototype.toString.call(emitter)]
  )js",
         "[ 42, true, '[object EventTarget]' ]");
}

TEST_F(WebTest, ListenerSignalRemovesTheListener) {
  Expect(R"js(
    const t = new EventTarget();
    const controller = new AbortController();
    let count = 0;
    const f = () => count++;
    t.addEventListener('x', f, { signal: controller.signal });
    t.dispatchEvent(new Event('x'));
    controller.abort();
    t.dispatchEvent(new Event('x'));
    t.addEventListener('x', f, { signal: controller.signal });
    t.dispatchEvent(new Event('x'));
    t.addEventListener('x', f, { signal: AbortSignal.abort() });
    t.dispatchEvent(new Event('x'));
    count
  )js",
         "1");
}

// ---- Event handler attributes ----

TEST_F(WebTest, EventHandlerAttributes) {
  Expect(R"js(
    const c = new AbortController();
    const s = c.signal;
    const log = [];
    s.addEventListener('abort', () => log.push('listener 1'));
    s.onabort = () => log.push('first handler');
    s.addEventListener('abort', () => log.push('listener 2'));
    s.onabort = function (e) { log.push(`handler ${this === s} ${e.type}`); };
    const handler = s.onabort;
    c.abort();
    [log, typeof handler]
  )js",
         "[ [ 'listener 1', 'handler true abort', 'listener 2' ], 'function' ]");
  Expect(R"js(
    const s = new AbortController().signal;
    s.onabort = 5;
    const fromNumber = s.onabort;
    const object = {};
    s.onabort = object;
    [fromNumber, s.onabort === object, Object.getOwnPropertyDescriptor(
        AbortSignal.prototype, 'onabort').enumerable]
  )js",
         "[ null, true, true ]");
  Expect(R"js(
    const c = new AbortController();
    let calls = 0;
    c.signal.onabort = () => calls++;
    c.signal.onabort = null;
    c.abort();
    [calls, c.signal.onabort]
  )js",
         "[ 0, null ]");
}

TEST_F(WebTest, HandlerReturningFalseCancels) {
  Expect(R"js(
    onunhandledrejection = () => false;
    const canceledByFalse = webTesting.onUnhandledRejection(Promise.resolve(), 'r');
    onunhandledrejection = () => true;
    const canceledByTrue = webTesting.onUnhandledRejection(Promise.resolve(), 'r');
    onunhandledrejection = null;
    // An `error` event that is not an ErrorEvent gets the event, and false cancels it.
    let argument;
    onerror = (e) => { argument = e; return false; };
    const event = new Event('error', { cancelable: true });
    const notCanceled = dispatchEvent(event);
    onerror = null;
    [canceledByFalse, canceledByTrue, notCanceled, argument === event]
  )js",
         "[ true, false, false, true ]");
}

// ---- The global object ----

TEST_F(WebTest, TheGlobalIsAnEventTarget) {
  Expect(R"js(
    const log = [];
    const f = (e) => log.push(e.target === globalThis);
    addEventListener('ping', f);
    globalThis.addEventListener('ping', () => log.push('second'));
    dispatchEvent(new Event('ping'));
    removeEventListener('ping', f);
    globalThis.dispatchEvent(new Event('ping'));
    [globalThis instanceof EventTarget, log, typeof onerror, onerror, onunhandledrejection,
     Object.keys(globalThis).includes('EventTarget'), typeof reportError]
  )js",
         "[\n  true,\n  [ true, 'second', 'second' ],\n  'object',\n  null,\n  null,\n  false,\n"
         "  'function'\n]");
}

TEST_F(WebTest, OnErrorGetsFiveArgumentsAndTrueCancels) {
  Expect(R"js(
    const error = new Error('boom');
    const seen = [];
    onerror = (message, filename, lineno, colno, e) => {
      seen.push(message, filename, lineno, colno, e === error);
      return true;
    };
    const handled = webTesting.onUncaughtError(error, 'Uncaught Error: boom', 'main.js', 3, 7);
    onerror = () => false;  // false does not cancel the global's error event
    const handledByFalse = webTesting.onUncaughtError(error, 'm', 'f', 1, 1);
    onerror = null;
    [handled, handledByFalse, seen]
  )js",
         "[ true, false, [ 'Uncaught Error: boom', 'main.js', 3, 7, true ] ]");
}

TEST_F(WebTest, UncaughtErrorHookDispatchesACancelableErrorEvent) {
  Expect(R"js(
    const events = [];
    const listener = (e) => {
      events.push([e.constructor.name, e.type, e.message, e.filename, e.lineno, e.colno,
                   e.error.message, e.cancelable, e.isTrusted, e.target === globalThis]);
    };
    addEventListener('error', listener);
    const unhandled = webTesting.onUncaughtError(new Error('x'), 'Uncaught Error: x', 'a.js', 1, 2);
    const cancel = (e) => e.preventDefault();
    addEventListener('error', cancel);
    const handled = webTesting.onUncaughtError(new Error('y'));
    removeEventListener('error', listener);
    removeEventListener('error', cancel);
    [unhandled, handled, events[0], events[1].slice(2, 4)]
  )js",
         "[\n  false,\n  true,\n  [\n    'ErrorEvent',\n    'error',\n    'Uncaught Error: x',\n"
         "    'a.js',\n    1,\n    2,\n    'x',\n    true,\n    true,\n    true\n  ],\n"
         "  [ 'Uncaught Error: y', '[eval]' ]\n]");
}

TEST_F(WebTest, UnhandledRejectionHookDispatchesAPromiseRejectionEvent) {
  Expect(R"js(
    const promise = Promise.reject(new Error('no'));
    promise.catch(() => {});
    const seen = [];
    onunhandledrejection = (e) => {
      seen.push(e.constructor.name, e.promise === promise, e.reason.message, e.cancelable,
                e.isTrusted);
    };
    const unhandled = webTesting.onUnhandledRejection(promise, promise.reason ?? new Error('no'));
    addEventListener('unhandledrejection', (e) => e.preventDefault());
    const handled = webTesting.onUnhandledRejection(promise, new Error('no'));
    [unhandled, handled, seen.slice(0, 5)]
  )js",
         "[ false, true, [ 'PromiseRejectionEvent', true, 'no', true, true ] ]");
}

// HTML: a rejection whose unhandledrejection event a listener handled gets a
// rejectionhandled event once a handler is added later; one handled in time gets neither.
TEST_F(WebTest, AHandlerAddedAfterTheEventFiresRejectionHandled) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    globalThis.result = [];
    addEventListener('unhandledrejection', (e) => {
      result.push(`unhandled ${e.reason.message}`);
      e.preventDefault();
    });
    onrejectionhandled = (e) => {
      result.push(`handled ${e.reason.message} ${e.promise === late} ${e.cancelable} ` +
                  `${e.isTrusted} ${e.constructor.name}`);
    };
    const late = Promise.reject(new Error('late'));
    Promise.reject(new Error('in time')).catch(() => {});
    setTimeout(() => {
      late.catch(() => result.push('caught'));
      late.then(() => {}, () => {});  // a second handler: no second event
    }, 1);
  )js"),
            "[\n  'unhandled late',\n  'caught',\n  'handled late true false true "
            "PromiseRejectionEvent'\n]");
}

TEST_F(WebTest, AThrowingListenerIsReportedAndDispatchGoesOn) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    const t = new EventTarget();
    globalThis.result = [];
    addEventListener('error', (e) => {
      result.push(`${e.message} @${e.lineno > 0}`);
      e.preventDefault();
    });
    t.addEventListener('x', () => { throw new Error('listener failed'); });
    t.addEventListener('x', () => result.push('next listener ran'));
    result.push(`dispatch returned ${t.dispatchEvent(new Event('x'))}`);
    setTimeout(() => result.push('the run went on'), 1);
  )js"),
            "[\n  'Uncaught Error: listener failed @true',\n  'next listener ran',\n"
            "  'dispatch returned true',\n  'the run went on'\n]");
}

TEST_F(WebTest, AnUnhandledListenerErrorStopsTheRun) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    const t = new EventTarget();
    globalThis.result = [];
    t.addEventListener('x', () => { throw new Error('listener failed'); });
    t.addEventListener('x', () => result.push('next listener ran'));
    setTimeout(() => t.dispatchEvent(new Event('x')));
    setTimeout(() => result.push('must not run'), 1);
  )js"),
            "<loop: Error: listener failed>");
  Expect("result", "[ 'next listener ran' ]");
}

TEST_F(WebTest, AnErrorListenerThatThrowsIsNotDispatchedAgain) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    globalThis.result = 0;
    addEventListener('error', () => { result++; throw new Error('from the error listener'); });
    setTimeout(() => reportError(new Error('first')));
  )js"),
            "<loop: Error: from the error listener>");
  Expect("result", "1");
}

TEST_F(WebTest, ReportError) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    globalThis.result = [];
    globalThis.handle = (e) => { result.push(e.error); e.preventDefault(); };
    addEventListener('error', handle);
    reportError('a string');
    reportError(undefined);
    setTimeout(() => result.push('went on'), 1);
  )js"),
            "[ 'a string', undefined, 'went on' ]");
  EXPECT_EQ(RunLoopThenEval("removeEventListener('error', handle);"
                            "setTimeout(() => reportError(new TypeError('not handled')));"
                            "setTimeout(() => { globalThis.late = true; }, 1);"),
            "<loop: TypeError: not handled>");
  Expect("globalThis.late", "undefined");
  Throws("reportError()",
         "TypeError: Failed to execute 'reportError': 1 argument required, but only 0 present.");
}

// ---- AbortController and AbortSignal ----

TEST_F(WebTest, AbortControllerAborts) {
  Expect(R"js(
    const c = new AbortController();
    const s = c.signal;
    const log = [];
    s.addEventListener('abort', (e) => log.push([e.type, e.isTrusted, e.target === s, s.aborted]));
    const before = [s.aborted, s.reason];
    c.abort();
    c.abort('again');
    [before, log, s.reason instanceof DOMException, s.reason.name, s.reason.code,
     c.signal === s]
  )js",
         "[\n  [ false, undefined ],\n  [ [ 'abort', true, true, true ] ],\n  true,\n"
         "  'AbortError',\n  20,\n  true\n]");
  Expect("const c = new AbortController(); const reason = new Error('why'); c.abort(reason);"
         "[c.signal.reason === reason, (() => { try { c.signal.throwIfAborted(); } catch (e)"
         " { return e === reason; } })()]",
         "[ true, true ]");
  Expect("new AbortController().signal.throwIfAborted()", "undefined");
  Throws("new AbortSignal()", "TypeError: Illegal constructor");
  Throws("Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted').get.call("
         "new EventTarget())",
         "TypeError: Illegal invocation");
  Throws("AbortController.prototype.abort.call({})", "TypeError: Illegal invocation");
  Expect("[Object.getPrototypeOf(AbortSignal.prototype) === EventTarget.prototype,"
         " Object.prototype.toString.call(new AbortController().signal),"
         " Object.prototype.toString.call(new AbortController()),"
         " Object.getOwnPropertyDescriptor(AbortSignal, 'timeout').enumerable]",
         "[ true, '[object AbortSignal]', '[object AbortController]', true ]");
}

TEST_F(WebTest, StaticAbort) {
  Expect("const s = AbortSignal.abort(); let fired = false; s.onabort = () => { fired = true; };"
         "[s.aborted, s.reason.name, AbortSignal.abort('r').reason, fired]",
         "[ true, 'AbortError', 'r', false ]");
}

TEST_F(WebTest, AbortSignalsPrintAsNodePrintsThem) {
  Expect("const c = new AbortController(); const before = kiln.inspect(c); c.abort();"
         "[before, kiln.inspect(c.signal), kiln.inspect({ s: AbortSignal.abort() })]",
         "[\n  'AbortController { signal: AbortSignal { aborted: false } }',\n"
         "  'AbortSignal { aborted: true }',\n  '{ s: AbortSignal { aborted: true } }'\n]");
}

TEST_F(WebTest, TimeoutFiresWhileTheLoopIsAlive) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    const signal = AbortSignal.timeout(5);
    globalThis.result = [signal.aborted];
    signal.onabort = () => result.push(signal.reason.name, signal.reason.message,
                                       signal.reason.code);
    setTimeout(() => result.push('kept alive by this timer'), 30);
  )js"),
            "[\n  false,\n  'TimeoutError',\n  'signal timed out',\n  23,\n"
            "  'kept alive by this timer'\n]");
}

TEST_F(WebTest, TimeoutDoesNotKeepTheLoopAlive) {
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(RunLoopThenEval(R"js(
    globalThis.signal = AbortSignal.timeout(2000);
    signal.addEventListener('abort', () => {});
    globalThis.result = 'loop ended';
  )js"),
            "'loop ended'");
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::milliseconds(1000));
  Expect("signal.aborted", "false");
}

TEST_F(WebTest, TimeoutsFireInOrderAndCheckTheirArgument) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    globalThis.result = '';
    for (const value of ['1', '2', '3']) {
      AbortSignal.timeout(3).onabort = () => { result += value; };
    }
    setTimeout(() => {}, 20);
  )js"),
            "'123'");
  Throws("AbortSignal.timeout(-1)",
         "TypeError: Failed to execute 'timeout' on 'AbortSignal': Argument 1 is outside the "
         "accepted range of 0 to 9007199254740991, inclusive.");
  Throws("AbortSignal.timeout(NaN)",
         "TypeError: Failed to execute 'timeout' on 'AbortSignal': Argument 1 is not a finite "
         "number.");
  Throws("AbortSignal.timeout()",
         "TypeError: Failed to execute 'timeout' on 'AbortSignal': 1 argument required, but "
         "only 0 present.");
}

TEST_F(WebTest, AnyFollowsItsSources) {
  Expect(R"js(
    const a = new AbortController(), b = new AbortController();
    const any = AbortSignal.any([a.signal, b.signal]);
    const log = [];
    any.onabort = (e) => log.push(e.target === any, any.reason);
    b.abort('b went first');
    a.abort('a');
    [any.aborted, log, AbortSignal.any([]).aborted]
  )js",
         "[ true, [ true, 'b went first' ], false ]");
  Expect(R"js(
    const a = new AbortController();
    a.abort('first');
    const b = new AbortController();
    b.abort('second');
    AbortSignal.any([new AbortController().signal, a.signal, b.signal]).reason
  )js",
         "'first'");
  Expect(R"js(
    // Dependents of dependents follow the original sources; events fire source first.
    const c = new AbortController();
    const signals = [c.signal];
    signals.push(AbortSignal.any([c.signal]));
    signals.push(AbortSignal.any([c.signal]));
    signals.push(AbortSignal.any([signals[0]]));
    signals.push(AbortSignal.any([signals[1], signals[1]]));
    let order = '';
    signals.forEach((s, i) => s.addEventListener('abort', () => { order += i; }));
    c.abort();
    [order, signals.every((s) => s.aborted && s.reason.name === 'AbortError')]
  )js",
         "[ '01234', true ]");
  Throws("AbortSignal.any([new AbortController().signal, {}])",
         "TypeError: Failed to execute 'any' on 'AbortSignal': Argument 1, index 1 is not of "
         "type 'AbortSignal'.");
  Throws("AbortSignal.any(new AbortController().signal)",
         "TypeError: Failed to execute 'any' on 'AbortSignal': Argument 1 can not be converted "
         "to sequence.");
}

TEST_F(WebTest, AnyWithATimeoutSignal) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    const any = AbortSignal.any([new AbortController().signal, AbortSignal.timeout(3)]);
    any.onabort = () => { globalThis.result = any.reason.name; };
    setTimeout(() => {}, 20);
  )js"),
            "'TimeoutError'");
}

TEST_F(WebTest, AbortAlgorithmsRunBeforeTheEvent) {
  // addSignalAlgorithm is what the `signal` option of addEventListener uses: its listener
  // is removed before the abort event fires.
  Expect(R"js(
    const c = new AbortController();
    const log = [];
    c.signal.addEventListener('abort', () => log.push('removed by its own signal'),
                              { signal: c.signal });
    c.signal.addEventListener('abort', () => log.push('event'));
    c.abort();
    log
  )js",
         "[ 'event' ]");
}

}  // namespace
}  // namespace kiln::web
