// Bytes in struct fields: kiln::SharedBytes and kiln::ByteBuffer are owned, so a struct may
// hold them (a struct's converter goes both ways, so these need
// Converter<SharedBytes>::ToV8 and Converter<ByteBuffer>::FromV8 in core/convert.h).
#ifndef CODEGEN_TESTDATA_STRUCT_BYTES_FIELDS_INPUT_H_
#define CODEGEN_TESTDATA_STRUCT_BYTES_FIELDS_INPUT_H_

#include <optional>

#include "ops/op.h"

KILN_STRUCT() struct Chunk {
  kiln::SharedBytes input;
  kiln::ByteBuffer output;
  std::optional<kiln::ByteBuffer> extra;
};

KILN_OP() Chunk op_chunk(Chunk chunk);

#endif  // CODEGEN_TESTDATA_STRUCT_BYTES_FIELDS_INPUT_H_
