"""The two ways Jira refuses a query: it is not JQL (a syntax error, with Jira's wording
and position), or it is JQL that names things the site does not have (validation)."""

from __future__ import annotations


class JqlError(Exception):
    """A query Jira would refuse; ``str()`` is the message Jira puts in ``errorMessages``."""


class JqlSyntaxError(JqlError):
    def __init__(self, detail: str, line: int | None = None, column: int | None = None) -> None:
        where = f" (line {line}, character {column})" if line is not None else ""
        super().__init__(f"Error in the JQL Query: {detail}{where}")


class JqlValidationError(JqlError):
    """The query parses but names things that do not exist; Jira lists every message."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = messages
