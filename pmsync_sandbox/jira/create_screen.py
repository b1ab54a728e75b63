"""A project's create screen as create metadata describes it
(``/issue/createmeta/{project}/issuetypes/{id}``): each field on the screen with whether it
is required, whether it has a default, the operations an edit may use, and the values it
allows. The fields come from the site's profile (profiles.ScreenProfile); the shape is
Atlassian's FieldCreateMetadata.
"""

from __future__ import annotations

from typing import Any

from pmsync_sandbox.jira import field_catalog, meta_shapes
from pmsync_sandbox.jira.http import JiraCall
from pmsync_sandbox.jira.profiles import REQUIRED_SYSTEM_FIELDS, SelectField
from pmsync_sandbox.jira.shapes import Json
from pmsync_sandbox.jira.store import JiraProject

# What an edit may do with each system field; issuetype is changed by moving, not editing.
_OPERATIONS = {"issuetype": [], "labels": ["add", "set", "remove"]}


def fields_meta(call: JiraCall, project: JiraProject) -> list[Json]:
    screen = call.store.site.screen
    answer = [_system_field(call, project, f) for f in screen.system_fields]
    return answer + [_select_field(call, f) for f in screen.select_fields]


def _entry(field_id: str, name: str, schema: dict[str, Any], required: bool) -> Json:
    return {
        "required": required,
        "schema": dict(schema),
        "name": name,
        "key": field_id,
        "fieldId": field_id,
    }


def _system_field(call: JiraCall, project: JiraProject, field_id: str) -> Json:
    site = call.store.site
    info = field_catalog.FIELDS_BY_ID[field_id]
    entry = _entry(field_id, info.name, info.schema, field_id in REQUIRED_SYSTEM_FIELDS)
    entry["hasDefaultValue"] = field_id == "priority"
    entry["operations"] = list(_OPERATIONS.get(field_id, ["set"]))
    if field_id == "issuetype":
        types = site.issue_types_of(project.key)
        entry["allowedValues"] = [meta_shapes.issue_type(call.view, t) for t in types]
    elif field_id == "priority":
        entry["allowedValues"] = [meta_shapes.priority(call.view, p) for p in site.priorities]
        entry["defaultValue"] = meta_shapes.priority(call.view, site.default_priority)
    return entry


def _select_field(call: JiraCall, item: SelectField) -> Json:
    entry = _entry(item.id, item.name, item.schema, item.required)
    entry["hasDefaultValue"] = False
    entry["operations"] = ["set"]
    entry["allowedValues"] = [meta_shapes.select_option(call.view, o) for o in item.options]
    return entry
