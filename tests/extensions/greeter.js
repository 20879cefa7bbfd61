// The greeter test extension's entry module: a global, a published module's export, and a
// relative import of another module of the extension.
import { op_greet } from 'ext:core/ops';
import { punctuate } from './lib/punctuate.js';

export function greet(name) {
  return op_greet(name);
}
export const shout = (name) => punctuate(greet(name).toUpperCase());

Object.defineProperty(globalThis, 'greeter', {
  value: Object.freeze({ greet }), writable: false, enumerable: false, configurable: true,
});
