// compression: CompressionStream / DecompressionStream throughput (gzip).
//
//   <runtime> bench/compression.mjs [key=value ...]      node / deno run / bun / kiln run
//
// Prints one line per measurement:
//   RESULT name=gzip_compress value=<MiB/s> unit=MiB/s        16 MiB of text-like bytes
//       (about 3:1) written to a CompressionStream('gzip') in 64 KiB chunks, read to the end
//   RESULT name=gzip_decompress value=<MiB/s> unit=MiB/s      the result written to a
//       DecompressionStream('gzip') in 64 KiB chunks; MiB/s of decompressed output
//   RESULT name=gzip_small_chunks value=<chunks/s> unit=chunks/s     16,384 chunks of
//       1 KiB compressed, then the compressed bytes decompressed in 1 KiB chunks; chunks/s
//       over both directions (every chunk is written, and read, through the streams)
// knobs: mib=16, chunk_kib=64, small=16384, rounds=3 (best of)
//
// Standard APIs only (CompressionStream, DecompressionStream, console.log,
// performance.now); no imports, so the file runs unchanged as an ES module or a classic
// script on node, deno, bun and kiln. Every round checks the round trip byte for byte.
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
const MIB = Number(OPT.mib) > 0 ? Number(OPT.mib) : 16;
const CHUNK = (Number(OPT.chunk_kib) > 0 ? Number(OPT.chunk_kib) : 64) * 1024;
const SMALL = Number(OPT.small) > 0 ? Number(OPT.small) : 16384;
const ROUNDS = Number(OPT.rounds) > 0 ? Number(OPT.rounds) : 3;

function fmt(v) {
  return Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(1);
}

// Words from a fixed pseudo-random sequence: compresses about 3:1, like prose or JSON.
function textLike(size) {
  const words = ["stream", "chunk", "reader", "writer", "deflate", "gzip", "buffer", "byte",
                 "pipe", "close", "the", "of", "and", "a", "to", "in", "is", "it", "kiln",
                 "{\"id\":", "\"name\":", "null,", "true,", "12345", "0.5", "\n"];
  const bytes = new Uint8Array(size);
  let seed = 12345;
  let at = 0;
  while (at < size) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const word = words[(seed >>> 16) % words.length];
    for (let i = 0; i < word.length && at < size; i++) bytes[at++] = word.charCodeAt(i);
    if (at < size) bytes[at++] = 32;
  }
  return bytes;
}

function split(bytes, size) {
  const chunks = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

// Writes `chunks` to the stream while reading it; resolves with the output's chunks.
async function through(stream, chunks) {
  const writer = stream.writable.getWriter();
  const writing = (async () => {
    for (const chunk of chunks) await writer.write(chunk);
    await writer.close();
  })();
  const reader = stream.readable.getReader();
  const output = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    output.push(value);
  }
  await writing;
  return output;
}

function concat(chunks) {
  let length = 0;
  for (const chunk of chunks) length += chunk.byteLength;
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

function check(expected, chunks) {
  const actual = concat(chunks);
  if (actual.length !== expected.length) {
    throw new Error(`round trip gave ${actual.length} bytes, not ${expected.length}`);
  }
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) throw new Error(`round trip differs at byte ${i}`);
  }
}

async function bigOnce(input) {
  let start = performance.now();
  const compressed = concat(await through(new CompressionStream("gzip"), split(input, CHUNK)));
  const compressMs = performance.now() - start;
  start = performance.now();
  const output = await through(new DecompressionStream("gzip"), split(compressed, CHUNK));
  const decompressMs = performance.now() - start;
  check(input, output);
  return { compressMs, decompressMs, ratio: input.length / compressed.length };
}

async function smallOnce(input) {
  const start = performance.now();
  const compressed = concat(await through(new CompressionStream("gzip"), split(input, 1024)));
  const output = await through(new DecompressionStream("gzip"), split(compressed, 1024));
  const ms = performance.now() - start;
  check(input, output);
  return { ms, chunks: SMALL + Math.ceil(compressed.length / 1024) };
}

function errorLine(name, unit, e) {
  return `RESULT name=${name} value=NaN unit=${unit} error=${String(e && e.message).replace(/\s+/g, "_")}`;
}

async function main() {
  try {
    const input = textLike(MIB * 1024 * 1024);
    let compressMs = Infinity;
    let decompressMs = Infinity;
    let ratio = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const round = await bigOnce(input);
      compressMs = Math.min(compressMs, round.compressMs);
      decompressMs = Math.min(decompressMs, round.decompressMs);
      ratio = round.ratio;
    }
    console.log(`RESULT name=gzip_compress value=${fmt(MIB / (compressMs / 1000))} unit=MiB/s ms=${compressMs.toFixed(1)} mib=${MIB} ratio=${ratio.toFixed(2)}`);
    console.log(`RESULT name=gzip_decompress value=${fmt(MIB / (decompressMs / 1000))} unit=MiB/s ms=${decompressMs.toFixed(1)} mib=${MIB}`);
  } catch (e) {
    console.log(errorLine("gzip_compress", "MiB/s", e));
    console.log(errorLine("gzip_decompress", "MiB/s", e));
  }
  try {
    const input = textLike(SMALL * 1024);
    let best = Infinity;
    let chunks = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const round = await smallOnce(input);
      best = Math.min(best, round.ms);
      chunks = round.chunks;
    }
    console.log(`RESULT name=gzip_small_chunks value=${fmt(chunks / (best / 1000))} unit=chunks/s ms=${best.toFixed(1)} chunks=${chunks}`);
  } catch (e) {
    console.log(errorLine("gzip_small_chunks", "chunks/s", e));
  }
}
main();
