"""Answering a ``/pmsync`` command where it was written.

A command taken up gets pmsync's 👀 on its comment at once, then one reply: a reply
comment per command comment (named by a marker holding the command comment's id), so a
job run again for the same command edits its reply in place instead of adding another.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from pmsync.core.domain import markers
from pmsync.core.domain.state import CommentState
from pmsync.errors import RemoteError
from pmsync.orchestration.ports import GitHub

log = logging.getLogger(__name__)

TAKEN_UP = "eyes"  # the reaction that says a command is being run


def acknowledge(github: GitHub, repo: str, number: int, comment_id: int) -> bool:
    """Put 👀 on the command's comment; False when GitHub refused it. The reply still
    answers then, so a refusal is logged, not raised (the comment may be gone already)."""
    if comment_id <= 0:
        return False
    try:
        github.react(repo, number, comment_id, TAKEN_UP)
    except RemoteError as exc:
        log.warning("could not mark the command on %s#%d as taken up: %s", repo, number, exc)
        return False
    return True


def reply(
    github: GitHub,
    repo: str,
    number: int,
    comment_id: int,
    answer: Callable[[str], str],
    *,
    replace: bool = True,
    known: Sequence[CommentState] | None = None,
) -> str:
    """Post ``answer(marker)`` as the reply to the command comment ``comment_id``, or edit
    the reply there is when its text differs and ``replace`` is True. ``known`` are
    pmsync's comments on the issue when the run has them as they are now (else they are
    read). What was done, for the log."""
    marker = markers.marker(f"reply:{comment_id}")
    body = answer(marker)
    comments = known if known is not None else github.bot_comments(repo, number)
    existing = markers.find_comment(comments, marker)
    if existing is None:
        github.create_comment(repo, number, body, marker)
        return "answered"
    if existing.body == body or not replace:
        return "answered already (its job ran again)"
    github.edit_comment(repo, number, existing.id, body)
    return "answer edited in place (its job ran again)"
