"""The two searches: ``/rest/api/2/search`` (Data Center; offsets and a total) and
``/rest/api/{2,3}/search/jql`` (Cloud; ``nextPageToken`` pages).

Jira Cloud removed the old search in 2025: there it answers 410 with Atlassian's
migration message, so a client that still calls it fails here as it would on a real site.
Data Center has no enhanced search (and no REST v3): there it is a 404.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from pmsync_sandbox.http import SandboxResponse
from pmsync_sandbox.jira import issue_shapes, jql_parse
from pmsync_sandbox.jira.http import JiraCall, JiraHttpError, error_body, respond
from pmsync_sandbox.jira.jql_errors import JqlSyntaxError, JqlValidationError
from pmsync_sandbox.jira.jql_eval import CompiledQuery, JqlContext, compile_query
from pmsync_sandbox.jira.store import Ticket

SEARCH_REMOVED = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
    "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
)
UNBOUNDED = (
    "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
)
V2_MAX_RESULTS = 1000  # Data Center's jira.search.views.default.max
JQL_MAX_RESULTS = 100  # per page when fields are asked for
JQL_MAX_ID_RESULTS = 5000  # per page when only ids (or keys) are asked for
RECONCILE_LIMIT = 50


@dataclass(frozen=True)
class SearchParams:
    jql: str
    fields: list[str]
    expand: set[str]
    max_results: int | None
    start_at: int = 0
    next_page_token: str | None = None
    validate: str = "strict"
    reconcile: tuple[int, ...] = ()


def _params(call: JiraCall) -> SearchParams:
    """The search parameters, from the query string (GET) or the JSON body (POST)."""
    if call.request.method == "POST":
        body = call.object_body()
        return SearchParams(
            jql=_text(body.get("jql")),
            fields=_names(body.get("fields")),
            expand=set(_names(body.get("expand"))),
            max_results=_number(body.get("maxResults"), "maxResults"),
            start_at=_number(body.get("startAt"), "startAt") or 0,
            next_page_token=_text(body.get("nextPageToken")) or None,
            validate=_validate_mode(body.get("validateQuery")),
            reconcile=_ids(body.get("reconcileIssues")),
        )
    return SearchParams(
        jql=call.arg("jql") or "",
        fields=call.list_arg("fields"),
        expand=set(call.list_arg("expand")),
        max_results=_number(call.arg("maxResults"), "maxResults"),
        start_at=_number(call.arg("startAt"), "startAt") or 0,
        next_page_token=call.arg("nextPageToken") or None,
        validate=_validate_mode(call.arg("validateQuery")),
        reconcile=_ids(call.list_arg("reconcileIssues")),
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _names(value: object) -> list[str]:
    if isinstance(value, str):
        return [v for v in value.split(",") if v]
    if isinstance(value, list):
        return [v for item in value if isinstance(item, str) for v in item.split(",") if v]
    return []


def _number(value: object, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(str(value))
    except ValueError:
        raise JiraHttpError.bad_request([f"The '{name}' parameter must be a number."]) from None
    if number < 0:
        raise JiraHttpError.bad_request([f"The '{name}' parameter must not be negative."])
    return number


def _validate_mode(value: object) -> str:
    text = str(value).casefold() if value is not None else "strict"
    return {"true": "strict", "strict": "strict", "false": "warn", "warn": "warn"}.get(text, "none")


def _ids(value: object) -> tuple[int, ...]:
    items = _names(value) if not isinstance(value, list) else value
    try:
        ids = tuple(int(str(item)) for item in items)
    except ValueError:
        raise JiraHttpError.bad_request(
            ["'reconcileIssues' must be a list of issue ids."]
        ) from None
    if len(ids) > RECONCILE_LIMIT:
        raise JiraHttpError.bad_request(
            [f"'reconcileIssues' accepts at most {RECONCILE_LIMIT} issue ids."]
        )
    return ids


def _run(
    call: JiraCall, params: SearchParams, candidates: list[Ticket], *, v2_errors: bool
) -> tuple[list[Ticket], list[str]]:
    """All matching tickets in order, and the warnings to report; or Jira's 400."""
    validation_shape: dict[str, Any] = {"warningMessages": []} if v2_errors else {"errors": {}}
    try:
        compiled: CompiledQuery = compile_query(
            jql_parse.parse(params.jql), JqlContext(call.store, call.now, call.actor, call.cloud)
        )
    except JqlSyntaxError as error:
        raise JiraHttpError.bad_request([str(error)]) from None
    except JqlValidationError as error:
        raise JiraHttpError(400, {"errorMessages": error.messages, **validation_shape}) from None
    if compiled.problems and params.validate == "strict":
        raise JiraHttpError(400, {"errorMessages": compiled.problems, **validation_shape})
    if not compiled.bounded and not v2_errors:
        raise JiraHttpError.bad_request([UNBOUNDED])
    found = compiled.order([t for t in candidates if compiled.matches(t)])
    warnings = compiled.problems if params.validate == "warn" else []
    return found, warnings


def _names_and_schema(
    answer: dict[str, Any], issues: list[dict[str, Any]], expand: set[str]
) -> None:
    if not expand & {"names", "schema"}:
        return
    field_ids = {f for issue in issues for f in issue.get("fields", {})}
    names, schema = issue_shapes.names_and_schema(sorted(field_ids))
    if "names" in expand:
        answer["names"] = names
    if "schema" in expand:
        answer["schema"] = schema


def search(call: JiraCall) -> SandboxResponse:
    """``/rest/api/2/search``: Data Center's offset-paged search."""
    if call.cloud:
        raise JiraHttpError(410, error_body([SEARCH_REMOVED]))
    params = _params(call)
    found, warnings = _run(call, params, call.store.tickets(), v2_errors=True)
    max_results = min(params.max_results if params.max_results is not None else 50, V2_MAX_RESULTS)
    page = found[params.start_at : params.start_at + max_results]
    selection = issue_shapes.FieldSelection(params.fields, "*navigable")
    issues = [
        issue_shapes.issue(call.view, call.store, t, selection, params.expand, in_search=True)
        for t in page
    ]
    answer: dict[str, Any] = {
        "expand": "schema,names",
        "startAt": params.start_at,
        "maxResults": max_results,
        "total": len(found),
        "issues": issues,
    }
    _names_and_schema(answer, issues, params.expand)
    if warnings:
        answer["warningMessages"] = warnings
    return respond(200, answer)


def search_jql(call: JiraCall) -> SandboxResponse:
    """``/rest/api/{2,3}/search/jql``: Cloud's enhanced search with ``nextPageToken``.

    With ``JiraService.search_lag`` set, new tickets reach this search late, as on Cloud;
    ``reconcileIssues`` (ticket ids) makes them visible at once.
    """
    params = _params(call)
    candidates = call.store.indexed_tickets(params.reconcile)
    found, _ = _run(call, params, candidates, v2_errors=False)
    selection = issue_shapes.FieldSelection(params.fields, "id")
    lean = not selection.base and selection.explicit <= {"id", "key"}
    limit = JQL_MAX_ID_RESULTS if lean else JQL_MAX_RESULTS
    max_results = min(params.max_results if params.max_results is not None else 50, limit)
    offset = _offset(params)
    page = found[offset : offset + max_results]
    if selection.only_id:
        issues = [{"id": t.id} for t in page]
    else:
        issues = [
            issue_shapes.issue(call.view, call.store, t, selection, params.expand, in_search=True)
            for t in page
        ]
    answer: dict[str, Any] = {"issues": issues}
    _names_and_schema(answer, issues, params.expand)
    following = offset + len(page)
    if following < len(found) and page:
        answer["nextPageToken"] = _token(following, params.jql)
    answer["isLast"] = "nextPageToken" not in answer
    return respond(200, answer)


def _token(offset: int, query: str) -> str:
    payload = json.dumps({"offset": offset, "query": _fingerprint(query)}).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def _fingerprint(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()[:16]


def _offset(params: SearchParams) -> int:
    token = params.next_page_token
    if not token:
        return 0
    try:
        payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        offset = int(payload["offset"])
        matches = payload["query"] == _fingerprint(params.jql)
    except (ValueError, KeyError, TypeError):
        matches, offset = False, 0
    if not matches or offset < 0:
        raise JiraHttpError.bad_request(["The provided next page token is invalid or expired."])
    return offset
