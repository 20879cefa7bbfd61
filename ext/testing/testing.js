// The entry module of the testing extension (ext:testing/testing.js). kiln:test
// (ext:testing/test.js) and kiln:assert are lazy modules: a test file's import loads
// them, and nothing of them is in the startup snapshot. The runner's entry points
// (cli/test_runner.cc) load kiln:test themselves when a file did not import it; its
// evaluation replaces them with the harness's own.
import { internals } from 'ext:core/internals';

for (const name of ['testingRun', 'testingInterrupt']) {
  internals[name] = (...args) => {
    internals.importLazy('ext:testing/test.js');
    return internals[name](...args);
  };
}
