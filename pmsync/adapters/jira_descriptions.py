"""Ticket descriptions, read and written as wiki text through REST v2 (Cloud keeps rich
text as a document and converts it for v2; REST v3 would answer with the document)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pmsync.core.planning.descriptions import spliced

Read = Callable[[str, str, Mapping[str, Any]], Any]
Write = Callable[[str, str, Any], Any]
Rewritten = tuple[str | None, bool]  # the description Jira holds now, and whether it was written


def wiki_text(value: Any) -> str | None:
    """A REST v2 description: wiki text, or None (empty, or not text)."""
    return value if isinstance(value, str) and value else None


def rewrite_description(
    read: Read, write: Write, key: str, part: str, legacy: Sequence[str]
) -> Rewritten:
    """Put ``part`` in place of pmsync's part of ``key``'s description as Jira holds it
    right now, so text written around the part since the plan was made stays. Returns
    the description Jira then holds and whether it was written. Writing the same text
    twice changes nothing, so a write whose answer was lost may be sent again."""
    path = f"/rest/api/2/issue/{key}"
    raw = read("GET", path, {"fields": "description"}) or {}
    current = wiki_text((raw.get("fields") or {}).get("description"))
    wanted = spliced(current, part, legacy)
    if wanted is None or wanted == current:
        return current, False
    write("PUT", path, {"fields": {"description": wanted}})
    return wanted, True
