#ifndef KILN_CORE_TESTING_RUNTIME_FIXTURE_H_
#define KILN_CORE_TESTING_RUNTIME_FIXTURE_H_

#include <memory>
#include <string>

#include "core/runtime.h"
#include "gtest/gtest.h"

namespace kiln::testing {

// Whether RuntimeTest runtimes come from a startup snapshot (the test main's
// --kiln_snapshot): the snapshot of the `kiln` command's extensions when the test installs
// them all, else one of the core extension alone (the test's extensions load on top).
void UseSnapshots(bool use);
bool UsingSnapshots();

// Owns one Runtime per test (V8 itself is initialised once per process by the test main)
// and checks at teardown that the runtime shuts down clean: isolate disposed and the uv
// loop closed with no handle left open. Its runtimes expose ops as `kiln.ops`
// (RuntimeOptions::expose_ops) unless a test clears `expose_ops_`.
class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Override to customise the runtime a test gets.
  virtual RuntimeOptions MakeOptions() { return {}; }

  Runtime& runtime() { return *runtime_; }

  // Evaluates `code` and expects its value, formatted like console.log, to be `expected`.
  void ExpectEval(const std::string& code, const std::string& expected);
  // Evaluates `code` and expects it to throw; `expected` is "Class: message".
  void ExpectThrows(const std::string& code, const std::string& expected);
  // Evaluates `code` and returns the error it throws (fails the test if it does not).
  JsError EvalError(const std::string& code);
  // Evaluates `code` and returns its value formatted like console.log, or
  // "<eval: report>" if it throws.
  std::string EvalOrError(const std::string& code);
  // Evaluates `setup`, runs the event loop to the end, then returns EvalOrError(`read`);
  // "<loop: Class: message>" if the loop stopped on an uncaught error.
  std::string RunLoopThenEval(const std::string& setup,
                              const std::string& read = "globalThis.result");

  std::unique_ptr<Runtime> runtime_;
  bool expose_ops_ = true;
};

// Writes `content` to `name` under a fresh per-test directory and returns the path.
std::string WriteTempFile(const std::string& name, const std::string& content);
// The per-test directory WriteTempFile uses.
std::string TempDir();

}  // namespace kiln::testing

#endif  // KILN_CORE_TESTING_RUNTIME_FIXTURE_H_
