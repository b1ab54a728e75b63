"""Producing the report: read what it needs through the clients it is given, compute it, and
publish the month's digest. What ``pmsync report`` and the worker's report job
(``pmsync.entry.report_job``) share, through ``pmsync.entry.run.produce_report``, which builds
the clients; the command only handles its arguments and prints.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from pmsync.config.schema import Config
from pmsync.core.domain.state import IssueState
from pmsync.core.postmortem.form import Form
from pmsync.core.postmortem.lint import check_postmortem
from pmsync.core.report.build import build_report
from pmsync.core.report.contents import Period, Report
from pmsync.core.report.output import to_markdown
from pmsync.core.report.periods import default_period, utc_date
from pmsync.errors import UsageError
from pmsync.orchestration.ports import ReportGitHub, TicketReader
from pmsync.orchestration.report.digest import Outcome, digest_body, publish
from pmsync.orchestration.report.gather import gather


def resolve_period(since: date | None, until: date | None, now: datetime) -> Period:
    """The period ``--since`` / ``--until`` ask for: both days included; without either,
    the last full calendar month; with only one, to today or from the first of the month."""
    if since is None and until is None:
        return default_period(now)
    if until is None:
        until = utc_date(now)
    if since is None:
        since = until.replace(day=1)
    if since > until:
        raise UsageError(
            f"the period is empty: --since {since} is after --until {until}; "
            "swap them or widen the period"
        )
    return Period(since=since, until=until)


def require_one_month(period: Period) -> None:
    """A digest issue is one calendar month's: refuse to file any other period as one, or a
    longer period would be filed under its last month and overwritten by that month's run."""
    if not period.is_calendar_month:
        raise UsageError(
            f"--publish files the report as the digest of one calendar month, and "
            f"{period.since} to {period.until} is not one: give --since and --until the first "
            "and last day of a month (e.g. --since 2026-10-01 --until 2026-10-31), leave both "
            "out for the last full month, or drop --publish to print any period"
        )


def digest_repository(config: Config, repos: Sequence[str]) -> str:
    return config.report.digest_repository or os.environ.get("GITHUB_REPOSITORY") or repos[0]


@dataclass
class ReportRun:
    report: Report
    # What publishing did (or, on a dry run, would do) and the digest issue; the issue is
    # None when a dry run would create it.
    digest: tuple[Outcome, IssueState | None] | None
    warnings: list[str]  # what the report may be missing; the caller reports them


def produce(
    github: ReportGitHub,
    jira: TicketReader,
    config: Config,
    form: Form,
    *,
    now: datetime,
    repos: Sequence[str],
    period: Period,
    publish_digest: bool = False,
    dry_run: bool = False,
) -> ReportRun:
    """Read, compute and (with ``publish_digest``) publish, through the clients the entry
    point built (``pmsync.entry.run.produce_report``); with ``dry_run`` the digest is only
    compared with what the repository holds."""
    if publish_digest:
        require_one_month(period)
    gathered = gather(
        github,
        jira,
        config,
        repos,
        period,
        lambda issue: check_postmortem(issue.body, form, config, title=issue.title),
    )
    report = build_report(gathered.inputs, period, now, config, repos, gathered.waiting)
    digest = None
    if publish_digest:
        body = digest_body(period.month, to_markdown(report, stamped=False))
        repo = digest_repository(config, repos)
        digest = publish(github, config, repo, period.month, body, dry_run=dry_run)
    return ReportRun(report, digest, gathered.warnings)
