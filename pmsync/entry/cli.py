"""The `pmsync` command line: global options, then one module per command.

Each module in ``pmsync.entry.commands`` exposes ``register(subparsers, common)``, which adds
its sub-command and sets ``func`` (``args -> exit code``) on the parsed arguments.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from pmsync import __version__
from pmsync.config.redact import install_redaction
from pmsync.config.settings import Settings
from pmsync.entry.job_summary import write_stopped
from pmsync.entry.workflow_step import (
    CommandSafeFormatter,
    command_safe_output,
    error_title,
    in_github_actions,
    report_problem,
)
from pmsync.errors import PmsyncError

# Exit code for a failure pmsync did not foresee (sysexits' EX_SOFTWARE).
INTERNAL_ERROR = 70

# Sub-command modules, in the order `pmsync --help` lists them.
COMMAND_MODULES: list[str] = [
    "pmsync.entry.commands.validate",
    "pmsync.entry.commands.config_check",
    "pmsync.entry.commands.doctor",
    "pmsync.entry.commands.sync",
    "pmsync.entry.commands.handle_event",
    "pmsync.entry.commands.worker",
    "pmsync.entry.commands.report",
    "pmsync.entry.commands.sandbox",
    "pmsync.entry.commands.demo",
]


def parse_now(text: str) -> datetime:
    """`--now` accepts any ISO 8601 time; a time without a zone is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO time; use e.g. 2026-12-08T09:00:00Z"
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def common_options() -> argparse.ArgumentParser:
    """Options every command shares; accepted before or after the command name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="configuration file (default: $PMSYNC_CONFIG, config/pmsync.yml, .github/pmsync.yml)",
    )
    common.add_argument(
        "--now",
        metavar="ISO-TIME",
        type=parse_now,
        default=argparse.SUPPRESS,
        help="run as if it were this moment; writes for real unless --dry-run is given too",
    )
    common.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log more"
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = argparse.ArgumentParser(
        prog="pmsync",
        description="Post-mortem action items as Jira tickets, kept in step with GitHub.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"pmsync {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers, common)
    return parser


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The parsed command line, with ``config``, ``now`` and ``verbose`` always set."""
    args = build_parser().parse_args(argv)
    for name, default in (("config", None), ("now", None), ("verbose", False)):
        if not hasattr(args, name):
            setattr(args, name, default)
    if args.now is None:
        args.now = datetime.now(UTC)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    log_format = "%(levelname)s %(name)s: %(message)s"
    log_handler = logging.StreamHandler(sys.stderr)
    # In GitHub Actions a log line may quote issue text: keep it from starting a command.
    formatter = CommandSafeFormatter if in_github_actions() else logging.Formatter
    log_handler.setFormatter(formatter(log_format))
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, handlers=[log_handler]
    )
    # Error texts can quote requests and responses; mask every known secret before printing.
    # Commands use args.settings, and add secrets minted at run time to args.redactor.
    args.settings = Settings.from_env()
    args.redactor = redactor = install_redaction(args.settings)
    try:
        # In GitHub Actions, issue text a command prints cannot start a workflow command.
        with command_safe_output():
            code: int = args.func(args)
    except PmsyncError as exc:
        # An ::error:: annotation in GitHub Actions, else `error: …` on stderr; and the
        # job summary says why the run stopped, below what it did until then.
        report_problem("error", redactor.redact(str(exc)), title=error_title(exc))
        write_stopped(error_title(exc), str(exc), redactor)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        write_stopped("pmsync", "interrupted (the job was cancelled or timed out)", redactor)
        return 130
    except BrokenPipeError:
        # The reader went away (`pmsync report | head`): nothing left to say to it.
        # Point stdout at devnull so Python's exit-time flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:
        logging.getLogger(__name__).debug("unexpected failure", exc_info=True)
        detail = redactor.redact(f"{type(exc).__name__}: {exc}")
        message = f"unexpected {detail} (run with -v for the traceback)"
        report_problem("error", message, title="pmsync: unexpected failure")
        write_stopped("pmsync: unexpected failure", message, redactor)
        return INTERNAL_ERROR
    return code
