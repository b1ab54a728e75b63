"""The sandbox's Jira: an emulated Jira Cloud or Data Center site behind ``/jira``.

``JiraService.handle`` answers one REST request (the server has already stripped the
``/jira`` prefix). The endpoints live in ``meta`` (the site), ``issues`` (tickets)
and ``search`` (JQL); this module authenticates, routes, and owns the state.

Authentication, as on the real products:

* Cloud: HTTP Basic with the user's e-mail address and API token.
* Data Center (``deployment="Server"``): HTTP Basic with username (or e-mail) and the same
  token used as password, or ``Authorization: Bearer <token>`` (a personal access token).

Each user's token is ``jira-token-<accountId>`` unless ``add_user`` is given one;
``credentials(account_id)`` returns the (e-mail, token) pair. ``serverInfo`` may be read
anonymously; every other endpoint answers 401 without valid credentials.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from pmsync_sandbox.http import SandboxRequest, SandboxResponse
from pmsync_sandbox.jira import catalog, issues, meta, remote_links, search, shapes
from pmsync_sandbox.jira.http import JiraCall, JiraHttpError, error_body, respond
from pmsync_sandbox.jira.profiles import (
    DEFAULT_PROFILE,
    Deployment,
    deployment_for,
    site_profile,
)
from pmsync_sandbox.jira.store import JiraState, JiraStore, JiraUser, default_token

Handler = Callable[..., SandboxResponse]

_API = re.compile(r"^/rest/api/(2|3|latest)(/.*)?$")
_PROJECT_KEY = re.compile(r"^[A-Z][A-Z0-9_]{1,9}$")
_ANY = "[^/]+"

# (method, path after /rest/api/<version>, handler); groups in the path become arguments.
_ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", "/myself", meta.myself),
    ("GET", "/project", meta.list_projects),
    ("GET", f"/project/({_ANY})", meta.get_project),
    ("GET", "/priority", meta.list_priorities),
    ("GET", f"/priority/({_ANY})", meta.get_priority),
    ("GET", "/status", meta.list_statuses),
    ("GET", f"/status/({_ANY})", meta.get_status),
    ("GET", "/statuscategory", meta.list_status_categories),
    ("GET", f"/statuscategory/({_ANY})", meta.get_status_category),
    ("GET", "/resolution", meta.list_resolutions),
    ("GET", f"/resolution/({_ANY})", meta.get_resolution),
    ("GET", "/field", meta.list_fields),
    ("GET", "/issuetype", meta.list_issue_types),
    ("GET", f"/issuetype/({_ANY})", meta.get_issue_type),
    ("GET", f"/issue/createmeta/({_ANY})/issuetypes", meta.createmeta_issue_types),
    ("GET", f"/issue/createmeta/({_ANY})/issuetypes/({_ANY})", meta.createmeta_fields),
    ("GET", "/user/search", meta.search_users),
    ("GET", "/user", meta.get_user),
    ("GET", "/issueLinkType", issues.list_link_types),
    ("POST", "/issueLink", issues.add_issue_link),
    ("POST", "/issue", issues.create_issue),
    ("POST", "/issue/bulk", issues.create_issues),
    ("GET", f"/issue/({_ANY})", issues.get_issue),
    ("PUT", f"/issue/({_ANY})", issues.edit_issue),
    ("PUT", f"/issue/({_ANY})/assignee", issues.assign_issue),
    ("GET", f"/issue/({_ANY})/comment", issues.list_comments),
    ("POST", f"/issue/({_ANY})/comment", issues.add_comment),
    ("GET", f"/issue/({_ANY})/comment/({_ANY})", issues.get_comment),
    ("PUT", f"/issue/({_ANY})/comment/({_ANY})", issues.edit_comment),
    ("GET", f"/issue/({_ANY})/remotelink", remote_links.list_remote_links),
    ("POST", f"/issue/({_ANY})/remotelink", remote_links.add_remote_link),
    ("GET", f"/issue/({_ANY})/remotelink/({_ANY})", remote_links.get_remote_link),
    ("GET", f"/issue/({_ANY})/transitions", issues.list_transitions),
    ("POST", f"/issue/({_ANY})/transitions", issues.do_transition),
    ("GET", "/search", search.search),
    ("POST", "/search", search.search),
    ("GET", "/search/jql", search.search_jql),
    ("POST", "/search/jql", search.search_jql),
]
_COMPILED = [(method, re.compile(f"^{path}$"), handler) for method, path, handler in _ROUTES]
_CLOUD_ONLY = {search.search_jql}


def _no_such_uri(request: SandboxRequest) -> JiraHttpError:
    """Jira's 404 for a path no endpoint serves (the servlet container's own wording)."""
    return JiraHttpError.not_found(f"null for uri: {request.base_url}{request.path}")


class JiraService:
    def __init__(
        self,
        clock: Callable[[], datetime],
        deployment: Deployment | None = None,
        profile: str = DEFAULT_PROFILE.name,
    ) -> None:
        """A fresh site of the ``profile`` (profiles.py), as ``deployment`` (default: the one
        the profile needs, else Cloud); ValueError for an unknown profile or a deployment
        the profile cannot run as."""
        self.clock = clock
        self.profile = site_profile(profile)
        self.deployment: Deployment = deployment_for(self.profile, deployment)
        # What reset() goes back to, whatever set_profile() chose since.
        self._started_as = (self.profile, self.deployment)
        self.store = JiraStore(site=self.profile)

    @property
    def cloud(self) -> bool:
        return self.deployment == "Cloud"

    @property
    def search_lag(self) -> int:
        """How many enhanced searches a new ticket stays invisible for (0: none, the default).

        Jira Cloud's search is not read-after-write consistent; set this to test code that
        passes just-created ids as ``reconcileIssues``. ``reset()`` sets it back to 0.
        """
        return self.store.search_lag

    @search_lag.setter
    def search_lag(self, searches: int) -> None:
        if searches < 0:
            raise ValueError("search_lag counts searches and cannot be negative")
        self.store.search_lag = searches

    # ---- state --------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The whole site as JSON-able data (users with their tokens included)."""
        return self.store.state.model_dump(mode="json")

    def restore(self, data: dict[str, Any]) -> None:
        """The state on this site's profile (a state does not hold the profile)."""
        self.store = JiraStore(JiraState.model_validate(data), site=self.profile)

    def reset(self) -> None:
        """Back to a fresh site of the profile it started with: project OPS, alice and bob."""
        self.profile, self.deployment = self._started_as
        self.store = JiraStore(site=self.profile)

    def set_profile(self, name: str) -> dict[str, str]:
        """A fresh site of another profile until the next reset(); ValueError for an unknown
        name. A profile that needs a deployment brings it; the others keep the one the
        service started with."""
        profile = site_profile(name)
        self.profile = profile
        self.deployment = deployment_for(
            profile, None if profile.deployment else self._started_as[1]
        )
        self.store = JiraStore(site=profile)
        return self.describe_profile()

    def describe_profile(self) -> dict[str, str]:
        return {"name": self.profile.name, "deployment": self.deployment}

    def add_user(
        self,
        account_id: str,
        name: str,
        display_name: str,
        email: str,
        token: str | None = None,
    ) -> None:
        """Add or update a user; ``token`` defaults to ``jira-token-<account_id>``."""
        existing = self.store.user(account_id)
        user = JiraUser(
            account_id=account_id,
            name=name,
            display_name=display_name,
            email=email,
            token=token or (existing.token if existing else default_token(account_id)),
        )
        self.store.add_user(user)

    def add_project(self, key: str, name: str) -> None:
        """Add a project (or rename an existing one); raises ValueError for a bad key."""
        if not _PROJECT_KEY.match(key):
            raise ValueError(
                f"project key {key!r} must be 2 to 10 capital letters, digits or underscores, "
                "starting with a letter"
            )
        lead = next(iter(self.store.state.users), "")
        self.store.add_project(key, name, lead)

    def credentials(self, account_id: str) -> tuple[str, str]:
        """(e-mail, API token) for Basic auth; the token is also the Data Center PAT."""
        user = self.store.user(account_id)
        if user is None:
            raise KeyError(f"no Jira user {account_id!r}")
        return user.email, user.token

    def automation_fields(self, key: str) -> dict[str, str]:
        """What an automation rule's smart values read of one ticket (automation.py);
        KeyError for a ticket the site does not have."""
        ticket = self.store.ticket(key)
        if ticket is None:
            raise KeyError(f"no Jira ticket {key!r}")
        return {
            "issue.key": ticket.key,
            "issue.summary": ticket.summary,
            "issue.status.name": catalog.by_id(catalog.STATUSES, ticket.status).name,
            "issue.description": ticket.description.wiki if ticket.description else "",
        }

    def error_response(self, status: int, message: str) -> SandboxResponse:
        """Jira's error shape, for the faults the server injects."""
        return respond(status, error_body([message]))

    # ---- requests -----------------------------------------------------------------------

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        try:
            return self._handle(request)
        except JiraHttpError as error:
            return error.response()

    def _handle(self, request: SandboxRequest) -> SandboxResponse:
        match = _API.match(request.path.rstrip("/"))
        if match is None:
            raise _no_such_uri(request)
        version = match.group(1)
        if version == "latest":
            version = "3" if self.cloud else "2"
        if version == "3" and not self.cloud:  # Data Center has no REST v3
            raise _no_such_uri(request)
        view = shapes.View(
            request.base_url, version, self.cloud, emails_hidden=not self.profile.browse_users
        )
        rest = match.group(2) or ""
        if rest == "/serverInfo" and request.method == "GET":
            if "authorization" in request.headers:
                self._authenticate(request)
            return respond(200, shapes.server_info(view, self.clock(), cloud=self.cloud))
        handler, arguments = self._route(request.method, rest, request)
        call = JiraCall(request, self.store, view, self._authenticate(request), self.clock())
        return handler(call, *arguments)

    def _route(
        self, method: str, rest: str, request: SandboxRequest
    ) -> tuple[Handler, tuple[str, ...]]:
        allowed = False
        for route_method, pattern, handler in _COMPILED:
            found = pattern.match(rest)
            if found is None or (handler in _CLOUD_ONLY and not self.cloud):
                continue
            if route_method == method:
                return handler, tuple(unquote(group) for group in found.groups())
            allowed = True
        if allowed:
            raise JiraHttpError(405, error_body([f"Method {method} is not allowed here."]))
        raise _no_such_uri(request)

    def _authenticate(self, request: SandboxRequest) -> JiraUser:
        header = request.headers.get("authorization", "")
        scheme, _, credential = header.partition(" ")
        user: JiraUser | None = None
        if scheme.lower() == "basic":
            user = self._basic_user(credential.strip())
        elif scheme.lower() == "bearer" and not self.cloud:
            user = self.store.user_by_token(credential.strip())
        if user is not None and user.active:
            return user
        raise self._unauthorized(request, failed=bool(header))

    def _basic_user(self, credential: str) -> JiraUser | None:
        try:
            login, _, secret = base64.b64decode(credential, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        login = login.casefold()
        for user in self.store.state.users.values():
            logins = (
                {user.email.casefold()}
                if self.cloud
                else {user.email.casefold(), user.name.casefold()}
            )
            if login in logins and secret == user.token:
                return user
        return None

    def _unauthorized(self, request: SandboxRequest, *, failed: bool) -> JiraHttpError:
        headers = {"X-Seraph-LoginReason": "AUTHENTICATED_FAILED"} if failed else {}
        if self.cloud:
            headers["WWW-Authenticate"] = f'OAuth realm="{request.base_url}"'
            body: dict[str, Any] = {
                "message": "Client must be authenticated to access this resource.",
                "status-code": 401,
            }
        else:
            headers["WWW-Authenticate"] = 'Basic realm="protected-area"'
            body = error_body(
                ["You are not authenticated. Authentication required to perform this operation."]
            )
        return JiraHttpError(401, body, headers)
