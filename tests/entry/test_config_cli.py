"""`pmsync config check|schema`, and the CLI keeping secrets out of what it prints."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pmsync.config.redact import RedactingFilter
from pmsync.config.schema import config_json_schema_text
from pmsync.entry import cli
from pmsync.errors import RemoteError

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "ghp_CliM4stN3verPrintThisT0kenAbCdEf"
JIRA_API_TOKEN = "ATATT3xFfGF0CliJiraT0ken"
SECRET_ENV = {
    "GITHUB_TOKEN": TOKEN,
    "JIRA_EMAIL": "bot@acme.example",
    "JIRA_API_TOKEN": JIRA_API_TOKEN,
}


@pytest.fixture(autouse=True)
def clean_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run in an empty folder (conftest.py clears pmsync's variables); drop installed
    filters after."""
    monkeypatch.chdir(tmp_path)
    yield
    root = logging.getLogger()
    for holder in (root, *root.handlers):
        for held in [f for f in holder.filters if isinstance(f, RedactingFilter)]:
            holder.removeFilter(held)


@pytest.fixture
def secrets_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """The GitHub token and the Jira account (SECRET_ENV) in the environment."""
    for name, value in SECRET_ENV.items():
        monkeypatch.setenv(name, value)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- config check -----------------------------------------------------------------------------


def test_check_example_prints_summary(capsys: pytest.CaptureFixture[str]) -> None:
    example = ROOT / "config/pmsync.example.yml"
    code, out, _ = run(capsys, "config", "check", str(example))
    assert code == 0
    assert out.splitlines() == [
        f"{example} is valid",
        "  repositories: acme/payments, acme/storefront",
        "  jira project: OPS (payments -> PAY, storefront -> WEB)",
        "  jira deployment: auto; site: https://acme.atlassian.net",
        "  people mapped: 2",
        "  follow-ups: 14 and 28 days after the incident",
        "  due-date policy: none",
        "  reminders: none",
        "  shipped evidence: off",
        "  repeats: same service within 180 days",
        "  environment variables set: (none)",
    ]


def test_check_names_the_follow_up_extras_that_are_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chosen = tmp_path / "pmsync.yml"
    chosen.write_text(
        "followup:\n  due_policy: {P0: 7, SEV1: 1}\n  remind_before_days: 1\n"
        "  evidence: {enabled: true, exempt_types: [Process]}\n"
    )
    code, out, _ = run(capsys, "config", "check", str(chosen))
    assert code == 0
    assert "  due-date policy: P0 7 days, SEV1 1 day\n" in out
    assert "  reminders: 1 day before each due date\n" in out
    assert "  shipped evidence: on (exempt: Process)\n" in out


def test_check_reports_which_variables_are_set_never_their_values(
    capsys: pytest.CaptureFixture[str], secrets_set: None
) -> None:
    code, out, err = run(capsys, "config", "check")
    assert code == 0
    assert "environment variables set: GITHUB_TOKEN, JIRA_EMAIL, JIRA_API_TOKEN" in out
    assert TOKEN not in out + err and JIRA_API_TOKEN not in out + err


def test_check_without_any_file_uses_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "config", "check")
    assert code == 0
    assert out.startswith("no configuration file found; every setting takes its default\n")
    assert "  repositories: (none)\n" in out


def test_check_finds_the_default_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/pmsync.yml").write_text("github:\n  repositories: [acme/api]\n")
    code, out, _ = run(capsys, "config", "check")
    assert code == 0
    assert out.startswith(f"{Path('.github/pmsync.yml')} is valid\n")
    assert "  repositories: acme/api\n" in out


@pytest.mark.parametrize("where", ["global", "after-command", "environment"])
def test_check_honours_config_option_and_variable(
    where: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chosen = tmp_path / "chosen.yml"
    chosen.write_text("jira:\n  project: CHOSEN\n")
    argv = {
        "global": ["--config", str(chosen), "config", "check"],
        "after-command": ["config", "check", "--config", str(chosen)],
        "environment": ["config", "check"],
    }[where]
    if where == "environment":
        monkeypatch.setenv("PMSYNC_CONFIG", str(chosen))
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert "  jira project: CHOSEN\n" in out


def test_check_lists_every_problem_and_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "pmsync.yml"
    path.write_text(
        "github:\n"
        "  repositories: [acme/payments]\n"
        "jira:\n"
        "  projct: OPS\n"
        "  api_token: " + JIRA_API_TOKEN + "\n"
        "  priorities: {P0: Highest, P1: High, P2: Medium, P5: Low}\n"
        "people:\n"
        "  '@bob': {email: bob@example.com}\n"
        "followup:\n"
        "  milestones_days: [28, 14]\n"
    )
    code, out, err = run(capsys, "config", "check", str(path))
    assert code == 3
    assert out.splitlines() == [
        f"{path} has 5 problems:",
        "  line 4: jira.projct: unknown key; did you mean 'project'?",
        "  line 5: jira.api_token: secrets do not belong in the configuration file, which is "
        "committed and readable; remove this key and set JIRA_API_TOKEN (Jira Cloud, with "
        "JIRA_EMAIL) or JIRA_TOKEN (Data Center personal access token) in the environment "
        "instead",
        "  line 6: jira.priorities.P5: found key 'P5'; expected 'P0', 'P1', 'P2' or 'P3'",
        "  line 8: people.@bob: found key '@bob'; expected the GitHub login without '@', "
        "e.g. 'bob'",
        "  line 10: followup.milestones_days: found [28, 14]; expected days in ascending "
        "order without repeats, e.g. [14, 28]",
    ]
    assert JIRA_API_TOKEN not in out + err


def test_check_of_broken_yaml_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "pmsync.yml"
    path.write_text("jira:\n  project: OPS\n   issue_type: Bug\n")
    code, out, _ = run(capsys, "config", "check", str(path))
    assert code == 3
    assert out.splitlines() == [
        f"{path} has 1 problem:",
        "  line 3: not valid YAML: mapping values are not allowed here",
    ]


def test_check_of_missing_file_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "config", "check", "nowhere.yml")
    assert code == 3
    assert out == ""
    assert err == "error: configuration file nowhere.yml (from the command line) does not exist\n"


def test_config_without_action_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["config"])
    assert exc.value.code == 2
    assert "check" in capsys.readouterr().err


# --- config schema ----------------------------------------------------------------------------


def test_schema_prints_the_generated_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "config", "schema")
    assert code == 0
    assert out == config_json_schema_text()
    assert json.loads(out)["title"] == "pmsync configuration"


def test_schema_write_updates_the_file_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "config").mkdir()
    target = tmp_path / "config/pmsync.schema.json"
    target.write_text("{}\n")
    code, out, _ = run(capsys, "config", "schema", "--write")
    assert (code, out) == (0, f"wrote {Path('config/pmsync.schema.json')}\n")
    assert target.read_text() == config_json_schema_text()
    code, out, _ = run(capsys, "config", "schema", "--write")
    assert (code, out) == (0, f"{Path('config/pmsync.schema.json')} is up to date\n")


def test_schema_write_outside_a_repository_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "config", "schema", "--write")
    assert code == 2
    assert "run `pmsync config schema --write` from the repository root" in err


# --- the CLI masks secrets in what it prints --------------------------------------------------


@pytest.fixture
def fake_command(
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[Callable[[argparse.Namespace], int]], None]:
    """Register a throw-away `leak` command that runs the given function."""

    def install(func: Callable[[argparse.Namespace], int]) -> None:
        module = types.ModuleType("pmsync_test_leak_command")

        def register(
            subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
            common: argparse.ArgumentParser,
        ) -> None:
            subparsers.add_parser("leak", parents=[common]).set_defaults(func=func)

        module.register = register  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, module.__name__, module)
        monkeypatch.setattr(cli, "COMMAND_MODULES", [*cli.COMMAND_MODULES, module.__name__])

    return install


def test_remote_error_text_is_masked_before_printing(
    capsys: pytest.CaptureFixture[str],
    secrets_set: None,
    fake_command: Callable[[Callable[[argparse.Namespace], int]], None],
) -> None:

    def leak(args: argparse.Namespace) -> int:
        raise RemoteError("GitHub", "GET", "/user", 401, f"Bad credentials for token {TOKEN}")

    fake_command(leak)
    code, out, err = run(capsys, "leak")
    assert code == 4
    assert err == "error: GitHub GET /user answered 401: Bad credentials for token ***\n"
    assert TOKEN not in out + err


def test_unexpected_failure_is_masked_and_logged_with_verbose(
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    secrets_set: None,
    fake_command: Callable[[Callable[[argparse.Namespace], int]], None],
) -> None:

    def crash(args: argparse.Namespace) -> int:
        logging.getLogger("pmsync.adapters.jira").info("authenticating with %s", JIRA_API_TOKEN)
        raise KeyError(f"no field for {JIRA_API_TOKEN}")

    fake_command(crash)
    with caplog.at_level(logging.DEBUG):
        code, out, err = run(capsys, "-v", "leak")
    assert code == cli.INTERNAL_ERROR
    assert err.startswith("error: unexpected KeyError: 'no field for ***'")
    assert "run with -v for the traceback" in err
    assert "Traceback" in caplog.text and "authenticating with ***" in caplog.text
    assert JIRA_API_TOKEN not in out + err + caplog.text


def test_commands_get_settings_and_can_mask_tokens_minted_at_run_time(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fake_command: Callable[[Callable[[argparse.Namespace], int]], None],
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    minted = "ghs_InstallationTokenMintedDuringTheRun"

    def use_settings(args: argparse.Namespace) -> int:
        assert args.settings.require_github().token.get_secret_value() == TOKEN
        args.redactor.add(minted)
        raise RemoteError("GitHub", "POST", "/app/installations/1/access_tokens", 201, minted)

    fake_command(use_settings)
    code, out, err = run(capsys, "leak")
    assert code == 4
    assert minted not in out + err
    assert err.endswith("answered 201: ***\n")
