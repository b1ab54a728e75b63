"""The whole report: every metric, breakdown and chart for one period (pure; the
definitions are in ``pmsync.core.report.metrics``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pmsync.config.schema import Config
from pmsync.core.domain.state import IssueState
from pmsync.core.report.breakdowns import by_service, by_severity
from pmsync.core.report.cases import ReportInput, by_incident, cases_of, dismissed
from pmsync.core.report.chart_data import completion_by_month, open_by_age, repeats_by_service
from pmsync.core.report.contents import ChartData, Period, Report, UnreadablePostMortem
from pmsync.core.report.metrics import (
    Scope,
    action_item_counts,
    completion,
    completion_window_ended,
    dropped,
    lessons,
    on_time,
    overdue,
    preventable_repeat_rate,
    repeat_rate,
    time_to_postmortem,
)
from pmsync.core.report.periods import utc_date
from pmsync.core.report.postmortem_rows import postmortem_rows, waiting_rows
from pmsync.core.report.shipped_evidence import shipped_evidence


def build_report(
    inputs: Sequence[ReportInput],
    period: Period,
    now: datetime,
    config: Config,
    repositories: Sequence[str],
    waiting: Sequence[IssueState] = (),
) -> Report:
    """Every metric of the report for the post-mortems whose incident started in ``period``;
    ``inputs`` may hold older ones too (they decide repeats and fill the trend chart).
    Dismissed post-mortems count nowhere but may make a later one a repeat. ``waiting`` are
    the post-mortems pmsync has not taken on because they wait for approval."""
    today = utc_date(now)
    cases = [case for case in cases_of(inputs, today, config) if not dismissed(case.issue)]
    population = tuple(c for c in by_incident(cases) if period.contains(c.incident_date))
    scope = Scope(population, period, today, config)
    unreadable = tuple(
        UnreadablePostMortem(postmortem=i.issue.ref, url=i.issue.html_url, title=i.issue.title)
        for i in inputs
        if i.postmortem is None
        and not dismissed(i.issue)
        and period.contains(utc_date(i.issue.created_at))
    )
    return Report(
        period=period,
        generated_at=now,
        repositories=tuple(repositories),
        postmortems=postmortem_rows(population),
        completion_window_days=config.report.completion_window_days,
        completion=completion(scope),
        completion_window_ended=completion_window_ended(cases, period, today, config),
        on_time=on_time(scope),
        repeats=repeat_rate(scope),
        preventable_repeat_rate=preventable_repeat_rate(scope),
        shipped_evidence=shipped_evidence(scope),
        time_to_postmortem=time_to_postmortem(scope),
        action_items=action_item_counts(scope),
        overdue=overdue(scope),
        dropped=dropped(scope),
        lessons=lessons(scope),
        by_service=by_service(scope),
        by_severity=by_severity(scope),
        charts=ChartData(
            completion_by_month=completion_by_month(cases, period, today, config),
            open_by_age=open_by_age(scope),
            repeats_by_service=repeats_by_service(scope),
        ),
        unreadable=unreadable,
        waiting_for_approval=waiting_rows(waiting, period),
    )
