// kiln run examples/hello.js [name]
const name = kiln.args[0] ?? 'world';
console.log(`hello, ${name}`);
console.log({ runtime: 'kiln', version: kiln.version.kiln, v8: kiln.version.v8 });
