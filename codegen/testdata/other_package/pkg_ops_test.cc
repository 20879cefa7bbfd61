#include <fstream>
#include <sstream>
#include <string>

#include "codegen/testdata/other_package/pkg_ops_table.h"
#include "core/extension.h"
#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"

namespace pkg {
namespace {

const kiln::Extension kExtension{"pkg", {&kiln::generated::pkg_ops}};

class PkgOpsTest : public kiln::testing::RuntimeTest {
 protected:
  kiln::RuntimeOptions MakeOptions() override {
    kiln::RuntimeOptions options;
    options.extensions = {&kExtension};
    return options;
  }
};

TEST_F(PkgOpsTest, TableAndCalls) {
  EXPECT_STREQ(kiln::generated::pkg_ops.header, "codegen/testdata/other_package/pkg_ops.h");
  EXPECT_EQ(kiln::generated::pkg_ops.op_count, 2u);
  ExpectEval("kiln.ops.op_pkg_twice(21)", "42");
  ExpectEval("kiln.ops.op_pkg_name()", "'pkg'");
}

std::string ReadRunfile(const char* path) {
  std::ifstream file(path);
  EXPECT_TRUE(file.good()) << path;
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST(PkgOpsDts, FilegroupHoldsTheDeclarations) {
  std::string text = ReadRunfile("codegen/testdata/other_package/pkg_ops.d.ts");
  EXPECT_NE(text.find("declare module \"ext:core/ops\" {"), std::string::npos) << text;
  EXPECT_NE(text.find("export function op_pkg_twice(x: number): number;"), std::string::npos)
      << text;
}

TEST(PkgOpsJs, FilegroupHoldsTheGlueTheTableEmbeds) {
  std::string text = ReadRunfile("codegen/testdata/other_package/pkg_ops_glue.js");
  EXPECT_EQ(text, kiln::generated::pkg_ops.js_glue);
}

}  // namespace
}  // namespace pkg
