"""The Jira emulator's answers against real ones.

1. Shapes: every key a real answer in tests/data/jira-responses carries (Atlassian's
   own examples, captured Cloud and Data Center responses) is in the sandbox's answer, with
   the same JSON type, recursively. A few keys real sites add only in configurations the
   sandbox does not have are listed in OPTIONAL, each with its reason.
2. Schemas: answers validate against Atlassian's Jira Cloud v3 OpenAPI description, and
   carry no key a schema closed with ``additionalProperties: false`` does not list (except
   keys real answers carry that the schema forgot, listed in UNDOCUMENTED).
3. Error bodies equal real ones where realdata has the same error.
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

# Keys real answers carry only in configurations the sandbox does not model.
OPTIONAL = {
    "projectCategory",  # only for projects filed under a category
    "visibility",  # only for comments restricted to a role or group
    "transition",  # create answers carry it only when the request asked for a transition
    "insight",  # project statistics, only with expand=insight
    "properties",  # comment properties, only when some were set
    "key",  # Cloud's legacy empty "key"/"name" on users (GDPR mode drops them)
    "name",
    "watcher",  # Atlassian's GET-issue example spells "watches" this way
    "sub-tasks",  # … and "subtasks" this way
    "displayUrl",  # serverInfo, only when a custom domain is set up
    "displayUrlConfluence",
    "displayUrlServicedeskHelpCenter",
    "warningMessages",  # search pages, only when validation warned
    "timeSpent",  # time tracking, only once someone logged work
    "timeSpentSeconds",
    "percent",  # progress, only once there is an estimate or logged work
}
# Keys that are null on a real ticket until something happens that the sandbox does not
# model, so ours may be null where a real example holds a value.
NULL_UNTIL = {
    "timespent",  # time logged on the ticket: null until someone logs work
    "aggregatetimespent",  # … on it and its sub-tasks
}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def missing_or_mistyped(real: Any, ours: Any, where: str = "$") -> list[str]:
    """Where ``ours`` lacks a key ``real`` has, or holds another JSON type (null included:
    only where the real answer is null may ours hold anything)."""
    if real is None:
        return []  # the real ticket had no value here, so it shows no type to compare
    if ours is None and where.rpartition(".")[2] in NULL_UNTIL:
        return []
    if _kind(real) != _kind(ours):
        return [f"{where}: {_kind(ours)} where the real answer has {_kind(real)}"]
    problems: list[str] = []
    if isinstance(real, dict):
        for key, value in real.items():
            if key not in ours:
                if key not in OPTIONAL:
                    problems.append(f"{where}.{key}: missing")
                continue
            problems += missing_or_mistyped(value, ours[key], f"{where}.{key}")
    elif isinstance(real, list) and real and ours:
        problems += missing_or_mistyped(real[0], ours[0], f"{where}[0]")
    return problems


@pytest.fixture
def api(sandbox: Sandbox) -> Iterator[Api]:
    client = Api(sandbox)
    yield client
    client.session.close()


@pytest.fixture(scope="module")
def dc_sandbox() -> Iterator[Sandbox]:
    with running_sandbox(jira_deployment="Server", now=SANDBOX_START) as server:
        yield server


@pytest.fixture
def dc_api(dc_sandbox: Sandbox) -> Iterator[Api]:
    dc_sandbox.reset()
    client = Api(dc_sandbox)
    yield client
    client.session.close()


def populated(api: Api, version: str = "2", *, cloud: bool = True) -> str:
    """A ticket with a value in every field pmsync uses, a comment, links and a transition."""
    description: Any = "See the post-mortem."
    if version == "3":
        description = {
            "type": "doc",
            "version": 1,
            "content": [{"type": "paragraph", "content": [{"type": "text", "text": "See it."}]}],
        }
    fields = {
        "project": {"key": "OPS"},
        "issuetype": {"name": "Task"},
        "summary": "Add connection pool alert",
        "description": description,
        "priority": {"name": "High"},
        "labels": ["postmortem"],
        "duedate": "2026-12-15",
    }
    other = api.ok("POST", f"/{version}/issue", {"fields": fields})["key"]
    fields["assignee"] = {"accountId": "bob"} if cloud else {"name": "bob"}
    key: str = api.ok("POST", f"/{version}/issue", {"fields": fields})["key"]
    comment: Any = "A comment" if version == "2" else description
    api.ok("POST", f"/{version}/issue/{key}/comment", {"body": comment})
    api.ok(
        "POST",
        "/2/issueLink",
        {"type": {"name": "Relates"}, "inwardIssue": {"key": key}, "outwardIssue": {"key": other}},
    )
    api.ok("POST", f"/2/issue/{key}/transitions", {"transition": {"id": "31"}})
    return key


# ---- shapes against realdata -------------------------------------------------------------


def test_issue_has_every_field_of_a_real_cloud_issue(api: Api) -> None:
    key = populated(api)
    ours = api.ok("GET", f"/2/issue/{key}")
    real = load_json("jira-responses/atlassian-python-api/rest_api_2_issue_FOO-123_GET.json")
    assert missing_or_mistyped(real[0]["response"], ours) == []
    example = load_json(f"{EXAMPLES}/v2_GET_issue_issueIdOrKey_200.json")
    assert missing_or_mistyped({k: v for k, v in example.items() if k != "fields"}, ours) == []
    real_link, our_link = example["fields"]["issuelinks"][0], ours["fields"]["issuelinks"][0]
    assert missing_or_mistyped(real_link, our_link) == []
    real_comment = example["fields"]["comment"][0]
    assert missing_or_mistyped(real_comment, ours["fields"]["comment"]["comments"][0]) == []


def test_the_comparison_notices_a_missing_retyped_or_nulled_field(api: Api) -> None:
    ours = api.ok("GET", f"/2/issue/{populated(api)}")
    real = load_json("jira-responses/atlassian-python-api/rest_api_2_issue_FOO-123_GET.json")
    broken = {**ours, "fields": dict(ours["fields"])}
    del broken["self"]
    broken["id"] = int(ours["id"])
    broken["fields"]["status"] = None
    broken["fields"]["labels"] = "postmortem"
    assert missing_or_mistyped(real[0]["response"], broken) == [
        "$.id: number where the real answer has str",
        "$.self: missing",
        "$.fields.status: null where the real answer has dict",
        "$.fields.labels: str where the real answer has list",
    ]


def test_v3_issue_matches_atlassians_v3_example(api: Api) -> None:
    key = populated(api, "3")
    ours = api.ok("GET", f"/3/issue/{key}")
    example = load_json(f"{EXAMPLES}/v3_GET_issue_issueIdOrKey_200.json")
    assert (
        missing_or_mistyped(example["fields"]["description"], ours["fields"]["description"]) == []
    )
    assert ours["fields"]["description"]["type"] == "doc"


def test_search_page_matches_a_real_data_center_page(dc_api: Api) -> None:
    populated(dc_api, cloud=False)
    page = dc_api.ok("GET", "/2/search", jql="project = OPS ORDER BY key DESC", fields="*all")
    real = load_json("jira-responses/go-jira-mock-data/issues_in_sprint.json")
    modelled = {
        k: v
        for k, v in real["issues"][0]["fields"].items()
        if not k.startswith(("customfield", "epic"))
    }
    real["issues"][0]["fields"] = modelled
    assert missing_or_mistyped(real, page) == []
    example = load_json(f"{EXAMPLES}/v2_GET_search_200.json")
    top = {k: v for k, v in example.items() if k != "issues"}
    assert missing_or_mistyped(top, page) == []


def test_enhanced_search_matches_real_cloud_pages(api: Api) -> None:
    populated(api)
    page = api.ok("GET", "/3/search/jql", jql="project = OPS ORDER BY key DESC", fields="*all")
    cli = load_json("jira-responses/jira-cli-testdata/search.json")
    for real_issue in cli["issues"]:
        assert missing_or_mistyped(real_issue, page["issues"][0]) == []
    example = load_json(f"{EXAMPLES}/v3_GET_search_jql_200.json")
    assert missing_or_mistyped({k: v for k, v in example.items() if k != "issues"}, page) == []


@pytest.mark.parametrize(
    ("example", "path", "params"),
    [
        ("jira-responses/jira-cli-testdata/serverinfo.json", "/2/serverInfo", {}),
        (f"{EXAMPLES}/v2_GET_serverInfo_200.json", "/2/serverInfo", {}),
        (f"{EXAMPLES}/v2_GET_myself_200.json", "/2/myself", {}),
        (f"{EXAMPLES}/v2_GET_priority_200.json", "/2/priority", {}),
        (f"{EXAMPLES}/v2_GET_statuscategory_200.json", "/2/statuscategory", {}),
        (f"{EXAMPLES}/v2_GET_user_search_200.json", "/2/user/search", {"query": "b"}),
        ("jira-responses/go-jira-mock-data/all_priorities.json", "/2/priority", {}),
        ("jira-responses/go-jira-mock-data/all_resolutions.json", "/2/resolution", {}),
        ("jira-responses/go-jira-mock-data/all_fields.json", "/2/field", {}),
        ("jira-responses/go-jira-mock-data/all_statuses.json", "/2/status", {}),
        (
            f"{EXAMPLES}/v2_GET_issue_createmeta_projectIdOrKey_issuetypes_200.json",
            "/2/issue/createmeta/OPS/issuetypes",
            {},
        ),
    ],
)
def test_site_answers_have_real_shapes(
    api: Api, example: str, path: str, params: dict[str, str]
) -> None:
    assert missing_or_mistyped(load_json(example), api.ok("GET", path, **params)) == []


def test_status_categories_are_jiras_own(api: Api) -> None:
    real = load_json("jira-responses/go-jira-mock-data/all_statuscategories.json")
    ours = api.ok("GET", "/2/statuscategory")
    assert [(c["id"], c["key"], c["name"], c["colorName"]) for c in ours] == sorted(
        (c["id"], c["key"], c["name"], c["colorName"]) for c in real
    )


def test_transitions_match_real_ones(api: Api) -> None:
    key = api.ok(
        "POST",
        "/2/issue",
        {"fields": {"project": {"key": "OPS"}, "issuetype": {"name": "Task"}, "summary": "x"}},
    )["key"]
    ours = api.ok("GET", f"/2/issue/{key}/transitions", expand="transitions.fields")
    done = next(t for t in ours["transitions"] if t["name"] == "Done")
    for source in (
        "jira-responses/go-jira-mock-data/transitions.json",
        f"{EXAMPLES}/v2_GET_issue_issueIdOrKey_transitions_200.json",
        "jira-responses/jira-cli-testdata/transitions.json",
    ):
        real = load_json(source)
        real_transition = dict(real["transitions"][0])
        real_fields = real_transition.pop("fields", {})
        assert missing_or_mistyped(real_transition, done) == [], source
        for meta in real_fields.values():  # the description of a field on the screen
            expected = {k: v for k, v in meta.items() if k not in ("allowedValues", "defaultValue")}
            expected["schema"] = {"type": meta["schema"]["type"]}  # theirs is a custom field
            assert missing_or_mistyped(expected, done["fields"]["resolution"]) == [], source


def test_create_answers_match_real_ones(api: Api) -> None:
    fields = {"project": {"key": "OPS"}, "issuetype": {"name": "Task"}, "summary": "x"}
    created = api.ok("POST", "/2/issue", {"fields": fields})
    for source in (
        f"{EXAMPLES}/v2_POST_issue_201.json",
        "jira-responses/jira-cli-testdata/create.json",
    ):
        assert missing_or_mistyped(load_json(source), created) == []
    bulk = api("POST", "/2/issue/bulk", {"issueUpdates": [{"fields": fields}, {"fields": {}}]})
    assert bulk.status_code == 201
    assert (
        missing_or_mistyped(load_json(f"{EXAMPLES}/v2_POST_issue_bulk_201.json"), bulk.json()) == []
    )
    assert (
        missing_or_mistyped(load_json(f"{EXAMPLES}/v2_POST_issue_bulk_400.json"), bulk.json()) == []
    )
    failed = api("POST", "/2/issue/bulk", {"issueUpdates": [{"fields": {}}]})
    assert failed.status_code == 400
    assert (
        missing_or_mistyped(load_json(f"{EXAMPLES}/v2_POST_issue_bulk_400.json"), failed.json())
        == []
    )


def test_remote_links_match_real_ones(api: Api) -> None:
    key = populated(api)
    request = load_json(f"{EXAMPLES}/v2_POST_issue_issueIdOrKey_remotelink_REQUEST.json")
    created = api("POST", f"/2/issue/{key}/remotelink", request)
    assert created.status_code == 201
    real_created = load_json(f"{EXAMPLES}/v2_POST_issue_issueIdOrKey_remotelink_201.json")
    assert missing_or_mistyped(real_created, created.json()) == []
    updated = api("POST", f"/2/issue/{key}/remotelink", request)
    assert (updated.status_code, updated.json()) == (200, created.json())
    listed = api.ok("GET", f"/2/issue/{key}/remotelink")
    for source in (
        f"{EXAMPLES}/v2_GET_issue_issueIdOrKey_remotelink_200.json",
        "jira-responses/go-jira-mock-data/remote_links.json",
    ):
        assert missing_or_mistyped(load_json(source), listed) == [], source
    assert listed[0]["object"] == request["object"]


def test_comments_match_real_ones(api: Api) -> None:
    key = populated(api)
    page = api.ok("GET", f"/2/issue/{key}/comment")
    real = load_json(
        "jira-responses/atlassian-python-api/rest_api_2_issue_FOO-123_comment_GET.json"
    )
    assert missing_or_mistyped(real[0]["response"], page) == []
    posted = api.ok("POST", f"/2/issue/{key}/comment", {"body": "More"})
    assert (
        missing_or_mistyped(
            load_json(f"{EXAMPLES}/v2_POST_issue_issueIdOrKey_comment_201.json"), posted
        )
        == []
    )


# ---- error bodies ------------------------------------------------------------------------


def test_field_errors_have_the_real_shape(api: Api) -> None:
    answer = api("POST", "/2/issue", {"fields": {"project": {"key": "OPS"}, "labels": ["a b"]}})
    assert answer.status_code == 400
    real = load_json("jira-responses/atlassian-python-api/rest_api_2_issue_POST.json")[0][
        "response"
    ]
    del real["status_code"]  # the mock's own metadata
    assert missing_or_mistyped(real, answer.json()) == []
    assert missing_or_mistyped(load_json(f"{EXAMPLES}/v2_POST_issue_400.json"), answer.json()) == []


def test_a_remote_link_without_title_is_the_real_error(api: Api) -> None:
    key = populated(api)
    answer = api("POST", f"/2/issue/{key}/remotelink", {"object": {"url": "https://x"}})
    assert answer.status_code == 400
    assert answer.json() == load_json(f"{EXAMPLES}/v2_POST_issue_issueIdOrKey_remotelink_400.json")


def test_json_content_type(api: Api) -> None:
    answer = api("GET", "/2/myself")
    assert answer.headers["Content-Type"] == "application/json;charset=UTF-8"


# ---- the Cloud OpenAPI description --------------------------------------------------------


def test_answers_validate_against_the_cloud_description(api: Api) -> None:
    key = populated(api, "3")
    link = load_json(f"{EXAMPLES}/v3_POST_issue_issueIdOrKey_remotelink_REQUEST.json")
    fields = {"project": {"key": "OPS"}, "issuetype": {"name": "Task"}, "summary": "x"}
    paragraph = {"type": "paragraph", "content": [{"type": "text", "text": "Noted"}]}
    comment = {"body": {"type": "doc", "version": 1, "content": [paragraph]}}
    cases: list[Case] = [
        ("GET", "/rest/api/3/serverInfo", "/3/serverInfo", 200, None, {}),
        ("GET", "/rest/api/3/myself", "/3/myself", 200, None, {}),
        ("GET", "/rest/api/3/project", "/3/project", 200, None, {}),
        ("GET", "/rest/api/3/project/{projectIdOrKey}", "/3/project/OPS", 200, None, {}),
        ("GET", "/rest/api/3/priority", "/3/priority", 200, None, {}),
        ("GET", "/rest/api/3/status", "/3/status", 200, None, {}),
        ("GET", "/rest/api/3/statuscategory", "/3/statuscategory", 200, None, {}),
        ("GET", "/rest/api/3/resolution", "/3/resolution", 200, None, {}),
        ("GET", "/rest/api/3/field", "/3/field", 200, None, {}),
        ("GET", "/rest/api/3/issuetype", "/3/issuetype", 200, None, {}),
        ("GET", "/rest/api/3/issueLinkType", "/3/issueLinkType", 200, None, {}),
        ("GET", "/rest/api/3/user/search", "/3/user/search", 200, None, {"query": "a"}),
        *createmeta_cases("10002"),
        ("POST", "/rest/api/3/issue", "/3/issue", 201, {"fields": fields}, {}),
        (
            "POST",
            "/rest/api/3/issue/bulk",
            "/3/issue/bulk",
            201,
            {"issueUpdates": [{"fields": fields}, {"fields": {}}]},
            {},
        ),
        (
            "GET",
            "/rest/api/3/issue/{issueIdOrKey}",
            f"/3/issue/{key}",
            200,
            None,
            {"expand": "names,schema,transitions,renderedFields"},
        ),
        (
            "GET",
            "/rest/api/3/issue/{issueIdOrKey}/transitions",
            f"/3/issue/{key}/transitions",
            200,
            None,
            {"expand": "transitions.fields"},
        ),
        (
            "GET",
            "/rest/api/3/issue/{issueIdOrKey}/comment",
            f"/3/issue/{key}/comment",
            200,
            None,
            {},
        ),
        (
            "POST",
            "/rest/api/3/issue/{issueIdOrKey}/comment",
            f"/3/issue/{key}/comment",
            201,
            comment,
            {},
        ),
        (
            "POST",
            "/rest/api/3/issue/{issueIdOrKey}/remotelink",
            f"/3/issue/{key}/remotelink",
            201,
            link,
            {},
        ),
        (
            "GET",
            "/rest/api/3/search/jql",
            "/3/search/jql",
            200,
            None,
            {"jql": "project = OPS", "fields": "*all", "expand": "names,schema", "maxResults": 1},
        ),
        ("POST", "/rest/api/3/search/jql", "/3/search/jql", 200, {"jql": "project = OPS"}, {}),
    ]
    assert_answers_conform(api, cases)


def test_issue_fields_validate_against_their_schemas(api: Api) -> None:
    key = populated(api, "3")
    fields = api.ok("GET", f"/3/issue/{key}")["fields"]
    schemas = {
        "status": "StatusDetails",
        "priority": "Priority",
        "issuetype": "IssueTypeDetails",
        "assignee": "UserDetails",
        "reporter": "UserDetails",
        "creator": "UserDetails",
        "resolution": "Resolution",
        "project": "ProjectDetails",
        "comment": "PageOfComments",
    }
    for name, schema in schemas.items():
        assert fields[name] is not None, name
        assert conforms(fields[name], component(schema)) == [], name
    for link in fields["issuelinks"]:
        assert conforms(link["type"], component("IssueLinkType")) == []
        linked = link.get("outwardIssue") or link.get("inwardIssue")
        assert conforms(linked, component("LinkedIssue")) == []
    remote = api.ok("GET", f"/3/issue/{key}/remotelink")
    assert conforms(remote, {"type": "array", "items": component("RemoteIssueLink")}) == []
