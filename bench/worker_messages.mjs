// worker_messages: dedicated workers (new Worker, postMessage), on any runtime with a
// global Worker (kiln, deno, bun; node has worker_threads instead).
//
//   <runtime> bench/worker_messages.mjs [key=value ...]      kiln run / deno run / bun
//
// Prints one line per measurement:
//   RESULT name=worker_start value=<ms> unit=ms       new Worker (a data: URL module) until
//       its first message arrives; median of `starts` workers, one at a time
//   RESULT name=worker_ping value=<round trips/s> unit=roundtrips/s      a small object sent
//       to the worker and back, one at a time, `pings` times
//   RESULT name=worker_stream value=<messages/s> unit=messages/s     `stream` small messages
//       posted at once; the worker counts them and answers once
//   RESULT name=worker_transfer value=<MiB/s> unit=MiB/s     4 MiB ArrayBuffers transferred
//       to the worker and back, `transfers` times
// knobs: starts=20 pings=20000 stream=200000 transfers=200
function readArgs() {
  const g = globalThis;
  try {
    if (g.Deno && Array.isArray(g.Deno.args)) return g.Deno.args.slice();
    if (g.kiln && Array.isArray(g.kiln.args)) return g.kiln.args.slice();
    if (g.process && Array.isArray(g.process.argv)) return g.process.argv.slice(2);
  } catch (_) { /* defaults */ }
  return [];
}
const OPT = {};
for (const a of readArgs()) {
  const i = a.indexOf('=');
  if (i > 0) OPT[a.slice(0, i)] = Number(a.slice(i + 1));
}
const STARTS = OPT.starts > 0 ? OPT.starts : 20;
const PINGS = OPT.pings > 0 ? OPT.pings : 20000;
const STREAM = OPT.stream > 0 ? OPT.stream : 200000;
const TRANSFERS = OPT.transfers > 0 ? OPT.transfers : 200;

const WORKER = `
let count = 0;
onmessage = (e) => {
  const d = e.data;
  if (d.kind === 'ping') postMessage(d);
  else if (d.kind === 'count') { if (++count === d.total) { postMessage(count); count = 0; } }
  else if (d.kind === 'buffer') postMessage(d, [d.buffer]);
};
postMessage('ready');
`;
const url = 'data:text/javascript,' + encodeURIComponent(WORKER);

function fmt(v) { return Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(2); }
function next(worker) { return new Promise((resolve) => { worker.onmessage = (e) => resolve(e.data); }); }

const startTimes = [];
for (let i = 0; i < STARTS; i++) {
  const t0 = performance.now();
  const w = new Worker(url, { type: 'module' });
  await next(w);
  startTimes.push(performance.now() - t0);
  w.terminate();
}
startTimes.sort((a, b) => a - b);
console.log(`RESULT name=worker_start value=${fmt(startTimes[startTimes.length >> 1])} unit=ms`);

const worker = new Worker(url, { type: 'module' });
await next(worker);

let t0 = performance.now();
const ping = { kind: 'ping', n: 1, text: 'hello' };
for (let i = 0; i < PINGS; i++) {
  worker.postMessage(ping);
  await next(worker);
}
console.log(`RESULT name=worker_ping value=${fmt(PINGS / ((performance.now() - t0) / 1000))} unit=roundtrips/s`);

t0 = performance.now();
const counted = next(worker);
for (let i = 0; i < STREAM; i++) worker.postMessage({ kind: 'count', total: STREAM, i });
if ((await counted) !== STREAM) throw new Error('lost messages');
console.log(`RESULT name=worker_stream value=${fmt(STREAM / ((performance.now() - t0) / 1000))} unit=messages/s`);

let buffer = new ArrayBuffer(4 << 20);
t0 = performance.now();
for (let i = 0; i < TRANSFERS; i++) {
  worker.postMessage({ kind: 'buffer', buffer }, [buffer]);
  buffer = (await next(worker)).buffer;
}
const mib = (TRANSFERS * 2 * (4 << 20)) / (1 << 20);
console.log(`RESULT name=worker_transfer value=${fmt(mib / ((performance.now() - t0) / 1000))} unit=MiB/s`);
worker.terminate();
