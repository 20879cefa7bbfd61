#ifndef KILN_CORE_WORKER_H_
#define KILN_CORE_WORKER_H_

// Runtimes on threads of their own: kiln::Worker (one runtime, one thread) and
// kiln::WorkerPool (N of them taking calls from one shared queue).
//
//   kiln::WorkerPoolOptions options;
//   options.size = 4;
//   options.worker.setup = [](kiln::Runtime& runtime) { ... load the bundle ... };
//   auto pool = kiln::WorkerPool::Create(std::move(options)).value();
//   std::future<kiln::Result<int>> answer =
//       pool->Run([](kiln::Runtime& runtime) { return 6 * 7; });
//   kiln::Result<int> result = answer.get();  // blocks until a worker ran it
//
// Futures are std::future<kiln::Result<T>>: a task's value, or a JsError when the task
// failed, timed out, exceeded the heap limit or its worker shut down before finishing it.
// A task returning Result<T> gives a future of Result<T> (not Result<Result<T>>); one
// returning void gives Result<void>. std::future is the standard type every embedder
// already has: get() blocks, wait_for() polls; there are no continuations, so a caller
// that must not block passes a task that hands its result on itself (a task runs on the
// worker's thread and may push to any thread-safe sink).
//
// Thread safety: every public method of Worker and WorkerPool may be called from any
// thread, and either may be destroyed from any thread (not from one of its own tasks).
// The Runtime& a task receives belongs to the worker's thread: use it only inside the
// task, and keep no V8 handle (v8::Local, v8::Global) past it.

#include <atomic>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/call.h"
#include "core/js_error.h"
#include "core/runtime.h"

namespace kiln {

// The JsError::class_name of a call that never ran, or was stopped, because its worker or
// pool shut down (message "worker shut down" / "worker pool shut down").
inline constexpr char kShutdownErrorClass[] = "ShutdownError";
// The class_name of a call stopped by its timeout (message "<what> timed out after N ms").
inline constexpr char kTimeoutErrorClass[] = "TimeoutError";

struct WorkerOptions {
  // How each of the worker's runtimes is made. `loop` must stay null: a worker runs its
  // runtime on a loop of its own (which outlives the runtimes it replaces).
  RuntimeOptions runtime;
  // Runs on the worker's thread right after a runtime is created (and again on every
  // replacement runtime): load the bundle, install globals. A failure makes Create fail
  // (or, on a replacement, the next call fail with that error). May be empty.
  std::function<Result<void>(Runtime&)> setup;
  // The longest one call (task or export call, including the promises it waits for) may
  // run. When it runs over, it is stopped (Runtime::Terminate), its future gets a
  // TimeoutError, and the worker replaces its runtime: a half-run call may have left the
  // library's state inconsistent. Infinite: no limit.
  absl::Duration call_timeout = absl::InfiniteDuration();
  // Uncaught errors of JavaScript that runs between calls (a timer callback a call left
  // behind). Called on the worker's thread. Empty: the error's report goes to stderr.
  std::function<void(const JsError&)> on_background_error;
  // A snapshot of `setup` already run: the bytes CreateSnapshot(runtime, setup) made
  // (core/runtime.h), shared by every worker that starts from it. Each runtime (the first
  // and every replacement) is then made from it instead of `runtime.snapshot`, and `setup`
  // is not run again. A runtime that cannot use it (another snapshot's runtimes are alive
  // in the process, other extensions: a note on stderr) is made from source and runs
  // `setup` as usual. WorkerPoolOptions::snapshot_setup makes one for a pool.
  std::shared_ptr<const std::string> setup_snapshot;
};

namespace worker_internal {

// The future's value type for a task returning T.
template <typename T>
struct ResultOf {
  using type = Result<T>;
};
template <typename T>
struct ResultOf<Result<T>> {
  using type = Result<T>;
};
template <>
struct ResultOf<void> {
  using type = Result<void>;
};

// The error of a task that threw a C++ exception (`what` may be null).
JsError CppExceptionError(const char* what);

// One queued call, type-erased. Run() happens on a worker's thread; exactly one of
// Finish() (after Run) or Fail() (instead of Run) settles its future, exactly once.
class Job {
 public:
  virtual ~Job() = default;
  virtual void Run(Runtime& runtime) = 0;
  // Settles the future with what Run produced, or with `error` when set (the call timed
  // out, hit the heap limit, or was stopped by a shutdown).
  virtual void Finish(std::optional<JsError> error) = 0;
  virtual void Fail(JsError error) = 0;
};

template <typename F>
class TaskJob final : public Job {
 public:
  using Value = std::invoke_result_t<F&, Runtime&>;
  using Outcome = typename ResultOf<Value>::type;

  explicit TaskJob(F task) : task_(std::move(task)) {}
  std::future<Outcome> future() { return promise_.get_future(); }

  void Run(Runtime& runtime) override {
    // A C++ exception must not end the worker's thread (std::terminate): it becomes the
    // call's error.
    try {
      if constexpr (std::is_void_v<Value>) {
        task_(runtime);
        outcome_.emplace();
      } else {
        outcome_.emplace(task_(runtime));
      }
    } catch (const std::exception& exception) {
      outcome_.emplace(CppExceptionError(exception.what()));
    } catch (...) {
      outcome_.emplace(CppExceptionError(nullptr));
    }
  }
  void Finish(std::optional<JsError> error) override {
    if (error.has_value()) {
      promise_.set_value(Outcome(std::move(*error)));
    } else {
      promise_.set_value(std::move(*outcome_));
    }
  }
  void Fail(JsError error) override { promise_.set_value(Outcome(std::move(error))); }

 private:
  F task_;
  std::optional<Outcome> outcome_;
  std::promise<Outcome> promise_;
};

// The calls waiting for a worker: one per Worker, one shared by a WorkerPool's workers.
// A worker with nothing to do registers a wake-up; Push wakes one registered worker.
class JobQueue {
 public:
  using Wake = std::function<void()>;
  // False (and `job` untouched) once closed.
  bool Push(std::unique_ptr<Job>& job);
  // The next job; if there is none, registers `wake` (under `token`) to be called on the
  // next Push and returns null. `*closed` says the queue is closed (then nothing is
  // registered).
  std::unique_ptr<Job> PopOrWait(const void* token, Wake wake, bool* closed);
  // Unregisters `token`'s wake-up if still registered.
  void StopWaiting(const void* token);
  // Closes the queue and returns the jobs nobody took.
  std::vector<std::unique_ptr<Job>> Close();
  size_t size();

 private:
  std::mutex mutex_;
  std::deque<std::unique_ptr<Job>> jobs_;
  std::vector<std::pair<const void*, Wake>> waiting_;
  bool closed_ = false;
};

class WorkerThread;

// How a CallExport argument is kept until the call runs on the worker's thread: by value,
// with anything string-like (const char*, std::string_view) as a std::string.
template <typename T>
using OwnedArgumentType =
    std::conditional_t<std::is_convertible_v<const std::decay_t<T>&, std::string_view>,
                       std::string, std::decay_t<T>>;
template <typename T>
OwnedArgumentType<T> OwnedArgument(T&& argument) {
  if constexpr (std::is_same_v<OwnedArgumentType<T>, std::string>) {
    return std::string(std::string_view(argument));
  } else {
    return std::forward<T>(argument);
  }
}

// What Worker and WorkerPool share: submitting calls.
class CallSubmitter {
 public:
  virtual ~CallSubmitter() = default;

  // Runs `task(Runtime&)` on a worker's runtime; see the file comment for the future.
  template <typename F>
  auto Run(F task) {
    auto job = std::make_unique<TaskJob<F>>(std::move(task));
    auto future = job->future();
    std::unique_ptr<Job> erased = std::move(job);
    Submit(erased);
    return future;
  }

  // Calls export `export_name` of the module `specifier` names (loaded through the
  // runtime's module loader the first time, then taken from the runtime's module map:
  // a setup that loads it makes the first call cheap) with `args`, converted like
  // Runtime::CallExport's (core/call.h); a promise it returns is awaited. The arguments
  // are copied into the call (strings and string views as std::string). JsValue and
  // JsFunction arguments belong to one runtime: pass them to a Worker whose runtime made
  // them, never through a pool.
  template <typename R = void, typename... Args>
  std::future<Result<R>> CallExport(std::string specifier, std::string export_name,
                                    Args&&... args) {
    return Run([specifier = std::move(specifier), export_name = std::move(export_name),
                arguments = std::make_tuple(OwnedArgument<Args>(std::forward<Args>(args))...)](
                   Runtime& runtime) mutable -> Result<R> {
      Result<JsModule> module = runtime.LoadModule(specifier);
      if (!module.ok()) return module.error();
      return std::apply(
          [&](auto&... argument) {
            return runtime.CallExport<R>(module.value(), export_name, argument...);
          },
          arguments);
    });
  }

 protected:
  explicit CallSubmitter(std::shared_ptr<JobQueue> queue, std::string shutdown_message)
      : queue_(std::move(queue)), shutdown_message_(std::move(shutdown_message)) {}
  void Submit(std::unique_ptr<Job>& job);
  // Closes the queue and fails what is still in it with the shutdown error.
  void CloseQueue();

  std::shared_ptr<JobQueue> queue_;
  std::string shutdown_message_;
};

}  // namespace worker_internal

// One runtime on a thread of its own, made by WorkerOptions (the runtime is created,
// used and destroyed on that thread only). Calls run one at a time, in the order they
// were submitted.
//
// Between calls the worker runs its runtime's loop as long as the loop has work (timers,
// I/O, async ops a call left behind), interleaved with calls: after every call one
// non-blocking loop turn runs; with no call queued, the thread blocks in the loop
// (uv_run) until a timer or I/O is due or a new call wakes it through a uv_async (ref'd
// only while the thread waits, so a call's own RunEventLoop does not count it as work).
class Worker : public worker_internal::CallSubmitter {
 public:
  // Starts the thread and waits until its runtime is created and set up. Fails with the
  // runtime's creation error or the setup's error.
  static absl::StatusOr<std::unique_ptr<Worker>> Create(WorkerOptions options);
  // Fails every queued call with ShutdownError "worker shut down", stops the call running
  // now (it gets the same error), destroys the runtime and joins the thread.
  ~Worker() override;
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Stops the call running now, if any: its future gets Terminated ("execution
  // terminated"); the runtime stays in use. Later calls are not affected.
  void TerminateCurrentCall();
  // How many runtimes this worker has made: 1, plus one per replacement.
  int runtimes_created() const;
  // How many of them started from WorkerOptions::setup_snapshot (the others ran the setup).
  int runtimes_from_setup_snapshot() const;
  // Calls waiting (not counting the one running).
  size_t queued_calls() { return queue_->size(); }

 private:
  Worker();
  std::unique_ptr<worker_internal::WorkerThread> thread_;
};

struct WorkerPoolOptions {
  // How every worker is made; each runs `worker.setup` on its own runtime.
  WorkerOptions worker;
  // Number of workers (threads); 0 means std::thread::hardware_concurrency().
  size_t size = 0;
  // Runs `worker.setup` once, in a runtime made for a snapshot (CreateSnapshot in
  // core/runtime.h, on the thread calling Create), and starts every worker from that
  // snapshot (WorkerOptions::setup_snapshot): workers are ready without loading or
  // evaluating the setup's modules. Create fails with CreateSnapshot's error when the
  // setup cannot be snapshotted (docs/embedding.md says what cannot). Ignored when
  // `worker.setup_snapshot` is already set.
  bool snapshot_setup = false;
};

// N workers taking calls from one shared queue: any idle worker takes the next call.
// Calls run in submission order as far as starting goes; with more than one worker they
// may finish in any order.
class WorkerPool : public worker_internal::CallSubmitter {
 public:
  // Creates the first worker, then the others at once (each on its own thread). Fails if
  // any worker fails to start.
  static absl::StatusOr<std::unique_ptr<WorkerPool>> Create(WorkerPoolOptions options);
  // Fails every queued call with ShutdownError "worker pool shut down", stops the calls
  // running now (they get the same error) and joins every worker.
  ~WorkerPool() override;
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  size_t size() const { return threads_.size(); }
  // The snapshot the workers start from (snapshot_setup, or WorkerOptions::setup_snapshot),
  // or null.
  const std::shared_ptr<const std::string>& setup_snapshot() const { return setup_snapshot_; }
  // Runtimes made by all workers: size() plus the replacements.
  int runtimes_created() const;
  // How many of them started from the setup snapshot.
  int runtimes_from_setup_snapshot() const;
  size_t queued_calls() { return queue_->size(); }

 private:
  WorkerPool();
  std::shared_ptr<const std::string> setup_snapshot_;
  std::vector<std::unique_ptr<worker_internal::WorkerThread>> threads_;
};

}  // namespace kiln

#endif  // KILN_CORE_WORKER_H_
