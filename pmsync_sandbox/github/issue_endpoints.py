"""The GitHub emulator's issue endpoints: list, read, open and edit issues, and read their
events. People without push access may open issues and edit their own, but the labels and
assignees they ask for are dropped, as GitHub does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pmsync_sandbox.github.calls import (
    GitHubCall,
    GithubError,
    by_number,
    invalid,
    json_response,
    page_of,
    since_arg,
)
from pmsync_sandbox.github.lookups import Lookups, body_text, issue_sort_field, label_names
from pmsync_sandbox.github.records import Issue
from pmsync_sandbox.http import SandboxResponse

STATE_REASONS = frozenset({"completed", "not_planned", "reopened", "duplicate"})


@dataclass(frozen=True)
class IssueChanges:
    """The fields of an issue PATCH, checked; ``None`` where the body does not set them."""

    title: str | None
    body: str | None
    state: str | None
    state_reason: str | None
    labels: list[str] | None
    assignees: list[str] | None


class IssueEndpoints(Lookups):
    def list_issues(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        state = call.arg("state") or "open"
        if state not in ("open", "closed", "all"):
            raise invalid("Issue", "state", value=state)
        wanted = {
            name.strip().lower() for name in (call.arg("labels") or "").split(",") if name.strip()
        }
        since = since_arg(call, "Issue")
        creator = (call.arg("creator") or "").lower()
        assignee = (call.arg("assignee") or "").lower()
        selected = [
            issue
            for issue in repo.issues.values()
            if state in ("all", issue.state)
            and wanted <= {name.lower() for name in issue.labels}
            and (since is None or issue.updated_at >= since)
            and (not creator or issue.user.lower() == creator)
            and _assignee_matches(issue, assignee)
        ]
        ordered = _sorted_issues(selected, call.arg("sort") or "created", call.arg("direction"))
        page, headers = page_of(call, ordered)
        return json_response([call.render.issue(repo, issue) for issue in page], 200, headers)

    def get_issue(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        issue = self.issue(call, repo)
        answer = json_response(call.render.issue(repo, issue))
        # A person's edit saved between this read and the reader's next write, if a test
        # asked for one: the answer already holds the body as it was.
        edit = self.store.edits_after_read.pop((repo.full_name, issue.number), None)
        if edit is not None:
            self.store.rewrite_body(repo, issue, edit, call.now)
        return answer

    def create_issue(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        body = call.object_body()
        title = body.get("title")
        if isinstance(title, int) and not isinstance(title, bool):
            title = str(title)
        if not isinstance(title, str) or not title.strip():
            raise invalid("Issue", "title", "missing_field")
        text = body_text(body.get("body"), "Issue")
        writer = repo.can_write(call.viewer.login)
        # Without push access GitHub silently drops labels and assignees.
        labels = label_names(body.get("labels") or [], "Issue") if writer else []
        logins = body.get("assignees") or ([body["assignee"]] if body.get("assignee") else [])
        assignees = self._assignees(logins) if writer else []
        issue = self.store.create_issue(
            repo, call.viewer.login, call.now, title, text, labels, assignees
        )
        data = call.render.issue(repo, issue)
        return json_response(data, 201, {"Location": data["url"]})

    def edit_issue(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        issue = self.issue(call, repo)
        body = call.object_body()
        writer = repo.can_write(call.viewer.login)
        if not writer and issue.user.lower() != call.viewer.login.lower():
            raise GithubError(403, "Must have push access to repository")
        changes = self._issue_changes(body, writer)
        store, actor, now = self.store, call.viewer.login, call.now
        if changes.title is not None:
            store.retitle(repo, issue, changes.title, actor, now)
        if "body" in body:
            store.rewrite_body(repo, issue, changes.body, now)
        if changes.state is not None or changes.state_reason is not None:
            state = changes.state or issue.state
            store.set_state(repo, issue, state, changes.state_reason, actor, now)
        if changes.labels is not None:
            store.set_issue_labels(repo, issue, changes.labels, actor, now)
        if changes.assignees is not None:
            store.set_assignees(repo, issue, changes.assignees, now)
        return json_response(call.render.issue(repo, issue))

    def list_issue_events(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        issue = self.issue(call, repo)
        events = [e for e in repo.events if e.issue_number == issue.number]
        page, headers = page_of(call, events)
        return json_response([call.render.event(repo, e) for e in page], 200, headers)

    def get_issue_event(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        event = by_number(
            call.params["id"], lambda number: next((e for e in repo.events if e.id == number), None)
        )
        return json_response(call.render.event(repo, event))

    def _issue_changes(self, body: dict[str, Any], writer: bool) -> IssueChanges:
        title = body.get("title")
        if title is not None and (not isinstance(title, str) or not title.strip()):
            raise invalid("Issue", "title")
        state = body.get("state")
        if state is not None and state not in ("open", "closed"):
            raise invalid("Issue", "state", value=state)
        reason = body.get("state_reason")
        if reason is not None and reason not in STATE_REASONS:
            raise invalid("Issue", "state_reason", value=reason)
        if body.get("milestone") is not None:
            raise invalid("Issue", "milestone", value=body["milestone"])
        labels = assignees = None
        # Without push access GitHub silently ignores label and assignee changes.
        if writer and "labels" in body:
            labels = label_names(body["labels"] or [], "Issue")
        if writer and ("assignees" in body or "assignee" in body):
            logins = body.get("assignees")
            if logins is None:
                logins = [body["assignee"]] if body.get("assignee") else []
            assignees = self._assignees(logins)
        return IssueChanges(
            title=title,
            body=body_text(body.get("body"), "Issue"),
            state=state,
            state_reason=reason,
            labels=labels,
            assignees=assignees,
        )

    def _assignees(self, logins: Any) -> list[str]:
        """The logins as their accounts spell them; 422 for anyone who is not a user."""
        if logins is None:
            return []
        if not isinstance(logins, list) or not all(isinstance(x, str) for x in logins):
            raise invalid("Issue", "assignees")
        spelled = []
        for login in logins:
            account = self.store.account(login)
            if account is None or account.type != "User":
                raise invalid("Issue", "assignees", value=login)
            spelled.append(account.login)
        return spelled


def _assignee_matches(issue: Issue, wanted: str) -> bool:
    """The ``assignee`` filter: a login, ``*`` (anyone) or ``none``."""
    if not wanted:
        return True
    if wanted in ("*", "none"):
        return bool(issue.assignees) == (wanted == "*")
    return wanted in {login.lower() for login in issue.assignees}


def _sorted_issues(issues: Iterable[Issue], sort: str, direction: str | None) -> list[Issue]:
    key = issue_sort_field(sort)
    return sorted(
        issues, key=lambda issue: (getattr(issue, key), issue.number), reverse=direction != "asc"
    )
