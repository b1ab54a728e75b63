"""The sandbox's pages for the ``html_url`` links it gives, so the links pmsync and ``pmsync
sandbox open-issue`` print open in a browser, as plain text (markdown shown as written, so no
issue text becomes markup), read-only:

- an issue's (``/{owner}/{repo}/issues/{number}``) or a pull request's
  (``/{owner}/{repo}/pull/{number}``; every pull request is an issue): the title, labels,
  body and comments in order with their authors, from the sandbox's own REST answers
  (``GET /repos/{owner}/{repo}/issues/{number}`` and its ``/comments``) read as the
  repository's owner;
- a commit's on the default branch (``/{owner}/{repo}/commit/{sha}``, the ``html_url`` the
  commit search gives): its sha, author, date and message, from the store (the sandbox has
  no commit endpoint)."""

from __future__ import annotations

import json
from typing import Any

from pmsync.core.render import render
from pmsync_sandbox.github.service import GithubService
from pmsync_sandbox.http import SandboxRequest, SandboxResponse
from pmsync_sandbox.router import compile_pattern

PAGE = compile_pattern("/{owner}/{repo}/{kind}/{number}")
ISSUE_KINDS = ("issues", "pull")
COMMIT_PAGE = compile_pattern("/{owner}/{repo}/commit/{sha}")
TEXT = {"Content-Type": "text/plain; charset=utf-8"}
NOT_FOUND = SandboxResponse(404, b"Not Found\n", TEXT)
PAGE_SIZE = 100  # the most comments GitHub gives on one page


def issue_page(
    github: GithubService, reader: str, method: str, path: str, host: str
) -> SandboxResponse | None:
    """The page at ``path`` (outside the services) as ``reader`` sees it, or None when
    ``path`` names no issue page."""
    if method not in ("GET", "HEAD"):
        return None
    commit = COMMIT_PAGE.fullmatch(path)
    if commit is not None:
        return _commit_page(github, commit["owner"], commit["repo"], commit["sha"])
    found = PAGE.fullmatch(path)
    if found is None or found["kind"] not in ISSUE_KINDS or not found["number"].isdigit():
        return None
    repo, number = f"{found['owner']}/{found['repo']}", found["number"]
    api, token = f"http://{host}/github", github.token_of(reader)

    def read(path: str, query: dict[str, list[str]] | None = None) -> tuple[int, Any]:
        asked = SandboxRequest("GET", path, query or {}, {"authorization": f"token {token}"})
        answer = github.handle(asked)
        return answer.status, json.loads(answer.encoded() or b"null")

    status, issue = read(f"/repos/{repo}/issues/{number}")
    if status != 200:
        return NOT_FOUND
    comments: list[dict[str, Any]] = []
    page = 1
    while True:
        query = {"per_page": [str(PAGE_SIZE)], "page": [str(page)]}
        batch = read(f"/repos/{repo}/issues/{number}/comments", query)[1]
        comments += batch
        if len(batch) < PAGE_SIZE:
            break
        page += 1
    text = render(
        "issue_page.md.j2",
        {"repo": repo, "issue": issue, "comments": comments, "api": api},
        package="pmsync_sandbox.github",
    )
    return SandboxResponse(200, text.encode(), TEXT)


def _commit_page(github: GithubService, owner: str, name: str, sha: str) -> SandboxResponse:
    repo = github.store.repo(owner, name)
    commit = next((c for c in repo.commits if c.sha == sha), None) if repo else None
    if repo is None or commit is None:
        return NOT_FOUND
    text = render(
        "commit_page.md.j2",
        {"repo": repo.full_name, "commit": commit},
        package="pmsync_sandbox.github",
    )
    return SandboxResponse(200, text.encode(), TEXT)
