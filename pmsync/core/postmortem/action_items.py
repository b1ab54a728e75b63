"""The action items of a post-mortem: read from a table or a task list, and Ticket cells filled.

A table row or task-list line is a ``RawItem`` (the text of each attribute, where it sits);
``read_item`` checks one and either builds an ``ActionItem`` or explains what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TypeVar

from pmsync.core.domain.changes import TicketCell
from pmsync.core.domain.identity import numbered_actions
from pmsync.core.domain.model import ActionItem, Finding
from pmsync.core.postmortem.due_cells import fill_due_column, unedited, with_due_attribute
from pmsync.core.postmortem.form import (
    Form,
    SplitBody,
    default_form,
    fenced_lines,
    normalise_label,
    split_sections,
)
from pmsync.core.postmortem.mdtable import Table, find_tables, with_cell
from pmsync.core.postmortem.values import (
    DUE_HINT,
    OWNER_HINT,
    PRIORITY_HINT,
    TYPE_HINT,
    Unreadable,
    find_ticket_key,
    plain,
    quoted,
    read_due,
    read_owner,
    read_priority,
    read_type,
    resolve_due,
)

T = TypeVar("T")
FIELD = "action_items"
ATTRIBUTES = ("action", "type", "priority", "owner", "due", "ticket")
REQUIRED_ATTRIBUTES = ATTRIBUTES[:-1]
_HEADER_NAMES = {
    "action": {"action", "actions", "action item", "action items", "item", "task"},
    "type": {"type", "kind"},
    "priority": {"priority", "prio"},
    "owner": {"owner", "owners", "assignee"},
    "due": {"due", "due date", "deadline"},
    "ticket": {"ticket", "tickets", "jira", "jira ticket", "key"},
}


@dataclass(frozen=True)
class RawItem:
    row: int  # 1-based, as the author counts rows
    line: int  # index of its line in the body
    values: dict[str, str]  # attribute -> text as written; no key when the table lacks it
    problems: tuple[Finding, ...] = ()  # found while taking the line apart


@dataclass(frozen=True)
class ActionBlock:
    """What the action-items section holds: table rows or task-list lines."""

    items: tuple[RawItem, ...] = ()
    table: Table | None = None
    columns: dict[str, int] = field(default_factory=dict)  # attribute -> table column
    problems: tuple[Finding, ...] = ()  # about the table as a whole


def error(code: str, message: str, row: int | None = None, field_id: str = FIELD) -> Finding:
    return Finding(level="error", code=code, field=field_id, row=row, message=message)


# --- finding the items --------------------------------------------------------------------


def read_block(split: SplitBody) -> ActionBlock:
    section = split.section(FIELD)
    if section is None:
        return ActionBlock()
    hidden = fenced_lines(split.lines)
    indexes = [i for i in range(section.start + 1, section.end) if i not in hidden]
    tables = find_tables(split.lines, indexes)
    chosen = next((t for t in tables if "action" in _columns(t)), tables[0] if tables else None)
    if chosen is not None:
        return _table_block(chosen)
    return ActionBlock(items=tuple(_list_items(split.lines, indexes)))


def _columns(table: Table) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(table.header.cells):
        key = normalise_label(cell.text)
        for attribute, names in _HEADER_NAMES.items():
            if key in names and attribute not in columns:
                columns[attribute] = index
    return columns


def _table_block(table: Table) -> ActionBlock:
    columns = _columns(table)
    found = ", ".join(quoted(cell.text) for cell in table.header.cells if cell.text) or "none"
    problems = tuple(
        error(
            "action-table-column-missing",
            f"the action-item table has no {name.capitalize()} column (columns found: {found}); "
            "the header must name Action, Type, Priority, Owner and Due (Ticket is optional)",
        )
        for name in REQUIRED_ATTRIBUTES
        if name not in columns
    )
    items = tuple(
        RawItem(
            row=number,
            line=row.line,
            values={name: row.text(column) for name, column in columns.items()},
        )
        for number, row in enumerate(table.rows, start=1)
        if not row.is_empty()
    )
    return ActionBlock(items=items, table=table, columns=columns, problems=problems)


_LIST_ITEM = re.compile(r"^[-*+]\s+(?:\[[ xX]?\]\s+)?(?P<text>\S.*)$")
_ATTRIBUTE_SEPARATORS = (" — ", " – ", " -- ", " - ")


def _list_items(lines: tuple[str, ...], indexes: list[int]) -> list[RawItem]:
    """Top-level list lines: `- [ ] Add pool alert at 80% — Detect, P1, @bob, due 1 week`."""
    items: list[RawItem] = []
    for index in indexes:
        match = _LIST_ITEM.match(lines[index])
        if match:
            items.append(_list_item(len(items) + 1, index, match.group("text")))
    return items


def _list_item(row: int, line: int, text: str) -> RawItem:
    action, attributes = _split_attributes(text)
    values = dict.fromkeys(REQUIRED_ATTRIBUTES, "") | {"action": action}
    problems = []
    for token in (t.strip() for t in attributes.split(",")):
        if not token:
            continue
        name, value = _classify(token)
        if name is None:
            problems.append(
                error(
                    "action-attribute-unknown",
                    f"{quoted(token)} is not a type ({TYPE_HINT}), a priority ({PRIORITY_HINT}), "
                    f"an owner ({OWNER_HINT}), `due <date or span>` or a ticket key",
                    row,
                )
            )
        elif values.get(name):
            problems.append(
                error(
                    "action-attribute-repeated",
                    f"the item gives its {name} twice ({quoted(values[name])} and {quoted(value)});"
                    " keep one",
                    row,
                )
            )
        else:
            values[name] = value
    return RawItem(row=row, line=line, values=values, problems=tuple(problems))


def _split_attributes(text: str) -> tuple[str, str]:
    for separator in _ATTRIBUTE_SEPARATORS:
        action, found, attributes = text.rpartition(separator)
        if found:
            return action.strip(), attributes
    return text.strip(), ""


_KEYED = re.compile(r"^(?P<key>type|priority|owner|due|ticket)\s*[:=]?\s+(?P<value>.+)$", re.I)


def _classify(token: str) -> tuple[str | None, str]:
    """Which attribute a task-list token gives: `P1`, `@bob`, `due 1 week`, `Detect`, …"""
    keyed = _KEYED.match(token)
    if keyed:
        return keyed.group("key").lower(), keyed.group("value").strip()
    for name, reader in (("type", read_type), ("priority", read_priority), ("due", read_due)):
        try:
            reader(token)
        except Unreadable:
            continue
        return name, token
    if plain(token).startswith("@"):
        return "owner", token
    if find_ticket_key(token):
        return "ticket", token
    return None, token


# --- checking one item --------------------------------------------------------------------

_MISSING = {
    "action": "the row has no action text; say what will be done, "
    "e.g. 'Alert when pool use stays above 80% for 5 minutes'",
    "type": f"the row has no type; write {TYPE_HINT}",
    "priority": f"the row has no priority; write {PRIORITY_HINT}",
    "owner": f"the row has no owner; write {OWNER_HINT}",
    "due": f"the row has no due date; write {DUE_HINT}",
}


def read_item(raw: RawItem, incident_start: datetime | None) -> ActionItem | list[Finding]:
    """The action item, or every problem with it.

    A span such as `1 week` cannot be resolved without an incident start; that is not
    reported here, because the missing incident start is reported once on its own field.
    """
    problems = list(raw.problems)
    action = plain(raw.values.get("action", ""))
    if not action:
        problems.append(error("action-action-missing", _MISSING["action"], raw.row))
    kind = _attempt(raw, "type", read_type, problems)
    priority = _attempt(raw, "priority", read_priority, problems)
    owner = _attempt(raw, "owner", read_owner, problems)
    due = _attempt(raw, "due", read_due, problems)
    due_date = _due_date(due, incident_start, raw.row, problems) if due is not None else None
    if problems or kind is None or priority is None or owner is None or due_date is None:
        return problems
    return ActionItem(
        row=raw.row,
        action=action,
        type=kind,
        priority=priority,
        owner=owner[0],
        owner_is_team=owner[1],
        due=due_date,
        ticket=find_ticket_key(raw.values.get("ticket", "")),
    )


def _attempt(
    raw: RawItem, name: str, reader: Callable[[str], T], problems: list[Finding]
) -> T | None:
    text = raw.values.get(name)
    if text is None:
        return None  # the table has no such column; reported once for the table
    if not plain(text):
        problems.append(error(f"action-{name}-missing", _MISSING[name], raw.row))
        return None
    try:
        return reader(text)
    except Unreadable as exc:
        problems.append(error(f"action-{name}-invalid", str(exc), raw.row))
        return None


def _due_date(
    due: date | timedelta, incident_start: datetime | None, row: int, problems: list[Finding]
) -> date | None:
    if incident_start is None:
        return due if isinstance(due, date) else None
    try:
        resolved = resolve_due(due, incident_start)
    except Unreadable as exc:
        problems.append(error("action-due-invalid", str(exc), row))
        return None
    started = incident_start.date()
    if resolved < started:
        problems.append(
            error(
                "action-due-before-incident",
                f"due {resolved.isoformat()} lies before the incident started "
                f"({started.isoformat()}); write a date after it, such as "
                f"{(started + timedelta(weeks=2)).isoformat()}, or a span from the incident "
                "start such as 2w",
                row,
            )
        )
        return None
    return resolved


# --- filling the Ticket column ------------------------------------------------------------


def fill_ticket_cells(body: str, cells: Iterable[TicketCell], form: Form | None = None) -> str:
    """The body with each cell's text in the row that holds the cell's item *now*.

    A cell finds its row by the item's action text (``TicketCell``), not by row number, so
    an edit made after the plan (a row inserted, deleted or reworded) never puts a key on
    another item's row; a cell whose item no row holds any more is left out, and the next
    run fills it.
    """
    cells = tuple(cells)
    if not cells:
        return body
    block = read_block(split_sections(body, form or default_form()))
    rows = {
        numbered: item.row
        for item, numbered in zip(
            block.items,
            numbered_actions(plain(item.values.get("action", "")) for item in block.items),
            strict=True,
        )
    }
    by_row = {
        rows[(cell.action, cell.occurrence)]: cell.text
        for cell in cells
        if (cell.action, cell.occurrence) in rows
    }
    held = {item.row: item.values.get("due", "") for item in block.items}
    dues = {
        row: cell.due.isoformat()
        for cell in cells
        if cell.due is not None and (row := rows.get((cell.action, cell.occurrence)))
        if unedited(held[row], cell.due_was)
    }
    return _with_cells(body, block, by_row, dues)


def set_ticket_cells(body: str, cells: Mapping[int, str], form: Form | None = None) -> str:
    """The body with each given row's Ticket cell set; every other character stays as it was.

    Rows are numbered as ``ActionItem.row``. A table without a Ticket column gets one; a
    task-list item gets the ticket appended to its attributes. Line ends (CRLF or LF) are kept.
    """
    if not cells:
        return body
    return _with_cells(body, read_block(split_sections(body, form or default_form())), cells)


def _with_cells(
    body: str, block: ActionBlock, cells: Mapping[int, str], dues: Mapping[int, str] = {}
) -> str:
    if not cells and not dues:
        return body
    parts = re.split(r"(\r\n|\r|\n)", body)
    lines, endings = parts[0::2], [*parts[1::2], ""]
    ticket, due = block.columns.get("ticket"), block.columns.get("due")
    if block.table is not None:
        # The cell further right first: a cell changed on its left would move it.
        if due is not None and (ticket is None or due > ticket):
            fill_due_column(block.table, due, dues, lines)
        _fill_table(block.table, ticket, cells, lines)
        if due is not None and ticket is not None and due < ticket:
            fill_due_column(block.table, due, dues, lines)
    else:
        for item in block.items:
            if item.row in dues:
                current = item.values.get("due", "")
                lines[item.line] = with_due_attribute(lines[item.line], current, dues[item.row])
        _fill_list(block.items, cells, lines)
    return "".join(line + ending for line, ending in zip(lines, endings, strict=True))


def _fill_table(
    table: Table, column: int | None, cells: Mapping[int, str], lines: list[str]
) -> None:
    adding = column is None
    if column is None:
        column = len(table.header.cells)
        lines[table.header.line] = with_cell(
            lines[table.header.line], table.header, column, "Ticket"
        )
        lines[table.delimiter.line] = with_cell(
            lines[table.delimiter.line], table.delimiter, column, "---"
        )
    for number, row in enumerate(table.rows, start=1):
        text = cells.get(number)
        if text is None and not adding:
            continue
        if text is not None and row.text(column) == " ".join(text.split()):
            continue  # already there: leave the line exactly as it is
        lines[row.line] = with_cell(lines[row.line], row, column, text or "")


def _fill_list(items: tuple[RawItem, ...], cells: Mapping[int, str], lines: list[str]) -> None:
    for item in items:
        text = cells.get(item.row)
        if text is None:
            continue
        text = " ".join(text.split())
        line, current = lines[item.line], item.values.get("ticket", "")
        given = [token.strip() for token in _split_attributes(line)[1].split(",")]
        if text in (current, *given):
            continue  # already there (a text without a Jira key is not read as a ticket)
        if current:
            at = line.rfind(current)
            lines[item.line] = line[:at] + text + line[at + len(current) :]
        elif any(separator in line for separator in _ATTRIBUTE_SEPARATORS):
            lines[item.line] = f"{line.rstrip()}, {text}{line[len(line.rstrip()) :]}"
        else:
            lines[item.line] = f"{line.rstrip()} — {text}{line[len(line.rstrip()) :]}"
