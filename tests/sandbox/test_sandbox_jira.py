"""The Jira emulator, called directly through ``JiraService.handle`` (no sockets)."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pmsync_sandbox.http import SandboxRequest
from pmsync_sandbox.jira.service import JiraService

START = datetime(2026, 11, 20, 14, 2, tzinfo=UTC)
BASE = "http://127.0.0.1:8123/jira"
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class Jira:
    """A JiraService and a way to call it as one user."""

    def __init__(self, deployment: str = "Cloud", user: str = "alice") -> None:
        self.clock = Clock()
        self.service = JiraService(self.clock, deployment=deployment)  # type: ignore[arg-type]
        self.as_user(user)

    def as_user(self, account_id: str) -> None:
        email, token = self.service.credentials(account_id)
        self.auth = "Basic " + base64.b64encode(f"{email}:{token}".encode()).decode()

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        query: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> tuple[int, Any, dict[str, str]]:
        params = {k: v if isinstance(v, list) else [str(v)] for k, v in (query or {}).items()}
        sent = {"authorization": self.auth} if headers is None else headers
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        request = SandboxRequest(method, path, params, sent, data, BASE)
        response = self.service.handle(request)
        return response.status, response.body, response.headers

    def get(self, path: str, **query: Any) -> Any:
        status, body, _ = self.request("GET", path, query=query)
        assert status == 200, body
        return body

    def create(self, summary: str = "Add pool alert", version: str = "2", **fields: Any) -> str:
        payload = {
            "project": {"key": "OPS"},
            "issuetype": {"name": "Task"},
            "summary": summary,
            **fields,
        }
        status, body, _ = self.request("POST", f"/rest/api/{version}/issue", {"fields": payload})
        assert status == 201, body
        return str(body["key"])

    def issue(self, key: str, version: str = "2", **query: Any) -> dict[str, Any]:
        body: dict[str, Any] = self.get(f"/rest/api/{version}/issue/{key}", **query)
        return body

    def transition(self, key: str, transition_id: str, **extra: Any) -> None:
        payload = {"transition": {"id": transition_id}, **extra}
        status, body, _ = self.request("POST", f"/rest/api/2/issue/{key}/transitions", payload)
        assert status == 204, body


@pytest.fixture
def jira() -> Jira:
    return Jira()


@pytest.fixture
def server() -> Jira:
    return Jira("Server")


# ---- authentication and routing ----------------------------------------------------------


def test_cloud_takes_email_and_api_token(jira: Jira) -> None:
    assert jira.service.credentials("alice") == ("alice@example.com", "jira-token-alice")
    assert jira.get("/rest/api/2/myself")["accountId"] == "alice"


@pytest.mark.parametrize(
    "header",
    [
        "Basic " + base64.b64encode(b"alice@example.com:wrong").decode(),
        "Basic " + base64.b64encode(b"alice:jira-token-alice").decode(),  # username: Cloud says no
        "Bearer jira-token-alice",  # a PAT is a Data Center thing
        "Basic !!!not-base64",
    ],
)
def test_cloud_refuses_bad_credentials_as_jira_does(jira: Jira, header: str) -> None:
    status, body, headers = jira.request(
        "GET", "/rest/api/2/myself", headers={"authorization": header}
    )
    assert status == 401
    assert body == {
        "message": "Client must be authenticated to access this resource.",
        "status-code": 401,
    }
    assert headers["X-Seraph-LoginReason"] == "AUTHENTICATED_FAILED"
    assert headers["WWW-Authenticate"].startswith("OAuth realm=")


def test_missing_credentials_are_401_everywhere_but_server_info(jira: Jira) -> None:
    status, _, headers = jira.request("GET", "/rest/api/2/issue/OPS-1", headers={})
    assert status == 401
    assert "X-Seraph-LoginReason" not in headers
    status, body, _ = jira.request("GET", "/rest/api/2/serverInfo", headers={})
    assert status == 200
    assert body["deploymentType"] == "Cloud"
    bad = {"authorization": "Basic " + base64.b64encode(b"alice@example.com:x").decode()}
    assert jira.request("GET", "/rest/api/2/serverInfo", headers=bad)[0] == 401


def test_data_center_takes_a_personal_access_token_or_basic(server: Jira) -> None:
    email, token = server.service.credentials("bob")
    for header in (
        f"Bearer {token}",
        "Basic " + base64.b64encode(f"bob:{token}".encode()).decode(),
        "Basic " + base64.b64encode(f"{email}:{token}".encode()).decode(),
    ):
        status, body, _ = server.request(
            "GET", "/rest/api/2/myself", headers={"authorization": header}
        )
        assert status == 200, header
        assert body["name"] == "bob"
    status, body, _ = server.request(
        "GET", "/rest/api/2/myself", headers={"authorization": "Bearer nope"}
    )
    assert status == 401
    assert body["errorMessages"] == [
        "You are not authenticated. Authentication required to perform this operation."
    ]


def test_server_info_follows_the_deployment(jira: Jira, server: Jira) -> None:
    cloud = jira.get("/rest/api/2/serverInfo")
    assert (cloud["deploymentType"], cloud["versionNumbers"]) == ("Cloud", [1001, 0, 0])
    assert cloud["baseUrl"] == BASE
    assert cloud["serverTime"] == "2026-11-20T14:02:00.000+0000"
    dc = server.get("/rest/api/2/serverInfo")
    assert dc["deploymentType"] == "Server"
    assert dc["versionNumbers"][0] >= 9


def test_unknown_paths_methods_and_versions(jira: Jira, server: Jira) -> None:
    assert jira.request("GET", "/rest/api/2/nothing")[0] == 404
    assert jira.request("GET", "/rest/applinks/latest/listApplicationlinks")[0] == 404
    assert jira.request("DELETE", "/rest/api/2/issue/OPS-1")[0] == 405
    assert server.request("GET", "/rest/api/3/myself")[0] == 404
    assert server.request("GET", "/rest/api/2/search/jql", query={"jql": "key = X"})[0] == 404
    assert jira.get("/rest/api/latest/myself")["accountId"] == "alice"


# ---- creating tickets --------------------------------------------------------------------


def test_create_numbers_keys_per_project_and_stamps_the_clock(jira: Jira) -> None:
    jira.service.add_project("SEC", "Security")
    assert jira.create() == "OPS-1"
    jira.clock.now = START + timedelta(minutes=5)
    assert jira.create() == "OPS-2"
    status, body, _ = jira.request(
        "POST",
        "/rest/api/2/issue",
        {"fields": {"project": {"key": "SEC"}, "issuetype": {"id": "10004"}, "summary": "x"}},
    )
    assert (status, body["key"]) == (201, "SEC-1")
    assert set(body) == {"id", "key", "self"}
    assert body["self"] == f"{BASE}/rest/api/2/issue/{body['id']}"
    fields = jira.issue("OPS-2")["fields"]
    assert fields["created"] == fields["updated"] == "2026-11-20T14:07:00.000+0000"


def test_create_stores_every_field_pmsync_sets(jira: Jira) -> None:
    key = jira.create(
        description="h1. Action\n\nSee the post-mortem.",
        priority={"name": "High"},
        labels=["postmortem", "pm-type-detect", "postmortem"],
        duedate="2026-12-01",
        assignee={"accountId": "bob"},
    )
    fields = jira.issue(key)["fields"]
    assert fields["summary"] == "Add pool alert"
    assert fields["description"] == "h1. Action\n\nSee the post-mortem."
    assert fields["priority"]["name"] == "High"
    assert fields["labels"] == ["postmortem", "pm-type-detect"]
    assert fields["duedate"] == "2026-12-01"
    assert fields["assignee"]["accountId"] == "bob"
    assert fields["reporter"]["accountId"] == fields["creator"]["accountId"] == "alice"
    assert fields["status"]["name"] == "To Do"
    assert fields["status"]["statusCategory"]["key"] == "new"
    assert fields["resolution"] is None
    assert fields["resolutiondate"] is None
    assert fields["issuetype"]["name"] == "Task"
    assert fields["project"]["key"] == "OPS"
    for name in ("created", "updated", "statuscategorychangedate"):
        assert STAMP.match(fields[name])


def test_defaults_priority_medium_and_no_assignee(jira: Jira) -> None:
    fields = jira.issue(jira.create())["fields"]
    assert fields["priority"]["name"] == "Medium"
    assert fields["assignee"] is None
    assert fields["labels"] == []
    assert fields["duedate"] is None


NOT_ON_SCREEN = "Field '{}' cannot be set. It is not on the appropriate screen, or unknown."
CREATE_ERRORS = [
    ({"summary": None}, {"summary": "Operation value must be a string"}),
    ({"summary": "   "}, {"summary": "You must specify a summary of the issue."}),
    ({"summary": "x" * 256}, {"summary": "Summary must be less than 255 characters."}),
    (
        {"summary": "two\nlines"},
        {"summary": "The summary is invalid because it contains newline characters."},
    ),
    ({"project": {"key": "NOPE"}}, {"project": "Specify a valid project ID or key"}),
    ({"issuetype": {"name": "Saga"}}, {"issuetype": "The issue type selected is invalid."}),
    ({"priority": {"name": "Urgent"}}, {"priority": "The priority selected is invalid."}),
    (
        {"priority": "High"},
        {"priority": "Specify the Priority (id or name) in the string format"},
    ),
    ({"assignee": {"accountId": "carol"}}, {"assignee": "Account ID carol does not exist."}),
    (
        {"assignee": {"name": "bob"}},
        {"assignee": "expected Object containing an 'accountId' property"},
    ),
    (
        {"labels": ["two words"]},
        {"labels": "The label 'two words' contains spaces which is invalid."},
    ),
    ({"duedate": "1st of May"}, {"duedate": "Error parsing date string: 1st of May"}),
    (
        {"customfield_10000": "x"},
        {"customfield_10000": NOT_ON_SCREEN.format("customfield_10000")},
    ),
    (
        {"status": {"name": "Done"}},
        {"status": NOT_ON_SCREEN.format("status")},
    ),
]


@pytest.mark.parametrize(("override", "errors"), CREATE_ERRORS)
def test_create_validation_errors_have_jiras_shape(
    jira: Jira, override: dict[str, Any], errors: dict[str, str]
) -> None:
    fields = {"project": {"key": "OPS"}, "issuetype": {"name": "Task"}, "summary": "ok"}
    fields.update(override)
    status, body, _ = jira.request("POST", "/rest/api/2/issue", {"fields": fields})
    assert status == 400
    assert body == {"errorMessages": [], "errors": errors}
    assert jira.service.snapshot()["issues"] == {}


def test_create_reports_every_bad_field_at_once(jira: Jira) -> None:
    status, body, _ = jira.request("POST", "/rest/api/2/issue", {"fields": {}})
    assert status == 400
    assert body["errors"] == {
        "project": "Specify a valid project ID or key",
        "issuetype": "Specify an issue type",
        "summary": "You must specify a summary of the issue.",
    }


def test_data_center_names_users_by_username(server: Jira) -> None:
    fields = {
        "project": {"key": "OPS"},
        "issuetype": {"name": "Task"},
        "summary": "x",
        "assignee": {"name": "carol"},
        "priority": {"name": "Urgent"},
    }
    status, body, _ = server.request("POST", "/rest/api/2/issue", {"fields": fields})
    assert status == 400
    assert body["errors"] == {
        "assignee": "User 'carol' does not exist.",
        "priority": "Priority name 'Urgent' is not valid",
    }
    fields.update(assignee={"accountId": "bob"}, priority={"name": "Low"})
    status, body, _ = server.request("POST", "/rest/api/2/issue", {"fields": fields})
    assert body["errors"] == {"assignee": "expected Object containing a 'name' property"}
    key = server.create(assignee={"name": "bob"})
    assignee = server.issue(key)["fields"]["assignee"]
    assert (assignee["name"], assignee["key"]) == ("bob", "bob")
    assert "accountId" not in assignee


def test_malformed_bodies(jira: Jira) -> None:
    status, body, _ = jira.request("POST", "/rest/api/2/issue", raw=b"{not json")
    assert status == 400
    assert body["errorMessages"][0].startswith("Unexpected character")
    status, body, _ = jira.request("POST", "/rest/api/2/issue", raw=b"")
    assert body["errorMessages"] == ["No content to map to Object due to end of input"]


def test_v3_takes_and_gives_documents_and_v2_gives_wiki_text(jira: Jira) -> None:
    document = {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": "From v3"}]}],
    }
    key = jira.create(version="3", description=document)
    assert jira.issue(key, version="3")["fields"]["description"] == document
    assert jira.issue(key)["fields"]["description"] == "From v3"
    other = jira.create(description="First\nline\n\nSecond")
    assert jira.issue(other, version="3")["fields"]["description"]["content"] == [
        {
            "type": "paragraph",
            "content": [
                {"type": "text", "text": "First"},
                {"type": "hardBreak"},
                {"type": "text", "text": "line"},
            ],
        },
        {"type": "paragraph", "content": [{"type": "text", "text": "Second"}]},
    ]
    fields = {"project": {"key": "OPS"}, "issuetype": {"name": "Task"}, "summary": "x"}
    status, body, _ = jira.request(
        "POST", "/rest/api/3/issue", {"fields": {**fields, "description": "plain"}}
    )
    assert status == 400
    assert body["errors"] == {
        "description": "Operation value must be an Atlassian Document (see the Atlassian "
        "Document Format)"
    }


def test_bulk_create_reports_each_failure_by_position(jira: Jira) -> None:
    good = {"fields": {"project": {"key": "OPS"}, "issuetype": {"name": "Task"}, "summary": "a"}}
    bad = {"fields": {"project": {"key": "OPS"}, "issuetype": {"name": "Task"}}}
    status, body, _ = jira.request(
        "POST", "/rest/api/2/issue/bulk", {"issueUpdates": [good, bad, good]}
    )
    assert status == 201
    assert [i["key"] for i in body["issues"]] == ["OPS-1", "OPS-2"]
    assert body["errors"] == [
        {
            "status": 400,
            "elementErrors": {
                "errorMessages": [],
                "errors": {"summary": "You must specify a summary of the issue."},
            },
            "failedElementNumber": 1,
        }
    ]
    status, body, _ = jira.request("POST", "/rest/api/2/issue/bulk", {"issueUpdates": [bad]})
    assert (status, body["issues"]) == (400, [])
    status, _, _ = jira.request("POST", "/rest/api/2/issue/bulk", {"issueUpdates": [good] * 51})
    assert status == 400


# ---- reading and editing -----------------------------------------------------------------


def test_get_by_key_any_case_or_id_and_404(jira: Jira) -> None:
    key = jira.create()
    issue_id = jira.issue(key)["id"]
    assert jira.issue("ops-1")["key"] == key
    assert jira.issue(issue_id)["key"] == key
    status, body, _ = jira.request("GET", "/rest/api/2/issue/OPS-99")
    assert (status, body) == (
        404,
        {
            "errorMessages": ["Issue does not exist or you do not have permission to see it."],
            "errors": {},
        },
    )


def test_fields_and_expand_parameters(jira: Jira) -> None:
    key = jira.create()
    assert set(jira.issue(key, fields="summary,labels")["fields"]) == {"summary", "labels"}
    assert set(jira.issue(key, fields=["summary", "status"])["fields"]) == {"summary", "status"}
    everything = jira.issue(key)["fields"]
    assert "comment" in everything and "worklog" in everything
    assert "comment" not in jira.issue(key, fields="*all,-comment")["fields"]
    assert "comment" not in jira.issue(key, fields="*navigable")["fields"]
    expanded = jira.issue(key, expand="names,schema,transitions,renderedFields")
    assert expanded["names"]["duedate"] == "Due date"
    assert expanded["schema"]["labels"] == {"type": "array", "system": "labels", "items": "string"}
    assert [t["name"] for t in expanded["transitions"]] == ["Start Progress", "Done", "Won't Do"]
    assert expanded["renderedFields"] == {"description": None}


def test_edit_sets_fields_and_applies_update_operations(jira: Jira) -> None:
    key = jira.create(labels=["postmortem", "old"])
    jira.clock.now = START + timedelta(hours=1)
    status, body, _ = jira.request(
        "PUT",
        f"/rest/api/2/issue/{key}",
        {
            "fields": {"summary": "Renamed", "priority": {"id": "1"}, "duedate": "2026-12-24"},
            "update": {
                "labels": [{"add": "new"}, {"remove": "old"}, {"add": "postmortem"}],
                "comment": [{"add": {"body": "Edited by pmsync"}}],
            },
        },
    )
    assert (status, body) == (204, None)
    fields = jira.issue(key)["fields"]
    assert fields["summary"] == "Renamed"
    assert fields["priority"]["name"] == "Highest"
    assert fields["duedate"] == "2026-12-24"
    assert fields["labels"] == ["postmortem", "new"]
    assert fields["comment"]["comments"][0]["body"] == "Edited by pmsync"
    assert fields["updated"] == "2026-11-20T15:02:00.000+0000"


def test_an_edit_that_changes_nothing_keeps_updated(jira: Jira) -> None:
    key = jira.create(labels=["a"])
    jira.clock.now = START + timedelta(hours=1)
    status, _, _ = jira.request(
        "PUT",
        f"/rest/api/2/issue/{key}",
        {"fields": {"summary": "Add pool alert"}, "update": {"labels": [{"add": "a"}]}},
    )
    assert status == 204
    assert jira.issue(key)["fields"]["updated"] == "2026-11-20T14:02:00.000+0000"


def test_edit_refuses_what_jira_refuses(jira: Jira) -> None:
    key = jira.create()
    status, body, _ = jira.request(
        "PUT",
        f"/rest/api/2/issue/{key}",
        {"fields": {"resolution": {"name": "Done"}}, "update": {"labels": [{"rename": "x"}]}},
    )
    assert status == 400
    assert body["errors"] == {
        "resolution": "Field 'resolution' cannot be set. It is not on the appropriate screen, "
        "or unknown.",
        "labels": "The operation 'rename' is not supported by the 'labels' field.",
    }


def test_edit_can_return_the_issue(jira: Jira) -> None:
    key = jira.create()
    status, body, _ = jira.request(
        "PUT",
        f"/rest/api/2/issue/{key}",
        {"fields": {"summary": "New"}},
        query={"returnIssue": "true"},
    )
    assert (status, body["fields"]["summary"]) == (200, "New")


def test_assign(jira: Jira) -> None:
    key = jira.create()
    status, _, _ = jira.request("PUT", f"/rest/api/2/issue/{key}/assignee", {"accountId": "bob"})
    assert status == 204
    assert jira.issue(key)["fields"]["assignee"]["accountId"] == "bob"
    jira.request("PUT", f"/rest/api/2/issue/{key}/assignee", {"accountId": None})
    assert jira.issue(key)["fields"]["assignee"] is None
    status, body, _ = jira.request("PUT", f"/rest/api/2/issue/{key}/assignee", {"accountId": "zed"})
    assert (status, body["errors"]) == (400, {"assignee": "Account ID zed does not exist."})


# ---- comments ----------------------------------------------------------------------------


def test_comments_add_list_edit(jira: Jira) -> None:
    key = jira.create()
    jira.clock.now = START + timedelta(minutes=1)
    status, comment, _ = jira.request(
        "POST", f"/rest/api/2/issue/{key}/comment", {"body": "Removed from the post-mortem."}
    )
    assert status == 201
    assert comment["body"] == "Removed from the post-mortem."
    assert comment["author"]["accountId"] == "alice"
    assert comment["created"] == "2026-11-20T14:03:00.000+0000"
    assert jira.issue(key)["fields"]["updated"] == comment["created"]
    jira.request("POST", f"/rest/api/2/issue/{key}/comment", {"body": "Second"})
    page = jira.get(f"/rest/api/2/issue/{key}/comment")
    assert (page["total"], page["startAt"]) == (2, 0)
    assert [c["body"] for c in page["comments"]] == ["Removed from the post-mortem.", "Second"]
    newest_first = jira.get(f"/rest/api/2/issue/{key}/comment", orderBy="-created")
    assert newest_first["comments"][0]["body"] == "Second"
    jira.as_user("bob")
    status, edited, _ = jira.request(
        "PUT", f"/rest/api/2/issue/{key}/comment/{comment['id']}", {"body": "Changed"}
    )
    assert (status, edited["body"], edited["updateAuthor"]["accountId"]) == (200, "Changed", "bob")
    assert jira.get(f"/rest/api/2/issue/{key}/comment/{comment['id']}")["body"] == "Changed"


def test_empty_comment_is_refused(jira: Jira) -> None:
    key = jira.create()
    status, body, _ = jira.request("POST", f"/rest/api/2/issue/{key}/comment", {"body": "  "})
    assert (status, body["errors"]) == (400, {"comment": "Comment body can not be empty!"})


def test_v3_comments_are_documents(jira: Jira) -> None:
    key = jira.create()
    document = {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Hi"}]}],
    }
    status, comment, _ = jira.request(
        "POST", f"/rest/api/3/issue/{key}/comment", {"body": document}
    )
    assert (status, comment["body"]) == (201, document)
    assert jira.get(f"/rest/api/2/issue/{key}/comment")["comments"][0]["body"] == "Hi"


# ---- remote links ------------------------------------------------------------------------


def _remote(url: str, title: str, global_id: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"object": {"url": url, "title": title}}
    if global_id:
        body["globalId"] = global_id
    return body


def test_remote_links_upsert_by_global_id(jira: Jira) -> None:
    key = jira.create()
    path = f"/rest/api/2/issue/{key}/remotelink"
    link = "https://github.com/acme/payments/issues/42"
    status, first, _ = jira.request("POST", path, _remote(link, "acme/payments#42", link))
    assert status == 201
    assert first == {
        "id": first["id"],
        "self": f"{BASE}/rest/api/2/issue/{key}/remotelink/{first['id']}",
    }
    status, again, _ = jira.request("POST", path, _remote(link, "Renamed", link))
    assert (status, again["id"]) == (200, first["id"])
    status, other, _ = jira.request("POST", path, _remote("https://example.com", "x"))
    assert status == 201 and other["id"] != first["id"]
    links = jira.get(path)
    assert [lk["object"]["title"] for lk in links] == ["Renamed", "x"]
    assert links[0]["globalId"] == link
    assert "globalId" not in links[1]
    assert jira.get(path, globalId=link)["id"] == first["id"]
    assert jira.get(f"{path}/{other['id']}")["object"]["url"] == "https://example.com"


def test_remote_link_needs_url_and_title(jira: Jira) -> None:
    key = jira.create()
    status, body, _ = jira.request(
        "POST", f"/rest/api/2/issue/{key}/remotelink", {"object": {"url": "https://x"}}
    )
    assert (status, body) == (
        400,
        {"errorMessages": [], "errors": {"title": "'title' is required."}},
    )


# ---- issue links -------------------------------------------------------------------------


def test_issue_links_show_on_both_sides(jira: Jira) -> None:
    first, second = jira.create(), jira.create()
    types = jira.get("/rest/api/2/issueLinkType")["issueLinkTypes"]
    assert "Relates" in [t["name"] for t in types]
    body = {
        "type": {"name": "Relates"},
        "inwardIssue": {"key": first},
        "outwardIssue": {"key": second},
        "comment": {"body": "Earlier post-mortem"},
    }
    assert jira.request("POST", "/rest/api/2/issueLink", body)[:2] == (201, None)
    assert jira.request("POST", "/rest/api/2/issueLink", {**body, "comment": None})[0] == 201
    links = jira.issue(first)["fields"]["issuelinks"]
    assert len(links) == 1
    assert links[0]["outwardIssue"]["key"] == second
    assert links[0]["type"]["name"] == "Relates"
    assert jira.issue(second)["fields"]["issuelinks"][0]["inwardIssue"]["key"] == first
    assert jira.issue(second)["fields"]["comment"]["comments"][0]["body"] == "Earlier post-mortem"
    status, body_404, _ = jira.request(
        "POST", "/rest/api/2/issueLink", {**body, "type": {"name": "Causes"}}
    )
    assert (status, body_404["errorMessages"]) == (
        404,
        ["No issue link type with name 'Causes' found."],
    )
    assert (
        jira.request("POST", "/rest/api/2/issueLink", {**body, "inwardIssue": {"key": "OPS-9"}})[0]
        == 404
    )


# ---- transitions -------------------------------------------------------------------------


def test_workflow_to_do_in_progress_done_and_reopen(jira: Jira) -> None:
    key = jira.create()
    available = jira.get(f"/rest/api/2/issue/{key}/transitions")
    assert [
        (t["id"], t["name"], t["to"]["statusCategory"]["key"]) for t in available["transitions"]
    ] == [
        ("21", "Start Progress", "indeterminate"),
        ("31", "Done", "done"),
        ("41", "Won't Do", "done"),
    ]
    jira.clock.now = START + timedelta(days=1)
    jira.transition(key, "21")
    fields = jira.issue(key)["fields"]
    assert fields["status"]["name"] == "In Progress"
    assert fields["statuscategorychangedate"] == "2026-11-21T14:02:00.000+0000"
    jira.clock.now = START + timedelta(days=2)
    jira.transition(key, "31")
    fields = jira.issue(key)["fields"]
    assert fields["status"]["statusCategory"]["key"] == "done"
    assert fields["resolution"]["name"] == "Done"
    assert fields["resolutiondate"] == fields["updated"] == "2026-11-22T14:02:00.000+0000"
    assert [t["name"] for t in jira.get(f"/rest/api/2/issue/{key}/transitions")["transitions"]] == [
        "Reopen"
    ]
    jira.transition(key, "51")
    fields = jira.issue(key)["fields"]
    assert (fields["status"]["name"], fields["resolution"], fields["resolutiondate"]) == (
        "To Do",
        None,
        None,
    )


def test_wont_do_and_a_chosen_resolution(jira: Jira) -> None:
    dropped, duplicate = jira.create(), jira.create()
    jira.transition(dropped, "41")
    assert jira.issue(dropped)["fields"]["resolution"]["name"] == "Won't Do"
    jira.transition(
        duplicate,
        "31",
        fields={"resolution": {"name": "Duplicate"}},
        update={"comment": [{"add": {"body": "Duplicate of OPS-1"}}]},
    )
    fields = jira.issue(duplicate)["fields"]
    assert fields["resolution"]["name"] == "Duplicate"
    assert fields["comment"]["comments"][0]["body"] == "Duplicate of OPS-1"


def test_transition_errors(jira: Jira) -> None:
    key = jira.create()
    path = f"/rest/api/2/issue/{key}/transitions"
    status, body, _ = jira.request("POST", path, {"transition": {"id": "51"}})
    assert (status, body["errorMessages"]) == (
        400,
        ["Transition id '51' is not valid for this issue."],
    )
    status, body, _ = jira.request("POST", path, {})
    assert (status, body["errorMessages"]) == (400, ["Missing 'transition' identifier"])
    status, body, _ = jira.request(
        "POST", path, {"transition": {"id": "21"}, "fields": {"resolution": {"name": "Done"}}}
    )
    assert (status, list(body["errors"])) == (400, ["resolution"])
    assert jira.issue(key)["fields"]["status"]["name"] == "To Do"


def test_transition_fields_are_described_when_expanded(jira: Jira) -> None:
    key = jira.create()
    listed = jira.get(f"/rest/api/2/issue/{key}/transitions", expand="transitions.fields")
    done = next(t for t in listed["transitions"] if t["name"] == "Done")
    allowed = [v["name"] for v in done["fields"]["resolution"]["allowedValues"]]
    assert allowed[:2] == ["Done", "Won't Do"]
    assert (
        jira.get(f"/rest/api/2/issue/{key}/transitions", transitionId="41")["transitions"][0][
            "name"
        ]
        == "Won't Do"
    )


# ---- users and the site ------------------------------------------------------------------


def test_user_search_on_cloud_and_data_center(jira: Jira, server: Jira) -> None:
    assert [u["accountId"] for u in jira.get("/rest/api/2/user/search", query="bob@ex")] == ["bob"]
    assert [u["accountId"] for u in jira.get("/rest/api/2/user/search", query="Baker")] == ["bob"]
    assert jira.get("/rest/api/2/user/search", query="nobody") == []
    status, body, _ = jira.request("GET", "/rest/api/2/user/search", query={"username": "bob"})
    assert (status, body["errorMessages"]) == (
        400,
        ["The query parameter 'username' is not supported in GDPR strict mode."],
    )
    assert [u["name"] for u in server.get("/rest/api/2/user/search", username="alice")] == ["alice"]
    assert server.request("GET", "/rest/api/2/user/search")[0] == 400
    assert jira.get("/rest/api/2/user", accountId="bob")["displayName"] == "Bob Baker"
    assert server.get("/rest/api/2/user", username="bob")["name"] == "bob"
    assert jira.request("GET", "/rest/api/2/user", query={"accountId": "zed"})[0] == 404


def test_site_metadata(jira: Jira) -> None:
    assert [p["key"] for p in jira.get("/rest/api/2/project")] == ["OPS"]
    project = jira.get("/rest/api/2/project/OPS")
    assert "Task" in [t["name"] for t in project["issueTypes"]]
    assert jira.request("GET", "/rest/api/2/project/NOPE")[1]["errorMessages"] == [
        "No project could be found with key 'NOPE'."
    ]
    assert [p["name"] for p in jira.get("/rest/api/2/priority")] == [
        "Highest",
        "High",
        "Medium",
        "Low",
        "Lowest",
    ]
    statuses = {s["name"]: s["statusCategory"]["key"] for s in jira.get("/rest/api/2/status")}
    assert statuses == {"To Do": "new", "In Progress": "indeterminate", "Done": "done"}
    categories = {c["key"] for c in jira.get("/rest/api/2/statuscategory")}
    assert {"new", "indeterminate", "done"} <= categories
    assert {"Done", "Won't Do"} <= {r["name"] for r in jira.get("/rest/api/2/resolution")}
    field_ids = {f["id"] for f in jira.get("/rest/api/2/field")}
    assert {
        "labels",
        "duedate",
        "priority",
        "assignee",
        "summary",
        "description",
        "issuetype",
        "status",
        "resolution",
        "created",
        "updated",
        "resolutiondate",
    } <= field_ids
    assert jira.get("/rest/api/2/status/In%20Progress")["id"] == "3"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/rest/api/2/priority/99", "The priority with ID '99' does not exist."),
        ("/rest/api/2/resolution/99", "The resolution with ID '99' does not exist."),
        ("/rest/api/2/issuetype/99", "The issue type with ID '99' does not exist."),
        (
            "/rest/api/2/issue/createmeta/OPS/issuetypes/99",
            "The issue type with ID '99' does not exist.",
        ),
        ("/rest/api/2/nothing", f"null for uri: {BASE}/rest/api/2/nothing"),
    ],
)
def test_unknown_entries_get_jiras_404_wording(jira: Jira, path: str, message: str) -> None:
    status, body, _ = jira.request("GET", path)
    assert (status, body["errorMessages"]) == (404, [message])


def test_createmeta_pages_by_start_and_size(jira: Jira) -> None:
    page = jira.get("/rest/api/2/issue/createmeta/OPS/issuetypes", startAt=1, maxResults=1)
    assert (page["startAt"], page["maxResults"], len(page["issueTypes"])) == (1, 1, 1)
    negative = jira.get("/rest/api/2/issue/createmeta/OPS/issuetypes", startAt=-3, maxResults=-1)
    assert (negative["startAt"], negative["maxResults"], negative["issueTypes"]) == (0, 0, [])


def test_createmeta_pages_differ_between_cloud_and_data_center(jira: Jira, server: Jira) -> None:
    cloud = jira.get("/rest/api/2/issue/createmeta/OPS/issuetypes")
    assert "Task" in [t["name"] for t in cloud["issueTypes"]]
    fields = jira.get("/rest/api/2/issue/createmeta/OPS/issuetypes/10002")["fields"]
    assert {f["fieldId"]: f["required"] for f in fields}["summary"] is True
    dc = server.get("/rest/api/2/issue/createmeta/OPS/issuetypes")
    assert "values" in dc and dc["isLast"] is True


# ---- search ------------------------------------------------------------------------------


def test_cloud_removed_the_old_search(jira: Jira) -> None:
    status, body, _ = jira.request("GET", "/rest/api/2/search", query={"jql": "project = OPS"})
    assert status == 410
    assert body["errorMessages"][0].startswith("The requested API has been removed.")


def test_enhanced_search_pages_with_next_page_token(jira: Jira) -> None:
    for n in range(7):
        jira.create(f"Item {n}", labels=["postmortem"])
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        query: dict[str, Any] = {"jql": "labels = postmortem ORDER BY key", "maxResults": 3}
        query["fields"] = "summary"
        if token:
            query["nextPageToken"] = token
        page = jira.get("/rest/api/3/search/jql", **query)
        pages += 1
        seen += [i["key"] for i in page["issues"]]
        token = page.get("nextPageToken")
        assert page["isLast"] is (token is None)
        if token is None:
            break
    assert pages == 3
    assert seen == [f"OPS-{n}" for n in range(1, 8)]


def test_enhanced_search_defaults_to_ids_and_takes_post(jira: Jira) -> None:
    key = jira.create(labels=["a"])
    issue_id = jira.issue(key)["id"]
    assert jira.get("/rest/api/2/search/jql", jql="labels = a")["issues"] == [{"id": issue_id}]
    status, body, _ = jira.request(
        "POST",
        "/rest/api/3/search/jql",
        {
            "jql": "labels = a",
            "fields": ["summary", "status"],
            "expand": "names",
            "reconcileIssues": [int(issue_id)],
            "properties": None,
        },
    )
    assert status == 200
    assert set(body["issues"][0]["fields"]) == {"summary", "status"}
    assert body["names"] == {"status": "Status", "summary": "Summary"}


def test_enhanced_search_refusals(jira: Jira) -> None:
    jira.create()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"jql": "ORDER BY key"}, "Unbounded JQL queries are not allowed here."),
        ({"jql": "labels = and"}, "Error in the JQL Query: Expecting either a value"),
        ({"jql": "status = Nope"}, "The value 'Nope' does not exist for the field 'status'."),
        ({"jql": "key = OPS-1", "nextPageToken": "garbage"}, "next page token is invalid"),
        ({"jql": "key = OPS-1", "reconcileIssues": ",".join(["1"] * 51)}, "at most 50"),
        ({"jql": "key = OPS-1", "maxResults": "-1"}, "must not be negative"),
    ]
    for query, message in cases:
        status, body, _ = jira.request("GET", "/rest/api/3/search/jql", query=query)
        assert status == 400, query
        assert message in body["errorMessages"][0], body
        assert body["errors"] == {}


def test_enhanced_search_caps_pages(jira: Jira) -> None:
    status, body, _ = jira.request("POST", "/rest/api/3/search/jql", {"jql": "project = OPS"})
    assert (status, body) == (200, {"issues": [], "isLast": True})
    for _ in range(3):
        jira.create()
    page = jira.get("/rest/api/3/search/jql", jql="project = OPS", maxResults=1, fields="*all")
    assert len(page["issues"]) == 1 and page["isLast"] is False


def test_data_center_search_pages_with_offsets(server: Jira) -> None:
    for n in range(5):
        server.create(f"Item {n}")
    page = server.get(
        "/rest/api/2/search", jql="project = OPS ORDER BY key DESC", startAt=1, maxResults=2
    )
    assert (page["startAt"], page["maxResults"], page["total"]) == (1, 2, 5)
    assert [i["key"] for i in page["issues"]] == ["OPS-4", "OPS-3"]
    assert "comment" not in page["issues"][0]["fields"]  # *navigable by default
    status, body, _ = server.request(
        "POST", "/rest/api/2/search", {"jql": "key in (OPS-1, OPS-99)", "fields": ["summary"]}
    )
    assert (status, body) == (
        400,
        {
            "errorMessages": ["An issue with key 'OPS-99' does not exist for field 'key'."],
            "warningMessages": [],
        },
    )
    warned = server.get("/rest/api/2/search", jql="key in (OPS-1, OPS-99)", validateQuery="warn")
    assert [i["key"] for i in warned["issues"]] == ["OPS-1"]
    assert warned["warningMessages"] == [
        "An issue with key 'OPS-99' does not exist for field 'key'."
    ]
    assert server.get("/rest/api/2/search", jql="", maxResults=5000)["maxResults"] == 1000


def test_search_sees_every_change_at_once(jira: Jira) -> None:
    key = jira.create()
    jira.transition(key, "31")
    found = jira.get("/rest/api/3/search/jql", jql="statusCategory = done", fields="status")
    assert [i["key"] for i in found["issues"]] == [key]
    jira.clock.now = START + timedelta(hours=2)
    jira.request("POST", f"/rest/api/2/issue/{key}/comment", {"body": "x"})
    since = jira.get("/rest/api/3/search/jql", jql='updated >= "2026-11-20 16:00"', fields="key")
    assert [i["key"] for i in since["issues"]] == [key]


# ---- state -------------------------------------------------------------------------------


def test_snapshot_restore_and_reset(jira: Jira) -> None:
    key = jira.create(labels=["x"])
    jira.request("POST", f"/rest/api/2/issue/{key}/comment", {"body": "c"})
    jira.request("POST", f"/rest/api/2/issue/{key}/remotelink", _remote("https://x", "x", "g"))
    snapshot = jira.service.snapshot()
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert list(snapshot["issues"]) == [key]
    before = jira.issue(key)
    jira.service.reset()
    assert jira.service.snapshot()["issues"] == {}
    assert set(jira.service.snapshot()["users"]) == {"alice", "bob"}
    jira.service.restore(snapshot)
    assert jira.issue(key) == before
    assert jira.create() == "OPS-2"


def test_users_and_projects_added_for_tests(jira: Jira) -> None:
    jira.service.add_user("carol", "carol", "Carol Chen", "carol@example.com")
    assert jira.service.credentials("carol") == ("carol@example.com", "jira-token-carol")
    jira.service.add_user("dave", "dave", "Dave", "dave@example.com", token="secret")
    assert jira.service.credentials("dave")[1] == "secret"
    jira.as_user("carol")
    assert jira.get("/rest/api/2/myself")["displayName"] == "Carol Chen"
    jira.service.add_project("SEC", "Security")
    assert [p["key"] for p in jira.get("/rest/api/2/project")] == ["OPS", "SEC"]
    with pytest.raises(ValueError, match="project key"):
        jira.service.add_project("bad key", "x")
    with pytest.raises(KeyError):
        jira.service.credentials("nobody")


def test_error_response_for_injected_faults(jira: Jira) -> None:
    response = jira.service.error_response(503, "Service Unavailable")
    assert (response.status, response.body) == (
        503,
        {"errorMessages": ["Service Unavailable"], "errors": {}},
    )


def test_search_lag_hides_new_tickets_until_reconciled_or_indexed(jira: Jira) -> None:
    jira.service.search_lag = 2
    key = jira.create(labels=["pm"])
    issue_id = jira.issue(key)["id"]

    def found(**extra: Any) -> list[str]:
        page = jira.get("/rest/api/3/search/jql", jql="labels = pm", fields="key", **extra)
        return [i["key"] for i in page["issues"]]

    assert found(reconcileIssues=issue_id) == [key]  # the just-created id, reconciled
    assert found() == []  # second search since the create: still not indexed
    assert found() == [key]
    assert jira.issue(key)["key"] == key  # reading by key is always consistent
    jira.service.reset()
    assert jira.service.search_lag == 0
    with pytest.raises(ValueError, match="negative"):
        jira.service.search_lag = -1


def test_asking_for_no_field_leaves_fields_out(server: Jira) -> None:
    key = server.create()
    page = server.get("/rest/api/2/search", jql=f"key = {key}", fields="id")
    assert set(page["issues"][0]) == {"expand", "id", "self", "key"}
    assert "fields" not in server.issue(key, fields="id")
