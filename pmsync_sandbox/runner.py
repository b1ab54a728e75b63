"""Start a sandbox in this process, and drive one from Python.

``running_sandbox()`` serves the sandbox from a background thread for as long as the
``with`` block lasts. ``SandboxControl`` is a small client of the ``/_sandbox`` control API
(docs/sandbox.md), so the same helpers work on a sandbox started elsewhere with
``pmsync sandbox serve``.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from pmsync_sandbox.clock import SandboxClock
from pmsync_sandbox.github.service import GithubService
from pmsync_sandbox.proxies import direct_opener, proxies_bypassed
from pmsync_sandbox.server import JiraLike, SandboxApp, SandboxHTTPServer

JiraDeployment = Literal["Cloud", "Server"]


class SandboxControlError(RuntimeError):
    """The control API refused a request; the message is its explanation."""


def build_app(
    jira_deployment: JiraDeployment | None = None,
    state_file: Path | None = None,
    now: datetime | None = None,
    jira_service: JiraLike | None = None,
    jira_profile: str = "default",
) -> SandboxApp:
    """A sandbox with both emulators; its clock stands at ``now`` when given. Jira is a site
    of ``jira_profile`` (docs/sandbox.md, "Site profiles") running as ``jira_deployment``
    (default: the one the profile needs, else Cloud); ValueError for an unknown profile or
    a deployment the profile cannot run as."""
    clock = SandboxClock(now)
    if jira_service is None:
        from pmsync_sandbox.jira.service import JiraService

        jira_service = JiraService(clock.now, deployment=jira_deployment, profile=jira_profile)
    return SandboxApp(GithubService(clock.now), jira_service, clock, state_file=state_file)


class SandboxControl:
    """Python helpers over the control API of the sandbox at ``url`` (its origin)."""

    def __init__(self, url: str) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"{url!r} is not an http(s) URL of a sandbox")
        self.url = url.rstrip("/")
        self.control_url = f"{self.url}/_sandbox"
        self.github_url = f"{self.url}/github"
        self.jira_url = f"{self.url}/jira"
        variables = self.env()
        self.github_token = variables["GITHUB_TOKEN"]
        # Data Center signs in with a personal access token alone (no e-mail).
        self.jira_email = variables.get("JIRA_EMAIL", "")
        self.jira_token = variables.get("JIRA_API_TOKEN") or variables["JIRA_TOKEN"]

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 (http URLs only, checked above)
            f"{self.control_url}{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"} if data is not None else {},
        )
        try:
            # Direct: a proxy set for the outside world cannot reach the sandbox.
            with direct_opener.open(request, timeout=30) as answer:
                payload = answer.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")
            raise SandboxControlError(f"{method} /_sandbox{path}: {exc.code} {detail}") from exc
        return json.loads(payload) if payload else None

    # --- the sandbox as a whole -----------------------------------------------------

    def env(self) -> dict[str, str]:
        """GITHUB_API_URL, GITHUB_TOKEN, JIRA_URL, then JIRA_EMAIL and JIRA_API_TOKEN (Cloud)
        or JIRA_TOKEN (Data Center)."""
        variables: dict[str, str] = self.call("GET", "/env")
        return variables

    def reset(self) -> None:
        self.call("POST", "/reset")

    def state(self) -> dict[str, Any]:
        state: dict[str, Any] = self.call("GET", "/state")
        return state

    def restore(self, state: dict[str, Any]) -> None:
        self.call("PUT", "/state", state)

    # --- clock ----------------------------------------------------------------------

    def clock(self) -> datetime:
        return datetime.fromisoformat(self.call("GET", "/clock")["now"])

    def set_clock(self, moment: datetime | None) -> None:
        """Stand the clock still at ``moment``; ``None`` follows the wall clock again."""
        self.call("PUT", "/clock", {"now": moment.isoformat() if moment else None})

    def advance(self, delta: timedelta) -> datetime:
        moment = self.clock() + delta
        self.set_clock(moment)
        return moment

    # --- request log, faults, latency -----------------------------------------------

    def requests(self, service: str | None = None) -> list[dict[str, Any]]:
        log: list[dict[str, Any]] = self.call(
            "GET", f"/requests?service={service}" if service else "/requests"
        )
        return log

    def clear_requests(self) -> None:
        self.call("DELETE", "/requests")

    def add_fault(
        self,
        action: Literal["status", "reset", "delay"] = "status",
        *,
        service: Literal["github", "jira"] | None = None,
        method: str | None = None,
        path_regex: str | None = None,
        nth: int = 1,
        times: int = 1,
        status: int = 500,
        retry_after: int | None = None,
        delay_ms: int = 0,
    ) -> dict[str, Any]:
        spec = {
            "action": action,
            "service": service,
            "method": method,
            "path_regex": path_regex,
            "nth": nth,
            "times": times,
            "status": status,
            "retry_after": retry_after,
            "delay_ms": delay_ms,
        }
        fault: dict[str, Any] = self.call("POST", "/faults", spec)
        return fault

    def faults(self) -> list[dict[str, Any]]:
        faults: list[dict[str, Any]] = self.call("GET", "/faults")
        return faults

    def clear_faults(self) -> None:
        self.call("DELETE", "/faults")

    def set_latency(self, ms: int) -> None:
        self.call("PUT", "/latency", {"ms": ms})

    # --- seeding --------------------------------------------------------------------

    def add_github_user(
        self, login: str, token: str | None = None, repos: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Returns ``{"login", "id", "token"}``."""
        body = {"login": login, "token": token, "repos": repos or {}}
        user: dict[str, Any] = self.call("POST", "/github/users", body)
        return user

    def add_github_app(self, slug: str, repos: list[str]) -> str:
        """Install an App on ``repos``; its installation token (``<slug>[bot]`` writes)."""
        app: dict[str, Any] = self.call("POST", "/github/apps", {"slug": slug, "repos": repos})
        return str(app["token"])

    def open_pull_request(
        self,
        repo: str,
        title: str,
        body: str = "",
        merged: bool = False,
        head: str | None = None,
        author: str = "alice",
    ) -> int:
        """Open a pull request (merged and closed at once when ``merged``); its number."""
        wanted = {"repo": repo, "title": title, "body": body, "merged": merged, "author": author}
        if head is not None:
            wanted["head"] = head
        pull: dict[str, Any] = self.call("POST", "/github/pulls", wanted)
        return int(pull["number"])

    def push_commit(self, repo: str, message: str, author: str | None = None) -> str:
        """Push a commit to the repository's default branch (as ``alice`` unless
        ``author`` is given); its sha."""
        wanted = {"repo": repo, "message": message}
        if author is not None:
            wanted["author"] = author
        commit: dict[str, Any] = self.call("POST", "/github/commits", wanted)
        return str(commit["sha"])

    def comment(self, repo: str, number: int, body: str, author: str = "alice") -> int:
        """Comment on an issue or pull request as ``author``; the comment's id."""
        wanted = {"repo": repo, "number": number, "body": body, "author": author}
        found: dict[str, Any] = self.call("POST", "/github/comments", wanted)
        return int(found["id"])

    def transfer_issue(self, repo: str, number: int, to: str) -> int:
        """Transfer ``repo#number`` to ``to`` as GitHub does; its number there."""
        wanted = {"repo": repo, "number": number, "to": to}
        moved: dict[str, Any] = self.call("POST", "/github/transfer", wanted)
        return int(moved["number"])

    def add_github_repo(self, full_name: str) -> None:
        self.call("POST", "/github/repos", {"full_name": full_name})

    def set_github_rate_limit(
        self, limit: int, remaining: int | None = None, resource: str = "core"
    ) -> None:
        self.call(
            "PUT",
            "/github/rate_limit",
            {"resource": resource, "limit": limit, "remaining": remaining},
        )

    def jira_profile(self) -> dict[str, str]:
        """``{"name": "strict", "deployment": "Cloud"}``: the Jira site's profile now."""
        profile: dict[str, str] = self.call("GET", "/jira/profile")
        return profile

    def set_jira_profile(self, name: str) -> dict[str, str]:
        """Make Jira a fresh site of the profile ``name`` (its tickets are gone) until the
        next ``reset()``, which goes back to the profile the sandbox started with."""
        profile: dict[str, str] = self.call("PUT", "/jira/profile", {"name": name})
        return profile

    def set_github_limits(self, **limits: int) -> dict[str, int]:
        """GitHub's secondary limits: ``content_per_minute``, ``content_per_hour``,
        ``search_per_minute`` (GitHub's numbers after a reset: 80, 500, 30)."""
        answer: dict[str, int] = self.call("PUT", "/github/limits", limits)
        return answer

    def github_events(self) -> list[dict[str, Any]]:
        """The events repository dispatches created, oldest first: ``{"event", "payload"}``,
        the payload as a workflow gets it in GITHUB_EVENT_PATH."""
        events: list[dict[str, Any]] = self.call("GET", "/github/events")
        return events

    def send_jira_web_request(
        self, issue: str, url: str, body: str, headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Jira automation's "Send web request" for the ticket ``issue``: ``body`` with its
        smart values filled in, POSTed to ``url`` (on this sandbox) with ``headers``;
        ``{"url", "body", "status", "answer"}``."""
        sent: dict[str, Any] = self.call(
            "POST",
            "/jira/automation/send",
            {"issue": issue, "url": url, "headers": headers or {}, "body": body},
        )
        return sent

    def add_jira_project(self, key: str, name: str) -> None:
        self.call("POST", "/jira/projects", {"key": key, "name": name})

    def add_jira_user(
        self,
        account_id: str,
        name: str | None = None,
        display_name: str | None = None,
        email: str | None = None,
        token: str | None = None,
    ) -> None:
        body = {
            "accountId": account_id,
            "name": name,
            "displayName": display_name,
            "emailAddress": email,
            "token": token,
        }
        self.call("POST", "/jira/users", body)


class Sandbox(SandboxControl):
    """A sandbox this process serves; ``app`` is its state, for white-box checks."""

    def __init__(self, server: SandboxHTTPServer, host: str) -> None:
        self.server = server
        self.app = server.app
        self.port = server.port
        super().__init__(f"http://{host}:{server.port}")


@contextmanager
def running_sandbox(
    port: int = 0,
    state_file: Path | None = None,
    jira_deployment: JiraDeployment | None = None,
    *,
    host: str = "127.0.0.1",
    now: datetime | None = None,
    jira_service: JiraLike | None = None,
    jira_profile: str = "default",
) -> Iterator[Sandbox]:
    """Serve a sandbox on ``host:port`` (0: a free port) until the block ends. Meanwhile
    this process's GitHub and Jira clients reach it directly, whatever proxy is set.
    ``jira_profile`` and ``jira_deployment`` are as for ``build_app``."""
    app = build_app(
        jira_deployment, state_file, now=now, jira_service=jira_service, jira_profile=jira_profile
    )
    server = SandboxHTTPServer((host, port), app)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        with proxies_bypassed(host):
            yield Sandbox(server, host)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
