"""Post-mortem bodies that stress the checks: runs that made a pattern rescan from every
position ("a-a-a-…" took 17 s in the blame check once), and other shapes that stress a
lookbehind, a bound or a table. Used by the lint tests (the results stay well formed) and
by benchmarks/lint_speed.py (the time grows linearly with the body)."""

from __future__ import annotations

from pmsync.core.postmortem.parse import MAX_BODY_CHARACTERS
from support.postmortem_bodies import actions, good_body, row

PATHOLOGICAL = [
    *("a-", "-a", "@a", "a@", "2026-", "@a/", "Aa", "Aa ", "a's ", "a'", "`a", "| a "),
    *("Dave ", "caused by ", "The on-call ", "```\n"),
]

# (field, unit) pairs: the unit repeated to fill the field.
CASES = (
    [("root_cause", unit) for unit in PATHOLOGICAL]
    + [(field, unit) for field in ("action_items", "timeline", "summary") for unit in ("a-", "@a")]
    + [("action_items", "improve"), ("action_items", "look "), ("timeline", "detect")]
)


def filled(field: str, unit: str, size: int = MAX_BODY_CHARACTERS) -> str:
    """A body of exactly ``size`` characters (GitHub's maximum by default) whose ``field``
    is ``unit`` repeated."""

    def body(filler: str) -> str:
        value = actions(row(action=filler)) if field == "action_items" else filler
        return good_body(**{field: value})

    room = size - len(body("x")) + 1  # "" would render as _No response_
    text = body((unit * room)[:room])
    assert len(text) == size
    return text
