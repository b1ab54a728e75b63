"""How the emulated Jira shows an issue on the wire: its fields (only those the ``fields``
parameter selects), expansions, comments, remote links and issue links.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import Any

from pmsync_sandbox.jira import catalog, field_catalog
from pmsync_sandbox.jira.meta_shapes import (
    issue_type,
    link_type,
    priority_reference,
    project_reference,
    resolution,
    select_option,
    status,
    transition,
)
from pmsync_sandbox.jira.profiles import SelectField
from pmsync_sandbox.jira.shapes import (
    Json,
    View,
    day,
    optional_timestamp,
    optional_user,
    rich_text,
    timestamp,
)
from pmsync_sandbox.jira.store import (
    IssueLink,
    JiraComment,
    JiraProject,
    JiraStore,
    RemoteLink,
    Ticket,
)

ISSUE_EXPAND = "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"
SEARCH_ISSUE_EXPAND = "operations,versionedRepresentations,editmeta,changelog,renderedFields"


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
        info = field_catalog.FIELDS_BY_ID.get(field_id)
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
            view, catalog.by_id(store.site.all_issue_types, ticket.issue_type)
        ),
        "project": lambda: project_reference(
            view, _project_of(store, ticket), simplified=store.site.team_managed(ticket.project)
        ),
        "resolution": lambda: (
            resolution(view, catalog.by_id(catalog.RESOLUTIONS, ticket.resolution))
            if ticket.resolution
            else None
        ),
        "resolutiondate": lambda: optional_timestamp(ticket.resolved),
        "watches": lambda: _watches(view, ticket),
        "created": lambda: timestamp(ticket.created),
        "priority": lambda: priority_reference(
            view, catalog.by_id(store.site.priorities, ticket.priority)
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
    } | {
        select.id: _select_value(view, select, ticket) for select in store.site.screen.select_fields
    }


def _select_value(view: View, select: SelectField, ticket: Ticket) -> Callable[[], Any]:
    def build() -> Any:
        option_id = ticket.custom.get(select.id)
        option = select.option(option_id, by="id") if option_id is not None else None
        return select_option(view, option) if option is not None else None

    return build


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
    for field_id, value in field_catalog.NEUTRAL_FIELDS.items():
        if selection.wants(field_id):
            fields[field_id] = _neutral(value)
    return fields


def names_and_schema(field_ids: Iterable[str]) -> tuple[dict[str, str], dict[str, Any]]:
    names: dict[str, str] = {}
    schema: dict[str, Any] = {}
    for field_id in field_ids:
        info = field_catalog.FIELDS_BY_ID.get(field_id)
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
