// A `kiln test` command whose runtimes also have the runner's test fixtures
// (kiln:runner-fixtures): what the runner's leak-check tests run under.
#include <string>
#include <vector>

#include "cli/test_runner.h"
#include "tests/runner/fixture_snapshot.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] != "test") return 2;
  args.erase(args.begin());
  return kiln::cli::RunTestCommand(
      args, {kiln::snapshots::fixture_snapshot_extensions(), &kiln::snapshots::fixture_snapshot()});
}
