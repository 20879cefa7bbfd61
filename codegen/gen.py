#!/usr/bin/python3
"""kiln op binding generator.

    gen.py --header ext/fs/fs_ops.h --out-dir <dir>
    gen.py --header ext/fs/fs_ops.h [--input <file>] --out-cc <f> --out-h <f> \
        --out-structs <f> --out-dts <f> --out-js <f>

--header is the op header's path as seen from the repository root: it is what the
generated code #includes, what the banner and error messages name, and (without --input)
the file that is read. Writes <stem>_bindings.cc, <stem>_table.h, <stem>_structs.h (the
KILN_STRUCT converters), <stem>.d.ts and <stem>_glue.js (the table's JS glue, also
embedded in the bindings). On an invalid declaration prints `<header>:<line>: <message>`
on stderr and exits with status 1.

The pieces: parser.py (declarations as written), model.py (what the types mean, fast-path
eligibility, TypeScript types), this file (turns the model into lines of code, wrapped at
100 columns the way clang-format's Google style would, and writes the JS glue) and
templates/*.j2 (the layout of the C++ and TypeScript files).
"""

import argparse
import os
import re
import sys
from typing import Dict, List, Optional

import jinja2

import model
import parser

COLUMNS = 100
TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")

# Names generated code declares itself in the slow and fast functions.
_RESERVED_LOCALS = frozenset(["info", "call", "async", "options", "receiver", "result",
                              "promise_id"])

# JavaScript (and so TypeScript) reserved words, strict mode and modules included, that a
# C++ parameter name could be: renamed with a trailing _ in the .d.ts and the JS glue.
_JS_RESERVED = frozenset([
    "arguments", "await", "debugger", "eval", "export", "extends", "finally", "function",
    "implements", "import", "in", "instanceof", "interface", "let", "null", "package",
    "super", "typeof", "var", "with", "yield",
])

# Names the JS glue declares itself and a wrapper can see: the glue function's parameters
# and the wrappers' locals (an op parameter with one of these names gets a trailing _).
# The bindings a wrapper calls are consts named `native$op_x` / `slowOnly$op_x`: no C++
# name contains a `$`, so they cannot collide with anything.
_GLUE_NAMES = frozenset(["native", "slowOnly", "signal", "async", "id", "result", "error"])

# Ends the C++ raw string literal holding the JS glue in the bindings.
_GLUE_DELIMITER = "kiln_js"


# --- line wrapping (what clang-format --style=Google with ColumnLimit 100 produces) ---


def _pack(first: str, cont: str, args: List[str], end: str) -> Optional[List[str]]:
    """Bin-packs `args` (comma separated) after `first`, continuing lines with `cont`;
    None if some argument does not fit."""
    lines: List[str] = []
    line = first
    for i, arg in enumerate(args):
        piece = arg + ("," if i + 1 < len(args) else end)
        sep = "" if line in (first, cont) else " "
        if len(line) + len(sep) + len(piece) <= COLUMNS:
            line += sep + piece
            continue
        if line in (first, cont):
            return None
        lines.append(line)
        line = cont + piece
        if len(line) > COLUMNS:
            return None
    lines.append(line)
    return lines


def wrap_call(indent: str, head: str, args: List[str], tail: str = "",
              bracket: str = "()", call: bool = True) -> List[str]:
    """`head(args)tail`, on one line if it fits, else with the arguments aligned after
    the opening bracket, else on the next lines indented by 4. A call (not a declaration)
    also breaks after the bracket when that takes fewer lines than aligning."""
    open_, close = bracket
    one = f"{indent}{head}{open_}{', '.join(args)}{close}{tail}"
    if len(one) <= COLUMNS or not args:
        return [one]
    first = f"{indent}{head}{open_}"
    aligned = _pack(first, " " * len(first), args, close + tail)
    broken = _pack(indent + " " * 4, indent + " " * 4, args, close + tail)
    if broken:
        broken = [first.rstrip()] + broken
    if aligned and (not call or not broken or len(aligned) <= len(broken)):
        return aligned
    return broken or [first.rstrip(), indent + " " * 4 + ", ".join(args) + close + tail]


def assignment(indent: str, left: str, right: str) -> List[str]:
    """`left = right;`, broken after the `=` when too long."""
    one = f"{indent}{left} = {right};"
    if len(one) <= COLUMNS:
        return [one]
    return [f"{indent}{left} =", f"{indent}    {right};"]


def if_return(indent: str, head: str, args: List[str], statement: str) -> List[str]:
    """`if (head(args)) statement` (head starts with `!`): one line, or the statement on
    its own line, or the condition wrapped."""
    condition = f"{head}({', '.join(args)})"
    one = f"{indent}if ({condition}) {statement}"
    if len(one) <= COLUMNS:
        return [one]
    lines = wrap_call(indent, f"if ({head}", args, ")")
    return lines + [f"{indent}  {statement}"]


def comment(indent: str, text: str) -> List[str]:
    """A // comment, word-wrapped at the column limit."""
    lines: List[str] = []
    line = indent + "//"
    for word in text.split():
        if len(line) + 1 + len(word) > COLUMNS and line != indent + "//":
            lines.append(line)
            line = indent + "//"
        line += " " + word
    lines.append(line)
    return lines


# --- naming ---


def stem_of(header: str) -> str:
    return os.path.splitext(os.path.basename(header))[0]


_CPP_KEYWORDS = frozenset("""
    alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t
    char16_t char32_t class compl concept const consteval constexpr constinit const_cast
    continue co_await co_return co_yield decltype default delete do double dynamic_cast else
    enum explicit export extern false float for friend goto if inline int long mutable
    namespace new noexcept not not_eq nullptr operator or or_eq private protected public
    register reinterpret_cast requires return short signed sizeof static static_assert
    static_cast struct switch template this thread_local throw true try typedef typeid
    typename union unsigned using virtual void volatile wchar_t while xor xor_eq
""".split())


def identifier(text: str) -> str:
    """`text` as a C++ identifier: other characters become `_`; a keyword gets a `_`."""
    ident = re.sub(r"[^A-Za-z0-9_]", "_", text)
    if ident[:1].isdigit():
        ident = "_" + ident
    return ident + "_" if ident in _CPP_KEYWORDS else ident


def camel(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", text)
                   if part)


def _unique(name: str, used: set) -> str:
    while name in used:
        name += "_"
    used.add(name)
    return name


# --- C++ ---


class _OpView:
    """An op as the bindings template needs it: precomputed, wrapped lines."""

    def __init__(self, op: model.OpModel, header: str):
        self.op = op
        self.name = op.name
        self.slow = f"Op_{op.name}_Slow"
        self.fast = f"Op_{op.name}_Fast"
        self.cfunction = f"kOp_{op.name}_CFunction"
        self.fast_counted = f"Op_{op.name}_FastCounted"
        self.cfunction_counted = f"kOp_{op.name}_CFunctionCounted"
        where = f"{op.name} ({header}:{op.line})"
        if op.fast:
            self.comment = comment("", where)
        elif op.fast_blocker:
            self.comment = comment("", f"{where}. No fast path: {op.fast_blocker[1]}.")
        else:
            self.comment = comment("", f"{where}. No fast path: nofast.")

        # Local names: the parameter's own name unless generated code needs it.
        used = set(_RESERVED_LOCALS)
        self.local: Dict[str, str] = {}
        for p in op.js_params:
            self.local[p.name] = _unique(p.name, used)
        self.fast_in: Dict[str, str] = {}
        for p in op.js_params:
            if p.type.leaf and p.type.leaf.fast_convert:
                self.fast_in[p.name] = _unique(self.local[p.name] + "_in", used)

        self.slow_signature = wrap_call("", f"void {self.slow}",
                                        ["const v8::FunctionCallbackInfo<v8::Value>& info"],
                                        " {", call=False)
        self.slow_lines = self._slow_body()
        self.fast_lines = self._fast_function() if op.fast else []
        self.cfunction_lines = assignment("", f"const v8::CFunction {self.cfunction}",
                                          f"v8::CFunction::Make({self.fast})")
        self.counted_lines = self._fast_counted() if op.fast else []
        self.cfunction_counted_lines = assignment(
            "", f"const v8::CFunction {self.cfunction_counted}",
            f"v8::CFunction::Make({self.fast_counted})")

    def _slow_body(self) -> List[str]:
        op = self.op
        lines = wrap_call("  ", "kiln::OpCall call", ["info", f'"{op.name}"'], ";", call=False)
        if op.is_async:
            lines += wrap_call("  ", "kiln::AsyncOpCall async", [
                "call", f"&kiln::ConvertCompletion<{op.async_value.cpp()}>"], ";", call=False)
        if op.fast_may_fail:
            lines.append("  if (call.RethrowFastCallFailure()) return;")
        ordered = ([p for p in op.js_params if not p.type.bytes] +
                   [p for p in op.js_params if p.type.bytes])
        for i, p in enumerate(ordered):
            if p.type.bytes and (i == 0 or not ordered[i - 1].type.bytes) and i > 0:
                lines += comment("  ", "Buffers last: converting the other arguments can run "
                                 "JavaScript (getters) that detaches them.")
            local = self.local[p.name]
            lines.append(f"  kiln::Arg<{p.type.cpp()}> {local};")
            lines += if_return("  ", "!call.Convert", [str(p.js_index), f'"{p.name}"',
                                                      f"&{local}"], "return;")
        args = []
        for p in op.params:
            if p.type.kind == "opstate":
                args.append("call.state()")
            elif p.type.kind == "isolate":
                args.append("call.isolate()")
            elif p.type.move:
                args.append(f"std::move(*{self.local[p.name]})")
            else:
                args.append(f"*{self.local[p.name]}")
        if op.is_async:
            lines += wrap_call("  ", f"async.Return({op.callee}", args, ");")
        elif op.result.kind == "void":
            lines += wrap_call("  ", op.callee, args, ";")
        else:
            lines += wrap_call("  ", f"call.Return({op.callee}", args, ");")
        return lines

    def _fast_params(self) -> List[tuple]:
        """The fast function's parameters: (C type, name)."""
        op = self.op
        params = [("v8::Local<v8::Object>", "receiver")]
        if op.is_async:
            params.append(("int64_t", "promise_id"))
        for p in op.js_params:
            leaf = p.type.leaf
            if leaf.fast_convert:
                params.append((leaf.fast_param, self.fast_in[p.name]))
            else:
                params.append((leaf.fast_param, self.local[p.name]))
        if op.fast_needs_options:
            params.append(("v8::FastApiCallbackOptions&", "options"))
        return params

    def _fast_return_type(self) -> str:
        op = self.op
        return model.fast_result_type(op.async_value if op.is_async else op.result)

    def _fast_counted(self) -> List[str]:
        """The fast function behind a call counter (for runtimes with op metrics on)."""
        ret = self._fast_return_type()
        params = self._fast_params()
        lines = wrap_call("", f"{ret} {self.fast_counted}", [f"{t} {n}" for t, n in params],
                          " {", call=False)
        lines.append(f'  kiln::CountFastCall("{self.op.name}");')
        forward = "" if ret == "void" else "return "
        lines += wrap_call("  ", f"{forward}{self.fast}", [n for _, n in params], ";")
        lines.append("}")
        return lines

    def _fast_function(self) -> List[str]:
        op = self.op
        ret = self._fast_return_type()
        params = [f"{t} {n}" for t, n in self._fast_params()]
        lines = wrap_call("", f"{ret} {self.fast}", params, " {", call=False)
        for p in op.js_params:
            leaf = p.type.leaf
            if not leaf.fast_convert:
                continue
            local = self.local[p.name]
            lines.append(f"  {leaf.cpp} {local};")
            lines += if_return("  ", "!kiln::FastConvert", [self.fast_in[p.name], f"&{local}"],
                               f"return kiln::FastArgumentRejected<{ret}>();")
        args = []
        for p in op.params:
            if p.type.kind == "opstate":
                args.append("kiln::FastOpState(options)")
            elif p.type.kind == "isolate":
                args.append("kiln::FastOpIsolate(options)")
            else:
                args.append(self.local[p.name])
        kind = op.result.kind
        if op.is_async and op.takes_state:
            lines += wrap_call("  ", "kiln::FastAsyncOpCall async", [
                "kiln::FastOpState(options)", "promise_id", f'"{op.name}"',
                f"&kiln::ConvertCompletion<{op.async_value.cpp()}>"], ";", call=False)
            lines += wrap_call("  ", f"return async.Return({op.callee}", args, ");")
        elif op.is_async:
            # No OpState&: the op cannot go pending (MakeFuture needs the state).
            lines += wrap_call("  ", f'return kiln::FastReadyResult("{op.name}", {op.callee}',
                               args, ");")
        elif kind == "void":
            lines += wrap_call("  ", op.callee, args, ";")
        elif kind in ("status", "statusor"):
            lines += wrap_call("  ", f"{op.result.cpp()} result = {op.callee}", args, ";")
            status = "std::move(result)" if kind == "status" else "result.status()"
            lines += [f"  if (!result.ok()) return kiln::FastOpFailed<{ret}>({status});"]
            if kind == "statusor":
                lines.append("  return *result;")
        else:
            lines += wrap_call("  ", f"return {op.callee}", args, ";")
        lines.append("}")
        # A one-statement function that fits on a line is one line (as clang-format has it).
        if len(lines) == 3 and len(f"{lines[0]} {lines[1].strip()} }}") <= COLUMNS:
            lines = [f"{lines[0]} {lines[1].strip()} }}"]
        return lines


def _struct_view(struct: model.Struct, header: str) -> dict:
    """A KILN_STRUCT's converter: one KILN_STRUCT_CONVERTER (core/convert.h), the macro
    embedders write for their own structs, after a comment naming the declaration."""
    return {
        "comment": comment("", f"KILN_STRUCT {struct.qualified} ({header}:{struct.line})"),
        "lines": wrap_call("", "KILN_STRUCT_CONVERTER",
                           [struct.cpp] + [f.name for f in struct.fields], call=False),
    }


# --- JavaScript names ---


def js_param_names(op: model.OpModel, taken=frozenset()) -> List[str]:
    """The op's JS parameter names, as the .d.ts and the JS glue spell them: the C++ name,
    with a trailing _ for a JavaScript reserved word, and more until it is unique among
    the parameters and not in `taken`."""
    used = set(taken)
    return [_unique(p.name + "_" if p.name in _JS_RESERVED else p.name, used)
            for p in op.js_params]


# --- JS glue ---

_GLUE_HEAD = """\
(function (native, slowOnly, signal, async) {
  // Evaluated and called once per runtime (or at snapshot build time) with:
  //   native    op name -> the op's native function (with its fast path, if it has one)
  //   slowOnly  op name -> a copy of the native function without the fast path, for the
  //             ops with a fast path that are async or whose fast call can fail
  //   signal    Int32Array(1), the outcome of the last fast call: 0 ok (the result is the
  //             value), 1 the fast call failed (the slow-only copy throws the failure),
  //             2 an async op is pending
  //   async     the promise ring: nextId, resolve(value), reject(error), track(id)
  // Returns op name -> the function JavaScript calls.
"""


def _js_call(indent: str, head: str, args: List[str], tail: str) -> List[str]:
    """`head(args)tail` on one line if it fits, else one argument per line."""
    one = f"{indent}{head}({', '.join(args)}){tail}"
    if len(one) <= COLUMNS or not args:
        return [one]
    return [f"{indent}{head}("] + [f"{indent}  {a}," for a in args[:-1]] + [
        f"{indent}  {args[-1]}", f"{indent}){tail}"]


def _js_const(indent: str, name: str, value: str) -> List[str]:
    """`const name = value;`, broken after the `=` when too long."""
    one = f"{indent}const {name} = {value};"
    if len(one) <= COLUMNS:
        return [one]
    return [f"{indent}const {name} =", f"{indent}  {value};"]


def _js_if_return(indent: str, condition: str, callee: str, args: List[str]) -> List[str]:
    """`if (condition) return callee(args);`, in braces when it does not fit a line."""
    one = f"{indent}if ({condition}) return {callee}({', '.join(args)});"
    if len(one) <= COLUMNS:
        return [one]
    return ([f"{indent}if ({condition}) {{"] +
            _js_call(indent + "  ", f"return {callee}", args, ";") + [f"{indent}}}"])


def _glue_op(op: model.OpModel) -> tuple:
    """(consts, members) of one op in the glue: the bindings it captures and its entry in
    the returned object."""
    name = op.name
    if not op.is_async and not (op.fast and op.fast_may_fail):
        return [], [f"    {name}: native.{name},"]
    native = f"native${name}"
    slow_only = f"slowOnly${name}"
    consts = _js_const("  ", native, f"native.{name}")
    if op.fast:
        consts += _js_const("  ", slow_only, f"slowOnly.{name}")
    params = js_param_names(op, _GLUE_NAMES)
    members = _js_call("    ", name, params, " {")
    if not op.is_async:
        # The fast call, and after a failed one (signal 1) the slow-only copy, which
        # throws the stored failure (core/op_support.h, OpCall::RethrowFastCallFailure).
        members += _js_call("      ", f"const result = {native}", params, ";")
        members += _js_if_return("      ", "signal[0] !== 0", slow_only, params)
        members += ["      return result;", "    },"]
        return consts, members
    args = ["id"] + params
    members += ["      const id = async.nextId;", "      let result;", "      try {"]
    members += _js_call("        ", f"result = {native}", args, ";")
    members += ["      } catch (error) {",
                "        return async.reject(error);",
                "      }",
                "      if (signal[0] === 0) return async.resolve(result);"]
    if op.fast:
        members += ["      if (signal[0] === 1) {", "        try {"]
        members += _js_call("          ", f"result = {slow_only}", args, ";")
        members += ["        } catch (error) {",
                    "          return async.reject(error);",
                    "        }",
                    "        if (signal[0] === 0) return async.resolve(result);",
                    "      }"]
    members += ["      signal[0] = 0;", "      return async.track(id);", "    },"]
    return consts, members


def glue(header: str, ops: List[model.OpModel]) -> str:
    """The JS glue of a table: one function expression (see README.md) after a banner."""
    consts: List[str] = []
    members: List[str] = []
    for op in ops:
        c, m = _glue_op(op)
        consts += c
        members += m
    lines = [f"// generated by codegen/gen.py from {header}; do not edit"]
    lines += _GLUE_HEAD.splitlines()
    if consts:
        lines += ["", "  // The bindings the wrappers call, read once."] + consts
    lines += ["", "  return {", "    __proto__: null,"] + members + ["  };", "})"]
    return "\n".join(lines) + "\n"


# --- TypeScript ---


def _ts_op(op: model.OpModel) -> List[str]:
    js = op.js_params
    # Optional parameters from the last non-optional one on may be left out (`x?: T`);
    # an optional parameter before a required one must be passed (undefined or null).
    trailing = len(js)
    while trailing > 0 and js[trailing - 1].type.kind == "optional":
        trailing -= 1
    params = []
    for i, (p, name) in enumerate(zip(js, js_param_names(op))):
        if i >= trailing:
            params.append(f"{name}?: {p.type.ts(out=False)}")
        elif p.type.kind == "optional":
            params.append(f"{name}: {p.type.arg.ts(out=False)} | undefined | null")
        else:
            params.append(f"{name}: {p.type.ts(out=False)}")
    result = op.result.ts(out=True)
    one = f"export function {op.name}({', '.join(params)}): {result};"
    if len(one) + 2 <= COLUMNS:  # the template indents declarations by 2
        return [one]
    return [f"export function {op.name}("] + [f"  {p}," for p in params] + [f"): {result};"]


def _ts_struct(struct: model.Struct) -> List[str]:
    if not struct.fields:
        return [f"export interface {struct.name} {{}}"]
    lines = [f"export interface {struct.name} {{"]
    for f in struct.fields:
        if f.type.kind == "optional":
            lines.append(f"  {f.name}?: {f.type.ts(out=False)};")
        else:
            lines.append(f"  {f.name}: {f.type.ts(out=False)};")
    lines.append("}")
    return lines


# --- driver ---


class GenError(Exception):
    """`file:line: message` for an invalid declaration, or `file: message`."""

    def __init__(self, header: str, error: parser.DslError = None, message: str = ""):
        super().__init__(f"{header}:{error.line}: {error.message}" if error else
                         f"{header}: {message}")


def generate(header: str, text: str) -> Dict[str, str]:
    """Returns {"bindings": ..., "table": ..., "structs": ..., "dts": ..., "js": ...} for
    the op header `header` (repository path) whose contents are `text`; raises GenError."""
    try:
        header_model = model.build(parser.parse(text))
    except parser.DslError as e:
        raise GenError(header, e) from None
    js_glue = glue(header, header_model.ops)
    if f"){_GLUE_DELIMITER}\"" in js_glue:
        raise GenError(header, message=f"the JS glue contains ){_GLUE_DELIMITER}\", which "
                       "would end the C++ raw string literal that embeds it")
    stem = stem_of(header)
    base = os.path.splitext(header)[0]
    table = identifier(stem)
    prefix = "k" + camel(stem)
    ops = [_OpView(op, header) for op in header_model.ops]
    refs = []
    for v in ops:
        refs.append(f"&{v.slow}")
        if v.op.fast:
            refs += [f"{v.cfunction}.GetAddress()", f"{v.cfunction}.GetTypeInfo()"]
    descriptors = []
    for v in ops:
        fast = f"&{v.cfunction}" if v.op.fast else "nullptr"
        fast_counted = f"&{v.cfunction_counted}" if v.op.fast else "nullptr"
        descriptors += wrap_call("    ", "", [f'"{v.name}"', f"&{v.slow}", fast, fast_counted,
                                             str(v.op.arity),
                                             "true" if v.op.fast_may_fail else "false",
                                             "true" if v.op.is_async else "false"], ",", "{}")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             keep_trailing_newline=True, trim_blocks=True,
                             lstrip_blocks=True, undefined=jinja2.StrictUndefined,
                             autoescape=False)
    ops_array = f"{prefix}Ops" if ops else "nullptr"
    values = {
        "header": header,
        "includes": sorted([header, f"{base}_table.h", "core/op_support.h"] +
                           ([f"{base}_structs.h"] if header_model.structs else [])),
        "guard": identifier(f"{base}_table_h_".upper()),
        "structs_guard": identifier(f"{base}_structs_h_".upper()),
        "structs_comment": comment("", (
            f"The converters of the KILN_STRUCTs of {header} (KILN_STRUCT_CONVERTER, "
            "core/convert.h): what its op bindings convert them with, and what typed calls "
            "(core/call.h) use. Include this header to convert them anywhere else."
            if header_model.structs else f"{header} declares no KILN_STRUCT.")),
        "table": table,
        "ops": ops,
        "structs": [_struct_view(s, header) for s in header_model.structs],
        "ops_array": f"{prefix}Ops",
        "descriptors": descriptors,
        "refs_array": f"{prefix}ExternalReferences",
        "refs": [f"reinterpret_cast<intptr_t>({r})," for r in refs],
        "glue_array": f"{prefix}JsGlue",
        "glue_file": output_names(header)["js"],
        "glue_open": f'R"{_GLUE_DELIMITER}(',
        "glue_lines": js_glue.splitlines(),
        "glue_close": f'){_GLUE_DELIMITER}";',
        "table_init": wrap_call("", f"const kiln::OpTable {table} = ", [
            f'"{header}"', ops_array, str(len(ops)), f"{prefix}ExternalReferences",
            f"{prefix}JsGlue"], ";", "{}"),
        "ts_structs": [_ts_struct(s) for s in header_model.structs],
        "ts_ops": [_ts_op(v.op) for v in ops],
    }
    return {
        "bindings": env.get_template("bindings.cc.j2").render(values),
        "table": env.get_template("table.h.j2").render(values),
        "structs": env.get_template("structs.h.j2").render(values),
        "dts": env.get_template("ops.d.ts.j2").render(values),
        "js": js_glue,
    }


def output_names(header: str) -> Dict[str, str]:
    stem = stem_of(header)
    return {"bindings": f"{stem}_bindings.cc", "table": f"{stem}_table.h",
            "structs": f"{stem}_structs.h", "dts": f"{stem}.d.ts", "js": f"{stem}_glue.js"}


def main(argv: Optional[List[str]] = None) -> int:
    flags = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    flags.add_argument("--header", required=True,
                       help="the op header's path from the repository root")
    flags.add_argument("--input", help="file to read (default: --header)")
    flags.add_argument("--out-dir", help="write <stem>_bindings.cc, <stem>_table.h, "
                       "<stem>_structs.h, <stem>.d.ts and <stem>_glue.js here")
    flags.add_argument("--out-cc", help="the bindings .cc")
    flags.add_argument("--out-h", help="the table header")
    flags.add_argument("--out-structs", help="the header of the KILN_STRUCT converters")
    flags.add_argument("--out-dts", help="the TypeScript declarations")
    flags.add_argument("--out-js", help="the JS glue (also embedded in the bindings)")
    args = flags.parse_args(argv)
    paths = {"bindings": args.out_cc, "table": args.out_h, "structs": args.out_structs,
             "dts": args.out_dts, "js": args.out_js}
    if args.out_dir:
        for key, name in output_names(args.header).items():
            paths[key] = paths[key] or os.path.join(args.out_dir, name)
    if not all(paths.values()):
        flags.error("give --out-dir, or all of --out-cc, --out-h, --out-structs, --out-dts "
                    "and --out-js")
    try:
        with open(args.input or args.header, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        print(f"{args.header}: cannot read: {e}", file=sys.stderr)
        return 1
    try:
        outputs = generate(args.header, text)
    except GenError as e:
        print(e, file=sys.stderr)
        return 1
    for key, path in paths.items():
        directory = os.path.dirname(path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(outputs[key])
    return 0


if __name__ == "__main__":
    sys.exit(main())
