"""`pmsync sync [--repo OWNER/NAME …] [--dry-run]`: reconcile every open post-mortem."""

from __future__ import annotations

import argparse
import os
from datetime import timedelta

from pmsync.config.loading import load_config
from pmsync.entry.commands.options import (
    add_cache_options,
    add_repos_option,
    add_run_options,
    cache_from,
)
from pmsync.entry.run import repositories, start_run
from pmsync.entry.workflow_step import in_github_actions
from pmsync.orchestration import sync_all

# How long after a change the scheduled sync waits before it takes a post-mortem (last,
# after the others): the event run the change started is queued, set up and done in a
# minute or two, more when busy.
LEAVE_RECENT_ON_SCHEDULE = timedelta(minutes=5)


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    parser = subparsers.add_parser(
        "sync",
        parents=[common],
        help="bring every open post-mortem and its Jira tickets in step",
        description="Reconcile every open post-mortem issue of the repositories with Jira: "
        "create missing tickets, push table edits, pull ticket status into the status comment.",
    )
    add_run_options(parser)
    add_cache_options(parser)
    add_repos_option(parser, "sync")
    parser.add_argument(
        "--max-minutes",
        type=float,
        metavar="N",
        help="stop writing after N minutes, between post-mortems, so that a workflow's "
        "timeout never cuts a write short; the next run goes on (a partial run exits 0)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    repos = repositories(args.repo, config)
    session = start_run(
        args.settings,
        config,
        now=args.now,
        dry_run=args.dry_run,
        bot_login=args.bot_login,
        repository=repos[0],
        redactor=args.redactor,
        max_minutes=args.max_minutes,
    )
    leave_recent = scheduled_leave_recent()
    sync_all.sync(
        repos, session.context, session.record, cache_from(args), leave_recent=leave_recent
    )
    return session.finish()


def scheduled_leave_recent() -> timedelta | None:
    """On a schedule in GitHub Actions, post-mortems changed in the last few minutes are
    taken last, once the event workflow's run is likely done (ADR 3); the two workflows
    cannot share a concurrency group. None (no waiting) anywhere else."""
    if in_github_actions() and os.environ.get("GITHUB_EVENT_NAME") == "schedule":
        return LEAVE_RECENT_ON_SCHEDULE
    return None
