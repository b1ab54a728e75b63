"""The remote-link endpoints: list (all, or the one with a ``globalId``), read one, and
create one, or replace the one with the same ``globalId`` as Jira does.
"""

from __future__ import annotations

from typing import Any

from pmsync_sandbox.http import SandboxResponse
from pmsync_sandbox.jira import issue_shapes
from pmsync_sandbox.jira.http import JiraCall, JiraHttpError, respond
from pmsync_sandbox.jira.store import RemoteLink


def list_remote_links(call: JiraCall, ref: str) -> SandboxResponse:
    ticket = call.ticket(ref)
    global_id = call.arg("globalId")
    if global_id is not None:
        found = next((lk for lk in ticket.remote_links if lk.global_id == global_id), None)
        if found is None:
            raise JiraHttpError.not_found(f"No remote link found with globalId '{global_id}'.")
        return respond(200, issue_shapes.remote_link(call.view, ticket, found))
    return respond(
        200, [issue_shapes.remote_link(call.view, ticket, lk) for lk in ticket.remote_links]
    )


def get_remote_link(call: JiraCall, ref: str, link_id: str) -> SandboxResponse:
    ticket = call.ticket(ref)
    found = next((lk for lk in ticket.remote_links if str(lk.id) == link_id), None)
    if found is None:
        raise JiraHttpError.not_found(f"No remote link found with id '{link_id}'.")
    return respond(200, issue_shapes.remote_link(call.view, ticket, found))


def add_remote_link(call: JiraCall, ref: str) -> SandboxResponse:
    """Create a remote link, or replace the one with the same ``globalId`` (200, not 201)."""
    ticket = call.ticket(ref)
    body = call.object_body()
    target = body.get("object")
    errors: dict[str, str] = {}
    if not isinstance(target, dict) or not isinstance(target.get("url"), str):
        errors["url"] = "'url' is required."
    if not isinstance(target, dict) or not isinstance(target.get("title"), str):
        errors["title"] = "'title' is required."
    if errors:
        raise JiraHttpError.bad_request([], errors)
    assert isinstance(target, dict)
    global_id = body.get("globalId") if isinstance(body.get("globalId"), str) else None
    application = body.get("application") if isinstance(body.get("application"), dict) else {}
    relationship = body.get("relationship")
    values: dict[str, Any] = {
        "global_id": global_id,
        "application": application,
        "relationship": relationship if isinstance(relationship, str) else None,
        "object": target,
    }
    existing = next(
        (lk for lk in ticket.remote_links if global_id and lk.global_id == global_id), None
    )
    if existing is None:
        link = RemoteLink(id=call.store.next_remote_link_id(), **values)
        ticket.remote_links.append(link)
        ticket.updated = call.now
        return respond(201, issue_shapes.remote_link_identifier(call.view, ticket, link))
    if existing.model_dump(exclude={"id"}) != values:
        for name, value in values.items():
            setattr(existing, name, value)
        ticket.updated = call.now
    return respond(200, issue_shapes.remote_link_identifier(call.view, ticket, existing))
