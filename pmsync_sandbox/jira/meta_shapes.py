"""How the emulated Jira describes itself on the wire: projects and the catalog's entries
(issue types, priorities, statuses and their categories, resolutions, link types, fields
and transitions), as the metadata endpoints and the fields of an issue show them.
"""

from __future__ import annotations

from pmsync_sandbox.jira import catalog, field_catalog, profiles
from pmsync_sandbox.jira.shapes import Json, View, avatar_urls, optional_user
from pmsync_sandbox.jira.store import JiraProject, JiraStore


def project(view: View, store: JiraStore, item: JiraProject, *, detailed: bool) -> Json:
    team_managed = store.site.team_managed(item.key)
    answer: Json = {
        "expand": "description,lead,issueTypes,url,projectKeys,permissions,insight",
        "self": view.api(f"project/{item.id}"),
        "id": item.id,
        "key": item.key,
        "name": item.name,
        "avatarUrls": avatar_urls(view, "project", item.id),
        "projectTypeKey": "software",
        # Atlassian's Project schema: style "classic" (company-managed) or "next-gen"
        # (team-managed), which are also the "simplified" ones.
        "simplified": team_managed,
        "style": "next-gen" if team_managed else "classic",
        "isPrivate": False,
        "properties": {},
    }
    if detailed:
        answer["description"] = ""
        answer["lead"] = optional_user(view, store, item.lead)
        answer["components"] = []
        answer["issueTypes"] = [issue_type(view, t) for t in store.site.issue_types_of(item.key)]
        answer["assigneeType"] = "UNASSIGNED"
        answer["versions"] = []
        answer["roles"] = {}
    return answer


def project_reference(view: View, item: JiraProject, *, simplified: bool = False) -> Json:
    """The short project object inside an issue (``simplified``: team-managed)."""
    return {
        "self": view.api(f"project/{item.id}"),
        "id": item.id,
        "key": item.key,
        "name": item.name,
        "projectTypeKey": "software",
        "simplified": simplified,
        "avatarUrls": avatar_urls(view, "project", item.id),
    }


# ---- catalog entries ---------------------------------------------------------------------


def issue_type(view: View, item: catalog.IssueType) -> Json:
    answer: Json = {
        "self": view.api(f"issuetype/{item.id}"),
        "id": item.id,
        "description": item.description,
        "iconUrl": view.site(
            f"rest/api/2/universal_avatar/view/type/issuetype/avatar/{item.avatar_id}?size=medium"
        ),
        "name": item.name,
        "subtask": False,
        "avatarId": item.avatar_id,
        "hierarchyLevel": item.hierarchy_level,
    }
    if item.scope_project_id is not None:
        # A team-managed project's own type (IssueTypeDetails: entityId, scope).
        answer["entityId"] = item.entity_id
        answer["scope"] = {"type": "PROJECT", "project": {"id": item.scope_project_id}}
    return answer


def priority(view: View, item: catalog.JiraPriority) -> Json:
    return {
        "self": view.api(f"priority/{item.id}"),
        "statusColor": item.color,
        "description": item.description,
        "iconUrl": view.site(item.icon.lstrip("/")),
        "name": item.name,
        "id": item.id,
    }


def priority_reference(view: View, item: catalog.JiraPriority) -> Json:
    """The short priority object inside an issue."""
    return {
        "self": view.api(f"priority/{item.id}"),
        "iconUrl": view.site(item.icon.lstrip("/")),
        "name": item.name,
        "id": item.id,
    }


def status_category(view: View, item: catalog.StatusCategory) -> Json:
    return {
        "self": view.api(f"statuscategory/{item.id}"),
        "id": item.id,
        "key": item.key,
        "colorName": item.color_name,
        "name": item.name,
    }


def status(view: View, item: catalog.Status) -> Json:
    answer: Json = {
        "self": view.api(f"status/{item.id}"),
        "description": item.description,
        "iconUrl": view.site(item.icon.lstrip("/")),
        "name": item.name,
        "id": item.id,
        "statusCategory": status_category(view, item.category),
    }
    if view.cloud:
        answer["untranslatedName"] = item.name
    return answer


def resolution(view: View, item: catalog.Resolution) -> Json:
    return {
        "self": view.api(f"resolution/{item.id}"),
        "id": item.id,
        "description": item.description,
        "name": item.name,
    }


def link_type(view: View, item: catalog.LinkType) -> Json:
    return {
        "id": item.id,
        "name": item.name,
        "inward": item.inward,
        "outward": item.outward,
        "self": view.api(f"issueLinkType/{item.id}"),
    }


def field(item: field_catalog.FieldInfo) -> Json:
    answer: Json = {
        "id": item.id,
        "key": item.id,
        "name": item.name,
        "custom": item.custom,
        "orderable": item.orderable,
        "navigable": item.navigable,
        "searchable": item.searchable,
        "clauseNames": list(item.clause_names),
    }
    if item.schema:
        answer["schema"] = dict(item.schema)
    return answer


def transition(view: View, item: catalog.Transition, *, with_fields: bool) -> Json:
    answer: Json = {
        "id": item.id,
        "name": item.name,
        "to": status(view, catalog.by_id(catalog.STATUSES, item.to)),
        "hasScreen": False,
        "isGlobal": False,
        "isInitial": False,
        "isAvailable": True,
        "isConditional": False,
        "isLooped": False,
    }
    if with_fields:
        answer["fields"] = (
            {"resolution": resolution_field_meta(view)} if item.resolution_settable else {}
        )
    return answer


def resolution_field_meta(view: View) -> Json:
    return {
        "required": False,
        "schema": {"type": "resolution", "system": "resolution"},
        "name": "Resolution",
        "key": "resolution",
        "hasDefaultValue": True,
        "operations": ["set"],
        "allowedValues": [resolution(view, r) for r in catalog.RESOLUTIONS],
    }


def select_option(view: View, item: profiles.SelectOption) -> Json:
    """An option of a select field, as createmeta and an issue's field show it."""
    return {"self": view.api(f"customFieldOption/{item.id}"), "value": item.value, "id": item.id}


def select_field_info(item: profiles.SelectField) -> field_catalog.FieldInfo:
    """A select field as ``/field`` lists it; JQL names it ``cf[10010]`` or by its name."""
    return field_catalog.FieldInfo(
        item.id,
        item.name,
        item.schema,
        (f"cf[{item.custom_id}]", item.name),
        custom=True,
    )
