"""Replying to a command: one reply per command comment, edited in place or kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from pmsync.core.domain.state import CommentState
from pmsync.errors import RemoteError
from pmsync.orchestration import command_reply

REPO = "acme/payments"


@dataclass
class RecordingGitHub:
    comments: list[CommentState] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    refuse_reactions: bool = False

    def bot_comments(self, repo: str, number: int) -> tuple[CommentState, ...]:
        return tuple(self.comments)

    def create_comment(self, repo: str, number: int, body: str, marker: str) -> CommentState:
        made = CommentState(
            id=100 + len(self.comments),
            body=body,
            author="pmsync[bot]",
            created_at=datetime(2026, 12, 1, tzinfo=UTC),
            updated_at=datetime(2026, 12, 1, tzinfo=UTC),
        )
        self.comments.append(made)
        self.writes.append("create")
        return made

    def edit_comment(self, repo: str, number: int, comment_id: int, body: str) -> CommentState:
        (old,) = [c for c in self.comments if c.id == comment_id]
        new = old.model_copy(update={"body": body})
        self.comments[self.comments.index(old)] = new
        self.writes.append(f"edit {comment_id}")
        return new

    def react(self, repo: str, number: int, comment_id: int, content: str) -> None:
        if self.refuse_reactions:
            path = f"/repos/{REPO}/issues/comments/9/reactions"
            raise RemoteError("github", "POST", path, 404, "Not Found")
        self.writes.append(f"react {content}")


def test_a_reply_is_posted_once_edited_when_it_changes_and_kept_when_asked() -> None:
    github = RecordingGitHub()
    first = command_reply.reply(github, REPO, 1, 9, lambda m: f"{m}\nplan A")
    same = command_reply.reply(github, REPO, 1, 9, lambda m: f"{m}\nplan A")
    kept = command_reply.reply(github, REPO, 1, 9, lambda m: f"{m}\nB", replace=False)
    edited = command_reply.reply(github, REPO, 1, 9, lambda m: f"{m}\nplan B")
    other = command_reply.reply(github, REPO, 1, 10, lambda m: f"{m}\nplan C")
    assert (first, other) == ("answered", "answered")
    assert same == kept == "answered already (its job ran again)"
    assert edited == "answer edited in place (its job ran again)"
    assert github.writes == ["create", "edit 100", "create"]
    assert [c.body.splitlines()[1] for c in github.comments] == ["plan B", "plan C"]


def test_a_refused_reaction_is_no_failure() -> None:
    github = RecordingGitHub(refuse_reactions=True)
    assert command_reply.acknowledge(github, REPO, 1, 9) is False
    assert command_reply.acknowledge(RecordingGitHub(), REPO, 1, 0) is False
    ok = RecordingGitHub()
    assert command_reply.acknowledge(ok, REPO, 1, 9) is True
    assert ok.writes == ["react eyes"]
