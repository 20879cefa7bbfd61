// The entry module of the streams extension (ext:streams/streams.js): the Streams
// Standard's interfaces as globals (non-enumerable, as WebIDL puts interface objects).
// Each is a lazy property: its module is evaluated when a global of it is first read
// (internals.defineLazy, core/README.md "Lazy modules"), so none is in the startup
// snapshot.
import { internals } from 'ext:core/internals';

internals.defineLazy(globalThis, 'ext:streams/readable_stream.js', [
  'ReadableStream', 'ReadableStreamDefaultReader', 'ReadableStreamBYOBReader',
  'ReadableStreamBYOBRequest', 'ReadableStreamDefaultController',
  'ReadableByteStreamController',
]);
internals.defineLazy(globalThis, 'ext:streams/writable_stream.js', [
  'WritableStream', 'WritableStreamDefaultWriter', 'WritableStreamDefaultController',
]);
internals.defineLazy(globalThis, 'ext:streams/transform_stream.js', [
  'TransformStream', 'TransformStreamDefaultController',
]);
internals.defineLazy(globalThis, 'ext:streams/queuing_strategies.js', [
  'ByteLengthQueuingStrategy', 'CountQueuingStrategy',
]);
internals.defineLazy(globalThis, 'ext:streams/text_streams.js', [
  'TextEncoderStream', 'TextDecoderStream',
]);
