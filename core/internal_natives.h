#ifndef KILN_CORE_INTERNAL_NATIVES_H_
#define KILN_CORE_INTERNAL_NATIVES_H_

#include "v8.h"

namespace kiln {

// Fills `native` with the C++ functions the bootstrap JavaScript in js/ relies on:
// print(fd, string), hrtimeMs(), getPromiseDetails, getProxyDetails, previewEntries,
// getOwnNonIndexProperties, getConstructorName and a `types` object of v8::Value::IsXxx
// predicates. js/README.md documents each one's contract.
void InstallInternalNatives(v8::Isolate* isolate, v8::Local<v8::Object> native);

// Writes all of `data` to `fd`, retrying on EINTR and waiting out EAGAIN, so that output
// is on the descriptor before the process exits even when it is a non-blocking pipe.
// Returns false if the descriptor is closed or broken.
bool WriteAll(int fd, const char* data, size_t size);

}  // namespace kiln

#endif  // KILN_CORE_INTERNAL_NATIVES_H_
