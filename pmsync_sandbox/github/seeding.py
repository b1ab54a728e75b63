"""The GitHub emulator's control calls that open pull requests, push commits, comment and
transfer issues as a person would (``POST /_sandbox/github/pulls``,
``POST /_sandbox/github/commits``, ``POST /_sandbox/github/comments``,
``POST /_sandbox/github/transfer``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pmsync_sandbox.github.commits import Commit, add_commit, branch_tip, merge_message
from pmsync_sandbox.github.records import Account, Repository, timestamp
from pmsync_sandbox.github.shapes import JSON, node_id
from pmsync_sandbox.github.store import GithubStore


class Seeding:
    store: GithubStore
    _clock: Callable[[], datetime]

    def open_pull_request(
        self,
        repo: str,
        title: str,
        body: str | None = None,
        merged: bool = False,
        head: str | None = None,
        author: str = "alice",
    ) -> JSON:
        """A pull request opened by ``author`` from ``head`` (a branch name made from the
        number when not given), merged and closed at once when ``merged``. GitHub's own
        answers show it as an issue with ``pull_request`` (``issue_shapes.IssueShapes.issue``).
        Merging puts GitHub's default merge commit on the default branch
        (``commits.merge_message``), made by ``author``."""
        found, account = self._seeded(repo, author)
        now = timestamp(self._clock())
        number = found.next_number
        branch = head or f"change-{number}"
        pull = self.store.open_pull_request(found, account.login, now, title, body, branch, merged)
        answer: JSON = {
            "number": pull.number,
            "state": pull.state,
            "head": branch,
            "merged_at": None if pull.pull is None else pull.pull["merged_at"],
        }
        if merged:
            message = merge_message(number, found.owner, branch, title)
            tip = branch_tip(found.full_name, branch, number)
            answer["merge_commit_sha"] = self._commit(found, account, message, now, tip).sha
        return answer

    def push_commit(self, repo: str, message: str, author: str = "alice") -> JSON:
        """A commit by ``author`` pushed to the repository's default branch."""
        found, account = self._seeded(repo, author)
        commit = self._commit(found, account, message, timestamp(self._clock()))
        return {"sha": commit.sha, "repo": found.full_name}

    @staticmethod
    def _commit(
        repo: Repository, account: Account, message: str, now: str, tip: str | None = None
    ) -> Commit:
        identity = (account.name or account.login, account.email or "")
        return add_commit(repo.commits, account.login, identity, message, now, tip)

    def add_comment(self, repo: str, number: int, body: str, author: str = "alice") -> JSON:
        """A comment by ``author`` on an issue or pull request (both take issue comments)."""
        found, account = self._seeded(repo, author)
        issue = found.issues.get(number)
        if issue is None:
            raise ValueError(f"{repo} has no issue or pull request #{number}")
        now = timestamp(self._clock())
        comment = self.store.add_comment(found, issue, account.login, body, now)
        return {"id": comment.id, "number": number}

    def transfer_issue(self, repo: str, number: int, to: str) -> JSON:
        """Move an issue to repository ``to`` as GitHub's "Transfer issue" does (docs
        "Transferring an issue to another repository"): it takes the target's next number,
        keeps its id and so its ``node_id``, its comments and assignees; its labels are kept
        where the target has a label of that name and dropped otherwise. The old number is
        gone from the old repository (GitHub redirects the old page; this sandbox answers
        404 for it). Pull requests cannot be transferred."""
        source, _ = self._seeded(repo, "alice")
        target, _ = self._seeded(to, "alice")
        issue = source.issues.get(number)
        if issue is None or issue.pull is not None:
            raise ValueError(f"{repo} has no issue #{number} to transfer")
        if target is source:
            raise ValueError(f"{repo}#{number} is already in {to}")
        now = timestamp(self._clock())
        del source.issues[number]
        issue.number = target.next_number
        target.next_number += 1
        issue.labels = [found.name for name in issue.labels if (found := target.label(name))]
        issue.updated_at = now
        target.issues[issue.number] = issue
        for comment in [c for c in source.comments.values() if c.issue_number == number]:
            del source.comments[comment.id]
            comment.issue_number = issue.number
            target.comments[comment.id] = comment
        moved = [event for event in source.events if event.issue_number == number]
        source.events = [event for event in source.events if event.issue_number != number]
        for event in moved:
            event.issue_number = issue.number
        target.events.extend(moved)
        return {"number": issue.number, "node_id": node_id("I", issue.id)}

    def _seeded(self, repo: str, author: str) -> tuple[Repository, Account]:
        owner, _, name = repo.partition("/")
        found = self.store.repo(owner, name)
        if found is None:
            raise ValueError(f"no repository {repo!r} in the sandbox; add it first")
        account = self.store.account(author)
        if account is None:
            raise ValueError(f"no GitHub user {author!r} in the sandbox; add them first")
        return found, account
