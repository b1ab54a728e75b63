"""`pmsync report [--since DATE] [--until DATE] [--repo …] [--format …] [--publish]`.

Prints the report on stdout (markdown by default, or JSON or CSV); in GitHub Actions it also
goes into the job summary (as markdown). ``--publish`` creates or updates the digest issue
of the month the period ends in. Without dates the period is the last full calendar month.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from pmsync import actions_env, reconcile
from pmsync.adapters.retry import RequestLog, RetryPolicy
from pmsync.config import Config, load_config
from pmsync.digest import Outcome, digest_body, publish
from pmsync.errors import UsageError
from pmsync.redact import Redactor
from pmsync.report import build_report, default_period, utc_date
from pmsync.report_gather import gather
from pmsync.report_model import Period, Report
from pmsync.report_output import FORMATS, Format, render_report, to_markdown
from pmsync.run import repositories, start_run
from pmsync.settings import Settings
from pmsync.state import IssueState

log = logging.getLogger(__name__)


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    parser = subparsers.add_parser(
        "report",
        parents=[common],
        help="completion, on-time and repeat rates, overdue and dropped items, for managers",
        description="Report on the post-mortems whose incident started in a period (default: "
        "the last full calendar month, UTC): action-item completion within "
        "report.completion_window_days, P0/P1 on-time rate, repeat-incident rate, time to "
        "post-mortem, items per post-mortem, overdue and dropped items, per service and "
        "severity, and the lessons learned. docs/report.md defines every number.",
    )
    parser.add_argument(
        "--since",
        type=parse_day,
        metavar="YYYY-MM-DD",
        help="first incident day (default: the first day of the last full month; with "
        "--since alone the period runs to today)",
    )
    parser.add_argument(
        "--until",
        type=parse_day,
        metavar="YYYY-MM-DD",
        help="last incident day, included (with --until alone the period starts on the first "
        "day of its month)",
    )
    parser.add_argument(
        "--repo",
        action="append",
        metavar="OWNER/NAME",
        help="repository to report on (repeatable; default: github.repositories, else "
        "$GITHUB_REPOSITORY)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="markdown",
        help="what to print on stdout (default: markdown)",
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help="create or update the month's digest issue (label labels.digest) in "
        "report.digest_repository, else $GITHUB_REPOSITORY, else the first repository",
    )
    parser.set_defaults(func=run)


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a day; write it as YYYY-MM-DD, e.g. 2026-10-01"
        ) from exc


def resolve_period(since: date | None, until: date | None, now: datetime) -> Period:
    """The period the options ask for (see ``register``'s help)."""
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


def digest_repository(config: Config, repos: Sequence[str]) -> str:
    return config.report.digest_repository or os.environ.get("GITHUB_REPOSITORY") or repos[0]


@dataclass
class ReportRun:
    report: Report
    digest: tuple[Outcome, IssueState] | None
    requests: RequestLog


def produce(
    settings: Settings,
    config: Config,
    *,
    now: datetime,
    repos: Sequence[str],
    period: Period,
    publish_digest: bool = False,
    requests: RequestLog | None = None,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    root: Path | None = None,
    redactor: Redactor | None = None,
) -> ReportRun:
    """Read, compute and (with ``publish_digest``) publish; what the command and the
    worker's report job share. A GitHub App acts through its installation on the first
    repository, its token masked by ``redactor``."""
    session = start_run(
        settings,
        config,
        now=now,
        requests=requests,
        policy=policy,
        sleep=sleep,
        root=root,
        repository=repos[0],
        redactor=redactor,
    )
    engine = session.engine
    inputs = gather(
        engine.github,
        engine.jira,
        config,
        repos,
        period,
        lambda issue: reconcile.parse(issue, engine),
    )
    report = build_report(inputs, period, now, config, repos)
    digest = None
    if publish_digest:
        body = digest_body(period.month, to_markdown(report, stamped=False))
        digest = publish(
            engine.github, config, digest_repository(config, repos), period.month, body
        )
    log.info("report: requests: %s", session.requests.summary())
    return ReportRun(report, digest, session.requests)


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    period = resolve_period(args.since, args.until, args.now)
    repos = repositories(args.repo, config)
    fmt: Format = args.format
    done = produce(
        args.settings,
        config,
        now=args.now,
        repos=repos,
        period=period,
        publish_digest=args.publish,
        redactor=args.redactor,
    )
    print(render_report(done.report, fmt), end="")
    actions_env.append_step_summary(to_markdown(done.report))
    if done.digest is not None:
        outcome, issue = done.digest
        log.info("digest issue %s: %s (%s)", period.month, outcome, issue.html_url)
    return 0
