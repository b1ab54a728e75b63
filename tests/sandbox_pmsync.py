"""pmsync against the test sandbox, for the security end-to-end tests.

`Site` opens issues as any seeded person, runs pmsync (in process, through `start_run`)
and reads back what GitHub and Jira hold and which requests were sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from github import Auth, Github
from pydantic import SecretStr

from pmsync.adapters.retry import RequestLog, RetryPolicy
from pmsync.config.model import Config, GitHubConfig, JiraConfig, Person
from pmsync.config.settings import Settings
from pmsync.engine import identity, markers, reconcile
from pmsync.runtime.run import Run, start_run
from pmsync.sandbox.runner import Sandbox

REPO = "acme/payments"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # the sandbox clock after a reset
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "postmortem.md"
BODY = EXAMPLE.read_text(encoding="utf-8")
TITLE = "Payments DB pool exhausted"
FAST = RetryPolicy(max_attempts=3, base_delay=0.0)


def client(sandbox: Sandbox, token: str) -> Github:
    return Github(
        base_url=sandbox.github_url,
        auth=Auth.Token(token),
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )


def settings_for(sandbox: Sandbox) -> Settings:
    variables = sandbox.env()
    return Settings(
        github_token=SecretStr(variables["GITHUB_TOKEN"]),
        github_api_url=variables["GITHUB_API_URL"],
        jira_url=variables["JIRA_URL"],
        jira_email=variables["JIRA_EMAIL"],
        jira_api_token=SecretStr(variables["JIRA_API_TOKEN"]),
    )


def default_config() -> Config:
    return Config(
        github=GitHubConfig(repositories=[REPO], throttle=False),
        jira=JiraConfig(deployment="cloud"),
        people={"bob": Person(jira_account="bob"), "alice": Person(jira_account="alice")},
    )


@dataclass
class Site:
    """The sandbox, seen by its people and by pmsync (which acts as alice)."""

    sandbox: Sandbox
    config: Config = field(default_factory=default_config)

    def __post_init__(self) -> None:
        self.settings = settings_for(self.sandbox)
        self._tokens = {"alice": self.sandbox.github_token, "bob": "ghp_sandbox_bob_token"}

    def person(self, login: str, role: str) -> None:
        """Seed a GitHub user with this role in the repository (NONE: an outsider)."""
        self._tokens[login] = self.sandbox.add_github_user(login, repos={REPO: role})["token"]

    def as_(self, login: str) -> Github:
        return client(self.sandbox, self._tokens[login])

    def open(self, login: str, body: str = BODY, title: str = TITLE) -> int:
        """Open a post-mortem as ``login``. GitHub applies an issue form's labels whoever
        opens it; the REST API drops an outsider's labels, so an owner adds the form's label."""
        issue = self.as_(login).get_repo(REPO).create_issue(title, body=body)
        self.as_("alice").get_repo(REPO).get_issue(issue.number).add_to_labels("postmortem")
        return issue.number

    def run(self, *, dry_run: bool = False, requests: RequestLog | None = None) -> Run:
        """`pmsync sync` in process; ``requests`` (with its listeners) sees every request."""
        session = start_run(
            self.settings,
            self.config,
            now=self.sandbox.clock(),
            dry_run=dry_run,
            requests=requests,
            policy=FAST,
            sleep=lambda seconds: None,
            show=lambda text: None,
        )
        reconcile.sync([REPO], session.engine)
        return session

    # -- what the services hold and were asked -------------------------------------------

    def issue_state(self, number: int) -> dict[str, Any]:
        issue: dict[str, Any] = self.sandbox.state()["github"]["repos"][REPO]["issues"][str(number)]
        return issue

    def labels(self, number: int) -> list[str]:
        return list(self.issue_state(number)["labels"])

    def comments(self, number: int | None = None) -> list[dict[str, Any]]:
        """Comments in the repository (of one issue), oldest first."""
        stored = self.sandbox.state()["github"]["repos"][REPO]["comments"].values()
        found = [c for c in stored if number is None or c["issue_number"] == number]
        return sorted(found, key=lambda c: c["id"])

    def bot_comments(self, number: int, marker: str) -> list[str]:
        return [
            c["body"]
            for c in self.comments(number)
            if c["user"] == "alice" and markers.has_marker(c["body"], marker)
        ]

    def tickets(self, number: int | None = None) -> dict[str, dict[str, Any]]:
        issues: dict[str, dict[str, Any]] = self.sandbox.state()["jira"]["issues"]
        if number is None:
            return issues
        label = identity.postmortem_label(REPO, number)
        return {key: raw for key, raw in issues.items() if label in raw["labels"]}

    def writes(self, service: str) -> list[tuple[str, str]]:
        return [
            (r["method"], r["path"])
            for r in self.sandbox.requests(service)
            if r["method"] not in ("GET", "HEAD")
        ]
