"""Jira's answers in pmsync's terms: errors for the retry policy, search results as
``TicketState``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from jira import JIRAError

from pmsync.adapters.jira_descriptions import wiki_text
from pmsync.adapters.retry import Failure, connection_failure
from pmsync.core.domain.changes import NewTicket
from pmsync.core.domain.state import StatusCategory, TicketLink, TicketState

# The fields a search asks for: what ``ticket_state`` reads.
TICKET_FIELDS = (
    "summary",
    "status",
    "resolution",
    "priority",
    "assignee",
    "duedate",
    "labels",
    "created",
    "updated",
    "resolutiondate",
    "issuelinks",
    "description",
)
_CATEGORIES: tuple[StatusCategory, ...] = ("new", "indeterminate", "done")


def classify(exc: BaseException) -> Failure | None:
    """The retry policy's view of what the ``jira`` session raised."""
    if isinstance(exc, JIRAError):
        response = exc.response
        headers = {} if response is None else {k.lower(): v for k, v in response.headers.items()}
        return Failure(exc.status_code, headers, error_detail(response))
    return connection_failure(exc)


def error_detail(response: Any) -> str:
    """Jira's own message from an error body; HTML pages (429s often are) are named, not
    quoted. Never the request, whose headers hold the token."""
    if response is None:
        return "no response"
    try:
        body = response.json()
    except ValueError:
        return "an HTML error page" if "<html" in response.text[:500].lower() else "no details"
    messages: list[str] = []
    if isinstance(body, dict):
        found = body.get("errorMessages") or body.get("message") or body.get("errorMessage")
        messages += [found] if isinstance(found, str) else list(found or [])
        errors = body.get("errors")
        if isinstance(errors, dict):
            messages += [f"{name}: {text}" for name, text in errors.items()]
        elif isinstance(errors, list):
            messages.append(bulk_errors([e for e in errors if isinstance(e, dict)]))
    # Whole: only the outputs, which mask it first, may cut it (pmsync.config.redact).
    return "; ".join(str(m) for m in messages) or "no details"


def moment(text: str) -> datetime:
    # Jira writes offsets without a colon (…+0100); fromisoformat reads both forms.
    return datetime.fromisoformat(text)


def ticket_state(raw: Mapping[str, Any], deployment: str, server: str) -> TicketState:
    """One issue of a search answer (its ``TICKET_FIELDS``) as a ``TicketState``."""
    fields = raw.get("fields", {})
    status = fields.get("status") or {}
    resolution = (fields.get("resolution") or {}).get("name")
    category = status_category((status.get("statusCategory") or {}).get("key"), resolution)
    assignee = fields.get("assignee") or {}
    account = assignee.get("accountId") if deployment == "cloud" else assignee.get("name")
    due = fields.get("duedate")
    resolved = fields.get("resolutiondate")
    return TicketState(
        key=raw["key"],
        id=str(raw["id"]) if raw.get("id") is not None else None,
        summary=fields.get("summary") or "",
        status=status.get("name", ""),
        status_category=category,
        resolution=resolution,
        priority=(fields.get("priority") or {}).get("name"),
        assignee=account or None,
        due=date.fromisoformat(due) if due else None,
        labels=tuple(fields.get("labels") or ()),
        created=moment(fields["created"]),
        updated=moment(fields["updated"]),
        resolved=moment(resolved) if resolved else None,
        url=f"{server}/browse/{raw['key']}",
        links=ticket_links(fields.get("issuelinks")),
        description=wiki_text(fields.get("description")),
    )


def unique_tickets(tickets: Sequence[TicketState]) -> list[TicketState]:
    """Each ticket once (several searches may find it), oldest first."""
    seen: dict[str, TicketState] = {}
    for ticket in tickets:
        seen.setdefault(ticket.key, ticket)
    return sorted(seen.values(), key=TicketState.age_key)


def ticket_links(raw: Any) -> tuple[TicketLink, ...]:
    """``fields.issuelinks``: each link names the ticket at its other end, inward or outward."""
    links = []
    for link in raw or ():
        other = link.get("outwardIssue") or link.get("inwardIssue") or {}
        name = (link.get("type") or {}).get("name")
        if other.get("key") and name:
            links.append(TicketLink(type=name, key=other["key"]))
    return tuple(links)


def status_category(key: str | None, resolution: str | None) -> StatusCategory:
    """Jira's status category; answers without one count as done when resolved."""
    for known in _CATEGORIES:
        if key == known:
            return known
    return "done" if resolution else "new"


def bulk_errors(errors: Sequence[Mapping[str, Any]]) -> str:
    parts = []
    for error in errors:
        if "elementErrors" not in error:
            parts.append(str(error.get("message", "")))
            continue
        element = error.get("elementErrors") or {}
        details = list(element.get("errorMessages") or []) + [
            f"{field}: {text}" for field, text in (element.get("errors") or {}).items()
        ]
        parts.append(f"ticket {error.get('failedElementNumber', '?')}: {'; '.join(details)}")
    return " | ".join(parts)


def item_refusals(errors: Sequence[Mapping[str, Any]], sent: Sequence[str]) -> dict[str, str]:
    """Jira's reasons per item id, from a bulk create's ``errors``: each names the index
    of its ticket in the request (``sent``: the item ids in that order)."""
    reasons: dict[str, str] = {}
    for error in errors:
        element = error.get("elementErrors") or {}
        details = list(element.get("errorMessages") or []) + [
            f"{field}: {text}" for field, text in (element.get("errors") or {}).items()
        ]
        reason = "; ".join(details) or str(error.get("message", "")) or "no details"
        index = error.get("failedElementNumber")
        items = [sent[index]] if isinstance(index, int) and 0 <= index < len(sent) else sent
        for item in items:
            reasons[item] = reason
    return reasons


def target_category(transition: Mapping[str, Any]) -> Any:
    return ((transition.get("to") or {}).get("statusCategory") or {}).get("key")


def pick_resolution(field: Mapping[str, Any] | None, wanted: Sequence[str]) -> str | None:
    """The first of ``wanted`` that the transition's resolution field allows."""
    if not field:
        return None
    allowed = {value.get("name") for value in field.get("allowedValues", [])}
    return next((name for name in wanted if name in allowed), None)


def numeric_id(ticket_id: str) -> tuple[int, str]:
    """Jira ids sort as numbers."""
    return (int(ticket_id), "") if ticket_id.isdigit() else (0, ticket_id)


def create_fields(ticket: NewTicket, deployment: str) -> dict[str, Any]:
    """The fields of one ticket in a bulk create."""
    fields: dict[str, Any] = {
        "project": {"key": ticket.project},
        "issuetype": {"name": ticket.issue_type},
        "summary": ticket.summary,
        "description": ticket.description,
        "duedate": ticket.due.isoformat(),
        "labels": list(ticket.labels),
        **ticket.extra_fields,
    }
    if ticket.priority:
        fields["priority"] = {"name": ticket.priority}
    if ticket.assignee:
        fields["assignee"] = user_ref(ticket.assignee, deployment)
    # Fields the create screen lacks (pmsync.core.site.fit) would refuse the ticket.
    return {name: value for name, value in fields.items() if name not in ticket.omit}


def user_ref(account: str | None, deployment: str) -> dict[str, str] | None:
    """A person in a write: accountId on Cloud, username on Data Center."""
    if account is None:
        return None
    return {"accountId": account} if deployment == "cloud" else {"name": account}
