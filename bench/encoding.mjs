// encoding: TextEncoder.encode and TextDecoder.decode (UTF-8) of 1 KiB and 1 MiB texts:
// ASCII, Latin-1 (a one-byte string with characters above 0x7F) and mixed non-ASCII (a
// two-byte string: Latin, Greek, CJK, emoji). Sizes are of the UTF-8 bytes. Each case runs
// for budget_ms after a warm-up; value = geometric mean of the cases' ops/s, each case's
// ops/s is an extra (encode_ascii_1k=...). A case's ops/s is the best of `rounds` windows
// of budget_ms / rounds (the machine may be shared). knobs: budget_ms=500 rounds=5
// warmup_ms=100
// case=<substring> (run only the cases whose name contains it)
const BENCH = "encoding";
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

// A text whose UTF-8 takes exactly `bytes` bytes, made of `sample` repeated (cut at a
// character boundary, padded with ASCII).
function textOf(sample, bytes) {
  const encoder = new TextEncoder();
  let text = "";
  let size = 0;
  const chars = Array.from(sample);
  for (let i = 0; ; i = (i + 1) % chars.length) {
    const n = encoder.encode(chars[i]).length;
    if (size + n > bytes) break;
    text += chars[i];
    size += n;
  }
  while (size < bytes) { text += "a"; size++; }
  return text;
}
const SAMPLES = {
  ascii: "The quick brown fox jumps over the lazy dog 0123456789. ",
  latin1: "Fran\u00e7ais: \u00e9t\u00e9, \u00e0 bient\u00f4t; Espa\u00f1ol: ma\u00f1ana \u00bfqu\u00e9? ",
  mixed: "h\u00e9llo \u03ba\u03cc\u03c3\u03bc\u03b5 \u65e5\u672c\u8a9e \ud83d\ude00 ",
};
const SIZES = { "1k": 1024, "1m": 1024 * 1024 };

// Runs fn repeatedly for `ms` milliseconds; returns calls per second.
function rate(fn, ms) {
  let calls = 0;
  let sink = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 16; i++) sink += fn();
    calls += 16;
    t = performance.now();
  }
  if (sink < 0) throw new Error("unreachable");
  return calls / ((t - t0) / 1000);
}

async function main() {
  const budget = opt("budget_ms", 500);
  const rounds = Math.max(1, opt("rounds", 5));
  const warmup = opt("warmup_ms", 100);
  const only = OPT["case"];
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const extra = {};
  let logSum = 0;
  let cases = 0;
  for (const [kind, sample] of Object.entries(SAMPLES)) {
    for (const [sizeName, bytes] of Object.entries(SIZES)) {
      const text = textOf(sample, bytes);
      const encoded = encoder.encode(text);
      if (encoded.length !== bytes) throw new Error("bad sample size " + encoded.length);
      if (decoder.decode(encoded) !== text) throw new Error("round trip failed for " + kind);
      const runs = {
        ["encode_" + kind + "_" + sizeName]: () => encoder.encode(text).length,
        ["decode_" + kind + "_" + sizeName]: () => decoder.decode(encoded).length,
      };
      for (const [name, fn] of Object.entries(runs)) {
        if (only && !name.includes(only)) continue;
        rate(fn, warmup);
        let opsPerSecond = 0;
        for (let r = 0; r < rounds; r++) opsPerSecond = Math.max(opsPerSecond, rate(fn, budget / rounds));
        extra[name] = opsPerSecond;
        logSum += Math.log(opsPerSecond);
        cases++;
        // Let timers run between cases (the watchdog).
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    }
  }
  if (cases === 0) throw new Error("no case matches " + only);
  return { value: Math.exp(logSum / cases), extra };
}
start(main);
