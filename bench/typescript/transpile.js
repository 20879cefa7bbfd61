// The workload: appended to lib/typescript.js (which defines the global `ts`) by run.py,
// so kiln, Node 20 and Node 18 run the same classic script. Transpiles a small TypeScript
// module 200 times, each a little different, and prints one line at the end.
const source = (i) => `
  export enum Color { Red = ${i}, Green, Blue }
  export interface Shape<T extends number = number> { area(): T; readonly name: string; }
  export abstract class Base implements Shape {
    constructor(public readonly name: string, private scale: number = ${i}) {}
    abstract area(): number;
    protected scaled(value: number): number { return value * this.scale; }
  }
  export class Circle extends Base {
    constructor(private radius: number) { super('circle-${i}'); }
    area(): number { return this.scaled(Math.PI * this.radius ** 2); }
  }
  export function largest<T extends Shape>(shapes: readonly T[]): T | undefined {
    return shapes.reduce<T | undefined>((best, s) => (!best || s.area() > best.area() ? s : best), undefined);
  }
  export const table: Record<string, Color> = { red: Color.Red, green: Color.Green };
  export default async function* generate(count: number = ${i}): AsyncGenerator<Circle> {
    for (let k = 0; k < count; ++k) yield new Circle(k as number);
  }
`;

let bytes = 0;
for (let i = 0; i < 200; ++i) {
  const output = ts.transpileModule(source(i), {
    compilerOptions: { target: ts.ScriptTarget.ES2017, module: ts.ModuleKind.CommonJS },
    fileName: `shape${i}.ts`,
  });
  bytes += output.outputText.length;
}
console.log(`last line: transpiled 200 modules, ${bytes} bytes`);
