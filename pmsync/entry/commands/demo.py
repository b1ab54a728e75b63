"""`pmsync demo [--output DIR] [--quiet]`: the whole story on a sandbox in this process."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEFAULT_OUTPUT = Path("demo-output")


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    parser = subparsers.add_parser(
        "demo",
        parents=[common],
        help="tell a post-mortem's story on the built-in sandbox (no network, no tokens)",
        description="Start a sandbox GitHub and Jira on a free port, open and fix a "
        "post-mortem, move its tickets and the clock, and narrate what pmsync does. What "
        "each person would see is written as markdown to the output folder. The demo uses "
        "its own configuration; --config and --now do not apply.",
    )
    parser.add_argument(
        "--output",
        metavar="DIR",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"folder for the issue threads, the Jira tickets and the story (default: "
        f"{DEFAULT_OUTPUT}; an earlier demo's output there is replaced)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no narration; print only where the output is"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the demo's sandbox running afterwards (until Ctrl-C), with its "
        "configuration in the output folder, to try pmsync on it from another shell",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # The demo is loaded only now: no other command imports it (docs/architecture.md).
    from pmsync_sandbox.demo.story import run_demo
    from pmsync_sandbox.demo.transcript import INDEX_FILE
    from pmsync_sandbox.serve import wait_until_stopped

    keep = wait_until_stopped if args.keep else None
    with _pmsync_logs_only_when_verbose(args.verbose):
        run_demo(args.output, show=None if args.quiet else print, redactor=args.redactor, keep=keep)
    if args.quiet:
        print(args.output / INDEX_FILE)
    return 0


@contextmanager
def _pmsync_logs_only_when_verbose(verbose: bool) -> Iterator[None]:
    """The narration says what pmsync did; its own log lines would say it twice."""
    logger = logging.getLogger("pmsync")
    level = logger.level
    if not verbose:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)
