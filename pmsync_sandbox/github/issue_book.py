"""The GitHub store's issues: opening one, and the edits, closing and reopening GitHub
records as issue events."""

from __future__ import annotations

from pmsync_sandbox.github.label_book import NEW_LABEL_COLOR, LabelBook
from pmsync_sandbox.github.records import Issue, Repository


class IssueBook(LabelBook):
    def create_issue(
        self,
        repo: Repository,
        actor: str,
        now: str,
        title: str,
        body: str | None,
        labels: list[str],
        assignees: list[str],
    ) -> Issue:
        issue = Issue(
            id=self.new_id(),
            number=repo.next_number,
            title=title,
            body=body,
            user=actor,
            state="open",
            state_reason=None,
            labels=sorted(self.ensure_labels(repo, labels), key=str.lower),
            assignees=assignees,
            comments=0,
            created_at=now,
            updated_at=now,
            closed_at=None,
            closed_by=None,
        )
        repo.next_number += 1
        repo.issues[issue.number] = issue
        for name in issue.labels:
            label = repo.label(name)
            color = label.color if label else NEW_LABEL_COLOR
            self._event(repo, issue, actor, "labeled", now, label={"name": name, "color": color})
        return issue

    def retitle(self, repo: Repository, issue: Issue, title: str, actor: str, now: str) -> None:
        if title == issue.title:
            return
        self._event(repo, issue, actor, "renamed", now, rename={"from": issue.title, "to": title})
        issue.title = title
        self.touch(repo, issue, now)

    def rewrite_body(self, repo: Repository, issue: Issue, body: str | None, now: str) -> None:
        if body != issue.body:
            issue.body = body
            self.touch(repo, issue, now)

    def set_assignees(self, repo: Repository, issue: Issue, logins: list[str], now: str) -> None:
        if logins != issue.assignees:
            issue.assignees = logins
            self.touch(repo, issue, now)

    def set_state(
        self,
        repo: Repository,
        issue: Issue,
        state: str,
        reason: str | None,
        actor: str,
        now: str,
    ) -> None:
        if state == issue.state:
            if state == "closed" and reason and reason != issue.state_reason:
                issue.state_reason = reason
                self.touch(repo, issue, now)
            return
        if state == "closed":
            issue.state, issue.state_reason = "closed", reason or "completed"
            issue.closed_at, issue.closed_by = now, actor
        else:
            # GitHub keeps closed_at (and closed_by) on a reopened issue: the realdata
            # `issues.reopened` payload shows state "open" with the old closed_at.
            issue.state, issue.state_reason = "open", "reopened"
        event = "closed" if state == "closed" else "reopened"
        self._event(repo, issue, actor, event, now, state_reason=issue.state_reason)
        self.touch(repo, issue, now)
