"""Issue #21's "Done when", end to end: the real CLI (`pmsync doctor`, `pmsync sync`)
against each Jira site profile of the sandbox. Doctor names what does not fit and its fix;
with the fix it passes, and one run creates every ticket of a post-mortem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.sandbox_pmsync import BODY, REPO, TITLE, client, use_sandbox, write_config

from pmsync.core.domain import identity, markers
from pmsync.entry import cli
from pmsync_sandbox.runner import Sandbox

pytestmark = pytest.mark.e2e

STRICT_FIXES = (
    "  fields: {Team: Platform}\n  priorities: {P0: Blocker, P1: Critical, P2: Major, P3: Minor}\n"
)
DUE_DATES = ("2026-11-27", "2026-12-04")  # the example's two rows with a calendar date


class Cli:
    """pmsync's command line on the sandbox, configured by a file in ``folder``."""

    def __init__(self, sandbox: Sandbox, folder: Path, capsys: pytest.CaptureFixture[str]):
        self.sandbox = sandbox
        self.folder = folder
        self.capsys = capsys
        self.config = write_config(folder, REPO, people=True)

    def configure(self, jira: str = "", extra: str = "", deployment: str = "cloud") -> None:
        """The default test configuration, with ``jira`` lines added under ``jira:``."""
        path = write_config(self.folder, REPO, people=True, extra=extra)
        text = path.read_text().replace("  deployment: cloud\n", f"  deployment: {deployment}\n")
        path.write_text(text.replace("jira:\n", "jira:\n" + jira, 1))

    def doctor(self) -> tuple[int, str]:
        code = cli.main(["--config", str(self.config), "doctor"])
        return code, self.capsys.readouterr().out

    def sync(self) -> int:
        code = cli.main(["--config", str(self.config), "sync", "--repo", REPO])
        self.capsys.readouterr()
        return code

    def open(self) -> int:
        repo = client(self.sandbox).get_repo(REPO)
        return repo.create_issue(TITLE, body=BODY, labels=["postmortem"]).number

    def tickets(self, number: int) -> dict[str, dict[str, Any]]:
        label = identity.postmortem_label(REPO, number)
        issues: dict[str, dict[str, Any]] = self.sandbox.state()["jira"]["issues"]
        return {key: raw for key, raw in issues.items() if label in raw["labels"]}

    def status(self, number: int) -> str:
        comments = self.sandbox.state()["github"]["repos"][REPO]["comments"].values()
        [status] = [
            c["body"]
            for c in comments
            if c["issue_number"] == number and markers.has_marker(c["body"], markers.STATUS)
        ]
        return str(status)


@pytest.fixture
def site(
    sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> Cli:
    use_sandbox(sandbox, monkeypatch)
    return Cli(sandbox, tmp_path, capsys)


def failed_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("❌")]


def test_strict_doctor_names_each_misfit_then_one_run_creates_every_ticket(site: Cli) -> None:
    site.sandbox.set_jira_profile("strict")
    code, out = site.doctor()
    assert code == 1
    [due] = [line for line in out.splitlines() if "due date on the create screen" in line]
    assert due.startswith("⚠️") and "written into the ticket's description" in due
    [team] = [line for line in failed_lines(out) if "'Team'" in line]
    assert "required" in team
    assert '    fix: jira.fields: {"Team": "Platform"}' in out
    for name in ("Highest", "High", "Medium", "Low"):
        [line] = [line for line in failed_lines(out) if f"priority '{name}'" in line]
        assert "Blocker, Critical, Major, Minor, Trivial" in line
    assert "fix: jira.priorities: {P0: Blocker, P1: Critical, P2: Major, P3: Minor}" in out
    assert len(failed_lines(out)) == 5

    site.configure(STRICT_FIXES)
    code, out = site.doctor()
    assert code == 0, out
    assert failed_lines(out) == []

    number = site.open()
    assert site.sync() == 0
    tickets = site.tickets(number)
    assert len(tickets) == 4
    assert all(raw["custom"] == {"customfield_10010": "10020"} for raw in tickets.values())
    priorities = sorted(raw["priority"] for raw in tickets.values())
    assert priorities == ["2", "2", "3", "3"]  # Critical (P1), Major (P2)
    descriptions = " ".join(raw["description"]["wiki"] for raw in tickets.values())
    for due in DUE_DATES:
        assert f"*Due:* {due}" in descriptions
    assert all(raw["due"] is None for raw in tickets.values())
    before = site.tickets(number)
    assert site.sync() == 0
    assert site.tickets(number) == before


def test_team_managed_passes_with_its_own_task_and_gets_tickets(site: Cli) -> None:
    site.sandbox.set_jira_profile("team-managed")
    site.configure("  issue_types: {OPS: Task}\n")
    code, out = site.doctor()
    assert code == 0, out
    assert "✅ jira: issue type 'Task' in OPS: exists" in out
    number = site.open()
    assert site.sync() == 0
    tickets = site.tickets(number)
    assert len(tickets) == 4
    assert {raw["issue_type"] for raw in tickets.values()} == {"10015"}  # the project's own Task


def test_datacenter_passes_with_a_personal_access_token_and_gets_tickets(
    site: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.sandbox.set_jira_profile("datacenter")
    # Data Center takes the token as a personal access token, without an e-mail: the
    # sandbox hands out the variables a Data Center site needs.
    variables = site.sandbox.env()
    assert variables["JIRA_TOKEN"] == site.sandbox.jira_token
    assert "JIRA_EMAIL" not in variables and "JIRA_API_TOKEN" not in variables
    monkeypatch.delenv("JIRA_EMAIL")
    monkeypatch.delenv("JIRA_API_TOKEN")
    use_sandbox(site.sandbox, monkeypatch)
    site.configure(deployment="datacenter")
    code, out = site.doctor()
    assert code == 0, out
    assert "on Jira datacenter" in out.replace("Data Center", "datacenter")
    number = site.open()
    assert site.sync() == 0
    assert len(site.tickets(number)) == 4


def test_private_users_names_the_permission_and_the_people_fix(site: Cli) -> None:
    site.sandbox.set_jira_profile("private-users")
    code, out = site.doctor()
    assert code == 1
    [search] = [line for line in failed_lines(out) if "user search" in line]
    assert "Browse users and groups" in search
    assert "fix: people: {alice: {jira_account: ACCOUNT_ID}}" in out

    number = site.open()
    assert site.sync() == 0
    tickets = site.tickets(number)
    assert len(tickets) == 4
    unassigned = sorted(key for key, raw in tickets.items() if raw["assignee"] is None)
    assert len(unassigned) == 2  # alice's two rows: her e-mail finds nobody here
    status = site.status(number)
    rows = {key: int(tickets[key]["id"]) - 9999 for key in unassigned}  # OPS-n is row n here
    for key in unassigned:
        [note] = [line for line in status.splitlines() if f"**{key}** is unassigned" in line]
        assert note.startswith(f"- Row {rows[key]}: ")
        assert note.endswith("`people: {alice: {jira_account: ACCOUNT_ID}}`.")
