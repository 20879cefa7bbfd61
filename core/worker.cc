#include "core/worker.h"

#include <cstdio>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/core_ops.h"
#include "core/watchdog.h"
#include "uv.h"

namespace kiln {
namespace worker_internal {

JsError CppExceptionError(const char* what) {
  return HostError("Error", what != nullptr
                                ? absl::StrCat("the task threw a C++ exception: ", what)
                                : std::string("the task threw a C++ exception"));
}

bool JobQueue::Push(std::unique_ptr<Job>& job) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) return false;
  jobs_.push_back(std::move(job));
  // Wakes under the lock: a worker unregisters (StopWaiting) under it before it goes
  // away, so a registered wake-up always belongs to a live worker.
  if (!waiting_.empty()) {
    Wake wake = std::move(waiting_.front().second);
    waiting_.erase(waiting_.begin());
    wake();
  }
  return true;
}

std::unique_ptr<Job> JobQueue::PopOrWait(const void* token, Wake wake, bool* closed) {
  std::lock_guard<std::mutex> lock(mutex_);
  *closed = closed_;
  if (closed_) return nullptr;
  if (!jobs_.empty()) {
    std::unique_ptr<Job> job = std::move(jobs_.front());
    jobs_.pop_front();
    return job;
  }
  for (auto& [waiting_token, waiting_wake] : waiting_) {
    if (waiting_token == token) return nullptr;  // already registered
  }
  waiting_.emplace_back(token, std::move(wake));
  return nullptr;
}

void JobQueue::StopWaiting(const void* token) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = waiting_.begin(); it != waiting_.end(); ++it) {
    if (it->first == token) {
      waiting_.erase(it);
      return;
    }
  }
}

std::vector<std::unique_ptr<Job>> JobQueue::Close() {
  std::lock_guard<std::mutex> lock(mutex_);
  closed_ = true;
  std::vector<std::unique_ptr<Job>> left;
  while (!jobs_.empty()) {
    left.push_back(std::move(jobs_.front()));
    jobs_.pop_front();
  }
  // Workers waiting for a call are woken by their owner's stop, which follows.
  return left;
}

size_t JobQueue::size() {
  std::lock_guard<std::mutex> lock(mutex_);
  return jobs_.size();
}

void CallSubmitter::Submit(std::unique_ptr<Job>& job) {
  if (!queue_->Push(job)) job->Fail(HostError(kShutdownErrorClass, shutdown_message_));
}

void CallSubmitter::CloseQueue() {
  for (std::unique_ptr<Job>& job : queue_->Close()) {
    job->Fail(HostError(kShutdownErrorClass, shutdown_message_));
  }
}

// Runs `body` inside one Runtime::CallScope, so a Terminate() (a shutdown, a timeout,
// TerminateCurrentCall) that arrives before the body's first JavaScript, or between two
// of its calls into the runtime, still stops all of it: the termination lasts until the
// scope closes, not just until the runtime's own next call returns.
template <typename F>
auto RunInCallScope(Runtime& runtime, F&& body) {
  Runtime::CallScope scope(&runtime);
  return body();
}

// The thread of one worker: its uv loop (which outlives the runtimes it replaces), the
// wake-up handle, and the current runtime. Runtime, loop and handle are only touched on
// the thread; `active_` (the runtime running a call or a setup) is shared with Stop and
// TerminateCurrentCall under `runtime_mutex_`.
class WorkerThread {
 public:
  WorkerThread(WorkerOptions options, std::shared_ptr<JobQueue> queue,
               std::string shutdown_message)
      : options_(std::move(options)),
        queue_(std::move(queue)),
        shutdown_message_(std::move(shutdown_message)) {}
  ~WorkerThread() {
    RequestStop();
    Join();
  }

  // Starts the thread; the future is ready once the first runtime is set up (or failed,
  // and the thread has ended).
  std::future<absl::Status> Launch() {
    std::future<absl::Status> started = started_.get_future();
    thread_ = std::thread([this] { Main(); });
    return started;
  }

  // Makes the thread end after the call it runs now, which is stopped (its future gets the
  // shutdown error). A job taken after this fails with it without running.
  void RequestStop() {
    std::lock_guard<std::mutex> lock(runtime_mutex_);
    stopping_ = true;
    if (active_ != nullptr) {
      stopped_active_ = true;
      active_->Terminate();
    }
    Wake();
  }

  void Join() {
    if (thread_.joinable()) thread_.join();
    queue_->StopWaiting(this);
  }

  void TerminateCurrentCall() {
    std::lock_guard<std::mutex> lock(runtime_mutex_);
    if (active_ != nullptr && running_call_) active_->Terminate();
  }

  int runtimes_created() const { return runtimes_created_.load(); }
  int runtimes_from_setup_snapshot() const { return runtimes_from_setup_snapshot_.load(); }

 private:
  JsError ShutdownError() const { return HostError(kShutdownErrorClass, shutdown_message_); }

  void Wake() {
    std::lock_guard<std::mutex> lock(wake_mutex_);
    if (wake_open_) uv_async_send(&wake_);
  }

  void Main() {
    uv_loop_init(&loop_);
    uv_async_init(&loop_, &wake_, [](uv_async_t*) {});
    uv_unref(reinterpret_cast<uv_handle_t*>(&wake_));
    {
      std::lock_guard<std::mutex> lock(wake_mutex_);
      wake_open_ = true;
    }
    absl::Status started = MakeRuntime();
    started_.set_value(started);
    if (started.ok()) Serve();
    DestroyRuntime();
    CloseLoop();
  }

  // Takes calls until the queue closes or the worker stops; see Worker's class comment for
  // how calls and the loop interleave.
  void Serve() {
    while (true) {
      bool closed = false;
      std::unique_ptr<Job> job = queue_->PopOrWait(this, [this] { Wake(); }, &closed);
      if (closed || stopping_.load()) {
        if (job != nullptr) job->Fail(ShutdownError());
        return;
      }
      if (job != nullptr) {
        RunJob(std::move(job));
        TurnLoop(/*wait=*/false);
        continue;
      }
      uv_ref(reinterpret_cast<uv_handle_t*>(&wake_));
      TurnLoop(/*wait=*/true);
      uv_unref(reinterpret_cast<uv_handle_t*>(&wake_));
      queue_->StopWaiting(this);
    }
  }

  // One loop iteration, blocking (until a timer, I/O or a wake-up) when `wait`.
  void TurnLoop(bool wait) {
    if (runtime_ == nullptr) {
      uv_run(&loop_, wait ? UV_RUN_ONCE : UV_RUN_NOWAIT);
      return;
    }
    // JavaScript run by the loop (a timer callback) is stopped by a shutdown too.
    if (!SetActive(runtime_.get(), /*call=*/false)) return;
    Result<bool> turned =
        RunInCallScope(*runtime_, [&] { return runtime_->RunEventLoopOnce(wait); });
    bool stopped_by_shutdown;
    {
      std::lock_guard<std::mutex> lock(runtime_mutex_);
      active_ = nullptr;
      stopped_by_shutdown = stopped_active_;
    }
    if (stopped_by_shutdown) return;
    if (!turned.ok()) ReportBackgroundError(turned.error());
    if (runtime_->heap_limit_exceeded()) ReplaceRuntime();
  }

  void ReportBackgroundError(const JsError& error) {
    if (options_.on_background_error) {
      options_.on_background_error(error);
      return;
    }
    std::string report = absl::StrCat("kiln worker: uncaught error between calls: ",
                                      error.Report(), "\n");
    WriteAll(2, report.data(), report.size());
  }

  // Creates a runtime on `loop_` and runs the setup on it. On failure the error is kept:
  // calls get it until a later attempt succeeds.
  absl::Status MakeRuntime() {
    RuntimeOptions runtime_options = options_.runtime;
    runtime_options.loop = &loop_;
    if (options_.setup_snapshot != nullptr) {
      setup_snapshot_view_ = {options_.setup_snapshot->data(), options_.setup_snapshot->size()};
      runtime_options.snapshot = &setup_snapshot_view_;
    }
    absl::StatusOr<std::unique_ptr<Runtime>> created = Runtime::Create(std::move(runtime_options));
    if (!created.ok()) {
      setup_error_ = HostError("Error", absl::StrCat("the worker's runtime could not be created: ",
                                                     created.status().ToString()));
      return created.status();
    }
    ++runtimes_created_;
    std::unique_ptr<Runtime> runtime = std::move(*created);
    // From the setup's snapshot the setup has run already; a runtime that could not use
    // it (made from source) runs the setup itself.
    bool set_up_by_snapshot = options_.setup_snapshot != nullptr && runtime->from_snapshot();
    if (set_up_by_snapshot) ++runtimes_from_setup_snapshot_;
    if (options_.setup && !set_up_by_snapshot) {
      if (!SetActive(runtime.get(), /*call=*/false)) {
        (void)runtime->Shutdown();
        return absl::CancelledError(shutdown_message_);
      }
      Result<void> set_up = RunInCallScope(*runtime, [&] { return options_.setup(*runtime); });
      SetActive(nullptr, false);
      if (!set_up.ok()) {
        setup_error_ = set_up.error();
        absl::Status closed = runtime->Shutdown();
        (void)closed;
        return absl::FailedPreconditionError(
            absl::StrCat("the worker's setup failed: ", set_up.error().Report()));
      }
    }
    setup_error_.reset();
    runtime_ = std::move(runtime);
    return absl::OkStatus();
  }

  void DestroyRuntime() {
    if (runtime_ == nullptr) return;
    absl::Status status = runtime_->Shutdown();
    if (!status.ok()) {
      std::string report = absl::StrCat("kiln worker: runtime shutdown: ", status.ToString(), "\n");
      WriteAll(2, report.data(), report.size());
    }
    runtime_.reset();
  }

  // Publishes the runtime running JavaScript for Stop/TerminateCurrentCall; false (and
  // nothing published) when the worker is stopping.
  bool SetActive(Runtime* runtime, bool call) {
    std::lock_guard<std::mutex> lock(runtime_mutex_);
    if (runtime != nullptr && stopping_.load()) return false;
    active_ = runtime;
    running_call_ = call;
    return true;
  }

  void RunJob(std::unique_ptr<Job> job) {
    if (runtime_ == nullptr) {
      // The last replacement failed: try again for this call.
      if (!MakeRuntime().ok()) {
        if (stopping_.load()) {
          job->Fail(ShutdownError());
        } else {
          job->Fail(*setup_error_);
        }
        return;
      }
    }
    if (!SetActive(runtime_.get(), /*call=*/true)) {
      job->Fail(ShutdownError());
      return;
    }
    bool timed_out = false;
    {
      std::optional<Watchdog> watchdog;
      if (options_.call_timeout != absl::InfiniteDuration()) {
        watchdog.emplace(*runtime_, options_.call_timeout);
      }
      RunInCallScope(*runtime_, [&] { job->Run(*runtime_); });
      timed_out = watchdog.has_value() && watchdog->fired();
    }
    bool stopped_by_shutdown;
    {
      std::lock_guard<std::mutex> lock(runtime_mutex_);
      active_ = nullptr;
      running_call_ = false;
      stopped_by_shutdown = stopped_active_;
    }
    if (stopped_by_shutdown) {
      job->Finish(ShutdownError());
      return;
    }
    // Past the heap limit a runtime refuses every later call; after a timeout the call
    // was stopped half-way. Either way the worker goes on with a fresh runtime.
    if (runtime_->heap_limit_exceeded()) {
      job->Finish(HostError("HeapLimitError",
                            absl::StrCat("JavaScript heap limit of ",
                                         options_.runtime.max_heap_size_mb, " MiB exceeded")));
      ReplaceRuntime();
      return;
    }
    if (timed_out) {
      job->Finish(HostError(kTimeoutErrorClass,
                            absl::StrCat("the call timed out after ",
                                         absl::ToInt64Milliseconds(options_.call_timeout),
                                         " ms")));
      ReplaceRuntime();
      return;
    }
    job->Finish(std::nullopt);
  }

  // Destroys the runtime and makes a new one (with the setup). If that fails, the next
  // call tries again and, failing, gets the error.
  void ReplaceRuntime() {
    DestroyRuntime();
    if (stopping_.load()) return;
    (void)MakeRuntime();
  }

  void CloseLoop() {
    {
      std::lock_guard<std::mutex> lock(wake_mutex_);
      wake_open_ = false;
    }
    uv_close(reinterpret_cast<uv_handle_t*>(&wake_), nullptr);
    uv_run(&loop_, UV_RUN_DEFAULT);
    if (uv_loop_close(&loop_) == 0) return;
    // A handle outlived its runtime: name it, close it, and go on.
    std::vector<std::string> open_handles;
    uv_walk(
        &loop_,
        [](uv_handle_t* handle, void* names) {
          static_cast<std::vector<std::string>*>(names)->push_back(
              uv_handle_type_name(handle->type));
          if (!uv_is_closing(handle)) uv_close(handle, nullptr);
        },
        &open_handles);
    uv_run(&loop_, UV_RUN_DEFAULT);
    uv_loop_close(&loop_);
    std::string report = absl::StrCat("kiln worker: handles left open on the loop: ",
                                      absl::StrJoin(open_handles, ", "), "\n");
    WriteAll(2, report.data(), report.size());
  }

  const WorkerOptions options_;
  std::shared_ptr<JobQueue> queue_;
  const std::string shutdown_message_;
  std::promise<absl::Status> started_;
  std::thread thread_;

  uv_loop_t loop_;
  uv_async_t wake_;
  std::mutex wake_mutex_;
  bool wake_open_ = false;  // guarded by wake_mutex_

  std::unique_ptr<Runtime> runtime_;  // the thread's
  std::optional<JsError> setup_error_;  // the thread's: why runtime_ is null
  std::mutex runtime_mutex_;
  Runtime* active_ = nullptr;    // guarded by runtime_mutex_
  bool running_call_ = false;    // guarded by runtime_mutex_
  bool stopped_active_ = false;  // guarded by runtime_mutex_: RequestStop terminated active_
  std::atomic<bool> stopping_{false};
  std::atomic<int> runtimes_created_{0};
  std::atomic<int> runtimes_from_setup_snapshot_{0};
  Snapshot setup_snapshot_view_{nullptr, 0};  // the thread's: options_.setup_snapshot's bytes
};

}  // namespace worker_internal

using worker_internal::JobQueue;
using worker_internal::WorkerThread;

Worker::Worker() : CallSubmitter(std::make_shared<JobQueue>(), "worker shut down") {}

absl::StatusOr<std::unique_ptr<Worker>> Worker::Create(WorkerOptions options) {
  if (options.runtime.loop != nullptr) {
    return absl::InvalidArgumentError(
        "WorkerOptions::runtime.loop must be null: a worker runs its runtime on a loop of its own");
  }
  std::unique_ptr<Worker> worker(new Worker());
  worker->thread_ = std::make_unique<WorkerThread>(std::move(options), worker->queue_,
                                                   worker->shutdown_message_);
  absl::Status started = worker->thread_->Launch().get();
  if (!started.ok()) return started;
  return worker;
}

// The calls running are stopped first, then the queued ones failed: by the time a queued
// call's future is ready, every call that was running is known to fail too.
Worker::~Worker() {
  thread_->RequestStop();
  CloseQueue();
  thread_->Join();
}

void Worker::TerminateCurrentCall() { thread_->TerminateCurrentCall(); }

int Worker::runtimes_created() const { return thread_->runtimes_created(); }

int Worker::runtimes_from_setup_snapshot() const {
  return thread_->runtimes_from_setup_snapshot();
}

WorkerPool::WorkerPool() : CallSubmitter(std::make_shared<JobQueue>(), "worker pool shut down") {}

absl::StatusOr<std::unique_ptr<WorkerPool>> WorkerPool::Create(WorkerPoolOptions options) {
  if (options.worker.runtime.loop != nullptr) {
    return absl::InvalidArgumentError(
        "WorkerOptions::runtime.loop must be null: a worker runs its runtime on a loop of its own");
  }
  size_t size = options.size != 0 ? options.size : std::max(1u, std::thread::hardware_concurrency());
  if (options.snapshot_setup && options.worker.setup_snapshot == nullptr) {
    absl::StatusOr<std::string> snapshot = CreateSnapshot(options.worker.runtime, options.worker.setup);
    if (!snapshot.ok()) {
      return absl::Status(snapshot.status().code(),
                          absl::StrCat("the worker pool's setup snapshot: ",
                                       snapshot.status().message()));
    }
    options.worker.setup_snapshot = std::make_shared<const std::string>(std::move(*snapshot));
  }
  std::unique_ptr<WorkerPool> pool(new WorkerPool());
  pool->setup_snapshot_ = options.worker.setup_snapshot;
  // The first worker alone: what its setup compiles lands in the code cache the others
  // then read. From a setup snapshot there is nothing to compile: all start at once.
  absl::Status status;
  for (size_t i = 0; i < size; ++i) {
    pool->threads_.push_back(
        std::make_unique<WorkerThread>(options.worker, pool->queue_, pool->shutdown_message_));
  }
  size_t launched = 0;
  if (pool->setup_snapshot_ == nullptr) {
    status = pool->threads_[0]->Launch().get();
    launched = 1;
  }
  std::vector<std::future<absl::Status>> starting;
  if (status.ok()) {
    for (size_t i = launched; i < size; ++i) starting.push_back(pool->threads_[i]->Launch());
  }
  for (std::future<absl::Status>& started : starting) {
    absl::Status one = started.get();
    if (status.ok()) status = one;
  }
  if (!status.ok()) return status;  // ~WorkerPool stops the workers that started
  return pool;
}

WorkerPool::~WorkerPool() {
  for (auto& thread : threads_) thread->RequestStop();
  CloseQueue();
  for (auto& thread : threads_) thread->Join();
}

int WorkerPool::runtimes_created() const {
  int total = 0;
  for (const auto& thread : threads_) total += thread->runtimes_created();
  return total;
}

int WorkerPool::runtimes_from_setup_snapshot() const {
  int total = 0;
  for (const auto& thread : threads_) total += thread->runtimes_from_setup_snapshot();
  return total;
}

}  // namespace kiln
