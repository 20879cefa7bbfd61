// The entry module of the compression extension (ext:compression/compression.js): the
// globals CompressionStream and DecompressionStream (non-enumerable, as WebIDL puts
// interface objects), lazy: compression_streams.js and the streams it builds on are
// evaluated when one is first read (internals.defineLazy, core/README.md "Lazy modules").
import { internals } from 'ext:core/internals';

internals.defineLazy(globalThis, 'ext:compression/compression_streams.js', [
  'CompressionStream', 'DecompressionStream',
]);
