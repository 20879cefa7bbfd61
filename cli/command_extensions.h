// What a kiln command runs its runtimes with. cli/main.cc is compiled once (//cli); each
// kiln_binary() target (//:defs.bzl) generates these definitions for its own extensions:
// kiln's standard ones plus those the target lists, and the startup snapshot holding them.
#ifndef KILN_CLI_COMMAND_EXTENSIONS_H_
#define KILN_CLI_COMMAND_EXTENSIONS_H_

#include <vector>

#include "core/extension.h"
#include "core/snapshot.h"

namespace kiln::cli {

// The command's extensions, in the order its snapshot loaded them.
std::vector<const Extension*> CommandExtensions();

// The startup snapshot holding CommandExtensions() evaluated.
const Snapshot& CommandSnapshot();

}  // namespace kiln::cli

#endif  // KILN_CLI_COMMAND_EXTENSIONS_H_
