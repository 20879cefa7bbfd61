#ifndef KILN_OPS_OP_H_
#define KILN_OPS_OP_H_

// The op DSL. An op is an ordinary C++ declaration in a header, marked with KILN_OP so that
// codegen/ finds it; the compiler reads the same line, so the definition in the .cc must
// match it (kiln_ops() compiles op sources with -Werror=missing-declarations, so a
// definition whose signature drifts from its declaration fails to build).
//
//   KILN_OP(fast) int32_t op_add(int32_t a, int32_t b);
//   KILN_OP() absl::StatusOr<std::string> op_read(OpState& state, std::string path);
//
//   KILN_STRUCT() struct Endpoint {
//     std::string host;
//     int32_t port;
//     std::optional<bool> secure;
//   };
//
// Flags inside KILN_OP(...): `fast` (a V8 Fast API path is required; the build fails,
// naming the parameter, if the signature cannot have one) or `nofast` (never generate
// one). Without a flag, a fast path is generated whenever the signature allows.
// codegen/README.md has the grammar and the table of supported types.

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ops/bytes.h"
#include "ops/enforce_range.h"
#include "ops/errors.h"
#include "ops/future.h"
#include "ops/op_host.h"
#include "ops/op_state.h"
#include "ops/resource.h"

#define KILN_OP(...)
#define KILN_STRUCT(...)

#endif  // KILN_OPS_OP_H_
