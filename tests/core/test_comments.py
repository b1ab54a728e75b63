from __future__ import annotations

from support import factories as f

from pmsync.core.domain.changes import UpsertComment
from pmsync.core.planning.comments import create_comment, same_text, upsert_comment

MARKER = "<!-- pmsync:status -->"


def test_a_kept_comment_is_created_then_edited_only_when_its_text_changes() -> None:
    issue = f.issue()
    (created,) = upsert_comment(issue, MARKER, f"{MARKER}\nhello", None)
    assert isinstance(created, UpsertComment) and created.comment_id is None
    existing = f.comment(f"{MARKER}\r\nhello\r\n", id=7)  # as GitHub may hand it back
    assert upsert_comment(issue, MARKER, f"{MARKER}\nhello", existing) == ()
    (edited,) = upsert_comment(issue, MARKER, f"{MARKER}\nbye", existing)
    assert isinstance(edited, UpsertComment) and edited.comment_id == 7


def test_a_once_only_comment_is_always_a_create_on_the_issue_it_names() -> None:
    earlier = f.issue(repo="acme/web", number=3)
    change = create_comment(earlier, "<!-- pmsync:closing -->", "done")
    assert (change.repo, change.number, change.comment_id) == ("acme/web", 3, None)


def test_same_text_ignores_line_ends_and_surrounding_blank_space() -> None:
    assert same_text("a\r\nb\n", "a\nb")
    assert not same_text("a b", "a  b")
