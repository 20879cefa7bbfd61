"""Unit tests of the tokenizer, the parser and the type model (the golden tests in
golden_test.py cover whole headers)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gen  # noqa: E402
import model  # noqa: E402
import parser  # noqa: E402


def build(text: str) -> model.HeaderModel:
    return model.build(parser.parse(text))


def op(text: str) -> model.OpModel:
    return build(text).ops[0]


def error(text: str) -> str:
    try:
        build(text)
    except parser.DslError as e:
        return f"{e.line}: {e.message}"
    raise AssertionError("no error for: " + text)


class TokenizerTest(unittest.TestCase):
    def texts(self, source):
        return [t.text for t in parser.tokenize(source)]

    def test_skips_comments_literals_and_directives(self):
        source = ('#define A(x) \\\n  KILN_OP() int x;\n'
                  '// KILN_OP\n/* KILN_OP\n */ "KILN_OP(" \'K\' R"d(KILN_OP)d" u8"x" 1\'000 x')
        tokens = parser.tokenize(source)
        self.assertEqual([t.kind for t in tokens],
                         ["string", "char", "string", "string", "number", "ident"])
        self.assertEqual(tokens[-1].line, 5)

    def test_angle_brackets_close_one_at_a_time(self):
        self.assertEqual(self.texts("a<b<c>> d::e && f"),
                         ["a", "<", "b", "<", "c", ">", ">", "d", "::", "e", "&&", "f"])

    def test_hash_only_starts_a_directive_at_line_start(self):
        self.assertEqual(self.texts("  #include <x>\nx # y"), ["x", "#", "y"])

    def test_crlf_line_endings(self):
        tokens = parser.tokenize("#define X \\\r\n  y\r\nz")
        self.assertEqual([(t.text, t.line) for t in tokens], [("z", 3)])

    def test_unterminated_comment(self):
        with self.assertRaises(parser.DslError) as e:
            parser.tokenize("x\n/* never closed")
        self.assertEqual(e.exception.line, 2)


class ParserTest(unittest.TestCase):
    def test_multi_line_declaration_with_comments(self):
        header = parser.parse(
            "namespace a::b {\nnamespace c {\n"
            "KILN_OP(fast)\n  int32_t  // result\n  op_x(/* first */ int32_t a,\n"
            "       const std::vector<std::optional<int64_t>>& b);\n}\n}\n")
        decl = header.ops[0]
        self.assertEqual(decl.name, "op_x")
        self.assertEqual(decl.namespace, ["a", "b", "c"])
        self.assertEqual(decl.flags, ["fast"])
        self.assertEqual(decl.line, 3)
        self.assertEqual([p.name for p in decl.params], ["a", "b"])
        self.assertEqual([p.line for p in decl.params], [5, 6])
        self.assertEqual(decl.params[1].type.spelling(),
                         "const std::vector<std::optional<int64_t>>&")

    def test_namespace_scopes(self):
        header = parser.parse(
            "namespace a { class C { void f() { if (x) { } } }; }\n"
            "namespace b = a;\nusing namespace std;\n"
            "KILN_OP() void op_global();\n"
            "namespace a { inline namespace v2 { KILN_OP() void op_v2(); } }\n"
            'extern "C" { KILN_OP() void op_c(); }\n')
        self.assertEqual([(o.name, o.namespace) for o in header.ops],
                         [("op_global", []), ("op_v2", ["a", "v2"]), ("op_c", [])])

    def test_void_parameter_list(self):
        self.assertEqual(parser.parse("KILN_OP() void op_x(void);").ops[0].params, [])

    def test_struct_with_initializers(self):
        struct = parser.parse(
            "KILN_STRUCT() struct S {\n int32_t a = 1;\n std::vector<int32_t> b{1, 2};\n"
            " std::optional<bool> c = std::nullopt;\n};").structs[0]
        self.assertEqual([(f.name, f.type.spelling(), f.line) for f in struct.fields],
                         [("a", "int32_t", 2), ("b", "std::vector<int32_t>", 3),
                          ("c", "std::optional<bool>", 4)])

    def test_builtin_words_form_one_type(self):
        decl = parser.parse("KILN_OP() unsigned long long op_x(long double y);").ops[0]
        self.assertEqual(decl.result.name, "unsigned long long")
        self.assertEqual(decl.params[0].type.name, "long double")

    def test_syntax_errors(self):
        cases = {
            "KILN_OP() int32_t op_x(int32_t a int32_t b);":
                "1: op_x: expected ',' or ')' after parameter a, found 'int32_t'",
            "KILN_OP() int32_t op_x(int32_t);": "1: op_x: parameter 1 (int32_t) has no name",
            "KILN_OP() int32_t (int32_t a);":
                "1: KILN_OP declaration: expected the op's name after the result type "
                "int32_t, found '('",
            "KILN_OP() int32_t op_x(int32_t a)": "1: unexpected end of file in op_x",
            "KILN_OP() int32_t ns::op_x();":
                "1: ns::op_x: a KILN_OP declares an op with a plain name; put it inside a "
                "namespace block instead of qualifying it",
            "KILN_OP(fast nofast) void op_x();":
                "1: KILN_OP declaration: expected ',' or ')' after flag fast, found 'nofast'",
            "KILN_OP() void op_x(int32_t a,);": "1: op_x: expected a parameter after ','",
            "KILN_OP() void op_x(int32_t a[]);":
                "1: op_x: parameter 1 (a): array parameters are not supported; use "
                "std::vector",
            "KILN_OP() std::array<int32_t, 3> op_x();":
                "1: KILN_OP declaration: expected a type, found '3'",
            "KILN_STRUCT() class C { int32_t a; };":
                "1: KILN_STRUCT declaration: expected 'struct', found 'class'",
            "KILN_STRUCT() struct S;": "1: S: a KILN_STRUCT needs its definition "
                                       "(struct Name { ... };)",
            "KILN_STRUCT() struct S : Base { };":
                "1: S: expected '{' after struct S, found ':' (base classes and attributes "
                "are not supported)",
            "KILN_STRUCT() struct S {\n int32_t a, b;\n};":
                "2: S.a: declare one field per declaration",
            "KILN_STRUCT() struct S {\n S() = default;\n};":
                "2: S: a KILN_STRUCT holds data members only (`type name;`), found 'S'",
            "KILN_STRUCT() struct S {\n static int32_t a;\n};":
                "2: S: a KILN_STRUCT holds data members only (`type name;`), found 'static'",
            "KILN_STRUCT() struct S {\n int32_t a;\n}": "3: unexpected end of file in S",
            "void f() {\n KILN_OP() void op_x();\n}":
                "2: KILN_OP is only allowed at namespace scope (not inside a class, function "
                "or other braces)",
        }
        for text, expected in cases.items():
            self.assertEqual(error(text), expected, text)


class ModelTest(unittest.TestCase):
    def test_spellings_resolve_to_one_kind(self):
        spellings = {
            "int32_t": "int32", "std::int32_t": "int32", "::int32_t": "int32",
            "uint64_t": "uint64", "std::string": "string", "::std::string": "string",
            "ByteView": "byte_view", "kiln::ByteView": "byte_view",
            "::kiln::SharedBytes": "shared_bytes", "ResourceId": "resource_id",
            "v8::Local<v8::Value>": "value", "std::string_view": "string_view",
        }
        for spelling, kind in spellings.items():
            self.assertEqual(op(f"KILN_OP() void op_x({spelling} a);").params[0].type.kind,
                             kind, spelling)

    def test_injected_parameters_are_not_javascript_arguments(self):
        o = op("KILN_OP() void op_x(kiln::OpState& s, int32_t a, v8::Isolate* i, "
               "OpState& t, bool b);")
        self.assertEqual([p.js_index for p in o.params], [None, 0, None, None, 1])
        self.assertEqual(o.arity, 2)

    def test_const_reference_parameters(self):
        o = op("KILN_OP() void op_x(const std::string& a, const std::vector<int32_t>& b, "
               "const int32_t c);")
        self.assertEqual([p.type.cpp() for p in o.params],
                         ["std::string", "std::vector<int32_t>", "int32_t"])

    def test_struct_lookup_follows_cpp_scopes(self):
        h = build("namespace a { KILN_STRUCT() struct S { int32_t x; };\n"
                  "namespace b { KILN_STRUCT() struct T { S s; };\n"
                  "KILN_OP() S op_x(T t, a::S s2, ::a::b::T t2); } }")
        o = h.ops[0]
        self.assertEqual(o.result.cpp(), "::a::S")
        self.assertEqual([p.type.cpp() for p in o.params], ["::a::b::T", "::a::S", "::a::b::T"])
        self.assertEqual(h.structs[1].fields[0].type.display(), "a::S")

    def test_kiln_namespace_is_not_rooted(self):
        o = op("namespace kiln::fs { KILN_STRUCT() struct St { int32_t a; };\n"
               "KILN_OP() St op_x(); }")
        self.assertEqual(o.callee, "kiln::fs::op_x")
        self.assertEqual(o.result.cpp(), "kiln::fs::St")

    def test_struct_order_puts_used_structs_first(self):
        # B is declared after A, so A cannot name it: an error, as in C++.
        self.assertEqual(error("KILN_STRUCT() struct A { std::vector<B> b; };\n"
                               "KILN_STRUCT() struct B { int32_t x; };"),
                         "1: A.b: unsupported type B (not a supported type or a KILN_STRUCT "
                         "declared in this header)")
        h = build("KILN_STRUCT() struct B { int32_t x; };\n"
                  "KILN_STRUCT() struct A { std::vector<B> b; std::optional<A> self_ref; };\n"
                  "KILN_STRUCT() struct C { std::optional<A> a; B b; };")
        self.assertEqual([s.name for s in h.structs], ["B", "A", "C"])

    def test_conversion_order_puts_buffers_last(self):
        o = op("KILN_OP() void op_x(kiln::ByteView a, int32_t b, std::optional<SharedBytes> c, "
               "std::vector<kiln::SharedBytes> d, std::string e);")
        self.assertEqual([p.type.bytes for p in o.params], [True, False, True, True, False])
        view = gen._OpView(o, "x.h")
        converts = [line.strip() for line in view.slow_lines if "Convert(" in line]
        self.assertEqual([c.split('"')[1] for c in converts], ["b", "e", "a", "c", "d"])

    def test_fast_eligibility_table(self):
        eligible_params = ["bool", "int32_t", "uint32_t", "int64_t", "uint64_t", "double",
                           "float", "kiln::ResourceId", "v8::Local<v8::Value>"]
        for t in eligible_params:
            self.assertTrue(op(f"KILN_OP() void op_x({t} a);").fast, t)
        ineligible_params = ["std::string", "std::string_view", "kiln::ByteView",
                             "kiln::SharedBytes", "std::optional<int32_t>",
                             "std::vector<int32_t>"]
        for t in ineligible_params:
            o = op(f"KILN_OP() void op_x({t} a);")
            self.assertFalse(o.fast, t)
            self.assertEqual(o.fast_blocker[1], f"parameter 1 (a) has type {t}")
        results = {
            "void": "void", "bool": "bool", "int32_t": "int32_t", "uint32_t": "uint32_t",
            "float": "float", "double": "double", "absl::Status": "void",
            "absl::StatusOr<bool>": "bool", "absl::StatusOr<int32_t>": "int32_t",
            "absl::StatusOr<uint32_t>": "uint32_t", "absl::StatusOr<float>": "float",
            "absl::StatusOr<double>": "double",
        }
        for t, c in results.items():
            o = op(f"KILN_OP() {t} op_x();")
            self.assertTrue(o.fast, t)
            self.assertEqual(model.fast_result_type(o.result), c, t)
        for t in ["int64_t", "uint64_t", "std::string", "kiln::ResourceId", "kiln::ByteBuffer",
                  "v8::Local<v8::Value>", "std::optional<int32_t>", "absl::StatusOr<int64_t>"]:
            o = op(f"KILN_OP() {t} op_x();")
            self.assertFalse(o.fast, t)
            self.assertEqual(o.fast_blocker[1], f"its result has type {t}")
        injected = op("KILN_OP() void op_x(kiln::OpState& s, v8::Isolate* i);")
        self.assertTrue(injected.fast)
        self.assertFalse(op("KILN_OP(nofast) int32_t op_x(int32_t a);").fast)

    def test_fast_signature_widens_only_range_checked_types(self):
        # int32_t / uint32_t / bool take V8's own conversion (ToInt32, ToUint32, ToBoolean);
        # the range-checked types arrive as int64_t and are narrowed by FastConvert.
        o = op("KILN_OP(fast) uint32_t op_x(int32_t a, bool b, double c, float d, "
               "v8::Local<v8::Value> e, kiln::ResourceId f, uint64_t g, int64_t h, "
               "uint32_t i, kiln::EnforceRange<int32_t> j);")
        lines = gen._OpView(o, "x.h").fast_lines
        signature = " ".join(lines[:4])
        for piece in ["int32_t a,", "bool b,", "double c", "float d", "v8::Local<v8::Value> e",
                      "int64_t f_in", "int64_t g_in", "int64_t h,", "uint32_t i,",
                      "int64_t j_in)"]:
            self.assertIn(piece, signature)
        self.assertNotIn("options", signature)
        self.assertTrue(o.fast_may_fail)
        body = "\n".join(lines)
        self.assertIn("  kiln::EnforceRange<int32_t> j;\n"
                      "  if (!kiln::FastConvert(j_in, &j)) return "
                      "kiln::FastArgumentRejected<uint32_t>();", body)
        self.assertNotIn("FastConvert(a", body)
        self.assertNotIn("FastConvert(b", body)
        self.assertNotIn("FastConvert(i", body)

    def test_enforce_range(self):
        o = op("KILN_OP() void op_x(kiln::EnforceRange<uint32_t> a, EnforceRange<std::int32_t> b);")
        self.assertEqual([p.type.kind for p in o.params], ["enforce_uint32", "enforce_int32"])
        self.assertEqual(o.params[0].type.cpp(), "kiln::EnforceRange<uint32_t>")
        self.assertEqual(o.params[0].type.ts(out=False), "number")
        self.assertTrue(o.fast and o.fast_may_fail)
        s = build("KILN_STRUCT() struct S { kiln::EnforceRange<int32_t> a; };").structs
        self.assertEqual(s[0].fields[0].type.kind, "enforce_int32")
        for declaration, message in [
                ("void op_x(kiln::EnforceRange<int64_t> a)",
                 "x.h:1: op_x: parameter 1 (a): unsupported type kiln::EnforceRange<int64_t>; "
                 "kiln::EnforceRange takes int32_t or uint32_t"),
                ("kiln::EnforceRange<int32_t> op_x()",
                 "x.h:1: op_x: result: kiln::EnforceRange<int32_t> cannot be returned; "
                 "return int32_t")]:
            with self.assertRaises(gen.GenError) as e:
                gen.generate("x.h", f"KILN_OP() {declaration};")
            self.assertEqual(str(e.exception), message)

    def test_fast_may_fail_and_options(self):
        cases = {
            # (declaration, fast_may_fail, fast_needs_options)
            "double op_x(double a, int64_t b, v8::Local<v8::Value> c)": (False, False),
            "void op_x(float a)": (False, False),
            "int32_t op_x(int32_t a)": (False, False),
            "uint32_t op_x(uint32_t a, bool b)": (False, False),
            "bool op_x(bool a)": (False, False),
            "int32_t op_x(kiln::EnforceRange<int32_t> a)": (True, False),
            "void op_x(kiln::ResourceId a)": (True, False),
            "void op_x(uint64_t a)": (True, False),
            "absl::Status op_x(double a)": (True, False),
            "absl::StatusOr<double> op_x(double a)": (True, False),
            "double op_x(kiln::OpState& state, double a)": (False, True),
            "double op_x(v8::Isolate* isolate)": (False, True),
            "int32_t op_x(std::string a)": (False, False),  # no fast path at all
        }
        for declaration, (may_fail, options) in cases.items():
            o = op(f"KILN_OP() {declaration};")
            self.assertEqual(o.fast_may_fail, may_fail, declaration)
            self.assertEqual(o.fast_needs_options, options, declaration)

    def test_typescript_types(self):
        cases = {
            "bool": ("boolean", "boolean"), "int32_t": ("number", "number"),
            "int64_t": ("number | bigint", "number | bigint"),
            "uint64_t": ("number | bigint", "number | bigint"),
            "std::string": ("string", "string"), "kiln::ResourceId": ("number", "number"),
            "v8::Local<v8::Value>": ("unknown", "unknown"),
            "std::vector<int64_t>": ("(number | bigint)[]", "(number | bigint)[]"),
            "std::vector<std::vector<bool>>": ("boolean[][]", "boolean[][]"),
            "std::optional<std::string>": ("string | null", "string | null"),
        }
        for t, (ts_in, ts_out) in cases.items():
            o = op(f"KILN_OP() {t} op_x({t} a);")
            self.assertEqual(o.params[0].type.ts(out=False), ts_in, t)
            self.assertEqual(o.result.ts(out=True), ts_out, t)
        self.assertEqual(op("KILN_OP() void op_x(kiln::ByteView a);").params[0].type.ts(False),
                         "ArrayBuffer | ArrayBufferView")
        self.assertEqual(op("KILN_OP() kiln::ByteBuffer op_x();").result.ts(True), "Uint8Array")
        self.assertEqual(op("KILN_OP() absl::Status op_x();").result.ts(True), "void")
        self.assertEqual(op("KILN_OP() absl::StatusOr<int64_t> op_x();").result.ts(True),
                         "number | bigint")

    def test_typescript_optional_parameters(self):
        o = op("KILN_OP() void op_x(std::optional<int32_t> a, int32_t b, "
               "std::optional<bool> c, std::optional<std::string> d);")
        # Longer than 100 columns (with the template's indent): one parameter per line.
        self.assertEqual(gen._ts_op(o), [
            "export function op_x(", "  a: number | undefined | null,", "  b: number,",
            "  c?: boolean | null,", "  d?: string | null,", "): void;"])
        o = op("KILN_OP() void op_x(std::optional<int32_t> a, int32_t b, "
               "std::optional<bool> c);")
        self.assertEqual(gen._ts_op(o), [
            "export function op_x(a: number | undefined | null, b: number, c?: boolean | null): "
            "void;"])

    def test_type_errors(self):
        cases = {
            "KILN_OP() void op_x(int a);":
                "1: op_x: parameter 1 (a): unsupported type int; use int32_t",
            "KILN_OP() size_t op_x();":
                "1: op_x: result: unsupported type size_t; use uint32_t or uint64_t",
            "KILN_OP() void op_x(const char* s);":
                "1: op_x: parameter 1 (s): unsupported type const char*; use std::string or "
                "std::string_view",
            "KILN_OP() void op_x(std::vector<uint8_t> b);":
                "1: op_x: parameter 1 (b): unsupported type std::vector<uint8_t>; use "
                "kiln::SharedBytes / kiln::ByteView (parameters) or kiln::ByteBuffer (results) "
                "for bytes",
            "KILN_OP() void op_x(v8::Local<v8::Object> o);":
                "1: op_x: parameter 1 (o): unsupported type v8::Local<v8::Object>; use "
                "v8::Local<v8::Value>",
            "KILN_OP() void op_x(std::optional<int32_t, int32_t> o);":
                "1: op_x: parameter 1 (o): unsupported type std::optional<int32_t, int32_t>; "
                "std::optional takes exactly one template argument",
            "KILN_OP() void op_x(std::vector<const std::string&> o);":
                "1: op_x: parameter 1 (o): unsupported type std::vector<const std::string&>; "
                "template arguments are plain types (found const std::string&)",
            "KILN_OP() const std::string& op_x();":
                "1: op_x: result: ops return by value (found const std::string&)",
            "KILN_OP() kiln::SharedBytes op_x();":
                "1: op_x: result: kiln::SharedBytes cannot be returned; return kiln::ByteBuffer",
            "KILN_OP() std::vector<std::string_view> op_x();":
                "1: op_x: result: std::string_view is borrowed and cannot be inside "
                "std::vector; use std::string",
            "KILN_OP() std::optional<v8::Local<v8::Value>> op_x();":
                "1: op_x: result: v8::Local<v8::Value> is borrowed and cannot be inside "
                "std::optional; use an owned type (std::string, a number, a KILN_STRUCT)",
            "KILN_OP() void op_x(std::optional<std::string_view> s);":
                "1: op_x: parameter 1 (s): std::string_view is borrowed and cannot be inside "
                "std::optional; use std::string",
            "KILN_OP() void op_x(absl::Status s);":
                "1: op_x: parameter 1 (s): absl::Status cannot be a parameter",
            "KILN_OP() void op_x(void v);":
                "1: op_x: parameter 1 (v): void cannot be a parameter",
            "KILN_OP() void op_x(int32_t a, bool a);":
                "1: op_x: parameter 2 (a): duplicate parameter name",
            "KILN_OP() void op_x(const kiln::OpState& s);":
                "1: op_x: parameter 1 (s): take the op state as kiln::OpState& (found const "
                "kiln::OpState&)",
            "KILN_OP() void op_x(v8::Isolate& i);":
                "1: op_x: parameter 1 (i): take the isolate as v8::Isolate* (found "
                "v8::Isolate&)",
            "KILN_OP() void op_x(std::string&& s);":
                "1: op_x: parameter 1 (s): unsupported type std::string&&; take std::string or "
                "const std::string&",
            "KILN_OP() void op_x(int32_t* p);":
                "1: op_x: parameter 1 (p): unsupported type int32_t*; pointers are not "
                "supported",
            "KILN_OP() absl::StatusOr<absl::Status> op_x();":
                "1: op_x: result: absl::StatusOr<absl::Status> is not supported",
            "KILN_OP() void op_x(kiln::Future<int32_t> f);":
                "1: op_x: parameter 1 (f): kiln::Future<int32_t> is only allowed as an op's "
                "result",
            "KILN_OP(fast, fast) void op_x();": "1: op_x: a KILN_OP flag is repeated",
            "KILN_STRUCT() struct S {\n  const int32_t a;\n};":
                "2: S.a: struct fields are plain values (found const int32_t)",
            "KILN_STRUCT() struct S {\n  int32_t a;\n  bool a;\n};": "3: S.a: duplicate field",
            "KILN_STRUCT() struct S {\n  S inner;\n};":
                "2: S.inner: a struct cannot contain itself",
            "KILN_STRUCT() struct S {\n" + "".join(f"  int32_t f{i};\n" for i in range(65)) +
            "};": "66: S.f64: a KILN_STRUCT has at most 64 fields (what KILN_STRUCT_CONVERTER, "
                  "core/convert.h, takes); group some into a nested KILN_STRUCT",
            "KILN_STRUCT() struct S {\n  kiln::ByteView b;\n};":
                "2: S.b: kiln::ByteView is borrowed and cannot be a struct field; use "
                "kiln::SharedBytes",
            "namespace a { KILN_STRUCT() struct S { int32_t x; }; }\n"
            "namespace b { KILN_STRUCT() struct S { int32_t y; }; }":
                "2: duplicate KILN_STRUCT S (first declared on line 1; TypeScript interfaces "
                "are named by the struct's unqualified name)",
        }
        for text, expected in cases.items():
            self.assertEqual(error(text), expected, text)

    def test_async_ops(self):
        o = op("KILN_OP() kiln::Future<int32_t> op_x(kiln::OpState& state, int32_t a);")
        self.assertTrue(o.is_async)
        # Numbers, bool and void resolve through a fast path, which can always fail.
        self.assertTrue(o.fast)
        self.assertTrue(o.fast_may_fail)
        self.assertEqual(o.result.ts(out=True), "Promise<number>")
        self.assertTrue(op("KILN_OP() kiln::Future<void> op_x(double a);").fast)
        self.assertFalse(op("KILN_OP(nofast) kiln::Future<void> op_x(double a);").fast)
        o = op("KILN_OP() kiln::Future<std::string> op_x(int32_t a);")
        self.assertFalse(o.fast)
        self.assertEqual(o.fast_blocker, (1, "it resolves to std::string"))
        self.assertEqual(error("KILN_OP(fast) kiln::Future<std::string> op_x(int32_t a);"),
                         "1: op_x is marked fast but it resolves to std::string, which has no "
                         "fast path on V8 10.2")
        self.assertEqual(error("KILN_OP(fast) kiln::Future<void> op_x(std::string a);"),
                         "1: op_x is marked fast but parameter 1 (a) has type std::string, which "
                         "has no fast path on V8 10.2")
        self.assertEqual(error("KILN_OP() kiln::Future<absl::Status> op_x();"),
                         "1: op_x: result: kiln::Future<absl::Status> is not supported; use "
                         "kiln::Future<T> (a Future carries its error)")
        # A borrowed parameter is reported first, with the async-specific advice.
        self.assertEqual(
            error("KILN_OP() Future<int32_t> op_x(int32_t a,\n kiln::ByteView data);"),
            "2: op_x: parameter 2 (data): kiln::ByteView is borrowed and invalid after an "
            "async op returns; use kiln::SharedBytes")
        self.assertEqual(
            error("KILN_OP() Future<void> op_x(v8::Local<v8::Value> v);"),
            "1: op_x: parameter 1 (v): v8::Local<v8::Value> is borrowed and invalid after an "
            "async op returns; use an owned type (std::string, a number, a KILN_STRUCT)")

    def test_first_error_in_file_order(self):
        self.assertEqual(error("KILN_OP(bogus) int op_x(int a);"),
                         "1: op_x: unknown KILN_OP flag 'bogus'; expected fast or nofast")
        self.assertEqual(error("KILN_OP(fast) std::string op_x(std::string a);"),
                         "1: op_x is marked fast but its result has type std::string, which "
                         "has no fast path on V8 10.2")


class FormattingTest(unittest.TestCase):
    def test_wrap_call(self):
        self.assertEqual(gen.wrap_call("  ", "f", ["a", "b"], ";"), ["  f(a, b);"])
        args = [f"argument_{i:02d}" for i in range(8)]
        self.assertEqual(gen.wrap_call("", "int32_t Function", args, " {", call=False), [
            "int32_t Function(argument_00, argument_01, argument_02, argument_03, argument_04, "
            "argument_05,",
            "                 argument_06, argument_07) {"])
        long_head = "call.Return(::namespace_name::" + "x" * 50
        self.assertEqual(gen.wrap_call("  ", long_head, args, ");"), [
            "  " + long_head + "(",
            "      argument_00, argument_01, argument_02, argument_03, argument_04, "
            "argument_05, argument_06,",
            "      argument_07));"])

    def test_if_return(self):
        self.assertEqual(gen.if_return("  ", "!f", ["a"], "return;"), ["  if (!f(a)) return;"])
        lines = gen.if_return("  ", "!kiln::FastConvert", ["x" * 25 + "_in", "&" + "x" * 25],
                              "return call.Fallback<uint32_t>();")
        self.assertEqual(lines, ["  if (!kiln::FastConvert(" + "x" * 25 + "_in, &" + "x" * 25 +
                                 "))", "    return call.Fallback<uint32_t>();"])
        lines = gen.if_return("  ", "!kiln::FastConvert", ["x" * 40 + "_in", "&" + "x" * 40],
                              "return call.Fallback<uint32_t>();")
        self.assertEqual(lines, ["  if (!kiln::FastConvert(" + "x" * 40 + "_in,",
                                 " " * 25 + "&" + "x" * 40 + "))",
                                 "    return call.Fallback<uint32_t>();"])

    def test_names(self):
        self.assertEqual(gen.camel("timers_ops"), "TimersOps")
        self.assertEqual(gen.identifier("9-lives"), "_9_lives")
        self.assertEqual(gen.identifier("default"), "default_")
        self.assertEqual(gen.output_names("ext/fs/fs_ops.h"), {
            "bindings": "fs_ops_bindings.cc", "table": "fs_ops_table.h",
            "structs": "fs_ops_structs.h", "dts": "fs_ops.d.ts", "js": "fs_ops_glue.js"})

    def test_struct_converter_is_one_macro_call(self):
        h = build("namespace a::b {\nKILN_STRUCT() struct Empty {};\n"
                  "KILN_STRUCT() struct Wide {\n" +
                  "".join(f"  int32_t field_number_{i};\n" for i in range(12)) + "};\n}")
        empty, wide = (gen._struct_view(s, "x/y.h") for s in h.structs)
        self.assertEqual(empty["comment"], ["// KILN_STRUCT a::b::Empty (x/y.h:2)"])
        self.assertEqual(empty["lines"], ["KILN_STRUCT_CONVERTER(::a::b::Empty)"])
        # Wrapped as clang-format wraps a declaration: aligned after the parenthesis.
        self.assertEqual(wide["lines"], [
            "KILN_STRUCT_CONVERTER(::a::b::Wide, field_number_0, field_number_1, field_number_2, "
            "field_number_3,",
            "                      field_number_4, field_number_5, field_number_6, field_number_7,",
            "                      field_number_8, field_number_9, field_number_10, "
            "field_number_11)"])

    def test_structs_header_only_when_needed_in_bindings(self):
        with_structs = gen.generate("x/y.h", "KILN_STRUCT() struct S { int32_t a; };\n"
                                    "KILN_OP() S op_s(S s);")
        self.assertIn('#include "x/y_structs.h"', with_structs["bindings"])
        self.assertNotIn("KILN_STRUCT_CONVERTER", with_structs["bindings"])
        self.assertIn("KILN_STRUCT_CONVERTER(::S, a)", with_structs["structs"])
        without = gen.generate("x/y.h", "KILN_OP() void op_v();")
        self.assertNotIn("_structs.h", without["bindings"])
        self.assertIn("// x/y.h declares no KILN_STRUCT.", without["structs"])
        self.assertNotIn("#include", without["structs"])


# Every ECMAScript reserved word (strict mode and modules included) and the names a
# parameter cannot have in strict code.
_JS_RESERVED_WORDS = frozenset("""
    await break case catch class const continue debugger default delete do else enum export
    extends false finally for function if implements import in instanceof interface let new
    null package private protected public return static super switch this throw true try
    typeof var void while with yield arguments eval
""".split())


def glue_of(text: str) -> str:
    return gen.glue("x.h", build(text).ops)


def member(glue: str, name: str) -> str:
    """The lines of op `name`'s entry in the glue's returned object."""
    lines = glue.splitlines()
    start = next(i for i, line in enumerate(lines)
                 if line.startswith(f"    {name}(") or line.startswith(f"    {name}:"))
    if lines[start].endswith(","):
        return lines[start] + "\n"
    end = lines.index("    },", start)
    return "\n".join(lines[start:end + 1]) + "\n"


class GlueTest(unittest.TestCase):
    """The JS glue (README.md, "JS glue"); golden_test.py runs the goldens' glue in node."""

    def test_async_op_with_fast_path_falls_back_to_the_slow_only_copy(self):
        glue = glue_of("KILN_OP() kiln::Future<int32_t> op_x(kiln::OpState& state, int32_t a);")
        self.assertIn("  const native$op_x = native.op_x;\n"
                      "  const slowOnly$op_x = slowOnly.op_x;\n", glue)
        self.assertEqual(member(glue, "op_x"), """\
    op_x(a) {
      const id = async.nextId;
      let result;
      try {
        result = native$op_x(id, a);
      } catch (error) {
        return async.reject(error);
      }
      if (signal[0] === 0) return async.resolve(result);
      if (signal[0] === 1) {
        try {
          result = slowOnly$op_x(id, a);
        } catch (error) {
          return async.reject(error);
        }
        if (signal[0] === 0) return async.resolve(result);
      }
      signal[0] = 0;
      return async.track(id);
    },
""")

    def test_async_op_without_fast_path_has_no_fallback(self):
        for declaration in ["kiln::Future<std::string> op_x(kiln::OpState& state, int32_t a)",
                            "kiln::Future<int32_t> op_x(kiln::OpState& state, std::string a)"]:
            glue = glue_of(f"KILN_OP() {declaration};")
            self.assertNotIn("slowOnly.op_x", glue, declaration)
            self.assertNotIn("signal[0] === 1", glue, declaration)
            self.assertIn("        result = native$op_x(id, a);\n", glue, declaration)
            self.assertIn("      signal[0] = 0;\n      return async.track(id);\n", glue)
        glue = glue_of("KILN_OP(nofast) kiln::Future<void> op_x(double a);")
        self.assertNotIn("signal[0] === 1", glue)

    def test_sync_op_whose_fast_call_can_fail_is_wrapped(self):
        for declaration in ["int32_t op_x(kiln::EnforceRange<int32_t> a, double b)",
                            "absl::Status op_x(double a, double b)",
                            "absl::StatusOr<bool> op_x(bool a, bool b)"]:
            o = op(f"KILN_OP() {declaration};")
            self.assertTrue(o.fast_may_fail, declaration)
            glue = gen.glue("x.h", [o])
            self.assertIn("  const native$op_x = native.op_x;\n"
                          "  const slowOnly$op_x = slowOnly.op_x;\n", glue)
            self.assertEqual(member(glue, "op_x"), """\
    op_x(a, b) {
      const result = native$op_x(a, b);
      if (signal[0] !== 0) return slowOnly$op_x(a, b);
      return result;
    },
""".replace("(a, b)", "({})".format(", ".join(p.name for p in o.js_params))), declaration)

    def test_other_ops_are_the_native_function(self):
        for declaration in ["double op_x(double a, int64_t b)",   # fast, cannot fail
                            "int32_t op_x(int32_t a, uint32_t b, bool c)",  # the same
                            "int32_t op_x(std::string a)",        # no fast path
                            "int64_t op_x(int32_t a)",            # no fast path
                            "void op_x(v8::Local<v8::Value> a)"]:
            glue = glue_of(f"KILN_OP() {declaration};")
            self.assertEqual(member(glue, "op_x"), "    op_x: native.op_x,\n", declaration)
            self.assertNotIn("const ", glue, declaration)
            self.assertNotIn("slowOnly.", glue, declaration)

    def test_glue_layout(self):
        glue = glue_of("KILN_OP() int32_t op_b(kiln::EnforceRange<int32_t> a);\n"
                       "KILN_OP() void op_a();")
        lines = glue.splitlines()
        self.assertEqual(lines[0], "// generated by codegen/gen.py from x.h; do not edit")
        self.assertEqual(lines[1], "(function (native, slowOnly, signal, async) {")
        self.assertEqual(lines[-1], "})")
        self.assertTrue(glue.endswith("})\n"))
        self.assertIn("  return {\n    __proto__: null,\n    op_b(a) {", glue)
        self.assertIn("    },\n    op_a: native.op_a,\n  };\n})\n", glue)
        self.assertEqual(glue_of("namespace x {}").splitlines()[-4:],
                         ["  return {", "    __proto__: null,", "  };", "})"])

    def test_parameter_names_are_valid_and_do_not_capture_glue_names(self):
        names = ["in", "in_", "function", "async", "result", "signal", "id", "error", "native",
                 "slowOnly", "eval", "arguments", "yield", "let", "await", "interface", "x"]
        params = ", ".join(f"kiln::ResourceId {n}" for n in names)
        o = op(f"KILN_OP() void op_x({params});")
        self.assertTrue(o.fast_may_fail)
        js = gen.js_param_names(o, gen._GLUE_NAMES)
        self.assertEqual(len(set(js)), len(js))
        for name in js:
            self.assertRegex(name, r"^[A-Za-z_][A-Za-z0-9_]*$")
            self.assertNotIn(name, _JS_RESERVED_WORDS)
            self.assertNotIn(name, gen._GLUE_NAMES)
        self.assertEqual(js[:3], ["in_", "in__", "function_"])
        self.assertEqual(js[-1], "x")
        glue = gen.glue("x.h", [o])
        self.assertIn("    op_x(\n" + "".join(f"      {n},\n" for n in js[:-1]) +
                      f"      {js[-1]}\n    ) {{\n", glue)
        # The .d.ts renames reserved words the same way (glue names are fine there).
        self.assertEqual(gen.js_param_names(o)[:5], ["in_", "in__", "function_", "async",
                                                     "result"])
        dts = "\n".join(gen._ts_op(o))
        self.assertIn("  in_: number,\n  in__: number,\n  function_: number,\n", dts)
        self.assertIn("  async: number,\n", dts)

    def test_long_lines_wrap(self):
        long = "a_rather_long_parameter_name_"
        o = op(f"KILN_OP() int32_t op_{'x' * 40}(int32_t {long}1, int32_t {long}2, "
               f"int32_t {long}3);")
        for line in gen.glue("x.h", [o]).splitlines():
            self.assertLessEqual(len(line), gen.COLUMNS, line)

    def test_raw_string_delimiter_in_the_glue_is_an_error(self):
        with self.assertRaises(gen.GenError) as e:
            gen.generate('a)kiln_js".h', "")
        self.assertEqual(str(e.exception), 'a)kiln_js".h: the JS glue contains )kiln_js", '
                         "which would end the C++ raw string literal that embeds it")
        outputs = gen.generate("a/b.h", "KILN_OP() int32_t op_x(int32_t a);")
        self.assertIn('    R"kiln_js(' + outputs["js"] + ')kiln_js";\n', outputs["bindings"])


class BindingsTest(unittest.TestCase):
    def test_slow_callback_names_its_op(self):
        v = gen._OpView(op("KILN_OP() void op_x(std::string a);"), "x.h")
        self.assertEqual(v.slow_lines[0], '  kiln::OpCall call(info, "op_x");')
        self.assertFalse(any("Count" in line for line in v.slow_lines))

    def test_counted_fast_function_forwards_to_the_fast_function(self):
        v = gen._OpView(op("KILN_OP() void op_x(kiln::OpState& state, uint64_t a);"), "x.h")
        self.assertFalse(any("Count" in line for line in v.fast_lines))
        self.assertEqual(v.counted_lines, [
            "void Op_op_x_FastCounted(v8::Local<v8::Object> receiver, int64_t a_in,",
            "                         v8::FastApiCallbackOptions& options) {",
            '  kiln::CountFastCall("op_x");',
            "  Op_op_x_Fast(receiver, a_in, options);",
            "}"])
        self.assertEqual(v.cfunction_counted_lines, [
            "const v8::CFunction kOp_op_x_CFunctionCounted = "
            "v8::CFunction::Make(Op_op_x_FastCounted);"])
        v = gen._OpView(op("KILN_OP() kiln::Future<double> op_x(double a);"), "x.h")
        self.assertEqual(v.counted_lines, [
            "double Op_op_x_FastCounted(v8::Local<v8::Object> receiver, int64_t promise_id, "
            "double a) {",
            '  kiln::CountFastCall("op_x");',
            "  return Op_op_x_Fast(receiver, promise_id, a);",
            "}"])
        self.assertEqual(gen._OpView(op("KILN_OP() void op_x(std::string a);"), "x.h")
                         .counted_lines, [])

    def test_descriptors_and_table(self):
        bindings = gen.generate("a/b.h", "KILN_OP() int32_t op_x(int32_t a);\n"
                                "KILN_OP() int32_t op_z(kiln::EnforceRange<int32_t> a);\n"
                                "KILN_OP() std::string op_y();")["bindings"]
        self.assertIn('    {"op_x", &Op_op_x_Slow, &kOp_op_x_CFunction, '
                      "&kOp_op_x_CFunctionCounted, 1, false, false},\n", bindings)
        self.assertIn('    {"op_z", &Op_op_z_Slow, &kOp_op_z_CFunction, '
                      "&kOp_op_z_CFunctionCounted, 1, true, false},\n", bindings)
        self.assertIn('    {"op_y", &Op_op_y_Slow, nullptr, nullptr, 0, false, false},\n',
                      bindings)
        self.assertIn('const kiln::OpTable b = {"a/b.h", kBOps, 3, kBExternalReferences, '
                      "kBJsGlue};", bindings)
        self.assertNotIn("Counted.Get", bindings)  # external references: uncounted only


if __name__ == "__main__":
    unittest.main(verbosity=2)
