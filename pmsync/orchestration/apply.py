"""Execute a plan change by change, and fold each answer back into what was observed.

The applier only executes: every decision was the planner's. Each change ends as
``applied`` (something was written), ``in_place`` (the remote side already held it, e.g.
the ticket cells were there when the body was re-read) or ``failed`` (the service refused
this one change with a 4xx; the run goes on with the others and exits non-zero). Failures
that say nothing about the change itself (5xx after retries, a lost connection) stop
the run: the next run starts over from what GitHub and Jira hold.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Literal, Protocol

from pmsync.core.domain.changes import (
    AddRemoteLink,
    Change,
    CloseDuplicate,
    CommentOnTicket,
    CreateTickets,
    DeleteComment,
    EditTicket,
    EnsureRepoLabel,
    LinkTickets,
    NewTicket,
    RewriteDescription,
    SetIssueLabels,
    SetIssueState,
    SetTicketCells,
    UpsertComment,
    counted,
)
from pmsync.core.domain.site import Refusal, TicketsRefused
from pmsync.core.domain.state import CommentState, ObservedPostMortem
from pmsync.core.planning.fold import (
    label_delta,
    relabelled,
    ticket_after,
    ticket_of,
    with_comment,
    with_description,
    with_issue,
    with_issue_labels,
    with_link,
    with_remote_link,
    with_tickets,
    without_comment,
)
from pmsync.core.planning.matching import without_closed_duplicates
from pmsync.core.planning.simulate import Simulator
from pmsync.core.postmortem.action_items import fill_ticket_cells
from pmsync.core.postmortem.form import Form
from pmsync.errors import RemoteError
from pmsync.orchestration.ports import IssueWriter, TicketWriter

log = logging.getLogger(__name__)

Status = Literal["applied", "in_place", "failed"]
Fit = Callable[[Sequence[NewTicket]], tuple[NewTicket, ...]]
# A ticket edit's fields (by ticket key) without those the site's screen cannot set.
FitEdit = Callable[[str, Mapping[str, str | None]], dict[str, str | None]]


@dataclass(frozen=True)
class Outcome:
    change: Change
    status: Status
    detail: str = ""
    refusals: tuple[Refusal, ...] = ()  # of a failed change: what Jira refused, and why


class Applier(Protocol):
    def apply(
        self, change: Change, observed: ObservedPostMortem
    ) -> tuple[ObservedPostMortem, Outcome]: ...


@dataclass
class RunSummary:
    """What a run did, for the closing lines and the Actions outputs."""

    outcomes: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def count(self, kind: str, status: Status = "applied") -> int:
        return sum(1 for o in self.outcomes if o.change.kind == kind and o.status == status)

    @property
    def tickets_created(self) -> int:
        return sum(
            len(o.change.tickets)
            for o in self.outcomes
            if isinstance(o.change, CreateTickets) and o.status == "applied"
        )

    @property
    def comments_written(self) -> int:
        return self.count("upsert_comment")

    def lines(self, *, failures: bool = True) -> list[str]:
        """E.g. ``done: tickets created for 1 post-mortem, 2 comments written; already in
        place: 1 Ticket column filled``, then a ``failed: …`` line per refused change unless
        ``failures`` is off."""
        by_status: dict[Status, Counter[str]] = {}
        for outcome in self.outcomes:
            by_status.setdefault(outcome.status, Counter())[outcome.change.kind] += 1
        lines = []
        for status, words in _STATUS_WORDS:
            counts = by_status.get(status)
            if counts:
                listed = ", ".join(counted(kind, n) for kind, n in sorted(counts.items()))
                lines.append(f"{words}: {listed}")
        if failures:
            lines += [f"failed: {o.change.describe()}: {o.detail}" for o in self.failed]
        return lines if lines or self.failed else ["nothing to do"]


# How a summary names an outcome's status.
_STATUS_WORDS: tuple[tuple[Status, str], ...] = (
    ("applied", "done"),
    ("in_place", "already in place"),
)


class RemoteApplier:
    """Applies changes through GitHub and Jira."""

    def __init__(
        self,
        github: IssueWriter,
        jira: TicketWriter,
        form: Form | None = None,
        fit: Fit | None = None,
        fit_edit: FitEdit | None = None,
    ):
        self._github = github
        self._jira = jira
        self._form = form
        self._fit = fit  # fits new tickets to the site's create screens (orchestration.screens)
        self._fit_edit = fit_edit  # and edits of existing ones

    def apply(
        self, change: Change, observed: ObservedPostMortem
    ) -> tuple[ObservedPostMortem, Outcome]:
        try:
            observed, status = self._execute(change, observed)
        except TicketsRefused as exc:
            # The tickets Jira did create are recorded at once (cells, status comment).
            log.error("%s: %s", change.describe(), exc)
            observed = with_tickets(observed, without_closed_duplicates(exc.held))
            return observed, Outcome(change, "failed", str(exc), refused(change, exc))
        except RemoteError as exc:
            if not exc.refused:
                raise
            log.error("%s: %s", change.describe(), exc)
            return observed, Outcome(change, "failed", str(exc), refused(change, exc))
        log.info("%s: %s", status.replace("_", " "), change.describe())
        return observed, Outcome(change, status)

    def _execute(self, change: Change, observed: ObservedPostMortem) -> _Result:
        match change:
            case CreateTickets():
                return self._create_tickets(change, observed)
            case AddRemoteLink():
                self._jira.add_remote_link(change.ticket, change.url, change.title)
                return with_remote_link(observed, change.ticket), "applied"
            case EditTicket():
                return self._edit_ticket(change, observed)
            case RewriteDescription():
                return self._rewrite_description(change, observed)
            case CommentOnTicket():
                ticket = ticket_of(observed, change.ticket)
                self._jira.comment_and_label(ticket.key, change.body, change.add_labels)
                return with_tickets(observed, [ticket_after(ticket, change)]), "applied"
            case CloseDuplicate():
                ticket = ticket_of(observed, change.ticket)
                self._jira.close_as_duplicate(ticket, change.body)
                return with_tickets(observed, [ticket_after(ticket, change)]), "applied"
            case LinkTickets():
                self._jira.link_tickets(change.inward, change.outward, change.link_type)
                return with_link(observed, change), "applied"
            case SetTicketCells():
                return self._set_ticket_cells(change, observed)
            case UpsertComment():
                return with_comment(observed, change, self._write_comment(change)), "applied"
            case DeleteComment():
                deleted = self._github.delete_comment(change.repo, change.number, change.comment_id)
                return without_comment(observed, change), "applied" if deleted else "in_place"
            case EnsureRepoLabel():
                return self._ensure_repo_label(change, observed)
            case SetIssueLabels():
                return self._set_issue_labels(change, observed)
            case SetIssueState():
                issue = self._github.set_state(change.repo, change.number, change.state)
                return with_issue(observed, issue), "applied"

    def _edit_ticket(self, change: EditTicket, observed: ObservedPostMortem) -> _Result:
        """Send the fields the site can set; what is left out is only in the description,
        so the ticket is folded with what was sent, as Jira now holds it."""
        ticket = ticket_of(observed, change.ticket)
        fields = self._fit_edit(ticket.key, change.fields) if self._fit_edit else change.fields
        if not fields:
            return observed, "in_place"
        sent = change.model_copy(update={"fields": dict(fields)})
        self._jira.edit_ticket(ticket.key, sent.fields)
        return with_tickets(observed, [ticket_after(ticket, sent)]), "applied"

    def _create_tickets(self, change: CreateTickets, observed: ObservedPostMortem) -> _Result:
        known = {t.key for t in observed.tickets}
        tickets = self._fit(change.tickets) if self._fit else change.tickets
        held = without_closed_duplicates(self._jira.create_tickets(tickets, claimed=change.claimed))
        new = [t for t in held if t.key not in known]
        return with_tickets(observed, held), "applied" if new else "in_place"

    def _rewrite_description(
        self, change: RewriteDescription, observed: ObservedPostMortem
    ) -> _Result:
        ticket = ticket_of(observed, change.ticket)
        now, written = self._jira.rewrite_description(ticket.key, change.part, change.legacy)
        return with_tickets(observed, [with_description(ticket, now)]), (
            "applied" if written else "in_place"
        )

    def _set_ticket_cells(self, change: SetTicketCells, observed: ObservedPostMortem) -> _Result:
        """One ``PATCH`` for the cells and, when the plan carries them, the labels (ADR 8).
        Cells already filled leave the labels to the usual add and remove requests."""
        labels = change.labels
        issue, written = self._github.rewrite_body(
            change.repo,
            change.number,
            lambda body: fill_ticket_cells(body, change.cells, self._form),
            None if labels is None else partial(relabelled, labels),
        )
        observed = with_issue(observed, issue)
        if written or labels is None:
            return observed, "applied" if written else "in_place"
        return self._set_issue_labels(labels, observed)

    def _write_comment(self, change: UpsertComment) -> CommentState:
        if change.comment_id is None:
            return self._github.create_comment(
                change.repo, change.number, change.body, change.marker
            )
        return self._github.edit_comment(change.repo, change.number, change.comment_id, change.body)

    def _ensure_repo_label(self, change: EnsureRepoLabel, observed: ObservedPostMortem) -> _Result:
        created = self._github.ensure_repo_label(
            change.repo, change.name, change.color, change.description
        )
        return observed, "applied" if created else "in_place"

    def _set_issue_labels(self, change: SetIssueLabels, observed: ObservedPostMortem) -> _Result:
        adding, removing = label_delta(observed.issue.labels, change)
        self._github.add_labels(change.repo, change.number, adding)
        for name in removing:
            self._github.remove_label(change.repo, change.number, name)
        status: Status = "applied" if adding or removing else "in_place"
        return with_issue_labels(observed, change), status


class SimulatedApplier:
    """The dry run's applier: folds invented answers in and writes nothing."""

    def __init__(self, simulator: Simulator) -> None:
        self._simulator = simulator

    def apply(
        self, change: Change, observed: ObservedPostMortem
    ) -> tuple[ObservedPostMortem, Outcome]:
        return self._simulator.apply(change, observed), Outcome(change, "applied")


_Result = tuple[ObservedPostMortem, Status]


def refused(change: Change, exc: RemoteError) -> tuple[Refusal, ...]:
    """What a refused change did not do, in words for the post-mortem's comment."""
    if isinstance(change, CreateTickets):
        reasons = exc.reasons if isinstance(exc, TicketsRefused) else {}
        return tuple(
            Refusal(
                subject=f"row {t.row} ({t.summary}) was not created",
                reason=reasons[t.item_id] if reasons else exc.detail,
            )
            for t in change.tickets
            if not reasons or t.item_id in reasons
        )
    if isinstance(change, EditTicket | RewriteDescription):
        return (Refusal(subject=f"{change.ticket} was not updated", reason=exc.detail),)
    return ()  # the rest stay in the job summary; the next run tries them again
