// fetch_slow_read: a 1 GiB response body read slowly (the reader waits `pause_ms` after
// every `every` chunks), so the transfer must pause while JavaScript is not reading.
// Run it under /usr/bin/time -v and compare its maximum RSS with a run of `bytes=0`
// (the baseline: the same process reading nothing). bench/README.md has the command.
//   <runtime> bench/fetch_slow_read.mjs <url> [pause_ms=1] [every=4]
function readArgs() {
  const g = globalThis;
  if (g.Deno && Array.isArray(g.Deno.args)) return g.Deno.args.slice();
  if (g.kiln && Array.isArray(g.kiln.args)) return g.kiln.args.slice();
  if (g.process && Array.isArray(g.process.argv)) return g.process.argv.slice(2);
  return [];
}
const [url, ...rest] = readArgs();
const options = { pause_ms: 1, every: 4, read: 1 };
for (const arg of rest) {
  const [key, value] = arg.split('=');
  options[key] = Number(value);
}
const started = performance.now();
const response = await fetch(url);
let bytes = 0;
let chunks = 0;
if (options.read) {
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (++chunks % options.every === 0) {
      await new Promise((resolve) => setTimeout(resolve, options.pause_ms));
    }
  }
} else {
  await response.body.cancel();
}
const seconds = (performance.now() - started) / 1000;
console.log(`RESULT name=fetch_slow_read bytes=${bytes} chunks=${chunks} seconds=${seconds.toFixed(1)} MiB_per_s=${(bytes / 1048576 / seconds).toFixed(1)}`);
