"""A rendered post-mortem body -> a typed PostMortem, or the errors that stop it.

Pure: the form comes in as a value. Never raises on any body: everything wrong with the
input becomes a Finding that names the field, the row, the value found and what would do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from pmsync.core.domain.model import ActionItem, Finding, ParseResult, PostMortem, TimelineEntry
from pmsync.core.postmortem.action_items import FIELD as ACTIONS
from pmsync.core.postmortem.action_items import ActionBlock, RawItem, error, read_block, read_item
from pmsync.core.postmortem.form import (
    Form,
    SplitBody,
    checked_options,
    default_form,
    fenced_lines,
    nearest_label,
    split_sections,
)
from pmsync.core.postmortem.mdtable import Table, find_tables
from pmsync.core.postmortem.values import (
    SEVERITY_HINT,
    TIME_FORMAT_HINT,
    Unreadable,
    plain,
    read_choice,
    read_services,
    read_severity,
    read_time,
)

T = TypeVar("T")
MAX_BODY_CHARACTERS = 65_536  # GitHub refuses longer issue bodies
# Room an empty Ticket cell takes once pmsync fills it: "[OPS-12345](<site>/browse/OPS-12345)"
# with a Jira site address of up to about 150 characters.
TICKET_CELL_RESERVE = 200
MAX_SERVICES = 20  # lint.max_services' default

# The fields a post-mortem cannot do without, whatever the form marks as required.
REQUIRED_FIELDS = (
    "incident_start",
    "severity",
    "services",
    "root_cause_category",
    "summary",
    "root_cause",
    ACTIONS,
)
_HINTS = {
    "incident_start": f"write {TIME_FORMAT_HINT}",
    "severity": f"choose {SEVERITY_HINT}",
    "services": "list the affected services, comma-separated, e.g. payments-api, payments-db",
    "summary": "say in two or three sentences what happened",
    "root_cause": "explain why it happened (ask why five times)",
    ACTIONS: "add at least one row under the table header",
}
_TEXT_FIELDS = (
    "summary",
    "impact",
    "root_cause",
    "contributing_factors",
    "went_well",
    "could_improve",
    "lessons_learned",
)


@dataclass(frozen=True)
class Draft:
    """Everything that could be read from a body, valid or not; lint works on this."""

    title: str
    incident_start: datetime | None
    incident_end: datetime | None
    severity: int | None
    services: tuple[str, ...]
    root_cause_category: str | None
    texts: dict[str, str]  # free-text fields by id ("" when empty)
    timeline: tuple[TimelineEntry, ...]
    action_items: tuple[ActionItem, ...]  # the items that have no errors
    action_rows: tuple[RawItem, ...]  # every row or list item as written, valid or not
    blameless: tuple[str, ...]
    # Section headings the form does not know, each with the heading most like it, both
    # as written at the body's level ("## Root cuase", "## Root cause").
    unknown_headings: tuple[tuple[str, str], ...] = ()

    def postmortem(self) -> PostMortem | None:
        """The PostMortem, when every part it needs could be read."""
        if (
            self.incident_start is None
            or self.severity is None
            or not self.services
            or self.root_cause_category is None
            or not self.action_items
        ):
            return None
        return PostMortem(
            title=self.title,
            incident_start=self.incident_start,
            incident_end=self.incident_end,
            severity=self.severity,
            services=self.services,
            root_cause_category=self.root_cause_category,
            timeline=self.timeline,
            action_items=self.action_items,
            blameless=self.blameless,
            **self.texts,
        )


def parse_postmortem(
    body: str | None,
    form: Form | None = None,
    *,
    title: str = "",
    max_action_items: int = 10,
    max_services: int = MAX_SERVICES,
) -> ParseResult:
    """The post-mortem and its errors; ``postmortem`` is None whenever there is an error."""
    draft, errors = read_draft(
        body, form, title=title, max_action_items=max_action_items, max_services=max_services
    )
    return ParseResult(postmortem=None if errors else draft.postmortem(), errors=errors)


def read_draft(
    body: str | None,
    form: Form | None = None,
    *,
    title: str = "",
    max_action_items: int = 10,
    max_services: int = MAX_SERVICES,
) -> tuple[Draft, tuple[Finding, ...]]:
    form = form or default_form()
    split = split_sections(body, form)
    errors: list[Finding] = []
    if body is not None and len(body) > MAX_BODY_CHARACTERS:
        errors.append(
            error(
                "body-too-long",
                f"the body has {len(body):,} characters; GitHub accepts at most "
                f"{MAX_BODY_CHARACTERS:,}: shorten it, e.g. move logs into a linked document",
                field_id="body",
            )
        )
    values = {field_id: _present(split, field_id) for field_id in _all_ids(form)}
    for field_id in _required(form):
        if not values.get(field_id):
            errors.append(_missing(split, form, field_id))

    start = _time(values, "incident_start", errors)
    end = _time(values, "incident_end", errors)
    if start is not None and end is not None and end < start:
        errors.append(
            error(
                "end-before-start",
                f"the incident end ({end.isoformat()}) is before its start "
                f"({start.isoformat()}); write the time service was fully restored",
                field_id="incident_end",
            )
        )
    severity = _read(values, "severity", read_severity, "invalid-severity", errors)
    category = _category(values, form, errors)
    rows = read_block(split)
    items = _action_items(rows, bool(split.value(ACTIONS)), start, max_action_items, errors)
    _room_for_tickets(body, items, errors)
    services = read_services(values.get("services") or "")
    if len(services) > max_services:
        errors.append(_too_many_services(len(services), max_services))
    draft = Draft(
        title=title,
        incident_start=start,
        incident_end=end,
        severity=severity,
        services=services,
        root_cause_category=category,
        texts={field_id: values.get(field_id) or "" for field_id in _TEXT_FIELDS},
        timeline=read_timeline(split),
        action_items=items,
        action_rows=rows.items,
        blameless=checked_options(values.get("blameless") or ""),
        unknown_headings=_unknown_headings(split, form),
    )
    return draft, tuple(errors)


def _unknown_headings(split: SplitBody, form: Form) -> tuple[tuple[str, str], ...]:
    hashes = "#" * split.heading_level
    present = {s.field_id for s in split.sections if s.field_id}
    return tuple(
        (f"{hashes} {heading}", f"{hashes} {nearest_label(heading, form, present)}")
        for heading in split.unknown_headings
    )


def _too_many_services(count: int, limit: int) -> Finding:
    """Each service becomes a label on the issue and may link it to earlier post-mortems:
    an unbounded list would make as many writes (issue 16, item 8)."""
    return error(
        "services-too-many",
        f"{count} affected services; at most {limit} are accepted (lint.max_services, since "
        "each becomes a label on this issue): list the services the incident hit directly",
        field_id="services",
    )


def _room_for_tickets(
    body: str | None, items: tuple[ActionItem, ...], errors: list[Finding]
) -> None:
    """The Ticket links pmsync writes into the body must fit as well: refused now, before
    any ticket exists, rather than created and then impossible to record."""
    if body is None or len(body) > MAX_BODY_CHARACTERS:
        return  # nothing to fill, or already refused as too long
    needed = sum(TICKET_CELL_RESERVE for item in items if item.ticket is None)
    if len(body) + needed > MAX_BODY_CHARACTERS:
        errors.append(
            error(
                "body-too-long",
                f"the body has {len(body):,} characters, and filling in its Ticket column "
                f"needs about {needed:,} more; GitHub accepts at most "
                f"{MAX_BODY_CHARACTERS:,}: shorten it, e.g. move logs into a linked document",
                field_id="body",
            )
        )


# --- fields -------------------------------------------------------------------------------


def _all_ids(form: Form) -> set[str]:
    return {f.id for f in form.fields} | set(REQUIRED_FIELDS)


def _required(form: Form) -> list[str]:
    marked = [f.id for f in form.fields if f.required and f.id not in REQUIRED_FIELDS]
    return [*REQUIRED_FIELDS, *marked]


def _present(split: SplitBody, field_id: str) -> str | None:
    value = split.value(field_id)
    return value if value else None


def _missing(split: SplitBody, form: Form, field_id: str) -> Finding:
    field = form.field(field_id)
    hint = _HINTS.get(field_id, "fill it in")
    if field is not None and field.options and field.kind == "dropdown":
        hint = f"choose one of {', '.join(field.options)}"
    if field is None:
        message = (
            f"the issue form has no field with id {field_id!r}, so the body cannot give it; "
            "add the field to the form (see pmsync's own postmortem.yml)"
        )
    elif split.section(field_id) is None:
        heading = f"{'#' * split.heading_level} {field.label}"
        message = f"the body has no '{heading}' section; add it back and {hint}"
        present = {s.field_id for s in split.sections if s.field_id}
        meant = [
            h for h in split.unknown_headings if nearest_label(h, form, present) == field.label
        ]
        if meant:
            written = f"{'#' * split.heading_level} {meant[0]}"
            message = f"the body has no '{heading}' section ('{written}' may be it: rename it)"
    else:
        message = f"{field.label} is required but empty; {hint}"
    return error("required-missing", message, field_id=field_id)


def _read(
    values: dict[str, str | None],
    field_id: str,
    reader: Callable[[str], T],
    code: str,
    errors: list[Finding],
) -> T | None:
    text = values.get(field_id)
    if not text:
        return None
    try:
        return reader(text)
    except Unreadable as exc:
        errors.append(error(code, str(exc), field_id=field_id))
        return None


def _time(values: dict[str, str | None], field_id: str, errors: list[Finding]) -> datetime | None:
    return _read(values, field_id, read_time, "invalid-time", errors)


def _category(values: dict[str, str | None], form: Form, errors: list[Finding]) -> str | None:
    field = form.field("root_cause_category")
    options = field.options if field and field.kind == "dropdown" else ()
    return _read(
        values,
        "root_cause_category",
        lambda text: read_choice(text, options),
        "invalid-choice",
        errors,
    )


def _action_items(
    block: ActionBlock, written: bool, start: datetime | None, limit: int, errors: list[Finding]
) -> tuple[ActionItem, ...]:
    errors.extend(block.problems)
    if written and not block.items:
        errors.append(
            error(
                "action-items-empty",
                "no action items found: add rows under the table header "
                "| Action | Type | Priority | Owner | Due | Ticket |, or task-list lines such as "
                "`- [ ] Add pool alert at 80% — Detect, P1, @bob, due 1 week`",
            )
        )
    if len(block.items) > limit:
        errors.append(
            error(
                "action-items-too-many",
                f"{len(block.items)} action items; at most {limit} are accepted "
                "(lint.max_action_items): keep the ones that matter most and track the rest "
                "elsewhere",
            )
        )
    items = []
    for raw in block.items:
        found = read_item(raw, start)
        if isinstance(found, ActionItem):
            items.append(found)
        else:
            errors.extend(found)
    return tuple(items)


# --- timeline -----------------------------------------------------------------------------

_TIME_HEADERS = ("time", "when", "date", "timestamp")
_EVENT_HEADERS = ("event", "what", "description", "happened", "action")
_LIST_LINE = re.compile(r"^(?:[-*+]\s+(?:\[[ xX]?\]\s+)?|\d+[.)]\s+)(?P<text>\S.*)$")
_LEADING_TIME = re.compile(
    r"^(?P<time>(?:\*\*|__)?"
    r"(?:\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:[ ,T]+\d{1,2}:\d{2}(?::\d{2})?)?|\d{1,2}:\d{2}(?::\d{2})?)"
    r"(?:\s*[aApP]\.?[mM]\.?)?(?:\s*(?:UTC|GMT|Z|[A-Z]{1,3}T|[+-]\d{2}:?\d{2})\b)?(?:\*\*|__)?)"
    r"\s*(?:[-–—:|]+\s*)?(?P<event>.*)$"
)


def read_timeline(split: SplitBody) -> tuple[TimelineEntry, ...]:
    """Entries from a table (columns by header) or else from list lines or paragraphs."""
    section = split.section("timeline")
    if section is None or not section.value:
        return ()
    hidden = fenced_lines(split.lines)
    indexes = [i for i in range(section.start + 1, section.end) if i not in hidden]
    tables = find_tables(split.lines, indexes)
    if tables:
        return tuple(entry for table in tables for entry in _table_entries(table))
    lines = section.value.split("\n")
    listed = [m for line in lines if (m := _LIST_LINE.match(line))]
    if listed:
        texts = [m.group("text") for m in listed]
    else:
        texts = [" ".join(p.split()) for p in section.value.split("\n\n") if p.strip()]
    return tuple(_entry(text) for text in texts)


def _table_entries(table: Table) -> list[TimelineEntry]:
    headers = [plain(cell.text).casefold() for cell in table.header.cells]
    time_column = next((i for i, h in enumerate(headers) if h.startswith(_TIME_HEADERS)), 0)
    event_column = next((i for i, h in enumerate(headers) if h.startswith(_EVENT_HEADERS)), None)
    entries = []
    for row in table.rows:
        if row.is_empty():
            continue
        if event_column is not None:
            event = row.text(event_column)
        else:
            event = " — ".join(
                c.text for i, c in enumerate(row.cells) if i != time_column and c.text
            )
        entries.append(TimelineEntry(time=plain(row.text(time_column)), event=event))
    return entries


def _entry(text: str) -> TimelineEntry:
    match = _LEADING_TIME.match(text)
    if match and match.group("event"):
        return TimelineEntry(time=plain(match.group("time")), event=match.group("event").strip())
    return TimelineEntry(time="", event=text.strip())
