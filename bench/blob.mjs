// blob: Blob built from many parts, read back with arrayBuffer() and text(), and sliced.
// Sizes 1 MiB (1,024 parts of 1 KiB) and 64 MiB (1,024 parts of 64 KiB), ASCII bytes.
// Cases: construct_<size> (new Blob(parts) from Uint8Arrays: the bytes are copied),
// arraybuffer_<size> and text_<size> (await blob.arrayBuffer() / blob.text() of a Blob
// made once), slice_<size> (blob.slice(a, b) of a window across 3 parts, then .size) and
// slice_read_<size> (the same slice's arrayBuffer()), stream_<size> (every chunk of
// blob.stream() read with a default reader). stream_byob_256m: a 256 MiB Blob (4,096
// parts of 64 KiB) read to the end from blob.stream() with a BYOB reader into one
// byob_kib view (its buffer handed back each read); ops/s x 256 = MiB/s. A size's Blob is
// built only when one of its cases runs (so case=... measures one case's memory). Each
// case runs for budget_ms after
// a warm-up; value = geometric mean of the cases' ops/s, each case's ops/s is an extra. A
// case's ops/s is the best of `rounds` windows of budget_ms / rounds (the machine may be
// shared). knobs: budget_ms=600 rounds=3 warmup_ms=100 byob_kib=64
// case=<substring> (run only the cases whose name contains it)
const BENCH = "blob";
const UNIT = "ops/s";
// ==== portable prelude (identical in every bench file; files are deliberately
// self-contained: no import/export, no top-level await, so each file runs as an
// ES module or as a classic script) ====
// Benchmark code below uses ONLY: console.log, setTimeout, clearTimeout,
// queueMicrotask, fetch (+Response/Headers/ReadableStream), performance.now, Date.now.
//
// Command line:  <runtime> <file.mjs> [BASE_URL] [key=value ...]
//   BASE_URL  default http://127.0.0.1:18080 (no trailing slash needed)
//   key=value optional overrides of the knobs listed in each file (e.g. n=1000)
// Reading the command line is the ONE runtime-specific step. It is feature-detected
// and optional: Deno.args, process.argv (node, bun) or scriptArgs (QuickJS-style
// [script, ...args]) are used if present; otherwise the defaults apply.
function readArgs() {
  const g = globalThis;
  try {
    if (g.Deno && Array.isArray(g.Deno.args)) return g.Deno.args.slice();
    if (g.kiln && Array.isArray(g.kiln.args)) return g.kiln.args.slice();
    if (g.process && Array.isArray(g.process.argv)) return g.process.argv.slice(2);
    if (Array.isArray(g.scriptArgs)) return g.scriptArgs.slice(1);
  } catch (_) { /* fall through to defaults */ }
  return [];
}
const OPT = { base: "http://127.0.0.1:18080" };
for (const a of readArgs()) {
  if (/^https?:\/\//i.test(a)) OPT.base = a;
  else { const i = a.indexOf("="); if (i > 0) OPT[a.slice(0, i)] = a.slice(i + 1); }
}
OPT.base = String(OPT.base).replace(/\/+$/, "");
function opt(k, d) {
  if (OPT[k] === undefined) return d;
  const n = Number(OPT[k]);
  return Number.isFinite(n) ? n : d;
}
function fmt(v) {
  if (typeof v !== "number" || !Number.isFinite(v)) return "NaN";
  const a = Math.abs(v);
  return a >= 1000 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(3);
}
let reported = false;
// Prints the single line:  RESULT name=<bench> value=<number> unit=<unit>[ key=value]*
function report(value, extra) {
  if (reported) return;
  reported = true;
  let line = "RESULT name=" + BENCH + " value=" + fmt(value) + " unit=" + UNIT;
  if (extra) {
    for (const k of Object.keys(extra)) {
      const v = extra[k];
      const s = typeof v === "number" ? (Number.isInteger(v) ? String(v) : fmt(v)) : String(v);
      line += " " + k + "=" + s.replace(/\s+/g, "_");
    }
  }
  console.log(line);
}
const WATCHDOG_MS = opt("watchdog_ms", 30000);
function start(main) {
  const wd = setTimeout(() => {
    report(NaN, { error: "watchdog_" + WATCHDOG_MS + "ms" });
    throw new Error("watchdog"); // uncaught: ends the process on node/deno/bun
  }, WATCHDOG_MS);
  Promise.resolve().then(main).then(
    (r) => { clearTimeout(wd); report(r.value, r.extra); },
    (e) => { clearTimeout(wd); report(NaN, { error: e && e.message ? (e.name || "Error") + ":" + e.message : String(e) }); },
  );
}
// ==== end of prelude ====

// Runs the async fn repeatedly for `ms` milliseconds; returns calls per second.
async function rate(fn, ms) {
  let calls = 0;
  let sink = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    sink += await fn();
    calls++;
    t = performance.now();
  }
  if (sink < 0) throw new Error("unreachable");
  return calls / ((t - t0) / 1000);
}

// `count` Uint8Arrays of `size` bytes each, filled with ASCII letters.
function partsOf(count, size) {
  const parts = [];
  for (let i = 0; i < count; i++) parts.push(new Uint8Array(size).fill(97 + (i % 26)));
  return parts;
}

const SIZES = { "1m": [1024, 1024], "64m": [1024, 64 * 1024] };
const CASES = ["construct", "arraybuffer", "text", "slice", "slice_read", "stream"];

// Reads `blob` to the end from its stream with a BYOB reader into one view of `viewSize`
// bytes (each read transfers the view's buffer; the next read reuses it). Where a
// runtime's Blob stream has no BYOB reader, reads it with a default reader instead and
// says so (extra stream_byob_256m_reader=default). Returns the number of bytes read;
// checks the count and the last byte.
let byobReader = "byob";
async function readByob(blob, viewSize, lastByte) {
  const stream = blob.stream();
  let reader;
  try {
    reader = stream.getReader({ mode: "byob" });
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    byobReader = "default";
    reader = stream.getReader();
  }
  let buffer = new ArrayBuffer(viewSize);
  let bytes = 0;
  let last = -1;
  for (;;) {
    const { value, done } = byobReader === "byob" ?
        await reader.read(new Uint8Array(buffer, 0, viewSize)) : await reader.read();
    if (done) break;
    bytes += value.byteLength;
    last = value[value.byteLength - 1];
    if (byobReader === "byob") buffer = value.buffer;
  }
  if (bytes !== blob.size || last !== lastByte) throw new Error("BYOB read returned the wrong bytes");
  return bytes;
}

async function main() {
  const budget = opt("budget_ms", 600);
  const rounds = Math.max(1, opt("rounds", 3));
  const warmup = opt("warmup_ms", 100);
  const only = OPT["case"];
  const extra = {};
  let logSum = 0;
  let cases = 0;
  const measure = async (name, fn) => {
    await rate(fn, warmup);
    let opsPerSecond = 0;
    for (let r = 0; r < rounds; r++) {
      opsPerSecond = Math.max(opsPerSecond, await rate(fn, budget / rounds));
    }
    extra[name] = opsPerSecond;
    logSum += Math.log(opsPerSecond);
    cases++;
    // Let timers run between cases (the watchdog).
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  for (const [sizeName, [count, size]] of Object.entries(SIZES)) {
    if (only && !CASES.some((name) => (name + "_" + sizeName).includes(only))) continue;
    const parts = partsOf(count, size);
    const total = count * size;
    const blob = new Blob(parts);
    if (blob.size !== total) throw new Error("bad blob size " + blob.size);
    const check = new Uint8Array(await blob.arrayBuffer());
    if (check.length !== total || check[size] !== 98 || check[total - 1] !== 97 + ((count - 1) % 26)) {
      throw new Error("arrayBuffer() returned the wrong bytes");
    }
    if ((await blob.text()).length !== total) throw new Error("text() returned the wrong length");
    const from = Math.floor(size * 1.5);
    const to = from + 2 * size;
    const runs = {
      ["construct_" + sizeName]: () => new Blob(parts).size,
      ["arraybuffer_" + sizeName]: async () => (await blob.arrayBuffer()).byteLength,
      ["text_" + sizeName]: async () => (await blob.text()).length,
      ["slice_" + sizeName]: () => blob.slice(from, to).size,
      ["slice_read_" + sizeName]: async () => (await blob.slice(from, to).arrayBuffer()).byteLength,
      ["stream_" + sizeName]: async () => {
        let bytes = 0;
        const reader = blob.stream().getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return bytes;
          bytes += value.length;
        }
      },
    };
    for (const [name, fn] of Object.entries(runs)) {
      if (only && !name.includes(only)) continue;
      await measure(name, fn);
    }
  }
  if (!only || "stream_byob_256m".includes(only)) {
    const part = new Uint8Array(64 * 1024);
    for (let i = 0; i < part.length; i++) part[i] = 97 + (i % 26);
    const blob = new Blob(new Array(4096).fill(part));
    const viewSize = opt("byob_kib", 64) * 1024;
    const lastByte = part[part.length - 1];
    await measure("stream_byob_256m", () => readByob(blob, viewSize, lastByte));
    if (byobReader !== "byob") extra.stream_byob_256m_reader = byobReader;
  }
  if (cases === 0) throw new Error("no case matches " + only);
  return { value: Math.exp(logSum / cases), extra };
}
start(main);
