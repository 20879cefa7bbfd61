// Fails at the top level, on line 3.
const value = 1;
throw new Error(`boom ${value} ✗é`);
