#ifndef KILN_JS_EMBEDDED_JS_H_
#define KILN_JS_EMBEDDED_JS_H_

#include <cstddef>

namespace kiln::js {

struct EmbeddedFile {
  const char* name;    // "js/console.js"
  const char* source;  // UTF-8
  size_t size;
};

// The bootstrap files in the order the runtime runs them (see js/README.md).
extern const EmbeddedFile kBootstrapFiles[];
extern const size_t kBootstrapFileCount;

}  // namespace kiln::js

#endif  // KILN_JS_EMBEDDED_JS_H_
