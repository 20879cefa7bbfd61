// streams: WHATWG streams throughput.
//
//   <runtime> bench/streams.mjs [key=value ...]      node / deno run / bun / kiln run
//
// Prints one line per measurement:
//   RESULT name=streams_pipe value=<MiB/s> unit=MiB/s      a ReadableStream of 64 KiB
//       Uint8Array chunks (the same chunk enqueued again and again from pull) piped through
//       an identity TransformStream into a WritableStream that counts bytes; 256 MiB
//   RESULT name=streams_read_small value=<reads/s> unit=reads/s      reader.read() of
//       1,000,000 small chunks (numbers) enqueued ahead, 1000 at a time, from pull
// knobs: mib=256, chunk_kib=64, reads=1000000, rounds=3 (best of), case=pipe|read_small (run
// only that measurement; both by default)
//
// Standard APIs only (ReadableStream, TransformStream, WritableStream, console.log,
// performance.now); no imports, so the file runs unchanged as an ES module or a classic
// script on node, deno, bun and kiln.
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
  const i = a.indexOf("=");
  if (i > 0) OPT[a.slice(0, i)] = a.slice(i + 1);
}
const MIB = Number(OPT.mib) > 0 ? Number(OPT.mib) : 256;
const CHUNK = (Number(OPT.chunk_kib) > 0 ? Number(OPT.chunk_kib) : 64) * 1024;
const READS = Number(OPT.reads) > 0 ? Number(OPT.reads) : 1000000;
const ROUNDS = Number(OPT.rounds) > 0 ? Number(OPT.rounds) : 3;
const ONLY = OPT.case;

function fmt(v) {
  return Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(1);
}

async function pipeOnce() {
  const total = MIB * 1024 * 1024;
  const chunk = new Uint8Array(CHUNK);
  let produced = 0;
  let received = 0;
  const source = new ReadableStream({
    pull(controller) {
      if (produced >= total) {
        controller.close();
        return;
      }
      controller.enqueue(chunk);
      produced += chunk.byteLength;
    },
  });
  const sink = new WritableStream({
    write(c) {
      received += c.byteLength;
    },
  });
  const start = performance.now();
  await source.pipeThrough(new TransformStream()).pipeTo(sink);
  const ms = performance.now() - start;
  if (received !== total) throw new Error(`received ${received} of ${total} bytes`);
  return ms;
}

async function readSmallOnce() {
  let produced = 0;
  const stream = new ReadableStream({
    pull(controller) {
      const end = Math.min(produced + 1000, READS);
      for (; produced < end; produced++) controller.enqueue(produced);
      if (produced === READS) controller.close();
    },
  }, { highWaterMark: 1000 });
  const reader = stream.getReader();
  let sum = 0;
  let count = 0;
  const start = performance.now();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    sum += value;
    count++;
  }
  const ms = performance.now() - start;
  if (count !== READS || sum !== (READS * (READS - 1)) / 2) throw new Error("wrong chunks");
  return ms;
}

async function main() {
  if (!ONLY || ONLY === "pipe") try {
    let best = Infinity;
    for (let i = 0; i < ROUNDS; i++) best = Math.min(best, await pipeOnce());
    console.log(`RESULT name=streams_pipe value=${fmt(MIB / (best / 1000))} unit=MiB/s ms=${best.toFixed(1)} chunk_kib=${CHUNK / 1024}`);
  } catch (e) {
    console.log(`RESULT name=streams_pipe value=NaN unit=MiB/s error=${String(e && e.message).replace(/\s+/g, "_")}`);
  }
  if (!ONLY || ONLY === "read_small") try {
    let best = Infinity;
    for (let i = 0; i < ROUNDS; i++) best = Math.min(best, await readSmallOnce());
    console.log(`RESULT name=streams_read_small value=${fmt(READS / (best / 1000))} unit=reads/s ms=${best.toFixed(1)}`);
  } catch (e) {
    console.log(`RESULT name=streams_read_small value=NaN unit=reads/s error=${String(e && e.message).replace(/\s+/g, "_")}`);
  }
}
main();
