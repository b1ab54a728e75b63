"""How the emulated Jira answers look on the wire: the JSON of users, projects, tickets, ….

Shapes follow real Jira answers (see /work/shared/realdata/jira-responses and the Cloud
OpenAPI description): the same keys, the same types, ``self`` URLs that point back at the
sandbox, timestamps as ``2026-11-20T14:02:00.000+0000``. Cloud and Data Center differ in
how users are named (``accountId`` against ``name``/``key``); ``View`` carries that choice,
the REST version (2: wiki-markup text, 3: documents) and the base URL.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pmsync_sandbox.jira import adf, catalog
from pmsync_sandbox.jira.store import (
    IssueLink,
    JiraComment,
    JiraProject,
    JiraStore,
    JiraUser,
    RemoteLink,
    RichText,
    Ticket,
)

Json = dict[str, Any]

ISSUE_EXPAND = "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"
SEARCH_ISSUE_EXPAND = "operations,versionedRepresentations,editmeta,changelog,renderedFields"


@dataclass(frozen=True)
class View:
    base_url: str  # e.g. http://127.0.0.1:8123/jira
    version: str  # "2" or "3"
    cloud: bool

    def api(self, path: str) -> str:
        return f"{self.base_url}/rest/api/{self.version}/{path}"

    def site(self, path: str) -> str:
        return f"{self.base_url}/{path}"


def timestamp(moment: datetime) -> str:
    """Jira's timestamp format: milliseconds and a numeric zone, e.g. ...00.000+0000."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"


def optional_timestamp(moment: datetime | None) -> str | None:
    return timestamp(moment) if moment is not None else None


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def avatar_urls(view: View, kind: str, owner: str) -> dict[str, str]:
    sizes = (("48x48", ""), ("24x24", "small"), ("16x16", "xsmall"), ("32x32", "medium"))
    urls = {}
    for label, size in sizes:
        query = f"?size={size}&" if size else "?"
        urls[label] = view.site(f"secure/{kind}avatar{query}ownerId={owner}")
    return urls


def rich_text(view: View, text: RichText | None) -> Any:
    """A description or comment body in the form the REST version speaks."""
    if text is None:
        return None
    if view.version == "2":
        return text.wiki
    return text.adf if text.adf is not None else adf.from_wiki(text.wiki)


# ---- users and projects ------------------------------------------------------------------


def user(view: View, person: JiraUser) -> Json:
    if view.cloud:
        return {
            "self": view.api(f"user?accountId={person.account_id}"),
            "accountId": person.account_id,
            "emailAddress": person.email,
            "avatarUrls": avatar_urls(view, "user", person.account_id),
            "displayName": person.display_name,
            "active": person.active,
            "timeZone": "Etc/UTC",
            "accountType": "atlassian",
        }
    return {
        "self": view.api(f"user?username={person.name}"),
        "name": person.name,
        "key": person.name,
        "emailAddress": person.email,
        "avatarUrls": avatar_urls(view, "user", person.name),
        "displayName": person.display_name,
        "active": person.active,
        "timeZone": "Etc/UTC",
    }


def myself(view: View, person: JiraUser) -> Json:
    answer = user(view, person)
    answer["locale"] = "en_US"
    answer["groups"] = {"size": 1, "items": []}
    answer["applicationRoles"] = {"size": 1, "items": []}
    answer["expand"] = "groups,applicationRoles"
    return answer


def optional_user(view: View, store: JiraStore, account_id: str | None) -> Json | None:
    person = store.user(account_id) if account_id is not None else None
    return user(view, person) if person is not None else None


def project(view: View, store: JiraStore, item: JiraProject, *, detailed: bool) -> Json:
    answer: Json = {
        "expand": "description,lead,issueTypes,url,projectKeys,permissions,insight",
        "self": view.api(f"project/{item.id}"),
        "id": item.id,
        "key": item.key,
        "name": item.name,
        "avatarUrls": avatar_urls(view, "project", item.id),
        "projectTypeKey": "software",
        "simplified": False,
        "style": "classic",
        "isPrivate": False,
        "properties": {},
    }
    if detailed:
        answer["description"] = ""
        answer["lead"] = optional_user(view, store, item.lead)
        answer["components"] = []
        answer["issueTypes"] = [issue_type(view, t) for t in catalog.ISSUE_TYPES]
        answer["assigneeType"] = "UNASSIGNED"
        answer["versions"] = []
        answer["roles"] = {}
    return answer


def project_reference(view: View, item: JiraProject) -> Json:
    """The short project object inside an issue."""
    return {
        "self": view.api(f"project/{item.id}"),
        "id": item.id,
        "key": item.key,
        "name": item.name,
        "projectTypeKey": "software",
        "simplified": False,
        "avatarUrls": avatar_urls(view, "project", item.id),
    }


# ---- catalog entries ---------------------------------------------------------------------


def issue_type(view: View, item: catalog.IssueType) -> Json:
    return {
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


def priority(view: View, item: catalog.Priority) -> Json:
    return {
        "self": view.api(f"priority/{item.id}"),
        "statusColor": item.color,
        "description": item.description,
        "iconUrl": view.site(item.icon.lstrip("/")),
        "name": item.name,
        "id": item.id,
    }


def priority_reference(view: View, item: catalog.Priority) -> Json:
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


def field(item: catalog.FieldInfo) -> Json:
    answer: Json = {
        "id": item.id,
        "key": item.id,
        "name": item.name,
        "custom": False,
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


# ---- comments and links ------------------------------------------------------------------


def comment(view: View, store: JiraStore, ticket: Ticket, item: JiraComment) -> Json:
    answer: Json = {
        "self": view.api(f"issue/{ticket.id}/comment/{item.id}"),
        "id": item.id,
        "author": optional_user(view, store, item.author),
        "body": rich_text(view, item.body),
        "updateAuthor": optional_user(view, store, item.update_author),
        "created": timestamp(item.created),
        "updated": timestamp(item.updated),
    }
    if view.cloud:
        answer["jsdPublic"] = True
    return answer


def comments_page(
    view: View,
    store: JiraStore,
    ticket: Ticket,
    items: list[JiraComment],
    start_at: int,
    total: int,
    max_results: int,
) -> Json:
    return {
        "comments": [comment(view, store, ticket, c) for c in items],
        "self": view.api(f"issue/{ticket.id}/comment"),
        "maxResults": max_results,
        "total": total,
        "startAt": start_at,
    }


def remote_link(view: View, ticket: Ticket, item: RemoteLink) -> Json:
    answer: Json = {"id": item.id, "self": view.api(f"issue/{ticket.key}/remotelink/{item.id}")}
    if item.global_id is not None:
        answer["globalId"] = item.global_id
    answer["application"] = dict(item.application)
    if item.relationship is not None:
        answer["relationship"] = item.relationship
    answer["object"] = dict(item.object)
    return answer


def remote_link_identifier(view: View, ticket: Ticket, item: RemoteLink) -> Json:
    return {"id": item.id, "self": view.api(f"issue/{ticket.key}/remotelink/{item.id}")}


def _linked_issue(view: View, ticket: Ticket) -> Json:
    return {
        "id": ticket.id,
        "key": ticket.key,
        "self": view.api(f"issue/{ticket.id}"),
        "fields": {
            "summary": ticket.summary,
            "status": status(view, catalog.by_id(catalog.STATUSES, ticket.status)),
            "priority": priority_reference(
                view, catalog.by_id(catalog.PRIORITIES, ticket.priority)
            ),
            "issuetype": issue_type(view, catalog.by_id(catalog.ISSUE_TYPES, ticket.issue_type)),
        },
    }


def issue_link(view: View, store: JiraStore, ticket: Ticket, item: IssueLink) -> Json:
    """One entry of ``fields.issuelinks``, seen from ``ticket``'s side of the link."""
    answer: Json = {
        "id": item.id,
        "self": view.api(f"issueLink/{item.id}"),
        "type": link_type(view, catalog.by_id(catalog.LINK_TYPES, item.type_id)),
    }
    other_id, side = (
        (item.outward, "outwardIssue") if item.inward == ticket.id else (item.inward, "inwardIssue")
    )
    other = store.ticket(other_id)
    if other is not None:
        answer[side] = _linked_issue(view, other)
    return answer


# ---- issues ------------------------------------------------------------------------------


class FieldSelection:
    """Which fields an answer carries, from Jira's ``fields`` parameter.

    The parameter lists field ids, ``*all``, ``*navigable`` and ``-id`` exclusions; without
    it the endpoint's default applies: ``*all`` for GET issue, ``*navigable`` for the v2
    search, only the id for the enhanced search. Exclusions alone apply to ``*navigable``
    there (and to ``*all`` where that is the default).
    """

    def __init__(self, requested: Iterable[str], default: str) -> None:
        names = [n.strip() for n in requested if n.strip()]
        included = [n for n in names if not n.startswith("-")]
        if not included:
            only_exclusions = bool(names)
            included = ["*navigable" if only_exclusions and default == "id" else default]
        self.excluded = {n[1:] for n in names if n.startswith("-")}
        self.base = ""
        self.explicit: set[str] = set()
        for name in included:
            if name == "*all":
                self.base = "*all"
            elif name == "*navigable" and self.base != "*all":
                self.base = "*navigable"
            else:
                self.explicit.add(name)

    def wants(self, field_id: str) -> bool:
        if field_id in self.excluded:
            return False
        if field_id in self.explicit or self.base == "*all":
            return True
        info = catalog.FIELDS_BY_ID.get(field_id)
        return self.base == "*navigable" and info is not None and info.navigable

    @property
    def only_id(self) -> bool:
        """True when nothing but the id was asked for (the enhanced search's default)."""
        return not self.base and self.explicit <= {"id"}


def _watches(view: View, ticket: Ticket) -> Json:
    return {"self": view.api(f"issue/{ticket.key}/watchers"), "watchCount": 0, "isWatching": False}


def _votes(view: View, ticket: Ticket) -> Json:
    return {"self": view.api(f"issue/{ticket.key}/votes"), "votes": 0, "hasVoted": False}


def _field_builders(view: View, store: JiraStore, ticket: Ticket) -> dict[str, Callable[[], Any]]:
    """How to produce each field; only the selected ones are built."""
    return {
        "statuscategorychangedate": lambda: timestamp(ticket.status_category_changed),
        "issuetype": lambda: issue_type(
            view, catalog.by_id(catalog.ISSUE_TYPES, ticket.issue_type)
        ),
        "project": lambda: project_reference(view, _project_of(store, ticket)),
        "resolution": lambda: (
            resolution(view, catalog.by_id(catalog.RESOLUTIONS, ticket.resolution))
            if ticket.resolution
            else None
        ),
        "resolutiondate": lambda: optional_timestamp(ticket.resolved),
        "watches": lambda: _watches(view, ticket),
        "created": lambda: timestamp(ticket.created),
        "priority": lambda: priority_reference(
            view, catalog.by_id(catalog.PRIORITIES, ticket.priority)
        ),
        "labels": lambda: list(ticket.labels),
        "issuelinks": lambda: [
            issue_link(view, store, ticket, lk) for lk in store.links_of(ticket)
        ],
        "assignee": lambda: optional_user(view, store, ticket.assignee),
        "updated": lambda: timestamp(ticket.updated),
        "status": lambda: status(view, catalog.by_id(catalog.STATUSES, ticket.status)),
        "description": lambda: rich_text(view, ticket.description),
        "summary": lambda: ticket.summary,
        "creator": lambda: optional_user(view, store, ticket.creator),
        "reporter": lambda: optional_user(view, store, ticket.reporter),
        "duedate": lambda: day(ticket.due),
        "votes": lambda: _votes(view, ticket),
        "comment": lambda: comments_page(
            view, store, ticket, ticket.comments, 0, len(ticket.comments), len(ticket.comments)
        ),
    }


def _project_of(store: JiraStore, ticket: Ticket) -> JiraProject:
    found = store.project(ticket.project)
    if found is None:  # the store never holds a ticket without its project
        raise KeyError(ticket.project)
    return found


def _neutral(value: object) -> Any:
    """A fresh copy, so no answer shares mutable parts with the catalog."""
    if isinstance(value, dict):
        return {k: _neutral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_neutral(v) for v in value]
    return value


def issue_fields(view: View, store: JiraStore, ticket: Ticket, selection: FieldSelection) -> Json:
    fields: Json = {}
    for field_id, build in _field_builders(view, store, ticket).items():
        if selection.wants(field_id):
            fields[field_id] = build()
    for field_id, value in catalog.NEUTRAL_FIELDS.items():
        if selection.wants(field_id):
            fields[field_id] = _neutral(value)
    return fields


def names_and_schema(field_ids: Iterable[str]) -> tuple[dict[str, str], dict[str, Any]]:
    names: dict[str, str] = {}
    schema: dict[str, Any] = {}
    for field_id in field_ids:
        info = catalog.FIELDS_BY_ID.get(field_id)
        if info is not None:
            names[field_id] = info.name
            schema[field_id] = dict(info.schema)
    return names, schema


def issue(
    view: View,
    store: JiraStore,
    ticket: Ticket,
    selection: FieldSelection,
    expand: set[str],
    *,
    in_search: bool = False,
) -> Json:
    answer: Json = {
        "expand": SEARCH_ISSUE_EXPAND if in_search else ISSUE_EXPAND,
        "id": ticket.id,
        "self": view.api(f"issue/{ticket.id}"),
        "key": ticket.key,
    }
    fields = issue_fields(view, store, ticket, selection)
    if "renderedFields" in expand:
        answer["renderedFields"] = rendered_fields(ticket, fields)
    if not in_search and expand & {"names", "schema"}:
        names, schema = names_and_schema(fields)
        if "names" in expand:
            answer["names"] = names
        if "schema" in expand:
            answer["schema"] = schema
    if "transitions" in expand:
        answer["transitions"] = [
            transition(view, t, with_fields="transitions.fields" in expand)
            for t in catalog.transitions_from(ticket.status)
        ]
    if fields:  # Jira leaves the key out when no field was asked for (e.g. fields=id)
        answer["fields"] = fields
    return answer


def rendered_fields(ticket: Ticket, fields: Json) -> Json:
    """HTML renderings; the sandbox renders the description (escaped, blocks become <p>)."""
    rendered: Json = {}
    if "description" in fields:
        text = ticket.description.wiki if ticket.description is not None else None
        rendered["description"] = _html(text) if text is not None else None
    return rendered


def _html(text: str) -> str:
    blocks = [b for b in text.split("\n\n") if b.strip()]
    return "".join(f"<p>{html.escape(b).replace(chr(10), '<br/>')}</p>" for b in blocks)


def created_issue(view: View, ticket: Ticket) -> Json:
    return {"id": ticket.id, "key": ticket.key, "self": view.api(f"issue/{ticket.id}")}


def server_info(view: View, now: datetime, *, cloud: bool) -> Json:
    if cloud:
        version, numbers, build, deployment = "1001.0.0-SNAPSHOT", [1001, 0, 0], 100289, "Cloud"
    else:
        version, numbers, build, deployment = "9.12.15", [9, 12, 15], 9120015, "Server"
    return {
        "baseUrl": view.base_url,
        "version": version,
        "versionNumbers": numbers,
        "deploymentType": deployment,
        "buildNumber": build,
        "buildDate": "2026-01-01T00:00:00.000+0000",
        "serverTime": timestamp(now),
        "scmInfo": "0f4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f",
        "serverTitle": "Jira",
        "defaultLocale": {"locale": "en_US"},
        "serverTimeZone": "Etc/UTC",
    }
