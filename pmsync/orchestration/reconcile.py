"""Observe, plan, apply, repeat (ADR 1): one post-mortem at a time, then a whole run.

A post-mortem settles in a few rounds: round one creates tickets, round two fills the
Ticket column, links them back and writes the status comment with the new keys. A plan
that is still not empty after ``MAX_ROUNDS`` rounds is a bug; it is reported with the
post-mortem it concerns and the changes still planned.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from pmsync.config.schema import Config
from pmsync.core.domain import identity, markers
from pmsync.core.domain.changes import CreateTickets, NewTicket, Plan
from pmsync.core.domain.model import ParseResult
from pmsync.core.domain.site import Refusal
from pmsync.core.domain.state import CommentState, IssueState, ObservedPostMortem, TicketState
from pmsync.core.planning.blocked import JIRA_KINDS
from pmsync.core.planning.matching import without_closed_duplicates
from pmsync.core.planning.plan import PlanContext, plan
from pmsync.core.planning.simulate import Simulator
from pmsync.core.postmortem.form import Form
from pmsync.core.postmortem.lint import check_postmortem
from pmsync.errors import PmsyncError, RemoteError, UnknownIdentity, WritesPaused
from pmsync.orchestration import journal
from pmsync.orchestration.apply import Applier, RemoteApplier, RunSummary, SimulatedApplier
from pmsync.orchestration.ports import GitHub, Jira
from pmsync.orchestration.repeat_search import RepeatFinder
from pmsync.orchestration.screens import ScreenBook
from pmsync.orchestration.shipped_search import ShippedFinder
from pmsync.orchestration.trust import Trust

log = logging.getLogger(__name__)

MAX_ROUNDS = 4


class NotSettling(PmsyncError):
    """The plan for a post-mortem did not become empty: a bug in pmsync, named precisely."""


@dataclass(frozen=True)
class RunContext:
    """What a run is given: GitHub and Jira (as ports), the configuration and form, the
    time it runs at, and whether it only shows what it would do. Built once by the entry
    point; the trust decisions and the repeat search it offers read through its ports and
    remember their answers for the run."""

    github: GitHub
    jira: Jira
    config: Config
    form: Form
    now: datetime
    dry_run: bool = False
    show: Callable[[str], None] = print  # where a dry run's plan goes
    # Masks secrets in service answers before they are quoted on GitHub (a refusal's reason).
    redact: Callable[[str], str] = str
    # Whether the run's time is spent (``--max-minutes``): it then stops between post-mortems.
    out_of_time: Callable[[], bool] = lambda: False

    @cached_property
    def trust(self) -> Trust:
        """Trust decisions for this run (permissions are asked once per person)."""
        return Trust(self.github, self.config)

    @cached_property
    def repeats(self) -> RepeatFinder:
        """Earlier post-mortems for repeat detection, searched once for the whole run."""
        return RepeatFinder(self.github, self.jira, self.config, lambda issue: parse(issue, self))

    @cached_property
    def shipped(self) -> ShippedFinder:
        """Merged pull requests, else commits, naming done tickets' keys
        (pmsync.core.planning.shipped)."""
        return ShippedFinder(self.github, self.config)

    @cached_property
    def screens(self) -> ScreenBook:
        """Create screens, each read once per run when tickets are first created for it."""
        return ScreenBook(self.jira, self.config.jira.fields)

    def applier(self) -> Applier:
        if self.dry_run:
            return SimulatedApplier(Simulator(self.now, self.jira_url, self.form))
        return RemoteApplier(self.github, self.jira, self.form, self.screens.fit, self._fit_edit)

    def _fit_edit(self, key: str, fields: Mapping[str, str | None]) -> dict[str, str | None]:
        project = key.rpartition("-")[0]
        issue_type = self.config.jira.issue_type_for(project)
        return self.screens.fit_edit(project, issue_type, fields)

    @property
    def jira_url(self) -> str:
        return self.jira.server_url


@dataclass
class RunRecord:
    """What a run records as it goes: each change's outcome, the post-mortems it could not
    do, and who hears of each post-mortem as the run is done with it (the job summary)."""

    listener: journal.Listener = journal.ignore
    summary: RunSummary = field(default_factory=RunSummary)
    failures: list[str] = field(default_factory=list)
    stopped: str | None = None  # why the run stopped writing before the end (not a failure)
    left: int = 0  # post-mortems left for the next run when it did


def is_trusted(issue: IssueState, run: RunContext) -> bool:
    """Whose post-mortems may create tickets: trusted authors, or any that a person with
    write access approved with the label (``pmsync.orchestration.trust``)."""
    return run.trust.trusted(issue)


def observe(
    issue: IssueState, run: RunContext, tickets: Sequence[TicketState] | None = None
) -> ObservedPostMortem:
    """The issue's own comments and every ticket carrying its post-mortem label (read
    here unless ``tickets`` brings them, read in a batch with others'). The tickets the
    status comment's snapshot records are searched for by id too: read again when the
    batch missed one, as a Cloud search index lagging behind their creation does."""
    comments = run.github.bot_comments(issue.repo, issue.number)
    snapshot = markers.last_snapshot(comments)
    known = snapshot.jira_ids
    if tickets is None or not set(known) <= {ticket.id for ticket in tickets}:
        # A transferred post-mortem's tickets carry the label of the ref they were first
        # made under, which its status comment records (ADR 9).
        labels = [identity.label_for_ref(snapshot.origin)] if snapshot.origin else []
        labels = list(dict.fromkeys([*labels, identity.postmortem_label(issue.repo, issue.number)]))
        tickets = without_closed_duplicates(run.jira.tickets_with_labels(labels, known_ids=known))
    return ObservedPostMortem(issue=issue, bot_comments=comments, tickets=tuple(tickets))


def accounts_for(parsed: ParseResult, run: RunContext) -> dict[str, str | None]:
    """Owner handle -> Jira account: the people map, else a user search by its e-mail
    (once per address and run), else None."""
    if parsed.postmortem is None:
        return {}
    accounts: dict[str, str | None] = {}
    for item in parsed.postmortem.action_items:
        person = run.config.people.get(item.owner.casefold())  # logins ignore case
        if person is None:
            accounts[item.owner] = None
        elif person.jira_account:
            accounts[item.owner] = person.jira_account
        else:
            accounts[item.owner] = (
                run.jira.account_for_email(person.email) if person.email else None
            )
    return accounts


def plan_context(issue: IssueState, parsed: ParseResult, run: RunContext) -> PlanContext:
    return PlanContext(
        config=run.config,
        now=run.now,
        accounts=accounts_for(parsed, run),
        trusted=is_trusted(issue, run),
        field_labels={f.id: f.label for f in run.form.fields},
    )


# Whether to run the repeat search for a post-mortem: sync checks every time, handle-event
# only on the events that call for one (pmsync.core.planning.repeats.should_check).
RepeatCheck = Callable[[IssueState, ParseResult, Sequence[CommentState]], bool]


def always(issue: IssueState, parsed: ParseResult, bot_comments: Sequence[CommentState]) -> bool:
    return True


def reconcile(
    issue: IssueState,
    run: RunContext,
    record: RunRecord,
    tickets: Sequence[TicketState] | None = None,
    *,
    check_repeats: RepeatCheck = always,
    applier: Applier | None = None,
) -> ObservedPostMortem:
    """Bring one post-mortem and its tickets in step; return the state it ends in. What
    was applied and what failed go into ``record``. ``applier`` executes the changes (by
    default the run's: ``RunContext.applier``)."""
    observed = observe(issue, run, tickets)
    applier = applier if applier is not None else run.applier()
    parsed = parse(observed.issue, run)
    ctx = plan_context(observed.issue, parsed, run)
    if ctx.trusted and check_repeats(observed.issue, parsed, observed.bot_comments):
        found = run.repeats.observe(observed.issue, parsed, observed.bot_comments)
        observed = observed.model_copy(update={"repeats": found})
    if ctx.trusted:
        shipped = run.shipped.observe(observed, parsed, ctx.today)
        observed = observed.model_copy(update={"shipped": shipped})
    created: set[str] = set()  # item ids this reconcile made tickets for
    for round_number in range(1, MAX_ROUNDS + 1):
        current = plan(observed, parsed, ctx)
        if current.empty:
            if round_number == 1:
                log.info("%s: nothing to do", issue.ref)
            return observed
        _stop_if_created_again(issue, current, created)
        if run.dry_run:
            step = "would do" if round_number == 1 else "then, with what that made, would do"
            run.show(f"{issue.ref}: pmsync {step}:\n{_indented(current)}")
        refusals: list[Refusal] = []
        failed = False
        for change in current.changes:
            observed, outcome = applier.apply(change, observed)
            record.summary.add(outcome)
            refusals += outcome.refusals
            if outcome.status == "failed":
                failed = True
                if change.kind in JIRA_KINDS:
                    # The plan's later changes (the status comment's record of what Jira
                    # holds among them) took this one as made: planned again, knowing not.
                    break
        created |= {new.item_id for new in _creates(current)}
        if failed:
            # The next round would plan the refused change again; the next run retries it.
            # What was refused is shown on the issue now, and nothing more sent to Jira.
            record.failures.append(f"{issue.ref}: a change was refused (see above)")
            masked = tuple(r.model_copy(update={"reason": run.redact(r.reason)}) for r in refusals)
            shown = ctx.model_copy(update={"refusals": masked})
            if refusals:
                for change in plan(observed, parsed, shown).changes:
                    observed, outcome = applier.apply(change, observed)
                    record.summary.add(outcome)
            return observed
        if observed.issue.body != issue.body:
            parsed = parse(observed.issue, run)
            issue = observed.issue
    remaining = plan(observed, parsed, ctx)
    if remaining.empty:  # an edit made during the run took the last round
        return observed
    raise NotSettling(
        f"{issue.ref}: the plan did not settle after {MAX_ROUNDS} rounds; still planned:\n"
        + _indented(remaining)
    )


def _creates(current: Plan) -> list[NewTicket]:
    return [new for c in current.changes if isinstance(c, CreateTickets) for new in c.tickets]


def _stop_if_created_again(issue: IssueState, current: Plan, created: set[str]) -> None:
    """A ticket this reconcile created that no row then matched would be created again
    every round and every run; stop with the row instead."""
    again = [new for new in _creates(current) if new.item_id in created]
    if again:
        rows = "; ".join(f"row {new.row} ({new.summary!r})" for new in again)
        raise NotSettling(
            f"{issue.ref}: {rows} still has no ticket after this run created one for it; "
            "stopping instead of creating another. This is a bug in pmsync: please report it "
            "with the post-mortem's action-item table."
        )


def parse(issue: IssueState, run: RunContext) -> ParseResult:
    return check_postmortem(issue.body, run.form, run.config, title=issue.title)


def reconcile_all(
    issues: Iterable[IssueState],
    run: RunContext,
    record: RunRecord,
    *,
    tickets: Mapping[str, Sequence[TicketState]] | None = None,
    settled: Callable[[ObservedPostMortem], None] | None = None,
    check_repeats: RepeatCheck = always,
) -> None:
    """Reconcile each post-mortem; one that fails is reported and the others go on. A
    service that stays unreachable (5xx or no answer after retries) ends the run.

    ``tickets`` (by issue ref) are the post-mortems' tickets when already read;
    ``settled`` hears of each post-mortem that ended in step without a failure;
    ``check_repeats`` says for which of them to run the repeat search. ``record``'s
    listener hears of each post-mortem as the run is done with it. When GitHub's write
    limits or the run's time leave no room, the run stops there (``record.stopped``), with
    the post-mortems left counted for the next run."""
    issues = list(issues)
    for index, issue in enumerate(issues):
        if not run.dry_run and run.out_of_time():
            _stop(record, "the run's time (--max-minutes) is spent", len(issues) - index)
            return
        failures = len(record.failures)
        known = None if tickets is None else tickets.get(issue.ref, ())
        with journal.told(record.listener, issue, record.summary.outcomes, record.failures):
            try:
                observed = reconcile(issue, run, record, known, check_repeats=check_repeats)
            except RemoteError as exc:
                if not exc.refused:
                    raise
                _failed(record, issue, exc)
            except UnknownIdentity:
                raise  # every post-mortem would fail alike: the run stops, naming the setting
            except WritesPaused as exc:
                _stop(record, str(exc), len(issues) - index)  # this one is begun, not done
                return
            except PmsyncError as exc:
                _failed(record, issue, exc)
            except Exception as exc:  # a bug met on one post-mortem must not stop the others
                log.exception("%s: unexpected error", issue.ref)
                record.failures.append(f"{issue.ref}: unexpected error: {exc!r}")
            else:
                if settled is not None and not run.dry_run and len(record.failures) == failures:
                    settled(observed)


def _stop(record: RunRecord, why: str, left: int) -> None:
    log.warning("stopping: %s; %d post-mortem(s) left for the next run", why, left)
    record.stopped, record.left = why, left


def _failed(record: RunRecord, issue: IssueState, exc: PmsyncError) -> None:
    log.error("%s: %s", issue.ref, exc)
    record.failures.append(f"{issue.ref}: {exc}")


def _indented(current: Plan) -> str:
    return "\n".join(f"  {line}" for line in current.describe().splitlines())
