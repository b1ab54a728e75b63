"""`pmsync doctor [--repo OWNER/NAME …] [--format text|json]`: check, with the configured
credentials and without writing anything, that GitHub and the Jira site give a run all it
needs. One line per check (✅ ⚠️ ❌), each ❌ with the configuration line that fixes it;
exit 0 when nothing failed, 1 otherwise. `pmsync config check` stays the offline check."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from pmsync.config.loading import load_config
from pmsync.config.schema import Config
from pmsync.core.domain.site import Check
from pmsync.entry.commands.options import add_repos_option
from pmsync.entry.run import connect, repositories
from pmsync.errors import ConfigError, UsageError
from pmsync.orchestration.doctor import jira_checks
from pmsync.orchestration.doctor_github import github_checks

MARKS = {"ok": "✅", "warn": "⚠️", "fail": "❌"}


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    parser = subparsers.add_parser(
        "doctor",
        parents=[common],
        help="check GitHub and the Jira site with the configured credentials (no writes)",
        description="Check everything a run needs: the GitHub token and repositories, the "
        "Jira credentials, projects, issue types, create screens, priorities, link type, "
        "transitions and people. Writes nothing. Exit 1 when a check fails.",
    )
    add_repos_option(parser, "check")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output")
    parser.set_defaults(func=run)


def diagnose(args: argparse.Namespace, config: Config) -> list[Check]:
    try:
        repos = repositories(args.repo, config, doing="check")
    except UsageError as exc:
        repos = []
        missing = Check(area="github", name="repositories", verdict="fail", detail=str(exc))
        early = [missing]
    else:
        early = []
    try:
        clients = connect(args.settings, config, repository=repos[0] if repos else None)
    except ConfigError as exc:
        return [*early, Check(area="jira", name="settings", verdict="fail", detail=str(exc))]
    checks = [*early, *github_checks(clients.github, repos)]
    checks += jira_checks(
        clients.jira.site,
        config,
        deployment=clients.jira.deployment,
        site_url=clients.jira.server_url,
        api_url=clients.jira.api_url,
    )
    return checks


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    checks = diagnose(args, config)
    text = as_json(checks) if args.format == "json" else as_text(checks)
    print(args.redactor.redact(text))
    return 1 if failed(checks) else 0


def failed(checks: Sequence[Check]) -> bool:
    return any(check.verdict == "fail" for check in checks)


def as_text(checks: Sequence[Check]) -> str:
    lines = []
    for check in checks:
        lines.append(f"{MARKS[check.verdict]} {check.area}: {check.name}: {check.detail}")
        if check.fix and check.verdict != "ok":
            lines.append(f"    fix: {check.fix}")
    counts = {v: sum(1 for c in checks if c.verdict == v) for v in MARKS}
    lines.append(f"{counts['ok']} ok, {counts['warn']} warning(s), {counts['fail']} failed")
    return "\n".join(lines)


def as_json(checks: Sequence[Check]) -> str:
    document = {"ok": not failed(checks), "checks": [check.as_json() for check in checks]}
    return json.dumps(document, indent=2, ensure_ascii=False)
