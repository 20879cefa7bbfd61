// Temporary hand-written bindings for core/core_ops.h in the exact shape codegen/ emits;
// replaced by kiln_ops() generation.
#include "core/core_ops.h"
#include "core/core_ops_table.h"
#include "core/op_support.h"

template <>
struct kiln::Converter<kiln::ResourceEntry> {
  static bool FromV8(kiln::ConversionContext& context, v8::Local<v8::Value> value,
                     kiln::ResourceEntry* out, kiln::StringViewBuffer* storage = nullptr) {
    if (!value->IsObject()) return context.Fail(kiln::ErrorKind::kType, "object", value);
    v8::Local<v8::Object> object = value.As<v8::Object>();
    if (!kiln::ReadField(context, object, "rid", &out->rid)) return false;
    if (!kiln::ReadField(context, object, "name", &out->name)) return false;
    return true;
  }
  static v8::MaybeLocal<v8::Value> ToV8(v8::Isolate* isolate, const kiln::ResourceEntry& value) {
    v8::EscapableHandleScope scope(isolate);
    v8::Local<v8::Object> object = v8::Object::New(isolate);
    if (!kiln::WriteField(isolate, object, "rid", value.rid)) return {};
    if (!kiln::WriteField(isolate, object, "name", value.name)) return {};
    return scope.Escape(object);
  }
};

namespace kiln::generated {
namespace {

void Op_op_close_Slow(const v8::FunctionCallbackInfo<v8::Value>& info) {
  kiln::OpCall call(info);
  if (call.RethrowStashedFastError()) return;
  kiln::Arg<kiln::ResourceId> rid;
  if (!call.Convert(0, "rid", &rid)) return;
  call.Return(kiln::op_close(call.state(), *rid));
}

void Op_op_close_Fast(v8::Local<v8::Object> receiver, double rid_in,
                      v8::FastApiCallbackOptions& options) {
  kiln::FastOpCall call(options);
  kiln::ResourceId rid;
  if (!kiln::FastConvert(rid_in, &rid)) return call.Fallback<void>();
  absl::Status result = kiln::op_close(call.state(), rid);
  if (!result.ok()) return call.Fail<void>(result);
}

const v8::CFunction kOp_op_close_CFunction = v8::CFunction::Make(Op_op_close_Fast);

void Op_op_resources_Slow(const v8::FunctionCallbackInfo<v8::Value>& info) {
  kiln::OpCall call(info);
  if (call.RethrowStashedFastError()) return;
  call.Return(kiln::op_resources(call.state()));
}

const kiln::OpDescriptor kCoreOpsOps[] = {
    {"op_close", &Op_op_close_Slow, &kOp_op_close_CFunction, 1},
    {"op_resources", &Op_op_resources_Slow, nullptr, 0},
};

const intptr_t kCoreOpsExternalReferences[] = {
    reinterpret_cast<intptr_t>(&Op_op_close_Slow),
    reinterpret_cast<intptr_t>(kOp_op_close_CFunction.GetAddress()),
    reinterpret_cast<intptr_t>(kOp_op_close_CFunction.GetTypeInfo()),
    reinterpret_cast<intptr_t>(&Op_op_resources_Slow),
    0,
};

}  // namespace

const kiln::OpTable core_ops = {"core/core_ops.h", kCoreOpsOps, 2, kCoreOpsExternalReferences};

}  // namespace kiln::generated
