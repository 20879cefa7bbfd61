"""The type model: what each C++ type in an op signature means.

parser.py gives declarations as written; this module resolves every type to a `Type`
(canonical kind + element type or struct), checks that it may appear where it is used
(parameter, result, struct field, inside std::optional / std::vector), decides whether an
op gets a V8 Fast API path, and knows each type's C++ spelling for generated code, its
spelling for messages, and its TypeScript type. The table in codegen/README.md is this
module in prose; keep them in sync.
"""

import dataclasses
from typing import Dict, List, Optional, Tuple

from parser import DslError, Header, OpDecl, StructDecl, TypeRef

TARGET = "V8 10.2"


@dataclasses.dataclass(frozen=True)
class Leaf:
    cpp: str            # spelling in generated code and messages
    ts: str             # TypeScript type (results use ts_out when it differs)
    param: bool         # allowed as a JS parameter
    result: bool        # allowed as a result
    field: bool         # allowed as a struct field / inside std::optional, std::vector
    borrowed: bool = False
    ts_out: Optional[str] = None
    move: bool = False  # passed to the op with std::move
    bytes: bool = False  # converted after every other argument (see gen.py)
    # Fast API: the C type V8 passes, and whether kiln::FastConvert narrows it (and so can
    # reject a value V8 passed). int32_t / uint32_t / bool arrive as themselves: V8 applies
    # ToInt32 / ToUint32 / ToBoolean, the op-argument rules, so nothing is checked.
    # Range-checked integers arrive as int64_t: V8 10.2 deoptimises to the slow callback
    # for anything but an integral Number there, so only the range is left.
    fast_param: Optional[str] = None
    fast_convert: bool = False
    fast_result: Optional[str] = None
    owned: Optional[str] = None     # what to use instead when borrowed / misplaced
    wrong_place: Optional[str] = None  # hint when used in the other direction


LEAVES: Dict[str, Leaf] = {
    "bool": Leaf("bool", "boolean", True, True, True, fast_param="bool", fast_result="bool"),
    "int32": Leaf("int32_t", "number", True, True, True, fast_param="int32_t",
                  fast_result="int32_t"),
    "uint32": Leaf("uint32_t", "number", True, True, True, fast_param="uint32_t",
                   fast_result="uint32_t"),
    "enforce_int32": Leaf("kiln::EnforceRange<int32_t>", "number", True, False, True,
                          fast_param="int64_t", fast_convert=True,
                          wrong_place="return int32_t"),
    "enforce_uint32": Leaf("kiln::EnforceRange<uint32_t>", "number", True, False, True,
                           fast_param="int64_t", fast_convert=True,
                           wrong_place="return uint32_t"),
    "int64": Leaf("int64_t", "number | bigint", True, True, True, fast_param="int64_t"),
    "uint64": Leaf("uint64_t", "number | bigint", True, True, True, fast_param="int64_t",
                   fast_convert=True),
    "double": Leaf("double", "number", True, True, True, fast_param="double",
                   fast_result="double"),
    "float": Leaf("float", "number", True, True, True, fast_param="float",
                  fast_result="float"),
    "string": Leaf("std::string", "string", True, True, True, move=True),
    "string_view": Leaf("std::string_view", "string", True, False, False, borrowed=True,
                        owned="std::string", wrong_place="return std::string"),
    "byte_view": Leaf("kiln::ByteView", "ArrayBuffer | ArrayBufferView", True, False, False,
                      borrowed=True, bytes=True, owned="kiln::SharedBytes",
                      wrong_place="return kiln::ByteBuffer"),
    "shared_bytes": Leaf("kiln::SharedBytes", "ArrayBuffer | ArrayBufferView", True, False,
                         True, ts_out="Uint8Array", move=True, bytes=True,
                         wrong_place="return kiln::ByteBuffer"),
    "byte_buffer": Leaf("kiln::ByteBuffer", "Uint8Array", False, True, True,
                        ts_out="Uint8Array", move=True,
                        wrong_place="take kiln::SharedBytes or kiln::ByteView"),
    "resource_id": Leaf("kiln::ResourceId", "number", True, True, True, fast_param="int64_t",
                        fast_convert=True),
    "value": Leaf("v8::Local<v8::Value>", "unknown", True, True, False, borrowed=True,
                  fast_param="v8::Local<v8::Value>",
                  owned="an owned type (std::string, a number, a KILN_STRUCT)"),
}

# Names that mean a leaf, with or without their namespace (kiln names may be unqualified
# because op headers often live in namespace kiln).
_LEAF_NAMES = {
    "bool": "bool", "int32_t": "int32", "std::int32_t": "int32", "uint32_t": "uint32",
    "std::uint32_t": "uint32", "int64_t": "int64", "std::int64_t": "int64",
    "uint64_t": "uint64", "std::uint64_t": "uint64", "double": "double", "float": "float",
    "std::string": "string", "std::string_view": "string_view",
    "kiln::ByteView": "byte_view", "ByteView": "byte_view",
    "kiln::SharedBytes": "shared_bytes", "SharedBytes": "shared_bytes",
    "kiln::ByteBuffer": "byte_buffer", "ByteBuffer": "byte_buffer",
    "kiln::ResourceId": "resource_id", "ResourceId": "resource_id",
}
_OPSTATE_NAMES = ("kiln::OpState", "OpState")
_ENFORCE_RANGE_NAMES = ("kiln::EnforceRange", "EnforceRange")
_ENFORCE_RANGE_ARGS = {"int32_t": "enforce_int32", "std::int32_t": "enforce_int32",
                       "uint32_t": "enforce_uint32", "std::uint32_t": "enforce_uint32"}
_FUTURE_NAMES = ("kiln::Future", "Future")

_INTEGER_HINT = "use int32_t, uint32_t, int64_t or uint64_t"
_HINTS = {
    "int": "use int32_t", "signed": "use int32_t", "signed int": "use int32_t",
    "unsigned": "use uint32_t", "unsigned int": "use uint32_t",
    "long": "use int64_t", "long int": "use int64_t", "long long": "use int64_t",
    "long long int": "use int64_t", "unsigned long": "use uint64_t",
    "unsigned long long": "use uint64_t", "size_t": "use uint32_t or uint64_t",
    "std::size_t": "use uint32_t or uint64_t", "long double": "use double",
    "absl::string_view": "use std::string_view (or std::string)",
    "absl::Span": "use kiln::ByteView or std::vector", "std::span": "use kiln::ByteView or "
    "std::vector", "std::vector<uint8_t>": "use kiln::SharedBytes / kiln::ByteView "
    "(parameters) or kiln::ByteBuffer (results) for bytes",
}
for _small in ("int8_t", "int16_t", "uint8_t", "uint16_t", "short", "unsigned short",
               "char", "signed char", "unsigned char", "intptr_t", "uintptr_t", "ssize_t"):
    _HINTS[_small] = _INTEGER_HINT
    _HINTS["std::" + _small] = _INTEGER_HINT


@dataclasses.dataclass(eq=False)
class Struct:
    name: str
    namespace: List[str]
    line: int
    fields: List["FieldModel"] = dataclasses.field(default_factory=list)

    @property
    def qualified(self) -> str:
        return "::".join(self.namespace + [self.name])

    @property
    def cpp(self) -> str:
        return cpp_qualify(self.namespace, self.name)


@dataclasses.dataclass(frozen=True, eq=False)
class Type:
    """A resolved type. kind: a LEAVES key, or "optional", "vector", "struct", "void",
    "status", "statusor", "future", "opstate", "isolate"."""
    kind: str
    arg: Optional["Type"] = None
    struct: Optional[Struct] = None

    @property
    def leaf(self) -> Optional[Leaf]:
        return LEAVES.get(self.kind)

    def cpp(self) -> str:
        """The spelling in generated code (user names fully qualified)."""
        return self._spell(lambda s: s.cpp)

    def display(self) -> str:
        """The spelling in messages."""
        return self._spell(lambda s: s.qualified)

    def _spell(self, struct_name) -> str:
        if self.leaf:
            return self.leaf.cpp
        k = self.kind
        if k == "struct":
            return struct_name(self.struct)
        if k in ("optional", "vector"):
            return f"std::{k}<{self.arg._spell(struct_name)}>"
        if k == "statusor":
            return f"absl::StatusOr<{self.arg._spell(struct_name)}>"
        if k == "future":
            return f"kiln::Future<{self.arg._spell(struct_name)}>"
        return {"void": "void", "status": "absl::Status", "opstate": "kiln::OpState&",
                "isolate": "v8::Isolate*"}[k]

    @property
    def value(self) -> "Type":
        """The value type of a result: StatusOr<T> -> T, Status -> void."""
        if self.kind == "statusor":
            return self.arg
        if self.kind == "status":
            return VOID
        return self

    def ts(self, out: bool) -> str:
        """TypeScript type; `out` for results (and struct fields, which go both ways, use
        the input spelling plus the output one where they differ)."""
        if self.leaf:
            return (self.leaf.ts_out or self.leaf.ts) if out else self.leaf.ts
        k = self.kind
        if k == "struct":
            return self.struct.name
        if k == "optional":
            return f"{self.arg.ts(out)} | null"
        if k == "vector":
            inner = self.arg.ts(out)
            return f"({inner})[]" if "|" in inner else f"{inner}[]"
        if k in ("void", "status"):
            return "void"
        if k == "statusor":
            return self.arg.ts(out)
        if k == "future":
            return f"Promise<{self.arg.ts(out)}>"
        raise AssertionError(k)

    @property
    def move(self) -> bool:
        if self.leaf:
            return self.leaf.move
        return self.kind in ("vector", "struct") or (self.kind == "optional" and
                                                     self.arg.move)

    @property
    def bytes(self) -> bool:
        """Holds an ArrayBuffer's memory: converted after every other argument."""
        if self.leaf:
            return self.leaf.bytes
        return self.kind in ("optional", "vector") and self.arg.bytes


VOID = Type("void")


@dataclasses.dataclass
class FieldModel:
    name: str
    type: Type
    line: int


@dataclasses.dataclass
class ParamModel:
    name: str
    type: Type
    position: int            # 1-based in the C++ declaration
    line: int
    js_index: Optional[int]  # 0-based JS argument index; None when injected

    @property
    def injected(self) -> bool:
        return self.js_index is None


@dataclasses.dataclass
class OpModel:
    name: str
    namespace: List[str]
    line: int
    result: Type
    params: List[ParamModel]
    flags: List[str]
    fast: bool                       # a fast path is generated
    fast_blocker: Optional[Tuple[int, str]]  # (line, reason) when not eligible

    @property
    def callee(self) -> str:
        return cpp_qualify(self.namespace, self.name)

    @property
    def js_params(self) -> List[ParamModel]:
        return [p for p in self.params if not p.injected]

    @property
    def is_async(self) -> bool:
        """Returns kiln::Future<T>: JS gets a promise (core/async_ops.h)."""
        return self.result.kind == "future"

    @property
    def async_value(self) -> "Type":
        """An async op's settled value type: Future<T> -> T."""
        return self.result.arg

    @property
    def fast_may_fail(self) -> bool:
        """The fast function can reject an argument or return an error, so the runtime
        wraps it in JS that checks the failure flag (core/op_support.h). A Future can
        always fail."""
        return self.fast and (self.is_async or self.result.kind in ("status", "statusor") or
                              any(p.type.leaf.fast_convert for p in self.js_params))

    @property
    def takes_state(self) -> bool:
        return any(p.type.kind == "opstate" for p in self.params)

    @property
    def fast_needs_options(self) -> bool:
        """The fast function takes FastApiCallbackOptions (for OpState& / v8::Isolate*)."""
        return any(p.type.kind in ("opstate", "isolate") for p in self.params)

    @property
    def arity(self) -> int:
        return len(self.js_params)


@dataclasses.dataclass
class HeaderModel:
    ops: List[OpModel]
    structs: List[Struct]  # in dependency order (a struct after the structs it contains)


def cpp_qualify(namespace: List[str], name: str) -> str:
    """A user name as generated code (inside namespace kiln::generated) spells it: names
    under kiln:: as kiln::x (nothing in kiln shadows kiln), others from the global
    namespace (::a::x), so that a kiln::a cannot capture them."""
    if namespace and namespace[0] == "kiln":
        return "::".join(namespace + [name])
    return "::" + "::".join(namespace + [name])


# --- resolution ---


class _Resolver:
    def __init__(self, structs: Dict[str, Struct]):
        self.structs = structs  # qualified name -> Struct

    def find_struct(self, ref: TypeRef, namespace: List[str]) -> Optional[Struct]:
        if ref.args is not None:
            return None
        if ref.rooted:
            return self.structs.get(ref.name)
        for k in range(len(namespace), -1, -1):
            found = self.structs.get("::".join(namespace[:k] + [ref.name]))
            if found:
                return found
        return None

    def resolve(self, ref: TypeRef, namespace: List[str], where: str,
                allow_future: bool = False) -> Type:
        """The Type a TypeRef names (const/reference are checked by the caller)."""
        struct = self.find_struct(ref, namespace)
        if struct:
            return Type("struct", struct=struct)
        name = ref.name
        spelling = ref.base_spelling()

        def unsupported(hint: Optional[str] = None):
            hint = hint or _HINTS.get(name) or _HINTS.get(spelling)
            message = f"{where}: unsupported type {spelling}"
            if hint:
                message += f"; {hint}"
            elif ref.args is None and "::" not in name and name not in LEAVES:
                message += " (not a supported type or a KILN_STRUCT declared in this header)"
            raise DslError(ref.line, message)

        def one_arg() -> TypeRef:
            if ref.args is None or len(ref.args) != 1:
                unsupported(f"{name} takes exactly one template argument")
            return ref.args[0]

        def plain_arg(arg: TypeRef) -> TypeRef:
            if arg.const or arg.ref:
                raise DslError(arg.line, f"{where}: unsupported type {spelling}; template "
                               f"arguments are plain types (found {arg.spelling()})")
            return arg

        if name in _LEAF_NAMES and ref.args is None:
            return Type(_LEAF_NAMES[name])
        if name == "void" and ref.args is None:
            return VOID
        if name == "absl::Status" and ref.args is None:
            return Type("status")
        if name in _OPSTATE_NAMES and ref.args is None:
            return Type("opstate")
        if name == "v8::Isolate" and ref.args is None:
            return Type("isolate")
        if name == "v8::Local":
            arg = plain_arg(one_arg())
            if arg.name == "v8::Value" and arg.args is None:
                return Type("value")
            unsupported("use v8::Local<v8::Value>")
        if name in _ENFORCE_RANGE_NAMES:
            arg = plain_arg(one_arg())
            if arg.args is None and arg.name in _ENFORCE_RANGE_ARGS:
                return Type(_ENFORCE_RANGE_ARGS[arg.name])
            unsupported("kiln::EnforceRange takes int32_t or uint32_t")
        if name in ("std::optional", "std::vector", "absl::StatusOr") or \
                (name in _FUTURE_NAMES and allow_future):
            kind = {"std::optional": "optional", "std::vector": "vector",
                    "absl::StatusOr": "statusor"}.get(name, "future")
            arg_ref = plain_arg(one_arg())
            if kind == "vector" and arg_ref.name in ("uint8_t", "std::uint8_t"):
                unsupported(_HINTS["std::vector<uint8_t>"])
            return Type(kind, arg=self.resolve(arg_ref, namespace, where,
                                               allow_future=False))
        if name in _FUTURE_NAMES:
            raise DslError(ref.line, f"{where}: {spelling} is only allowed as an op's result")
        if ref.ref == "*" and name == "char":
            raise DslError(ref.line, f"{where}: unsupported type {ref.spelling()}; use "
                           "std::string or std::string_view")
        unsupported()
        raise AssertionError("unreachable")


def _check_element(t: Type, where: str, line: int, container: str, direction: str) -> None:
    """Checks a type inside std::optional / std::vector (or a struct field, for which
    `container` is None)."""
    leaf = t.leaf
    if leaf:
        if leaf.borrowed:
            place = ("cannot be a struct field" if container is None else
                     f"cannot be inside {container}")
            raise DslError(line, f"{where}: {leaf.cpp} is borrowed and {place}; "
                           f"use {leaf.owned}")
        ok = leaf.field if direction == "field" else _leaf_allowed(leaf, direction)
        if not ok:
            _reject_leaf(leaf, where, line, direction)
        return
    if _check_container_or_struct(t, where, line, direction):
        return
    raise DslError(line, f"{where}: {t.display()} cannot be "
                   + (f"inside {container}" if container else "a struct field"))


def _leaf_allowed(leaf, direction: str) -> bool:
    return leaf.param if direction == "param" else leaf.result


def _reject_leaf(leaf, where: str, line: int, direction: str) -> None:
    raise DslError(line, f"{where}: {leaf.cpp} cannot be "
                   f"{'a parameter' if direction == 'param' else 'returned'}; "
                   f"{leaf.wrong_place}")


def _check_container_or_struct(t: Type, where: str, line: int, direction: str) -> bool:
    """Checks std::optional / std::vector element types; True if `t` is one of those or a
    struct (both are allowed wherever their contents are)."""
    if t.kind in ("optional", "vector"):
        if t.kind == "optional" and t.arg.kind == "optional":
            raise DslError(line, f"{where}: std::optional<std::optional<T>> is not supported")
        _check_element(t.arg, where, line, f"std::{t.kind}", direction)
        return True
    return t.kind == "struct"


def _check_value(t: Type, where: str, line: int, direction: str) -> None:
    """Checks a type at the top level of a parameter ("param") or result ("result")."""
    leaf = t.leaf
    if leaf:
        if not _leaf_allowed(leaf, direction):
            _reject_leaf(leaf, where, line, direction)
        return
    if _check_container_or_struct(t, where, line, direction):
        return
    if direction == "param":
        raise DslError(line, f"{where}: {t.display()} cannot be a parameter")
    raise DslError(line, f"{where}: {t.display()} cannot be returned")


def fast_param_ok(t: Type) -> bool:
    return t.kind in ("opstate", "isolate") or bool(t.leaf and t.leaf.fast_param)


def fast_result_type(t: Type) -> Optional[str]:
    """The fast function's C return type for an op result, or None if V8 10.2 has none."""
    value = t.value
    if value.kind == "void":
        return "void"
    if t.kind == "statusor" and value.kind == "void":
        return None
    return value.leaf.fast_result if value.leaf else None


def _struct_order(structs: List[Struct]) -> List[Struct]:
    """Structs in declaration order, except that a struct comes after the structs its
    fields use (its Converter calls theirs)."""
    done: List[Struct] = []
    visiting = set()

    def uses(t: Type):
        while t.kind in ("optional", "vector"):
            t = t.arg
        return [t.struct] if t.kind == "struct" else []

    def visit(s: Struct):
        if s in done or id(s) in visiting:
            return
        visiting.add(id(s))
        for f in s.fields:
            for u in uses(f.type):
                visit(u)
        done.append(s)

    for s in structs:
        visit(s)
    return done


def build(header: Header) -> HeaderModel:
    """Resolves and checks every declaration; raises DslError on the first problem (in
    file order)."""
    items = sorted([(s.line, 0, s) for s in header.structs] +
                   [(o.line, 1, o) for o in header.ops], key=lambda x: (x[0], x[1]))
    structs: Dict[str, Struct] = {}
    by_simple_name: Dict[str, Struct] = {}
    resolver = _Resolver(structs)
    ops: List[OpModel] = []
    op_lines: Dict[str, int] = {}
    for _, _, decl in items:
        if isinstance(decl, StructDecl):
            if decl.name in by_simple_name:
                first = by_simple_name[decl.name]
                raise DslError(decl.line, f"duplicate KILN_STRUCT {decl.name} (first declared "
                               f"on line {first.line}; TypeScript interfaces are named by "
                               "the struct's unqualified name)")
            struct = Struct(decl.name, decl.namespace, decl.line)
            # Registered before its fields are read: std::vector<Self> is a valid field.
            structs[struct.qualified] = struct
            by_simple_name[decl.name] = struct
            _build_struct(resolver, decl, struct)
        else:
            if decl.name in op_lines:
                raise DslError(decl.line, f"duplicate op {decl.name} (first declared on line "
                               f"{op_lines[decl.name]}); op names are the exports of "
                               "ext:core/ops and must be unique")
            ops.append(_build_op(resolver, decl))
            op_lines[decl.name] = decl.line
    return HeaderModel(ops=ops, structs=_struct_order(list(by_simple_name.values())))


# The most fields KILN_STRUCT_CONVERTER (core/convert.h), which converts every KILN_STRUCT,
# can list.
MAX_STRUCT_FIELDS = 64


def _build_struct(resolver: _Resolver, decl: StructDecl, struct: Struct) -> None:
    seen = set()
    for i, f in enumerate(decl.fields):
        where = f"{decl.name}.{f.name}"
        if i == MAX_STRUCT_FIELDS:
            raise DslError(f.line, f"{where}: a KILN_STRUCT has at most {MAX_STRUCT_FIELDS} "
                           "fields (what KILN_STRUCT_CONVERTER, core/convert.h, takes); group "
                           "some into a nested KILN_STRUCT")
        if f.name in seen:
            raise DslError(f.line, f"{where}: duplicate field")
        seen.add(f.name)
        if f.type.const or f.type.ref:
            raise DslError(f.line, f"{where}: struct fields are plain values (found "
                           f"{f.type.spelling()})")
        t = resolver.resolve(f.type, decl.namespace, where)
        if t.kind == "struct" and t.struct is struct:
            raise DslError(f.line, f"{where}: a struct cannot contain itself")
        _check_element(t, where, f.line, None, "field")
        struct.fields.append(FieldModel(f.name, t, f.line))


def _build_op(resolver: _Resolver, decl: OpDecl) -> OpModel:
    name = decl.name
    for flag in decl.flags:
        if flag not in ("fast", "nofast"):
            raise DslError(decl.flag_line, f"{name}: unknown KILN_OP flag '{flag}'; expected "
                           "fast or nofast")
    if len(decl.flags) != len(set(decl.flags)):
        raise DslError(decl.flag_line, f"{name}: a KILN_OP flag is repeated")
    if "fast" in decl.flags and "nofast" in decl.flags:
        raise DslError(decl.flag_line, f"{name}: KILN_OP flags fast and nofast contradict "
                       "each other")

    # Result.
    ref = decl.result
    where = f"{name}: result"
    if ref.const or ref.ref:
        raise DslError(ref.line, f"{where}: ops return by value (found {ref.spelling()})")
    result = resolver.resolve(ref, decl.namespace, where, allow_future=True)
    is_async = result.kind == "future"
    value = result.arg if is_async else result
    if value.kind == "future":
        raise DslError(ref.line, f"{where}: nested kiln::Future is not supported")
    if is_async and value.kind in ("status", "statusor"):
        raise DslError(ref.line, f"{where}: kiln::Future<{value.display()}> is not supported; "
                       "use kiln::Future<T> (a Future carries its error)")
    if value.kind == "statusor":
        inner = value.arg
        if inner.kind in ("void", "status", "statusor", "opstate", "isolate"):
            raise DslError(ref.line, f"{where}: absl::StatusOr<{inner.display()}> is not "
                           "supported" + ("; use absl::Status" if inner.kind == "void" else ""))
        _check_value(inner, where, ref.line, "result")
    elif value.kind not in ("void", "status"):
        _check_value(value, where, ref.line, "result")

    # Parameters.
    params: List[ParamModel] = []
    names = set()
    js_index = 0
    for p in decl.params:
        where = f"{name}: parameter {p.position} ({p.name})"
        if p.name in names:
            raise DslError(p.line, f"{where}: duplicate parameter name")
        names.add(p.name)
        t = resolver.resolve(p.type, decl.namespace, where)
        spelled = p.type.spelling()
        if t.kind == "opstate":
            if p.type.ref != "&" or p.type.const:
                raise DslError(p.line, f"{where}: take the op state as kiln::OpState& "
                               f"(found {spelled})")
            params.append(ParamModel(p.name, t, p.position, p.line, None))
            continue
        if t.kind == "isolate":
            if p.type.ref != "*" or p.type.const:
                raise DslError(p.line, f"{where}: take the isolate as v8::Isolate* "
                               f"(found {spelled})")
            params.append(ParamModel(p.name, t, p.position, p.line, None))
            continue
        if p.type.ref == "*":
            if p.type.name == "char":
                raise DslError(p.line, f"{where}: unsupported type {spelled}; use std::string "
                               "or std::string_view")
            raise DslError(p.line, f"{where}: unsupported type {spelled}; pointers are not "
                           "supported")
        if p.type.ref == "&&" or (p.type.ref == "&" and not p.type.const):
            raise DslError(p.line, f"{where}: unsupported type {spelled}; take "
                           f"{t.display()} or const {t.display()}&")
        if t.kind in ("void", "status", "statusor"):
            raise DslError(p.line, f"{where}: {t.display()} cannot be a parameter")
        if is_async and t.leaf and t.leaf.borrowed:
            raise DslError(p.line, f"{where}: {t.leaf.cpp} is borrowed and invalid after an "
                           f"async op returns; use {t.leaf.owned}")
        _check_value(t, where, p.line, "param")
        params.append(ParamModel(p.name, t, p.position, p.line, js_index))
        js_index += 1

    blocker = _fast_blocker(name, value if is_async else result, params, ref.line)
    if is_async and blocker and blocker[0] == ref.line and blocker[1].startswith("its result"):
        blocker = (ref.line, f"it resolves to {value.display()}")
    if "fast" in decl.flags and blocker:
        raise DslError(blocker[0], f"{name} is marked fast but {blocker[1]}, which has no "
                       f"fast path on {TARGET}")
    fast = blocker is None and "nofast" not in decl.flags
    return OpModel(name=name, namespace=decl.namespace, line=decl.line, result=result,
                   params=params, flags=list(decl.flags), fast=fast, fast_blocker=blocker)


def _fast_blocker(name: str, result: Type, params: List[ParamModel],
                  result_line: int) -> Optional[Tuple[int, str]]:
    """Why the op cannot have a fast path on V8 10.2: (line, "<what> has type T"), or
    None if it can."""
    if fast_result_type(result) is None:
        return result_line, f"its result has type {result.display()}"
    for p in params:
        if not fast_param_ok(p.type):
            return p.line, (f"parameter {p.position} ({p.name}) has type "
                            f"{p.type.display()}")
    return None
