"""pmsync against the test sandbox: its clients, a CLI run's set-up, and `Site`.

``client`` and ``jira_client_for`` reach the sandbox as its people; ``use_sandbox``,
``write_config`` and ``event_file`` set up a run of the CLI against it, as a workflow
would. `Site` (for the security end-to-end tests) opens issues as any seeded person, runs
pmsync in process and reads back what GitHub and Jira hold and which requests were sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jira
import pytest
from github import Auth, Github

from pmsync.adapters.retry import RequestLog
from pmsync.config.schema import Config, GitHubConfig, JiraConfig, Person
from pmsync.core.domain import identity, markers
from pmsync.entry.run import Run
from pmsync.orchestration import sync_all
from pmsync_sandbox.runner import Sandbox
from support.lifecycle import fast_run, settings_for
from support.realdata import load_json

REPO = "acme/payments"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # the sandbox clock after a reset
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "postmortem.md"
BODY = EXAMPLE.read_text(encoding="utf-8")
TITLE = "Payments DB pool exhausted"
# bob by Jira account, alice by the e-mail pmsync looks up.
PEOPLE = "people:\n  bob: {jira_account: bob}\n  alice: {email: alice@example.com}\n"


def client(sandbox: Sandbox, token: str | None = None) -> Github:
    """PyGithub as the owner of ``token`` (alice, OWNER of acme/payments, by default), without
    retries or self-throttling."""
    return Github(
        base_url=sandbox.github_url,
        auth=Auth.Token(token or sandbox.github_token),
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )


def jira_client_for(sandbox: Sandbox) -> jira.JIRA:
    """The `jira` library as alice on the sandbox's Jira Cloud, without retries."""
    return jira.JIRA(
        server=sandbox.jira_url,
        basic_auth=(sandbox.jira_email, sandbox.jira_token),
        max_retries=0,
    )


def close_ticket(client: jira.JIRA, key: str, resolution: str | None = None) -> None:
    """Take ``key``'s transition to a done status, as its owner would, with ``resolution``
    if given."""
    for transition in client.transitions(key, expand="transitions.fields"):
        if transition["to"]["statusCategory"]["key"] == "done":
            fields = {"resolution": {"name": resolution}} if resolution else None
            client.transition_issue(key, transition["id"], fields=fields)
            return
    raise AssertionError(f"no transition of {key} leads to done")


def use_sandbox(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Set the variables pmsync reads (GITHUB_API_URL, GITHUB_TOKEN, JIRA_URL, JIRA_EMAIL,
    JIRA_API_TOKEN) to reach the sandbox, as a workflow's env block would; returns them."""
    variables = sandbox.env()
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return variables


def write_config(folder: Path, *repos: str, people: bool = False, extra: str = "") -> Path:
    """``folder``/pmsync.yml for the CLI on the sandbox: Jira Cloud, no throttling, the
    repositories to sync (none: pass --repo), bob and alice mapped if ``people``, then
    ``extra``."""
    listed = f"  repositories: [{', '.join(repos)}]\n" if repos else ""
    text = f"github:\n{listed}  throttle: false\njira:\n  deployment: cloud\n"
    path = folder / "pmsync.yml"
    path.write_text(text + (PEOPLE if people else "") + extra, encoding="utf-8")
    return path


def event_file(folder: Path, name: str, number: int, **changes: dict[str, Any]) -> Path:
    """``folder``/event.json as GITHUB_EVENT_PATH names it: GitHub's real ``name`` delivery
    (e.g. ``issues/opened``) for REPO's issue ``number``, each of ``changes`` merged into
    that part of the payload (``comment={"body": ...}``)."""
    payload = load_json(f"github-webhooks/{name}.payload.json")
    payload["issue"]["number"] = number
    payload["repository"]["full_name"] = REPO
    for key, value in changes.items():
        payload[key].update(value)
    path = folder / "event.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


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
        session = fast_run(
            self.settings, self.config, self.sandbox.clock(), requests, dry_run=dry_run
        )
        sync_all.sync([REPO], session.context, session.record)
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
