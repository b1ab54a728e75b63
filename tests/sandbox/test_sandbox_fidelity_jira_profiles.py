"""Each Jira site profile's answers against Atlassian's Jira Cloud OpenAPI description (the
cut in tests/data/openapi) and real error bodies: create metadata, priorities, the project,
issue types, user search and the answers to refused creates.

docs/sandbox.md ("Site profiles") says where each behaviour comes from.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import SANDBOX_START
from support.jira_fidelity import (
    Api,
    Case,
    assert_answers_conform,
    component,
    conforms,
    createmeta_cases,
)
from support.realdata import load_json

from pmsync_sandbox.runner import Sandbox, running_sandbox

EXAMPLES = "jira-responses/atlassian-spec-examples"
CLOUD_PROFILES = ("default", "strict", "team-managed", "private-users")
TASK = {"project": {"key": "OPS"}, "summary": "x"}


@pytest.fixture(scope="module")
def site() -> Iterator[Sandbox]:
    with running_sandbox(now=SANDBOX_START) as server:
        yield server


@pytest.fixture
def on_profile(site: Sandbox) -> Iterator[tuple[Sandbox, Api]]:
    """The module's sandbox and raw HTTP to it; a test sets the profile it needs."""
    site.reset()
    client = Api(site)
    yield site, client
    client.session.close()
    site.reset()


def task_type(api: Api, version: str = "3") -> str:
    types = api.ok("GET", f"/{version}/issue/createmeta/OPS/issuetypes")["issueTypes"]
    return str(next(t["id"] for t in types if t["name"] == "Task"))


def valid_fields(profile: str, type_id: str) -> dict[str, Any]:
    fields: dict[str, Any] = {**TASK, "issuetype": {"id": type_id}}
    if profile == "strict":
        fields["customfield_10010"] = {"value": "Platform"}
    return fields


@pytest.mark.parametrize("profile", CLOUD_PROFILES)
def test_site_answers_validate_against_the_cloud_description(
    on_profile: tuple[Sandbox, Api], profile: str
) -> None:
    site, api = on_profile
    site.set_jira_profile(profile)
    type_id = task_type(api)
    good = valid_fields(profile, type_id)
    cases: list[Case] = [
        ("GET", "/rest/api/3/project/{projectIdOrKey}", "/3/project/OPS", 200, None, {}),
        ("GET", "/rest/api/3/project", "/3/project", 200, None, {"expand": "issueTypes"}),
        ("GET", "/rest/api/3/priority", "/3/priority", 200, None, {}),
        ("GET", "/rest/api/3/issuetype", "/3/issuetype", 200, None, {}),
        ("GET", "/rest/api/3/field", "/3/field", 200, None, {}),
        ("GET", "/rest/api/3/issueLinkType", "/3/issueLinkType", 200, None, {}),
        ("GET", "/rest/api/3/user/search", "/3/user/search", 200, None, {"query": "b"}),
        *createmeta_cases(type_id),
        ("POST", "/rest/api/3/issue", "/3/issue", 201, {"fields": good}, {}),
        ("POST", "/rest/api/3/issue", "/3/issue", 400, {"fields": TASK}, {}),
        (
            "POST",
            "/rest/api/3/issue/bulk",
            "/3/issue/bulk",
            201,
            {"issueUpdates": [{"fields": good}, {"fields": TASK}]},
            {},
        ),
    ]
    assert_answers_conform(api, cases)
    key = api.ok("POST", "/3/issue", {"fields": good})["key"]
    fields = api.ok("GET", f"/3/issue/{key}")["fields"]
    assert conforms(fields["issuetype"], component("IssueTypeDetails")) == []
    assert conforms(fields["project"], component("ProjectDetails")) == []
    assert conforms(fields["priority"], component("Priority")) == []
    one_type = api.ok("GET", f"/3/issuetype/{type_id}")
    assert conforms(one_type, component("IssueTypeDetails")) == []


def test_strict_create_metadata_describes_its_screen(on_profile: tuple[Sandbox, Api]) -> None:
    site, api = on_profile
    site.set_jira_profile("strict")
    page = api.ok("GET", "/2/issue/createmeta/OPS/issuetypes/10002")
    fields = {f["fieldId"]: f for f in page["fields"]}
    assert "duedate" not in fields
    team = fields["customfield_10010"]
    assert (team["name"], team["required"], team["hasDefaultValue"]) == ("Team", True, False)
    assert team["operations"] == ["set"]
    assert team["schema"] == {
        "type": "option",
        "custom": "com.atlassian.jira.plugin.system.customfieldtypes:select",
        "customId": 10010,
    }
    assert [(o["id"], o["value"]) for o in team["allowedValues"]] == [
        ("10020", "Platform"),
        ("10021", "Payments"),
    ]
    priority = fields["priority"]
    assert [p["name"] for p in priority["allowedValues"]] == [
        "Blocker",
        "Critical",
        "Major",
        "Minor",
        "Trivial",
    ]
    assert (priority["hasDefaultValue"], priority["defaultValue"]["name"]) == (True, "Major")
    assert [p["name"] for p in api.ok("GET", "/2/priority")] == [
        p["name"] for p in priority["allowedValues"]
    ]
    listed = {f["id"]: f for f in api.ok("GET", "/2/field")}
    assert listed["customfield_10010"]["custom"] is True
    assert listed["customfield_10010"]["clauseNames"] == ["cf[10010]", "Team"]


def test_strict_priorities_are_a_real_classic_scheme(on_profile: tuple[Sandbox, Api]) -> None:
    site, api = on_profile
    site.set_jira_profile("strict")
    real = load_json("jira-responses/go-jira-mock-data/all_priorities.json")
    ours = api.ok("GET", "/2/priority")
    keys = ("id", "name", "description", "statusColor")
    assert [{k: p[k] for k in keys} for p in ours] == [{k: p[k] for k in keys} for p in real]


def test_strict_refusals_are_the_real_bodies(on_profile: tuple[Sandbox, Api]) -> None:
    site, api = on_profile
    site.set_jira_profile("strict")
    good = valid_fields("strict", "10002")
    due = api("POST", "/2/issue", {"fields": {**good, "duedate": "2026-12-24"}})
    assert (due.status_code, due.json()) == (
        400,
        {
            "errorMessages": [],
            "errors": {
                "duedate": "Field 'duedate' cannot be set. It is not on the appropriate "
                "screen, or unknown."
            },
        },
    )
    real = load_json("jira-responses/atlassian-python-api/rest_api_2_issue_POST.json")[0]
    assert due.json().keys() == {k for k in real["response"] if k != "status_code"}
    team = api("POST", "/2/issue", {"fields": {**TASK, "issuetype": {"id": "10002"}}})
    assert (team.status_code, team.json()) == (
        400,
        {"errorMessages": [], "errors": {"customfield_10010": "Team is required."}},
    )
    priority = api("POST", "/3/issue", {"fields": {**good, "priority": {"name": "High"}}})
    assert (priority.status_code, priority.json()) == (
        400,
        {"errorMessages": [], "errors": {"priority": "The priority selected is invalid."}},
    )


@pytest.mark.parametrize("version", ["2", "3"])
def test_strict_bulk_create_reports_each_refused_element(
    on_profile: tuple[Sandbox, Api], version: str
) -> None:
    site, api = on_profile
    site.set_jira_profile("strict")
    good = valid_fields("strict", "10002")
    updates = [
        {"fields": good},
        {"fields": {**good, "duedate": "2026-12-24"}},
        {"fields": {**good, "summary": "y"}},
        {"fields": {**TASK, "issuetype": {"id": "10002"}}},
    ]
    answer = api("POST", f"/{version}/issue/bulk", {"issueUpdates": updates})
    assert answer.status_code == 201
    body = answer.json()
    assert [i["key"] for i in body["issues"]] == ["OPS-1", "OPS-2"]
    assert [(e["failedElementNumber"], e["status"]) for e in body["errors"]] == [(1, 400), (3, 400)]
    assert body["errors"][1]["elementErrors"] == {
        "errorMessages": [],
        "errors": {"customfield_10010": "Team is required."},
    }
    example = load_json(f"{EXAMPLES}/v{version}_POST_issue_bulk_400.json")
    assert body["errors"][0].keys() == example["errors"][0].keys()


def test_team_managed_project_has_its_own_issue_types(on_profile: tuple[Sandbox, Api]) -> None:
    site, api = on_profile
    site.set_jira_profile("team-managed")
    project = api.ok("GET", "/2/project/OPS")
    assert (project["style"], project["simplified"]) == ("next-gen", True)
    own = api.ok("GET", "/2/issue/createmeta/OPS/issuetypes")["issueTypes"]
    assert [(t["id"], t["name"]) for t in own] == [("10015", "Task"), ("10016", "Epic")]
    assert all(t["scope"] == {"type": "PROJECT", "project": {"id": project["id"]}} for t in own)
    assert [t["id"] for t in project["issueTypes"]] == ["10015", "10016"]
    site_wide = [t["id"] for t in api.ok("GET", "/2/issuetype")]
    assert not {"10015", "10016"} & set(site_wide)
    refused = api("POST", "/2/issue", {"fields": {**TASK, "issuetype": {"id": "10002"}}})
    assert (refused.status_code, refused.json()) == (
        400,
        {"errorMessages": [], "errors": {"issuetype": "The issue type selected is invalid."}},
    )
    bug = api("POST", "/2/issue", {"fields": {**TASK, "issuetype": {"name": "Bug"}}})
    assert bug.json()["errors"] == {"issuetype": "The issue type selected is invalid."}
    example = load_json(f"{EXAMPLES}/v2_POST_issue_bulk_400.json")
    wanted = example["errors"][0]["elementErrors"]["errors"]["issuetype"]
    assert refused.json()["errors"]["issuetype"] == wanted
    missing = api("GET", "/2/issue/createmeta/OPS/issuetypes/10004")
    assert missing.status_code == 404


def test_private_users_hide_people(on_profile: tuple[Sandbox, Api]) -> None:
    site, api = on_profile
    site.set_jira_profile("private-users")
    assert api.ok("GET", "/3/user/search", query="bob") == []
    bob = api.ok("GET", "/3/user", accountId="bob")
    assert "emailAddress" not in bob
    assert conforms(bob, component("UserDetails")) == []
    assert api.ok("GET", "/3/myself")["emailAddress"] == "alice@example.com"
    fields = {**TASK, "issuetype": {"name": "Task"}, "assignee": {"accountId": "bob"}}
    key = api.ok("POST", "/2/issue", {"fields": fields})["key"]
    assignee = api.ok("GET", f"/2/issue/{key}")["fields"]["assignee"]
    assert assignee["accountId"] == "bob" and "emailAddress" not in assignee


def test_data_center_profile_answers_as_data_center(on_profile: tuple[Sandbox, Api]) -> None:
    site, api = on_profile
    assert site.set_jira_profile("datacenter") == {"name": "datacenter", "deployment": "Server"}
    assert api.ok("GET", "/2/serverInfo")["deploymentType"] == "Server"
    page = api.ok("GET", "/2/issue/createmeta/OPS/issuetypes/10002")
    assert "values" in page and page["isLast"] is True
    for entry in page["values"]:
        assert conforms(entry, component("FieldCreateMetadata")) == [], entry["fieldId"]
    assert api("GET", "/3/myself").status_code == 404
    assert api.ok("GET", "/2/user/search", username="bob")[0]["name"] == "bob"
