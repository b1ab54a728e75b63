"""JQL string literals: every value pmsync puts into a query goes through ``jql_quote``.

The sandbox's Jira has its own quoting and parser (``pmsync_sandbox.jira.jql_tokens`` and
``jql_parse``), not shared with this module on purpose, so that its parser is an
independent check of it.
"""

from __future__ import annotations

from collections.abc import Iterable

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _is_control(char: str) -> bool:
    """Characters Jira refuses raw even inside quotes; they travel as ``\\uXXXX``."""
    code = ord(char)
    return (
        code <= 0x1F or 0x7F <= code <= 0x9F or 0xFDD0 <= code <= 0xFDEF or 0xFFFE <= code <= 0xFFFF
    )


def jql_quote(value: str) -> str:
    """``value`` as a double-quoted JQL string: quotes, backslashes and control characters
    escaped, so no value can end the string and add a clause of its own."""
    out = ['"']
    for char in value:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif _is_control(char):
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def jql_list(values: Iterable[str]) -> str:
    """``("a", "b")`` for ``field in (...)`` clauses."""
    return "(" + ", ".join(jql_quote(value) for value in values) + ")"
