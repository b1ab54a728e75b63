"""Reading the shipped evidence the status comments record, for the report's rate (issue #20).

The report searches GitHub for nothing itself: the sync recorded, in each post-mortem's
status comment, what the search for merged pull requests and commits found, and the report
reads those records so its rate agrees with the issues. Only pmsync's own comments count (a
snapshot someone else wrote is no record, and a report run as another identity is warned
that it found none). One request per 100 comments of each post-mortem whose incident
started in the period and that has a ticket done in Jira; none when
``followup.evidence.enabled`` is off.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pmsync.config.schema import Config
from pmsync.core.domain import markers
from pmsync.core.domain.model import PostMortem
from pmsync.core.domain.state import IssueState, ShippedRecord, TicketState
from pmsync.core.planning.progress import Progress, progress_of
from pmsync.core.report.cases import dismissed
from pmsync.core.report.contents import Period
from pmsync.core.report.periods import utc_date
from pmsync.errors import RemoteError
from pmsync.orchestration.ports import CommentReader


@dataclass
class RecordedEvidence:
    by_postmortem: dict[str, tuple[ShippedRecord, ...]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # for the run to report


def needs_reading(
    issue: IssueState,
    pm: PostMortem,
    tickets: Iterable[TicketState],
    period: Period,
    config: Config,
) -> bool:
    """Whether the report needs this post-mortem's records: evidence is on, its incident
    started in the period, it was not set aside (closed as not planned or a duplicate: it
    counts nowhere) and one of its tickets is done in Jira (not dropped)."""
    dropped = config.jira.dropped_resolutions
    return (
        config.followup.evidence.enabled
        and period.contains(utc_date(pm.incident_start))
        and not dismissed(issue)
        and any(
            progress_of(ticket, None, period.until, dropped) is Progress.DONE for ticket in tickets
        )
    )


def recorded_evidence(
    github: CommentReader,
    postmortems: Iterable[tuple[IssueState, PostMortem]],
    tickets: Mapping[str, tuple[TicketState, ...]],
    period: Period,
    config: Config,
) -> RecordedEvidence:
    """The shipped records of each post-mortem that needs them, by ``owner/name#n``. A read
    GitHub refuses leaves that post-mortem's done items pending, with a warning."""
    found = RecordedEvidence()
    unrecorded = []  # post-mortems with done tickets and no status comment of this identity
    for issue, pm in postmortems:
        if not needs_reading(issue, pm, tickets.get(issue.ref, ()), period, config):
            continue
        try:
            comments = github.bot_comments(issue.repo, issue.number)
        except RemoteError as exc:
            if not exc.refused:
                raise
            found.warnings.append(
                f"the shipped evidence of {issue.ref} was not read ({exc}): its done items "
                "count as pending"
            )
            continue
        if markers.find_comment(comments, markers.STATUS) is None:
            unrecorded.append(issue.ref)
        found.by_postmortem[issue.ref] = markers.last_snapshot(comments).shipped
    if unrecorded:
        found.warnings.append(
            f"{len(unrecorded)} post-mortem(s) with done tickets have no status comment "
            f"written by the identity this report runs as ({', '.join(unrecorded[:5])}"
            f"{', …' if len(unrecorded) > 5 else ''}): their done items count as pending. "
            "Run the report with the token pmsync's workflows use (with a GitHub App's "
            "token, set PMSYNC_BOT_LOGIN to the App's bot login)"
        )
    return found
