"""JQL's lexical layer as Jira reads it: the tokenizer, and ``quote``, its inverse.

The rules follow Jira's own grammar (Jql.g and JqlStringSupportImpl): strings in double or
single quotes, escapes ``\\" \\' \\\\ \\t \\n \\r \\<space> \\uXXXX`` and nothing else, raw
control characters refused, reserved characters refused outside quotes. Errors carry
Jira's wording, including the ``(line L, character C)`` position.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from pmsync_sandbox.jira.jql_errors import JqlSyntaxError

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


def tokenize(source: str) -> list[Token]:
    """The tokens of ``source``, ending with ``EOF``; raises ``JqlSyntaxError``."""
    return _Lexer(source).tokens()
