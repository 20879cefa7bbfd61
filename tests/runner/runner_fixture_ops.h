// Ops of the runner's test fixtures (kiln:runner-fixtures): a named resource and an async
// op that stays pending until that resource is closed, so the leak checks of `kiln test`
// can be tested with leaks that happen every time.
#ifndef KILN_TESTS_RUNNER_RUNNER_FIXTURE_OPS_H_
#define KILN_TESTS_RUNNER_RUNNER_FIXTURE_OPS_H_

#include <string>

#include "ops/op.h"

namespace kiln::runner_fixtures {

// Opens a resource whose name() is `name`.
KILN_OP(nofast) kiln::ResourceId op_fixture_open(kiln::OpState& state, std::string name);

// Resolves when resource `rid` is closed (op_close); rejects with BadResource when it is
// not open.
KILN_OP() kiln::Future<void> op_fixture_wait(kiln::OpState& state, kiln::ResourceId rid);

// Throws a TypeError (an op error for the op metrics).
KILN_OP() absl::Status op_fixture_fail(kiln::OpState& state);

}  // namespace kiln::runner_fixtures

#endif  // KILN_TESTS_RUNNER_RUNNER_FIXTURE_OPS_H_
