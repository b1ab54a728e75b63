"""What the GitHub emulator's families of endpoints share: finding the repository, issue,
comment or label a path names, the write-access check, and the checks of body parts that
more than one family reads (texts, label names, the issue sort order).
"""

from __future__ import annotations

from typing import Any

from pmsync_sandbox.github.calls import (
    GitHubCall,
    GithubError,
    by_number,
    invalid,
    not_found,
    too_long,
)
from pmsync_sandbox.github.records import Account, Comment, Issue, Label, Repository
from pmsync_sandbox.github.store import GithubStore

MAX_BODY = 65536  # characters, for issue and comment bodies
MAX_LABEL_NAME = 50


class Lookups:
    """The base of every family of endpoints: the store, and the objects a path names."""

    def __init__(self, store: GithubStore) -> None:
        self.store = store

    def repo(self, call: GitHubCall) -> Repository:
        repo = self.store.repo(call.params["owner"], call.params["repo"])
        if repo is None:
            raise not_found()
        return repo

    @staticmethod
    def issue(call: GitHubCall, repo: Repository) -> Issue:
        return by_number(call.params["number"], repo.issues.get)

    @staticmethod
    def comment(call: GitHubCall, repo: Repository) -> Comment:
        return by_number(call.params["id"], repo.comments.get)

    @staticmethod
    def label(call: GitHubCall, repo: Repository) -> Label:
        label = repo.label(call.params["name"])
        if label is None:
            raise not_found()
        return label

    @staticmethod
    def require_write(repo: Repository, viewer: Account) -> None:
        if not repo.can_write(viewer.login):
            raise GithubError(403, "Must have push access to repository")


def body_text(value: Any, resource: str, required: bool = False) -> str | None:
    """An issue or comment body, checked; ``None`` when it may be left out and is."""
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise invalid(resource, "body", "missing_field" if required else "invalid")
    if len(value) > MAX_BODY:
        raise too_long(resource, "body", MAX_BODY)
    return value


def check_label_name(name: str) -> None:
    if len(name) > MAX_LABEL_NAME:
        raise too_long("Label", "name", MAX_LABEL_NAME)


def label_names(body: Any, resource: str = "Label") -> list[str]:
    """Label names from ``["a", "b"]``, ``{"labels": [...]}`` or ``[{"name": "a"}]``."""
    if isinstance(body, dict):
        body = body.get("labels", [])
    if not isinstance(body, list):
        raise invalid(resource, "labels")
    names = []
    for item in body:
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name.strip():
            raise invalid(resource, "labels", value=item)
        check_label_name(name)
        names.append(name)
    return names


def issue_sort_field(sort: str | None) -> str:
    """The issue attribute a ``sort`` parameter names; creation time by default."""
    fields = {"created": "created_at", "updated": "updated_at", "comments": "comments"}
    return fields.get(sort or "", "created_at")
