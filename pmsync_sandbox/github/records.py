"""What the GitHub emulator holds — accounts, repositories, issues (pull requests among
them), comments, labels and issue events — as plain dataclasses, with what a person's role
in a repository means. Logins, repository names and label names are matched
case-insensitively, as on GitHub. The changes GitHub makes to them are in the store
(store.py and its books).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pmsync_sandbox.github.commits import Commit

# A role is what GitHub shows of a person (``author_association``) and what they may do
# (the permission endpoint's answer), which are not the same thing: an organisation
# member whose membership is private (GitHub's default) shows as CONTRIBUTOR or NONE, and
# a member may have read access only ("About organization membership visibility"; REST
# "Get repository permissions for a user"; "author_association" in the issues schema).
ROLE_ASSOCIATION = {
    "OWNER": "OWNER",
    "MEMBER": "MEMBER",
    "COLLABORATOR": "COLLABORATOR",
    "PRIVATE_MEMBER": "CONTRIBUTOR",
    "READ_MEMBER": "MEMBER",
    "NONE": "NONE",
    "APP": "NONE",  # an App's bot: not a member or collaborator of anything
}
ROLE_PERMISSION = {
    "OWNER": "admin",
    "MEMBER": "write",
    "COLLABORATOR": "write",
    "PRIVATE_MEMBER": "write",
    "READ_MEMBER": "read",
    "NONE": "read",
    "APP": "write",  # the installation's issues permission (read and write)
}
ROLES = tuple(ROLE_ASSOCIATION)
WRITE_PERMISSIONS = frozenset({"admin", "maintain", "write"})


def timestamp(moment: datetime) -> str:
    """GitHub's timestamps: UTC, whole seconds, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Account:
    id: int
    login: str
    type: str  # "User" or "Organization"
    name: str | None
    email: str | None
    token: str | None
    created_at: str
    app: str | None = None  # an App installation's bot: the App's slug

    @property
    def installation(self) -> bool:
        """Whether the token is an App installation's, which GitHub refuses ``GET /user``."""
        return self.app is not None


@dataclass
class Label:
    id: int
    name: str
    color: str
    description: str | None
    default: bool = False


@dataclass
class Comment:
    id: int
    issue_number: int
    user: str
    body: str
    created_at: str
    updated_at: str
    # Reactions as GitHub lists them: {"id", "user", "content", "created_at"}, oldest first.
    reactions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class IssueEvent:
    id: int
    issue_number: int
    actor: str
    event: str  # labeled, unlabeled, closed, reopened, renamed
    created_at: str
    label: dict[str, str] | None = None  # {"name", "color"} for (un)labeled
    rename: dict[str, str] | None = None  # {"from", "to"} for renamed
    state_reason: str | None = None


@dataclass
class Issue:
    id: int
    number: int
    title: str
    body: str | None
    user: str
    state: str
    state_reason: str | None
    labels: list[str]  # names, as spelled on the repository's labels
    assignees: list[str]
    comments: int
    created_at: str
    updated_at: str
    closed_at: str | None
    closed_by: str | None
    locked: bool = False
    # A pull request is an issue with a branch ("Every pull request is an issue, but not
    # every issue is a pull request", REST "Issues"): it shares the numbers, the issues list,
    # the comments and the labels. ``{"head": branch, "merged_at": time or None}``.
    pull: dict[str, str | None] | None = None


@dataclass
class Repository:
    id: int
    owner: str
    name: str
    created_at: str
    updated_at: str
    roles: dict[str, str] = field(default_factory=dict)  # lower-case login -> role
    labels: dict[str, Label] = field(default_factory=dict)  # lower-case name -> label
    issues: dict[int, Issue] = field(default_factory=dict)
    comments: dict[int, Comment] = field(default_factory=dict)
    events: list[IssueEvent] = field(default_factory=list)
    next_number: int = 1
    commits: list[Commit] = field(default_factory=list)  # the default branch, oldest first

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def role_of(self, login: str) -> str:
        return self.roles.get(login.lower(), "NONE")

    def association_of(self, login: str) -> str:
        """What GitHub shows as ``author_association`` for ``login`` here."""
        return ROLE_ASSOCIATION[self.role_of(login)]

    def permission_of(self, login: str) -> str:
        """What the permission endpoint answers for ``login`` here."""
        return ROLE_PERMISSION[self.role_of(login)]

    def can_write(self, login: str) -> bool:
        return self.permission_of(login) in WRITE_PERMISSIONS

    def label(self, name: str) -> Label | None:
        return self.labels.get(name.lower())
