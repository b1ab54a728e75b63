"""A size budget for every comment pmsync writes.

GitHub refuses a comment longer than 65,536 characters (422), so a comment that grows
with what people wrote (a long action, many findings, many services) would fail on every
run and never exist. Each comment stays well below: a list shows at most ``LIST_LIMIT``
entries and then says how many more there are, and a free text shown in a comment is cut
to ``TEXT_LIMIT`` characters. The status comment's snapshot is compressed
(``pmsync.core.domain.markers``) and records what reaches Jira, not the whole table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

GITHUB_COMMENT_LIMIT = 65_536  # characters GitHub keeps in a comment body
COMMENT_BUDGET = 60_000  # what pmsync's comments stay under, with room to spare
LIST_LIMIT = 50  # entries a comment lists before "and N more"
# Shorter lists to fall back on while a comment is still over budget (escaped text can
# be several times as long as what was written).
_FALLBACK_LIMITS = (LIST_LIMIT, 10, 3, 0)
TEXT_LIMIT = 300  # characters of a person's text a comment quotes

T = TypeVar("T")


def at_most(items: Sequence[T], limit: int = LIST_LIMIT) -> tuple[tuple[T, ...], int]:
    """The first ``limit`` items, and how many more there are."""
    return tuple(items[:limit]), max(0, len(items) - limit)


def shorten(text: object, limit: int = TEXT_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    value = str(text)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def within_budget(render_with: Callable[[int], str]) -> str:
    """The comment ``render_with(limit)`` makes with the longest list limit that keeps it
    within ``COMMENT_BUDGET``."""
    text = ""
    for limit in _FALLBACK_LIMITS:
        text = render_with(limit)
        if len(text) <= COMMENT_BUDGET:
            break
    return text
