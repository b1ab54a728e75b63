"""Command-line options that several commands share, and what they resolve to."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from pmsync.orchestration import cache


def add_repos_option(parser: argparse.ArgumentParser, doing: str) -> None:
    """``--repo``, repeatable, for a command that works on several repositories; ``doing``
    says what it does with them ("sync", "report on"). See ``runtime.run.repositories``."""
    parser.add_argument(
        "--repo",
        action="append",
        metavar="OWNER/NAME",
        help=f"repository to {doing} (repeatable; default: github.repositories, else "
        "$GITHUB_REPOSITORY)",
    )


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """Options `sync`, `handle-event` and `worker` share."""
    parser.add_argument("--dry-run", action="store_true", help="print the plan and change nothing")
    parser.add_argument(
        "--bot-login",
        metavar="LOGIN",
        help="the GitHub login pmsync comments as (default: $PMSYNC_BOT_LOGIN, else asked "
        "of GitHub, else github-actions[bot])",
    )


def add_cache_options(parser: argparse.ArgumentParser) -> None:
    """Options `sync` and `worker` share: where the local cache lives, if anywhere."""
    parser.add_argument(
        "--cache",
        type=Path,
        metavar="DIR",
        help=f"keep a local cache in DIR (default: ${cache.DIRECTORY_VARIABLE}, else none): "
        "a sync then asks only what changed since the last one; losing the cache costs "
        "requests, never changes the outcome. The scheduled workflow keeps "
        f"{cache.DEFAULT_DIRECTORY} with actions/cache",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help=f"use no cache, even if ${cache.DIRECTORY_VARIABLE} names one",
    )


def cache_from(args: argparse.Namespace) -> cache.FileCache | None:
    if args.no_cache:
        return None
    directory = args.cache or os.environ.get(cache.DIRECTORY_VARIABLE, "").strip()
    return cache.FileCache(Path(directory)) if directory else None
