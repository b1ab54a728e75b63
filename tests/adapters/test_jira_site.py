"""Reading a Jira site (``JiraSite``) and doctor's verdicts on it, against Atlassian's
documented answers: a site shaped like the `strict` profile of issue #21 (no due date on the
create screen, a required select field "Team", priorities Blocker…Trivial)."""

from __future__ import annotations

import json
from typing import Any

import responses
from support.realdata import load_json

from pmsync.adapters.jira import JiraAdapter
from pmsync.adapters.jira_answers import classify
from pmsync.adapters.retry import Remote, RequestLog, RetryPolicy
from pmsync.config.schema import Config
from pmsync.orchestration.doctor import jira_checks

SITE = "https://acme.atlassian.net"
API = f"{SITE}/rest/api/2"
TYPES = load_json(
    "jira-responses/atlassian-spec-examples/v2_GET_issue_createmeta_projectIdOrKey_issuetypes_200.json"
)
MYSELF = load_json("jira-responses/atlassian-spec-examples/v2_GET_myself_200.json")
SCHEME = ["Blocker", "Critical", "Major", "Minor", "Trivial"]


def field(field_id: str, name: str, required: bool, kind: str, **extra: Any) -> dict[str, Any]:
    """One createmeta field, shaped as Atlassian documents it."""
    return {
        "fieldId": field_id,
        "key": field_id,
        "name": name,
        "required": required,
        "hasDefaultValue": False,
        "operations": ["set"],
        "schema": {"type": kind},
        **extra,
    }


STRICT_FIELDS = {
    "fields": [
        field("summary", "Summary", True, "string"),
        field("issuetype", "Issue Type", True, "issuetype"),
        field("project", "Project", True, "project"),
        field("description", "Description", False, "string"),
        field("labels", "Labels", False, "array"),
        field("assignee", "Assignee", False, "user"),
        field(
            "priority", "Priority", False, "priority", allowedValues=[{"name": n} for n in SCHEME]
        ),
        field(
            "customfield_10010",
            "Team",
            True,
            "option",
            allowedValues=[
                {"id": "10020", "value": "Platform"},
                {"id": "10021", "value": "Payments"},
            ],
        ),
    ],
    "maxResults": 50,
    "startAt": 0,
    "total": 8,
}


def adapter() -> tuple[JiraAdapter, RequestLog]:
    log = RequestLog()
    remote = Remote(
        "jira", classify, policy=RetryPolicy(max_attempts=1), log=log, sleep=lambda s: None
    )
    made = JiraAdapter.connect(
        SITE, "t0ken", email="bot@acme.example", deployment="cloud", remote=remote
    )
    return made, log


def strict_site() -> None:
    types = json.loads(json.dumps(TYPES))
    types["issueTypes"][0].update(id="10001", name="Task")
    responses.get(f"{API}/myself", json=MYSELF)
    responses.get(
        f"{API}/project/OPS", json={"key": "OPS", "name": "Operations", "style": "classic"}
    )
    responses.get(f"{API}/issue/createmeta/OPS/issuetypes", json=types)
    responses.get(f"{API}/issue/createmeta/OPS/issuetypes/10001", json=STRICT_FIELDS)
    responses.get(f"{API}/issueLinkType", json={"issueLinkTypes": [{"name": "Relates"}]})
    responses.get(f"{API}/resolution", json=[{"name": "Done"}, {"name": "Won't Do"}])
    responses.get(f"{SITE}/rest/api/3/search/jql", json={"issues": [], "isLast": True})


@responses.activate
def test_the_strict_site_names_each_misfit_with_its_fix() -> None:
    strict_site()
    jira, log = adapter()
    checks = jira_checks(jira.site, Config(), deployment="cloud", site_url=SITE)
    by_name = {c.name: c for c in checks}
    due = by_name["due date on the create screen of Task in OPS"]
    assert due.verdict == "warn"
    assert "written into the ticket's description" in due.detail
    team = by_name["required field 'Team' (customfield_10010) of Task in OPS"]
    assert team.verdict == "fail"
    assert team.fix == 'jira.fields: {"Team": "Platform"}'
    highest = by_name["priority 'Highest' (P0) in OPS"]
    assert highest.verdict == "fail"
    assert "Blocker, Critical, Major, Minor, Trivial" in highest.detail
    assert highest.fix == "jira.priorities: {P0: Blocker, P1: Critical, P2: Major, P3: Minor}"
    assert log.count(write=True) == 0


@responses.activate
def test_with_the_fixes_the_strict_site_passes() -> None:
    strict_site()
    jira, _ = adapter()
    config = Config.model_validate(
        {
            "jira": {
                "fields": {"Team": "Platform"},
                "priorities": {"P0": "Blocker", "P1": "Critical", "P2": "Major", "P3": "Minor"},
            }
        }
    )
    checks = jira_checks(jira.site, config, deployment="cloud", site_url=SITE)
    assert [c.name for c in checks if c.verdict == "fail"] == []
    sent = {c.name: c.detail for c in checks}
    assert sent["jira.fields 'Team' for Task in OPS"] == 'sent as {"value": "Platform"}'


@responses.activate
def test_a_401_on_cloud_explains_the_service_account_url() -> None:
    responses.get(f"{API}/myself", status=401, json={"errorMessages": ["Unauthorized"]})
    jira, _ = adapter()
    [check] = jira_checks(jira.site, Config(), deployment="cloud", site_url=SITE)
    assert check.verdict == "fail"
    assert "jira.cloud_id" in check.fix
    assert f"{SITE}/_edge/tenant_info" in check.fix


@responses.activate
def test_a_type_the_project_lacks_is_named_with_the_types_it_has() -> None:
    strict_site()
    jira, _ = adapter()
    config = Config.model_validate({"jira": {"issue_type": "Bug"}})
    checks = jira_checks(jira.site, config, deployment="cloud", site_url=SITE)
    [wrong] = [c for c in checks if c.name == "issue type 'Bug' in OPS"]
    assert wrong.verdict == "fail"
    assert wrong.fix == "jira.issue_types: {OPS: Task}"
