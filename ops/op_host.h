#ifndef KILN_OPS_OP_HOST_H_
#define KILN_OPS_OP_HOST_H_

#include <string_view>

#include "v8.h"

namespace kiln {

// What an op or an extension's state may ask of the runtime that owns it: the narrow
// interface through which native code calls back into JavaScript. The runtime implements
// it; reach it through OpState::host(). Runtime's thread only.
class OpHost {
 public:
  // Calls `function` as one macrotask (a timer callback, an I/O event): an exception it
  // throws becomes the runtime's uncaught error (the loop stops), and a microtask
  // checkpoint follows. Returns false if it threw or an uncaught error was already
  // pending; otherwise `*result` (if not null) is what it returned.
  virtual bool CallMacrotask(v8::Local<v8::Function> function, int argc,
                             v8::Local<v8::Value>* argv, v8::Local<v8::Value>* result) = 0;
  // Runs a microtask checkpoint with the runtime's unhandled-rejection check. Returns
  // false when the runtime now has an uncaught error: no more callbacks may run.
  virtual bool RunMicrotasks() = 0;
  // HTML's "report an exception": `exception` is dispatched as an `error` event on the
  // global (when an extension provides the event, ext/web); unless a listener handles it
  // with preventDefault(), it becomes the runtime's uncaught error (the loop stops at the
  // end of the turn). The run goes on either way until then.
  virtual void ReportUncaughtError(v8::Local<v8::Value> exception) = 0;
  // The value an extension's JavaScript registered with `internals[name] = value`
  // (`import { internals } from "ext:core/internals.js"`), or empty. This is how native
  // state finds its JavaScript half: values in C++ handles do not survive a snapshot,
  // values reachable from `internals` do.
  virtual v8::MaybeLocal<v8::Value> GetInternal(std::string_view name) = 0;

 protected:
  ~OpHost() = default;
};

}  // namespace kiln

#endif  // KILN_OPS_OP_HOST_H_
