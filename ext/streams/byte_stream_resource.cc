#include "ext/streams/byte_stream_resource.h"

#include "absl/strings/str_cat.h"

namespace kiln::streams {

Future<uint32_t> ByteStreamResource::Read(OpState& state, SharedBytes buffer) {
  return absl::UnimplementedError(absl::StrCat("resource ", name(), " is not readable"));
}

Future<void> ByteStreamResource::Write(OpState& state, SharedBytes bytes) {
  return absl::UnimplementedError(absl::StrCat("resource ", name(), " is not writable"));
}

Future<void> ByteStreamResource::Shutdown(OpState& state) { return absl::OkStatus(); }

}  // namespace kiln::streams
