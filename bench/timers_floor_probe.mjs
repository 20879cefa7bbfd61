// The floor of timers_mixed's first burst on a given engine: the peers kit's timers_mixed
// scheduling loop (100,000 timers, pseudo-random delays 0..50 ms, then every odd one
// cleared) run cold, once against the least timer a runtime could have (an array push of
// the callback and of a fresh clock reading plus the delay; clearing stores undefined)
// and once, in a fresh process, against the real setTimeout/clearTimeout. Prints the
// milliseconds each phase took:
//
//   kiln run bench/timers_floor_probe.mjs least     # or: real
//   node18 bench/timers_floor_probe.mjs least       # the same V8 10.2 without kiln
//   bun bench/timers_floor_probe.mjs least
//
// timers_mixed's value is at least this loop's time plus 50 ms (the last timers are set
// at its end with delays up to 50 ms), so where `least` alone takes half of another
// runtime's whole timers_mixed, no timer code on this engine can beat it.
const args = globalThis.kiln?.args ?? globalThis.Deno?.args ?? globalThis.process?.argv.slice(2) ?? [];
const mode = args[0] === 'real' ? 'real' : 'least';
const N = 100000;
const MAX_DELAY = 50;
let seed = 12345;
const lcg = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
const delays = new Int32Array(N);
for (let i = 0; i < N; i++) delays[i] = (lcg() >>> 8) % (MAX_DELAY + 1);

let count = 0;
const callbacks = [];
const deadlines = [];
function leastSetTimeout(callback, delay) {
  callbacks.push(callback);
  deadlines.push(performance.now() + (delay | 0));
  return ++count;
}
function leastClearTimeout(id) {
  if (typeof id === 'number' && id > 0 && id <= count) callbacks[id - 1] = undefined;
}
const set = mode === 'real' ? setTimeout : leastSetTimeout;
const clear = mode === 'real' ? clearTimeout : leastClearTimeout;

let fired = 0;
const ids = new Array(N);
const start = performance.now();
for (let i = 0; i < N; i++) ids[i] = set(() => { fired++; }, delays[i]);
const scheduled = performance.now();
for (let i = 1; i < N; i += 2) clear(ids[i]);
const cleared = performance.now();
console.log(`RESULT name=timers_floor_probe mode=${mode} schedule_ms=${(scheduled - start).toFixed(1)} ` +
            `clear_ms=${(cleared - scheduled).toFixed(1)}`);
