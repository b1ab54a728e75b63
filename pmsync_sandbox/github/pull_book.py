"""The GitHub store's pull requests: issues with a branch, merged or not."""

from __future__ import annotations

from pmsync_sandbox.github.issue_book import IssueBook
from pmsync_sandbox.github.records import Issue, Repository


class PullRequestBook(IssueBook):
    def open_pull_request(
        self,
        repo: Repository,
        actor: str,
        now: str,
        title: str,
        body: str | None,
        head: str,
        merged: bool,
    ) -> Issue:
        """A pull request from ``head``; a merged one is closed, as GitHub closes a pull
        request when it merges it (``merged_at`` and ``closed_at`` are then the same)."""
        pull = self.create_issue(repo, actor, now, title, body, [], [])
        pull.pull = {"head": head, "merged_at": None}
        if merged:
            self.set_state(repo, pull, "closed", None, actor, now)
            pull.state_reason = None  # GitHub gives pull requests no state reason
            pull.pull["merged_at"] = now
        return pull
