// `kiln test`: runs JavaScript test files written against kiln:test / kiln:assert, each
// in a fresh runtime, with per-test leak checks (ext/testing/README.md).
#ifndef KILN_CLI_TEST_RUNNER_H_
#define KILN_CLI_TEST_RUNNER_H_

#include <string>
#include <vector>

#include "core/extension.h"
#include "core/snapshot.h"

namespace kiln::cli {

// What a `kiln` command runs its scripts with: its extensions (which must include
// //ext/testing for `kiln test`) and, optionally, a startup snapshot of them.
struct CommandEnvironment {
  std::vector<const Extension*> extensions;
  const Snapshot* snapshot = nullptr;
};

// `kiln test [paths...] [--filter <pattern>] [--reporter=spec|tap] [--trace-leaks]
// [--op-metrics] [--v8-flags=...]`; `args` are the arguments after "test". Returns the
// exit status: 0 when every test passed, 1 when any failed (or a file could not be
// loaded), 2 for a usage error.
int RunTestCommand(const std::vector<std::string>& args, const CommandEnvironment& environment);

// The test files under `paths` (files as given; directories searched recursively for
// *_test.{js,mjs} and *.test.{js,mjs}, skipping node_modules and hidden directories),
// sorted and without duplicates. `*error` names a path that does not exist.
std::vector<std::string> FindTestFiles(const std::vector<std::string>& paths, std::string* error);

}  // namespace kiln::cli

#endif  // KILN_CLI_TEST_RUNNER_H_
