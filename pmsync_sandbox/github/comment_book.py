"""The GitHub store's issue comments and the reactions people leave on them."""

from __future__ import annotations

from typing import Any

from pmsync_sandbox.github.ledger import StoreLedger
from pmsync_sandbox.github.records import Comment, Issue, Repository


class CommentBook(StoreLedger):
    def add_comment(
        self, repo: Repository, issue: Issue, actor: str, body: str, now: str
    ) -> Comment:
        comment = Comment(self.new_id(), issue.number, actor, body, now, now)
        repo.comments[comment.id] = comment
        issue.comments += 1
        self.touch(repo, issue, now)
        return comment

    def edit_comment(self, repo: Repository, comment: Comment, body: str, now: str) -> None:
        if body == comment.body:
            return
        comment.body = body
        comment.updated_at = now
        self.touch(repo, repo.issues[comment.issue_number], now)

    def add_reaction(
        self, comment: Comment, actor: str, content: str, now: str
    ) -> tuple[dict[str, Any], bool]:
        """The person's reaction of that kind on the comment, and whether it is new: GitHub
        keeps one per person and kind."""
        for reaction in comment.reactions:
            if reaction["user"].lower() == actor.lower() and reaction["content"] == content:
                return reaction, False
        reaction = {"id": self.new_id(), "user": actor, "content": content, "created_at": now}
        comment.reactions.append(reaction)
        return reaction, True

    def delete_comment(self, repo: Repository, comment: Comment, now: str) -> None:
        del repo.comments[comment.id]
        issue = repo.issues[comment.issue_number]
        issue.comments -= 1
        self.touch(repo, issue, now)
