// A program embedding kiln with the counter extension:
//   bazel run //examples/counter:main -- "$PWD/examples/counter/count.js"
#include <iostream>

#include "core/runtime.h"
#include "examples/counter/counter_extension.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: counter <script.js>\n";
    return 2;
  }
  kiln::RuntimeOptions options;
  options.extensions = {&kiln::extensions::counter()};
  absl::StatusOr<std::unique_ptr<kiln::Runtime>> runtime = kiln::Runtime::Create(options);
  if (!runtime.ok()) {
    std::cerr << runtime.status() << "\n";
    return 1;
  }
  kiln::Result<void> run = (*runtime)->RunMainFile(argv[1]);
  if (!run.ok()) {
    std::cerr << run.error().Report();
    return 1;
  }
  return 0;
}
