#ifndef KILN_EXAMPLES_EMBED_TEXTKIT_BUNDLE_H_
#define KILN_EXAMPLES_EMBED_TEXTKIT_BUNDLE_H_

#include <cstddef>

#include "js/embedded_js.h"

namespace embed {

// The textkit bundle compiled into the binary (the genrule in BUILD.bazel runs
// tools/embed_js.py): one entry, named "textkit.js".
extern const kiln::js::EmbeddedFile kTextkitBundle[];
extern const size_t kTextkitBundleCount;

}  // namespace embed

#endif  // KILN_EXAMPLES_EMBED_TEXTKIT_BUNDLE_H_
