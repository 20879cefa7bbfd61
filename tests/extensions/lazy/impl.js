// A lazy module: counts its evaluations, imports an op and a module of another extension.
import { op_greet } from 'ext:core/ops';
import { punctuate } from 'ext:greeter/lib/punctuate.js';

globalThis.lazyEvaluations = (globalThis.lazyEvaluations ?? 0) + 1;

export class LazyThing {
  constructor(name) {
    this.name = name;
  }
}
export const lazyGreet = (name) => punctuate(op_greet(name));
// Members of other objects, read through defineLazy's exportName: the same names as
// LazyThing's on two targets.
export const lazyTables = {
  first: { describe() { return 'first table'; } },
  second: { describe() { return 'second table'; } },
  notAnObject: 1,
};
export const { first, second, notAnObject } = lazyTables;
