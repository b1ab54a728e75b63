"""The comments pmsync writes on issues, as plan changes (pure).

Two kinds, both found again by their hidden marker (``pmsync.core.domain.markers``):

- *kept* comments (status, feedback, approval, repeat) are created once and edited in place
  whenever their text changes, and only then;
- *once-only* comments (follow-up reviews, nudges, closing, back-links) are created and
  never edited: their marker existing is the record that they were posted.

Of each marker there is one comment. Two runs overlapping on one post-mortem (ADR 3) can
each create it; the later copies are deleted, and the oldest, which every planner reads,
stays.
"""

from __future__ import annotations

from collections.abc import Iterable

from pmsync.core.domain import markers
from pmsync.core.domain.changes import Change, DeleteComment, UpsertComment
from pmsync.core.domain.state import CommentState, IssueState


def same_text(left: str, right: str) -> bool:
    """Comment bodies compared as GitHub keeps them (it may turn LF into CRLF)."""
    return left.replace("\r\n", "\n").strip() == right.replace("\r\n", "\n").strip()


def upsert_comment(
    issue: IssueState, marker: str, body: str, existing: CommentState | None
) -> tuple[Change, ...]:
    """Create the kept comment, or edit it in place, unless it already says ``body``."""
    if existing is not None and same_text(existing.body, body):
        return ()
    return (
        UpsertComment(
            repo=issue.repo,
            number=issue.number,
            marker=marker,
            body=body,
            comment_id=existing.id if existing else None,
        ),
    )


def create_comment(issue: IssueState, marker: str, body: str) -> UpsertComment:
    """A once-only comment on ``issue`` (comment_id None: create, never edit)."""
    return UpsertComment(
        repo=issue.repo, number=issue.number, marker=marker, body=body, comment_id=None
    )


def delete_duplicates(issue: IssueState, comments: Iterable[CommentState]) -> tuple[Change, ...]:
    """Delete each of pmsync's ``comments`` that carries the same marker as an older one.
    The oldest of each marker is the one ``markers.find_comment`` names; it stays.

    Only pass comments written by pmsync's own identity: a person's comment is never
    deleted, whatever marker it carries."""
    oldest: dict[str, CommentState] = {}
    changes: list[Change] = []
    for comment in sorted(comments, key=markers.comment_age):
        marker = markers.leading_marker(comment.body)
        if marker is None:
            continue
        kept = oldest.setdefault(marker, comment)
        if kept.id != comment.id:
            changes.append(
                DeleteComment(
                    repo=issue.repo,
                    number=issue.number,
                    marker=marker,
                    comment_id=comment.id,
                    kept_id=kept.id,
                )
            )
    return tuple(changes)
