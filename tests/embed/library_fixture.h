// A RuntimeTest whose module loader holds one library module, "lib.js", loaded before
// each test (`lib_`): the fixture of the typed-call tests, which call its exports.
#ifndef KILN_TESTS_EMBED_LIBRARY_FIXTURE_H_
#define KILN_TESTS_EMBED_LIBRARY_FIXTURE_H_

#include <memory>
#include <utility>
#include <vector>

#include "core/call.h"
#include "core/extension.h"
#include "core/module_loader.h"
#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"

namespace kiln::testing {

class LibraryTest : public RuntimeTest {
 protected:
  // The runtime's extensions, and the source of lib.js.
  LibraryTest(std::vector<const Extension*> extensions, const char* library)
      : extensions_(std::move(extensions)), library_(library) {}

  RuntimeOptions MakeOptions() override {
    RuntimeOptions options;
    options.extensions = extensions_;
    options.module_loader = loader_;
    return options;
  }
  void SetUp() override {
    RuntimeTest::SetUp();
    loader_->Add("lib.js", library_);
    Result<JsModule> module = runtime().LoadModule("lib.js");
    ASSERT_TRUE(module.ok()) << module.error().Report();
    lib_ = module.value();
  }
  void TearDown() override {
    lib_ = {};
    RuntimeTest::TearDown();
  }

  std::shared_ptr<InMemoryModuleLoader> loader_ = std::make_shared<InMemoryModuleLoader>();
  JsModule lib_;

 private:
  std::vector<const Extension*> extensions_;
  const char* library_;
};

}  // namespace kiln::testing

#endif  // KILN_TESTS_EMBED_LIBRARY_FIXTURE_H_
