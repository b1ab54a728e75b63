"""The read-only endpoints about the site itself: who am I, projects, priorities, statuses,
resolutions, fields, issue types, create metadata, and user search.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pmsync_sandbox.http import SandboxResponse
from pmsync_sandbox.jira import catalog, create_screen, field_catalog, meta_shapes, shapes
from pmsync_sandbox.jira.http import JiraCall, JiraHttpError, respond
from pmsync_sandbox.jira.store import JiraProject, JiraUser

USER_NOT_FOUND = "Specified user does not exist or you do not have required permissions"

_E = TypeVar("_E", bound=catalog.CatalogEntry)


def myself(call: JiraCall) -> SandboxResponse:
    return respond(200, shapes.myself(call.view, call.actor))


# ---- projects ----------------------------------------------------------------------------


def _project(call: JiraCall, ref: str) -> JiraProject:
    found = call.store.project(ref)
    if found is None:
        raise JiraHttpError.not_found(f"No project could be found with key '{ref}'.")
    return found


def list_projects(call: JiraCall) -> SandboxResponse:
    expand = set(call.list_arg("expand"))
    answer = []
    for item in call.store.state.projects.values():
        entry = meta_shapes.project(call.view, call.store, item, detailed=False)
        if "issueTypes" in expand:
            entry["issueTypes"] = [
                meta_shapes.issue_type(call.view, t)
                for t in call.store.site.issue_types_of(item.key)
            ]
        if "lead" in expand:
            entry["lead"] = shapes.optional_user(call.view, call.store, item.lead)
        answer.append(entry)
    return respond(200, answer)


def get_project(call: JiraCall, ref: str) -> SandboxResponse:
    item = _project(call, ref)
    return respond(200, meta_shapes.project(call.view, call.store, item, detailed=True))


# ---- catalog lists -----------------------------------------------------------------------


def _entry(items: tuple[_E, ...], ref: str, kind: str) -> _E:
    """The catalog entry with id ``ref``, or Jira's 404 naming the ``kind`` of entry."""
    found = catalog.find_by_id(items, ref)
    if found is None:
        raise JiraHttpError.not_found(f"The {kind} with ID '{ref}' does not exist.")
    return found


def list_priorities(call: JiraCall) -> SandboxResponse:
    return respond(200, [meta_shapes.priority(call.view, p) for p in call.store.site.priorities])


def get_priority(call: JiraCall, ref: str) -> SandboxResponse:
    found = _entry(call.store.site.priorities, ref, "priority")
    return respond(200, meta_shapes.priority(call.view, found))


def list_statuses(call: JiraCall) -> SandboxResponse:
    return respond(200, [meta_shapes.status(call.view, s) for s in catalog.STATUSES])


def get_status(call: JiraCall, ref: str) -> SandboxResponse:
    found = catalog.by_id_or_name(catalog.STATUSES, ref)
    if found is None:
        raise JiraHttpError.not_found(f"The status with ID or name '{ref}' does not exist.")
    return respond(200, meta_shapes.status(call.view, found))


def list_status_categories(call: JiraCall) -> SandboxResponse:
    return respond(
        200, [meta_shapes.status_category(call.view, c) for c in catalog.STATUS_CATEGORIES]
    )


def get_status_category(call: JiraCall, ref: str) -> SandboxResponse:
    folded = ref.casefold()
    found = next((c for c in catalog.STATUS_CATEGORIES if folded in (str(c.id), c.key)), None)
    if found is None:
        raise JiraHttpError.not_found(f"The status category with ID or key '{ref}' does not exist.")
    return respond(200, meta_shapes.status_category(call.view, found))


def list_resolutions(call: JiraCall) -> SandboxResponse:
    return respond(200, [meta_shapes.resolution(call.view, r) for r in catalog.RESOLUTIONS])


def get_resolution(call: JiraCall, ref: str) -> SandboxResponse:
    found = _entry(catalog.RESOLUTIONS, ref, "resolution")
    return respond(200, meta_shapes.resolution(call.view, found))


def list_fields(call: JiraCall) -> SandboxResponse:
    custom = [meta_shapes.select_field_info(f) for f in call.store.site.screen.select_fields]
    return respond(200, [meta_shapes.field(f) for f in (*field_catalog.FIELDS, *custom)])


def list_issue_types(call: JiraCall) -> SandboxResponse:
    # The site's shared types only: a team-managed project's own types are left out, so
    # code must ask the project for them (createmeta or the project's issueTypes).
    return respond(200, [meta_shapes.issue_type(call.view, t) for t in catalog.ISSUE_TYPES])


def get_issue_type(call: JiraCall, ref: str) -> SandboxResponse:
    found = _entry(call.store.site.all_issue_types, ref, "issue type")
    return respond(200, meta_shapes.issue_type(call.view, found))


# ---- create metadata ---------------------------------------------------------------------


def _page(call: JiraCall, key: str, items: list[Any]) -> dict[str, Any]:
    """A createmeta page: ``issueTypes``/``fields`` on Cloud, ``values`` on Data Center."""
    start_at, max_results = call.page_window(50)
    page = items[start_at : start_at + max_results]
    answer: dict[str, Any] = {
        "maxResults": max_results,
        "startAt": start_at,
        "total": len(items),
        (key if call.cloud else "values"): page,
    }
    if not call.cloud:
        answer["isLast"] = start_at + len(page) >= len(items)
    return answer


def createmeta_issue_types(call: JiraCall, project_ref: str) -> SandboxResponse:
    project = _project(call, project_ref)
    types = call.store.site.issue_types_of(project.key)
    items = [meta_shapes.issue_type(call.view, t) for t in types]
    return respond(200, _page(call, "issueTypes", items))


def createmeta_fields(call: JiraCall, project_ref: str, type_id: str) -> SandboxResponse:
    project = _project(call, project_ref)
    _entry(call.store.site.issue_types_of(project.key), type_id, "issue type")
    return respond(200, _page(call, "fields", create_screen.fields_meta(call, project)))


# ---- users -------------------------------------------------------------------------------


def _matches(person: JiraUser, query: str) -> bool:
    """Jira's user search: a prefix of the name, display name (any word) or e-mail."""
    folded = query.casefold()
    words = [person.name, person.account_id, person.email, *person.display_name.split()]
    return any(
        w.casefold().startswith(folded) for w in words
    ) or person.display_name.casefold().startswith(folded)


def search_users(call: JiraCall) -> SandboxResponse:
    if call.cloud:
        if call.arg("username") and not call.arg("query"):
            raise JiraHttpError.bad_request(
                ["The query parameter 'username' is not supported in GDPR strict mode."]
            )
        query, account_id = call.arg("query"), call.arg("accountId")
        if not query and not account_id:
            raise JiraHttpError.bad_request(
                ["One of 'query' or 'accountId' query parameters must be provided."]
            )
    else:
        query, account_id = call.arg("username"), None
        if not query:
            raise JiraHttpError.bad_request(["The username query parameter was not provided"])
    if not call.store.site.browse_users:
        # Atlassian's description of GET /rest/api/3/user/search: "Anonymous calls or calls
        # by users without the required permission return empty search results."
        return respond(200, [])
    people = [
        p
        for p in call.store.state.users.values()
        if (account_id is None or p.account_id == account_id) and (not query or _matches(p, query))
    ]
    include_active = call.arg("includeActive", "true") != "false"
    include_inactive = call.arg("includeInactive", "false") == "true"
    people = [
        p for p in people if (p.active and include_active) or (not p.active and include_inactive)
    ]
    start_at, max_results = call.page_window(50)
    page = people[start_at : start_at + max_results]
    return respond(200, [shapes.user(call.view, p) for p in page])


def get_user(call: JiraCall) -> SandboxResponse:
    if call.cloud:
        account_id = call.arg("accountId")
        if not account_id:
            raise JiraHttpError.not_found("The 'accountId' query parameter needs to be provided")
        person = call.store.user(account_id)
    else:
        name = call.arg("username") or call.arg("key")
        if not name:
            raise JiraHttpError.not_found(
                "Either the 'username' or the 'key' query parameters need to be provided"
            )
        person = call.store.user_by_name(name)
    if person is None:
        raise JiraHttpError.not_found(USER_NOT_FOUND)
    return respond(200, shapes.user(call.view, person))
