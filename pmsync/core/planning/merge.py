"""The three-way merge of table edits into Jira, per field (ADR 1, ``jira.sync_direction``).

For each of action, priority, owner and due date the merge compares three values: what the
table says now, what Jira says now, and what both said at the last sync (the snapshot).

- ``both`` (default): a change only in the table is pushed to Jira; a change only in Jira
  stands; a change on both sides is a conflict: Jira's value stands and the status comment
  says so until the two agree. Without a snapshot entry (a ticket just created, whose Jira
  may have adjusted a value, or a lost snapshot) Jira's values are taken as the base.
- ``github``: the table wins whenever it differs from Jira.
- ``jira``: table edits after the ticket exists are ignored.

A due date changed only in Jira is also written back into the row's Due cell (issue #18),
so the table shows what Jira holds: whenever the row's due date is the one the last sync
recorded (the author has not edited it since), Jira's differs and is set, the direction
is not ``github``, and no conflict on it is open. A due date changed on both sides stays
a conflict as above, and the author's cell is left as it is.

Status is never pushed from GitHub to Jira.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Literal, get_args

from pmsync.config.schema import Config
from pmsync.core.domain.markers import FieldValues, SnapshotItem
from pmsync.core.domain.model import ActionItem, Frozen
from pmsync.core.domain.state import TicketState

SyncField = Literal["action", "priority", "owner", "due"]
FIELDS: tuple[SyncField, ...] = get_args(SyncField)
JIRA_FIELD_IDS: dict[SyncField, str] = {
    "action": "summary",
    "priority": "priority",
    "owner": "assignee",
    "due": "duedate",
}
SUMMARY_LIMIT = 255  # Jira refuses longer summaries

Value = str | date | None


def jira_summary(action: str) -> str:
    """The action as a Jira summary: one line, at most 255 characters."""
    text = " ".join(action.split())
    return text if len(text) <= SUMMARY_LIMIT else text[: SUMMARY_LIMIT - 1] + "…"


def table_values(item: ActionItem) -> FieldValues:
    """The GitHub side of an item, as the snapshot records it: the action as it reaches
    Jira (a change past the summary's length changes nothing in Jira, and the snapshot
    stays small enough for the status comment)."""
    return FieldValues(
        action=jira_summary(item.action),
        priority=item.priority.value,
        owner=item.owner,
        due=item.due,
    )


def ticket_values(ticket: TicketState) -> FieldValues:
    """The Jira side of an item, as the snapshot records it."""
    return FieldValues(
        action=ticket.summary, priority=ticket.priority, owner=ticket.assignee, due=ticket.due
    )


def assignee_for(item: ActionItem, accounts: Mapping[str, str | None]) -> str | None:
    """The Jira account for the item's owner; None for a team or an unresolved handle."""
    return None if item.owner_is_team else accounts.get(item.owner)


def owner_unmapped(item: ActionItem, accounts: Mapping[str, str | None]) -> bool:
    """The owner is one person whose Jira account pmsync does not know (yet)."""
    return not item.owner_is_team and accounts.get(item.owner) is None


def owner_drift(
    item: ActionItem, jira: FieldValues, base: SnapshotItem, accounts: Mapping[str, str | None]
) -> tuple[bool, Value]:
    """People drift (issue #21), which the plain three-way merge cannot see because an owner
    without an account has no Jira value: the table's owner changed to one pmsync cannot
    assign, so the ticket is unassigned (the status comment names the missing `people:`
    entry); or the owner's account became known since an unassigned sync, so it is
    assigned. Only while Jira's assignee is the one pmsync left there. Returns (push?, value)."""
    if jira.owner != base.jira.owner:
        return False, None  # someone chose the assignee in Jira: theirs stands
    account = assignee_for(item, accounts)
    if account is None:
        return jira.owner is not None and _table_changed(
            table_values(item), base.github, "owner"
        ), None
    return jira.owner is None and base.owner_unmapped, account


def wanted_values(
    item: ActionItem, config: Config, accounts: Mapping[str, str | None]
) -> dict[SyncField, Value]:
    """What Jira should hold according to the table, for the fields the table has an
    opinion on: an owner without a Jira account, or an unmapped priority, has none."""
    wanted: dict[SyncField, Value] = {"action": jira_summary(item.action), "due": item.due}
    priority = config.jira.priorities.get(item.priority)
    if priority is not None:
        wanted["priority"] = priority
    assignee = assignee_for(item, accounts)
    if assignee is not None:
        wanted["owner"] = assignee
    return wanted


def _value(values: FieldValues, field: SyncField) -> Value:
    value: Value = getattr(values, field)
    return value


def _table_changed(now: FieldValues, then: FieldValues, field: SyncField) -> bool:
    before, after = _value(then, field), _value(now, field)
    if field == "owner" and isinstance(before, str) and isinstance(after, str):
        return before.casefold() != after.casefold()
    return before != after


class MergeOutcome(Frozen):
    push: dict[SyncField, Value]  # field -> the value to write to Jira
    conflicts: tuple[SyncField, ...]  # fields where Jira's value stands against the table
    after: FieldValues  # Jira's values once ``push`` is written
    pull_due: date | None = None  # Jira's due date, to write into the row's Due cell


def pulled_due(
    table: FieldValues, jira: FieldValues, base: SnapshotItem | None, blocked: bool
) -> date | None:
    """Jira's due date when it belongs in the row's Due cell (see the module's note)."""
    if base is None or blocked or jira.due is None or jira.due == table.due:
        return None
    return None if _table_changed(table, base.github, "due") else jira.due


def merge_item(
    item: ActionItem,
    ticket: TicketState,
    base: SnapshotItem | None,
    open_conflicts: frozenset[SyncField],
    config: Config,
    accounts: Mapping[str, str | None],
) -> MergeOutcome:
    table = table_values(item)
    jira = ticket_values(ticket)
    wanted = wanted_values(item, config, accounts)
    push: dict[SyncField, Value] = {}
    conflicts: list[SyncField] = []
    for field in FIELDS:
        follows_table = config.jira.sync_direction.get(field) != "jira"
        if field == "owner" and base is not None and follows_table:
            drift, value = owner_drift(item, jira, base, accounts)
            if drift:
                push[field] = value
                continue
        if field not in wanted or wanted[field] == _value(jira, field):
            continue
        direction = config.jira.sync_direction.get(field, "both")
        if direction == "github":
            push[field] = wanted[field]
        elif direction == "both":
            if base is None:
                continue  # no record of the last sync: Jira's value is the base
            table_changed = _table_changed(table, base.github, field)
            jira_changed = _value(jira, field) != _value(base.jira, field)
            if table_changed and not jira_changed:
                push[field] = wanted[field]
            elif table_changed or field in open_conflicts:
                conflicts.append(field)
    after = jira.model_copy(update={str(name): value for name, value in push.items()})
    blocked = config.jira.sync_direction.get("due") == "github" or "due" in open_conflicts
    pull = pulled_due(table, jira, base, blocked)
    return MergeOutcome(push=push, conflicts=tuple(conflicts), after=after, pull_due=pull)


def jira_fields(push: Mapping[SyncField, Value]) -> dict[str, str | None]:
    """The pushed values as an ``EditTicket.fields`` mapping (Jira field id -> text)."""
    return {
        JIRA_FIELD_IDS[field]: value.isoformat() if isinstance(value, date) else value
        for field, value in sorted(push.items())
    }
