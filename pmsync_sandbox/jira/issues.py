"""The issue endpoints: create (one and bulk), read, edit, assign, comments, issue links
and transitions (remote links are in ``remote_links.py``).

Every change stamps the ticket's ``updated`` with the sandbox clock; a request that
changes nothing leaves it alone, as Jira does.
"""

from __future__ import annotations

from typing import Any

from pmsync_sandbox.http import SandboxResponse
from pmsync_sandbox.jira import catalog, issue_shapes, meta_shapes
from pmsync_sandbox.jira.fields import (
    FieldChanges,
    FieldError,
    FieldReader,
    cannot_set,
    reference,
)
from pmsync_sandbox.jira.http import JiraCall, JiraHttpError, error_body, respond
from pmsync_sandbox.jira.store import JiraComment, RichText, Ticket

BULK_LIMIT = 50


def _reader(call: JiraCall) -> FieldReader:
    return FieldReader(call.store, version=call.view.version, cloud=call.cloud)


def _expand(call: JiraCall) -> set[str]:
    return set(call.list_arg("expand"))


# ---- create ------------------------------------------------------------------------------


def _create(call: JiraCall, changes: FieldChanges) -> Ticket:
    assert changes.project is not None and changes.issue_type is not None  # checked by caller
    values = changes.values
    ticket = call.store.new_ticket(
        changes.project,
        issue_type=changes.issue_type,
        summary=values["summary"],
        description=values.get("description"),
        priority=values.get("priority", call.store.site.default_priority.id),
        labels=changes.labels_after([]),
        assignee=values.get("assignee"),
        reporter=values.get("reporter", call.actor.account_id),
        creator=call.actor.account_id,
        due=values.get("due"),
        status=catalog.INITIAL_STATUS.id,
        created=call.now,
        updated=call.now,
        status_category_changed=call.now,
        custom={k: v for k, v in changes.custom.items() if v is not None},
    )
    for body in changes.comments:
        _add_comment(call, ticket, body)
    return ticket


def create_issue(call: JiraCall) -> SandboxResponse:
    changes = _reader(call).for_create(call.body())
    if changes.errors:
        raise JiraHttpError.bad_request([], changes.errors)
    ticket = _create(call, changes)
    return respond(201, issue_shapes.created_issue(call.view, ticket))


def create_issues(call: JiraCall) -> SandboxResponse:
    body = call.object_body()
    updates = body.get("issueUpdates")
    if not isinstance(updates, list):
        raise JiraHttpError.bad_request(["The request must contain a list of 'issueUpdates'."])
    if len(updates) > BULK_LIMIT:
        raise JiraHttpError.bad_request(
            [f"The number of issues to create in bulk must not exceed {BULK_LIMIT}."]
        )
    reader = _reader(call)
    created: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    for number, update in enumerate(updates):
        changes = reader.for_create(update)
        if changes.errors:
            failures.append(
                {
                    "status": 400,
                    "elementErrors": error_body([], changes.errors),
                    "failedElementNumber": number,
                }
            )
        else:
            created.append(issue_shapes.created_issue(call.view, _create(call, changes)))
    status = 201 if created or not updates else 400
    return respond(status, {"issues": created, "errors": failures})


# ---- read and edit -----------------------------------------------------------------------


def get_issue(call: JiraCall, ref: str) -> SandboxResponse:
    ticket = call.ticket(ref)
    selection = issue_shapes.FieldSelection(call.list_arg("fields"), "*all")
    return respond(200, issue_shapes.issue(call.view, call.store, ticket, selection, _expand(call)))


def _apply(call: JiraCall, ticket: Ticket, changes: FieldChanges) -> None:
    """Write the changes; stamp ``updated`` only if a value really changed."""
    new_values = dict(changes.values)
    if changes.label_ops or "labels" in new_values:
        new_values["labels"] = changes.labels_after(ticket.labels)
    changed = False
    for attribute, value in new_values.items():
        if getattr(ticket, attribute) != value:
            setattr(ticket, attribute, value)
            changed = True
    for field_id, option_id in changes.custom.items():
        if ticket.custom.get(field_id) != option_id:
            if option_id is None:
                del ticket.custom[field_id]
            else:
                ticket.custom[field_id] = option_id
            changed = True
    for body in changes.comments:
        _add_comment(call, ticket, body)
        changed = True
    if changed:
        ticket.updated = call.now


def edit_issue(call: JiraCall, ref: str) -> SandboxResponse:
    ticket = call.ticket(ref)
    changes = _reader(call).for_edit(call.body())
    if changes.errors:
        raise JiraHttpError.bad_request([], changes.errors)
    _apply(call, ticket, changes)
    if call.arg("returnIssue") == "true":
        selection = issue_shapes.FieldSelection([], "*all")
        return respond(
            200, issue_shapes.issue(call.view, call.store, ticket, selection, _expand(call))
        )
    return respond(204)


def assign_issue(call: JiraCall, ref: str) -> SandboxResponse:
    ticket = call.ticket(ref)
    body = call.body()
    changes = FieldChanges()
    try:
        account_id = None if _unassigns(body) else _reader(call).person(body)
    except FieldError as error:
        raise JiraHttpError.bad_request([], {"assignee": str(error)}) from None
    changes.values["assignee"] = account_id
    _apply(call, ticket, changes)
    return respond(204)


def _unassigns(body: object) -> bool:
    if body is None:
        return True
    if isinstance(body, dict):
        return all(body.get(key) is None for key in ("accountId", "name", "key", "id"))
    return False


# ---- comments ----------------------------------------------------------------------------


def _add_comment(call: JiraCall, ticket: Ticket, body: RichText) -> JiraComment:
    comment = JiraComment(
        id=call.store.next_comment_id(),
        author=call.actor.account_id,
        update_author=call.actor.account_id,
        body=body,
        created=call.now,
        updated=call.now,
    )
    ticket.comments.append(comment)
    ticket.updated = call.now
    return comment


def _comment_body(call: JiraCall) -> RichText:
    body = call.object_body()
    try:
        text = _reader(call).rich_text(body.get("body"))
    except FieldError as error:
        raise JiraHttpError.bad_request([], {"comment": str(error)}) from None
    if not text.wiki.strip():
        raise JiraHttpError.bad_request([], {"comment": "Comment body can not be empty!"})
    return text


def _comment(call: JiraCall, ticket: Ticket, comment_id: str) -> JiraComment:
    found = next((c for c in ticket.comments if c.id == comment_id), None)
    if found is None:
        raise JiraHttpError.not_found(f"Can not find a comment for the id: {comment_id}.")
    return found


def list_comments(call: JiraCall, ref: str) -> SandboxResponse:
    ticket = call.ticket(ref)
    comments = list(ticket.comments)
    if call.arg("orderBy") == "-created":
        comments.reverse()
    start_at, max_results = call.page_window(5000)
    page = comments[start_at : start_at + max_results]
    body = issue_shapes.comments_page(
        call.view, call.store, ticket, page, start_at, len(comments), max_results
    )
    del body["self"]  # the comments resource has no self of its own
    return respond(200, body)


def add_comment(call: JiraCall, ref: str) -> SandboxResponse:
    ticket = call.ticket(ref)
    comment = _add_comment(call, ticket, _comment_body(call))
    return respond(201, issue_shapes.comment(call.view, call.store, ticket, comment))


def get_comment(call: JiraCall, ref: str, comment_id: str) -> SandboxResponse:
    ticket = call.ticket(ref)
    comment = _comment(call, ticket, comment_id)
    return respond(200, issue_shapes.comment(call.view, call.store, ticket, comment))


def edit_comment(call: JiraCall, ref: str, comment_id: str) -> SandboxResponse:
    ticket = call.ticket(ref)
    comment = _comment(call, ticket, comment_id)
    body = _comment_body(call)
    if body != comment.body:
        comment.body = body
        comment.updated = call.now
        comment.update_author = call.actor.account_id
        ticket.updated = call.now
    return respond(200, issue_shapes.comment(call.view, call.store, ticket, comment))


# ---- issue links -------------------------------------------------------------------------


def list_link_types(call: JiraCall) -> SandboxResponse:
    types = [meta_shapes.link_type(call.view, t) for t in catalog.LINK_TYPES]
    return respond(200, {"issueLinkTypes": types})


def add_issue_link(call: JiraCall) -> SandboxResponse:
    body = call.object_body()
    type_ref = reference(body.get("type"), "name", "id")
    link_type = catalog.by_id_or_name(catalog.LINK_TYPES, type_ref) if type_ref else None
    if link_type is None:
        raise JiraHttpError.not_found(f"No issue link type with name '{type_ref}' found.")
    inward = call.ticket(reference(body.get("inwardIssue"), "key", "id") or "")
    outward = call.ticket(reference(body.get("outwardIssue"), "key", "id") or "")
    comment = body.get("comment")
    comment_text = None
    if isinstance(comment, dict):
        try:
            comment_text = _reader(call).rich_text(comment.get("body"))
        except FieldError as error:
            raise JiraHttpError.bad_request([], {"comment": str(error)}) from None
    before = len(call.store.state.links)
    call.store.add_link(link_type.id, inward, outward)
    if len(call.store.state.links) != before:
        inward.updated = outward.updated = call.now
    if comment_text is not None:
        _add_comment(call, outward, comment_text)
    return respond(201)


# ---- transitions -------------------------------------------------------------------------


def list_transitions(call: JiraCall, ref: str) -> SandboxResponse:
    ticket = call.ticket(ref)
    wanted = call.arg("transitionId")
    with_fields = "transitions.fields" in _expand(call)
    available = [
        meta_shapes.transition(call.view, t, with_fields=with_fields)
        for t in catalog.transitions_from(ticket.status)
        if wanted is None or t.id == wanted
    ]
    return respond(200, {"expand": "transitions", "transitions": available})


def do_transition(call: JiraCall, ref: str) -> SandboxResponse:
    ticket = call.ticket(ref)
    body = call.object_body()
    transition_id = reference(body.get("transition"), "id")
    if transition_id is None:
        raise JiraHttpError.bad_request(["Missing 'transition' identifier"])
    transition = next(
        (t for t in catalog.transitions_from(ticket.status) if t.id == transition_id), None
    )
    if transition is None:
        raise JiraHttpError.bad_request(
            [f"Transition id '{transition_id}' is not valid for this issue."]
        )
    resolution_id, comments = _transition_inputs(call, body, transition)
    target = catalog.by_id(catalog.STATUSES, transition.to)
    if target.category != ticket.category:
        ticket.status_category_changed = call.now
    ticket.status = target.id
    if resolution_id is None:
        ticket.resolution = ticket.resolved = None
    elif ticket.resolution is None:
        ticket.resolution, ticket.resolved = resolution_id, call.now
    else:
        ticket.resolution = resolution_id
    ticket.updated = call.now
    for text in comments:
        _add_comment(call, ticket, text)
    return respond(204)


def _transition_inputs(
    call: JiraCall, body: dict[str, Any], transition: catalog.Transition
) -> tuple[str | None, list[RichText]]:
    """The resolution the transition sets and the comments it adds, or Jira's 400."""
    errors: dict[str, str] = {}
    resolution_id = transition.resolution
    fields = body.get("fields") or {}
    for field_id, value in fields.items() if isinstance(fields, dict) else ():
        if field_id != "resolution" or not transition.resolution_settable:
            errors[field_id] = cannot_set(field_id)
            continue
        ref = reference(value, "id", "name")
        found = catalog.by_id_or_name(catalog.RESOLUTIONS, ref) if ref else None
        if found is None:
            errors[field_id] = "The resolution selected is invalid."
        else:
            resolution_id = found.id
    update = body.get("update") or {}
    changes = FieldChanges()
    reader = _reader(call)
    for field_id, operations in update.items() if isinstance(update, dict) else ():
        if field_id != "comment":
            errors[field_id] = cannot_set(field_id)
            continue
        for operation in operations if isinstance(operations, list) else [operations]:
            try:
                reader.operation("comment", operation, changes)
            except FieldError as error:
                errors.setdefault("comment", str(error))
    if errors:
        raise JiraHttpError.bad_request([], errors)
    return resolution_id, changes.comments
