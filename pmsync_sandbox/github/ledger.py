"""What every part of the GitHub store's bookkeeping shares: new ids, the updated times an
issue's change moves, and the issue events it records."""

from __future__ import annotations

from typing import Any

from pmsync_sandbox.github.records import Issue, IssueEvent, Repository


class StoreLedger:
    next_id: int  # the next id to give out; the store sets and restores it

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def touch(self, repo: Repository, issue: Issue, now: str) -> None:
        issue.updated_at = now
        repo.updated_at = now

    def _event(
        self, repo: Repository, issue: Issue, actor: str, event: str, now: str, **details: Any
    ) -> None:
        repo.events.append(IssueEvent(self.new_id(), issue.number, actor, event, now, **details))
