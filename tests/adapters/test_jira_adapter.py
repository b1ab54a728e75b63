"""The Jira adapter against recorded Jira answers: exact requests, retries, request counts."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from hypothesis import given
from hypothesis import strategies as st
from responses import matchers
from support.lifecycle import Killed, kill_when
from support.realdata import load_json

from pmsync.adapters.jira import JiraAdapter
from pmsync.adapters.jira_answers import classify, ticket_state
from pmsync.adapters.jql import jql_quote
from pmsync.adapters.retry import Remote, RequestLog, RetryPolicy
from pmsync.core.domain.changes import NewTicket
from pmsync.core.domain.identity import DUPLICATE_LABEL, item_label
from pmsync.core.domain.state import TicketState
from pmsync.core.planning.descriptions import marked_part
from pmsync.core.planning.matching import without_closed_duplicates
from pmsync.errors import RemoteError
from pmsync_sandbox.jira import jql_parse, jql_syntax

SITE = "https://acme.atlassian.net"
TOKEN = "s3cret-api-token"
SEARCH = load_json("jira-responses/jira-cli-testdata/search.json")
BULK_201 = load_json("jira-responses/atlassian-spec-examples/v2_POST_issue_bulk_201.json")
BULK_400 = load_json("jira-responses/atlassian-spec-examples/v2_POST_issue_bulk_400.json")
CLOUD_INFO = load_json("jira-responses/jira-cli-testdata/serverinfo.json")
SPEC_INFO = load_json("jira-responses/atlassian-spec-examples/v2_GET_serverInfo_200.json")
USERS = load_json("jira-responses/atlassian-spec-examples/v2_GET_user_search_200.json")
TRANSITIONS = load_json(
    "jira-responses/atlassian-spec-examples/v2_GET_issue_issueIdOrKey_transitions_200.json"
)
FIELDS = (
    "summary,status,resolution,priority,assignee,duedate,labels,created,updated,resolutiondate,"
    "issuelinks,description"
)
HTML_429 = (
    '<!DOCTYPE html><html lang="en"><head><title>Oops - an error has occurred</title></head>'
    '<body class=" error-page error429"><h1>Something went wrong</h1></body></html>'
)


def make_adapter(deployment: str = "cloud") -> tuple[JiraAdapter, RequestLog, list[float]]:
    request_log = RequestLog()
    sleeps: list[float] = []
    remote = Remote(
        "jira",
        classify,
        policy=RetryPolicy(max_attempts=3, base_delay=0.01),
        log=request_log,
        sleep=sleeps.append,
    )
    adapter = JiraAdapter.connect(
        SITE,
        TOKEN,
        email="bot@acme.example" if deployment == "cloud" else None,
        deployment=deployment,  # type: ignore[arg-type]
        remote=remote,
    )
    return adapter, request_log, sleeps


def issue(key: str, labels: list[str], created: str, **fields: Any) -> dict[str, Any]:
    """A search hit shaped like the recorded one, with its key, labels and creation time."""
    raw = copy.deepcopy(SEARCH["issues"][0])
    raw["key"] = key
    raw["id"] = str(10000 + int(key.rsplit("-", 1)[1]))
    raw["fields"].update(labels=labels, created=created, updated=created, **fields)
    return raw


def query_of(call: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query)


def new_ticket(item: str, row: int, **overrides: Any) -> NewTicket:
    values: dict[str, Any] = {
        "item_id": item,
        "row": row,
        "project": "OPS",
        "issue_type": "Task",
        "summary": f"Action {row}",
        "description": f"Description {row}",
        "priority": "High",
        "due": date(2026, 12, 1),
        "labels": ("postmortem", "pm-type-detect", "pmsync-pm-0123456789", item_label(item)),
        "assignee": "5b10a2844c20165700ede21g",
    }
    values.update(overrides)
    return NewTicket(**values)


ITEM_A, ITEM_B = "aaaaaaaaaaaa", "bbbbbbbbbbbb"


# -- connecting -----------------------------------------------------------------------------


def test_auto_detects_cloud_from_server_info_once(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{SITE}/rest/api/2/serverInfo", json=CLOUD_INFO)
    adapter, request_log, _ = make_adapter("auto")
    assert adapter.deployment == "cloud"
    assert request_log.count() == 1


def test_auto_without_deployment_type_is_data_center(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{SITE}/rest/api/2/serverInfo", json=SPEC_INFO)
    adapter, _, _ = make_adapter("auto")
    assert adapter.deployment == "datacenter"


def test_configured_deployment_sends_nothing(mocked: responses.RequestsMock) -> None:
    adapter, request_log, _ = make_adapter("datacenter")
    assert adapter.deployment == "datacenter"
    assert request_log.count() == 0


def test_data_center_authenticates_with_a_bearer_token(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{SITE}/rest/api/2/search", json={"issues": [], "total": 0})
    adapter, _, _ = make_adapter("datacenter")
    adapter.tickets_with_labels(["x"])
    assert mocked.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"


# -- searching ------------------------------------------------------------------------------


def test_cloud_search_pins_endpoint_jql_fields_and_pages(mocked: responses.RequestsMock) -> None:
    first = {"issues": SEARCH["issues"][:2], "isLast": False, "nextPageToken": "page-2"}
    second = {"issues": SEARCH["issues"][2:], "isLast": True}
    jql = 'labels in ("pmsync-pm-0123456789") ORDER BY created ASC'
    base = {"jql": jql, "fields": FIELDS, "maxResults": "100"}
    mocked.get(
        f"{SITE}/rest/api/2/search/jql",
        json=first,
        match=[matchers.query_param_matcher(base)],
    )
    mocked.get(
        f"{SITE}/rest/api/2/search/jql",
        json=second,
        match=[matchers.query_param_matcher({**base, "nextPageToken": "page-2"})],
    )
    adapter, request_log, _ = make_adapter()
    tickets = adapter.tickets_with_labels(["pmsync-pm-0123456789"])
    assert [t.key for t in tickets] == ["TEST-1", "TEST-2", "TEST-3"]
    assert request_log.count("jira", write=False) == 2
    done = tickets[2]
    assert done.status == "Done"
    assert done.status_category == "done"
    assert done.resolution == "Done"
    assert tickets[0].status_category == "new"
    assert tickets[1].labels == ("critical", "feature")
    assert tickets[0].priority == "Medium"
    assert tickets[0].created == datetime(2020, 12, 3, 13, 5, 20, 974000, tzinfo=UTC)
    assert tickets[0].url == f"{SITE}/browse/TEST-1"


def test_data_center_search_pages_by_start_at(mocked: responses.RequestsMock) -> None:
    jql = 'labels in ("pmsync-pm-0123456789") ORDER BY created ASC'
    base = {"jql": jql, "fields": FIELDS, "maxResults": "100"}
    mocked.get(
        f"{SITE}/rest/api/2/search",
        json={"issues": SEARCH["issues"][:2], "startAt": 0, "total": 3},
        match=[matchers.query_param_matcher({**base, "startAt": "0"})],
    )
    mocked.get(
        f"{SITE}/rest/api/2/search",
        json={"issues": SEARCH["issues"][2:], "startAt": 2, "total": 3},
        match=[matchers.query_param_matcher({**base, "startAt": "2"})],
    )
    adapter, request_log, _ = make_adapter("datacenter")
    assert [t.key for t in adapter.tickets_with_labels(["pmsync-pm-0123456789"])] == [
        "TEST-1",
        "TEST-2",
        "TEST-3",
    ]
    assert request_log.count() == 2


def test_labels_are_batched_a_hundred_per_query(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{SITE}/rest/api/2/search/jql", json={"issues": [], "isLast": True})
    mocked.get(f"{SITE}/rest/api/2/search/jql", json={"issues": [], "isLast": True})
    adapter, request_log, _ = make_adapter()
    labels = [f"pmsync-item-{n:012d}" for n in range(150)]
    assert adapter.tickets_with_labels(labels) == ()
    sizes = [query_of(call)["jql"][0].count("pmsync-item-") for call in mocked.calls]
    assert sizes == [100, 50]
    assert request_log.count() == 2


def test_search_values_are_quoted(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{SITE}/rest/api/2/search/jql", json={"issues": [], "isLast": True})
    adapter, _, _ = make_adapter()
    adapter.tickets_with_labels(['x") OR project = SECRET OR labels in ("y'])
    jql = query_of(mocked.calls[0])["jql"][0]
    assert jql == 'labels in ("x\\") OR project = SECRET OR labels in (\\"y") ORDER BY created ASC'


def test_closed_duplicates_are_read_and_the_planner_leaves_them_out(
    mocked: responses.RequestsMock,
) -> None:
    hits = [
        issue("OPS-1", [item_label(ITEM_A)], "2026-11-20T10:00:00.000+0000"),
        issue("OPS-2", [item_label(ITEM_A), DUPLICATE_LABEL], "2026-11-20T10:00:01.000+0000"),
    ]
    mocked.get(f"{SITE}/rest/api/2/search/jql", json={"issues": hits, "isLast": True})
    adapter, _, _ = make_adapter()
    found = adapter.tickets_with_labels([item_label(ITEM_A)])
    assert [t.key for t in found] == ["OPS-1", "OPS-2"]
    assert [t.key for t in without_closed_duplicates(found)] == ["OPS-1"]


def test_search_retries_a_429_html_page_then_a_dropped_connection(
    mocked: responses.RequestsMock,
) -> None:
    url = f"{SITE}/rest/api/2/search/jql"
    mocked.get(url, body=HTML_429, status=429, headers={"Retry-After": "2"})
    mocked.get(url, body=requests.ConnectionError("connection reset by peer"))
    mocked.get(url, json={"issues": SEARCH["issues"], "isLast": True})
    adapter, request_log, sleeps = make_adapter()
    assert len(adapter.tickets_with_labels(["x"])) == 3
    assert sleeps == [2.0, 0.02]
    assert request_log.count() == 3


def test_search_gives_up_with_a_clear_error_and_no_token(mocked: responses.RequestsMock) -> None:
    for _ in range(3):
        mocked.get(
            f"{SITE}/rest/api/2/search/jql",
            status=503,
            json={"errorMessages": ["Service unavailable"], "errors": {}},
        )
    adapter, _, _ = make_adapter()
    with pytest.raises(RemoteError) as caught:
        adapter.tickets_with_labels(["x"])
    message = str(caught.value)
    assert message.startswith("jira GET /rest/api/2/search/jql answered 503: Service unavailable")
    assert "gave up after 3 attempts" in message
    assert TOKEN not in message
    assert "Authorization" not in message


def test_bad_jql_is_not_retried(mocked: responses.RequestsMock) -> None:
    mocked.get(
        f"{SITE}/rest/api/2/search",
        status=400,
        json={"errorMessages": ["Field 'labels' does not exist"], "errors": {}},
    )
    adapter, request_log, sleeps = make_adapter("datacenter")
    with pytest.raises(RemoteError, match="answered 400: Field 'labels' does not exist"):
        adapter.tickets_with_labels(["x"])
    assert request_log.count() == 1
    assert sleeps == []


def test_refused_credentials_name_the_variables_that_fix_them(
    mocked: responses.RequestsMock,
) -> None:
    # Jira Cloud's answer to a wrong e-mail or API token.
    mocked.get(
        f"{SITE}/rest/api/2/search/jql",
        status=401,
        json={
            "message": "Client must be authenticated to access this resource.",
            "status-code": 401,
        },
        headers={"X-Seraph-LoginReason": "AUTHENTICATED_FAILED"},
    )
    adapter, request_log, _ = make_adapter()
    with pytest.raises(RemoteError) as caught:
        adapter.tickets_with_labels(["x"])
    message = str(caught.value)
    assert message.startswith(
        "jira GET /rest/api/2/search/jql answered 401: Client must be authenticated to access "
        "this resource. Jira did not accept pmsync's credentials: on Jira Cloud set JIRA_EMAIL"
    )
    assert "JIRA_API_TOKEN" in message and "JIRA_TOKEN to a personal access token" in message
    assert TOKEN not in message
    assert request_log.count() == 1


def test_a_refused_right_names_the_permissions_the_account_needs(
    mocked: responses.RequestsMock,
) -> None:
    mocked.post(
        f"{SITE}/rest/api/2/issue/OPS-1/remotelink",
        status=403,
        json={"errorMessages": ["You do not have permission to link issues."], "errors": {}},
    )
    adapter, _, _ = make_adapter()
    with pytest.raises(RemoteError) as caught:
        adapter.add_remote_link("OPS-1", "https://github.com/acme/payments/issues/7", "x")
    message = str(caught.value)
    assert "answered 403: You do not have permission to link issues. Jira knows the" in message
    assert "JIRA_EMAIL and JIRA_API_TOKEN (Cloud) or of JIRA_TOKEN (Data Center)" in message
    assert "Link issues" in message and TOKEN not in message
    assert caught.value.hint is not None and caught.value.detail.endswith("link issues.")


def test_other_refusals_carry_no_access_hint(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{SITE}/rest/api/2/search/jql", status=404, json={"errorMessages": ["gone"]})
    adapter, _, _ = make_adapter()
    with pytest.raises(RemoteError) as caught:
        adapter.tickets_with_labels(["x"])
    assert caught.value.hint is None
    assert str(caught.value) == "jira GET /rest/api/2/search/jql answered 404: gone"


# -- users ----------------------------------------------------------------------------------


def test_user_search_by_email_once_per_address(mocked: responses.RequestsMock) -> None:
    mocked.get(
        f"{SITE}/rest/api/2/user/search",
        json=USERS,
        match=[matchers.query_param_matcher({"query": "mia@acme.example"})],
    )
    adapter, request_log, _ = make_adapter()
    assert adapter.account_for_email("mia@acme.example") == "5b10a2844c20165700ede21g"
    assert adapter.account_for_email("mia@acme.example") == "5b10a2844c20165700ede21g"
    assert request_log.count() == 1


def test_data_center_user_search_gives_the_username(mocked: responses.RequestsMock) -> None:
    mocked.get(
        f"{SITE}/rest/api/2/user/search",
        json=[{"name": "mkrystof", "key": "JIRAUSER10100", "emailAddress": "mia@acme.example"}],
        match=[matchers.query_param_matcher({"username": "mia@acme.example"})],
    )
    mocked.get(f"{SITE}/rest/api/2/user/search", json=[])
    adapter, _, _ = make_adapter("datacenter")
    assert adapter.account_for_email("mia@acme.example") == "mkrystof"
    assert adapter.account_for_email("nobody@acme.example") is None


# -- creating -------------------------------------------------------------------------------


def created_hits() -> list[dict[str, Any]]:
    return [
        issue("ED-24", [item_label(ITEM_A)], "2026-11-20T10:00:00.000+0000"),
        issue("ED-25", [item_label(ITEM_B)], "2026-11-20T10:00:00.000+0000"),
    ]


def test_bulk_create_sends_every_field_and_the_identity_labels(
    mocked: responses.RequestsMock,
) -> None:
    expected_body = {
        "issueUpdates": [
            {
                "fields": {
                    "project": {"key": "OPS"},
                    "issuetype": {"name": "Task"},
                    "summary": "Action 1",
                    "description": "Description 1",
                    "duedate": "2026-12-01",
                    "labels": [
                        "postmortem",
                        "pm-type-detect",
                        "pmsync-pm-0123456789",
                        item_label(ITEM_A),
                    ],
                    "priority": {"name": "High"},
                    "assignee": {"accountId": "5b10a2844c20165700ede21g"},
                }
            },
            {
                "fields": {
                    "project": {"key": "OPS"},
                    "issuetype": {"name": "Task"},
                    "summary": "Action 2",
                    "description": "Description 2",
                    "duedate": "2026-12-01",
                    "labels": [
                        "postmortem",
                        "pm-type-detect",
                        "pmsync-pm-0123456789",
                        item_label(ITEM_B),
                    ],
                }
            },
        ]
    }
    mocked.post(
        f"{SITE}/rest/api/2/issue/bulk",
        json=BULK_201,
        status=201,
        match=[matchers.json_params_matcher(expected_body)],
    )
    jql = f'labels in ("{item_label(ITEM_A)}", "{item_label(ITEM_B)}") ORDER BY created ASC'
    mocked.get(
        f"{SITE}/rest/api/2/search/jql",
        json={"issues": created_hits(), "isLast": True},
        match=[
            matchers.query_param_matcher(
                {
                    "jql": jql,
                    "fields": FIELDS,
                    "maxResults": "100",
                    "reconcileIssues": ["10000", "10001"],
                }
            )
        ],
    )
    adapter, request_log, _ = make_adapter()
    tickets = adapter.create_tickets(
        [new_ticket(ITEM_A, 1), new_ticket(ITEM_B, 2, priority=None, assignee=None)]
    )
    assert [t.key for t in tickets] == ["ED-24", "ED-25"]
    assert request_log.count(write=True) == 1
    assert request_log.count(write=False) == 1


def test_data_center_assignee_is_a_username(mocked: responses.RequestsMock) -> None:
    mocked.post(f"{SITE}/rest/api/2/issue/bulk", json=BULK_201, status=201)
    mocked.get(
        f"{SITE}/rest/api/2/search", json={"issues": created_hits(), "startAt": 0, "total": 2}
    )
    adapter, _, _ = make_adapter("datacenter")
    adapter.create_tickets([new_ticket(ITEM_A, 1, assignee="mkrystof"), new_ticket(ITEM_B, 2)])
    sent = json.loads(mocked.calls[0].request.body)
    assert sent["issueUpdates"][0]["fields"]["assignee"] == {"name": "mkrystof"}
    assert "reconcileIssues" not in query_of(mocked.calls[1])


def test_create_lost_in_a_502_searches_and_sends_only_the_missing(
    mocked: responses.RequestsMock,
) -> None:
    bulk = f"{SITE}/rest/api/2/issue/bulk"
    search = f"{SITE}/rest/api/2/search/jql"
    mocked.post(bulk, status=502, body="Bad Gateway")
    # Jira had created the first ticket before the gateway gave up.
    mocked.get(search, json={"issues": created_hits()[:1], "isLast": True})
    mocked.post(
        bulk,
        status=201,
        json={"issues": [{"id": "10001", "key": "ED-25", "self": "x"}], "errors": []},
    )
    mocked.get(search, json={"issues": created_hits(), "isLast": True})
    adapter, request_log, _ = make_adapter()
    tickets = adapter.create_tickets([new_ticket(ITEM_A, 1), new_ticket(ITEM_B, 2)])
    assert [t.key for t in tickets] == ["ED-24", "ED-25"]
    resent = json.loads(mocked.calls[2].request.body)["issueUpdates"]
    assert [u["fields"]["summary"] for u in resent] == ["Action 2"]
    assert request_log.count(write=True) == 2


def test_create_that_landed_before_the_connection_dropped_is_not_resent(
    mocked: responses.RequestsMock,
) -> None:
    mocked.post(f"{SITE}/rest/api/2/issue/bulk", body=requests.ConnectionError("reset"))
    mocked.get(f"{SITE}/rest/api/2/search/jql", json={"issues": created_hits(), "isLast": True})
    mocked.get(f"{SITE}/rest/api/2/search/jql", json={"issues": created_hits(), "isLast": True})
    adapter, request_log, sleeps = make_adapter()
    tickets = adapter.create_tickets([new_ticket(ITEM_A, 1), new_ticket(ITEM_B, 2)])
    assert [t.key for t in tickets] == ["ED-24", "ED-25"]
    assert request_log.count(write=True) == 1
    assert sleeps == []


def test_create_refused_as_invalid_names_the_fields(mocked: responses.RequestsMock) -> None:
    mocked.post(f"{SITE}/rest/api/2/issue/bulk", status=400, json=BULK_400)
    adapter, request_log, _ = make_adapter()
    with pytest.raises(RemoteError) as caught:
        adapter.create_tickets([new_ticket(ITEM_A, 1), new_ticket(ITEM_B, 2)])
    assert caught.value.status == 400
    assert "issuetype: The issue type selected is invalid." in str(caught.value)
    assert request_log.count() == 1


def test_partly_refused_batch_keeps_what_was_created_and_reports_the_rest(
    mocked: responses.RequestsMock,
) -> None:
    answer = {"issues": BULK_201["issues"][:1], "errors": BULK_400["errors"][1:]}
    mocked.post(f"{SITE}/rest/api/2/issue/bulk", status=201, json=answer)
    mocked.get(f"{SITE}/rest/api/2/search/jql", json={"issues": [], "isLast": True})
    adapter, _, _ = make_adapter()
    with pytest.raises(RemoteError, match="ticket 1: issuetype"):
        adapter.create_tickets([new_ticket(ITEM_A, 1), new_ticket(ITEM_B, 2)])


def test_more_than_fifty_tickets_go_in_several_bulk_requests(
    mocked: responses.RequestsMock,
) -> None:
    items = [f"{n:012d}" for n in range(60)]
    mocked.post(f"{SITE}/rest/api/2/issue/bulk", status=201, json={"issues": [], "errors": []})
    mocked.post(f"{SITE}/rest/api/2/issue/bulk", status=201, json={"issues": [], "errors": []})
    mocked.get(f"{SITE}/rest/api/2/search/jql", json={"issues": [], "isLast": True})
    adapter, _, _ = make_adapter()
    adapter.create_tickets([new_ticket(item, n) for n, item in enumerate(items, 1)])
    sizes = [len(json.loads(c.request.body)["issueUpdates"]) for c in mocked.calls[:2]]
    assert sizes == [50, 10]


def test_a_second_ticket_for_an_item_comes_back_with_the_created_one(
    mocked: responses.RequestsMock,
) -> None:
    # Another run made OPS-5 for the same item meanwhile: the read-back returns both, and
    # closing the later one is the plan's next round's job (pmsync.core.planning.matching).
    mocked.post(
        f"{SITE}/rest/api/2/issue/bulk",
        status=201,
        json={"issues": [{"id": "10007", "key": "OPS-7", "self": "x"}], "errors": []},
    )
    older = issue("OPS-5", [item_label(ITEM_A)], "2026-11-20T10:00:00.000+0000")
    ours = issue("OPS-7", [item_label(ITEM_A)], "2026-11-20T10:00:02.000+0000")
    mocked.get(f"{SITE}/rest/api/2/search/jql", json={"issues": [ours, older], "isLast": True})
    adapter, request_log, _ = make_adapter()
    created = adapter.create_tickets([new_ticket(ITEM_A, 1)])
    assert [(t.key, t.id) for t in created] == [("OPS-5", "10005"), ("OPS-7", "10007")]
    assert request_log.count(write=True) == 1
    assert query_of(mocked.calls[1])["reconcileIssues"] == ["10007"]


DUPLICATE_COMMENT = "Duplicate of OPS-5: …"


def duplicate(status_category: str = "new") -> TicketState:
    return TicketState(
        key="OPS-7",
        id="10007",
        summary="Action 1",
        status="To Do" if status_category == "new" else "Done",
        status_category=status_category,  # type: ignore[arg-type]
        labels=(item_label(ITEM_A),),
        created=datetime(2026, 11, 20, 10, 0, 2, tzinfo=UTC),
        updated=datetime(2026, 11, 20, 10, 0, 2, tzinfo=UTC),
        url=f"{SITE}/browse/OPS-7",
    )


def expect_comment_and_label(
    mocked: responses.RequestsMock, labels: list[str] | None = None
) -> None:
    """The labels read again right before, then (unless labelled already) the comment."""
    mocked.get(
        f"{SITE}/rest/api/2/issue/OPS-7",
        json={"key": "OPS-7", "fields": {"labels": labels or []}},
        match=[matchers.query_param_matcher({"fields": "labels"})],
    )
    if labels and DUPLICATE_LABEL in labels:
        return
    update = {
        "comment": [{"add": {"body": DUPLICATE_COMMENT}}],
        "labels": [{"add": DUPLICATE_LABEL}],
    }
    mocked.put(
        f"{SITE}/rest/api/2/issue/OPS-7",
        status=204,
        match=[matchers.json_params_matcher({"update": update})],
    )


def test_a_duplicate_is_closed_as_duplicate_then_commented_and_labelled(
    mocked: responses.RequestsMock,
) -> None:
    transitions = copy.deepcopy(TRANSITIONS)
    transitions["transitions"][0]["to"]["statusCategory"]["key"] = "done"
    transitions["transitions"][0]["fields"]["resolution"] = {
        "allowedValues": [{"name": "Done"}, {"name": "Duplicate"}]
    }
    mocked.get(
        f"{SITE}/rest/api/2/issue/OPS-7/transitions",
        json=transitions,
        match=[matchers.query_param_matcher({"expand": "transitions.fields"})],
    )
    mocked.post(
        f"{SITE}/rest/api/2/issue/OPS-7/transitions",
        status=204,
        match=[
            matchers.json_params_matcher(
                {"transition": {"id": "2"}, "fields": {"resolution": {"name": "Duplicate"}}}
            )
        ],
    )
    expect_comment_and_label(mocked)
    adapter, request_log, _ = make_adapter()
    adapter.close_as_duplicate(duplicate(), DUPLICATE_COMMENT)
    assert [c.request.method for c in mocked.calls] == ["GET", "POST", "GET", "PUT"]
    assert request_log.count(write=True) == 2


def test_a_duplicate_is_closed_before_it_is_labelled(mocked: responses.RequestsMock) -> None:
    # A run that dies between the two writes must not leave an open, labelled ticket:
    # searches leave labelled tickets out, so nothing would ever close it.
    transitions = copy.deepcopy(TRANSITIONS)
    transitions["transitions"][0]["to"]["statusCategory"]["key"] = "done"
    mocked.get(f"{SITE}/rest/api/2/issue/OPS-7/transitions", json=transitions)
    mocked.post(f"{SITE}/rest/api/2/issue/OPS-7/transitions", status=204)
    adapter, request_log, _ = make_adapter()
    kill_when(lambda entry: entry.write and "/OPS-7" in entry.path, request_log)
    with pytest.raises(Killed, match="POST /rest/api/2/issue/OPS-7/transitions"):
        adapter.close_as_duplicate(duplicate(), DUPLICATE_COMMENT)


def test_a_duplicate_closed_by_a_run_that_died_is_only_commented_and_labelled(
    mocked: responses.RequestsMock,
) -> None:
    expect_comment_and_label(mocked)
    adapter, request_log, _ = make_adapter()
    adapter.close_as_duplicate(duplicate("done"), DUPLICATE_COMMENT)
    assert request_log.count() == 2 and request_log.count(write=True) == 1


def test_a_duplicate_another_run_labelled_meanwhile_gets_no_second_comment(
    mocked: responses.RequestsMock,
) -> None:
    expect_comment_and_label(mocked, labels=["postmortem", DUPLICATE_LABEL])
    adapter, request_log, _ = make_adapter()
    adapter.close_as_duplicate(duplicate("done"), DUPLICATE_COMMENT)
    assert request_log.count() == 1 and request_log.count(write=True) == 0


def test_a_ticket_another_row_claims_does_not_count_as_created(
    mocked: responses.RequestsMock,
) -> None:
    # OPS-5 carries the item's label but a row holds it by its Ticket cell (the item was
    # reworded and its old text added again): after a lost answer, the new item is sent
    # again rather than taken as landed.
    mocked.post(f"{SITE}/rest/api/2/issue/bulk", status=502)
    older = issue("OPS-5", [item_label(ITEM_A)], "2026-11-20T10:00:00.000+0000")
    mocked.get(f"{SITE}/rest/api/2/search/jql", json={"issues": [older], "isLast": True})
    mocked.post(
        f"{SITE}/rest/api/2/issue/bulk",
        status=201,
        json={"issues": [{"id": "10007", "key": "OPS-7", "self": "x"}], "errors": []},
    )
    ours = issue("OPS-7", [item_label(ITEM_A)], "2026-11-20T10:00:02.000+0000")
    mocked.get(f"{SITE}/rest/api/2/search/jql", json={"issues": [ours, older], "isLast": True})
    adapter, request_log, _ = make_adapter()
    created = adapter.create_tickets([new_ticket(ITEM_A, 1)], claimed=("OPS-5",))
    assert [t.key for t in created] == ["OPS-5", "OPS-7"]
    assert request_log.count(write=True) == 2  # the lost create and the one sent again


def test_known_ids_are_reconciled_and_more_than_fifty_take_one_search_each(
    mocked: responses.RequestsMock,
) -> None:
    known = [str(10000 + n) for n in range(60)]
    first = issue("OPS-1", ["pmsync-pm-0123456789"], "2026-11-20T10:00:00.000+0000")
    last = issue("OPS-60", ["pmsync-pm-0123456789"], "2026-11-20T10:00:00.000+0000")
    mocked.get(f"{SITE}/rest/api/2/search/jql", json={"issues": [first], "isLast": True})
    mocked.get(f"{SITE}/rest/api/2/search/jql", json={"issues": [first, last], "isLast": True})
    adapter, _, _ = make_adapter()
    found = adapter.tickets_with_labels(["pmsync-pm-0123456789"], known_ids=known[::-1])
    assert [t.key for t in found] == ["OPS-1", "OPS-60"]
    assert [query_of(c)["reconcileIssues"] for c in mocked.calls] == [known[:50], known[50:]]


def test_data_center_search_takes_no_reconcile_ids(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{SITE}/rest/api/2/search", json={"issues": [], "total": 0})
    adapter, _, _ = make_adapter("datacenter")
    adapter.tickets_with_labels(["x"], known_ids=["10001"])
    assert "reconcileIssues" not in query_of(mocked.calls[0])


# -- other writes ---------------------------------------------------------------------------


def test_remote_link_posts_directly_with_a_global_id(mocked: responses.RequestsMock) -> None:
    url = "https://github.com/acme/payments/issues/7"
    path = f"{SITE}/rest/api/2/issue/OPS-1/remotelink"
    body = {"globalId": url, "object": {"url": url, "title": "acme/payments#7"}}
    mocked.post(path, status=503, json={"errorMessages": ["try later"]})
    mocked.post(
        path,
        status=201,
        json={"id": 10000, "self": "x"},
        match=[matchers.json_params_matcher(body)],
    )
    adapter, request_log, _ = make_adapter()
    adapter.add_remote_link("OPS-1", url, "acme/payments#7")
    assert request_log.count(write=True) == 2  # the same globalId cannot make a second link
    assert all("applicationlinks" not in c.request.url for c in mocked.calls)


def test_edit_translates_fields_into_one_request(mocked: responses.RequestsMock) -> None:
    mocked.put(
        f"{SITE}/rest/api/2/issue/OPS-1",
        status=204,
        match=[
            matchers.json_params_matcher(
                {
                    "fields": {
                        "summary": "New text",
                        "priority": {"name": "Highest"},
                        "duedate": "2026-12-24",
                        "assignee": {"accountId": "abc"},
                    }
                }
            )
        ],
    )
    adapter, request_log, _ = make_adapter()
    adapter.edit_ticket(
        "OPS-1",
        {"summary": "New text", "priority": "Highest", "duedate": "2026-12-24", "assignee": "abc"},
    )
    assert request_log.count(write=True) == 1


def test_comment_with_labels_is_one_edit_checked_by_labels_after_a_500(
    mocked: responses.RequestsMock,
) -> None:
    url = f"{SITE}/rest/api/2/issue/OPS-1"
    body = {
        "update": {
            "comment": [{"add": {"body": "Removed from the post-mortem."}}],
            "labels": [{"add": "pmsync-removed"}],
        }
    }
    mocked.put(url, status=500, json={}, match=[matchers.json_params_matcher(body)])
    mocked.get(
        url,
        json={"key": "OPS-1", "fields": {"labels": ["postmortem", "pmsync-removed"]}},
        match=[matchers.query_param_matcher({"fields": "labels"})],
    )
    adapter, request_log, _ = make_adapter()
    adapter.comment_and_label("OPS-1", "Removed from the post-mortem.", ["pmsync-removed"])
    assert request_log.count(write=True) == 1  # the comment landed; it is not written twice


def test_issue_link_is_sent_again_only_when_missing(mocked: responses.RequestsMock) -> None:
    mocked.post(f"{SITE}/rest/api/2/issueLink", body=requests.ConnectionError("reset"))
    mocked.get(
        f"{SITE}/rest/api/2/issue/OPS-9", json={"key": "OPS-9", "fields": {"issuelinks": []}}
    )
    body = {
        "type": {"name": "Relates"},
        "inwardIssue": {"key": "OPS-9"},
        "outwardIssue": {"key": "OPS-2"},
    }
    mocked.post(
        f"{SITE}/rest/api/2/issueLink", status=201, match=[matchers.json_params_matcher(body)]
    )
    adapter, request_log, _ = make_adapter()
    adapter.link_tickets("OPS-9", "OPS-2", "Relates")
    assert request_log.count(write=True) == 2


# -- JQL quoting ----------------------------------------------------------------------------


@given(st.text())
def test_any_value_quotes_to_exactly_one_jql_string(value: str) -> None:
    """Jira's own grammar (the sandbox's parser) reads the quoted value back unchanged, as
    one value: no text can close the string and add a clause."""
    query = jql_parse.parse(f"labels = {jql_quote(value)}")
    clause = query.where
    assert isinstance(clause, jql_syntax.Clause)
    assert isinstance(clause.operand, jql_syntax.Value)
    assert clause.operand.text == value


# -- descriptions ---------------------------------------------------------------------------

PART_OLD = marked_part("h3. Post-mortem action item\n\n*Due:* 2026-12-01\n", "0123456789ab")
PART_NEW = marked_part("h3. Post-mortem action item\n\n*Due:* 2026-12-24\n", "ba9876543210")


def test_description_search_reads_wiki_text_and_ignores_a_document() -> None:
    raw = copy.deepcopy(SEARCH["issues"][0])
    raw["fields"]["description"] = "h3. Notes"
    assert ticket_state(raw, "cloud", SITE).description == "h3. Notes"
    raw["fields"]["description"] = {"type": "doc", "version": 1, "content": []}
    assert ticket_state(raw, "cloud", SITE).description is None


def test_description_rewrite_reads_it_first_and_keeps_text_around_the_part(
    mocked: responses.RequestsMock,
) -> None:
    url = f"{SITE}/rest/api/2/issue/OPS-1"
    held = f"Owner's note\n{PART_OLD}\nAnother note"
    mocked.get(
        url,
        json={"key": "OPS-1", "fields": {"description": held}},
        match=[matchers.query_param_matcher({"fields": "description"})],
    )
    wanted = f"Owner's note\n{PART_NEW}\nAnother note"
    mocked.put(
        url, status=204, match=[matchers.json_params_matcher({"fields": {"description": wanted}})]
    )
    adapter, request_log, _ = make_adapter()
    assert adapter.rewrite_description("OPS-1", PART_NEW, ()) == (wanted, True)
    assert request_log.count(write=True) == 1


@pytest.mark.parametrize(
    "held",
    [f"Intro\n{PART_NEW}", "Someone rewrote all of it.", ""],
    ids=["already-true", "not-pmsyncs", "empty"],
)
def test_description_rewrite_writes_nothing_when_there_is_nothing_to_do(
    mocked: responses.RequestsMock, held: str
) -> None:
    mocked.get(f"{SITE}/rest/api/2/issue/OPS-1", json={"fields": {"description": held or None}})
    adapter, request_log, _ = make_adapter()
    _, written = adapter.rewrite_description("OPS-1", PART_NEW, ("What pmsync once wrote",))
    assert not written
    assert request_log.count(write=True) == 0


def test_description_rewrite_replaces_an_unmarked_one_only_when_pmsync_wrote_it(
    mocked: responses.RequestsMock,
) -> None:
    url = f"{SITE}/rest/api/2/issue/OPS-1"
    mocked.get(url, json={"fields": {"description": "What pmsync once wrote  \r\n"}})
    mocked.put(
        url, status=204, match=[matchers.json_params_matcher({"fields": {"description": PART_NEW}})]
    )
    adapter, _, _ = make_adapter()
    assert adapter.rewrite_description("OPS-1", PART_NEW, ("What pmsync once wrote",)) == (
        PART_NEW,
        True,
    )


def test_description_rewrite_is_sent_again_after_a_lost_answer(
    mocked: responses.RequestsMock,
) -> None:
    url = f"{SITE}/rest/api/2/issue/OPS-1"
    mocked.get(url, json={"fields": {"description": PART_OLD}})
    mocked.put(url, status=503, json={})
    mocked.put(url, status=204)
    adapter, _, _ = make_adapter()
    assert adapter.rewrite_description("OPS-1", PART_NEW, ()) == (PART_NEW, True)
    puts = [c for c in mocked.calls if c.request.method == "PUT"]
    assert [json.loads(c.request.body) for c in puts] == [{"fields": {"description": PART_NEW}}] * 2
