#include "ext/timers/timers.h"

#include "ext/timers/timers_ops_table.h"

namespace kiln::timers {

extern const js::EmbeddedFile kTimersJsFiles[];
extern const size_t kTimersJsFilesCount;

const Extension& TimersExtension() {
  static const Extension* extension = new Extension{
      "timers",
      {&generated::timers_ops},
      std::vector<js::EmbeddedFile>(kTimersJsFiles, kTimersJsFiles + kTimersJsFilesCount)};
  return *extension;
}

}  // namespace kiln::timers
