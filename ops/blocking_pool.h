#ifndef KILN_OPS_BLOCKING_POOL_H_
#define KILN_OPS_BLOCKING_POOL_H_

// Work that would stall JavaScript, run off the runtime's thread: key generation, PBKDF2,
// compressing blocks, hashing large inputs. One pool of threads serves the whole process
// (every runtime, on every thread), like libuv's thread pool under Node or deno's
// blocking pool, so an embedder with many runtimes gets a bounded number of threads.
//
//   KILN_OP() kiln::Future<kiln::ByteBuffer> op_slow_hash(kiln::OpState& state,
//                                                           kiln::SharedBytes data);
//
//   kiln::Future<kiln::ByteBuffer> op_slow_hash(kiln::OpState& state, kiln::SharedBytes data) {
//     std::vector<uint8_t> input(data.data(), data.data() + data.size());  // a copy: JS
//                                                     // may change its buffer meanwhile
//     return kiln::RunBlocking<kiln::ByteBuffer>(state, [input = std::move(input)]() {
//       return SlowHash(input);        // ByteBuffer or absl::StatusOr<ByteBuffer>
//     });
//   }
//
// What a task captures must be its own: it runs on another thread, maybe after the runtime
// that posted it is gone (its Completer then does nothing). Never capture OpState, V8
// handles or resources; copy the inputs, or hold them by shared ownership.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ops/future.h"
#include "ops/op_state.h"

namespace kiln {

// Threads that run posted tasks first come, first served. The process's pool
// (BlockingPool::Shared) is made on first use and lives until the process exits: its
// threads start with its first task and wait for more until then. A pool made by hand
// (tests) drops the tasks not yet started when destroyed and waits for running ones.
class BlockingPool {
 public:
  // The thread count when none is configured: the machine's hardware threads, at least 2
  // (a long task, say a 4096-bit RSA key, must not hold up every other) and at most 4.
  static size_t DefaultThreads();

  // The process's pool.
  static BlockingPool& Shared();
  // Sets the shared pool's thread count (0: DefaultThreads()). Only before the pool is
  // first used: false, and nothing changed, after. An embedder calls it at startup.
  static bool ConfigureShared(size_t threads);

  explicit BlockingPool(size_t threads);
  ~BlockingPool();
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // Queues `task` and returns true. False when no thread could be started (the system is
  // out of threads): `task` is then left with the caller, unrun, to run itself.
  bool Post(absl::AnyInvocable<void() &&>& task);
  size_t threads() const { return thread_count_; }
  // How many tasks Post has queued so far.
  uint64_t posted() const { return posted_.load(std::memory_order_relaxed); }

  // Runs work(0) .. work(parts - 1), each once, and returns when all have run: the caller
  // runs parts itself while idle pool threads take others. The caller never waits for a
  // part no thread has started, so a busy pool (or none) costs only the posting: the
  // caller then runs every part. For work that pays for a thread hop many times over
  // (copying tens of MiB into fresh memory); `work` may touch the caller's data, since
  // nothing runs it after the call returns.
  void RunInParts(size_t parts, absl::FunctionRef<void(size_t part)> work);

 private:
  void Run();

  const size_t thread_count_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<absl::AnyInvocable<void() &&>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
  std::atomic<uint64_t> posted_{0};
};

namespace blocking_internal {

// Settles `completer` with what a blocking task returned: T (or nothing for void),
// absl::StatusOr<T>, or absl::Status.
template <typename T, typename R>
void Settle(Completer<T>& completer, R&& result) {
  using Result = std::decay_t<R>;
  if constexpr (std::is_same_v<Result, absl::Status>) {
    if (!result.ok()) {
      completer.Fail(std::forward<R>(result));
    } else if constexpr (std::is_void_v<T>) {
      completer.Complete();
    } else {
      completer.Fail(absl::InternalError("a blocking task returned an OK status, no value"));
    }
  } else if constexpr (std::is_same_v<Result, absl::StatusOr<T>>) {
    if (result.ok()) {
      completer.Complete(std::move(*result));
    } else {
      completer.Fail(result.status());
    }
  } else {
    completer.Complete(T(std::forward<R>(result)));
  }
}

// The ready Future of what `work` returns, run in the call.
template <typename T, typename Work>
Future<T> Ready(Work& work) {
  using Result = std::invoke_result_t<Work&>;
  if constexpr (std::is_void_v<Result>) {
    work();
    return Future<T>(absl::OkStatus());
  } else if constexpr (std::is_same_v<Result, absl::StatusOr<T>> ||
                       std::is_same_v<Result, absl::Status>) {
    return Future<T>(work());
  } else {
    return Future<T>(T(work()));
  }
}

}  // namespace blocking_internal

// Runs `work` on the shared pool and settles the op's promise with its result: a T, an
// absl::StatusOr<T> or an absl::Status (for Future<void>, or to fail), or nothing for
// Future<void>. Call it from an async op's body (MakeFuture's rule); outside one (no
// runtime), `work` runs in the call and the Future is ready. When no pool thread can be
// started, `work` runs in the call and its result arrives as any completion does.
template <typename T, typename Work>
Future<T> RunBlocking(OpState& state, Work work) {
  auto [future, completer] = MakeFuture<T>(state);
  if (!completer.valid()) return blocking_internal::Ready<T>(work);  // not a pending op
  absl::AnyInvocable<void() &&> task = [work = std::move(work),
                                        completer = std::move(completer)]() mutable {
    if constexpr (std::is_void_v<std::invoke_result_t<Work&>>) {
      work();
      completer.Complete();
    } else {
      blocking_internal::Settle(completer, work());
    }
  };
  if (BlockingPool::Shared().Post(task)) return std::move(future);
  std::move(task)();  // no thread: run here; the completion arrives as any other
  return std::move(future);
}

}  // namespace kiln

#endif  // KILN_OPS_BLOCKING_POOL_H_
