#include "ops/blocking_pool.h"

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace kiln {
namespace {

TEST(BlockingPoolTest, DefaultThreadsAreTwoToFour) {
  EXPECT_GE(BlockingPool::DefaultThreads(), 2u);
  EXPECT_LE(BlockingPool::DefaultThreads(), 4u);
}

TEST(BlockingPoolTest, RunsEveryTaskOffTheCallersThread) {
  BlockingPool pool(3);
  constexpr int kTasks = 200;
  std::atomic<int> ran{0};
  std::mutex mutex;
  std::set<std::thread::id> threads;
  std::promise<void> all_done;
  for (int i = 0; i < kTasks; i++) {
    absl::AnyInvocable<void() &&> task = [&] {
      {
        std::lock_guard<std::mutex> lock(mutex);
        threads.insert(std::this_thread::get_id());
      }
      if (++ran == kTasks) all_done.set_value();
    };
    ASSERT_TRUE(pool.Post(task));
  }
  all_done.get_future().wait();
  EXPECT_EQ(ran.load(), kTasks);
  EXPECT_EQ(pool.posted(), static_cast<uint64_t>(kTasks));
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
  EXPECT_LE(threads.size(), 3u);
}

TEST(BlockingPoolTest, TasksRunConcurrently) {
  // Two tasks that each wait for the other can only finish on two threads at once.
  BlockingPool pool(2);
  std::promise<void> first_started, second_started;
  std::shared_future<void> first = first_started.get_future().share();
  std::shared_future<void> second = second_started.get_future().share();
  std::atomic<int> finished{0};
  absl::AnyInvocable<void() &&> a = [&] {
    first_started.set_value();
    if (second.wait_for(std::chrono::seconds(10)) == std::future_status::ready) finished++;
  };
  absl::AnyInvocable<void() &&> b = [&] {
    second_started.set_value();
    if (first.wait_for(std::chrono::seconds(10)) == std::future_status::ready) finished++;
  };
  ASSERT_TRUE(pool.Post(a));
  ASSERT_TRUE(pool.Post(b));
  first.wait();
  second.wait();
  while (finished.load() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(finished.load(), 2);
}

TEST(BlockingPoolTest, RunInPartsRunsEachPartOnceOnTheCallerAndIdleThreads) {
  BlockingPool pool(2);
  constexpr size_t kParts = 8;
  std::atomic<int> runs[kParts] = {};
  std::mutex mutex;
  std::set<std::thread::id> threads;
  pool.RunInParts(kParts, [&](size_t part) {
    runs[part]++;
    {
      std::lock_guard<std::mutex> lock(mutex);
      threads.insert(std::this_thread::get_id());
    }
    // Long enough for an idle pool thread to wake and take parts.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  });
  for (size_t part = 0; part < kParts; part++) EXPECT_EQ(runs[part].load(), 1) << part;
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 1u);
  EXPECT_GE(threads.size(), 2u);
}

TEST(BlockingPoolTest, RunInPartsDoesNotWaitForABusyPool) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> blocker_started;
  BlockingPool pool(1);  // destroyed first: it waits for the blocker, which uses the above
  absl::AnyInvocable<void() &&> blocker = [&] {
    blocker_started.set_value();
    released.wait();
  };
  ASSERT_TRUE(pool.Post(blocker));
  blocker_started.get_future().wait();
  std::vector<std::thread::id> ran_on(4);
  pool.RunInParts(4, [&](size_t part) { ran_on[part] = std::this_thread::get_id(); });
  for (const std::thread::id& id : ran_on) EXPECT_EQ(id, std::this_thread::get_id());
  // The helper RunInParts posted runs now, after the call returned, and finds nothing to do.
  release.set_value();
}

TEST(BlockingPoolTest, DestructionDropsQueuedTasksAndWaitsForRunningOnes) {
  std::atomic<bool> running_finished{false};
  std::atomic<int> queued_ran{0};
  std::promise<void> started;
  {
    BlockingPool pool(1);
    absl::AnyInvocable<void() &&> slow = [&] {
      started.set_value();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      running_finished = true;
    };
    ASSERT_TRUE(pool.Post(slow));
    started.get_future().wait();
    for (int i = 0; i < 10; i++) {
      absl::AnyInvocable<void() &&> queued = [&] { queued_ran++; };
      ASSERT_TRUE(pool.Post(queued));
    }
  }
  EXPECT_TRUE(running_finished.load());
  EXPECT_EQ(queued_ran.load(), 0);
}

TEST(BlockingPoolTest, TheSharedPoolIsConfiguredOnlyBeforeItsFirstUse) {
  // This test binary's first use of the shared pool.
  EXPECT_TRUE(BlockingPool::ConfigureShared(3));
  EXPECT_EQ(BlockingPool::Shared().threads(), 3u);
  EXPECT_FALSE(BlockingPool::ConfigureShared(2));
  EXPECT_EQ(BlockingPool::Shared().threads(), 3u);
  EXPECT_EQ(&BlockingPool::Shared(), &BlockingPool::Shared());
}

TEST(BlockingPoolTest, RunBlockingOutsideAnAsyncOpRunsInTheCall) {
  OpState state(nullptr, nullptr, nullptr);  // no runtime: MakeFuture registers nothing
  bool ran_here = false;
  std::thread::id caller = std::this_thread::get_id();
  Future<int32_t> future = RunBlocking<int32_t>(state, [&]() {
    ran_here = std::this_thread::get_id() == caller;
    return 7;
  });
  ASSERT_EQ(future.state(), Future<int32_t>::State::kReady);
  EXPECT_EQ(future.value(), 7);
  EXPECT_TRUE(ran_here);
  Future<int32_t> failed = RunBlocking<int32_t>(
      state, []() -> absl::StatusOr<int32_t> { return absl::OutOfRangeError("too far"); });
  ASSERT_EQ(failed.state(), Future<int32_t>::State::kFailed);
  EXPECT_EQ(failed.error().message(), "too far");
  Future<int32_t> computed =
      RunBlocking<int32_t>(state, []() -> absl::StatusOr<int32_t> { return 5; });
  ASSERT_EQ(computed.state(), Future<int32_t>::State::kReady);
  EXPECT_EQ(computed.value(), 5);
}

}  // namespace
}  // namespace kiln
