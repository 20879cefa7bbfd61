// Echoes each message back with the worker's name and what it saw of its global scope.
const scope = {
  selfIsGlobal: self === globalThis,
  hasWorker: typeof Worker === 'function',
  hasFetch: typeof fetch === 'function',
};
onmessage = (event) => {
  const data = event.data;
  if (data === 'close') {
    postMessage('closing');
    close();
    postMessage('after close, same task');
    return;
  }
  if (data instanceof ArrayBuffer) {
    const bytes = new Uint8Array(data);
    let sum = 0;
    for (const b of bytes) sum += b;
    postMessage({ length: data.byteLength, sum });
    return;
  }
  postMessage({ name, scope, data, isTrusted: event.isTrusted });
};
