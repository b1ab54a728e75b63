"""JQL as Jira reads it: a recursive-descent parser for the subset pmsync uses, over the
tokens of ``jql_tokens.py``. Reserved words are refused outside quotes, and errors carry
Jira's wording, including the ``(line L, character C)`` position, so a client sees the same
400 it would see from a real site.

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

from pmsync_sandbox.jira.jql_errors import JqlSyntaxError
from pmsync_sandbox.jira.jql_syntax import (
    And,
    Clause,
    Empty,
    Function,
    Node,
    Not,
    Operand,
    Or,
    Query,
    SortKey,
    Value,
    ValueList,
)
from pmsync_sandbox.jira.jql_tokens import RESERVED_WORDS, Kind, Token, tokenize

_VALID_OPERATORS = (
    "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', "
    "'IS' and 'IS NOT'."
)


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
    return _Parser(tokenize(source)).query()
