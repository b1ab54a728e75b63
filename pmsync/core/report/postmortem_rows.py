"""The report's first table: one row per post-mortem of the period, and the post-mortems
still waiting for a maintainer's approval (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pmsync.core.domain.state import IssueState
from pmsync.core.planning.progress import Progress
from pmsync.core.report.cases import Case
from pmsync.core.report.contents import Period, PostMortemRow, WaitingPostMortem
from pmsync.core.report.periods import utc_date


def postmortem_rows(population: Iterable[Case]) -> tuple[PostMortemRow, ...]:
    """Each post-mortem with its items done, dropped and overdue as of the report's day."""
    return tuple(
        PostMortemRow(
            postmortem=case.issue.ref,
            url=case.issue.html_url,
            title=case.issue.title,
            severity=f"SEV{case.pm.severity}",
            incident_date=case.incident_date,
            services=case.services,
            items=len(case.items),
            done=sum(item.progress is Progress.DONE for item in case.items),
            dropped=sum(item.progress is Progress.DROPPED for item in case.items),
            overdue=sum(item.progress is Progress.OVERDUE for item in case.items),
            repeat=case.repeat,
        )
        for case in population
    )


def waiting_rows(waiting: Sequence[IssueState], period: Period) -> tuple[WaitingPostMortem, ...]:
    """Open post-mortems opened in the period that wait for approval, oldest first."""
    return tuple(
        WaitingPostMortem(
            postmortem=issue.ref,
            url=issue.html_url,
            title=issue.title,
            opened=utc_date(issue.created_at),
        )
        for issue in sorted(waiting, key=lambda issue: issue.created_at)
        if issue.state == "open" and period.contains(utc_date(issue.created_at))
    )
