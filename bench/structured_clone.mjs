// structured_clone: structuredClone of a ~1 MB object graph (JSON size): 2,500 records
// with strings, numbers, a nested object, an array, a Date, a Map and a shared reference to
// a common object, in an array. value = clones/s over a time budget. knobs: records=2500
// budget_ms=3000
const BENCH = "structured_clone";
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
function makeGraph(records) {
  const shared = { kind: "shared", list: [1, 2, 3] };
  const items = [];
  for (let i = 0; i < records; i++) {
    items.push({
      id: i,
      name: "record number " + i + " of the benchmark graph",
      score: i * 1.5 + 0.25,
      active: i % 3 === 0,
      tags: ["alpha", "beta", "gamma" + (i % 10), "delta"],
      position: { x: i, y: -i, z: i / 7, label: "p" + i },
      created: new Date(1700000000000 + i * 1000),
      attributes: new Map([["color", "red"], ["size", i % 5]]),
      description: "A record of the structured clone benchmark; text to give it some weight. " + i,
      shared,
    });
  }
  return { version: 1, items };
}
function jsonSize(graph) {
  return JSON.stringify(graph, (key, value) => (value instanceof Map ? [...value] : value)).length;
}
async function main() {
  const graph = makeGraph(opt("records", 2500));
  const budget = opt("budget_ms", 3000);
  const copy = structuredClone(graph);
  const last = copy.items[copy.items.length - 1];
  if (copy === graph || copy.items.length !== graph.items.length ||
      last.name !== graph.items[graph.items.length - 1].name ||
      !(last.created instanceof Date) || last.attributes.get("color") !== "red" ||
      copy.items[0].shared !== last.shared || last.shared === graph.items[0].shared) {
    throw new Error("the clone differs from the original");
  }
  for (let i = 0; i < 3; i++) structuredClone(graph);
  let clones = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < budget) {
    structuredClone(graph);
    clones++;
    elapsed = performance.now() - t0;
  }
  return { value: clones / (elapsed / 1000), extra: { json_bytes: jsonSize(graph), ms: elapsed, check: "pass" } };
}
start(main);
