"""The status comment's content: the table a manager reads, and the snapshot the next run
merges against. Both describe the state *after* the plan that writes them is applied."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

from pydantic import Field

from pmsync.config.schema import Config
from pmsync.core.domain.markers import Conflict, Snapshot, SnapshotItem, encode_snapshot
from pmsync.core.domain.model import Frozen
from pmsync.core.domain.state import ShippedRecord, TicketState
from pmsync.core.planning.matching import Board, Entry
from pmsync.core.planning.merge import MergeOutcome, owner_unmapped, table_values, ticket_values
from pmsync.core.planning.progress import (
    Progress,
    count,
    progress_of,
    shown_status,
    summary_line,
)
from pmsync.core.render import (
    ConflictNote,
    RemovedRow,
    StatusRow,
    StatusView,
    UnassignedNote,
    UnknownKeyNote,
)

NO_TICKET_STATUS = "not tracked by pmsync"


class StatusInputs(Frozen):
    """Everything the status comment is made from."""

    board: Board
    outcomes: dict[str, MergeOutcome]  # ticket key -> merge result, for every tracked entry
    previous: Snapshot
    observed_keys: frozenset[str]  # every ticket Jira returned for this post-mortem
    linked: frozenset[str]  # keys with the remote link, this plan's links included
    removed: frozenset[str]  # keys told of their removal, this plan's comments included
    today: date
    labels: tuple[
        str, ...
    ] = ()  # form labels to remember as pmsync's (pmsync.core.postmortem.labels)
    posted: frozenset[str] = frozenset()  # once-only comments' markers, ever seen
    # Jira refused a change this run, so this plan's ticket edits are held back: the
    # snapshot must not take them as made, or the next run would never send them again.
    held_back: bool = False
    origin: str | None = None  # the ref the tickets were first made under (ADR 9)
    ref: str | None = None  # the ref now
    # Done tickets' merged pull requests, by key (pmsync.core.planning.shipped.shipped_records)
    shipped: dict[str, ShippedRecord] = Field(default_factory=dict)


def _owner_display(
    entry: Entry, assignee: str | None, config: Config, accounts: Mapping[str, str | None]
) -> tuple[str, bool]:
    """The owner to show, as (text, is a GitHub handle): Jira's assignee where it is set,
    named by a GitHub handle when pmsync knows one for it."""
    owner = entry.item.owner
    if assignee is None or accounts.get(owner) == assignee:
        return owner, True
    for handle, account in sorted(accounts.items()):
        if account == assignee:
            return handle, True
    for handle, person in sorted(config.people.items()):
        if person.jira_account == assignee:
            return handle, True
    return assignee, False


def _priority_display(priority: str | None, fallback: str, config: Config) -> str:
    """Jira's priority as P0–P3 where the mapping allows, else as Jira names it."""
    if priority is None:
        return fallback
    for level, name in sorted(config.jira.priorities.items()):
        if name == priority:
            return level.value
    return priority


def _progress(inputs: StatusInputs, entry: Entry, config: Config) -> tuple[Progress, date]:
    due = entry.item.due
    if entry.ticket is not None:
        due = inputs.outcomes[entry.ticket.key].after.due or due
    return progress_of(entry.ticket, due, inputs.today, config.jira.dropped_resolutions), due


def status_row(
    inputs: StatusInputs, entry: Entry, config: Config, accounts: Mapping[str, str | None]
) -> StatusRow:
    progress, due = _progress(inputs, entry, config)
    days_overdue = (inputs.today - due).days if progress is Progress.OVERDUE else 0
    if entry.ticket is None:
        return StatusRow(
            row=entry.item.row,
            key=None,
            url=None,
            action=entry.item.action,
            owner=entry.item.owner,
            priority=entry.item.priority.value,
            due=due,
            status=NO_TICKET_STATUS,
            progress=progress.value,
            days_overdue=days_overdue,
            item_id=entry.item_id,
        )
    after = inputs.outcomes[entry.ticket.key].after
    owner, is_handle = _owner_display(entry, after.owner, config, accounts)
    record = inputs.shipped.get(entry.ticket.key)
    return StatusRow(
        row=entry.item.row,
        key=entry.ticket.key,
        url=entry.ticket.url,
        action=after.action,
        owner=owner,
        owner_is_handle=is_handle,
        priority=_priority_display(after.priority, entry.item.priority.value, config),
        due=due,
        status=shown_status(entry.ticket, progress),
        progress=progress.value,
        days_overdue=days_overdue,
        item_id=entry.item_id,
        shipped=record.pulls if record else (),
        no_change=record is not None and not record.pulls,
    )


def _conflict_notes(
    inputs: StatusInputs, config: Config, accounts: Mapping[str, str | None]
) -> tuple[ConflictNote, ...]:
    notes = []
    for entry in inputs.board.tracked:
        assert entry.ticket is not None
        outcome = inputs.outcomes[entry.ticket.key]
        table = table_values(entry.item)
        for field in outcome.conflicts:
            github: object = getattr(table, field)
            jira: object = getattr(outcome.after, field)
            if field == "owner":
                github = f"@{github}"
                shown, is_handle = _owner_display(entry, outcome.after.owner, config, accounts)
                jira = f"@{shown}" if is_handle else shown
            notes.append(
                ConflictNote(
                    key=entry.ticket.key,
                    field=field,
                    github=str(github),
                    jira="none" if jira is None else str(jira),
                )
            )
    return tuple(notes)


def _unassigned_note(
    entry: Entry, config: Config, accounts: Mapping[str, str | None]
) -> UnassignedNote:
    """Why ``entry``'s ticket is unassigned, naming what to fix."""
    assert entry.ticket is not None
    item = entry.item
    note = UnassignedNote(key=entry.ticket.key, owner=item.owner, reason="jira", row=item.row)
    if item.owner_is_team:
        return note.model_copy(update={"reason": "team"})
    if accounts.get(item.owner) is not None:
        return note
    person = config.people.get(item.owner.casefold())
    if person is not None and person.email and not person.jira_account:
        return note.model_copy(update={"reason": "email", "email": person.email})
    return note.model_copy(update={"reason": "unknown"})


def _unassigned_notes(
    inputs: StatusInputs,
    config: Config,
    accounts: Mapping[str, str | None],
    unfinished: set[str],
) -> tuple[UnassignedNote, ...]:
    """Open items nobody is assigned to in Jira, and why."""
    return tuple(
        _unassigned_note(entry, config, accounts)
        for entry in inputs.board.tracked
        if entry.ticket is not None
        and entry.ticket.key in unfinished
        and inputs.outcomes[entry.ticket.key].after.owner is None
    )


def status_view(
    inputs: StatusInputs, config: Config, accounts: Mapping[str, str | None]
) -> StatusView:
    rows = tuple(status_row(inputs, entry, config, accounts) for entry in inputs.board.entries)
    counts = count(Progress(row.progress) for row in rows)
    finished = {Progress.DONE.value, Progress.DROPPED.value}
    unfinished = {row.key for row in rows if row.key and row.progress not in finished}
    return StatusView(
        summary=summary_line(counts),
        rows=rows,
        removed=tuple(
            RemovedRow(
                key=t.key,
                url=t.url,
                action=t.summary,
                status=_removed_status(t, inputs.today, config),
            )
            for t in inputs.board.removed
        ),
        conflicts=_conflict_notes(inputs, config, accounts),
        unassigned=_unassigned_notes(inputs, config, accounts, unfinished),
        unknown_keys=tuple(
            UnknownKeyNote(row=entry.item.row, key=entry.unknown_key, held_by=entry.held_by)
            for entry in inputs.board.entries
            if entry.unknown_key is not None
        ),
        snapshot_marker=encode_snapshot(next_snapshot(inputs, accounts)),
    )


def _removed_status(ticket: TicketState, today: date, config: Config) -> str:
    """A removed ticket's state in the words every comment uses (a Won't-Do ticket shows
    its resolution, not "Done"); its due date no longer counts."""
    progress = progress_of(ticket, None, today, config.jira.dropped_resolutions)
    return shown_status(ticket, progress)


def is_complete(view: StatusView) -> bool:
    """Every item done (a dropped item is not done)."""
    return count(Progress(row.progress) for row in view.rows).complete


def _recorded(
    entry: Entry, inputs: StatusInputs, accounts: Mapping[str, str | None]
) -> SnapshotItem:
    """One item as both sides hold it after this plan. An edit held back leaves the item
    as the last snapshot had it on GitHub's side and as Jira holds it now, so the table's
    change still differs from the record next run and is sent again."""
    assert entry.ticket is not None
    outcome = inputs.outcomes[entry.ticket.key]
    github, jira = table_values(entry.item), outcome.after
    if inputs.held_back and outcome.push:
        previous = inputs.previous.item(entry.ticket.key)
        github = previous.github if previous is not None else github
        jira = ticket_values(entry.ticket)
    return SnapshotItem(
        key=entry.ticket.key,
        jira_id=entry.ticket.id,
        item_id=entry.item_id,
        row=entry.item.row,
        github=github,
        jira=jira,
        owner_unmapped=owner_unmapped(entry.item, accounts),
    )


def next_snapshot(inputs: StatusInputs, accounts: Mapping[str, str | None]) -> Snapshot:
    """The snapshot for the next run: every tracked item as both sides hold it after this
    plan. An earlier entry whose ticket Jira did not return this time is kept only when it
    has no Jira id (a snapshot from before ids were kept): the search named every id, so
    a ticket it still did not return is gone from this post-mortem, not lagging behind."""
    items = [_recorded(entry, inputs, accounts) for entry in inputs.board.tracked if entry.ticket]
    items += [
        item
        for item in inputs.previous.items
        if item.key not in inputs.observed_keys and item.jira_id is None
    ]
    conflicts = [
        Conflict(key=key, field=field)
        for key, outcome in inputs.outcomes.items()
        for field in outcome.conflicts
    ]
    return Snapshot(
        items=tuple(sorted(items, key=lambda item: (item.row, item.key))),
        linked=_sorted(inputs.linked),
        removed=_sorted(inputs.removed),
        conflicts=tuple(sorted(conflicts, key=lambda c: (c.key, c.field))),
        labels=inputs.labels,
        posted=_sorted(inputs.posted),
        origin=inputs.origin,
        ref=inputs.ref,
        shipped=tuple(inputs.shipped[key] for key in sorted(inputs.shipped)),
    )


def _sorted(keys: Collection[str]) -> tuple[str, ...]:
    return tuple(sorted(keys))
