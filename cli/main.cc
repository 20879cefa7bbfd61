// The `kiln` command: runs a script or module file, or a string of code.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cli/command_extensions.h"
#include "cli/op_metrics_report.h"
#include "cli/test_runner.h"
#include "core/core_ops.h"
#include "core/runtime.h"
#include "core/v8_platform.h"
#include "core/version.h"

namespace kiln {
namespace {

constexpr char kUsage[] = R"(kiln - a JavaScript runtime on V8

Usage:
  kiln run [options] <file> [args...]   run a script (.js), CommonJS module (.cjs) or
                                        ES module (.mjs)
  kiln <file> [args...]                 same as `kiln run`
  kiln eval [options] '<code>'          run a string of code as a classic script
  kiln test [options] [paths...]        run test files (kiln test --help)
  kiln --version                        print the kiln and V8 versions
  kiln --help                           print this help

Options:
  --module            treat the file as an ES module whatever its extension
  --print, -p         (eval) print the completion value
  --v8-flags=<flags>  pass flags to V8, e.g. --v8-flags=--expose-gc,--stack-size=500
  --op-metrics        print a table of op calls on stderr when the run ends
  --max-heap-size=<MiB>  stop the script with an error past this much JavaScript heap

Script arguments are available to JavaScript as `kiln.args`.
An uncaught error or unhandled rejection prints a report on stderr and exits with 1.
)";

void PrintTo(int fd, const std::string& text) { WriteAll(fd, text.data(), text.size()); }

int UsageError(const std::string& message) {
  PrintTo(2, absl::StrCat("kiln: ", message, "\nRun 'kiln --help' for usage.\n"));
  return 2;
}

struct Command {
  enum class Kind { kRun, kEval } kind = Kind::kRun;
  Runtime::ScriptKind script_kind = Runtime::ScriptKind::kByExtension;
  bool print_result = false;
  bool op_metrics = false;
  size_t max_heap_size_mb = 0;  // 0: V8's default
  std::string target;  // file path or code
  std::vector<std::string> script_args;
};

// Parses options up to the file (or code); everything after it belongs to the script.
// Returns an exit code to stop with, or -1 to continue.
int ParseOptions(int argc, char** argv, int first, Command* command) {
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (command->target.empty() && absl::StartsWith(arg, "-")) {
      if (arg == "--module") {
        command->script_kind = Runtime::ScriptKind::kModule;
      } else if (arg == "--op-metrics") {
        command->op_metrics = true;
      } else if (arg == "--print" || arg == "-p") {
        command->print_result = true;
      } else if (absl::StartsWith(arg, "--v8-flags=")) {
        std::string flags = arg.substr(std::strlen("--v8-flags="));
        for (char& c : flags) {
          if (c == ',') c = ' ';
        }
        AddV8Flags(flags).IgnoreError();  // V8 is not initialised yet in the CLI.
      } else if (absl::StartsWith(arg, "--max-heap-size=")) {
        std::string value = arg.substr(std::strlen("--max-heap-size="));
        uint64_t mib = 0;
        if (!absl::SimpleAtoi(value, &mib) || mib == 0 || mib > (uint64_t{1} << 20)) {
          return UsageError(absl::StrCat("--max-heap-size wants a size in MiB (1 to 1048576), not '",
                                         value, "'"));
        }
        command->max_heap_size_mb = mib;
      } else if (arg == "--") {
        if (i + 1 >= argc) return UsageError("missing file after --");
        command->target = argv[++i];
      } else {
        return UsageError(absl::StrCat("unknown option '", arg, "'"));
      }
      continue;
    }
    if (command->target.empty()) {
      command->target = arg;
    } else {
      command->script_args.push_back(arg);
    }
  }
  if (command->target.empty()) {
    return UsageError(command->kind == Command::Kind::kRun ? "missing file to run"
                                                           : "missing code to evaluate");
  }
  return -1;
}

// Whether `error`, from running `command`, is ES module syntax in a file run as a classic
// script because of its extension (a bundle written to out.js): the report then says how to
// run it as a module. Such an error comes from compiling the file itself (its path ends
// with the one given, relative or not) and has no stack frames (an `eval` of module syntax
// at run time has).
bool IsModuleSyntaxInClassicScript(const Command& command, const JsError& error) {
  if (command.kind != Command::Kind::kRun ||
      command.script_kind != Runtime::ScriptKind::kByExtension ||
      absl::EndsWith(command.target, ".mjs") || error.class_name != "SyntaxError" ||
      !absl::EndsWith(error.file, command.target) ||
      absl::StrContains(error.stack, "\n    at ")) {
    return false;
  }
  return error.message == "Cannot use import statement outside a module" ||
         error.message == "Unexpected token 'export'" ||
         error.message == "Cannot use 'import.meta' outside a module" ||
         absl::StartsWith(error.message, "await is only valid in async functions");
}

int Execute(const Command& command) {
  RuntimeOptions options;
  options.args = command.script_args;
  options.max_heap_size_mb = command.max_heap_size_mb;
  // The command's extensions are those of its snapshot (kiln_binary() in //:defs.bzl).
  options.extensions = cli::CommandExtensions();
  options.snapshot = &cli::CommandSnapshot();
  options.op_metrics = command.op_metrics;
  absl::StatusOr<std::unique_ptr<Runtime>> created = Runtime::Create(std::move(options));
  if (!created.ok()) {
    PrintTo(2, absl::StrCat("kiln: ", created.status().message(), "\n"));
    return 70;
  }
  std::unique_ptr<Runtime> runtime = std::move(*created);
  Result<void> outcome;
  if (command.kind == Command::Kind::kRun) {
    outcome = runtime->RunMainFile(command.target, command.script_kind);
  } else {
    Result<std::string> value = runtime->EvalToString(command.target);
    if (!value.ok()) {
      outcome = value.error();
    } else {
      outcome = runtime->RunEventLoop();
      if (outcome.ok() && command.print_result) PrintTo(1, value.value() + "\n");
    }
  }
  int exit_code = 0;
  if (!outcome.ok()) {
    PrintTo(2, outcome.error().Report());
    if (IsModuleSyntaxInClassicScript(command, outcome.error())) {
      PrintTo(2, absl::StrCat("kiln: ", command.target,
                              absl::EndsWith(command.target, ".cjs")
                                  ? " ran as a CommonJS module (.cjs files are)"
                                  : " ran as a classic script (.js files are)",
                              "; to run it as an ES module, name it .mjs or use `kiln run "
                              "--module`\n"));
    }
    exit_code = 1;
  }
  if (command.op_metrics) PrintTo(2, cli::FormatOpMetrics(*runtime->all_op_metrics()));
#ifndef __SANITIZE_ADDRESS__
  // The run is over (the loop has nothing left, output is written: PrintTo and console
  // write unbuffered): what Shutdown would still do is free memory and close handles the
  // process gives back as it exits. Exiting now, as node and deno do, saves about a
  // millisecond of every run. Sanitizer builds shut down, so LeakSanitizer still checks
  // the runtime's own bookkeeping after every command-line test.
  std::fflush(nullptr);
  _exit(exit_code);
#endif
  absl::Status shutdown = runtime->Shutdown();
  if (!shutdown.ok()) PrintTo(2, absl::StrCat("kiln: ", shutdown.message(), "\n"));
  return exit_code;
}

int Main(int argc, char** argv) {
  // A closed stdout (`kiln run x.js | head -1`) must not kill the process mid-report.
  signal(SIGPIPE, SIG_IGN);
  if (argc < 2) {
    PrintTo(2, kUsage);
    return 2;
  }
  std::string first = argv[1];
  if (first == "--help" || first == "-h" || first == "help") {
    PrintTo(1, kUsage);
    return 0;
  }
  if (first == "--version" || first == "-v" || first == "version") {
    PrintTo(1, absl::StrCat("kiln ", kKilnVersion, "\nv8 ", V8VersionString(), "\n"));
    return 0;
  }
  if (first == "test") {
    return cli::RunTestCommand(std::vector<std::string>(argv + 2, argv + argc),
                               {cli::CommandExtensions(), &cli::CommandSnapshot()});
  }
  Command command;
  int options_start = 2;
  if (first == "eval") {
    command.kind = Command::Kind::kEval;
  } else if (first != "run") {
    options_start = 1;  // `kiln file.js`
  }
  int stop = ParseOptions(argc, argv, options_start, &command);
  if (stop >= 0) return stop;
  return Execute(command);
}

}  // namespace
}  // namespace kiln

int main(int argc, char** argv) { return kiln::Main(argc, argv); }
