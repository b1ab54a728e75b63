"""The GitHub REST emulator: the endpoints PyGithub calls for pmsync, with GitHub's status
codes, error bodies, pagination ``Link`` headers, rate-limit headers and ETags.

Each request is authenticated by its token (``Authorization: token ...`` or ``Bearer ...``),
routed to one handler, and the answer then gets the headers GitHub adds to every answer.
Permissions follow the caller's role in the repository: people without write access may
open issues and comment, but labels they ask for are dropped (as GitHub does) and they
cannot touch other people's issues or the repository's labels.
"""

from __future__ import annotations

import base64
import hashlib
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

from pmsync_sandbox.github.ratelimit import RateLimits
from pmsync_sandbox.github.search import QueryError, parse_query
from pmsync_sandbox.github.shapes import JSON, Renderer
from pmsync_sandbox.github.store import (
    Account,
    Comment,
    GithubStore,
    Issue,
    Label,
    Repository,
    timestamp,
)
from pmsync_sandbox.http import SandboxRequest, SandboxResponse
from pmsync_sandbox.router import Miss, Params, Router

DOCS = "https://docs.github.com/rest"
MAX_BODY = 65536  # characters, for issue and comment bodies
MAX_LABEL_NAME = 50
MAX_LABEL_DESCRIPTION = 100
MAX_SEARCH_RESULTS = 1000
HEX_COLOR = frozenset("0123456789abcdefABCDEF")
STATE_REASONS = frozenset({"completed", "not_planned", "reopened", "duplicate"})

_T = TypeVar("_T")


class GithubError(Exception):
    """An answer in GitHub's error shape; raised anywhere inside a handler."""

    def __init__(
        self, status: int, message: str, errors: list[JSON] | None = None, doc: str = ""
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.doc = doc

    def body(self, doc: str) -> JSON:
        body: JSON = {"message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        body["documentation_url"] = self.doc or doc
        body["status"] = str(self.status)
        return body


def not_found() -> GithubError:
    return GithubError(404, "Not Found")


def invalid(resource: str, field: str, code: str = "invalid", **extra: Any) -> GithubError:
    return GithubError(
        422, "Validation Failed", [{"resource": resource, "code": code, "field": field, **extra}]
    )


def too_long(resource: str, field: str, maximum: int) -> GithubError:
    message = f"{field} is too long (maximum is {maximum} characters)"
    return invalid(resource, field, "custom", message=message)


@dataclass(frozen=True)
class Call:
    """One authenticated request on its way through a handler."""

    request: SandboxRequest
    params: Params
    viewer: Account
    render: Renderer
    now: str

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.request.arg(name, default)

    def body(self) -> Any:
        try:
            return self.request.json()
        except ValueError as exc:
            raise GithubError(400, "Problems parsing JSON") from exc

    def object_body(self) -> dict[str, Any]:
        body = self.body()
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise GithubError(400, "Problems parsing JSON")
        return body


Handler = Callable[[Call], SandboxResponse]


@dataclass(frozen=True)
class Endpoint:
    handler: Handler
    doc: str  # GitHub's documentation page, for documentation_url in errors


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> SandboxResponse:
    return SandboxResponse(status, body, dict(headers or {}))


class GithubService:
    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self.store = GithubStore()
        self.limits = RateLimits()
        self._request_ids = 0
        self.router: Router[Endpoint] = Router()
        self._add_routes()
        self.reset()

    # --- the service contract -------------------------------------------------------

    def reset(self) -> None:
        self.store.seed(timestamp(self._clock()))
        self.limits.reset()

    def snapshot(self) -> dict[str, Any]:
        return self.store.snapshot()

    def restore(self, data: dict[str, Any]) -> None:
        self.store.restore(data)
        self.limits.reset()

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

    def add_repo(self, full_name: str) -> JSON:
        owner, _, name = full_name.partition("/")
        repo = self.store.add_repo(owner, name, timestamp(self._clock()))
        return {"full_name": repo.full_name, "id": repo.id}

    def set_rate_limit(self, resource: str, limit: int, remaining: int | None) -> None:
        self.limits.configure(resource, limit, remaining)

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
            base = request.base_url
            web = base.rsplit("/", 1)[0] if base.count("/") > 2 else base
            call = Call(request, found[1], viewer, Renderer(self.store, base, web), timestamp(now))
            response = found[0].handler(call)
        except GithubError as error:
            response = json_response(error.body(doc), error.status)
        response = self._conditional(request, viewer, response)
        if counted and response.status != 304 and bucket.remaining > 0:
            bucket.used += 1
        response.headers.update(bucket.headers())
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

    # --- routes ---------------------------------------------------------------------

    def _add_routes(self) -> None:
        repo = "/repos/{owner}/{repo}"
        issues = f"{DOCS}/issues/issues"
        comments = f"{DOCS}/issues/comments"
        labels = f"{DOCS}/issues/labels"
        table: list[tuple[str, str, Handler, str]] = [
            ("GET", "/rate_limit", self.get_rate_limit, f"{DOCS}/rate-limit/rate-limit"),
            ("GET", "/user", self.get_viewer, f"{DOCS}/users/users#get-the-authenticated-user"),
            ("GET", "/users/{login}", self.get_user, f"{DOCS}/users/users#get-a-user"),
            ("GET", repo, self.get_repo, f"{DOCS}/repos/repos#get-a-repository"),
            ("GET", "/repositories/{id}", self.get_repo_by_id, f"{DOCS}/repos/repos"),
            ("GET", f"{repo}/issues", self.list_issues, f"{issues}#list-repository-issues"),
            ("POST", f"{repo}/issues", self.create_issue, f"{issues}#create-an-issue"),
            (
                "GET",
                f"{repo}/issues/comments",
                self.list_repo_comments,
                f"{comments}#list-issue-comments-for-a-repository",
            ),
            (
                "GET",
                f"{repo}/issues/comments/{{id}}",
                self.get_comment,
                f"{comments}#get-an-issue-comment",
            ),
            (
                "PATCH",
                f"{repo}/issues/comments/{{id}}",
                self.edit_comment,
                f"{comments}#update-an-issue-comment",
            ),
            (
                "DELETE",
                f"{repo}/issues/comments/{{id}}",
                self.delete_comment,
                f"{comments}#delete-an-issue-comment",
            ),
            (
                "GET",
                f"{repo}/issues/events/{{id}}",
                self.get_issue_event,
                f"{DOCS}/issues/events#get-an-issue-event",
            ),
            ("GET", f"{repo}/issues/{{number}}", self.get_issue, f"{issues}#get-an-issue"),
            ("PATCH", f"{repo}/issues/{{number}}", self.edit_issue, f"{issues}#update-an-issue"),
            (
                "GET",
                f"{repo}/issues/{{number}}/comments",
                self.list_issue_comments,
                f"{comments}#list-issue-comments",
            ),
            (
                "POST",
                f"{repo}/issues/{{number}}/comments",
                self.create_comment,
                f"{comments}#create-an-issue-comment",
            ),
            (
                "GET",
                f"{repo}/issues/{{number}}/labels",
                self.list_issue_labels,
                f"{labels}#list-labels-for-an-issue",
            ),
            (
                "POST",
                f"{repo}/issues/{{number}}/labels",
                self.add_issue_labels,
                f"{labels}#add-labels-to-an-issue",
            ),
            (
                "PUT",
                f"{repo}/issues/{{number}}/labels",
                self.set_issue_labels,
                f"{labels}#set-labels-for-an-issue",
            ),
            (
                "DELETE",
                f"{repo}/issues/{{number}}/labels",
                self.clear_issue_labels,
                f"{labels}#remove-all-labels-from-an-issue",
            ),
            (
                "DELETE",
                f"{repo}/issues/{{number}}/labels/{{name}}",
                self.remove_issue_label,
                f"{labels}#remove-a-label-from-an-issue",
            ),
            (
                "GET",
                f"{repo}/issues/{{number}}/events",
                self.list_issue_events,
                f"{DOCS}/issues/events#list-issue-events",
            ),
            ("GET", f"{repo}/labels", self.list_labels, f"{labels}#list-labels-for-a-repository"),
            ("POST", f"{repo}/labels", self.create_label, f"{labels}#create-a-label"),
            ("GET", f"{repo}/labels/{{name}}", self.get_label, f"{labels}#get-a-label"),
            ("PATCH", f"{repo}/labels/{{name}}", self.edit_label, f"{labels}#update-a-label"),
            ("DELETE", f"{repo}/labels/{{name}}", self.delete_label, f"{labels}#delete-a-label"),
            (
                "GET",
                f"{repo}/collaborators/{{login}}/permission",
                self.get_permission,
                f"{DOCS}/collaborators/collaborators#get-repository-permissions-for-a-user",
            ),
            (
                "GET",
                "/search/issues",
                self.search_issues,
                f"{DOCS}/search/search#search-issues-and-pull-requests",
            ),
        ]
        for method, pattern, handler, doc in table:
            self.router.add(method, pattern, Endpoint(handler, doc))

    # --- lookups shared by handlers -------------------------------------------------

    def _repo(self, call: Call) -> Repository:
        repo = self.store.repo(call.params["owner"], call.params["repo"])
        if repo is None:
            raise not_found()
        return repo

    def _issue(self, call: Call, repo: Repository) -> Issue:
        return _by_number(call.params["number"], repo.issues.get)

    def _comment(self, call: Call, repo: Repository) -> Comment:
        return _by_number(call.params["id"], repo.comments.get)

    def _label(self, call: Call, repo: Repository) -> Label:
        label = repo.label(call.params["name"])
        if label is None:
            raise not_found()
        return label

    @staticmethod
    def _require_write(repo: Repository, viewer: Account) -> None:
        if not repo.can_write(viewer.login):
            raise GithubError(403, "Must have push access to repository")

    def _page(self, call: Call, items: list[Any]) -> tuple[list[Any], dict[str, str]]:
        """One page of ``items`` and the ``Link`` header GitHub sends with it."""
        page, per_page = _page_numbers(call)
        last = max(math.ceil(len(items) / per_page), 1)
        chosen = items[(page - 1) * per_page : page * per_page]
        if last == 1:
            return chosen, {}
        request = call.request

        def url(number: int) -> str:
            query = [(k, v) for k, values in request.query.items() for v in values if k != "page"]
            return f"{request.base_url}{request.path}?{urlencode([*query, ('page', str(number))])}"

        links = []
        if page > 1:
            links.append(f'<{url(min(page - 1, last))}>; rel="prev"')
        if page < last:
            links += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
        if page > 1:
            links.append(f'<{url(1)}>; rel="first"')
        return chosen, {"Link": ", ".join(links)}

    def _since(self, call: Call, resource: str) -> str | None:
        text = call.arg("since")
        if not text:
            return None
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as exc:
            raise invalid(resource, "since", value=text) from exc
        return timestamp(moment if moment.tzinfo else moment.replace(tzinfo=UTC))

    def _label_names(self, body: Any, resource: str = "Label") -> list[str]:
        """Label names from ``["a", "b"]``, ``{"labels": [...]}`` or ``[{"name": "a"}]``."""
        if isinstance(body, dict):
            body = body.get("labels", [])
        if not isinstance(body, list):
            raise invalid(resource, "labels")
        names = []
        for item in body:
            name = item.get("name") if isinstance(item, dict) else item
            if not isinstance(name, str) or not name.strip():
                raise invalid(resource, "labels", value=item)
            if len(name) > MAX_LABEL_NAME:
                raise too_long("Label", "name", MAX_LABEL_NAME)
            names.append(name)
        return names

    def _assignees(self, repo: Repository, logins: Any) -> list[str]:
        if logins is None:
            return []
        if not isinstance(logins, list) or not all(isinstance(x, str) for x in logins):
            raise invalid("Issue", "assignees")
        spelled = []
        for login in logins:
            account = self.store.account(login)
            if account is None or account.type != "User":
                raise invalid("Issue", "assignees", value=login)
            spelled.append(account.login)
        return spelled

    # --- accounts, repositories, rate limit -----------------------------------------

    def get_rate_limit(self, call: Call) -> SandboxResponse:
        return json_response(self.limits.overview(call.viewer.login, self._clock().timestamp()))

    def get_viewer(self, call: Call) -> SandboxResponse:
        return json_response(call.render.private_user(call.viewer))

    def get_user(self, call: Call) -> SandboxResponse:
        account = self.store.account(call.params["login"])
        if account is None:
            raise not_found()
        return json_response(call.render.public_user(account))

    def get_repo(self, call: Call) -> SandboxResponse:
        return json_response(call.render.repository(self._repo(call), call.viewer.login))

    def get_repo_by_id(self, call: Call) -> SandboxResponse:
        repo = _by_number(call.params["id"], self.store.repo_by_id)
        return json_response(call.render.repository(repo, call.viewer.login))

    def get_permission(self, call: Call) -> SandboxResponse:
        repo = self._repo(call)
        account = self.store.account(call.params["login"])
        if account is None or account.type != "User":
            raise GithubError(404, f"{call.params['login']} is not a user")
        return json_response(call.render.collaborator_permission(repo, account))

    # --- issues ---------------------------------------------------------------------

    def list_issues(self, call: Call) -> SandboxResponse:
        repo = self._repo(call)
        state = call.arg("state") or "open"
        if state not in ("open", "closed", "all"):
            raise invalid("Issue", "state", value=state)
        wanted = {
            name.strip().lower() for name in (call.arg("labels") or "").split(",") if name.strip()
        }
        since = self._since(call, "Issue")
        creator = (call.arg("creator") or "").lower()
        assignee = (call.arg("assignee") or "").lower()
        selected = [
            issue
            for issue in repo.issues.values()
            if state in ("all", issue.state)
            and wanted <= {name.lower() for name in issue.labels}
            and (since is None or issue.updated_at >= since)
            and (not creator or issue.user.lower() == creator)
            and _assignee_matches(issue, assignee)
        ]
        ordered = _sorted_issues(selected, call.arg("sort") or "created", call.arg("direction"))
        page, headers = self._page(call, ordered)
        return json_response([call.render.issue(repo, issue) for issue in page], 200, headers)

    def get_issue(self, call: Call) -> SandboxResponse:
        repo = self._repo(call)
        return json_response(call.render.issue(repo, self._issue(call, repo)))

    def create_issue(self, call: Call) -> SandboxResponse:
        repo = self._repo(call)
        body = call.object_body()
        title = body.get("title")
        if isinstance(title, int) and not isinstance(title, bool):
            title = str(title)
        if not isinstance(title, str) or not title.strip():
            raise invalid("Issue", "title", "missing_field")
        text = _body_text(body.get("body"), "Issue")
        writer = repo.can_write(call.viewer.login)
        # Without push access GitHub silently drops labels and assignees.
        labels = self._label_names(body.get("labels") or [], "Issue") if writer else []
        logins = body.get("assignees") or ([body["assignee"]] if body.get("assignee") else [])
        assignees = self._assignees(repo, logins) if writer else []
        issue = self.store.create_issue(
            repo, call.viewer.login, call.now, title, text, labels, assignees
        )
        data = call.render.issue(repo, issue)
        return json_response(data, 201, {"Location": data["url"]})

    def edit_issue(self, call: Call) -> SandboxResponse:
        repo = self._repo(call)
        issue = self._issue(call, repo)
        body = call.object_body()
        writer = repo.can_write(call.viewer.login)
        if not writer and issue.user.lower() != call.viewer.login.lower():
            raise GithubError(403, "Must have push access to repository")
        changes = self._issue_changes(body, repo, writer)
        store, actor, now = self.store, call.viewer.login, call.now
        if changes.title is not None:
            store.retitle(repo, issue, changes.title, actor, now)
        if "body" in body:
            store.rewrite_body(repo, issue, changes.body, now)
        if changes.state is not None or changes.state_reason is not None:
            state = changes.state or issue.state
            store.set_state(repo, issue, state, changes.state_reason, actor, now)
        if changes.labels is not None:
            store.set_issue_labels(repo, issue, changes.labels, actor, now)
        if changes.assignees is not None:
            store.set_assignees(repo, issue, changes.assignees, now)
        return json_response(call.render.issue(repo, issue))

    def _issue_changes(self, body: dict[str, Any], repo: Repository, writer: bool) -> IssueChanges:
        title = body.get("title")
        if title is not None and (not isinstance(title, str) or not title.strip()):
            raise invalid("Issue", "title")
        state = body.get("state")
        if state is not None and state not in ("open", "closed"):
            raise invalid("Issue", "state", value=state)
        reason = body.get("state_reason")
        if reason is not None and reason not in STATE_REASONS:
            raise invalid("Issue", "state_reason", value=reason)
        if body.get("milestone") is not None:
            raise invalid("Issue", "milestone", value=body["milestone"])
        labels = assignees = None
        # Without push access GitHub silently ignores label and assignee changes.
        if writer and "labels" in body:
            labels = self._label_names(body["labels"] or [], "Issue")
        if writer and ("assignees" in body or "assignee" in body):
            logins = body.get("assignees")
            if logins is None:
                logins = [body["assignee"]] if body.get("assignee") else []
            assignees = self._assignees(repo, logins)
        return IssueChanges(
            title=title,
            body=_body_text(body.get("body"), "Issue"),
            state=state,
            state_reason=reason,
            labels=labels,
            assignees=assignees,
        )

    # --- comments -------------------------------------------------------------------

    def list_repo_comments(self, call: Call) -> SandboxResponse:
        repo = self._repo(call)
        since = self._since(call, "IssueComment")
        selected = [c for c in repo.comments.values() if since is None or c.updated_at >= since]
        sort = call.arg("sort")
        if sort in ("created", "updated"):
            key = "created_at" if sort == "created" else "updated_at"
            descending = call.arg("direction") == "desc"
            selected.sort(key=lambda c: (getattr(c, key), c.id), reverse=descending)
        page, headers = self._page(call, selected)
        return json_response([call.render.comment(repo, c) for c in page], 200, headers)

    def list_issue_comments(self, call: Call) -> SandboxResponse:
        repo = self._repo(call)
        issue = self._issue(call, repo)
        since = self._since(call, "IssueComment")
        selected = [
            c
            for c in repo.comments.values()
            if c.issue_number == issue.number and (since is None or c.updated_at >= since)
        ]
        page, headers = self._page(call, selected)
        return json_response([call.render.comment(repo, c) for c in page], 200, headers)

    def get_comment(self, call: Call) -> SandboxResponse:
        repo = self._repo(call)
        return json_response(call.render.comment(repo, self._comment(call, repo)))

    def create_comment(self, call: Call) -> SandboxResponse:
        repo = self._repo(call)
        issue = self._issue(call, repo)
        text = _body_text(call.object_body().get("body"), "IssueComment", required=True)
        assert text is not None  # required=True never gives None
        comment = self.store.add_comment(repo, issue, call.viewer.login, text, call.now)
        data = call.render.comment(repo, comment)
        return json_response(data, 201, {"Location": data["url"]})

    def edit_comment(self, call: Call) -> SandboxResponse:
        repo = self._repo(call)
        comment = self._comment(call, repo)
        self._require_author_or_writer(repo, call.viewer, comment.user)
        text = _body_text(call.object_body().get("body"), "IssueComment", required=True)
        assert text is not None
        self.store.edit_comment(repo, comment, text, call.now)
        return json_response(call.render.comment(repo, comment))

    def delete_comment(self, call: Call) -> SandboxResponse:
        repo = self._repo(call)
        comment = self._comment(call, repo)
        self._require_author_or_writer(repo, call.viewer, comment.user)
        self.store.delete_comment(repo, comment, call.now)
        return SandboxResponse(204)

    def _require_author_or_writer(self, repo: Repository, viewer: Account, author: str) -> None:
        if author.lower() != viewer.login.lower():
            self._require_write(repo, viewer)

    # --- labels ---------------------------------------------------------------------

    def _issue_labels(self, call: Call, repo: Repository, issue: Issue) -> SandboxResponse:
        labels = [label for name in issue.labels if (label := repo.label(name)) is not None]
        page, headers = self._page(call, labels)
        return json_response([call.render.label(repo, label) for label in page], 200, headers)

    def list_issue_labels(self, call: Call) -> SandboxResponse:
        repo = self._repo(call)
        return self._issue_labels(call, repo, self._issue(call, repo))

    def add_issue_labels(self, call: Call) -> SandboxResponse:
        return self._put_issue_labels(call, keep_present=True)

    def set_issue_labels(self, call: Call) -> SandboxResponse:
        return self._put_issue_labels(call, keep_present=False)

    def _put_issue_labels(self, call: Call, *, keep_present: bool) -> SandboxResponse:
        """The labels the body names, added to the issue's own or in place of them."""
        repo = self._repo(call)
        issue = self._issue(call, repo)
        self._require_write(repo, call.viewer)
        names = self._label_names(call.body())
        labels = issue.labels + names if keep_present else names
        self.store.set_issue_labels(repo, issue, labels, call.viewer.login, call.now)
        return self._issue_labels(call, repo, issue)

    def clear_issue_labels(self, call: Call) -> SandboxResponse:
        repo = self._repo(call)
        issue = self._issue(call, repo)
        self._require_write(repo, call.viewer)
        self.store.set_issue_labels(repo, issue, [], call.viewer.login, call.now)
        return SandboxResponse(204)

    def remove_issue_label(self, call: Call) -> SandboxResponse:
        repo = self._repo(call)
        issue = self._issue(call, repo)
        self._require_write(repo, call.viewer)
        name = call.params["name"].lower()
        if name not in {n.lower() for n in issue.labels}:
            raise GithubError(404, "Label does not exist")
        kept = [n for n in issue.labels if n.lower() != name]
        self.store.set_issue_labels(repo, issue, kept, call.viewer.login, call.now)
        return self._issue_labels(call, repo, issue)

    def list_issue_events(self, call: Call) -> SandboxResponse:
        repo = self._repo(call)
        issue = self._issue(call, repo)
        events = [e for e in repo.events if e.issue_number == issue.number]
        page, headers = self._page(call, events)
        return json_response([call.render.event(repo, e) for e in page], 200, headers)

    def get_issue_event(self, call: Call) -> SandboxResponse:
        repo = self._repo(call)
        event = _by_number(
            call.params["id"], lambda number: next((e for e in repo.events if e.id == number), None)
        )
        return json_response(call.render.event(repo, event))

    def list_labels(self, call: Call) -> SandboxResponse:
        repo = self._repo(call)
        labels = sorted(repo.labels.values(), key=lambda label: label.name.lower())
        page, headers = self._page(call, labels)
        return json_response([call.render.label(repo, label) for label in page], 200, headers)

    def get_label(self, call: Call) -> SandboxResponse:
        repo = self._repo(call)
        return json_response(call.render.label(repo, self._label(call, repo)))

    def create_label(self, call: Call) -> SandboxResponse:
        repo = self._repo(call)
        self._require_write(repo, call.viewer)
        body = call.object_body()
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise invalid("Label", "name", "missing_field")
        _check_label_name(name)
        color = _label_color(body.get("color", "ededed"))
        description = _label_description(body.get("description"))
        if repo.label(name) is not None:
            raise invalid("Label", "name", "already_exists")
        label = self.store.create_label(repo, name, color, description)
        data = call.render.label(repo, label)
        return json_response(data, 201, {"Location": data["url"]})

    def edit_label(self, call: Call) -> SandboxResponse:
        repo = self._repo(call)
        label = self._label(call, repo)
        self._require_write(repo, call.viewer)
        body = call.object_body()
        new_name = body.get("new_name")
        color = _label_color(body["color"]) if "color" in body else label.color
        description = (
            _label_description(body["description"]) if "description" in body else label.description
        )
        if new_name is not None:
            if not isinstance(new_name, str) or not new_name.strip():
                raise invalid("Label", "name")
            _check_label_name(new_name)
            clash = repo.label(new_name)
            if clash is not None and clash is not label:
                raise invalid("Label", "name", "already_exists")
            self.store.rename_label(repo, label, new_name)
        label.color, label.description = color, description
        return json_response(call.render.label(repo, label))

    def delete_label(self, call: Call) -> SandboxResponse:
        repo = self._repo(call)
        label = self._label(call, repo)
        self._require_write(repo, call.viewer)
        self.store.delete_label(repo, label)
        return SandboxResponse(204)

    # --- search ---------------------------------------------------------------------

    def search_issues(self, call: Call) -> SandboxResponse:
        text = call.arg("q")
        if not text:
            raise invalid("Search", "q", "missing")
        try:
            query = parse_query(text)
        except QueryError as exc:
            raise GithubError(422, str(exc)) from exc
        missing = [name for name in query.repos if name not in self.store.repos]
        if missing:
            raise GithubError(
                422,
                "Validation Failed",
                [
                    {
                        "message": (
                            "The listed users and repositories cannot be searched either because "
                            "the resources do not exist or you do not have permission to view them."
                        ),
                        "resource": "Search",
                        "field": "q",
                        "code": "invalid",
                    }
                ],
            )
        found = [
            (repo, issue)
            for repo in self.store.repos.values()
            if query.selects_repo(repo)
            for issue in repo.issues.values()
            if query.matches(repo, issue)
        ]
        key = _issue_sort_field(call.arg("sort"))
        descending = (call.arg("order") or "desc") != "asc"
        found.sort(key=lambda pair: (getattr(pair[1], key), pair[1].id), reverse=descending)
        page_number, per_page = _page_numbers(call)
        if (page_number - 1) * per_page >= MAX_SEARCH_RESULTS:
            raise GithubError(422, "Only the first 1000 search results are available")
        page, headers = self._page(call, found[:MAX_SEARCH_RESULTS])
        body = {
            "total_count": len(found),
            "incomplete_results": False,
            "search_type": "lexical",
            "items": [call.render.search_item(repo, issue) for repo, issue in page],
        }
        return json_response(body, 200, headers)


@dataclass(frozen=True)
class IssueChanges:
    """The fields of an issue PATCH, checked; ``None`` where the body does not set them."""

    title: str | None
    body: str | None
    state: str | None
    state_reason: str | None
    labels: list[str] | None
    assignees: list[str] | None


_JSON_TYPE = {"Content-Type": "application/json; charset=utf-8"}


def _etags(header: str) -> set[str]:
    return {_strip_weak(tag.strip()) for tag in header.split(",")}


def _strip_weak(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def _int_arg(text: str | None, default: int) -> int:
    try:
        return int(text) if text else default
    except ValueError:
        return default


def _page_numbers(call: Call) -> tuple[int, int]:
    """``page`` (from 1) and ``per_page`` (1 to 100, default 30) as GitHub reads them."""
    per_page = min(max(_int_arg(call.arg("per_page"), 30), 1), 100)
    return max(_int_arg(call.arg("page"), 1), 1), per_page


def _by_number(text: str, find: Callable[[int], _T | None]) -> _T:
    """What ``find`` gives for the number in a path; 404 when nothing, or no number."""
    found = find(int(text)) if text.isdigit() else None
    if found is None:
        raise not_found()
    return found


def _assignee_matches(issue: Issue, wanted: str) -> bool:
    """The ``assignee`` filter: a login, ``*`` (anyone) or ``none``."""
    if not wanted:
        return True
    if wanted in ("*", "none"):
        return bool(issue.assignees) == (wanted == "*")
    return wanted in {login.lower() for login in issue.assignees}


def _issue_sort_field(sort: str | None) -> str:
    """The issue attribute a ``sort`` parameter names; creation time by default."""
    fields = {"created": "created_at", "updated": "updated_at", "comments": "comments"}
    return fields.get(sort or "", "created_at")


def _sorted_issues(issues: Iterable[Issue], sort: str, direction: str | None) -> list[Issue]:
    key = _issue_sort_field(sort)
    return sorted(
        issues, key=lambda issue: (getattr(issue, key), issue.number), reverse=direction != "asc"
    )


def _body_text(value: Any, resource: str, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise invalid(resource, "body", "missing_field" if required else "invalid")
    if len(value) > MAX_BODY:
        raise too_long(resource, "body", MAX_BODY)
    return value


def _check_label_name(name: str) -> None:
    if len(name) > MAX_LABEL_NAME:
        raise too_long("Label", "name", MAX_LABEL_NAME)


def _label_color(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 6 or not set(value) <= HEX_COLOR:
        raise invalid("Label", "color", value=value)
    return value


def _label_description(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid("Label", "description")
    if len(value) > MAX_LABEL_DESCRIPTION:
        raise too_long("Label", "description", MAX_LABEL_DESCRIPTION)
    return value
