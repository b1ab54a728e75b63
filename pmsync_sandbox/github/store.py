"""The GitHub emulator's store: the accounts and repositories it holds, seeding them, and
``snapshot()``/``restore()``, which turn the whole store into JSON and back. The changes
GitHub makes to issues, labels, pull requests and comments, timestamps included, are kept
in the books the store is made of (issue_book.py, label_book.py, pull_book.py,
comment_book.py); what it holds is described in records.py.
"""

from __future__ import annotations

import copy
from dataclasses import asdict
from typing import Any

from pmsync_sandbox.github.comment_book import CommentBook
from pmsync_sandbox.github.commits import Commit
from pmsync_sandbox.github.pull_book import PullRequestBook
from pmsync_sandbox.github.records import Account, Comment, Issue, IssueEvent, Label, Repository

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


def sandbox_token(login: str) -> str:
    """The token a seeded or added user gets unless one is given."""
    return f"ghp_sandbox_{login.lower()}_token"


class GithubStore(PullRequestBook, CommentBook):
    def __init__(self) -> None:
        self.accounts: dict[str, Account] = {}
        self.repos: dict[str, Repository] = {}
        self.next_id = 1001
        # A test control: (repository, issue) -> the body a person saves right after the
        # issue's next read is answered (GithubService.edit_after_next_read).
        self.edits_after_read: dict[tuple[str, int], str] = {}

    # --- lookups --------------------------------------------------------------------

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
