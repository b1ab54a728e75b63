"""The GitHub emulator's endpoints about who and where: the rate limit, the viewer and
other users, repositories (by name or id) and a user's permission in one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pmsync_sandbox.github.calls import GitHubCall, GithubError, by_number, json_response, not_found
from pmsync_sandbox.github.lookups import Lookups
from pmsync_sandbox.github.ratelimit import RateLimits
from pmsync_sandbox.github.store import GithubStore
from pmsync_sandbox.http import SandboxResponse


class AccountEndpoints(Lookups):
    def __init__(
        self, store: GithubStore, limits: RateLimits, clock: Callable[[], datetime]
    ) -> None:
        super().__init__(store)
        self.limits = limits
        self._clock = clock

    def get_rate_limit(self, call: GitHubCall) -> SandboxResponse:
        return json_response(self.limits.overview(call.viewer.login, self._clock().timestamp()))

    def get_viewer(self, call: GitHubCall) -> SandboxResponse:
        if call.viewer.installation:
            # An installation token is no user's: GitHub answers 403 with the message it
            # gives every endpoint an integration may not call.
            raise GithubError(403, "Resource not accessible by integration")
        return json_response(call.render.private_user(call.viewer))

    def get_user(self, call: GitHubCall) -> SandboxResponse:
        account = self.store.account(call.params["login"])
        if account is None:
            raise not_found()
        return json_response(call.render.public_user(account))

    def get_repo(self, call: GitHubCall) -> SandboxResponse:
        return json_response(call.render.repository(self.repo(call), call.viewer.login))

    def get_repo_by_id(self, call: GitHubCall) -> SandboxResponse:
        repo = by_number(call.params["id"], self.store.repo_by_id)
        return json_response(call.render.repository(repo, call.viewer.login))

    def get_permission(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        account = self.store.account(call.params["login"])
        if account is None or account.type != "User":
            raise GithubError(404, f"{call.params['login']} is not a user")
        return json_response(call.render.collaborator_permission(repo, account))
