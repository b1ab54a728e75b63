"""`pmsync config check [PATH]` and `pmsync config schema [--write]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from pmsync.config.loading import find_config_file, load_config
from pmsync.config.problems import InvalidConfig
from pmsync.config.schema import SCHEMA_PATH, Config, config_json_schema_text
from pmsync.config.settings import Settings
from pmsync.errors import UsageError


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    config = subparsers.add_parser(
        "config", parents=[common], help="check the configuration or print its JSON Schema"
    )
    actions = config.add_subparsers(dest="config_command", required=True)
    check = actions.add_parser(
        "check",
        parents=[common],
        help="validate a configuration file and summarise the effective configuration",
    )
    check.add_argument(
        "path", nargs="?", metavar="PATH", help="file to check (default: as --config finds it)"
    )
    check.set_defaults(func=run_check)
    schema = actions.add_parser(
        "schema", parents=[common], help="print the JSON Schema of the configuration file"
    )
    schema.add_argument(
        "--write", action="store_true", help=f"update {SCHEMA_PATH} instead of printing"
    )
    schema.set_defaults(func=run_schema)


def run_check(args: argparse.Namespace) -> int:
    path = args.path if args.path is not None else args.config
    source = find_config_file(path)
    try:
        config = load_config(source) if source is not None else Config()
    except InvalidConfig as exc:
        print(exc)
        return exc.exit_code
    if source is None:
        print("no configuration file found; every setting takes its default")
    else:
        print(f"{source} is valid")
    for line in summary(config, args.settings):
        print(f"  {line}")
    return 0


def summary(config: Config, settings: Settings) -> list[str]:
    """The effective configuration in a few lines, and which environment variables are set."""
    jira = config.jira
    routes = ", ".join(f"{service} -> {key}" for service, key in jira.projects_by_service.items())
    milestones = " and ".join(str(days) for days in config.followup.milestones_days)
    rule = {
        "service": "same service",
        "service+root-cause": "same service and root-cause category",
        "root-cause": "same root-cause category",
    }[config.repeats.rule]
    given = [name for name, is_set in settings.is_set().items() if is_set]
    followup = config.followup
    policy = ", ".join(f"{key} {_days(days)}" for key, days in followup.due_policy.items())
    remind = followup.remind_before_days
    evidence = followup.evidence
    exempt = ", ".join(t.value for t in evidence.exempt_types)
    return [
        f"repositories: {', '.join(config.github.repositories) or '(none)'}",
        f"jira project: {jira.project}" + (f" ({routes})" if routes else ""),
        f"jira deployment: {jira.deployment}; site: {jira.url or 'from JIRA_URL'}",
        f"people mapped: {len(config.people)}",
        f"follow-ups: {milestones + ' days after the incident' if milestones else 'none'}",
        f"due-date policy: {policy or 'none'}",
        f"reminders: {f'{_days(remind)} before each due date' if remind else 'none'}",
        "shipped evidence: "
        + ("off" if not evidence.enabled else "on" + (f" (exempt: {exempt})" if exempt else "")),
        f"repeats: {rule} within {config.repeats.lookback_days} days",
        f"environment variables set: {', '.join(given) or '(none)'}",
    ]


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def run_schema(args: argparse.Namespace) -> int:
    text = config_json_schema_text()
    if not args.write:
        print(text, end="")
        return 0
    target = Path(SCHEMA_PATH)
    if not target.parent.is_dir():
        raise UsageError(
            f"{target.parent}/ does not exist here; run `pmsync config schema --write` "
            "from the repository root"
        )
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        print(f"{target} is up to date")
    else:
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    return 0
