"""The digest issue: found by label and marker, created once, edited only when its text
changed; the adapter's guarded create against real GitHub JSON; and the workflow that
publishes it every month through the action."""

from __future__ import annotations

import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import responses
import yaml
from support.actions_runner import cron_fires, run_action_step
from support.factories import issue
from support.github_api import API, REPO, api_issue, make_adapter

from pmsync.config.schema import Config, ReportConfig
from pmsync.core.domain.state import IssueState
from pmsync.core.report.contents import Period
from pmsync.core.report.periods import default_period
from pmsync.entry.cli import main
from pmsync.errors import UsageError
from pmsync.orchestration.report.digest import BODY_LIMIT, digest_body, digest_marker, fit, publish
from pmsync.orchestration.report.gather import search_queries
from pmsync.orchestration.report.produce import digest_repository, resolve_period

OCTOBER = "2026-10"


@dataclass
class FakeGitHub:
    """The four calls publishing makes (``DigestGitHub``), over a list of issues."""

    issues: list[IssueState] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    def issues_with_label(self, repo: str, label: str) -> tuple[IssueState, ...]:
        self.calls.append(f"list {label}")
        return tuple(i for i in self.issues if label in i.labels)

    def ensure_repo_label(self, repo: str, name: str, color: str, description: str) -> bool:
        self.calls.append(f"label {name}")
        return True

    def create_issue(
        self, repo: str, title: str, body: str, labels: Sequence[str], marker: str
    ) -> IssueState:
        self.calls.append("create")
        created = issue(
            repo=repo, number=100 + len(self.issues), title=title, body=body, labels=tuple(labels)
        )
        self.issues.append(created)
        return created

    def edit_issue(self, repo: str, number: int, *, title: str, body: str) -> IssueState:
        self.calls.append(f"edit {number}")
        found = next(i for i in self.issues if i.number == number)
        edited = found.model_copy(update={"title": title, "body": body})
        self.issues[self.issues.index(found)] = edited
        return edited


def _publish(fake: FakeGitHub, body: str, month: str = OCTOBER) -> str:
    outcome, _ = publish(fake, Config(), "acme/payments", month, body)
    return outcome


def test_created_once_then_unchanged_then_edited_in_place() -> None:
    fake = FakeGitHub()
    body = digest_body(OCTOBER, "## Post-mortem report\n\nfirst\n")
    assert _publish(fake, body) == "created"
    assert fake.calls == ["list pm:digest", "label pm:digest", "create"]
    fake.calls.clear()
    assert _publish(fake, body) == "unchanged"
    assert fake.calls == ["list pm:digest"]  # nothing written
    fake.calls.clear()
    assert _publish(fake, digest_body(OCTOBER, "## Post-mortem report\n\nsecond\n")) == "edited"
    assert fake.calls == ["list pm:digest", "edit 100"]
    assert len(fake.issues) == 1


def test_github_line_ends_do_not_count_as_a_change() -> None:
    body = digest_body(OCTOBER, "## Report\n\nsame\n")
    fake = FakeGitHub(
        [
            issue(
                number=7,
                title="Post-mortem digest 2026-10",
                labels=("pm:digest",),
                body=body.replace("\n", "\r\n"),
            )
        ]
    )
    assert _publish(fake, body) == "unchanged"


def test_other_months_and_unmarked_issues_are_not_this_months_digest() -> None:
    fake = FakeGitHub(
        [
            issue(number=3, labels=("pm:digest",), body=digest_body("2026-09", "old\n")),
            issue(number=4, labels=("pm:digest",), body="a digest someone wrote by hand"),
            issue(number=5, labels=("postmortem",), body=digest_marker(OCTOBER) + "\nnot labelled"),
        ]
    )
    assert _publish(fake, digest_body(OCTOBER, "new\n")) == "created"


def test_the_oldest_of_two_marked_issues_is_kept() -> None:
    body = digest_body(OCTOBER, "text\n")
    title = "Post-mortem digest 2026-10"
    fake = FakeGitHub(
        [
            issue(number=9, title=title, labels=("pm:digest",), body=body + "copy"),
            issue(number=8, title=title, labels=("pm:digest",), body=body),
        ]
    )
    assert _publish(fake, body) == "unchanged"


def test_the_body_starts_with_the_marker_and_fits_github() -> None:
    long_report = "## Report\n" + "".join(f"\n### Part {n}\n\n" + "x" * 900 for n in range(100))
    body = digest_body(OCTOBER, long_report)
    assert body.startswith("<!-- pmsync:digest:2026-10 -->\n")
    assert len(body) <= BODY_LIMIT
    assert "The report was cut here" in body
    text, cut = fit("## a\n\n### b\nbb\n### c\ncc\n", 20)
    assert (text, cut) == ("## a\n\n### b\nbb\n", True)
    assert fit("short\n", 100) == ("short\n", False)


def test_the_digest_repository() -> None:
    repos = ["acme/payments", "acme/search"]
    assert digest_repository(Config(), repos) == "acme/payments"
    configured = Config(report=ReportConfig(digest_repository="acme/ops"))
    assert digest_repository(configured, repos) == "acme/ops"


def test_the_digest_repository_in_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/incidents")
    assert digest_repository(Config(), ["acme/payments"]) == "acme/incidents"


NOW = datetime(2026, 12, 10, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        (None, None, ("2026-11-01", "2026-11-30")),
        ("2026-10-15", None, ("2026-10-15", "2026-12-10")),
        (None, "2026-10-20", ("2026-10-01", "2026-10-20")),
        ("2026-10-01", "2026-10-01", ("2026-10-01", "2026-10-01")),
    ],
)
def test_period_from_the_options(
    since: str | None, until: str | None, expected: tuple[str, str]
) -> None:
    period = resolve_period(
        date.fromisoformat(since) if since else None,
        date.fromisoformat(until) if until else None,
        NOW,
    )
    assert period == Period.model_validate({"since": expected[0], "until": expected[1]})


def test_an_empty_period_is_refused_with_the_fix() -> None:
    with pytest.raises(UsageError, match="--since 2026-10-05 is after --until 2026-10-01"):
        resolve_period(date(2026, 10, 5), date(2026, 10, 1), NOW)


@pytest.mark.parametrize(
    ("since", "until", "one_month"),
    [
        ("2026-10-01", "2026-10-31", True),
        ("2028-02-01", "2028-02-29", True),  # a leap year's February
        ("2026-12-01", "2026-12-31", True),
        ("2026-09-01", "2026-10-31", False),  # two months
        ("2026-10-15", "2026-10-31", False),  # the end of one
        ("2026-10-01", "2026-10-30", False),  # one day short
        ("2025-10-01", "2026-10-31", False),  # a year and a month
    ],
)
def test_a_calendar_month(since: str, until: str, one_month: bool) -> None:
    period = Period.model_validate({"since": since, "until": until})
    assert period.is_calendar_month is one_month


@pytest.mark.parametrize(
    "dates",
    [
        ["--since", "2026-09-01", "--until", "2026-10-31"],
        ["--since", "2026-11-15"],  # to today, Dec 10
        ["--until", "2026-10-20"],  # from Oct 1
    ],
)
def test_publish_files_only_one_calendar_month(
    dates: list[str],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # no configuration file: nothing is read or written
    argv = ["report", *dates, "--publish", "--repo", "acme/payments", "--now", NOW.isoformat()]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--publish files the report as the digest of one calendar month, and " in err
    assert "drop --publish to print any period" in err


def test_no_repository_to_report_on_says_so_and_how_to_name_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    assert main(["report", "--now", NOW.isoformat()]) == 2
    assert capsys.readouterr().err == (
        "error: no repository to report on: pass --repo OWNER/NAME, list github.repositories "
        "in the configuration, or run inside GitHub Actions (GITHUB_REPOSITORY)\n"
    )


def test_one_search_per_twenty_repositories() -> None:
    repos = [f"acme/r{n}" for n in range(45)]
    queries = search_queries(repos, "postmortem", date(2026, 4, 4))
    assert len(queries) == 3
    assert queries[0].startswith('is:issue label:"postmortem" repo:acme/r0 repo:acme/r1 ')
    assert queries[0].endswith(" created:>=2026-04-04")
    assert queries[2].count("repo:") == 5


def _digest_issue(number: int, body: str) -> dict[str, Any]:
    return api_issue(
        number=number,
        title="Post-mortem digest 2026-10",
        body=body,
        labels=[{"name": "pm:digest", "color": "5319e7"}],
        html_url=f"https://github.com/{REPO}/issues/{number}",
    )


def test_a_create_whose_answer_is_lost_is_not_sent_again(
    mocked: responses.RequestsMock,
) -> None:
    body = digest_body(OCTOBER, "text\n")
    mocked.post(f"{API}/repos/{REPO}/issues", status=502, json={"message": "Server Error"})
    mocked.get(f"{API}/repos/{REPO}/issues", json=[_digest_issue(12, body)])
    adapter, requests = make_adapter()
    created = adapter.create_issue(
        REPO, "Post-mortem digest 2026-10", body, ["pm:digest"], digest_marker(OCTOBER)
    )
    assert created.number == 12
    assert requests.count("github", write=True) == 1  # one POST, never repeated
    listing = mocked.calls[1].request
    assert "labels=pm%3Adigest" in str(listing.url) and "state=all" in str(listing.url)


# --- the monthly workflow -------------------------------------------------------------------

DIGEST_WORKFLOW = Path(__file__).resolve().parents[2] / "workflows" / "postmortem-digest.yml"


@pytest.mark.parametrize(
    ("cron", "monthly"),
    [
        ("23 7 1 * *", True),
        ("0 0 28 * *", True),
        ("0 0 31 * *", False),  # not in 30-day months nor February
        ("0 0 1 * 1", False),  # the 1st or any Monday
        ("0 0 1,15 * *", False),
        ("0 */12 1 * *", False),
        ("0 0 1 */2 *", False),
    ],
)
def test_cron_fires_tells_a_monthly_schedule(cron: str, monthly: bool) -> None:
    fires = cron_fires(cron, 2027)
    assert ([f.month for f in fires] == list(range(1, 13))) is monthly


def _digest_workflow() -> dict[Any, Any]:
    document = yaml.safe_load(DIGEST_WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def test_the_digest_workflow_runs_once_a_month_and_publishes_last_month() -> None:
    workflow = _digest_workflow()
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the bare key `on` as True
    (entry,) = on["schedule"]
    for year in (2027, 2028):  # a leap year too
        fires = cron_fires(entry["cron"], year)
        assert [f.month for f in fires] == list(range(1, 13)), entry["cron"]
        # Each run publishes the digest of the month before: every month gets one.
        months = [default_period(f).month for f in fires]
        assert months == [f"{year - 1}-12", *(f"{year}-{m:02}" for m in range(1, 12))]


def _pmsync_step() -> tuple[dict[str, Any], dict[str, Any]]:
    """The digest workflow's pmsync step, and its job."""
    (job,) = _digest_workflow()["jobs"].values()
    steps = [s for s in job["steps"] if str(s.get("uses", "")).startswith("YOUR_ORG/pmsync@")]
    assert len(steps) == 1
    return steps[0], job


def _as_runner_gives(value: object) -> str:
    """An action input as the runner hands it over: YAML booleans as true / false."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def test_the_digest_workflow_runs_report_publish_through_the_action(tmp_path: Path) -> None:
    step, job = _pmsync_step()
    given = step["with"]
    assert (given["command"], given["publish"]) == ("report", True)
    assert job["permissions"]["issues"] == "write"  # creates and edits the digest issue
    # A dry run only when a person asks for one from the Actions tab: on the schedule there
    # are no inputs, and the expression is false.
    assert given["dry-run"] == "${{ inputs.dry-run == true }}"
    inputs = {name: _as_runner_gives(value) for name, value in given.items()}
    inputs["dry-run"] = "false"  # what the expression gives on the schedule
    assert _action_argv(tmp_path, inputs) == ["report", "--publish"]
    inputs["dry-run"] = "true"  # asked for by hand: the report without the digest issue
    assert _action_argv(tmp_path, inputs) == ["report"]


def _action_argv(tmp_path: Path, inputs: dict[str, str]) -> list[str]:
    """The arguments action.yml's step gives pmsync (a stand-in that records them)."""
    venv_bin = tmp_path / "venv" / "bin"
    venv_bin.mkdir(parents=True, exist_ok=True)
    argv_file = tmp_path / "argv"
    argv_file.unlink(missing_ok=True)
    fake = venv_bin / "pmsync"
    fake.write_text(f'#!/usr/bin/env bash\nprintf "%s\\n" "$@" > "{argv_file}"\n', encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    done = run_action_step(inputs, venv=tmp_path / "venv", cwd=tmp_path, env={})
    assert done.returncode == 0, done.stdout + done.stderr
    return argv_file.read_text(encoding="utf-8").splitlines()
