// Tests only (ext:streams_testing/testing/streams_testing.js): the resource-stream
// functions and the test resources' ops as globalThis.streamsTesting.
import {
  op_streams_test_sink, op_streams_test_source, op_streams_test_stats,
} from 'ext:core/ops';
import { readableStreamForRid, writableStreamForRid } from 'ext:streams/resource_streams.js';
import { readableStreamStateOf, readableStreamTee } from 'ext:streams/readable_stream.js';

globalThis.streamsTesting = {
  readableStreamForRid,
  writableStreamForRid,
  // Options: total_bytes, chunk_size (65536), deferred (true), stall_after (-1: never),
  // fail (false), full_chunks (false).
  source: (options) => op_streams_test_source({
    total_bytes: 0, chunk_size: 65536, deferred: true, stall_after: -1, fail: false,
    full_chunks: false, ...options,
  }),
  sink: (deferred = true) => op_streams_test_sink(deferred),
  stats: () => op_streams_test_stats(),
  // ReadableStreamTee(stream, cloneForBranch2 = true), as fetch's "clone a body" calls it.
  teeCloning: (stream) => readableStreamTee(readableStreamStateOf(stream), true)
    .map((branch) => branch.pub),
};
