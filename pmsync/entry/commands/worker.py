"""`pmsync worker [--once]`: sync every open post-mortem on a schedule until stopped."""

from __future__ import annotations

import argparse

from pmsync.config.loading import load_config
from pmsync.entry.commands.options import (
    add_cache_options,
    add_repos_option,
    add_run_options,
    cache_from,
)
from pmsync.entry.run import repositories
from pmsync.entry.worker import Job, Worker, moving_clock, report_job, sync_job


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    parser = subparsers.add_parser(
        "worker",
        parents=[common],
        help="sync on a schedule, for use outside GitHub Actions",
        description="Run `pmsync sync` every worker.sync_every_minutes, and publish the "
        "monthly digest (`pmsync report --publish` for the last full month) every "
        "worker.report_every_minutes, until SIGTERM or Ctrl-C, which stop it "
        "after the job that is running. A failing run is logged and retried at its next "
        "turn. With --now, the worker's clock starts at that moment.",
    )
    add_run_options(parser)
    add_cache_options(parser)
    add_repos_option(parser, "sync and report on")
    parser.add_argument(
        "--once",
        action="store_true",
        help="run every job once and exit (non-zero when one failed)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    repos = repositories(args.repo, config)
    # Missing credentials are not worth retrying every hour: say so now, and exit.
    args.settings.require_github(config.github)
    args.settings.require_jira(config.jira)
    now = moving_clock(args.now)
    jobs: list[Job] = [
        sync_job(
            args.settings,
            config,
            repos,
            now,
            dry_run=args.dry_run,
            bot_login=args.bot_login,
            cache=cache_from(args),
            redactor=args.redactor,
        ),
        report_job(args.settings, config, repos, now, redactor=args.redactor),
    ]
    worker = Worker(jobs)
    if args.once:
        return 0 if worker.run_once() else 1
    with worker.signals():
        worker.run_forever()
    return 0
