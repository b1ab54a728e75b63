"""The planner: what must change so GitHub and Jira agree with the post-mortem (ADR 1).

``plan`` is pure: it reads the observed state, the parsed body and the run's context, and
returns a ``Plan`` of small changes. It is a sequence of steps, each returning a ``Part``
(changes, plus the issue labels it wants present or absent); labels are written last, in
one request. Later capabilities (follow-ups, repeats) add steps; they do not change these.

Everything is sorted, and every text is compared with what is already there, so planning
again over the state a plan produced gives an empty plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from pmsync.config.schema import Config
from pmsync.core.domain import identity, markers
from pmsync.core.domain.changes import (
    AddRemoteLink,
    Change,
    CloseDuplicate,
    CommentOnTicket,
    CreateTickets,
    EditTicket,
    Plan,
    SetTicketCells,
    TicketCell,
)
from pmsync.core.domain.markers import Snapshot
from pmsync.core.domain.model import Frozen, ParseResult, PostMortem
from pmsync.core.domain.origin import current_ref, origin_ref
from pmsync.core.domain.site import Refusal
from pmsync.core.domain.state import CommentState, ObservedPostMortem
from pmsync.core.planning.blocked import JIRA_KINDS, blocked_changes, is_blocked
from pmsync.core.planning.comments import delete_duplicates, upsert_comment
from pmsync.core.planning.descriptions import description_changes
from pmsync.core.planning.followup import followups, late_note, once_only_posted
from pmsync.core.planning.issue_labels import carry_labels_in_cells, label_changes
from pmsync.core.planning.matching import Board, match_items
from pmsync.core.planning.merge import (
    FIELDS,
    MergeOutcome,
    SyncField,
    jira_fields,
    merge_item,
)
from pmsync.core.planning.moved import moved_changes
from pmsync.core.planning.new_ticket import new_ticket
from pmsync.core.planning.reminders import reminder_changes
from pmsync.core.planning.repeats import repeat_changes
from pmsync.core.planning.shipped import shipped_records
from pmsync.core.planning.status_view import StatusInputs, is_complete, status_view
from pmsync.core.postmortem.labels import label_wishes, labels_to_record
from pmsync.core.render import (
    StatusView,
    finding_views,
    render_approval,
    render_feedback,
    render_status,
    render_ticket_duplicate,
    render_ticket_removed,
)

FEEDBACK_STATE = "feedback-state"  # data marker: which variant the feedback comment shows


class PlanContext(Frozen):
    config: Config
    now: datetime
    accounts: Mapping[str, str | None] = {}  # GitHub handle -> Jira account (None: unknown)
    trusted: bool = True  # author trusted, or a maintainer approved (pm:approved)
    field_labels: Mapping[str, str] = {}  # form field id -> label, for feedback messages
    # What Jira refused in this run's last round: the plan then only shows it on GitHub
    # (pmsync.core.planning.blocked) and sends Jira nothing more.
    refusals: tuple[Refusal, ...] = ()

    @property
    def today(self) -> date:
        return self.now.astimezone(UTC).date()


@dataclass(frozen=True)
class Part:
    """What one planning step decided."""

    changes: tuple[Change, ...] = ()
    labels: Mapping[str, bool] = field(default_factory=dict)  # issue label -> want present


def plan(observed: ObservedPostMortem, parsed: ParseResult, ctx: PlanContext) -> Plan:
    parts = [duplicates_part(observed), feedback_part(observed, parsed, ctx)]
    if parsed.ok and parsed.postmortem is not None:
        parts.append(approval_part(observed, ctx))
        if ctx.trusted:
            parts += ticket_parts(observed, parsed.postmortem, ctx)
    if ctx.refusals:
        parts = [Part(_github_only(p.changes), p.labels) for p in parts]
    pending = any(c.kind in JIRA_KINDS for part in parts for c in part.changes)
    changes, labels = blocked_changes(
        observed, ctx.refusals, ctx.config.labels.blocked, settled=not pending
    )
    parts.append(Part(changes, labels))
    return assemble(observed, parts, ctx)


def _github_only(changes: Iterable[Change]) -> tuple[Change, ...]:
    return tuple(change for change in changes if change.kind not in JIRA_KINDS)


def assemble(observed: ObservedPostMortem, parts: Iterable[Part], ctx: PlanContext) -> Plan:
    """The parts' changes in order, then the label changes for all of them."""
    changes: list[Change] = []
    wanted: dict[str, bool] = {}
    for part in parts:
        changes += part.changes
        wanted.update(part.labels)
    changes += label_changes(observed.issue, wanted, ctx.config.labels)
    return Plan(changes=tuple(carry_labels_in_cells(changes)))


# --- comments ----------------------------------------------------------------------------------


def duplicates_part(observed: ObservedPostMortem) -> Part:
    """Second copies of pmsync's comments, left by two overlapping runs (ADR 3), go
    whatever the post-mortem says: the oldest of each stays, and the steps below read it."""
    return Part(changes=delete_duplicates(observed.issue, observed.bot_comments))


def feedback_state(parsed: ParseResult, existing: CommentState | None) -> str | None:
    """Which feedback to show: ``errors``; ``fixed`` once errors are gone (for good);
    ``warnings`` for a body that never had errors; None when there is nothing to say."""
    if parsed.errors or parsed.postmortem is None:
        return "errors"
    if existing is None:
        return "warnings" if parsed.warnings else None
    previous = markers.find_data(existing.body, FEEDBACK_STATE)
    return "warnings" if previous == "warnings" else "fixed"


def feedback_part(observed: ObservedPostMortem, parsed: ParseResult, ctx: PlanContext) -> Part:
    existing = markers.find_comment(observed.bot_comments, markers.FEEDBACK)
    state = feedback_state(parsed, existing)
    if state == "warnings" and existing is None and not ctx.trusted:
        state = None  # suggestions wait for approval: until then an outsider gets one comment
    labels = {ctx.config.labels.needs_fix: state == "errors"}
    if state is None:
        return Part(labels=labels)
    body = render_feedback(
        state=state,
        state_marker=markers.data_marker(FEEDBACK_STATE, state),
        errors=finding_views(parsed.errors, ctx.field_labels),
        warnings=finding_views(parsed.warnings, ctx.field_labels),
        trusted=ctx.trusted,
        blocked=bool(ctx.refusals) or is_blocked(observed, ctx.config.labels.blocked),
        tickets=len(observed.tickets),
    )
    return Part(
        changes=upsert_comment(observed.issue, markers.FEEDBACK, body, existing), labels=labels
    )


def approval_part(observed: ObservedPostMortem, ctx: PlanContext) -> Part:
    """Untrusted: ask a maintainer to approve. Trusted: turn an earlier request into a
    thank-you; never post one that was not needed."""
    existing = markers.find_comment(observed.bot_comments, markers.APPROVAL)
    if ctx.trusted and existing is None:
        return Part()
    blocked = bool(ctx.refusals) or is_blocked(observed, ctx.config.labels.blocked)
    body = render_approval(
        ctx.trusted, ctx.config.labels.approved, tickets=len(observed.tickets), blocked=blocked
    )
    return Part(changes=upsert_comment(observed.issue, markers.APPROVAL, body, existing))


# --- tickets -----------------------------------------------------------------------------------


def previous_snapshot(observed: ObservedPostMortem) -> Snapshot:
    return markers.last_snapshot(observed.bot_comments)


def links_to_here(observed: ObservedPostMortem, snapshot: Snapshot) -> tuple[str, ...]:
    """The keys the snapshot records as linked back to the issue, unless they were linked
    to the address it had before a transfer: those get a link to the new one (ADR 9)."""
    written_at = snapshot.ref
    return () if written_at and written_at != current_ref(observed.issue) else snapshot.linked


def ticket_parts(observed: ObservedPostMortem, pm: PostMortem, ctx: PlanContext) -> list[Part]:
    """Round one creates missing tickets and nothing else, so the cells and the status
    comment are written once, with the new keys; later rounds reconcile the rest."""
    issue = observed.issue
    board = match_items(
        issue.repo, issue.number, pm.action_items, observed.tickets, origin=origin_ref(observed)
    )
    if board.to_create and not ctx.refusals:
        return [create_part(observed, pm, board, ctx)]
    snapshot = previous_snapshot(observed)
    outcomes = merge_outcomes(board, snapshot, ctx)
    linked = frozenset(observed.remote_linked) | frozenset(links_to_here(observed, snapshot))
    link_part = remote_link_part(observed, board, linked)
    removal = removal_part(observed, board, snapshot, ctx)
    inputs = StatusInputs(
        board=board,
        outcomes=outcomes,
        previous=snapshot,
        observed_keys=frozenset(ticket.key for ticket in observed.tickets),
        linked=linked | {c.ticket for c in link_part.changes if isinstance(c, AddRemoteLink)},
        removed=frozenset(snapshot.removed) | _removed_keys(board, removal),
        today=ctx.today,
        labels=labels_to_record(observed.issue, pm, ctx.config.labels, snapshot.labels),
        posted=once_only_posted(observed, snapshot.posted),
        held_back=bool(ctx.refusals),
        origin=origin_ref(observed),
        ref=current_ref(issue),
        shipped=shipped_records(observed, board, snapshot.shipped, ctx.config, ctx.today),
    )
    view = status_view(inputs, ctx.config, ctx.accounts)
    status = markers.find_comment(observed.bot_comments, markers.STATUS)
    body = render_status(view.model_copy(update={"late": late_note(observed, view)}))
    return [
        Part(changes=moved_changes(observed)),
        duplicate_part(observed, board, ctx),
        edit_part(board, outcomes),
        Part(changes=description_changes(observed.issue, pm, board, snapshot)),
        removal,
        link_part,
        cells_part(observed, board, outcomes),
        Part(changes=upsert_comment(observed.issue, markers.STATUS, body, status)),
        Part(labels={ctx.config.labels.complete: is_complete(view)}),
        followup_part(observed, pm, view, ctx),
        *repeat_parts(observed, pm, ctx),
    ]


def repeat_parts(observed: ObservedPostMortem, pm: PostMortem, ctx: PlanContext) -> list[Part]:
    """Labels from the form (pmsync.core.postmortem.labels) and repeat incidents
    (pmsync.core.planning.repeats)."""
    found = repeat_changes(observed, pm, config=ctx.config, today=ctx.today)
    return [
        Part(labels=label_wishes(pm, ctx.config.labels, previous_snapshot(observed).labels)),
        Part(changes=found.changes, labels=found.labels),
    ]


def followup_part(
    observed: ObservedPostMortem, pm: PostMortem, view: StatusView, ctx: PlanContext
) -> Part:
    """Follow-up reviews, nudges, closing and the overdue label (pmsync.core.planning.followup),
    and reminders before due dates (pmsync.core.planning.reminders)."""
    found = followups(
        observed, view, incident_start=pm.incident_start, config=ctx.config, today=ctx.today
    )
    posted = previous_snapshot(observed).posted
    reminders = reminder_changes(observed, view, ctx.config, ctx.today, posted)
    return Part(changes=(*found.changes, *reminders), labels=found.labels)


def _removed_keys(board: Board, removal: Part) -> frozenset[str]:
    told = {t.key for t in board.removed if identity.REMOVED_LABEL in t.labels}
    told |= {c.ticket for c in removal.changes if isinstance(c, CommentOnTicket)}
    return frozenset(told)


def create_part(
    observed: ObservedPostMortem, pm: PostMortem, board: Board, ctx: PlanContext
) -> Part:
    issue = observed.issue
    entries = board.to_create
    claimed = tuple(entry.ticket.key for entry in board.tracked if entry.ticket is not None)
    tickets = tuple(new_ticket(entry, observed, pm, ctx.config, ctx.accounts) for entry in entries)
    create = CreateTickets(repo=issue.repo, number=issue.number, tickets=tickets, claimed=claimed)
    return Part(changes=(create,))


def merge_outcomes(board: Board, snapshot: Snapshot, ctx: PlanContext) -> dict[str, MergeOutcome]:
    outcomes = {}
    for entry in board.tracked:
        assert entry.ticket is not None
        key = entry.ticket.key
        open_conflicts = frozenset(f for f in FIELDS if snapshot.has_conflict(key, f))
        outcomes[key] = merge_item(
            entry.item, entry.ticket, snapshot.item(key), open_conflicts, ctx.config, ctx.accounts
        )
    return outcomes


def _edit_reason(push: Mapping[SyncField, object]) -> str:
    return "the post-mortem's table changed: " + ", ".join(sorted(push))


def edit_part(board: Board, outcomes: Mapping[str, MergeOutcome]) -> Part:
    changes: list[Change] = [
        EditTicket(ticket=key, fields=jira_fields(outcome.push), reason=_edit_reason(outcome.push))
        for key, outcome in outcomes.items()
        if outcome.push
    ]
    return Part(changes=tuple(changes))


def removal_part(
    observed: ObservedPostMortem, board: Board, snapshot: Snapshot, ctx: PlanContext
) -> Part:
    """One Jira comment per ticket whose row left the table; the label sent with it
    records that it was written."""
    untold = [
        ticket
        for ticket in board.removed
        if identity.REMOVED_LABEL not in ticket.labels and ticket.key not in snapshot.removed
    ]
    if not untold:
        return Part()
    issue = observed.issue
    body = render_ticket_removed(issue.ref, issue.html_url)
    changes = tuple(
        CommentOnTicket(ticket=ticket.key, body=body, add_labels=(identity.REMOVED_LABEL,))
        for ticket in untold
    )
    return Part(changes=changes)


def duplicate_part(observed: ObservedPostMortem, board: Board, ctx: PlanContext) -> Part:
    """Close each later ticket of an item that has one; its row takes the original."""
    issue = observed.issue
    changes = tuple(
        CloseDuplicate(
            ticket=found.ticket.key,
            original=found.original.key,
            body=render_ticket_duplicate(found.original.key, issue.ref, issue.html_url),
        )
        for found in board.duplicates
    )
    return Part(changes=changes)


def remote_link_part(observed: ObservedPostMortem, board: Board, linked: frozenset[str]) -> Part:
    issue = observed.issue
    title = f"{issue.ref}: {issue.title}"
    changes = tuple(
        AddRemoteLink(ticket=entry.ticket.key, url=issue.html_url, title=title)
        for entry in board.tracked
        if entry.ticket is not None and entry.ticket.key not in linked
    )
    return Part(changes=changes)


def ticket_cell(key: str, url: str) -> str:
    return f"[{key}]({url})"


def cells_part(
    observed: ObservedPostMortem, board: Board, outcomes: Mapping[str, MergeOutcome]
) -> Part:
    """The Ticket cells still to fill, and Due cells to set to a due date changed in Jira
    (pmsync.core.planning.merge), each naming its row by the item's action text."""
    numbered = identity.numbered_actions(entry.item.action for entry in board.entries)
    cells = []
    for entry, (action, occurrence) in zip(board.entries, numbered, strict=True):
        if entry.ticket is None:
            continue
        due = outcomes[entry.ticket.key].pull_due
        if entry.item.ticket != entry.ticket.key or due:
            text = ticket_cell(entry.ticket.key, entry.ticket.url)
            cell = TicketCell(row=entry.item.row, action=action, occurrence=occurrence, text=text)
            if due:
                cell = cell.model_copy(update={"due": due, "due_was": entry.item.due})
            cells.append(cell)
    if not cells:
        return Part()
    issue = observed.issue
    return Part(changes=(SetTicketCells(repo=issue.repo, number=issue.number, cells=tuple(cells)),))
