// microtasks_then: queueMicrotask against the engine's own microtask floor, in one process.
//
//   bazel-bin/kiln run bench/microtasks_then.mjs [rounds=12] [n=1000000]
//   node bench/microtasks_then.mjs            (same file on Node 20, Node 18, deno, bun)
//
// Two chains of n callbacks, each callback scheduling the next, so the queue holds one
// entry at a time and everything runs inside one microtask checkpoint:
//   queue  queueMicrotask(step)                       (what peers' microtasks_queue times)
//   then   resolved.then(step) on one resolved promise (a bare promise reaction: no API
//          call, one reaction and one derived promise per callback; the floor a
//          queueMicrotask that enqueues a job through V8 can reach)
// The two alternate round by round (after a warm-up round of each); the result is the
// median callbacks/s of each and the median of the per-round ratios queue/then.
// Standard web APIs only (console.log, queueMicrotask, performance.now).
function readArgs() {
  const g = globalThis;
  if (g.Deno && Array.isArray(g.Deno.args)) return g.Deno.args.slice();
  if (g.kiln && Array.isArray(g.kiln.args)) return g.kiln.args.slice();
  if (g.process && Array.isArray(g.process.argv)) return g.process.argv.slice(2);
  return [];
}
const options = { rounds: 12, n: 1000000 };
for (const arg of readArgs()) {
  const eq = arg.indexOf('=');
  if (eq > 0 && Number.isFinite(Number(arg.slice(eq + 1)))) {
    options[arg.slice(0, eq)] = Number(arg.slice(eq + 1));
  }
}

function queueChain(n) {
  return new Promise((resolve) => {
    let count = 0;
    const step = () => { if (++count >= n) resolve(count); else queueMicrotask(step); };
    queueMicrotask(step);
  });
}

const resolved = Promise.resolve();
function thenChain(n) {
  return new Promise((resolve) => {
    let count = 0;
    const step = () => { if (++count >= n) resolve(count); else resolved.then(step); };
    resolved.then(step);
  });
}

async function timed(chain, n) {
  const t0 = performance.now();
  const count = await chain(n);
  const ms = performance.now() - t0;
  if (count !== n) throw new Error(`ran ${count} callbacks, expected ${n}`);
  return n / (ms / 1000);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main() {
  const { rounds, n } = options;
  await timed(queueChain, n);
  await timed(thenChain, n);
  const queue = [];
  const then = [];
  const ratios = [];
  for (let round = 0; round < rounds; round++) {
    // Alternate which goes first, so neither always follows the other's garbage.
    if (round % 2 === 0) {
      queue.push(await timed(queueChain, n));
      then.push(await timed(thenChain, n));
    } else {
      then.push(await timed(thenChain, n));
      queue.push(await timed(queueChain, n));
    }
    ratios.push(queue[round] / then[round]);
  }
  console.log(`RESULT name=microtasks_queue value=${median(queue).toFixed(0)} unit=ops/s rounds=${rounds}`);
  console.log(`RESULT name=microtasks_then value=${median(then).toFixed(0)} unit=ops/s rounds=${rounds}`);
  console.log(`RESULT name=queue_vs_then value=${median(ratios).toFixed(3)} unit=x rounds=${rounds}`);
}

main().catch((error) => {
  console.log(`RESULT name=queue_vs_then value=NaN unit=x error=${String(error).replace(/\s+/g, '_')}`);
});
