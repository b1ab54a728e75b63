"""JQL as Jira reads it: a tokenizer and a recursive-descent parser for the subset pmsync uses.

The lexical rules follow Jira's own grammar (Jql.g and JqlStringSupportImpl): strings in
double or single quotes, escapes ``\\" \\' \\\\ \\t \\n \\r \\<space> \\uXXXX`` and nothing
else, raw control characters refused, reserved characters and reserved words refused
outside quotes. Errors carry Jira's wording, including the ``(line L, character C)``
position, so a client sees the same 400 it would see from a real site.

Grammar::

    query    := [or_expr] [ORDER BY sort ("," sort)*] EOF
    or_expr  := and_expr (OR and_expr)*
    and_expr := not_expr (AND not_expr)*
    not_expr := NOT not_expr | "(" or_expr ")" | clause
    clause   := field operator operand
    operand  := EMPTY | NULL | value | function | "(" operand ("," operand)* ")"
    sort     := field [ASC | DESC]
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import Enum

# JqlStringSupportImpl.RESERVED_WORDS: unquoted, these are refused as fields and values.
_RESERVED_WORD_LIST = """
    abort access add after alias all alter and any as asc audit avg before begin between
    boolean break by byte catch cf changed char character check checkpoint collate collation
    column commit connect continue count create current date decimal declare decrement default
    defaults define delete delimiter desc difference distinct divide do double drop else empty
    encoding end equals escape exclusive exec execute exists explain false fetch file field
    first float for from function go goto grant greater group having identified if immediate
    in increment index initial inner inout input insert int integer intersect intersection into
    is isempty isnull join last left less like limit lock long max min minus mode modify modulo
    more multiply next noaudit not notin nowait null number object of on option or order outer
    output power previous prior privileges public raise raw remainder rename resource return
    returns revoke right row rowid rownum rows select session set share size sqrt start strict
    string subtract sum synonym table then to trans transaction trigger true uid union unique
    update user validate values view was when whenever where while with"""
RESERVED_WORDS = frozenset(_RESERVED_WORD_LIST.split())

# Characters Jira keeps for itself: outside quotes they need quoting or a \\u escape.
RESERVED_CHARACTERS = frozenset("{}*/%+^$#@?;[]")
# Characters that end an unquoted word (each is a token of its own).
_WORD_STOPS = frozenset(" \t\n\r\"'(),=!<>~|&") | RESERVED_CHARACTERS

_SIMPLE_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", '"': '"', "'": "'", "\\": "\\", " ": " "}
_ENCODE_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_ILLEGAL_ESCAPE = (
    "'{seq}' is an illegal JQL escape sequence. The valid escape sequences are \\', \\\", "
    "\\t, \\n, \\r, \\\\, '\\ ' and \\uXXXX."
)
_VALID_OPERATORS = (
    "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', "
    "'IS' and 'IS NOT'."
)


def is_control(char: str) -> bool:
    """Jira's CONTROLCHARS: never allowed raw, not even inside quotes (\\n and \\r are)."""
    code = ord(char)
    return (
        code <= 0x09
        or 0x0B <= code <= 0x0C
        or 0x0E <= code <= 0x1F
        or 0x7F <= code <= 0x9F
        or 0xFDD0 <= code <= 0xFDEF
        or 0xFFFE <= code <= 0xFFFF
    )


def quote(value: str) -> str:
    """Encode ``value`` as a double-quoted JQL string, escaping exactly as Jira does.

    ``parse`` reads the result back as ``value`` whatever characters it holds, so untrusted
    text can never change the structure of a query. The client's ``jql_quote`` follows the
    same rules but is kept apart on purpose: the emulator shares no code with the client it
    checks, and the tests read the client's quoting back through this module's parser.
    """
    out = ['"']
    for char in value:
        if char in _ENCODE_ESCAPES:
            out.append(_ENCODE_ESCAPES[char])
        elif is_control(char):
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


class JqlError(Exception):
    """A query Jira would refuse; ``str()`` is the message Jira puts in ``errorMessages``."""


class JqlSyntaxError(JqlError):
    def __init__(self, detail: str, line: int | None = None, column: int | None = None) -> None:
        where = f" (line {line}, character {column})" if line is not None else ""
        super().__init__(f"Error in the JQL Query: {detail}{where}")


class Kind(Enum):
    WORD = "word"  # unquoted string, possibly a keyword
    STRING = "string"  # quoted string: never a keyword
    OPERATOR = "operator"
    LPAREN = "("
    RPAREN = ")"
    COMMA = ","
    EOF = "end"


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str  # decoded value for words and strings, the symbol otherwise
    line: int
    column: int  # 1-based, as Jira counts

    def keyword(self) -> str | None:
        """The upper-cased keyword this token spells, for unquoted words only."""
        if self.kind is Kind.WORD:
            return self.text.upper()
        if self.kind is Kind.OPERATOR and self.text in ("&", "&&"):
            return "AND"
        if self.kind is Kind.OPERATOR and self.text in ("|", "||"):
            return "OR"
        if self.kind is Kind.OPERATOR and self.text == "!":
            return "NOT"
        return None


class _Lexer:
    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.line = 1
        self.column = 1

    def tokens(self) -> list[Token]:
        found: list[Token] = []
        while True:
            token = self._next()
            found.append(token)
            if token.kind is Kind.EOF:
                return found

    def _advance(self) -> str:
        char = self.source[self.pos]
        self.pos += 1
        if char == "\n":
            self.line += 1
            self.column = 1
        else:
            self.column += 1
        return char

    def _peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.source[index] if index < len(self.source) else ""

    def _next(self) -> Token:
        while self._peek() in (" ", "\t", "\n", "\r"):
            self._advance()
        line, column = self.line, self.column
        char = self._peek()
        if not char:
            return Token(Kind.EOF, "", line, column)
        if char in "\"'":
            return self._quoted(line, column)
        if char in "(),":
            self._advance()
            kind = {"(": Kind.LPAREN, ")": Kind.RPAREN, ",": Kind.COMMA}[char]
            return Token(kind, char, line, column)
        for symbol in ("!=", "!~", "<=", ">=", "&&", "||", "=", "~", "<", ">", "!", "&", "|"):
            if self.source.startswith(symbol, self.pos):
                for _ in symbol:
                    self._advance()
                return Token(Kind.OPERATOR, symbol, line, column)
        if char in RESERVED_CHARACTERS:
            raise JqlSyntaxError(
                f"The character '{char}' is a reserved JQL character. You must enclose it in a "
                f"string or use the escape '\\u{ord(char):04x}' instead.",
                line,
                column,
            )
        if is_control(char):
            raise JqlSyntaxError(
                f"The character '\\u{ord(char):04x}' is an illegal JQL character.", line, column
            )
        return self._word(line, column)

    def _escape(self) -> str:
        """Decode one escape sequence; the backslash is the current character."""
        line, column = self.line, self.column
        self._advance()
        char = self._peek()
        if not char:
            raise JqlSyntaxError(_ILLEGAL_ESCAPE.format(seq="\\"), line, column)
        if char in _SIMPLE_ESCAPES:
            self._advance()
            return _SIMPLE_ESCAPES[char]
        if char == "u":
            digits = self.source[self.pos + 1 : self.pos + 5]
            if len(digits) == 4 and all(d in "0123456789abcdefABCDEF" for d in digits):
                for _ in range(5):
                    self._advance()
                return chr(int(digits, 16))
            raise JqlSyntaxError(_ILLEGAL_ESCAPE.format(seq="\\u" + digits), line, column)
        raise JqlSyntaxError(_ILLEGAL_ESCAPE.format(seq="\\" + char), line, column)

    def _quoted(self, line: int, column: int) -> Token:
        quote_char = self._advance()
        start = self.pos
        value: list[str] = []
        while True:
            char = self._peek()
            if not char:
                raise JqlSyntaxError(
                    f"The quoted string '{self.source[start:]}' has not been completed.",
                    line,
                    column,
                )
            if char == quote_char:
                self._advance()
                return Token(Kind.STRING, "".join(value), line, column)
            if char == "\\":
                value.append(self._escape())
            elif is_control(char):
                raise JqlSyntaxError(
                    f"The character '\\u{ord(char):04x}' is an illegal JQL character.",
                    self.line,
                    self.column,
                )
            else:
                value.append(self._advance())

    def _word(self, line: int, column: int) -> Token:
        value: list[str] = []
        while True:
            char = self._peek()
            if not char or char in _WORD_STOPS or is_control(char):
                return Token(Kind.WORD, "".join(value), line, column)
            if char == "\\":
                value.append(self._escape())
            else:
                value.append(self._advance())


# ---- syntax tree -------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    text: str
    quoted: bool


@dataclass(frozen=True)
class Function:
    name: str
    args: tuple[str, ...]


@dataclass(frozen=True)
class Empty:
    pass


@dataclass(frozen=True)
class ValueList:
    items: tuple[Value | Function | Empty, ...]


Operand = Value | Function | Empty | ValueList


@dataclass(frozen=True)
class Clause:
    field: str
    operator: str  # "=", "!=", "~", "!~", "<", "<=", ">", ">=", "in", "not in", "is", "is not"
    operand: Operand


@dataclass(frozen=True)
class And:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    part: Node


Node = Clause | And | Or | Not


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool


@dataclass(frozen=True)
class Query:
    where: Node | None
    order_by: tuple[SortKey, ...]


# ---- parser ------------------------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def _kind(self) -> Kind:
        return self.tokens[self.index].kind

    def _take(self) -> Token:
        token = self.tokens[self.index]
        if token.kind is not Kind.EOF:
            self.index += 1
        return token

    def _at_keyword(self, *words: str) -> bool:
        return self.current.keyword() in words

    def _fail(self, expected: str, hint: str = "") -> JqlSyntaxError:
        token = self.current
        if token.kind is Kind.EOF:
            return JqlSyntaxError(f"Expecting {expected} before the end of the query.{hint}")
        return JqlSyntaxError(
            f"Expecting {expected} but got '{token.text}'.{hint}", token.line, token.column
        )

    def query(self) -> Query:
        where: Node | None = None
        if self._kind() is not Kind.EOF and not self._at_keyword("ORDER"):
            where = self._or()
        order_by: tuple[SortKey, ...] = ()
        if self._at_keyword("ORDER"):
            self._take()
            if not self._at_keyword("BY"):
                raise self._fail("'by'")
            self._take()
            order_by = self._sorts()
        if self._kind() is not Kind.EOF:
            raise self._fail("either 'OR' or 'AND'")
        return Query(where, order_by)

    def _or(self) -> Node:
        parts = [self._and()]
        while self._at_keyword("OR"):
            self._take()
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def _and(self) -> Node:
        parts = [self._not()]
        while self._at_keyword("AND"):
            self._take()
            parts.append(self._not())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def _not(self) -> Node:
        if self._at_keyword("NOT"):
            self._take()
            return Not(self._not())
        if self._kind() is Kind.LPAREN:
            self._take()
            inner = self._or()
            if self._kind() is not Kind.RPAREN:
                raise self._fail("')'")
            self._take()
            return inner
        return self._clause()

    def _name(self, what: str) -> str:
        token = self.current
        if token.kind is Kind.STRING:
            return self._take().text
        if token.kind is Kind.WORD and token.text:
            self._reject_reserved(token)
            return self._take().text
        raise self._fail(what)

    @staticmethod
    def _reject_reserved(token: Token) -> None:
        if token.kind is Kind.WORD and token.text.lower() in RESERVED_WORDS:
            raise JqlSyntaxError(
                f"'{token.text}' is a reserved JQL word. You must surround it in quotation "
                "marks to use it in a query.",
                token.line,
                token.column,
            )

    def _clause(self) -> Clause:
        field = self._name("a field name")
        operator = self._operator()
        if operator in ("is", "is not"):
            if not self._at_keyword("EMPTY", "NULL"):
                raise self._fail("'EMPTY' or 'NULL'")
            self._take()
            return Clause(field, operator, Empty())
        if operator in ("in", "not in"):
            if self._kind() is not Kind.LPAREN:
                return Clause(field, operator, self._single_operand())
            return Clause(field, operator, self._list())
        return Clause(field, operator, self._single_operand())

    def _operator(self) -> str:
        token = self.current
        if token.kind is Kind.OPERATOR and token.text in (
            "=",
            "!=",
            "~",
            "!~",
            "<",
            "<=",
            ">",
            ">=",
        ):
            self._take()
            return token.text
        keyword = token.keyword()
        if keyword == "IN":
            self._take()
            return "in"
        if keyword == "NOT":
            self._take()
            if not self._at_keyword("IN"):
                raise self._fail("'IN'")
            self._take()
            return "not in"
        if keyword == "IS":
            self._take()
            if self._at_keyword("NOT"):
                self._take()
                return "is not"
            return "is"
        if keyword in ("WAS", "CHANGED"):
            raise JqlSyntaxError(
                f"The operator '{keyword}' searches issue history, which the sandbox does "
                "not keep.",
                token.line,
                token.column,
            )
        raise self._fail("operator", " " + _VALID_OPERATORS)

    def _single_operand(self) -> Operand:
        if self._at_keyword("EMPTY", "NULL"):
            self._take()
            return Empty()
        if self._kind() is Kind.LPAREN:
            return self._list()
        return self._value_or_function()

    def _list_item(self) -> Value | Function | Empty:
        if self._at_keyword("EMPTY", "NULL"):
            self._take()
            return Empty()
        return self._value_or_function()

    def _value_or_function(self) -> Value | Function:
        token = self.current
        if token.kind is Kind.STRING:
            self._take()
            return Value(token.text, quoted=True)
        if token.kind is Kind.WORD and token.text:
            if token.text.lower() in RESERVED_WORDS:
                raise JqlSyntaxError(
                    f"Expecting either a value, list or function but got '{token.text}'. You "
                    f"must surround '{token.text}' in quotation marks to use it as a value.",
                    token.line,
                    token.column,
                )
            self._take()
            if self._kind() is Kind.LPAREN:
                return Function(token.text, self._arguments())
            return Value(token.text, quoted=False)
        raise self._fail("either a value, list or function")

    def _arguments(self) -> tuple[str, ...]:
        self._take()  # "("
        args: list[str] = []
        while self._kind() is not Kind.RPAREN:
            token = self.current
            if token.kind not in (Kind.WORD, Kind.STRING) or not token.text:
                raise self._fail("')'")
            args.append(self._take().text)
            if self._kind() is Kind.COMMA:
                self._take()
            elif self._kind() is not Kind.RPAREN:
                raise self._fail("')'")
        self._take()
        return tuple(args)

    def _list(self) -> ValueList:
        self._take()  # "("
        items = [self._list_item()]
        while self._kind() is Kind.COMMA:
            self._take()
            items.append(self._list_item())
        if self._kind() is not Kind.RPAREN:
            raise self._fail("')'")
        self._take()
        return ValueList(tuple(items))

    def _sorts(self) -> tuple[SortKey, ...]:
        keys = [self._sort()]
        while self._kind() is Kind.COMMA:
            self._take()
            keys.append(self._sort())
        return tuple(keys)

    def _sort(self) -> SortKey:
        field = self._name("a field name")
        descending = False
        if self._at_keyword("ASC", "DESC"):
            descending = self._take().keyword() == "DESC"
        return SortKey(field, descending)


@functools.lru_cache(maxsize=512)
def parse(source: str) -> Query:
    """Parse a JQL query; raises ``JqlSyntaxError`` with Jira's message when it is not JQL."""
    return _Parser(_Lexer(source).tokens()).query()
