"""Reading what `pmsync report` needs, in few requests (the I/O side of the report).

- GitHub: one issue search per repository set (20 repositories to a query) for every
  post-mortem opened since the oldest day the report looks at (the repeat lookback before
  the period, or the start of the trend chart), open or closed, 100 results per request.
- Jira: one batched JQL query per 100 post-mortems (``labels in (…)``, the post-mortem
  labels), 100 tickets per page, through ``TicketReader.tickets_with_labels``.

Only post-mortems pmsync took on are kept: a readable one when it carries its form labels,
which pmsync gives only to a valid post-mortem of a trusted or approved author (the test the
repeat search makes of its candidates, ``carries_form_labels``); an unreadable one, listed as
such, when its author is trusted or a person with write access approved it (``Trust``; reads
only for an unreadable issue of the period that carries the approved label and whose author
is not trusted). What pmsync refused is in no number; an open, readable post-mortem of the
period that waits for approval is listed apart (its author's permission is read once).

Nothing else is read per post-mortem, so the cost grows with pages, not with
post-mortems; with shipped evidence on, the status comments of the period's post-mortems
that have a done ticket are read for their records (``shipped_reads``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from pmsync.config.schema import Config
from pmsync.core.domain import identity
from pmsync.core.domain.model import ParseResult, PostMortem
from pmsync.core.domain.state import IssueState, TicketState
from pmsync.core.github_search import REPOS_PER_QUERY, SEARCH_RESULT_LIMIT, quoted_label
from pmsync.core.planning.batches import batches
from pmsync.core.planning.matching import without_closed_duplicates
from pmsync.core.planning.repeat_matching import search_labels
from pmsync.core.report.cases import ReportInput
from pmsync.core.report.contents import Period
from pmsync.core.report.periods import data_since, utc_date
from pmsync.errors import RemoteError, UsageError
from pmsync.orchestration.ports import CheckedSearch, ReportReads, TicketReader
from pmsync.orchestration.repeat_search import carries_form_labels
from pmsync.orchestration.report.shipped_reads import recorded_evidence
from pmsync.orchestration.trust import Trust

log = logging.getLogger(__name__)


def search_query(repositories: Sequence[str], label: str, since: date) -> str:
    """The issue search for every post-mortem of ``repositories`` opened on or after ``since``."""
    quoted = quoted_label(label, "labels.postmortem")
    repos = " ".join(f"repo:{repo}" for repo in repositories)
    return f"is:issue label:{quoted} {repos} created:>={since.isoformat()}"


def search_queries(repositories: Sequence[str], label: str, since: date) -> list[str]:
    """The issue searches, one per repository set."""
    return [search_query(s, label, since) for s in batches(repositories, REPOS_PER_QUERY)]


def unreadable_repositories(github: CheckedSearch, repositories: Iterable[str]) -> list[str]:
    """Those of ``repositories`` the token cannot read (missing, or private to it), found by
    listing their labels: asked only after a search refused them, to name the culprit."""
    missing = []
    for repo in repositories:
        try:
            github.repo_labels(repo)
        except RemoteError as exc:
            if exc.status not in (403, 404):
                raise
            missing.append(repo)
    return missing


def _search(
    github: CheckedSearch, repositories: Sequence[str], query: str
) -> tuple[IssueState, ...]:
    """One search; GitHub's 422 for a repository it cannot search becomes an error naming
    that repository and the fix."""
    try:
        return github.search_postmortems(query)
    except RemoteError as exc:
        missing = unreadable_repositories(github, repositories) if exc.status == 422 else []
        if not missing:
            raise
        names = ", ".join(missing)
        raise UsageError(
            f"GitHub cannot search {names}: no such repository, or the token cannot read it. "
            "Check the name (OWNER/NAME) given with --repo or under github.repositories, and "
            "that the token (or the GitHub App's installation) has access to it"
        ) from exc


def find_postmortems(
    github: CheckedSearch, repositories: Sequence[str], label: str, since: date
) -> tuple[list[IssueState], list[str]]:
    """The post-mortems, oldest first, and a warning for each search that may have left
    some out (the run that asked reports them)."""
    found: dict[str, IssueState] = {}
    warnings = []
    for repo_set in batches(repositories, REPOS_PER_QUERY):
        query = search_query(repo_set, label, since)
        results = _search(github, repo_set, query)
        if len(results) >= SEARCH_RESULT_LIMIT:
            warnings.append(
                f"GitHub search returns at most {SEARCH_RESULT_LIMIT} post-mortems per query "
                f"and this one ({query}) reached it: the report may miss some; report on fewer "
                "repositories at a time (--repo) or a shorter period"
            )
        for issue in results:
            found.setdefault(issue.ref.casefold(), issue)
    issues = sorted(found.values(), key=lambda i: (i.created_at, i.repo.casefold(), i.number))
    return issues, warnings


def tickets_by_postmortem(
    jira: TicketReader, issues: Iterable[IssueState]
) -> dict[str, tuple[TicketState, ...]]:
    """Every ticket of each post-mortem (by ``owner/name#n``), read in one batched search;
    those closed as duplicates are none of its tickets."""
    by_label = {identity.postmortem_label(i.repo, i.number): i.ref for i in issues}
    found: dict[str, list[TicketState]] = {ref: [] for ref in by_label.values()}
    if not by_label:
        return {}
    for ticket in without_closed_duplicates(jira.tickets_with_labels(sorted(by_label))):
        for label in ticket.labels:
            if label in by_label:
                found[by_label[label]].append(ticket)
    return {ref: tuple(tickets) for ref, tickets in found.items()}


@dataclass(frozen=True)
class Gathered:
    inputs: list[ReportInput]
    warnings: list[str]  # what the report may be missing, for the run to report
    # Open, readable post-mortems of the period that pmsync has not taken on because their
    # author is not trusted and no one with write access approved them yet.
    waiting: list[IssueState] = field(default_factory=list)


def accepted(issue: IssueState, pm: PostMortem, config: Config) -> bool:
    """Whether pmsync took this readable post-mortem on: it carries its form labels."""
    return carries_form_labels(issue, search_labels(pm, config.labels, config.repeats.rule))


def gather(
    github: ReportReads,
    jira: TicketReader,
    config: Config,
    repositories: Sequence[str],
    period: Period,
    parse: Callable[[IssueState], ParseResult],
) -> Gathered:
    """The post-mortems pmsync took on that the report needs, parsed, with their tickets."""
    since = data_since(period, config)
    issues, warnings = find_postmortems(github, repositories, config.labels.postmortem, since)
    trust = Trust(github, config)
    kept: list[tuple[IssueState, PostMortem | None]] = []
    waiting: list[IssueState] = []
    for issue in issues:
        pm = parse(issue).postmortem
        in_period = period.contains(utc_date(issue.created_at))
        if pm is not None and accepted(issue, pm, config):
            kept.append((issue, pm))
        elif pm is None and in_period and trust.trusted(issue):
            kept.append((issue, None))  # listed as unreadable
        elif pm is not None and in_period and issue.state == "open" and not trust.trusted(issue):
            waiting.append(issue)
    readable = [(issue, pm) for issue, pm in kept if pm is not None]
    tickets = tickets_by_postmortem(jira, (issue for issue, _ in readable))
    evidence = recorded_evidence(github, readable, tickets, period, config)
    log.info(
        "report: %d post-mortem(s) opened since %s, %d taken on by pmsync and readable, "
        "%d ticket(s)",
        len(issues),
        since,
        len(readable),
        sum(len(found) for found in tickets.values()),
    )
    inputs = [
        ReportInput(
            issue=issue,
            postmortem=pm,
            tickets=tickets.get(issue.ref, ()),
            shipped=evidence.by_postmortem.get(issue.ref),
        )
        for issue, pm in kept
    ]
    return Gathered(inputs, warnings + evidence.warnings, waiting)
