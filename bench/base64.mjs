// base64: atob and btoa of 1 MiB. btoa encodes a 1 MiB binary string (every byte value,
// pseudo-random order), atob decodes the 1.33 MiB result back; both are timed separately
// for a time budget each. value = round trips/s (1 / (btoa time + atob time)); extras
// btoa_ops_s and atob_ops_s. knobs: bytes=1048576 budget_ms=2000 seed=1
const BENCH = "base64";
const UNIT = "ops/s";
// ==== portable prelude (identical in every bench file; files are deliberately
// self-contained: no import/export, no top-level await, so each file runs as an
// ES module or as a classic script) ====
// Benchmark code below uses ONLY: console.log, setTimeout, clearTimeout,
// queueMicrotask, fetch (+Response/Headers/ReadableStream), performance.now, Date.now,
// and the API under test.
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
function binaryString(bytes, seed) {
  let state = seed >>> 0 || 1;
  const parts = [];
  const chunk = [];
  for (let i = 0; i < bytes; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    chunk.push(state >>> 24);
    if (chunk.length === 8192) { parts.push(String.fromCharCode.apply(null, chunk)); chunk.length = 0; }
  }
  if (chunk.length) parts.push(String.fromCharCode.apply(null, chunk));
  return parts.join("");
}
// Runs fn for budgetMs (after a short warm-up); returns calls per second.
function rate(fn, budgetMs) {
  for (let i = 0; i < 3; i++) fn();
  let calls = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < budgetMs) {
    fn();
    calls++;
    elapsed = performance.now() - t0;
  }
  return calls / (elapsed / 1000);
}
async function main() {
  const bytes = opt("bytes", 1048576);
  const budget = opt("budget_ms", 2000);
  const binary = binaryString(bytes, opt("seed", 1));
  const encoded = btoa(binary);
  if (atob(encoded) !== binary) throw new Error("atob(btoa(x)) !== x");
  if (encoded.length !== 4 * Math.ceil(bytes / 3)) throw new Error("wrong base64 length");
  let sink = 0;
  const btoaRate = rate(() => { sink += btoa(binary).length; }, budget);
  const atobRate = rate(() => { sink += atob(encoded).length; }, budget);
  if (sink === 0) throw new Error("nothing encoded");
  const roundTrips = 1 / (1 / btoaRate + 1 / atobRate);
  return { value: roundTrips, extra: { btoa_ops_s: btoaRate, atob_ops_s: atobRate, bytes, check: "pass" } };
}
start(main);
