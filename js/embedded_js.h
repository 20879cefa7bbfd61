#ifndef KILN_JS_EMBEDDED_JS_H_
#define KILN_JS_EMBEDDED_JS_H_

#include <cstddef>

namespace kiln::js {

// A JavaScript file compiled into the binary (tools/embed_js.py).
struct EmbeddedFile {
  const char* name;    // its module specifier: "ext:core/console.js"
  const char* source;  // UTF-8
  size_t size;
};

// The core extension's modules (js/BUILD.bazel); the first is its entry module.
extern const EmbeddedFile kCoreModules[];
extern const size_t kCoreModulesCount;

}  // namespace kiln::js

#endif  // KILN_JS_EMBEDDED_JS_H_
