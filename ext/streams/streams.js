// The entry module of the streams extension (ext:streams/streams.js): installs the Streams
// Standard's interfaces as globals (non-enumerable, as WebIDL puts interface objects).
import {
  ReadableByteStreamController, ReadableStream, ReadableStreamBYOBReader,
  ReadableStreamBYOBRequest, ReadableStreamDefaultController, ReadableStreamDefaultReader,
} from './readable_stream.js';
import {
  WritableStream, WritableStreamDefaultController, WritableStreamDefaultWriter,
} from './writable_stream.js';
import { TransformStream, TransformStreamDefaultController } from './transform_stream.js';
import { ByteLengthQueuingStrategy, CountQueuingStrategy } from './queuing_strategies.js';
import { TextDecoderStream, TextEncoderStream } from './text_streams.js';
import './resource_streams.js';

for (const Interface of [
  ReadableStream, ReadableStreamDefaultReader, ReadableStreamBYOBReader,
  ReadableStreamBYOBRequest, ReadableStreamDefaultController, ReadableByteStreamController,
  WritableStream, WritableStreamDefaultWriter, WritableStreamDefaultController,
  TransformStream, TransformStreamDefaultController,
  ByteLengthQueuingStrategy, CountQueuingStrategy, TextEncoderStream, TextDecoderStream,
]) {
  Object.defineProperty(globalThis, Interface.name, {
    value: Interface, writable: true, enumerable: false, configurable: true,
  });
}
