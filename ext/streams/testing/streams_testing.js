// Tests only (ext:streams_testing/testing/streams_testing.js): the resource-stream
// functions and the test resources' ops as globalThis.streamsTesting.
import {
  op_streams_test_sink, op_streams_test_source, op_streams_test_stats,
} from 'ext:core/ops';
import { readableStreamForRid, writableStreamForRid } from 'ext:streams/resource_streams.js';

globalThis.streamsTesting = {
  readableStreamForRid,
  writableStreamForRid,
  source: (options) => op_streams_test_source(options),
  sink: (deferred = true) => op_streams_test_sink(deferred),
  stats: () => op_streams_test_stats(),
};
