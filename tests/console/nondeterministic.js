// Console output that can't be compared byte for byte (timings, stack
// frames, warnings); check_nondeterministic.sh checks it with patterns.
// A classic script: no imports, no Node APIs.

function spin(ms) {
  // Busy-wait without timers so that time passes measurably.
  var start = Date.now();
  while (Date.now() - start < ms) { /* spin */ }
}

console.log('## timers');
console.time('t1');
spin(2);
console.timeLog('t1');
console.timeLog('t1', 'extra', { a: 1 });
console.timeEnd('t1');
console.time();
console.timeEnd();
console.time(42);
console.timeEnd('42');
console.group('timers in group');
console.time('g');
console.timeEnd('g');
console.groupEnd();

console.log('## trace');
console.trace('trace message %d', 1);
console.trace();
function traceCaller() {
  console.trace('from traceCaller');
}
traceCaller();
console.group('traces in group');
console.trace('grouped');
console.groupEnd();

console.log('## warnings');
console.timeEnd('no-such-timer');
console.timeLog('no-such-timer');
console.time('twice');
console.time('twice');
console.countReset('never-counted');
console.log('## end');
