"""The real ``jira`` client against each Jira site profile, and the three ways to choose a
profile: ``running_sandbox(jira_profile=...)``, ``PUT /_sandbox/jira/profile`` and
``pmsync sandbox serve --jira-profile``.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import jira
import pytest
from conftest import SANDBOX_START
from jira.exceptions import JIRAError
from support.sandbox_pmsync import jira_client_for

from pmsync.entry.cli import main
from pmsync.entry.commands.sandbox import JIRA_PROFILES
from pmsync_sandbox.jira.profiles import PROFILES
from pmsync_sandbox.runner import (
    Sandbox,
    SandboxControl,
    SandboxControlError,
    build_app,
    running_sandbox,
)

OPS_TASK = {"project": {"key": "OPS"}, "summary": "Add a pool alert"}
PLATFORM = {"customfield_10010": {"value": "Platform"}}


def refusal(caught: pytest.ExceptionInfo[JIRAError]) -> Any:
    assert caught.value.status_code == 400
    assert caught.value.response is not None
    return caught.value.response.json()


@pytest.fixture(scope="module")
def strict_site() -> Iterator[Sandbox]:
    with running_sandbox(jira_profile="strict", now=SANDBOX_START) as server:
        yield server


@pytest.fixture
def strict(strict_site: Sandbox) -> Iterator[jira.JIRA]:
    strict_site.reset()
    client = jira_client_for(strict_site)
    yield client
    client.close()


# ---- strict ------------------------------------------------------------------------------


def test_strict_refuses_what_its_screen_does_not_take(strict: jira.JIRA) -> None:
    task = {**OPS_TASK, "issuetype": {"name": "Task"}}
    with pytest.raises(JIRAError) as caught:
        strict.create_issue(fields=task)
    assert refusal(caught)["errors"] == {"customfield_10010": "Team is required."}
    with pytest.raises(JIRAError) as caught:
        strict.create_issue(fields={**task, **PLATFORM, "duedate": "2026-12-24"})
    assert refusal(caught)["errors"] == {
        "duedate": "Field 'duedate' cannot be set. It is not on the appropriate screen, or unknown."
    }
    with pytest.raises(JIRAError) as caught:
        strict.create_issue(fields={**task, **PLATFORM, "priority": {"name": "Highest"}})
    assert refusal(caught)["errors"] == {"priority": "The priority selected is invalid."}
    with pytest.raises(JIRAError) as caught:
        strict.create_issue(fields={**task, "customfield_10010": {"value": "Growth"}})
    assert refusal(caught)["errors"] == {"customfield_10010": "Option value 'Growth' is not valid"}
    with pytest.raises(JIRAError) as caught:
        strict.create_issue(fields={**task, "customfield_10010": "Platform"})
    assert refusal(caught)["errors"] == {
        "customfield_10010": "Could not find valid 'id' or 'value' in the Parent Option object."
    }


def test_strict_takes_team_and_its_own_priorities(strict: jira.JIRA) -> None:
    fields = {**OPS_TASK, "issuetype": {"name": "Task"}, "priority": {"name": "Critical"}}
    issue = strict.create_issue(fields={**fields, "customfield_10010": {"id": "10021"}})
    assert issue.fields.customfield_10010.value == "Payments"
    assert issue.fields.priority.name == "Critical"
    default = strict.create_issue(fields={**OPS_TASK, "issuetype": {"id": "10002"}, **PLATFORM})
    assert default.fields.priority.name == "Major"
    issue.update(fields={"customfield_10010": {"value": "Platform"}})
    assert strict.issue(issue.key).fields.customfield_10010.id == "10020"
    with pytest.raises(JIRAError) as caught:
        issue.update(fields={"customfield_10010": None})
    assert refusal(caught)["errors"] == {"customfield_10010": "Team is required."}
    with pytest.raises(JIRAError) as caught:
        issue.update(fields={"duedate": "2026-12-24"})
    assert "duedate" in refusal(caught)["errors"]
    assert [p.name for p in strict.priorities()] == [
        "Blocker",
        "Critical",
        "Major",
        "Minor",
        "Trivial",
    ]
    assert strict.search_issues("priority = Critical").total == 1


def test_strict_bulk_create_creates_the_valid_ones(strict: jira.JIRA) -> None:
    good = {**OPS_TASK, "issuetype": {"name": "Task"}, **PLATFORM}
    results = strict.create_issues(
        [good, {**good, "duedate": "2026-12-24"}, {**OPS_TASK, "issuetype": {"name": "Task"}}],
        prefetch=False,
    )
    assert [r["status"] for r in results] == ["Success", "Error", "Error"]
    assert results[0]["issue"].key == "OPS-1"
    assert set(results[1]["error"]) == {"duedate"}
    assert results[2]["error"] == {"customfield_10010": "Team is required."}


def test_strict_create_metadata_through_the_client(strict: jira.JIRA) -> None:
    # jira 3.10 calls these endpoints only on Data Center; on Cloud, read them directly.
    page = strict._get_json("issue/createmeta/OPS/issuetypes/10002")
    fields = {f["fieldId"]: f for f in page["fields"]}
    assert "duedate" not in fields
    assert fields["customfield_10010"]["required"]
    team = fields["customfield_10010"]["allowedValues"]
    assert [v["value"] for v in team] == ["Platform", "Payments"]
    assert fields["priority"]["defaultValue"]["name"] == "Major"
    assert {"Done", "Won't Do"} <= {
        t["name"]
        for t in strict.transitions(
            strict.create_issue(fields={**OPS_TASK, "issuetype": {"id": "10002"}, **PLATFORM})
        )
    }
    assert "Relates" in [t.name for t in strict.issue_link_types()]


# ---- team-managed, private users, Data Center ----------------------------------------------


@pytest.fixture(scope="module")
def any_site() -> Iterator[Sandbox]:
    with running_sandbox(now=SANDBOX_START) as server:
        yield server


@pytest.fixture
def site(any_site: Sandbox) -> Iterator[Sandbox]:
    any_site.reset()
    yield any_site
    any_site.reset()


def test_team_managed_takes_only_its_own_issue_types(site: Sandbox) -> None:
    site.set_jira_profile("team-managed")
    client = jira_client_for(site)
    project = client.project("OPS")
    assert (project.style, project.simplified) == ("next-gen", True)
    own = client._get_json("issue/createmeta/OPS/issuetypes")["issueTypes"]
    assert [t["name"] for t in own] == ["Task", "Epic"]
    assert "10015" not in [t.id for t in client.issue_types()]
    assert client.issue_type("10015").raw["scope"]["type"] == "PROJECT"
    with pytest.raises(JIRAError) as caught:
        client.create_issue(fields={**OPS_TASK, "issuetype": {"id": "10002"}})
    assert refusal(caught)["errors"] == {"issuetype": "The issue type selected is invalid."}
    issue = client.create_issue(fields={**OPS_TASK, "issuetype": {"name": "Task"}})
    assert issue.fields.issuetype.id == "10015"
    assert issue.fields.project.simplified is True
    client.close()


def test_private_users_search_finds_no_one_but_assigning_works(site: Sandbox) -> None:
    site.set_jira_profile("private-users")
    client = jira_client_for(site)
    assert client.search_users(query="bob") == []
    assert not hasattr(client.user("bob"), "emailAddress")
    issue = client.create_issue(fields={**OPS_TASK, "issuetype": {"name": "Task"}})
    with pytest.raises(JIRAError, match="No matching user found for: 'bob'"):
        client.assign_issue(issue.key, "bob")  # the client looks the name up first
    issue.update(assignee={"accountId": "bob"})
    assert client.issue(issue.key).fields.assignee.accountId == "bob"
    client.close()


def test_data_center_profile_takes_a_personal_access_token(site: Sandbox) -> None:
    site.set_jira_profile("datacenter")
    client = jira.JIRA(server=site.jira_url, token_auth=site.jira_token, max_retries=0)
    assert client.deploymentType == "Server"
    issue = client.create_issue(
        fields={**OPS_TASK, "issuetype": {"name": "Task"}, "assignee": {"name": "bob"}}
    )
    assert client.search_issues(f"key = {issue.key}")[0].fields.assignee.name == "bob"
    client.close()


# ---- choosing a profile ------------------------------------------------------------------


def test_the_control_api_switches_and_reset_returns(site: Sandbox) -> None:
    assert site.jira_profile() == {"name": "default", "deployment": "Cloud"}
    site.add_jira_user("carol")
    assert site.set_jira_profile("strict") == {"name": "strict", "deployment": "Cloud"}
    assert "carol" not in site.state()["jira"]["users"]  # a fresh site of that profile
    with pytest.raises(SandboxControlError, match="no Jira site profile 'lax'"):
        site.set_jira_profile("lax")
    assert site.jira_profile()["name"] == "strict"
    site.reset()
    assert site.jira_profile() == {"name": "default", "deployment": "Cloud"}


def test_the_profile_and_the_deployment_must_agree() -> None:
    with pytest.raises(ValueError, match="'team-managed' is a Cloud site"):
        build_app("Server", jira_profile="team-managed")
    with pytest.raises(ValueError, match="choose one of datacenter, default"):
        build_app(jira_profile="lax")
    assert build_app("Server", jira_profile="strict").jira.deployment == "Server"  # type: ignore[attr-defined]


def test_the_command_line_offers_every_profile() -> None:
    assert set(JIRA_PROFILES) == set(PROFILES)


def test_a_profile_keeps_the_default_state_shape(site: Sandbox) -> None:
    client = jira_client_for(site)
    client.create_issue(fields={**OPS_TASK, "issuetype": {"name": "Task"}})
    assert "custom" not in site.state()["jira"]["issues"]["OPS-1"]
    site.set_jira_profile("strict")
    client.create_issue(fields={**OPS_TASK, "issuetype": {"name": "Task"}, **PLATFORM})
    state = site.state()
    assert state["jira"]["issues"]["OPS-1"]["custom"] == {"customfield_10010": "10020"}
    site.restore(state)
    assert client.issue("OPS-1").fields.customfield_10010.value == "Platform"
    client.close()


def test_serve_refuses_a_profile_with_another_deployment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["sandbox", "serve", "--jira-profile", "team-managed", "--jira-deployment", "datacenter"]
    assert main(argv) == 2
    message = capsys.readouterr().err
    assert "--jira-profile team-managed" in message
    assert "is a Cloud site; it cannot run as Server" in message


def test_serve_runs_the_chosen_profile() -> None:
    command = [sys.executable, "-m", "pmsync", "sandbox", "serve", "--jira-profile", "datacenter"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        # Data Center's variables: GitHub's two, JIRA_URL and a personal access token.
        variables = dict(process.stdout.readline().strip().split("=", 1) for _ in range(4))
        assert sorted(variables) == ["GITHUB_API_URL", "GITHUB_TOKEN", "JIRA_TOKEN", "JIRA_URL"]
        origin = variables["JIRA_URL"].removesuffix("/jira")
        assert SandboxControl(origin).jira_profile() == {
            "name": "datacenter",
            "deployment": "Server",
        }
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    assert process.returncode == 0
