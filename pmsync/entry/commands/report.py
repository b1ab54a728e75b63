"""`pmsync report [--since DATE] [--until DATE] [--repo …] [--format …] [--publish [--dry-run]]`.

Prints the report on stdout (markdown by default, or JSON or CSV); in GitHub Actions it also
goes into the job summary (as markdown). ``--publish`` creates or updates the digest issue
of the period's month (the period must be one calendar month). Without dates the period is
the last full calendar month.
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date

from pmsync.config.loading import load_config
from pmsync.core.report.output import FORMATS, Format, render_report, to_markdown
from pmsync.entry import workflow_step as actions_env
from pmsync.entry.commands.options import add_repos_option
from pmsync.entry.run import produce_report, repositories
from pmsync.orchestration.report.produce import resolve_period

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
    add_repos_option(parser, "report on")
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
        "report.digest_repository, else $GITHUB_REPOSITORY, else the first repository; the "
        "period must be one calendar month",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="with --publish: say whether the digest issue would be created, edited or left "
        "as it is, and write nothing (the report itself never writes)",
    )
    parser.set_defaults(func=run)


# What a dry run says the digest would undergo.
WOULD = {"created": "would be created", "edited": "would be edited", "unchanged": "is up to date"}


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a day; write it as YYYY-MM-DD, e.g. 2026-10-01"
        ) from exc


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    period = resolve_period(args.since, args.until, args.now)
    repos = repositories(args.repo, config, doing="report on")
    fmt: Format = args.format
    done = produce_report(
        args.settings,
        config,
        now=args.now,
        repos=repos,
        period=period,
        publish_digest=args.publish,
        dry_run=args.dry_run,
        redactor=args.redactor,
    )
    print(render_report(done.report, fmt), end="")
    for warning in done.warnings:
        actions_env.report_problem("warning", warning, title="pmsync report")
    actions_env.append_step_summary(to_markdown(done.report))
    if done.digest is not None:
        outcome, issue = done.digest
        where = issue.html_url if issue is not None else "a new issue"
        if args.dry_run:
            print(
                f"dry run: the digest of {period.month} {WOULD[outcome]} ({where})", file=sys.stderr
            )
        else:
            log.info("digest issue %s: %s (%s)", period.month, outcome, where)
    return 0
