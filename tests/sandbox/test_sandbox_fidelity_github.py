"""The GitHub emulator's answers against real ones.

1. Every endpoint's answer validates against GitHub's OpenAPI description (the issues
   subset where it covers the path, the full description otherwise): a field the real API
   always returns that is missing, or has another type, fails the test.
2. Issue, comment, label, user and repository objects carry every field that real objects
   (octokit's webhook payloads, a captured delivery, the description's own examples) all
   carry, with the same JSON type.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from support.github_fidelity import Api, response_schema, spec
from support.openapi_schema import check
from support.realdata import REALDATA, data_files, load_json

from pmsync_sandbox.runner import Sandbox


@pytest.fixture
def api(sandbox: Sandbox) -> Iterator[Api]:
    client = Api(sandbox, sandbox.github_token)
    yield client
    client.session.close()


@pytest.fixture
def history(sandbox: Sandbox, api: Api) -> dict[str, Any]:
    """A repository with a label, an issue bob commented on, then closed by alice."""
    bob = Api(sandbox, sandbox.add_github_user("bob")["token"])
    label = api("POST", "/repos/acme/payments/labels", {"name": "sev:1", "color": "B60205"})
    issue = api(
        "POST",
        "/repos/acme/payments/issues",
        {"title": "DB outage", "body": "## Summary", "labels": ["sev:1", "postmortem"]},
    )
    comment = bob("POST", "/repos/acme/payments/issues/1/comments", {"body": "ack"})
    api("PATCH", "/repos/acme/payments/issues/1", {"state": "closed"})
    bob.session.close()
    return {"label": label.json(), "issue": issue.json(), "comment": comment.json()}


R = "/repos/{owner}/{repo}"
CASES = [
    # (method, path, body, documented path, status)
    ("GET", "/user", None, "/user", 200),
    ("GET", "/users/bob", None, "/users/{username}", 200),
    ("GET", "/repos/acme/payments", None, R, 200),
    ("GET", "/repos/acme/payments/issues?state=all", None, f"{R}/issues", 200),
    ("POST", "/repos/acme/payments/issues", {"title": "t", "body": None}, f"{R}/issues", 201),
    ("GET", "/repos/acme/payments/issues/1", None, f"{R}/issues/{{issue_number}}", 200),
    (
        "PATCH",
        "/repos/acme/payments/issues/1",
        {"body": "new", "state": "open"},
        f"{R}/issues/{{issue_number}}",
        200,
    ),
    (
        "GET",
        "/repos/acme/payments/issues/1/comments",
        None,
        f"{R}/issues/{{issue_number}}/comments",
        200,
    ),
    (
        "POST",
        "/repos/acme/payments/issues/1/comments",
        {"body": "status"},
        f"{R}/issues/{{issue_number}}/comments",
        201,
    ),
    ("GET", "/repos/acme/payments/issues/comments", None, f"{R}/issues/comments", 200),
    (
        "GET",
        "/repos/acme/payments/issues/comments/{comment}",
        None,
        f"{R}/issues/comments/{{comment_id}}",
        200,
    ),
    (
        "PATCH",
        "/repos/acme/payments/issues/comments/{comment}",
        {"body": "edited"},
        f"{R}/issues/comments/{{comment_id}}",
        200,
    ),
    (
        "POST",
        "/repos/acme/payments/issues/comments/{comment}/reactions",
        {"content": "eyes"},
        f"{R}/issues/comments/{{comment_id}}/reactions",
        201,
    ),
    (
        "GET",
        "/repos/acme/payments/issues/comments/{comment}/reactions",
        None,
        f"{R}/issues/comments/{{comment_id}}/reactions",
        200,
    ),
    (
        "POST",
        "/repos/acme/payments/issues/comments/{comment}/reactions",
        {"content": "thumbs"},
        f"{R}/issues/comments/{{comment_id}}/reactions",
        422,
    ),
    (
        "GET",
        "/repos/acme/payments/issues/1/labels",
        None,
        f"{R}/issues/{{issue_number}}/labels",
        200,
    ),
    (
        "POST",
        "/repos/acme/payments/issues/1/labels",
        ["bug"],
        f"{R}/issues/{{issue_number}}/labels",
        200,
    ),
    (
        "PUT",
        "/repos/acme/payments/issues/1/labels",
        {"labels": ["sev:1"]},
        f"{R}/issues/{{issue_number}}/labels",
        200,
    ),
    (
        "DELETE",
        "/repos/acme/payments/issues/1/labels/sev%3A1",
        None,
        f"{R}/issues/{{issue_number}}/labels/{{name}}",
        200,
    ),
    (
        "GET",
        "/repos/acme/payments/issues/1/events",
        None,
        f"{R}/issues/{{issue_number}}/events",
        200,
    ),
    ("GET", "/repos/acme/payments/labels", None, f"{R}/labels", 200),
    ("POST", "/repos/acme/payments/labels", {"name": "p", "color": "ffffff"}, f"{R}/labels", 201),
    ("GET", "/repos/acme/payments/labels/sev%3A1", None, f"{R}/labels/{{name}}", 200),
    (
        "PATCH",
        "/repos/acme/payments/labels/sev%3A1",
        {"description": "Severity 1"},
        f"{R}/labels/{{name}}",
        200,
    ),
    (
        "GET",
        "/repos/acme/payments/collaborators/bob/permission",
        None,
        f"{R}/collaborators/{{username}}/permission",
        200,
    ),
    (
        "GET",
        "/search/issues?q=repo:acme/payments+is:issue+label:sev:1",
        None,
        "/search/issues",
        200,
    ),
    ("GET", "/rate_limit", None, "/rate_limit", 200),
    # error answers
    ("GET", "/repos/acme/payments/issues/99", None, f"{R}/issues/{{issue_number}}", 404),
    ("POST", "/repos/acme/payments/labels", {"name": "bug", "color": "ffffff"}, f"{R}/labels", 422),
    ("POST", "/repos/acme/payments/issues", {"body": "no title"}, f"{R}/issues", 422),
    ("GET", "/search/issues?q=label:bug", None, "/search/issues", 422),
    ("POST", "/repos/acme/payments/dispatches", {"event_type": ""}, f"{R}/dispatches", 422),
    ("POST", "/repos/acme/nowhere/dispatches", {"event_type": "x"}, f"{R}/dispatches", 404),
]


@pytest.mark.parametrize(("method", "path", "body", "template", "status"), CASES)
def test_answer_matches_githubs_description(
    api: Api,
    history: dict[str, Any],
    method: str,
    path: str,
    body: Any,
    template: str,
    status: int,
) -> None:
    answer = api(method, path.format(comment=history["comment"]["id"]), json=body)
    assert answer.status_code == status, answer.text
    schema, document = response_schema(template, method, status)
    assert check(answer.json(), schema, document) == []


def test_a_dispatch_takes_what_githubs_description_allows_and_nothing_more(
    sandbox: Sandbox, api: Api
) -> None:
    """The request body's schema (event_type 1 to 100 characters, client_payload at most 10
    top-level properties) is what the sandbox enforces, and its example is accepted."""
    operation = spec()["paths"]["/repos/{owner}/{repo}/dispatches"]["post"]
    content = operation["requestBody"]["content"]["application/json"]
    schema = content["schema"]
    event_type = schema["properties"]["event_type"]
    most = schema["properties"]["client_payload"]["maxProperties"]
    assert schema["required"] == ["event_type"]
    assert list(operation["responses"]) == ["204", "404", "422"]
    path = "/repos/acme/payments/dispatches"
    assert api("POST", path, content["examples"]["default"]["value"]).status_code == 204
    longest = {"event_type": "x" * event_type["maxLength"]}
    assert api("POST", path, longest).status_code == 204
    assert api("POST", path, {"event_type": "x" * (event_type["maxLength"] + 1)}).status_code == 422
    assert event_type["minLength"] == 1
    fullest = {"event_type": "x", "client_payload": {str(n): n for n in range(most)}}
    assert api("POST", path, fullest).status_code == 204
    fullest["client_payload"][str(most)] = most
    assert api("POST", path, fullest).status_code == 422
    assert len(sandbox.github_events()) == 3


def test_unauthenticated_answer_matches_githubs_description(sandbox: Sandbox) -> None:
    answer = requests.get(f"{sandbox.github_url}/user", headers={"Authorization": "token nope"})
    assert answer.status_code == 401
    schema, document = response_schema("/user", "GET", 401)
    assert check(answer.json(), schema, document) == []
    assert answer.json()["message"] == "Bad credentials"


# --- field by field against real objects -------------------------------------------------


def webhook_objects(key: str) -> list[dict[str, Any]]:
    found = []
    for path in data_files("github-webhooks", "*/*.json", at_least=20):
        payload = load_json(path.relative_to(REALDATA).as_posix())
        if isinstance(payload.get(key), dict):
            found.append(payload[key])
    return found


def example(name: str) -> dict[str, Any]:
    value: dict[str, Any] = spec()["components"]["examples"][name]["value"]
    return value


def real_objects(kind: str) -> list[dict[str, Any]]:
    issues = webhook_objects("issue")
    comments = webhook_objects("comment")
    return {
        "issue": [*issues, example("issue")],
        "comment": [*comments, example("issue-comment")],
        "label": [label for issue in issues for label in issue["labels"]] + [example("label")],
        "user": [issue["user"] for issue in issues] + [c["user"] for c in comments],
        "repository": [example("full-repository")],
    }[kind]


def json_type(value: Any) -> str:
    return (
        "number"
        if isinstance(value, int | float) and not isinstance(value, bool)
        else type(value).__name__
    )


def shape_problems(ours: dict[str, Any], real: list[dict[str, Any]]) -> list[str]:
    """Fields every real object has that ours lacks, or holds with another JSON type."""
    always = set.intersection(*(set(obj) for obj in real))
    problems = [f"missing {name!r}" for name in sorted(always - set(ours))]
    for name in sorted(always & set(ours)):
        real_types = {json_type(obj[name]) for obj in real if obj[name] is not None}
        if ours[name] is not None and real_types and json_type(ours[name]) not in real_types:
            problems.append(f"{name!r} is {json_type(ours[name])}, real ones {sorted(real_types)}")
    return problems


def test_issue_has_every_field_real_issues_have(api: Api, history: dict[str, Any]) -> None:
    ours = api("GET", "/repos/acme/payments/issues/1").json()
    assert shape_problems(ours, real_objects("issue")) == []
    assert shape_problems(history["issue"], real_objects("issue")) == []


def test_search_item_has_every_field_of_githubs_example(api: Api, history: dict[str, Any]) -> None:
    found = api("GET", "/search/issues", params={"q": "repo:acme/payments is:issue"}).json()
    real = example("issue-search-result-item-paginated")["items"]
    # GitHub's example item is a pull request; the sandbox has none.
    real = [{k: v for k, v in item.items() if k != "pull_request"} for item in real]
    assert shape_problems(found["items"][0], real) == []
    assert "closed_by" not in found["items"][0]  # search items do not carry it


def test_comment_has_every_field_real_comments_have(history: dict[str, Any]) -> None:
    assert shape_problems(history["comment"], real_objects("comment")) == []


def test_label_has_every_field_real_labels_have(history: dict[str, Any]) -> None:
    assert shape_problems(history["label"], real_objects("label")) == []
    for label in history["issue"]["labels"]:
        assert shape_problems(label, real_objects("label")) == []


def test_user_has_every_field_real_users_have(history: dict[str, Any]) -> None:
    assert shape_problems(history["issue"]["user"], real_objects("user")) == []
    assert shape_problems(history["comment"]["user"], real_objects("user")) == []


def test_repository_has_every_field_of_githubs_example(api: Api) -> None:
    ours = api("GET", "/repos/acme/payments").json()
    # GitHub's example is a fork made from a template; only such repositories have these.
    fork_only = {"parent", "source", "template_repository"}
    real = [
        {k: v for k, v in obj.items() if k not in fork_only} for obj in real_objects("repository")
    ]
    assert shape_problems(ours, real) == []


def test_the_comparison_notices_a_missing_or_retyped_field(history: dict[str, Any]) -> None:
    broken = dict(history["issue"])
    del broken["node_id"]
    broken["comments"] = "3"
    assert shape_problems(broken, real_objects("issue")) == [
        "missing 'node_id'",
        "'comments' is str, real ones ['number']",
    ]


def test_the_schema_check_notices_a_missing_or_retyped_field(history: dict[str, Any]) -> None:
    schema, document = response_schema(f"{R}/issues/{{issue_number}}", "GET", 200)
    broken = dict(history["issue"])
    del broken["title"]
    broken["locked"] = "no"
    assert sorted(check(broken, schema, document)) == [
        "$.locked: str where the schema has boolean",
        "$: required 'title' missing",
    ]


def test_timestamps_and_author_association_follow_github(history: dict[str, Any]) -> None:
    issue, comment = history["issue"], history["comment"]
    assert issue["created_at"] == "2026-12-01T09:00:00Z"  # whole seconds, Z
    assert issue["author_association"] == "OWNER"
    assert comment["author_association"] == "MEMBER"
    assert issue["html_url"].endswith("/acme/payments/issues/1")
    assert comment["html_url"].endswith(f"/acme/payments/issues/1#issuecomment-{comment['id']}")


def test_a_reaction_added_again_is_the_one_there_is(api: Api, history: dict[str, Any]) -> None:
    # "A response with an HTTP 200 status means that you already added the reaction type to
    # this issue comment" (GitHub's description of the operation).
    path = f"/repos/acme/payments/issues/comments/{history['comment']['id']}/reactions"
    first = api("POST", path, {"content": "eyes"})
    again = api("POST", path, {"content": "eyes"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    schema, document = response_schema(
        "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", "POST", 200
    )
    assert check(again.json(), schema, document) == []
    rollup = api("GET", path.removesuffix("/reactions")).json()["reactions"]
    assert (rollup["total_count"], rollup["eyes"], rollup["heart"]) == (1, 1, 0)
    assert [r["content"] for r in api("GET", path).json()] == ["eyes"]
