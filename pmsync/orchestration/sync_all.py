"""A whole sync: every open post-mortem of the repositories (or, with the cache, those it
cannot vouch for), their tickets read in batches, each reconciled (``reconcile``), and on a
schedule the recently changed ones taken last (ADR 3)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from typing import Protocol

from pmsync.core.domain import identity
from pmsync.core.domain.state import IssueState, ObservedPostMortem, TicketState
from pmsync.core.planning.matching import without_closed_duplicates
from pmsync.orchestration.reconcile import RunContext, RunRecord, is_trusted, parse, reconcile_all

log = logging.getLogger(__name__)


class SyncCache(Protocol):
    """What ``sync`` asks of pmsync's optional local cache (``pmsync.orchestration.cache``)."""

    def to_reconcile(self, repositories: Sequence[str], run: RunContext) -> list[IssueState]:
        """The open post-mortems this run must reconcile: all of them, unless the cache
        can vouch that a post-mortem has nothing to do."""
        ...

    def settled(self, observed: ObservedPostMortem) -> None:
        """A post-mortem whose reconcile ended in step, without a failure."""
        ...

    def finish(self, run: RunContext) -> None:
        """The run went through every post-mortem (not called on a dry run)."""
        ...


def tickets_by_postmortem(
    issues: Sequence[IssueState], run: RunContext
) -> dict[str, tuple[TicketState, ...]]:
    """The tickets of every post-mortem in ``issues`` by issue ref, read in batches (100
    post-mortem labels a query, 100 tickets a page) instead of one query each."""
    refs = {identity.postmortem_label(issue.repo, issue.number): issue.ref for issue in issues}
    found: dict[str, list[TicketState]] = {ref: [] for ref in refs.values()}
    if refs:
        for ticket in without_closed_duplicates(run.jira.tickets_with_labels(sorted(refs))):
            for label in ticket.labels:
                if label in refs:
                    found[refs[label]].append(ticket)
    return {ref: tuple(tickets) for ref, tickets in found.items()}


def sync(
    repositories: Iterable[str],
    run: RunContext,
    record: RunRecord,
    cache: SyncCache | None = None,
    *,
    leave_recent: timedelta | None = None,
    wait: Callable[[float], None] | None = None,  # default: time.sleep
) -> int:
    """Every open post-mortem of each repository, or with a cache those it cannot vouch
    for; returns how many were reconciled. With ``leave_recent``, a post-mortem updated
    less than that long ago is taken last, once it is that old (ADR 3): an event run is
    likely at work on it until then. It is put off once and never skipped, so no comment
    (which moves ``updated_at`` without starting an event run) can hold it off."""
    repositories = list(repositories)
    if cache is None:
        issues = list_open(repositories, run)
    else:
        issues = cache.to_reconcile(repositories, run)
    recent: list[IssueState] = []
    if leave_recent is not None:
        recent = [issue for issue in issues if _recently_updated(issue, run, leave_recent)]
        issues = [issue for issue in issues if issue not in recent]
    for repo in repositories:
        count = sum(1 for issue in issues if issue.repo == repo)
        log.info("%s: %d open post-mortem(s) to reconcile", repo, count)
    if issues:
        # One repeat search and one batched ticket read for the whole run, rather than
        # one of each per post-mortem.
        run.repeats.prepare(
            (issue, parse(issue, run)) for issue in issues if is_trusted(issue, run)
        )
        tickets = tickets_by_postmortem(issues, run)
        settled = cache.settled if cache is not None else None
        reconcile_all(issues, run, record, tickets=tickets, settled=settled)
    if recent and record.stopped is None:
        assert leave_recent is not None
        _reconcile_later(recent, run, record, leave_recent, wait, cache)
    if cache is not None and not run.dry_run and record.stopped is None:
        cache.finish(run)
    return len(issues) + len(recent)


def _reconcile_later(
    recent: Sequence[IssueState],
    run: RunContext,
    record: RunRecord,
    window: timedelta,
    wait: Callable[[float], None] | None,
    cache: SyncCache | None,
) -> None:
    """Wait until the last of ``recent`` was updated ``window`` ago (as read at the start
    of the run), then reconcile each as it is now: its event run wrote in the meantime."""
    latest = max(issue.updated_at for issue in recent)
    pause = (latest + window - run.now).total_seconds()
    if pause > 0:
        log.info("waiting %d s for event runs on %d post-mortem(s)", int(pause), len(recent))
        (wait or time.sleep)(pause)
    fresh = [run.github.issue(issue.repo, issue.number) for issue in recent]
    open_now = [issue for issue in fresh if issue.state == "open"]
    settled = cache.settled if cache is not None else None
    reconcile_all(open_now, run, record, settled=settled)


def list_open(repositories: Sequence[str], run: RunContext) -> list[IssueState]:
    """Every open post-mortem of ``repositories``. The repeat search learns of them too,
    so that there it need only look for closed ones."""
    label = run.config.labels.postmortem
    issues = [i for repo in repositories for i in run.github.open_postmortems(repo, label)]
    run.repeats.know_open(repositories, issues)
    return issues


def _recently_updated(issue: IssueState, run: RunContext, window: timedelta) -> bool:
    age = run.now - issue.updated_at
    if age >= window:
        return False
    log.info(
        "%s changed %d s ago; taken last, once the event run that change may have started is done",
        issue.ref,
        max(0, int(age.total_seconds())),
    )
    return True
