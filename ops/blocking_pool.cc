#include "ops/blocking_pool.h"

#include <algorithm>
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
