#include "ops/blocking_pool.h"

#include <algorithm>
#include <memory>
#include <system_error>

namespace kiln {
namespace {

std::mutex shared_mutex;
size_t shared_threads = 0;          // configured; 0: the default
BlockingPool* shared_pool = nullptr;  // made on first use, never destroyed

}  // namespace

size_t BlockingPool::DefaultThreads() {
  return std::clamp<size_t>(std::thread::hardware_concurrency(), 2, 4);
}

BlockingPool& BlockingPool::Shared() {
  std::lock_guard<std::mutex> lock(shared_mutex);
  if (shared_pool == nullptr) {
    // Never destroyed: a task may still run while the process exits, and runtimes on
    // other threads may post until then.
    shared_pool = new BlockingPool(shared_threads != 0 ? shared_threads : DefaultThreads());
  }
  return *shared_pool;
}

bool BlockingPool::ConfigureShared(size_t threads) {
  std::lock_guard<std::mutex> lock(shared_mutex);
  if (shared_pool != nullptr) return false;
  shared_threads = threads;
  return true;
}

BlockingPool::BlockingPool(size_t threads) : thread_count_(threads == 0 ? 1 : threads) {}

BlockingPool::~BlockingPool() {
  std::deque<absl::AnyInvocable<void() &&>> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  wake_.notify_all();
  for (std::thread& thread : threads_) thread.join();
  // `dropped` goes here, outside the lock: its completers reject their promises.
}

bool BlockingPool::Post(absl::AnyInvocable<void() &&>& task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (threads_.empty()) {
      for (size_t i = 0; i < thread_count_; i++) {
        try {
          threads_.emplace_back([this] { Run(); });
        } catch (const std::system_error&) {
          break;  // the system has no more threads to give: fewer will do
        }
      }
      if (threads_.empty()) return false;
    }
    queue_.push_back(std::move(task));
  }
  posted_.fetch_add(1, std::memory_order_relaxed);
  wake_.notify_one();
  return true;
}

namespace {

// What RunInParts shares with the helper tasks it posts, which may start after it returned.
struct PartsState {
  explicit PartsState(size_t parts, absl::FunctionRef<void(size_t)> work)
      : parts(parts), work(work) {}
  const size_t parts;
  // Valid while a part is unclaimed: the caller returns only after every claimed part ran.
  const absl::FunctionRef<void(size_t)> work;
  std::atomic<size_t> next{0};  // the next part to claim
  std::mutex mutex;
  std::condition_variable all_done;
  size_t done = 0;  // under mutex

  // Claims and runs parts until none is left.
  void RunParts() {
    while (true) {
      size_t part = next.fetch_add(1, std::memory_order_relaxed);
      if (part >= parts) return;
      work(part);
      std::lock_guard<std::mutex> lock(mutex);
      if (++done == parts) all_done.notify_all();
    }
  }
};

}  // namespace

void BlockingPool::RunInParts(size_t parts, absl::FunctionRef<void(size_t part)> work) {
  if (parts == 0) return;
  auto state = std::make_shared<PartsState>(parts, work);
  size_t helpers = std::min(parts - 1, thread_count_);
  for (size_t i = 0; i < helpers; i++) {
    absl::AnyInvocable<void() &&> task = [state] { state->RunParts(); };
    if (!Post(task)) break;  // no thread: the caller runs the parts
  }
  state->RunParts();
  std::unique_lock<std::mutex> lock(state->mutex);
  state->all_done.wait(lock, [&] { return state->done == parts; });
}

void BlockingPool::Run() {
  while (true) {
    absl::AnyInvocable<void() &&> task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) break;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    std::move(task)();
  }
}

}  // namespace kiln
