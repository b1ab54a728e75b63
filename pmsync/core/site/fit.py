"""A new ticket fitted to the create screen of its project and issue type.

A field the screen lacks is left out rather than refused: due date and priority are in
the ticket's description already (``ticket_description.j2``), so nothing is lost, and the
run warns once. Static values from ``jira.fields`` are added for the fields the screen
knows, in the shape Jira expects for the field's type.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import JsonValue

from pmsync.core.domain.changes import NewTicket
from pmsync.core.domain.site import CreateScreen, ScreenField

# Fields pmsync fills itself (reporter: Jira sets the caller when it is not sent).
FILLED_BY_PMSYNC = frozenset(
    {"project", "issuetype", "summary", "description", "labels", "priority", "duedate"}
    | {"assignee", "reporter"}
)
# Fields a ticket can do without: their values stay readable in the description.
OPTIONAL = {"duedate": "due date", "priority": "priority", "assignee": "assignee"}
_SELECT_TYPES = frozenset({"option", "option-with-child"})


def shaped(field: ScreenField | None, value: JsonValue) -> JsonValue:
    """A ``jira.fields`` value as Jira takes it: a plain text for a select field is the
    option's value; an array field takes one such text as a list of one."""
    if not isinstance(value, str) or field is None:
        return value
    if field.schema_type in _SELECT_TYPES:
        return {"value": value}
    if field.schema_type == "array":
        return [value]
    return value


def static_fields(
    screen: CreateScreen, configured: Mapping[str, JsonValue]
) -> dict[str, JsonValue]:
    """``jira.fields`` by field id, for the fields this screen has (names resolved)."""
    found: dict[str, JsonValue] = {}
    for name, value in configured.items():
        field = screen.field_named(name)
        if field is not None:
            found[field.id] = shaped(field, value)
    return found


def left_out(screen: CreateScreen) -> tuple[str, ...]:
    """The optional fields pmsync sets that this create screen does not have."""
    return tuple(field for field in OPTIONAL if not screen.has(field))


def unfilled_required(
    screen: CreateScreen, configured: Mapping[str, JsonValue]
) -> list[ScreenField]:
    """Required fields without a default that neither pmsync nor ``jira.fields`` fills."""
    given = set(static_fields(screen, configured))
    return [
        field
        for field in screen.fields.values()
        if field.required
        and not field.has_default
        and field.id not in FILLED_BY_PMSYNC
        and field.id not in given
    ]


def fit(ticket: NewTicket, screen: CreateScreen, configured: Mapping[str, JsonValue]) -> NewTicket:
    return ticket.model_copy(
        update={"omit": left_out(screen), "extra_fields": static_fields(screen, configured)}
    )


def left_out_warning(screen: CreateScreen) -> str | None:
    """The run's one warning for a screen without due date, priority or assignee."""
    missing = [OPTIONAL[field] for field in left_out(screen)]
    if not missing:
        return None
    return (
        f"Jira's create screen of {screen.issue_type} in {screen.project} has no "
        f"{' or '.join(missing)}: tickets are created without it, and the value is in "
        "each ticket's description (add the field to the screen to have it set)"
    )
