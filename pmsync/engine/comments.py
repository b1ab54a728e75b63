"""The comments pmsync writes on issues, as plan changes (pure).

Two kinds, both found again by their hidden marker (``pmsync.engine.markers``):

- *kept* comments (status, feedback, approval, repeat) are created once and edited in place
  whenever their text changes, and only then;
- *once-only* comments (follow-up reviews, nudges, closing, back-links) are created and
  never edited: their marker existing is the record that they were posted.
"""

from __future__ import annotations

from pmsync.domain.changes import Change, UpsertComment
from pmsync.domain.state import CommentState, IssueState


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
