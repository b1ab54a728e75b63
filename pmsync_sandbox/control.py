"""The test controls under ``/_sandbox/``: reset, state, clock, request log, faults, latency,
and seeding users, repositories and projects. Documented in docs/sandbox.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, runtime_checkable

from pmsync_sandbox.clock import SandboxClock
from pmsync_sandbox.control_bodies import (
    BadBody,
    ClockBody,
    GithubAppBody,
    GithubCommentBody,
    GithubCommitBody,
    GithubLimitsBody,
    GithubPullBody,
    GithubRateLimitBody,
    GithubRepoBody,
    GithubTransferBody,
    GithubUserBody,
    JiraProfileBody,
    JiraProjectBody,
    JiraUserBody,
    LatencyBody,
    WebRequestBody,
    parse,
)
from pmsync_sandbox.faults import FaultPlan, FaultSpec
from pmsync_sandbox.http import SandboxRequest, SandboxResponse
from pmsync_sandbox.router import Miss, Params, Router

# What the controls drive, described here so that this module needs nothing from the server
# that serves it (server.SandboxApp is the one implementation).


class GithubControls(Protocol):
    """What the controls seed in the GitHub emulator."""

    def add_user(
        self,
        login: str,
        token: str | None = None,
        roles: Mapping[str, str] | None = None,
        name: str | None = None,
        email: str | None = None,
    ) -> dict[str, Any]: ...
    def add_repo(self, full_name: str) -> dict[str, Any]: ...
    def add_app(self, slug: str, repos: list[str]) -> dict[str, Any]: ...
    def open_pull_request(
        self,
        repo: str,
        title: str,
        body: str | None = None,
        merged: bool = False,
        head: str | None = None,
        author: str = "alice",
    ) -> dict[str, Any]: ...
    def push_commit(self, repo: str, message: str, author: str = "alice") -> dict[str, Any]: ...
    def add_comment(
        self, repo: str, number: int, body: str, author: str = "alice"
    ) -> dict[str, Any]: ...
    def transfer_issue(self, repo: str, number: int, to: str) -> dict[str, Any]: ...
    def set_rate_limit(self, resource: str, limit: int, remaining: int | None) -> None: ...
    def set_limits(self, changes: Mapping[str, int]) -> dict[str, int]: ...
    @property
    def events(self) -> list[dict[str, Any]]: ...


class JiraControls(Protocol):
    """What the controls seed in the Jira emulator."""

    def add_user(
        self, account_id: str, name: str, display_name: str, email: str, token: str | None = None
    ) -> None: ...
    def add_project(self, key: str, name: str) -> None: ...


@runtime_checkable
class JiraProfiles(Protocol):
    """A Jira emulator with site profiles (jira/profiles.py); a stand-in may have none."""

    def set_profile(self, name: str) -> dict[str, str]: ...
    def describe_profile(self) -> dict[str, str]: ...


class ControlledApp(Protocol):
    """The app around the services, as the controls see it."""

    latency_ms: int

    @property
    def github(self) -> GithubControls: ...
    @property
    def jira(self) -> JiraControls: ...
    @property
    def clock(self) -> SandboxClock: ...
    @property
    def faults(self) -> FaultPlan: ...
    @property
    def requests(self) -> list[dict[str, Any]]: ...
    def environment(self, origin: str) -> dict[str, str]: ...
    def reset(self) -> None: ...
    def state(self) -> dict[str, Any]: ...
    def restore(self, data: Mapping[str, Any]) -> None: ...
    def send_web_request(
        self, issue: str, url: str, headers: Mapping[str, str], body: str, origin: str
    ) -> dict[str, Any]: ...


def ok(body: Any, status: int = 200) -> SandboxResponse:
    return SandboxResponse(status, body)


NO_CONTENT = SandboxResponse(204)


class ControlApi:
    def __init__(self, app: ControlledApp) -> None:
        self.app = app
        self.router: Router[Callable[[SandboxRequest, Params], SandboxResponse]] = Router()
        routes = [
            ("GET", "/env", self.get_env),
            ("POST", "/reset", self.reset),
            ("GET", "/state", self.get_state),
            ("PUT", "/state", self.put_state),
            ("GET", "/clock", self.get_clock),
            ("PUT", "/clock", self.put_clock),
            ("GET", "/requests", self.get_requests),
            ("DELETE", "/requests", self.delete_requests),
            ("GET", "/faults", self.get_faults),
            ("POST", "/faults", self.post_fault),
            ("DELETE", "/faults", self.delete_faults),
            ("GET", "/latency", self.get_latency),
            ("PUT", "/latency", self.put_latency),
            ("POST", "/github/users", self.post_github_user),
            ("POST", "/github/repos", self.post_github_repo),
            ("POST", "/github/apps", self.post_github_app),
            ("POST", "/github/pulls", self.post_github_pull),
            ("POST", "/github/commits", self.post_github_commit),
            ("POST", "/github/comments", self.post_github_comment),
            ("POST", "/github/transfer", self.post_github_transfer),
            ("PUT", "/github/rate_limit", self.put_github_rate_limit),
            ("PUT", "/github/limits", self.put_github_limits),
            ("GET", "/github/events", self.get_github_events),
            ("POST", "/jira/projects", self.post_jira_project),
            ("POST", "/jira/users", self.post_jira_user),
            ("GET", "/jira/profile", self.get_jira_profile),
            ("PUT", "/jira/profile", self.put_jira_profile),
            ("POST", "/jira/automation/send", self.post_jira_web_request),
        ]
        for method, pattern, handler in routes:
            self.router.add(method, pattern, handler)

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        found = self.router.match(request.method, request.path)
        if isinstance(found, Miss):
            status = 404 if found is Miss.NOT_FOUND else 405
            return ok(
                {"message": f"{request.method} /_sandbox{request.path}: {found.value}"}, status
            )
        handler, params = found
        try:
            return handler(request, params)
        except BadBody as exc:
            return ok({"message": f"bad request body: {exc}"}, 400)
        except ValueError as exc:
            return ok({"message": str(exc)}, 400)

    def get_env(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        origin = request.base_url.rsplit("/", 1)[0]
        return ok(self.app.environment(origin))

    def reset(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        self.app.reset()
        return NO_CONTENT

    def get_state(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        return ok(self.app.state())

    def put_state(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        data = request.json()
        if not isinstance(data, dict) or not {"github", "jira"} & data.keys():
            raise BadBody("expected a state as GET /_sandbox/state returns it")
        self.app.restore(data)
        return NO_CONTENT

    def _clock(self) -> dict[str, Any]:
        return {"now": self.app.clock.now().isoformat(), "frozen": self.app.clock.frozen}

    def get_clock(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        return ok(self._clock())

    def put_clock(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        self.app.clock.set(parse(ClockBody, request).now)
        return ok(self._clock())

    def get_requests(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        service = request.arg("service")
        log = self.app.requests
        return ok([entry for entry in log if service in (None, entry["service"])])

    def delete_requests(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        self.app.requests.clear()
        return NO_CONTENT

    def get_faults(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        return ok(self.app.faults.describe())

    def post_fault(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        fault = self.app.faults.add(parse(FaultSpec, request))
        return ok(fault.describe(), 201)

    def delete_faults(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        self.app.faults.clear()
        return NO_CONTENT

    def get_latency(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        return ok({"ms": self.app.latency_ms})

    def put_latency(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        self.app.latency_ms = parse(LatencyBody, request).ms
        return ok({"ms": self.app.latency_ms})

    def post_github_user(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        body = parse(GithubUserBody, request)
        user = self.app.github.add_user(
            body.login, token=body.token, roles=body.repos, name=body.name, email=body.email
        )
        return ok(user, 201)

    def post_github_repo(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        body = parse(GithubRepoBody, request)
        return ok(self.app.github.add_repo(body.full_name), 201)

    def post_github_app(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        body = parse(GithubAppBody, request)
        return ok(self.app.github.add_app(body.slug, body.repos), 201)

    def post_github_pull(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        body = parse(GithubPullBody, request)
        pull = self.app.github.open_pull_request(
            body.repo, body.title, body.body, body.merged, body.head, body.author
        )
        return ok(pull, 201)

    def post_github_commit(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        body = parse(GithubCommitBody, request)
        return ok(self.app.github.push_commit(body.repo, body.message, body.author), 201)

    def post_github_comment(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        body = parse(GithubCommentBody, request)
        return ok(self.app.github.add_comment(body.repo, body.number, body.body, body.author), 201)

    def post_github_transfer(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        body = parse(GithubTransferBody, request)
        return ok(self.app.github.transfer_issue(body.repo, body.number, body.to))

    def put_github_rate_limit(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        body = parse(GithubRateLimitBody, request)
        self.app.github.set_rate_limit(body.resource, body.limit, body.remaining)
        return ok({"resource": body.resource, "limit": body.limit})

    def put_github_limits(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        changes = parse(GithubLimitsBody, request).model_dump(exclude_none=True)
        return ok(self.app.github.set_limits(changes))

    def get_github_events(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        return ok(list(self.app.github.events))

    def post_jira_web_request(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        body = parse(WebRequestBody, request)
        origin = request.base_url.rsplit("/", 1)[0]
        try:
            sent = self.app.send_web_request(body.issue, body.url, body.headers, body.body, origin)
        except KeyError as exc:
            return ok({"message": str(exc.args[0])}, 404)
        return ok(sent)

    def post_jira_project(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        body = parse(JiraProjectBody, request)
        self.app.jira.add_project(body.key, body.name)
        return ok({"key": body.key, "name": body.name}, 201)

    def post_jira_user(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        body = parse(JiraUserBody, request)
        name = body.name or body.account_id
        display_name = body.display_name or name
        email = body.email or f"{name}@example.com"
        self.app.jira.add_user(body.account_id, name, display_name, email, token=body.token)
        return ok(
            {
                "accountId": body.account_id,
                "name": name,
                "displayName": display_name,
                "emailAddress": email,
            },
            201,
        )

    def _profiles(self) -> JiraProfiles:
        if not isinstance(self.app.jira, JiraProfiles):
            raise ValueError("this sandbox's Jira service has no site profiles")
        return self.app.jira

    def get_jira_profile(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        return ok(self._profiles().describe_profile())

    def put_jira_profile(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        body = parse(JiraProfileBody, request)
        return ok(self._profiles().set_profile(body.name))
