// GoogleTest main for kiln's C++ tests: sets the V8 flags tests rely on before V8 is
// initialised, once per process: gc(), %-natives for optimisation tests, and feedback
// vectors from the first call, so a function called twice has the feedback TurboFan needs
// to inline what it calls (an op's JS wrapper, and the fast call inside it).
//
// `--kiln_snapshot` (kiln_runtime_test's "_snapshot" twin) runs every RuntimeTest on a
// runtime made from a startup snapshot (core/testing/runtime_fixture.h).
#include <cstring>

#include "core/testing/runtime_fixture.h"
#include "core/v8_platform.h"
#include "gtest/gtest.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--kiln_snapshot") == 0) kiln::testing::UseSnapshots(true);
  }
  kiln::AddV8Flags("--expose-gc --allow-natives-syntax --no-lazy-feedback-allocation").IgnoreError();
  kiln::InitializeV8();
  return RUN_ALL_TESTS();
}
