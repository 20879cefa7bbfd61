// Workers in an embedder's runtime: module workers from the embedder's module loader, and
// a runtime destroyed while its worker still runs.
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "core/module_loader.h"
#include "core/runtime.h"
#include "core/testing/runtime_fixture.h"
#include "ext/timers/timers_extension.h"
#include "ext/url/url_extension.h"
#include "ext/web/web_extension.h"
#include "ext/webidl/webidl_extension.h"
#include "ext/worker/worker_extension.h"
#include "gtest/gtest.h"

namespace kiln::worker {
namespace {

class WorkerEmbedTest : public testing::RuntimeTest {
 protected:
  RuntimeOptions MakeOptions() override {
    auto loader = std::make_shared<InMemoryModuleLoader>();
    loader->Add("double.js", "import { twice } from './lib.js';\n"
                             "onmessage = (e) => postMessage({ value: twice(e.data), name });\n");
    loader->Add("lib.js", "export const twice = (x) => 2 * x;\n");
    loader->Add("spin.js", "postMessage('spinning');\nfor (;;) {}\n");
    RuntimeOptions options;
    options.extensions = {&extensions::worker(), &extensions::timers(), &extensions::url(),
                          &extensions::web(), &extensions::webidl()};
    options.module_loader = loader;
    return options;
  }
};

TEST_F(WorkerEmbedTest, ModuleWorkersLoadThroughTheRuntimesModuleLoader) {
  EXPECT_EQ(RunLoopThenEval(R"js(
    const worker = new Worker('memory:///double.js', { type: 'module', name: 'w1' });
    worker.onmessage = (e) => {
      globalThis.result = `${e.data.value} from ${e.data.name}`;
      worker.terminate();
    };
    worker.postMessage(21);
  )js"),
            "'42 from w1'");
}

TEST_F(WorkerEmbedTest, AClassicWorkerNeedsAFileOrAFetchableUrl) {
  // No fetch extension here: the fetch fails, which is an `error` event at the Worker.
  EXPECT_EQ(RunLoopThenEval(R"js(
    const worker = new Worker('memory:///double.js');
    worker.onerror = (e) => { globalThis.result = `${e.constructor.name} ${e.type}`; };
  )js"),
            "'Event error'");
}

TEST_F(WorkerEmbedTest, DestroyingTheRuntimeEndsItsWorkers) {
  ExpectEval(R"js(
    globalThis.spinner = new Worker('memory:///spin.js', { type: 'module' });
    typeof spinner
  )js",
             "'object'");
  // The worker's thread is running its endless loop now (or soon): TearDown destroys the
  // runtime, which must terminate the worker and join its thread.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

}  // namespace
}  // namespace kiln::worker
