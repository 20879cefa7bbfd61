#include "cli/test_runner.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/op_metrics_report.h"
#include "core/core_ops.h"
#include "core/file_util.h"
#include "core/js_error.h"
#include "core/runtime.h"
#include "core/v8_platform.h"
#include "ext/testing/testing_state.h"

namespace kiln::cli {
namespace {

namespace fs = std::filesystem;

constexpr char kTestUsage[] = R"(Usage: kiln test [options] [paths...]

Runs test files written with kiln:test and kiln:assert, each in a fresh runtime. Paths are
files or directories; directories (default: the current one) are searched for
*_test.js, *_test.mjs, *.test.js and *.test.mjs. Test files are ES modules.

Options:
  --filter <pattern>   run the tests whose full name ("suite > test") contains <pattern>,
                       or matches it when written /regex/
  --reporter=spec|tap  output format (default spec)
  --trace-leaks        leak reports say where each leaked op, resource or timer started
  --op-metrics         print a table of op calls after the run (on stderr)
  --v8-flags=<flags>   pass flags to V8 (comma-separated)

Exit status: 0 when every test passed, 1 when a test failed or a file did not load.
The last line of the output is "N passed, N failed" (", N skipped", ", N todo").
)";

void Print(int fd, const std::string& text) { WriteAll(fd, text.data(), text.size()); }

struct TestOptions {
  std::vector<std::string> paths;
  std::string filter;
  std::string reporter = "spec";
  bool trace_leaks = false;
  bool op_metrics = false;
};

// Returns an exit status to stop with, or nullopt to run.
std::optional<int> ParseTestOptions(const std::vector<std::string>& args, TestOptions* options) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      Print(1, kTestUsage);
      return 0;
    }
    if (arg == "--filter") {
      if (i + 1 >= args.size()) {
        Print(2, "kiln test: --filter needs a pattern\n");
        return 2;
      }
      options->filter = args[++i];
    } else if (absl::StartsWith(arg, "--filter=")) {
      options->filter = arg.substr(std::strlen("--filter="));
    } else if (absl::StartsWith(arg, "--reporter=")) {
      options->reporter = arg.substr(std::strlen("--reporter="));
      if (options->reporter != "spec" && options->reporter != "tap") {
        Print(2, absl::StrCat("kiln test: unknown reporter '", options->reporter,
                              "' (spec or tap)\n"));
        return 2;
      }
    } else if (arg == "--trace-leaks") {
      options->trace_leaks = true;
    } else if (arg == "--op-metrics") {
      options->op_metrics = true;
    } else if (absl::StartsWith(arg, "--v8-flags=")) {
      std::string flags = arg.substr(std::strlen("--v8-flags="));
      std::replace(flags.begin(), flags.end(), ',', ' ');
      AddV8Flags(flags).IgnoreError();
    } else if (arg == "--") {
      options->paths.insert(options->paths.end(), args.begin() + i + 1, args.end());
      break;
    } else if (absl::StartsWith(arg, "-")) {
      Print(2, absl::StrCat("kiln test: unknown option '", arg, "'\nRun 'kiln test --help' for usage.\n"));
      return 2;
    } else {
      options->paths.push_back(arg);
    }
  }
  return std::nullopt;
}

bool IsTestFileName(const std::string& name) {
  for (const char* suffix : {"_test.js", "_test.mjs", ".test.js", ".test.mjs"}) {
    if (absl::EndsWith(name, suffix)) return true;
  }
  return false;
}

// A string as a JavaScript string literal.
std::string JsQuoted(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppend(&quoted, "\\u00", c < 0x10 ? "0" : "", absl::Hex(c));
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

// The outcome of driving a promise with the event loop.
enum class Settled { kFulfilled, kRejected, kStalled, kError };

// One test file's run in its own runtime.
class FileRun {
 public:
  FileRun(const std::string& file, const TestOptions& options,
          const CommandEnvironment& environment, uint32_t first_tap_number)
      : file_(file), options_(options), environment_(environment),
        first_tap_number_(first_tap_number) {}

  // Runs the file's tests; false when the file could not run (reported already).
  bool Run();
  js_testing::Totals totals() const { return totals_; }
  const OpMetrics* metrics() const { return runtime_ ? runtime_->all_op_metrics() : nullptr; }
  absl::Status Shutdown() { return runtime_ ? runtime_->Shutdown() : absl::OkStatus(); }

 private:
  void FailFile(const std::string& why);
  bool CallInternal(const char* name, std::vector<v8::Local<v8::Value>> args,
                    v8::Local<v8::Value>* result);
  // Runs the loop until `promise` settles. With `interrupt`, a drained loop, a watchdog's
  // termination and an escaped error are handed to the harness, which ends the test that
  // was running; without, they end the wait.
  Settled Drive(const v8::Global<v8::Value>& promise, bool interrupt, std::string* problem);

  const std::string file_;
  const TestOptions& options_;
  const CommandEnvironment& environment_;
  const uint32_t first_tap_number_;
  std::unique_ptr<Runtime> runtime_;
  js_testing::TestingState* testing_ = nullptr;
  js_testing::Totals totals_;
};

void FileRun::FailFile(const std::string& why) {
  totals_ = {};
  totals_.failed = 1;
  if (options_.reporter == "tap") {
    std::string indented;
    for (absl::string_view line : absl::StrSplit(why, '\n')) {
      absl::StrAppend(&indented, "    ", line, "\n");
    }
    Print(1, absl::StrCat("not ok ", first_tap_number_, " - ", file_,
                          "\n  ---\n  error: |-\n", indented, "  ...\n"));
  } else {
    Print(1, absl::StrCat("✖ ", file_, "\n", why, why.empty() || why.back() == '\n' ? "" : "\n"));
  }
}

bool FileRun::CallInternal(const char* name, std::vector<v8::Local<v8::Value>> args,
                           v8::Local<v8::Value>* result) {
  Runtime::CallScope call_scope(runtime_.get());
  OpHost& host = runtime_->op_state().host();
  v8::Local<v8::Value> function;
  if (!host.GetInternal(name).ToLocal(&function) || !function->IsFunction()) return false;
  return host.CallMacrotask(function.As<v8::Function>(), static_cast<int>(args.size()),
                            args.data(), result);
}

Settled FileRun::Drive(const v8::Global<v8::Value>& promise_handle, bool interrupt,
                       std::string* problem) {
  v8::Isolate* isolate = runtime_->isolate();
  v8::Isolate::Scope isolate_scope(isolate);
  int consecutive_errors = 0;
  while (true) {
    {
      v8::HandleScope scope(isolate);
      v8::Local<v8::Value> value = promise_handle.Get(isolate);
      if (!value->IsPromise()) return Settled::kFulfilled;
      v8::Promise::PromiseState state = value.As<v8::Promise>()->State();
      if (state == v8::Promise::kFulfilled) return Settled::kFulfilled;
      if (state == v8::Promise::kRejected) {
        v8::Local<v8::Context> context = runtime_->context();
        v8::Context::Scope context_scope(context);
        *problem = JsErrorFromException(isolate, context, value.As<v8::Promise>()->Result(),
                                        v8::Local<v8::Message>())
                       .Report();
        return Settled::kRejected;
      }
    }
    Result<bool> turn = runtime_->RunEventLoopOnce(true);
    if (!turn.ok()) {
      const JsError& error = turn.error();
      bool timed_out = testing_->TakeWatchdogFired();
      if (!interrupt || ++consecutive_errors > 100) {
        *problem = error.Report();
        return Settled::kError;
      }
      v8::HandleScope scope(isolate);
      v8::Local<v8::Context> context = runtime_->context();
      v8::Context::Scope context_scope(context);
      v8::Local<v8::Value> args[2];
      if (timed_out) {
        args[0] = v8::String::NewFromUtf8Literal(isolate, "timeout");
        args[1] = v8::Undefined(isolate);
      } else {
        // An error the harness's own listeners did not see (no ext/web, or the runtime's
        // last word): it fails the running test with its report.
        args[0] = v8::String::NewFromUtf8Literal(isolate, "error");
        v8::Local<v8::Value> message =
            v8::String::NewFromUtf8(isolate, error.Report().c_str()).ToLocalChecked();
        args[1] = v8::Exception::Error(message.As<v8::String>());
      }
      CallInternal("testingInterrupt", {args[0], args[1]}, nullptr);
      continue;
    }
    consecutive_errors = 0;
    if (turn.value()) continue;
    // Nothing is left to do and the promise is still pending.
    {
      v8::HandleScope scope(isolate);
      v8::Local<v8::Value> value = promise_handle.Get(isolate);
      if (value.As<v8::Promise>()->State() != v8::Promise::kPending) continue;
    }
    if (!interrupt) {
      *problem = "the file's top-level await never settled (the event loop has no work left)";
      return Settled::kStalled;
    }
    v8::HandleScope scope(isolate);
    v8::Local<v8::Context> context = runtime_->context();
    v8::Context::Scope context_scope(context);
    v8::Local<v8::Value> handled;
    if (!CallInternal("testingInterrupt",
                      {v8::String::NewFromUtf8Literal(isolate, "drained"), v8::Undefined(isolate)},
                      &handled) ||
        !handled->IsTrue()) {
      *problem = "the test run stopped with nothing left to do (the harness waits on a promise "
                 "no test owns)";
      return Settled::kStalled;
    }
  }
}

bool FileRun::Run() {
  RuntimeOptions runtime_options;
  runtime_options.extensions = environment_.extensions;
  runtime_options.snapshot = environment_.snapshot;
  runtime_options.op_metrics = options_.op_metrics;
  absl::StatusOr<std::unique_ptr<Runtime>> created = Runtime::Create(std::move(runtime_options));
  if (!created.ok()) {
    FailFile(absl::StrCat("kiln: ", created.status().message()));
    return false;
  }
  runtime_ = std::move(*created);
  testing_ = runtime_->op_state().extension_state<js_testing::TestingState>();
  if (testing_ == nullptr) {
    FailFile("kiln test: this kiln has no testing extension (//ext/testing)");
    return false;
  }
  testing_->settings.file = file_;
  testing_->settings.filter = options_.filter;
  testing_->settings.reporter = options_.reporter;
  testing_->settings.trace_leaks = options_.trace_leaks;
  testing_->settings.first_tap_number = first_tap_number_;
  testing_->runtime = runtime_.get();
  testing_->EnableLeakTracking(options_.trace_leaks);

  // The file is imported as an ES module (whatever its extension): import() settles once
  // its top-level await has.
  std::error_code ignored;
  fs::path absolute = fs::absolute(fs::path(file_), ignored);
  Result<v8::Global<v8::Value>> import =
      runtime_->Eval(absl::StrCat("import(", JsQuoted("file://" + absolute.lexically_normal().string()), ")"),
                     "[kiln test]");
  if (!import.ok()) {
    FailFile(import.error().Report());
    return false;
  }
  std::string problem;
  if (Drive(import.value(), false, &problem) != Settled::kFulfilled) {
    FailFile(problem);
    return false;
  }
  v8::Isolate* isolate = runtime_->isolate();
  v8::Global<v8::Value> run;
  {
    v8::Isolate::Scope isolate_scope(isolate);
    v8::HandleScope scope(isolate);
    v8::Local<v8::Context> context = runtime_->context();
    v8::Context::Scope context_scope(context);
    v8::Local<v8::Value> promise;
    if (!CallInternal("testingRun", {}, &promise)) {
      Result<bool> turn = runtime_->RunEventLoopOnce(false);
      FailFile(turn.ok() ? "kiln test: the harness did not start (kiln:test is not installed)"
                         : turn.error().Report());
      return false;
    }
    run.Reset(isolate, promise);
  }
  Settled settled = Drive(run, true, &problem);
  totals_ = testing_->totals;
  if (settled != Settled::kFulfilled) {
    Print(1, absl::StrCat("✖ ", file_, ": ", problem, "\n"));
    ++totals_.failed;
  }
  return true;
}

}  // namespace

std::vector<std::string> FindTestFiles(const std::vector<std::string>& paths, std::string* error) {
  std::set<std::string> files;
  for (const std::string& path : paths) {
    std::error_code code;
    fs::file_status status = fs::status(path, code);
    if (code || !fs::exists(status)) {
      *error = absl::StrCat("kiln test: no such file or directory: ", path);
      return {};
    }
    if (!fs::is_directory(status)) {
      files.insert(path);
      continue;
    }
    fs::recursive_directory_iterator it(
        path, fs::directory_options::follow_directory_symlink |
                  fs::directory_options::skip_permission_denied, code);
    for (; !code && it != fs::recursive_directory_iterator(); it.increment(code)) {
      std::string name = it->path().filename().string();
      if (it->is_directory(code)) {
        if (name == "node_modules" || (name.size() > 1 && name[0] == '.')) it.disable_recursion_pending();
        continue;
      }
      if (IsTestFileName(name)) {
        std::string found = it->path().lexically_normal().string();
        if (absl::StartsWith(found, "./")) found = found.substr(2);
        files.insert(found);
      }
    }
  }
  return {files.begin(), files.end()};
}

int RunTestCommand(const std::vector<std::string>& args, const CommandEnvironment& environment) {
  TestOptions options;
  if (std::optional<int> stop = ParseTestOptions(args, &options)) return *stop;
  if (options.paths.empty()) options.paths.push_back(".");
  std::string error;
  std::vector<std::string> files = FindTestFiles(options.paths, &error);
  if (!error.empty()) {
    Print(2, error + "\n");
    return 2;
  }
  if (files.empty()) {
    Print(2, "kiln test: no test files found (*_test.js, *_test.mjs, *.test.js, *.test.mjs)\n");
    return 1;
  }
  if (options.reporter == "tap") Print(1, "TAP version 13\n");
  js_testing::Totals totals;
  OpMetrics metrics;
  uint32_t tap_number = 1;
  for (const std::string& file : files) {
    FileRun run(file, options, environment, tap_number);
    run.Run();
    js_testing::Totals file_totals = run.totals();
    totals.passed += file_totals.passed;
    totals.failed += file_totals.failed;
    totals.skipped += file_totals.skipped;
    totals.todo += file_totals.todo;
    tap_number += file_totals.passed + file_totals.failed + file_totals.skipped + file_totals.todo;
    if (options.op_metrics && run.metrics() != nullptr) MergeOpMetrics(*run.metrics(), &metrics);
    absl::Status shutdown = run.Shutdown();
    if (!shutdown.ok()) Print(2, absl::StrCat("kiln test: ", file, ": ", shutdown.message(), "\n"));
  }
  if (options.op_metrics) Print(2, FormatOpMetrics(metrics));
  std::string summary;
  if (options.reporter == "tap") {
    absl::StrAppend(&summary, "1..", tap_number - 1, "\n");
  }
  absl::StrAppend(&summary, totals.passed, " passed, ", totals.failed, " failed");
  if (totals.skipped > 0) absl::StrAppend(&summary, ", ", totals.skipped, " skipped");
  if (totals.todo > 0) absl::StrAppend(&summary, ", ", totals.todo, " todo");
  Print(1, summary + "\n");
  return totals.failed > 0 ? 1 : 0;
}

}  // namespace kiln::cli
