"""Reads KILN_OP and KILN_STRUCT declarations out of a C++ op header.

The header is tokenized like C++ (comments, string and character literals, raw strings and
preprocessor lines are skipped), and only three things are looked at: `namespace` blocks
(to qualify names), braces (to know whether a declaration is at namespace scope) and the
KILN_OP / KILN_STRUCT declarations themselves. Everything else is ignored. The grammar is
in codegen/README.md; this module produces syntax only (TypeRef, OpDecl, StructDecl) and
the type model in model.py decides what the types mean.

Errors are DslError(line, message); gen.py prints them as `file:line: message`.
"""

import dataclasses
import re
from typing import List, Optional


class DslError(Exception):
    """A declaration the generator cannot accept, at a line of the header."""

    def __init__(self, line: int, message: str):
        super().__init__(f"{line}: {message}")
        self.line = line
        self.message = message


@dataclasses.dataclass
class Token:
    kind: str  # "ident", "number", "string", "char", "punct"
    text: str
    line: int


# --- tokenizer ---

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"\.?[0-9](?:[eEpP][+-]|'[0-9A-Za-z]|[0-9A-Za-z_.])*")
_RAW_PREFIX = re.compile(r'(?:u8|u|U|L)?R"([^ ()\\\t\v\f\n]{0,16})\(')
_PUNCT3 = ("...", "<=>", "->*", "<<=", ">>=")
_PUNCT2 = ("::", "->", "++", "--", "==", "!=", "<=", ">=", "&&", "||", "+=", "-=", "*=",
           "/=", "%=", "&=", "|=", "^=", "<<", ".*", "##")


def tokenize(text: str) -> List[Token]:
    """Splits C++ source into tokens; comments, literals' contents and preprocessor
    directives are consumed. `>>` and `>>=` are left as single `>` tokens so that nested
    template argument lists close one at a time."""
    text = text.replace("\r\n", "\n")
    tokens: List[Token] = []
    i = 0
    n = len(text)
    line = 1
    at_line_start = True  # only whitespace since the last newline

    def error(message):
        raise DslError(line, message)

    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
            at_line_start = True
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if c == "\\" and i + 1 < n and text[i + 1] == "\n":  # line splice
            line += 1
            i += 2
            continue
        if text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                error("unterminated /* comment")
            line += text.count("\n", i, end)
            i = end + 2
            continue
        if c == "#" and at_line_start:
            # A preprocessor directive: up to the end of the line, with line splices and
            # block comments (which may span lines) inside it.
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    line += 1
                    i += 2
                elif text.startswith("/*", i):
                    end = text.find("*/", i + 2)
                    if end < 0:
                        error("unterminated /* comment")
                    line += text.count("\n", i, end)
                    i = end + 2
                elif text.startswith("//", i):
                    end = text.find("\n", i)
                    i = n if end < 0 else end
                else:
                    i += 1
            continue
        at_line_start = False
        raw = _RAW_PREFIX.match(text, i)
        if raw:
            closing = ")" + raw.group(1) + '"'
            end = text.find(closing, raw.end())
            if end < 0:
                error("unterminated raw string literal")
            tokens.append(Token("string", text[i:end + len(closing)], line))
            line += text.count("\n", i, end)
            i = end + len(closing)
            continue
        ident = _IDENT.match(text, i)
        if ident:
            word = ident.group(0)
            after = ident.end()
            # String/char literal prefixes: u8"..", L'x', ...
            if word in ("u8", "u", "U", "L") and after < n and text[after] in "\"'":
                i = after
                c = text[i]
            else:
                tokens.append(Token("ident", word, line))
                i = after
                continue
        if c == '"' or c == "'":
            start_line = line
            j = i + 1
            while True:
                if j >= n or text[j] == "\n":
                    error("unterminated string literal" if c == '"' else
                          "unterminated character literal")
                if text[j] == "\\":
                    j += 2
                    continue
                if text[j] == c:
                    break
                j += 1
            tokens.append(Token("string" if c == '"' else "char", text[i:j + 1], start_line))
            i = j + 1
            continue
        number = _NUMBER.match(text, i)
        if number:
            tokens.append(Token("number", number.group(0), line))
            i = number.end()
            continue
        for punct in _PUNCT3 + _PUNCT2:
            if text.startswith(punct, i) and not punct.startswith(">"):
                tokens.append(Token("punct", punct, line))
                i += len(punct)
                break
        else:
            tokens.append(Token("punct", c, line))
            i += 1
    return tokens


# --- syntax ---

# Words that make up a fundamental type: `unsigned long long`, `double`, ...
BUILTIN_TYPE_WORDS = frozenset([
    "void", "bool", "char", "char8_t", "char16_t", "char32_t", "wchar_t", "short", "int",
    "long", "signed", "unsigned", "float", "double",
])


@dataclasses.dataclass
class TypeRef:
    """A type as written: `const std::vector<std::string>&`."""
    name: str                     # "std::vector", "unsigned int", "Endpoint" (no leading ::)
    args: Optional[List["TypeRef"]]  # template arguments, or None without <...>
    const: bool
    ref: str                      # "", "&", "&&", "*"
    line: int
    rooted: bool = False          # written with a leading `::`

    def base_spelling(self) -> str:
        """The type without const and reference: `std::vector<std::string>`."""
        text = ("::" if self.rooted else "") + self.name
        if self.args is not None:
            text += "<" + ", ".join(a.spelling() for a in self.args) + ">"
        return text

    def spelling(self) -> str:
        return ("const " if self.const else "") + self.base_spelling() + self.ref


@dataclasses.dataclass
class Param:
    type: TypeRef
    name: str
    position: int  # 1-based position in the C++ declaration
    line: int


@dataclasses.dataclass
class OpDecl:
    name: str
    namespace: List[str]
    flags: List[str]
    flag_line: int
    result: TypeRef
    params: List[Param]
    line: int        # the KILN_OP token
    name_line: int


@dataclasses.dataclass
class Field:
    type: TypeRef
    name: str
    line: int


@dataclasses.dataclass
class StructDecl:
    name: str
    namespace: List[str]
    fields: List[Field]
    line: int  # the KILN_STRUCT token


@dataclasses.dataclass
class Header:
    ops: List[OpDecl]
    structs: List[StructDecl]


# Tokens that start something other than a data member inside a KILN_STRUCT.
_NON_MEMBER_WORDS = frozenset([
    "public", "private", "protected", "static", "using", "typedef", "enum", "struct",
    "class", "union", "friend", "template", "virtual", "constexpr", "inline", "mutable",
    "explicit", "operator", "static_assert", "~", "KILN_OP", "KILN_STRUCT",
])


class _Parser:
    def __init__(self, tokens: List[Token]):
        self.tokens = tokens
        self.i = 0
        self.ops: List[OpDecl] = []
        self.structs: List[StructDecl] = []

    # -- token helpers --

    def peek(self, offset: int = 0) -> Optional[Token]:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def at(self, text: str, offset: int = 0) -> bool:
        t = self.peek(offset)
        return t is not None and t.text == text and t.kind in ("punct", "ident")

    def next(self, what: str) -> Token:
        t = self.peek()
        if t is None:
            last = self.tokens[-1].line if self.tokens else 1
            raise DslError(last, f"unexpected end of file in {what}")
        self.i += 1
        return t

    def expect(self, text: str, what: str) -> Token:
        t = self.next(what)
        if t.text != text:
            raise DslError(t.line, f"{what}: expected '{text}', found {describe(t)}")
        return t

    # -- top level --

    def parse(self) -> Header:
        # Scope stack: ("namespace", [names]) or ("anonymous",) or ("linkage",) or ("other",)
        scopes = []
        while self.peek() is not None:
            t = self.peek()
            if t.kind == "ident" and t.text == "namespace":
                self.i += 1
                names = []
                while self.peek() is not None and (self.peek().kind == "ident" or
                                                   self.at("::")):
                    if self.peek().kind == "ident" and self.peek().text != "inline":
                        names.append(self.peek().text)
                    self.i += 1
                if self.at("{"):
                    self.i += 1
                    scopes.append(("namespace", names) if names else ("anonymous",))
                # `namespace a = b;` and `using namespace a;` open nothing.
                continue
            if (t.kind == "ident" and t.text == "extern" and self.peek(1) is not None and
                    self.peek(1).kind == "string" and self.at("{", 2)):
                self.i += 3
                scopes.append(("linkage",))
                continue
            if t.kind == "ident" and t.text in ("KILN_OP", "KILN_STRUCT"):
                if any(s[0] == "other" for s in scopes):
                    raise DslError(t.line, f"{t.text} is only allowed at namespace scope "
                                   "(not inside a class, function or other braces)")
                namespace = [n for s in scopes if s[0] == "namespace" for n in s[1]]
                anonymous = any(s[0] == "anonymous" for s in scopes)
                if t.text == "KILN_OP":
                    op = self.parse_op(namespace)
                    if anonymous:
                        raise DslError(op.line, f"{op.name} is declared in an anonymous "
                                       "namespace; generated bindings cannot call it")
                    self.ops.append(op)
                else:
                    struct = self.parse_struct(namespace)
                    if anonymous:
                        raise DslError(struct.line, f"{struct.name} is declared in an "
                                       "anonymous namespace; generated bindings cannot use it")
                    self.structs.append(struct)
                continue
            if t.kind == "punct" and t.text == "{":
                scopes.append(("other",))
            elif t.kind == "punct" and t.text == "}":
                if scopes:
                    scopes.pop()
            self.i += 1
        return Header(self.ops, self.structs)

    def parse_flags(self, what: str) -> List[str]:
        self.expect("(", what)
        flags = []
        while not self.at(")"):
            t = self.next(what)
            if t.kind != "ident":
                raise DslError(t.line, f"{what}: expected a flag or ')', found {describe(t)}")
            flags.append(t.text)
            if self.at(","):
                self.i += 1
                if self.at(")"):
                    raise DslError(self.peek().line, f"{what}: expected a flag after ','")
            elif not self.at(")"):
                t = self.next(what)
                raise DslError(t.line, f"{what}: expected ',' or ')' after flag "
                               f"{flags[-1]}, found {describe(t)}")
        self.i += 1
        return flags

    # -- KILN_OP --

    def parse_op(self, namespace: List[str]) -> OpDecl:
        start = self.next("KILN_OP")
        what = "KILN_OP declaration"
        flag_line = self.peek().line if self.peek() else start.line
        flags = self.parse_flags(what)
        result = self.parse_type(what)
        name_token = self.next(what)
        if name_token.kind != "ident":
            raise DslError(name_token.line, f"{what}: expected the op's name after the result "
                           f"type {result.spelling()}, found {describe(name_token)}")
        name = name_token.text
        if self.at("::"):
            qualified = name
            while self.at("::") and self.peek(1) is not None and self.peek(1).kind == "ident":
                qualified += "::" + self.peek(1).text
                self.i += 2
            raise DslError(name_token.line, f"{qualified}: a KILN_OP declares an op with a "
                           "plain name; put it inside a namespace block instead of qualifying "
                           "it")
        what = name
        self.expect("(", name)
        params: List[Param] = []
        if self.at("void") and self.at(")", 1):
            self.i += 1
        while not self.at(")"):
            position = len(params) + 1
            first = self.peek()
            if first is None:
                self.next(name)
            type_ref = self.parse_type(f"{name}: parameter {position}")
            t = self.peek()
            if t is not None and (self.at(",") or self.at(")")):
                raise DslError(type_ref.line, f"{name}: parameter {position} "
                               f"({type_ref.spelling()}) has no name")
            t = self.next(name)
            if t.kind != "ident":
                raise DslError(t.line, f"{name}: parameter {position}: expected a name after "
                               f"{type_ref.spelling()}, found {describe(t)}")
            params.append(Param(type_ref, t.text, position, type_ref.line))
            if self.at("="):
                raise DslError(self.peek().line, f"{name}: parameter {position} ({t.text}): "
                               "default arguments are not supported; use std::optional")
            if self.at("["):
                raise DslError(self.peek().line, f"{name}: parameter {position} ({t.text}): "
                               "array parameters are not supported; use std::vector")
            if self.at(","):
                self.i += 1
                if self.at(")"):
                    raise DslError(self.peek().line,
                                   f"{name}: expected a parameter after ','")
            elif not self.at(")"):
                t = self.next(name)
                raise DslError(t.line, f"{name}: expected ',' or ')' after parameter "
                               f"{params[-1].name}, found {describe(t)}")
        self.i += 1  # )
        if self.at("noexcept"):
            self.i += 1
        t = self.next(name)
        if t.text == "{":
            raise DslError(t.line, f"{name}: a KILN_OP is a declaration; define the op in a "
                           ".cc file")
        if t.text != ";":
            raise DslError(t.line, f"{name}: expected ';' after the parameter list, found "
                           f"{describe(t)}")
        return OpDecl(name=name, namespace=namespace, flags=flags, flag_line=flag_line,
                      result=result, params=params, line=start.line,
                      name_line=name_token.line)

    # -- KILN_STRUCT --

    def parse_struct(self, namespace: List[str]) -> StructDecl:
        start = self.next("KILN_STRUCT")
        what = "KILN_STRUCT declaration"
        flags = self.parse_flags(what)
        keyword = self.next(what)
        if keyword.text != "struct":
            raise DslError(keyword.line, f"{what}: expected 'struct', found {describe(keyword)}")
        name_token = self.next(what)
        if name_token.kind != "ident":
            raise DslError(name_token.line, f"{what}: expected the struct's name, found "
                           f"{describe(name_token)}")
        name = name_token.text
        if flags:
            raise DslError(start.line, f"{name}: unknown KILN_STRUCT flag '{flags[0]}'; "
                           "KILN_STRUCT takes no flags")
        t = self.next(name)
        if t.text == ";":
            raise DslError(t.line, f"{name}: a KILN_STRUCT needs its definition "
                           "(struct Name { ... };)")
        if t.text != "{":
            raise DslError(t.line, f"{name}: expected '{{' after struct {name}, found "
                           f"{describe(t)} (base classes and attributes are not supported)")
        fields: List[Field] = []
        while not self.at("}"):
            first = self.next(name)
            if first.text in _NON_MEMBER_WORDS or (first.text == name and self.at("(")):
                raise DslError(first.line, f"{name}: a KILN_STRUCT holds data members only "
                               f"(`type name;`), found {describe(first)}")
            self.i -= 1
            type_ref = self.parse_type(f"{name}: field")
            t = self.next(name)
            if t.text == "(":
                raise DslError(t.line, f"{name}: a KILN_STRUCT holds data members only "
                               "(`type name;`), found a member function")
            if t.kind != "ident":
                if t.text == ";":
                    raise DslError(t.line, f"{name}: field of type {type_ref.spelling()} "
                                   "has no name")
                raise DslError(t.line, f"{name}: expected a field name after "
                               f"{type_ref.spelling()}, found {describe(t)}")
            field_name = t.text
            if self.at("("):
                raise DslError(t.line, f"{name}: a KILN_STRUCT holds data members only "
                               f"(`type name;`), found member function {field_name}")
            if self.at("=") or self.at("{"):
                self.skip_initializer(name)
            t = self.next(name)
            if t.text == ",":
                raise DslError(t.line, f"{name}.{field_name}: declare one field per "
                               "declaration")
            if t.text == "[":
                raise DslError(t.line, f"{name}.{field_name}: array fields are not "
                               "supported; use std::vector")
            if t.text == ":":
                raise DslError(t.line, f"{name}.{field_name}: bit-fields are not supported")
            if t.text != ";":
                raise DslError(t.line, f"{name}.{field_name}: expected ';' after the field, "
                               f"found {describe(t)}")
            fields.append(Field(type_ref, field_name, type_ref.line))
        self.i += 1  # }
        t = self.next(name)
        if t.text != ";":
            raise DslError(t.line, f"{name}: expected ';' after the struct's closing brace, "
                           f"found {describe(t)}")
        return StructDecl(name=name, namespace=namespace, fields=fields, line=start.line)

    def skip_initializer(self, what: str) -> None:
        """Skips a default member initializer (`= expr` or `{...}`) up to its `;`."""
        depth = 0
        while True:
            t = self.peek()
            if t is None:
                self.next(what)
            if depth == 0 and t.text in (";", ","):
                return
            if t.text in ("(", "{", "["):
                depth += 1
            elif t.text in (")", "}", "]"):
                depth -= 1
            self.i += 1

    # -- types --

    def parse_type(self, what: str) -> TypeRef:
        first = self.peek()
        if first is None:
            self.next(what)
        line = first.line
        const = False
        if self.at("const"):
            const = True
            self.i += 1
        if self.at("volatile") or self.at("typename") or self.at("auto"):
            t = self.next(what)
            raise DslError(t.line, f"{what}: '{t.text}' is not supported in an op type")
        rooted = False
        if self.at("::"):
            rooted = True
            self.i += 1
        t = self.next(what)
        if t.kind != "ident":
            raise DslError(t.line, f"{what}: expected a type, found {describe(t)}")
        args = None
        if t.text in BUILTIN_TYPE_WORDS:
            words = [t.text]
            while self.peek() is not None and self.peek().kind == "ident" and \
                    self.peek().text in BUILTIN_TYPE_WORDS:
                words.append(self.next(what).text)
            name = " ".join(words)
        else:
            parts = [t.text]
            while True:
                if self.at("::"):
                    self.i += 1
                    t = self.next(what)
                    if t.kind != "ident":
                        raise DslError(t.line, f"{what}: expected a name after '::', found "
                                       f"{describe(t)}")
                    parts.append(t.text)
                elif self.at("<") and args is None:
                    self.i += 1
                    args = []
                    if not self.at(">"):
                        while True:
                            args.append(self.parse_type(what))
                            if self.at(","):
                                self.i += 1
                                continue
                            if self.at(">"):
                                break
                            t = self.next(what)
                            raise DslError(t.line, f"{what}: expected ',' or '>' in the "
                                           f"template arguments of {'::'.join(parts)}, found "
                                           f"{describe(t)}")
                    self.i += 1  # >
                    if self.at("::"):
                        raise DslError(self.peek().line, f"{what}: nested names of "
                                       "templates (X<T>::type) are not supported")
                else:
                    break
            name = "::".join(parts)
        if self.at("const"):
            const = True
            self.i += 1
        ref = ""
        if self.at("&&"):
            ref = "&&"
            self.i += 1
        elif self.at("&"):
            ref = "&"
            self.i += 1
            if self.at("&"):
                ref = "&&"
                self.i += 1
        elif self.at("*"):
            ref = "*"
            self.i += 1
            if self.at("*") or self.at("&"):
                raise DslError(self.peek().line, f"{what}: unsupported type "
                               f"{name}{ref}{self.peek().text}")
        if self.at("const") and ref == "*":
            raise DslError(self.peek().line, f"{what}: const pointers are not supported")
        return TypeRef(name=name, args=args, const=const, ref=ref, line=line, rooted=rooted)


def describe(t: Token) -> str:
    if t.kind == "ident":
        return f"'{t.text}'"
    if t.kind in ("string", "char"):
        return "a literal"
    if t.kind == "number":
        return f"'{t.text}'"
    return f"'{t.text}'"


def parse(text: str) -> Header:
    """Parses a header's KILN_OP and KILN_STRUCT declarations (in file order)."""
    return _Parser(tokenize(text)).parse()
