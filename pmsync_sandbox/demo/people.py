"""The people in the story, each with their own GitHub and Jira clients.

They act only through the public REST APIs, exactly as they would from a browser or a
script: the real PyGithub and ``jira`` clients talk HTTP to the sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import jira
from github import Auth, Github
from github.Repository import Repository

from pmsync_sandbox.demo import StoryBroke
from pmsync_sandbox.runner import SandboxControl

REPO = "acme/payments"
PROJECT = "OPS"


@dataclass
class DemoPerson:
    """Someone with a GitHub login, and a Jira account of the same name if they use Jira."""

    login: str
    github: Github
    jira_url: str
    _jira: jira.JIRA | None = field(default=None, repr=False)
    _repo: Repository | None = field(default=None, repr=False)

    @classmethod
    def sign_in(cls, sandbox: SandboxControl, login: str) -> DemoPerson:
        """Someone the sandbox knows, with its token scheme (docs/sandbox.md, "The seed")."""
        github = Github(
            base_url=sandbox.github_url,
            auth=Auth.Token(f"ghp_sandbox_{login}_token"),
            retry=None,
            seconds_between_requests=None,
            seconds_between_writes=None,
        )
        return cls(login, github, sandbox.jira_url)

    @property
    def jira(self) -> jira.JIRA:
        """Signed in on first use: someone outside the team never opens Jira."""
        if self._jira is None:
            self._jira = jira.JIRA(
                server=self.jira_url,
                basic_auth=(f"{self.login}@example.com", f"jira-token-{self.login}"),
                max_retries=0,
            )
        return self._jira

    # --- GitHub -----------------------------------------------------------------------

    def repo(self) -> Repository:
        if self._repo is None:
            self._repo = self.github.get_repo(REPO)
        return self._repo

    def open_postmortem(self, title: str, body: str) -> dict[str, Any]:
        """Open an issue from the form (it carries the ``postmortem`` label); GitHub's JSON."""
        issue = self.repo().create_issue(title, body=body, labels=["postmortem"])
        return dict(issue.raw_data)

    def add_label(self, number: int, label: str) -> dict[str, Any]:
        """Add a label to the issue; the issue as GitHub then holds it."""
        self.repo().get_issue(number).add_to_labels(label)
        return dict(self.repo().get_issue(number).raw_data)

    def read_body(self, number: int) -> str:
        return self.repo().get_issue(number).body or ""

    def edit_body(self, number: int, body: str) -> dict[str, Any]:
        """Edit the issue's body; the issue as GitHub then holds it (read once more, as
        GitHub does for the event it sends)."""
        self.repo().get_issue(number).edit(body=body)
        return dict(self.repo().get_issue(number).raw_data)

    # --- Jira -------------------------------------------------------------------------

    def my_ticket(self, summary: str) -> str:
        """The key of the post-mortem ticket assigned to this person with that summary."""
        found = self.jira.search_issues(
            f'project = {PROJECT} AND labels = "postmortem" ORDER BY created ASC',
            fields="summary,assignee",
            maxResults=100,
        )
        for issue in found:
            assignee = issue.fields.assignee
            if issue.fields.summary == summary and assignee and assignee.accountId == self.login:
                return str(issue.key)
        raise StoryBroke(f"{self.login} has no ticket {summary!r} in Jira")

    def move_ticket(self, key: str, transition: str) -> None:
        """Apply the workflow transition of that name (e.g. "Done", "Won't Do")."""
        offered = {t["name"]: t["id"] for t in self.jira.transitions(key)}
        if transition not in offered:
            raise StoryBroke(f"Jira offers no {transition!r} on {key}, only {sorted(offered)}")
        self.jira.transition_issue(key, offered[transition])

    def close(self) -> None:
        self.github.close()
        if self._jira is not None:
            self._jira.close()  # type: ignore[no-untyped-call]  # the jira library is untyped
