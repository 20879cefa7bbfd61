#ifndef KILN_EXT_TIMERS_TIMERS_H_
#define KILN_EXT_TIMERS_TIMERS_H_

// setTimeout, setInterval, clearTimeout, clearInterval, queueMicrotask, performance.now /
// timeOrigin, kiln.refTimer / kiln.unrefTimer, with HTML's semantics (README.md).
//
//   kiln::RuntimeOptions options;
//   options.extensions = {&kiln::timers::TimersExtension()};

#include "core/extension.h"

namespace kiln::timers {

const Extension& TimersExtension();

}  // namespace kiln::timers

#endif  // KILN_EXT_TIMERS_TIMERS_H_
