// A header without ops still yields a valid, empty table.
#include "codegen/testdata/no_ops/input_table.h"
#include "core/extension.h"
#include "core/runtime.h"
#include "gtest/gtest.h"

namespace no_ops {
namespace {

TEST(NoOpsTest, EmptyTable) {
  const kiln::OpTable& table = kiln::generated::input;
  EXPECT_STREQ(table.header, "codegen/testdata/no_ops/input.h");
  EXPECT_EQ(table.op_count, 0u);
  EXPECT_EQ(table.ops, nullptr);
  EXPECT_EQ(table.external_references[0], 0);
  const kiln::Extension extension{"no_ops", {&table}};
  kiln::RuntimeOptions options;
  options.extensions = {&extension};
  absl::StatusOr<std::unique_ptr<kiln::Runtime>> runtime = kiln::Runtime::Create(options);
  ASSERT_TRUE(runtime.ok()) << runtime.status();
  EXPECT_TRUE((*runtime)->Shutdown().ok());
}

}  // namespace
}  // namespace no_ops
