"""The sandbox's page for an issue's ``html_url`` (``/{owner}/{repo}/issues/{number}``), so
the link pmsync and ``pmsync sandbox open-issue`` print opens in a browser: the title,
labels, body and comments in order with their authors, as plain text (markdown shown as
written, so no issue text becomes markup). Read-only; the data comes from the sandbox's own
REST answers (``GET /repos/{owner}/{repo}/issues/{number}`` and its ``/comments``), read as
the repository's owner."""

from __future__ import annotations

import json
from typing import Any

from pmsync.core.render import render
from pmsync_sandbox.github.service import GithubService
from pmsync_sandbox.http import SandboxRequest, SandboxResponse
from pmsync_sandbox.router import compile_pattern

PAGE = compile_pattern("/{owner}/{repo}/issues/{number}")
PAGE_SIZE = 100  # the most comments GitHub gives on one page


def issue_page(
    github: GithubService, reader: str, method: str, path: str, host: str
) -> SandboxResponse | None:
    """The page at ``path`` (outside the services) as ``reader`` sees it, or None when
    ``path`` names no issue page."""
    found = PAGE.fullmatch(path)
    if method not in ("GET", "HEAD") or found is None or not found["number"].isdigit():
        return None
    repo, number = f"{found['owner']}/{found['repo']}", found["number"]
    api, token = f"http://{host}/github", github.token_of(reader)

    def read(path: str, query: dict[str, list[str]] | None = None) -> tuple[int, Any]:
        asked = SandboxRequest("GET", path, query or {}, {"authorization": f"token {token}"})
        answer = github.handle(asked)
        return answer.status, json.loads(answer.encoded() or b"null")

    status, issue = read(f"/repos/{repo}/issues/{number}")
    if status != 200:
        return SandboxResponse(404, b"Not Found\n", {"Content-Type": "text/plain; charset=utf-8"})
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
    return SandboxResponse(200, text.encode(), {"Content-Type": "text/plain; charset=utf-8"})
