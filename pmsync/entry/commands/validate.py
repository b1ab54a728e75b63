"""`pmsync validate PATH|-`: the errors and warnings for one post-mortem body.

Exit 0 when there is no error, 1 when there is one, 2 when the command line is wrong, 3 when
the configuration or the issue form cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC
from pathlib import Path

from pmsync.config.loading import load_config
from pmsync.core.domain.model import Finding, ParseResult
from pmsync.core.postmortem.form import form_for
from pmsync.core.postmortem.lint import check_postmortem, due_passed
from pmsync.core.postmortem.parse import read_draft
from pmsync.errors import UsageError

EXIT_CODES = """\
exit codes:
  0  no errors (warnings alone do not fail)
  1  the body has errors: no ticket would be created
  2  usage error: a wrong option, or PATH cannot be read
  3  configuration error: the file named by --config or $PMSYNC_CONFIG does not exist, or
     the configuration or the issue form (the config's form:, else the repository's
     .github/ISSUE_TEMPLATE/postmortem.yml) cannot be read or is not valid
"""


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    parser = subparsers.add_parser(
        "validate",
        parents=[common],
        help="check a post-mortem issue body and list its errors and warnings",
        description="Check a post-mortem issue body (markdown as GitHub renders the form) "
        "and list what must be fixed before tickets can be created, and what could be better.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", metavar="PATH", help="file holding the issue body, or - for stdin")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--title", default="", help="the issue title (reported as postmortem.title in JSON)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    body = read_body(args.path)
    config = load_config(args.config)
    form = form_for(config.form, Path.cwd())
    result = check_postmortem(body, form, config, title=args.title)
    if config.lint.due_passed:
        # Every row that could be read, even while other parts have errors: the author
        # fixes them all in one go.
        draft, _ = read_draft(
            body, form, title=args.title, max_action_items=config.lint.max_action_items
        )
        late = due_passed(draft.action_items, args.now.astimezone(UTC).date())
        result = result.model_copy(update={"warnings": (*result.warnings, *late)})
    print(as_json(result) if args.format == "json" else as_text(result))
    return 0 if not result.errors else 1


def read_body(path: str) -> str:
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(
            f"cannot read {path}: {exc.strerror or exc}; give the file holding the issue body, "
            "or - to read it from standard input"
        ) from exc
    return data.decode("utf-8-sig", errors="replace")


def as_json(result: ParseResult) -> str:
    document = {
        "ok": result.ok,
        "errors": [_finding(f) for f in result.errors],
        "warnings": [_finding(f) for f in result.warnings],
        "postmortem": result.postmortem.model_dump(mode="json") if result.postmortem else None,
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def _finding(finding: Finding) -> dict[str, object]:
    return {
        "field": finding.field,
        "row": finding.row,
        "message": finding.message,
        "code": finding.code,
    }


def as_text(result: ParseResult) -> str:
    """One line per finding (level, field, row, message), then a one-line verdict."""
    lines = [_line(f) for f in (*result.errors, *result.warnings)]
    errors, warnings = len(result.errors), len(result.warnings)
    if errors:
        verdict = f"{_count(errors, 'error')}, {_count(warnings, 'warning')}: fix the errors"
    elif warnings:
        verdict = f"valid, with {_count(warnings, 'warning')}"
    else:
        verdict = "valid: no errors, no warnings"
    return "\n".join([*lines, verdict])


def _line(finding: Finding) -> str:
    where = finding.field + (f", row {finding.row}" if finding.row is not None else "")
    return f"{finding.level:<7}  {where}: {finding.message}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
