"""What the GitHub emulator holds — accounts, repositories, issues, comments, labels,
issue events — and the changes GitHub makes to them, timestamps included.

Plain dataclasses; ``snapshot()``/``restore()`` turn the whole store into JSON and back.
Logins, repository names and label names are matched case-insensitively, as on GitHub.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
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
NEW_LABEL_COLOR = "ededed"  # what GitHub gives a label created by naming it on an issue

# The labels GitHub puts in every new repository.
DEFAULT_LABELS = (
    ("bug", "d73a4a", "Something isn't working"),
    ("documentation", "0075ca", "Improvements or additions to documentation"),
    ("duplicate", "cfd3d7", "This issue or pull request already exists"),
    ("enhancement", "a2eeef", "New feature or request"),
    ("good first issue", "7057ff", "Good for newcomers"),
    ("help wanted", "008672", "Extra attention is needed"),
    ("invalid", "e4e669", "This doesn't seem right"),
    ("question", "d876e3", "Further information is requested"),
    ("wontfix", "ffffff", "This will not be worked on"),
)

SEED_REPOSITORY = "acme/payments"
SEED_USERS = (("alice", "Alice Adams", "OWNER"), ("bob", "Bob Brown", "MEMBER"))


def timestamp(moment: datetime) -> str:
    """GitHub's timestamps: UTC, whole seconds, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sandbox_token(login: str) -> str:
    """The token a seeded or added user gets unless one is given."""
    return f"ghp_sandbox_{login.lower()}_token"


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


class GithubStore:
    def __init__(self) -> None:
        self.accounts: dict[str, Account] = {}
        self.repos: dict[str, Repository] = {}
        self.next_id = 1001
        # A test control: (repository, issue) -> the body a person saves right after the
        # issue's next read is answered (GithubService.edit_after_next_read).
        self.edits_after_read: dict[tuple[str, int], str] = {}

    # --- ids, lookups ---------------------------------------------------------------

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def account(self, login: str) -> Account | None:
        return self.accounts.get(login.lower())

    def account_by_token(self, token: str) -> Account | None:
        return next((a for a in self.accounts.values() if a.token == token), None)

    def repo(self, owner: str, name: str) -> Repository | None:
        return self.repos.get(f"{owner}/{name}".lower())

    def repo_by_id(self, repo_id: int) -> Repository | None:
        return next((r for r in self.repos.values() if r.id == repo_id), None)

    # --- seeding (control API) --------------------------------------------------------

    def seed(self, now: str) -> None:
        self.accounts.clear()
        self.repos.clear()
        self.edits_after_read.clear()
        self.next_id = 1001
        for login, name, _ in SEED_USERS:
            self.add_user(login, now, name=name)
        owner, name = SEED_REPOSITORY.split("/")
        repo = self.add_repo(owner, name, now)
        for login, _, role in SEED_USERS:
            repo.roles[login] = role

    def add_user(
        self,
        login: str,
        now: str,
        token: str | None = None,
        name: str | None = None,
        email: str | None = None,
    ) -> Account:
        account = self.account(login)
        if account is None:
            account = Account(self.new_id(), login, "User", None, None, None, now)
            self.accounts[login.lower()] = account
        account.type = "User"
        account.token = token or account.token or sandbox_token(login)
        account.name = name if name is not None else account.name or login.capitalize()
        account.email = email if email is not None else account.email or f"{login}@example.com"
        return account

    def add_app(self, slug: str, repos: list[str], now: str) -> Account:
        """An App installed on ``repos``: its bot account ``<slug>[bot]`` (type Bot), whose
        token is the installation's (``ghs_``, as GitHub's installation tokens begin)."""
        login = f"{slug}[bot]"
        account = self.account(login)
        if account is None:
            account = Account(self.new_id(), login, "Bot", None, None, None, now, app=slug)
            self.accounts[login.lower()] = account
        account.token = account.token or f"ghs_sandbox_{slug.lower()}_installation"
        for full_name in repos:
            owner, _, name = full_name.partition("/")
            self.add_repo(owner, name, now).roles[login.lower()] = "APP"
        return account

    def add_repo(self, owner: str, name: str, now: str) -> Repository:
        existing = self.repo(owner, name)
        if existing is not None:
            return existing
        if self.account(owner) is None:
            organisation = Account(self.new_id(), owner, "Organization", owner, None, None, now)
            self.accounts[owner.lower()] = organisation
        repo = Repository(self.new_id(), owner, name, now, now)
        for label_name, color, description in DEFAULT_LABELS:
            repo.labels[label_name] = Label(self.new_id(), label_name, color, description, True)
        self.repos[repo.full_name.lower()] = repo
        return repo

    # --- labels -----------------------------------------------------------------------

    def create_label(
        self, repo: Repository, name: str, color: str, description: str | None
    ) -> Label:
        label = Label(self.new_id(), name, color, description)
        repo.labels[name.lower()] = label
        return label

    def rename_label(self, repo: Repository, label: Label, new_name: str) -> None:
        old = label.name
        del repo.labels[old.lower()]
        label.name = new_name
        repo.labels[new_name.lower()] = label
        for issue in repo.issues.values():
            issue.labels = [new_name if n.lower() == old.lower() else n for n in issue.labels]

    def delete_label(self, repo: Repository, label: Label) -> None:
        del repo.labels[label.name.lower()]
        for issue in repo.issues.values():
            issue.labels = [n for n in issue.labels if n.lower() != label.name.lower()]

    def ensure_labels(self, repo: Repository, names: list[str]) -> list[str]:
        """The repository's spelling of each name, creating labels GitHub would create."""
        spelled: list[str] = []
        for name in names:
            label = repo.label(name) or self.create_label(repo, name, NEW_LABEL_COLOR, None)
            if label.name not in spelled:
                spelled.append(label.name)
        return spelled

    def set_issue_labels(
        self, repo: Repository, issue: Issue, names: list[str], actor: str, now: str
    ) -> None:
        wanted = self.ensure_labels(repo, names)
        removed = [n for n in issue.labels if n not in wanted]
        added = [n for n in wanted if n not in issue.labels]
        if not removed and not added:
            return
        issue.labels = sorted(wanted, key=str.lower)
        for name, event in [(n, "unlabeled") for n in removed] + [(n, "labeled") for n in added]:
            label = repo.label(name)
            color = label.color if label else NEW_LABEL_COLOR
            self._event(repo, issue, actor, event, now, label={"name": name, "color": color})
        self.touch(repo, issue, now)

    # --- issues -----------------------------------------------------------------------

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

    def touch(self, repo: Repository, issue: Issue, now: str) -> None:
        issue.updated_at = now
        repo.updated_at = now

    # --- comments ---------------------------------------------------------------------

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

    def _event(
        self, repo: Repository, issue: Issue, actor: str, event: str, now: str, **details: Any
    ) -> None:
        repo.events.append(IssueEvent(self.new_id(), issue.number, actor, event, now, **details))

    # --- snapshot ---------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        return {
            "next_id": self.next_id,
            "accounts": {key: asdict(account) for key, account in self.accounts.items()},
            "repos": {key: _repo_to_json(repo) for key, repo in self.repos.items()},
        }

    def restore(self, data: dict[str, Any]) -> None:
        data = copy.deepcopy(data)
        self.next_id = int(data["next_id"])
        self.accounts = {key: Account(**value) for key, value in data["accounts"].items()}
        self.repos = {key: _repo_from_json(value) for key, value in data["repos"].items()}


def _repo_to_json(repo: Repository) -> dict[str, Any]:
    data = asdict(repo)
    data["full_name"] = repo.full_name
    data["issues"] = {str(number): asdict(issue) for number, issue in repo.issues.items()}
    data["comments"] = {str(cid): asdict(comment) for cid, comment in repo.comments.items()}
    return data


def _repo_from_json(data: dict[str, Any]) -> Repository:
    return Repository(
        id=data["id"],
        owner=data["owner"],
        name=data["name"],
        created_at=data["created_at"],
        updated_at=data["updated_at"],
        roles=dict(data["roles"]),
        labels={key: Label(**value) for key, value in data["labels"].items()},
        issues={int(key): Issue(**value) for key, value in data["issues"].items()},
        comments={int(key): Comment(**value) for key, value in data["comments"].items()},
        events=[IssueEvent(**value) for value in data["events"]],
        next_number=data["next_number"],
        commits=[Commit(**value) for value in data.get("commits", ())],
    )
