// GoogleTest main for kiln's C++ tests: sets the V8 flags tests rely on (gc() and
// %-natives for optimisation tests) before V8 is initialised, once per process.
#include "core/v8_platform.h"
#include "gtest/gtest.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  kiln::AddV8Flags("--expose-gc --allow-natives-syntax").IgnoreError();
  kiln::InitializeV8();
  return RUN_ALL_TESTS();
}
