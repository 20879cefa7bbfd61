// The part of every test bundle right after testharness.js, before any META script or
// test code (so a test that throws while loading has its earlier results reported).
// It prints one line per finished subtest and one when the harness completes:
//
//   @wpt {"name": "...", "status": "PASS", "message": null}
//   @wpt {"done": true, "status": "OK", "message": null, "loaded": true}
//
// `loaded` tells whether the whole bundle ran: the bundle ends with a call of the
// function this returns, which a test throwing while loading never reaches.
//
// run_wpt.py reads the lines starting with '@wpt ' and ignores any other output.
//
// This file is one function expression; the bundle calls it with the harness timeout in
// milliseconds (10 s, 60 s for `// META: timeout=long`, as in WPT). testharness.js sets no
// timeout of its own in a shell-like global: the reporter's timer calls its `timeout()`
// then, which ends the pending subtests with TIMEOUT and the harness with TIMEOUT, as a
// browser would. The timer also keeps the event loop alive until the harness completes,
// as a worker stays alive while its tests wait for an unreferenced timer.
(function wptReporter(harnessTimeoutMs) {
  'use strict';
  // Taken now: a test may replace console.log or JSON.stringify later.
  const print = console.log.bind(console);
  const stringify = JSON.stringify;
  const testStatuses = ['PASS', 'FAIL', 'TIMEOUT', 'NOTRUN', 'PRECONDITION_FAILED'];
  const harnessStatuses = ['OK', 'ERROR', 'TIMEOUT', 'PRECONDITION_FAILED'];

  // idlharness.js asks `self instanceof DedicatedWorkerGlobalScope` to learn which
  // interfaces the global exposes. The runtime has no such interface, so the reporter
  // answers for it (the global counts as a dedicated worker's, as GLOBAL says); only now,
  // after testharness.js chose its test environment, which the same question would turn
  // into one that posts its results to a parent page.
  if (typeof DedicatedWorkerGlobalScope === 'undefined') {
    const scope = function DedicatedWorkerGlobalScope() {};
    Object.defineProperty(scope, Symbol.hasInstance, { value: (value) => value === globalThis });
    Object.defineProperty(globalThis, 'DedicatedWorkerGlobalScope', {
      value: scope, writable: true, enumerable: false, configurable: true,
    });
  }

  function text(value) {
    return value === undefined || value === null ? null : String(value);
  }

  let loaded = false;
  const reported = new Set();
  function report(test) {
    reported.add(test);
    print('@wpt ' + stringify({
      name: String(test.name),
      status: testStatuses[test.status] || `status ${test.status}`,
      message: text(test.message),
    }));
  }

  add_result_callback(report);
  const harnessTimer = setTimeout(() => timeout(), harnessTimeoutMs);
  add_completion_callback((tests, harnessStatus) => {
    clearTimeout(harnessTimer);
    // After a harness timeout, the tests still waiting have had no result callback:
    // started ones end as TIMEOUT, the others as NOTRUN.
    for (const test of tests) {
      if (!reported.has(test)) report(test);
    }
    print('@wpt ' + stringify({
      done: true,
      status: harnessStatuses[harnessStatus.status] || `status ${harnessStatus.status}`,
      message: text(harnessStatus.message),
      loaded,
    }));
  });
  return function wptScriptLoaded() {
    loaded = true;
  };
})
