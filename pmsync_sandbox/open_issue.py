"""`pmsync sandbox open-issue`: open a post-mortem on a running sandbox as a person would
from the issue form, so trying a body takes one command instead of hand-written JSON."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pmsync.core.postmortem.form import Form
from pmsync.errors import UsageError
from pmsync_sandbox.acting import GithubActor, person


@dataclass(frozen=True)
class Opened:
    repo: str
    number: int
    url: str


def sandbox_origin(github_api_url: str | None, given: str | None) -> str:
    """``--sandbox``, else the origin of ``GITHUB_API_URL`` (the sandbox serves GitHub at
    ``<origin>/github``)."""
    if given:
        return given.rstrip("/")
    if github_api_url and github_api_url.rstrip("/").endswith("/github"):
        return github_api_url.rstrip("/").removesuffix("/github")
    raise UsageError(
        "which sandbox? give --sandbox http://127.0.0.1:PORT, or set the variables `pmsync "
        "sandbox serve` (or `pmsync demo --keep`) printed"
    )


def open_issue(
    origin: str, repo: str, title: str, body: str, form: Form, author: str | None
) -> Opened:
    """Open the issue as ``author`` (made a sandbox user if new; else the sandbox's own
    user) and give it the form's labels, which GitHub adds to a form's issue whoever files
    it."""
    actor = person(origin, author)
    created = actor.call("POST", f"/repos/{repo}/issues", {"title": title, "body": body})
    if created.status_code != 201:
        raise UsageError(f"the sandbox refused the issue in {repo}: {created.text}")
    issue = created.json()
    if form.labels:
        owner = GithubActor(actor.api, actor.env["GITHUB_TOKEN"], actor.env)
        labels = {"labels": list(form.labels)}
        owner.call(
            "POST", f"/repos/{repo}/issues/{issue['number']}/labels", labels
        ).raise_for_status()
    return Opened(repo, issue["number"], issue["html_url"])


def read_body(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc
