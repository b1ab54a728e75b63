"""The GitHub emulator's label endpoints: a repository's labels (list, read, create, edit,
delete) and an issue's (list, add, replace, clear, remove one). Every change needs push
access.
"""

from __future__ import annotations

from typing import Any

from pmsync_sandbox.github.calls import (
    GitHubCall,
    GithubError,
    invalid,
    json_response,
    page_of,
    too_long,
)
from pmsync_sandbox.github.lookups import Lookups, check_label_name, label_names
from pmsync_sandbox.github.records import Issue, Repository
from pmsync_sandbox.http import SandboxResponse

MAX_LABEL_DESCRIPTION = 100
HEX_COLOR = frozenset("0123456789abcdefABCDEF")


class LabelEndpoints(Lookups):
    # --- an issue's labels ----------------------------------------------------------

    def list_issue_labels(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        return self._issue_labels(call, repo, self.issue(call, repo))

    def add_issue_labels(self, call: GitHubCall) -> SandboxResponse:
        return self._put_issue_labels(call, keep_present=True)

    def set_issue_labels(self, call: GitHubCall) -> SandboxResponse:
        return self._put_issue_labels(call, keep_present=False)

    def clear_issue_labels(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        issue = self.issue(call, repo)
        self.require_write(repo, call.viewer)
        self.store.set_issue_labels(repo, issue, [], call.viewer.login, call.now)
        return SandboxResponse(204)

    def remove_issue_label(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        issue = self.issue(call, repo)
        self.require_write(repo, call.viewer)
        name = call.params["name"].lower()
        if name not in {n.lower() for n in issue.labels}:
            raise GithubError(404, "Label does not exist")
        kept = [n for n in issue.labels if n.lower() != name]
        self.store.set_issue_labels(repo, issue, kept, call.viewer.login, call.now)
        return self._issue_labels(call, repo, issue)

    def _issue_labels(self, call: GitHubCall, repo: Repository, issue: Issue) -> SandboxResponse:
        labels = [label for name in issue.labels if (label := repo.label(name)) is not None]
        page, headers = page_of(call, labels)
        return json_response([call.render.label(repo, label) for label in page], 200, headers)

    def _put_issue_labels(self, call: GitHubCall, *, keep_present: bool) -> SandboxResponse:
        """The labels the body names, added to the issue's own or in place of them."""
        repo = self.repo(call)
        issue = self.issue(call, repo)
        self.require_write(repo, call.viewer)
        names = label_names(call.body())
        labels = issue.labels + names if keep_present else names
        self.store.set_issue_labels(repo, issue, labels, call.viewer.login, call.now)
        return self._issue_labels(call, repo, issue)

    # --- a repository's labels ------------------------------------------------------

    def list_labels(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        labels = sorted(repo.labels.values(), key=lambda label: label.name.lower())
        page, headers = page_of(call, labels)
        return json_response([call.render.label(repo, label) for label in page], 200, headers)

    def get_label(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        return json_response(call.render.label(repo, self.label(call, repo)))

    def create_label(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        self.require_write(repo, call.viewer)
        body = call.object_body()
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise invalid("Label", "name", "missing_field")
        check_label_name(name)
        color = _label_color(body.get("color", "ededed"))
        description = _label_description(body.get("description"))
        if repo.label(name) is not None:
            raise invalid("Label", "name", "already_exists")
        label = self.store.create_label(repo, name, color, description)
        data = call.render.label(repo, label)
        return json_response(data, 201, {"Location": data["url"]})

    def edit_label(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        label = self.label(call, repo)
        self.require_write(repo, call.viewer)
        body = call.object_body()
        new_name = body.get("new_name")
        color = _label_color(body["color"]) if "color" in body else label.color
        description = (
            _label_description(body["description"]) if "description" in body else label.description
        )
        if new_name is not None:
            if not isinstance(new_name, str) or not new_name.strip():
                raise invalid("Label", "name")
            check_label_name(new_name)
            clash = repo.label(new_name)
            if clash is not None and clash is not label:
                raise invalid("Label", "name", "already_exists")
            self.store.rename_label(repo, label, new_name)
        label.color, label.description = color, description
        return json_response(call.render.label(repo, label))

    def delete_label(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        label = self.label(call, repo)
        self.require_write(repo, call.viewer)
        self.store.delete_label(repo, label)
        return SandboxResponse(204)


def _label_color(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 6 or not set(value) <= HEX_COLOR:
        raise invalid("Label", "color", value=value)
    return value


def _label_description(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid("Label", "description")
    if len(value) > MAX_LABEL_DESCRIPTION:
        raise too_long("Label", "description", MAX_LABEL_DESCRIPTION)
    return value
