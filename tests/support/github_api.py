"""GitHub's REST answers as real deliveries carry them, rebased onto a GitHub Enterprise
URL, and a GitHub adapter that talks to `responses` with retries that do not wait."""

from __future__ import annotations

import copy
import json
from typing import Any

from pydantic import SecretStr

from pmsync.adapters.github import GitHubAdapter
from pmsync.adapters.github_answers import classify
from pmsync.adapters.retry import Remote, RequestLog, RetryPolicy
from pmsync.config.settings import GitHubTokenAuth
from support.realdata import load_json

API = "https://ghe.acme.example:443/api/v3"  # PyGithub always names the port
TOKEN = "ghp_s3cretTokenValue"
REPO = "Codertocat/Hello-World"
ISSUE_URL = f"{API}/repos/{REPO}/issues/1"
OPENED = load_json("github-webhooks/issues/opened.payload.json")
COMMENTED = load_json("github-webhooks/issue_comment/created.payload.json")


def api_issue(**changes: Any) -> dict[str, Any]:
    """The issue of the real `issues.opened` delivery, as the REST API returns it."""
    raw = copy.deepcopy(OPENED["issue"])
    raw.update(changes)
    return rebase(raw)


def api_comment(comment_id: int, login: str, body: str) -> dict[str, Any]:
    raw = copy.deepcopy(COMMENTED["comment"])
    raw.update(id=comment_id, body=body)
    raw["user"]["login"] = login
    raw["url"] = f"https://api.github.com/repos/{REPO}/issues/comments/{comment_id}"
    return rebase(raw)


def rebase(raw: dict[str, Any]) -> dict[str, Any]:
    """URLs inside answers point at the API the client was given, as GHES does."""
    return json.loads(json.dumps(raw).replace("https://api.github.com", API))


def github_remote() -> tuple[Remote, RequestLog]:
    """pmsync's GitHub remote with retries that do not wait, and the log of its requests."""
    request_log = RequestLog()
    remote = Remote(
        "github",
        classify,
        policy=RetryPolicy(max_attempts=3, base_delay=0.0),
        log=request_log,
        sleep=lambda seconds: None,
    )
    return remote, request_log


def make_adapter(
    identity: str | None = "pmsync-bot", workflow_token: str | None = None
) -> tuple[GitHubAdapter, RequestLog]:
    remote, request_log = github_remote()
    auth = GitHubTokenAuth(api_url=API, token=SecretStr(TOKEN))
    adapter = GitHubAdapter.connect(
        auth, remote=remote, throttle=False, identity=identity, workflow_token=workflow_token
    )
    return adapter, request_log
