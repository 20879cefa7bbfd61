// WebAssembly.compileStreaming and instantiateStreaming (ext:fetch/wasm_streaming.js):
// "compile a potential WebAssembly response" of the WebAssembly Web API.
// https://webassembly.github.io/spec/web-api/#compile-a-potential-webassembly-response
//
// V8 defines both functions when the isolate has a streaming callback (the runtime sets
// one, core_ops.h: WasmStreamingResource). The callback hands this hook (internals.wasmStreaming, lazy: fetch.js) the argument and
// `rid`, V8's compile job; the hook checks the Response and feeds its body to the job as
// it arrives, so compilation overlaps the download. Whatever goes wrong rejects the
// compile's promise through op_wasm_streaming_abort.
import {
  op_wasm_streaming_abort, op_wasm_streaming_feed, op_wasm_streaming_finish,
  op_wasm_streaming_set_url,
} from 'ext:core/ops';
import * as webidl from 'ext:webidl/webidl.js';
import { forEachBodyChunk } from './body.js';
import { getHeader, normalizeHeaderValue } from './headers.js';
import { innerResponseOf, Response } from './response.js';

const NativeTypeError = TypeError;
const ResponsePrototype = Response.prototype;
const StringPrototypeToLowerCase = String.prototype.toLowerCase;
const ReflectApply = Reflect.apply;

const prefix = "Failed to execute 'compile' on 'WebAssembly'";

async function compilePotentialResponse(source, rid) {
  try {
    const response = await source;
    if (!webidl.implementsInterface(response, ResponsePrototype)) {
      throw new NativeTypeError(`${prefix}: An argument must be provided, which must be a ` +
                                'Response or Promise<Response> object');
    }
    const inner = innerResponseOf(response);
    // The essence must be exactly application/wasm: no parameters.
    let mimeType = getHeader(inner.headerList, 'content-type');
    if (mimeType !== null) mimeType = normalizeHeaderValue(mimeType);
    if (mimeType === null ||
        ReflectApply(StringPrototypeToLowerCase, mimeType, []) !== 'application/wasm') {
      throw new NativeTypeError(`${prefix}: Incorrect response MIME type. Expected ` +
                                "'application/wasm'.");
    }
    if (inner.type === 'opaque' || inner.type === 'opaqueredirect' || inner.type === 'error') {
      throw new NativeTypeError(`${prefix}: The response is not CORS-same-origin`);
    }
    if (inner.status < 200 || inner.status > 299) {
      throw new NativeTypeError(`${prefix}: HTTP status code is not ok`);
    }
    const body = inner.body;
    if (body !== null && body.isUnusable()) {
      throw new NativeTypeError(`${prefix}: The response body has already been used`);
    }
    const url = response.url;
    if (url !== '') op_wasm_streaming_set_url(rid, url);
    if (body !== null) {
      await forEachBodyChunk(body, (chunk) => op_wasm_streaming_feed(rid, chunk));
    }
    op_wasm_streaming_finish(rid);
  } catch (error) {
    try {
      op_wasm_streaming_abort(rid, error);
    } catch {
      // The job is gone already (its resource was closed): nothing waits for it.
    }
  }
}

export { compilePotentialResponse as wasmStreaming };
