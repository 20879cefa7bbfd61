#include "ops/resource.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ops/errors.h"

namespace kiln {
namespace {

class FakeFile : public Resource {
 public:
  FakeFile(std::vector<std::string>* log, std::string label) : log_(log), label_(label) {}
  ~FakeFile() override { log_->push_back("destroy " + label_); }
  std::string name() const override { return "fakeFile"; }
  void OnClose() override { log_->push_back("close " + label_); }

 private:
  std::vector<std::string>* log_;
  std::string label_;
};

class FakeSocket : public Resource {
 public:
  std::string name() const override { return "fakeSocket"; }
};

void ExpectBadResource(const absl::Status& status) {
  EXPECT_EQ(JsClassOf(status), "BadResource");
  EXPECT_EQ(status.message(), "Bad resource ID");
}

TEST(ResourceTableTest, AddGetByType) {
  std::vector<std::string> log;
  ResourceTable table;
  ResourceId file = table.Add(std::make_unique<FakeFile>(&log, "a"));
  ResourceId socket = table.Add(std::make_unique<FakeSocket>());
  EXPECT_NE(file, socket);
  EXPECT_NE(file.value, 0u);
  EXPECT_TRUE(table.Get<FakeFile>(file).ok());
  EXPECT_TRUE(table.Get<Resource>(socket).ok());
  ExpectBadResource(table.Get<FakeFile>(socket).status());   // wrong type
  ExpectBadResource(table.Get<FakeFile>(ResourceId{999}).status());  // wrong id
  ExpectBadResource(table.Get<FakeFile>(ResourceId{0}).status());
}

TEST(ResourceTableTest, CloseRunsHookThenDestroys) {
  std::vector<std::string> log;
  ResourceTable table;
  ResourceId id = table.Add(std::make_unique<FakeFile>(&log, "a"));
  EXPECT_TRUE(table.Close(id).ok());
  EXPECT_EQ(log, (std::vector<std::string>{"close a", "destroy a"}));
  EXPECT_FALSE(table.Has(id));
  ExpectBadResource(table.Close(id));  // twice
}

TEST(ResourceTableTest, TakeHandsOverWithoutClosing) {
  std::vector<std::string> log;
  ResourceTable table;
  ResourceId id = table.Add(std::make_unique<FakeFile>(&log, "a"));
  absl::StatusOr<std::unique_ptr<FakeFile>> taken = table.Take<FakeFile>(id);
  ASSERT_TRUE(taken.ok());
  EXPECT_FALSE(table.Has(id));
  taken->reset();
  EXPECT_EQ(log, (std::vector<std::string>{"destroy a"}));
  ExpectBadResource(table.Take<FakeFile>(id).status());
}

TEST(ResourceTableTest, IdsAreNeverReused) {
  ResourceTable table;
  ResourceId first = table.Add(std::make_unique<FakeSocket>());
  ASSERT_TRUE(table.Close(first).ok());
  ResourceId second = table.Add(std::make_unique<FakeSocket>());
  EXPECT_GT(second.value, first.value);
}

TEST(ResourceTableTest, ListNamesOpenResources) {
  std::vector<std::string> log;
  ResourceTable table;
  ResourceId a = table.Add(std::make_unique<FakeFile>(&log, "a"));
  ResourceId b = table.Add(std::make_unique<FakeSocket>());
  auto open = table.List();
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[0], std::make_pair(a, std::string("fakeFile")));
  EXPECT_EQ(open[1], std::make_pair(b, std::string("fakeSocket")));
}

TEST(ResourceTableTest, DestructionClosesNewestFirst) {
  std::vector<std::string> log;
  {
    ResourceTable table;
    table.Add(std::make_unique<FakeFile>(&log, "a"));
    table.Add(std::make_unique<FakeFile>(&log, "b"));
  }
  EXPECT_EQ(log, (std::vector<std::string>{"close b", "destroy b", "close a", "destroy a"}));
}

TEST(ErrorsTest, CodesMapToClasses) {
  EXPECT_EQ(JsClassOf(absl::InvalidArgumentError("x")), "TypeError");
  EXPECT_EQ(JsClassOf(absl::OutOfRangeError("x")), "RangeError");
  EXPECT_EQ(JsClassOf(absl::NotFoundError("x")), "NotFound");
  EXPECT_EQ(JsClassOf(absl::CancelledError("x")), "Interrupted");
  EXPECT_EQ(JsClassOf(absl::InternalError("x")), "Error");
  EXPECT_EQ(JsClassOf(absl::UnknownError("x")), "Error");
}

TEST(ErrorsTest, CustomClassAndCode) {
  absl::Status status = WithJsClass(absl::NotFoundError("no such file"), "FileMissing", "ENOENT");
  EXPECT_EQ(JsClassOf(status), "FileMissing");
  EXPECT_EQ(JsCodeOf(status), "ENOENT");
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  absl::Status named = ErrorOfClass("NotFound", "gone");
  EXPECT_EQ(named.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(JsCodeOf(named), "");
  EXPECT_EQ(ErrorOfClass("MyError", "custom").code(), absl::StatusCode::kUnknown);
}

}  // namespace
}  // namespace kiln
