"""What a person does on a running sandbox, one command each: edit an issue's body, comment
on it (and get the ``issue_comment`` event GitHub would send), move a Jira ticket.

Each goes through the public REST API as that person, the way a browser would, so pmsync
sees the same traces as on GitHub and Jira: ``PATCH /repos/{owner}/{repo}/issues/{number}``
and ``POST /repos/{owner}/{repo}/issues/{number}/comments`` (GitHub REST, "Issues" and
"Issue comments"), ``GET`` and ``POST /rest/api/2/issue/{key}/transitions`` (Jira REST,
"Transitions"); and what the documented Jira automation rule sends when a ticket changes
status (docs/jira-site.md, "Status in seconds").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import requests

from pmsync.errors import UsageError
from pmsync_sandbox.runner import SandboxControl, SandboxControlError

TIMEOUT = 10  # seconds: the sandbox answers on this machine
# The rule's custom data, as docs/jira-site.md shows it for users to paste (a test holds the
# two equal).
DISPATCH_RULE_BODY = files("pmsync_sandbox.jira") / "dispatch_rule_body.json"


@dataclass(frozen=True)
class GithubActor:
    """A GitHub login on the sandbox with its token, and the API it talks to."""

    api: str  # e.g. http://127.0.0.1:8123/github
    token: str
    env: dict[str, str]  # the sandbox's own variables (its own user's accounts)

    def call(self, method: str, path: str, body: Any = None) -> requests.Response:
        with requests.Session() as session:
            session.trust_env = False  # a proxy must not stand between us and the sandbox
            return session.request(
                method,
                f"{self.api}{path}",
                headers={"Authorization": f"token {self.token}"},
                json=body,
                timeout=TIMEOUT,
            )


def person(origin: str, login: str | None) -> GithubActor:
    """``login`` (made a sandbox user with no role if new), else the sandbox's own user."""
    control = SandboxControl(origin)
    try:
        env = control.env()
        token = control.add_github_user(login)["token"] if login else env["GITHUB_TOKEN"]
    except (SandboxControlError, requests.RequestException) as exc:
        raise UsageError(f"no sandbox answers at {origin}: {exc}") from exc
    return GithubActor(env["GITHUB_API_URL"].rstrip("/"), token, env)


def frozen_now(origin: str) -> str | None:
    """The sandbox clock's time when it stands still (the demo's does), for ``--now``."""
    try:
        clock: dict[str, Any] = SandboxControl(origin).call("GET", "/clock")
    except (SandboxControlError, OSError):
        return None
    if not clock.get("frozen"):
        return None
    return datetime.fromisoformat(clock["now"]).strftime("%Y-%m-%dT%H:%M:%SZ")


def edit_issue(origin: str, repo: str, number: int, body: str, login: str | None) -> str:
    """Replace the issue's body as ``login``; the issue's page."""
    answer = person(origin, login).call("PATCH", f"/repos/{repo}/issues/{number}", {"body": body})
    if answer.status_code != 200:
        raise UsageError(f"the sandbox refused the edit of {repo}#{number}: {answer.text}")
    return str(answer.json()["html_url"])


def comment(origin: str, repo: str, number: int, text: str, login: str | None) -> dict[str, Any]:
    """Comment as ``login``; the ``issue_comment`` event (action ``created``) GitHub would
    send for it, with the issue and the comment as the REST API shows them."""
    actor = person(origin, login)
    issue = actor.call("GET", f"/repos/{repo}/issues/{number}")
    if issue.status_code != 200:
        raise UsageError(f"no issue {repo}#{number} on the sandbox: {issue.text}")
    posted = actor.call("POST", f"/repos/{repo}/issues/{number}/comments", {"body": text})
    if posted.status_code != 201:
        raise UsageError(f"the sandbox refused the comment on {repo}#{number}: {posted.text}")
    made = posted.json()
    return {
        "action": "created",
        "issue": issue.json(),
        "comment": made,
        "repository": {"full_name": repo},
        "sender": made["user"],
    }


def write_event(path: Path, payload: dict[str, Any]) -> None:
    try:
        path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc


def move_ticket(origin: str, key: str, to: str) -> tuple[str, bool]:
    """Move ``key`` with the transition named ``to`` (or the one leading to the status of
    that name), as the sandbox's own Jira user; what happened, in words, and whether the
    ticket moved (it is left alone when already there)."""
    env = person(origin, None).env
    jira = JiraActor(env)
    ticket = jira.call("GET", f"/issue/{key}?fields=status,resolution")
    if ticket.status_code != 200:
        raise UsageError(f"no ticket {key} on the sandbox's Jira: {ticket.text}")
    fields = ticket.json()["fields"]
    status = fields["status"]["name"]
    resolution = (fields.get("resolution") or {}).get("name")
    wanted = to.casefold()
    if wanted in {status.casefold(), str(resolution).casefold()}:
        return f"{key} is already {resolution or status}; nothing to do", False
    offered = jira.call("GET", f"/issue/{key}/transitions").json()["transitions"]
    chosen = next((t for t in offered if t["name"].casefold() == wanted), None) or next(
        (t for t in offered if t["to"]["name"].casefold() == wanted), None
    )
    if chosen is None:
        names = ", ".join(f'"{t["name"]}"' for t in offered) or "none"
        raise UsageError(f'{key} ({status}) cannot move to "{to}"; it can move by: {names}')
    moved = jira.call("POST", f"/issue/{key}/transitions", {"transition": {"id": chosen["id"]}})
    if moved.status_code != 204:
        raise UsageError(f"the sandbox's Jira refused to move {key}: {moved.text}")
    return f'{key}: {status} -> {chosen["to"]["name"]} (by "{chosen["name"]}")', True


def send_dispatch(origin: str, key: str, repo: str) -> dict[str, Any]:
    """What the documented Jira automation rule does when ``key`` changes status: its web
    request to ``repo``'s dispatches, with the sandbox user's token; the
    ``repository_dispatch`` event GitHub then records (the payload a workflow gets)."""
    env = person(origin, None).env
    headers = {
        "Accept": "application/vnd.github+json",
        "Authorization": f"Bearer {env['GITHUB_TOKEN']}",
        "X-GitHub-Api-Version": "2022-11-28",
    }
    url = f"{env['GITHUB_API_URL'].rstrip('/')}/repos/{repo}/dispatches"
    control = SandboxControl(origin)
    try:
        sent = control.send_jira_web_request(key, url, DISPATCH_RULE_BODY.read_text(), headers)
        events = control.github_events()
    except SandboxControlError as exc:
        raise UsageError(f"the sandbox's Jira could not send the rule for {key}: {exc}") from exc
    if sent["status"] != 204:
        raise UsageError(f"GitHub refused the dispatch for {key}: {sent['answer']}")
    payload: dict[str, Any] = events[-1]["payload"]
    return payload


@dataclass(frozen=True)
class JiraActor:
    """The sandbox's own Jira user: Basic e-mail and API token on Cloud, a personal access
    token (Bearer) on Data Center."""

    env: dict[str, str]

    def call(self, method: str, path: str, body: Any = None) -> requests.Response:
        env = self.env
        with requests.Session() as session:
            session.trust_env = False
            if "JIRA_TOKEN" in env:
                session.headers["Authorization"] = f"Bearer {env['JIRA_TOKEN']}"
            else:
                session.auth = (env["JIRA_EMAIL"], env["JIRA_API_TOKEN"])
            return session.request(
                method,
                f"{env['JIRA_URL'].rstrip('/')}/rest/api/2{path}",
                json=body,
                timeout=TIMEOUT,
            )
