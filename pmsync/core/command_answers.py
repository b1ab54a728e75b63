"""What pmsync answers to a ``/pmsync`` command on the post-mortem, as comment text.

One answer per command comment, in four kinds: the plan (for ``/pmsync plan``), what was
done (for ``/pmsync sync``), a refusal (the commenter lacks write access) and the list of
commands (for one pmsync does not know). An answer names the commenter without notifying
them (they hear of the comment as a participant anyway) and never notifies anyone else:
what it quotes from the plan or from a service is shown in a code block or neutralised.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pmsync.core.comment_budget import COMMENT_BUDGET
from pmsync.core.render import quiet_handle, render

_BACKTICKS = re.compile(r"`+")
# Room the rest of an answer takes beside the plan it shows.
_PLAN_BUDGET = COMMENT_BUDGET - 4_000


def _answer(marker: str, login: str, command: str, kind: str, **details: Any) -> str:
    context = {"marker": marker, "who": quiet_handle(login), "command": command, "kind": kind}
    return render("command_reply.md.j2", context | details)


def refused(marker: str, login: str, command: str, permission: str) -> str:
    """``command`` was not run: GitHub says ``login`` has ``permission`` access."""
    return _answer(marker, login, command, "refused", permission=permission)


def unknown(marker: str, login: str, command: str, commands: Sequence[tuple[str, str]]) -> str:
    """``command`` is not one pmsync knows; ``commands`` lists (command, what it does)."""
    return _answer(marker, login, command, "unknown", commands=commands)


def planned(marker: str, login: str, command: str, plan: str) -> str:
    """The plan a sync would carry out (empty: nothing to change), collapsed."""
    shown, cut = _within(plan.splitlines(), _PLAN_BUDGET)
    text = "\n".join(shown)
    return _answer(marker, login, command, "planned", plan=text, fence=_fence(text), lines_cut=cut)


def done(marker: str, login: str, command: str, lines: Sequence[str]) -> str:
    """What the run did (``done: …``, ``failed: …`` lines; none: nothing to change)."""
    shown, cut = _within(list(lines), _PLAN_BUDGET)
    return _answer(marker, login, command, "done", lines=shown, lines_cut=cut)


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in ``text``, so the text cannot end
    the block early and become markdown (CommonMark: a fence closes only with at least as
    many backticks as opened it)."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    return "`" * max(3, longest + 1)


def _within(lines: Sequence[str], budget: int) -> tuple[list[str], int]:
    """The first lines that fit in ``budget`` characters, and how many were left out."""
    kept: list[str] = []
    used = 0
    for line in lines:
        used += len(line) + 1
        if used > budget:
            break
        kept.append(line)
    return kept, len(lines) - len(kept)
