"""The real ``jira`` client, unchanged, against the Jira emulator over HTTP.

Cloud runs on the shared test sandbox (``jira_client`` fixture); Data Center on a sandbox
of its own, started once for this module.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import jira
import pytest
from conftest import SANDBOX_START
from jira.exceptions import JIRAError

from pmsync_sandbox.runner import Sandbox, running_sandbox

TASK = {"project": {"key": "OPS"}, "issuetype": {"name": "Task"}}


def fields(summary: str, **extra: Any) -> dict[str, Any]:
    return {**TASK, "summary": summary, **extra}


def post_remote_link(client: jira.JIRA, key: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST a remote link without the admin-only application-links lookup add_remote_link does."""
    response = client._session.post(
        client._get_url(f"issue/{key}/remotelink"), data=json.dumps(body)
    )
    answer: dict[str, Any] = response.json()
    answer["status"] = response.status_code
    return answer


# ---- Cloud -------------------------------------------------------------------------------


def test_the_client_sees_a_cloud_site(jira_client: jira.JIRA) -> None:
    assert jira_client.deploymentType == "Cloud"
    assert jira_client._is_cloud
    assert jira_client.server_info()["versionNumbers"] == [1001, 0, 0]
    assert jira_client.myself()["accountId"] == "alice"


def test_site_metadata_through_the_client(jira_client: jira.JIRA) -> None:
    assert [p.key for p in jira_client.projects()] == ["OPS"]
    assert jira_client.project("OPS").name == "Operations"
    assert "Highest" in [p.name for p in jira_client.priorities()]
    assert {s.name: s.statusCategory.key for s in jira_client.statuses()}["Done"] == "done"
    assert "Won't Do" in [r.name for r in jira_client.resolutions()]
    assert "duedate" in {f["id"] for f in jira_client.fields()}
    assert "Relates" in [t.name for t in jira_client.issue_link_types()]
    assert [u.accountId for u in jira_client.search_users(query="bob")] == ["bob"]


def test_single_resources_through_the_client(jira_client: jira.JIRA) -> None:
    assert [c.key for c in jira_client.statuscategories()][:2] == ["undefined", "new"]
    assert jira_client.statuscategory(3).key == "done"
    assert jira_client.status("3").name == "In Progress"
    assert jira_client.priority("1").name == "Highest"
    assert jira_client.resolution("10001").name == "Won't Do"
    assert "Task" in [t.name for t in jira_client.issue_types()]
    assert jira_client.issue_type("10004").name == "Bug"
    assert jira_client.user("bob").displayName == "Bob Baker"


def test_create_read_and_edit_a_ticket(jira_client: jira.JIRA, sandbox: Sandbox) -> None:
    created = jira_client.create_issue(
        fields=fields(
            "Add connection pool alert",
            description="See acme/payments#42",
            priority={"name": "High"},
            labels=["postmortem", "pm-type-detect"],
            duedate="2026-12-15",
            assignee={"accountId": "bob"},
        ),
        prefetch=False,
    )
    assert created.key == "OPS-1"
    issue = jira_client.issue("OPS-1")
    assert issue.fields.summary == "Add connection pool alert"
    assert issue.fields.priority.name == "High"
    assert issue.fields.labels == ["postmortem", "pm-type-detect"]
    assert issue.fields.duedate == "2026-12-15"
    assert issue.fields.assignee.accountId == "bob"
    assert issue.fields.status.statusCategory.key == "new"
    assert issue.fields.created == "2026-12-01T09:00:00.000+0000"

    sandbox.advance(timedelta(hours=1))
    issue.update(fields={"summary": "Add pool alert (80%)"}, update={"labels": [{"add": "x"}]})
    assert issue.fields.summary == "Add pool alert (80%)"  # update() re-reads the ticket
    assert issue.fields.labels == ["postmortem", "pm-type-detect", "x"]
    assert issue.fields.updated == "2026-12-01T10:00:00.000+0000"
    partial = jira_client.issue("OPS-1", fields="summary,status")
    assert set(partial.raw["fields"]) == {"summary", "status"}


def test_create_with_names_the_client_resolves(jira_client: jira.JIRA) -> None:
    issue = jira_client.create_issue(project="OPS", issuetype="Bug", summary="By names")
    assert (issue.key, issue.fields.issuetype.name) == ("OPS-1", "Bug")


def test_bulk_create_reports_failures_per_item(jira_client: jira.JIRA) -> None:
    results = jira_client.create_issues(
        [fields("first"), fields("x" * 300), fields("third")], prefetch=False
    )
    assert [r["status"] for r in results] == ["Success", "Error", "Success"]
    assert results[1]["error"] == {"summary": "Summary must be less than 255 characters."}
    assert [results[0]["issue"].key, results[2]["issue"].key] == ["OPS-1", "OPS-2"]


def test_a_refused_create_raises_with_jiras_message(jira_client: jira.JIRA) -> None:
    with pytest.raises(JIRAError) as caught:
        jira_client.create_issue(fields=fields("x", priority={"name": "Urgent"}), prefetch=False)
    assert caught.value.status_code == 400
    assert "The priority selected is invalid." in str(caught.value.text)


def test_comments_transitions_and_links(jira_client: jira.JIRA) -> None:
    first = jira_client.create_issue(fields=fields("first"), prefetch=False).key
    second = jira_client.create_issue(fields=fields("second"), prefetch=False).key

    comment = jira_client.add_comment(first, "Removed from the post-mortem.")
    assert comment.author.accountId == "alice"
    assert [c.body for c in jira_client.comments(first)] == ["Removed from the post-mortem."]
    comment.update(body="Removed from the post-mortem (row 3).")
    assert jira_client.comment(first, comment.id).body == "Removed from the post-mortem (row 3)."

    names = [t["name"] for t in jira_client.transitions(first)]
    assert names == ["Start Progress", "Done", "Won't Do"]
    jira_client.transition_issue(first, "Done")
    jira_client.transition_issue(second, "41")
    done, dropped = jira_client.issue(first), jira_client.issue(second)
    assert (done.fields.status.statusCategory.key, done.fields.resolution.name) == ("done", "Done")
    assert dropped.fields.resolution.name == "Won't Do"
    assert done.fields.resolutiondate == "2026-12-01T09:00:00.000+0000"

    response = jira_client.create_issue_link("Relates", first, second)
    assert response.status_code == 201
    link = jira_client.issue(first).fields.issuelinks[0]
    assert (link.type.name, link.outwardIssue.key) == ("Relates", second)


def test_remote_links_upsert_by_global_id(jira_client: jira.JIRA) -> None:
    key = jira_client.create_issue(fields=fields("x"), prefetch=False).key
    url = "https://github.com/acme/payments/issues/42"
    body = {"globalId": url, "object": {"url": url, "title": "acme/payments#42"}}
    first = post_remote_link(jira_client, key, body)
    again = post_remote_link(jira_client, key, {**body, "object": {"url": url, "title": "Renamed"}})
    assert (first["status"], again["status"], again["id"]) == (201, 200, first["id"])
    links = jira_client.remote_links(key)
    assert [(lk.globalId, lk.object.title) for lk in links] == [(url, "Renamed")]
    assert jira_client.remote_link(key, str(first["id"])).object.url == url


def test_enhanced_search_pages_through_everything(jira_client: jira.JIRA) -> None:
    for start in range(0, 120, 50):
        batch = [
            fields(f"item {n}", labels=["postmortem"]) for n in range(start, min(start + 50, 120))
        ]
        jira_client.create_issues(batch, prefetch=False)
    everything = jira_client.enhanced_search_issues(
        "labels = postmortem ORDER BY key", maxResults=0, fields="summary"
    )
    assert len(everything) == 120
    assert everything[0].key == "OPS-1" and everything[-1].key == "OPS-120"
    posted = jira_client.enhanced_search_issues(
        "labels = postmortem AND statusCategory != done", maxResults=10, use_post=True
    )
    assert len(posted) == 10 and posted.nextPageToken
    raw = jira_client.enhanced_search_issues(
        "key in (OPS-1, OPS-2)", json_result=True, fields=["status"], reconcileIssues=[10000]
    )
    assert isinstance(raw, dict)
    assert [i["key"] for i in raw["issues"]] == ["OPS-1", "OPS-2"]
    assert raw["isLast"] is True


def test_search_issues_on_cloud_goes_to_the_enhanced_search(jira_client: jira.JIRA) -> None:
    jira_client.create_issue(fields=fields("x", labels=["a"]), prefetch=False)
    assert [i.key for i in jira_client.search_issues("labels = a")] == ["OPS-1"]


def test_a_bad_query_raises_with_jiras_message(jira_client: jira.JIRA) -> None:
    with pytest.raises(JIRAError) as caught:
        jira_client.enhanced_search_issues("labels = and")
    assert caught.value.status_code == 400
    assert "reserved" in str(caught.value.text) or "Expecting" in str(caught.value.text)


def test_assign_by_search(jira_client: jira.JIRA) -> None:
    key = jira_client.create_issue(fields=fields("x"), prefetch=False).key
    assert jira_client.assign_issue(key, "bob")
    assert jira_client.issue(key).fields.assignee.accountId == "bob"


def test_wrong_credentials_fail_at_construction(sandbox: Sandbox) -> None:
    with pytest.raises(JIRAError) as caught:
        jira.JIRA(
            server=sandbox.jira_url,
            basic_auth=(sandbox.jira_email, "not-the-token"),
            max_retries=0,
            get_server_info=True,
        )
    assert caught.value.status_code == 401


# ---- Data Center -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dc_server() -> Iterator[Sandbox]:
    with running_sandbox(jira_deployment="Server", now=SANDBOX_START) as server:
        yield server


@pytest.fixture
def dc(dc_server: Sandbox) -> Iterator[jira.JIRA]:
    """The client on the Data Center flavour, with a personal access token."""
    dc_server.reset()
    client = jira.JIRA(server=dc_server.jira_url, token_auth=dc_server.jira_token, max_retries=0)
    yield client
    client.close()


def test_data_center_with_a_personal_access_token(dc: jira.JIRA) -> None:
    assert dc.deploymentType == "Server"
    assert not dc._is_cloud
    assert dc.myself()["name"] == "alice"
    assert [t.name for t in dc.project_issue_types("OPS")][:3] == ["Epic", "Story", "Task"]
    required = {f.fieldId: f.required for f in dc.project_issue_fields("OPS", "10002")}
    assert required["summary"] and not required["labels"]
    assert dc.user("bob").name == "bob"


def test_data_center_basic_auth_with_username(dc_server: Sandbox) -> None:
    client = jira.JIRA(
        server=dc_server.jira_url, basic_auth=("alice", dc_server.jira_token), max_retries=0
    )
    assert client.myself()["name"] == "alice"


def test_data_center_tickets_and_offset_search(dc: jira.JIRA) -> None:
    key = dc.create_issue(fields=fields("x", assignee={"name": "bob"}), prefetch=False).key
    assert dc.issue(key).fields.assignee.name == "bob"
    for start in range(0, 130, 50):
        dc.create_issues(
            [fields(f"item {n}", labels=["pm"]) for n in range(start, min(start + 50, 130))],
            prefetch=False,
        )
    everything = dc.search_issues("labels = pm ORDER BY key", maxResults=False)
    assert len(everything) == 130
    page = dc.search_issues("labels = pm ORDER BY key DESC", startAt=10, maxResults=5)
    assert (page.total, page.startAt, page[0].key, len(page)) == (130, 10, "OPS-121", 5)
    assert [u.name for u in dc.search_users(user="bob")] == ["bob"]
    assert dc.assign_issue(key, "alice")
    assert dc.issue(key).fields.assignee.name == "alice"
