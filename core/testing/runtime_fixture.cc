#include "core/testing/runtime_fixture.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "core/snapshot.h"
#include "core/testing/core_snapshot.h"
#include "kiln_snapshot.h"

namespace kiln::testing {

namespace {
bool use_snapshots = false;

// The snapshot of the `kiln` command's extensions fits a runtime that installs them all.
const Snapshot* SnapshotFor(const RuntimeOptions& options) {
  absl::StatusOr<std::vector<std::string>> in_kiln = SnapshotExtensions(snapshots::kiln_snapshot());
  if (!in_kiln.ok()) return &snapshots::core_snapshot();
  for (const std::string& name : *in_kiln) {
    bool installed = false;
    for (const Extension* extension : options.extensions) installed |= extension->name == name;
    if (!installed) return &snapshots::core_snapshot();
  }
  return &snapshots::kiln_snapshot();
}
}  // namespace

void UseSnapshots(bool use) { use_snapshots = use; }
bool UsingSnapshots() { return use_snapshots; }

void RuntimeTest::SetUp() {
  RuntimeOptions options = MakeOptions();
  if (expose_ops_) options.expose_ops = true;
  bool want_snapshot = use_snapshots && options.snapshot == nullptr && !options.op_metrics;
  if (want_snapshot) options.snapshot = SnapshotFor(options);
  absl::StatusOr<std::unique_ptr<Runtime>> created = Runtime::Create(std::move(options));
  ASSERT_TRUE(created.ok()) << created.status();
  runtime_ = std::move(*created);
  if (want_snapshot) ASSERT_TRUE(runtime_->from_snapshot());
}

void RuntimeTest::TearDown() {
  if (!runtime_) return;
  absl::Status status = runtime_->Shutdown();
  EXPECT_TRUE(status.ok()) << status;
  runtime_.reset();
}

std::string RuntimeTest::EvalOrError(const std::string& code) {
  Result<std::string> result = runtime_->EvalToString(code);
  return result.ok() ? result.value() : "<eval: " + result.error().Report() + ">";
}

std::string RuntimeTest::RunLoopThenEval(const std::string& setup, const std::string& read) {
  Result<std::string> evaluated = runtime_->EvalToString(setup);
  if (!evaluated.ok()) return "<eval: " + evaluated.error().Report() + ">";
  Result<void> loop = runtime_->RunEventLoop();
  if (!loop.ok()) return "<loop: " + loop.error().class_name + ": " + loop.error().message + ">";
  return EvalOrError(read);
}

void RuntimeTest::ExpectEval(const std::string& code, const std::string& expected) {
  Result<std::string> result = runtime_->EvalToString(code);
  ASSERT_TRUE(result.ok()) << "code: " << code << "\nthrew: " << result.error().Report();
  EXPECT_EQ(result.value(), expected) << "code: " << code;
}

void RuntimeTest::ExpectThrows(const std::string& code, const std::string& expected) {
  JsError error = EvalError(code);
  EXPECT_EQ(error.Summary(), expected) << "code: " << code;
}

JsError RuntimeTest::EvalError(const std::string& code) {
  Result<std::string> result = runtime_->EvalToString(code);
  if (result.ok()) {
    ADD_FAILURE() << "code: " << code << "\nexpected an exception, got " << result.value();
    return {};
  }
  return result.error();
}

std::string TempDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string dir =
      absl::StrCat(base ? base : "/tmp", "/", test->test_suite_name(), ".", test->name());
  mkdir(dir.c_str(), 0755);
  return dir;
}

std::string WriteTempFile(const std::string& name, const std::string& content) {
  std::string path = absl::StrCat(TempDir(), "/", name);
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    mkdir(path.substr(0, slash).c_str(), 0755);
  }
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

}  // namespace kiln::testing
