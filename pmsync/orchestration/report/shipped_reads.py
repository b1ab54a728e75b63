"""Reading the shipped evidence the status comments record, for the report's rate (issue #20).

The report searches GitHub for nothing itself: the sync recorded, in each post-mortem's
status comment, what the search for merged pull requests and commits found, and the report
reads those records so its rate agrees with the issues. Only pmsync's own comments count (a
snapshot someone else wrote is no record). One request per 100 comments of each post-mortem
whose incident started in the period and that has a ticket done in Jira; none when
``followup.evidence.enabled`` is off.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pmsync.config.schema import Config
from pmsync.core.domain import markers
from pmsync.core.domain.model import PostMortem
from pmsync.core.domain.state import IssueState, ShippedRecord, TicketState
from pmsync.core.report.contents import Period
from pmsync.core.report.periods import utc_date
from pmsync.errors import RemoteError
from pmsync.orchestration.ports import CommentReader


@dataclass
class RecordedEvidence:
    by_postmortem: dict[str, tuple[ShippedRecord, ...]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # for the run to report


def needs_reading(
    pm: PostMortem, tickets: Iterable[TicketState], period: Period, config: Config
) -> bool:
    """Whether the report needs this post-mortem's records: evidence is on, its incident
    started in the period and one of its tickets is done in Jira."""
    return (
        config.followup.evidence.enabled
        and period.contains(utc_date(pm.incident_start))
        and any(ticket.status_category == "done" for ticket in tickets)
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
    for issue, pm in postmortems:
        if not needs_reading(pm, tickets.get(issue.ref, ()), period, config):
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
        found.by_postmortem[issue.ref] = markers.last_snapshot(comments).shipped
    return found
