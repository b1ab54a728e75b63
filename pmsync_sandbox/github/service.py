"""The GitHub REST emulator: the endpoints PyGithub calls for pmsync, with GitHub's status
codes, error bodies, pagination ``Link`` headers, rate-limit headers and ETags.

Each request is authenticated by its token (``Authorization: token ...`` or ``Bearer ...``),
routed to one handler (the table is in routes.py), and the answer then gets the headers
GitHub adds to every answer. Permissions follow the caller's role in the repository:
people without write access may open issues and comment, but labels they ask for are
dropped (as GitHub does) and they cannot touch other people's issues or the repository's
labels.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from pmsync_sandbox.github.calls import DOCS, GitHubCall, GithubError, json_response, not_found
from pmsync_sandbox.github.ratelimit import RateLimits
from pmsync_sandbox.github.records import Account, timestamp
from pmsync_sandbox.github.renderer import Renderer
from pmsync_sandbox.github.routes import github_routes
from pmsync_sandbox.github.secondary import LimitRefusal, SecondaryLimits
from pmsync_sandbox.github.seeding import Seeding
from pmsync_sandbox.github.shapes import JSON
from pmsync_sandbox.github.store import GithubStore
from pmsync_sandbox.http import SandboxRequest, SandboxResponse
from pmsync_sandbox.router import Miss


class GithubService(Seeding):
    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self.store = GithubStore()
        self.limits = RateLimits()
        self.secondary = SecondaryLimits()
        self._request_ids = 0
        # The events repository dispatches created, as workflows would get them.
        self.events: list[JSON] = []
        self.router = github_routes(self.store, self.limits, self._clock, self.events)
        self.reset()

    # --- the service contract -------------------------------------------------------

    def reset(self) -> None:
        self.store.seed(timestamp(self._clock()))
        self.events.clear()
        self.limits.reset()
        self.secondary.reset()

    def snapshot(self) -> dict[str, Any]:
        return {**self.store.snapshot(), "events": list(self.events)}

    def restore(self, data: dict[str, Any]) -> None:
        self.store.restore(data)
        self.events[:] = list(data.get("events", []))
        self.limits.reset()
        self.secondary.forget_writes()

    def error_response(self, status: int, message: str) -> SandboxResponse:
        return json_response(GithubError(status, message).body(DOCS), status)

    # --- the control API ------------------------------------------------------------

    def add_user(
        self,
        login: str,
        token: str | None = None,
        roles: Mapping[str, str] | None = None,
        name: str | None = None,
        email: str | None = None,
    ) -> JSON:
        """Add (or update) a user and their roles; repositories named are created."""
        now = timestamp(self._clock())
        holder = self.store.account_by_token(token) if token else None
        if holder is not None and holder.login.lower() != login.lower():
            raise ValueError(f"token already belongs to {holder.login}; give {login} another")
        account = self.store.add_user(login, now, token=token, name=name, email=email)
        for full_name, role in (roles or {}).items():
            owner, _, repo_name = full_name.partition("/")
            if not owner or not repo_name:
                raise ValueError(f"{full_name!r} is not owner/name")
            self.store.add_repo(owner, repo_name, now).roles[login.lower()] = role
        return {"login": account.login, "id": account.id, "token": account.token}

    def add_app(self, slug: str, repos: list[str]) -> JSON:
        """An App installed on ``repos``, and its installation token."""
        for full_name in repos:
            if "/" not in full_name:
                raise ValueError(f"{full_name!r} is not owner/name")
        account = self.store.add_app(slug, repos, timestamp(self._clock()))
        return {"token": account.token, "login": account.login, "id": account.id}

    def add_repo(self, full_name: str) -> JSON:
        owner, _, name = full_name.partition("/")
        repo = self.store.add_repo(owner, name, timestamp(self._clock()))
        return {"full_name": repo.full_name, "id": repo.id}

    def set_rate_limit(self, resource: str, limit: int, remaining: int | None) -> None:
        self.limits.configure(resource, limit, remaining)

    def set_limits(self, changes: Mapping[str, int]) -> dict[str, int]:
        """GitHub's secondary limits, changed for tests (``content_per_minute``,
        ``content_per_hour``, ``search_per_minute``); the answer is all three."""
        for name in ("content_per_minute", "content_per_hour"):
            if name in changes:
                setattr(self.secondary, name, changes[name])
        if "search_per_minute" in changes:
            self.limits.configure("search", changes["search_per_minute"], None)
        return {**self.secondary.describe(), "search_per_minute": self.limits.limit("search")}

    def edit_after_next_read(self, full_name: str, number: int, body: str) -> None:
        """A person saves ``body`` as the issue's body right after the sandbox answers the
        issue's next read (GET /repos/{owner}/{repo}/issues/{number}): the edit falls
        between a reader's read and its write, as one can on GitHub."""
        self.store.edits_after_read[(full_name, number)] = body

    def token_of(self, login: str) -> str:
        account = self.store.account(login)
        if account is None or account.token is None:
            raise KeyError(f"no GitHub user {login!r} in the sandbox")
        return account.token

    # --- one request ----------------------------------------------------------------

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        now = self._clock()
        epoch = now.timestamp()
        self._request_ids += 1
        viewer = self._authenticate(request)
        found = self.router.match(request.method, request.path)
        doc = found[0].doc if not isinstance(found, Miss) else DOCS
        resource = "search" if request.path.startswith("/search/") else "core"
        bucket = self.limits.bucket(viewer.login if viewer else None, resource, epoch)
        counted = request.path.rstrip("/") != "/rate_limit"
        try:
            if viewer is None:
                missing = "authorization" not in request.headers
                raise GithubError(401, "Requires authentication" if missing else "Bad credentials")
            if isinstance(found, Miss):
                raise not_found()
            if counted and bucket.remaining == 0:
                raise GithubError(
                    403,
                    f"API rate limit exceeded for user ID {viewer.id}.",
                    doc=f"{DOCS}/overview/rate-limits-for-the-rest-api",
                )
            refusal = self.secondary.check(viewer.login, request.method, epoch)
            if refusal is not None:
                return self._refused(refusal, bucket.headers(), viewer)
            base = request.base_url
            web = base.rsplit("/", 1)[0] if base.count("/") > 2 else base
            call = GitHubCall(
                request, found[1], viewer, Renderer(self.store, base, web), timestamp(now)
            )
            response = found[0].handler(call)
        except GithubError as error:
            response = json_response(error.body(doc), error.status)
        response = self._conditional(request, viewer, response)
        if counted and response.status != 304 and bucket.remaining > 0:
            bucket.used += 1
        response.headers.update(bucket.headers())
        response.headers.update(self._common_headers(viewer))
        return response

    def _refused(
        self, refusal: LimitRefusal, limit_headers: dict[str, str], viewer: Account
    ) -> SandboxResponse:
        """A secondary limit's answer, as GitHub gives it (``secondary``)."""
        request_id = f"5A7D:{self._request_ids:08X}"
        response = json_response(refusal.body(request_id), refusal.status)
        if refusal.retry_after is not None:
            response.headers["retry-after"] = str(refusal.retry_after)
        response.headers.update(limit_headers)
        response.headers.update(self._common_headers(viewer))
        return response

    def _authenticate(self, request: SandboxRequest) -> Account | None:
        header = request.headers.get("authorization", "")
        scheme, _, credential = header.partition(" ")
        credential = credential.strip()
        if scheme.lower() == "basic":
            try:
                credential = base64.b64decode(credential).decode().partition(":")[2]
            except ValueError:
                return None
        elif scheme.lower() not in ("token", "bearer"):
            return None
        return self.store.account_by_token(credential) if credential else None

    def _conditional(
        self, request: SandboxRequest, viewer: Account | None, response: SandboxResponse
    ) -> SandboxResponse:
        """ETag on every successful read; 304 when the client already has it."""
        if request.method != "GET" or response.status != 200 or viewer is None:
            return response
        payload = response.encoded()
        tag = 'W/"' + hashlib.sha256(payload + viewer.login.encode()).hexdigest() + '"'
        response.headers["ETag"] = tag
        offered = request.headers.get("if-none-match", "")
        if offered and (offered.strip() == "*" or _strip_weak(tag) in _etags(offered)):
            return SandboxResponse(304, None, {"ETag": tag})
        return replace(response, body=payload, headers={**response.headers, **_JSON_TYPE})

    def _common_headers(self, viewer: Account | None) -> dict[str, str]:
        headers = {
            "x-github-media-type": "github.v3; format=json",
            "x-github-api-version-selected": "2022-11-28",
            "x-github-request-id": f"5A7D:{self._request_ids:08X}",
            "Vary": "Accept, Authorization, Cookie, X-GitHub-OTP",
        }
        if viewer is not None:
            headers["x-oauth-scopes"] = "repo, workflow"
            headers["x-accepted-oauth-scopes"] = "repo"
            headers["Cache-Control"] = "private, max-age=60, s-maxage=60"
        return headers


_JSON_TYPE = {"Content-Type": "application/json; charset=utf-8"}


def _etags(header: str) -> set[str]:
    return {_strip_weak(tag.strip()) for tag in header.split(",")}


def _strip_weak(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag
